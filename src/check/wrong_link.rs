//! wrong_link (in progress)
