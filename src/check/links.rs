//! links (in progress)
