//! Integration test modules, one per area.

mod smoke;
mod nightly;
