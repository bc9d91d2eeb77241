//! soft404 (in progress)
