//! Demo site (in progress)
