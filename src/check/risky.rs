//! risky (in progress)
