//! Run writer (in progress)
