//! Integration test modules, one per area.

mod nightly;
mod smoke;
