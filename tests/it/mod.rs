//! Integration test modules, one per area.

mod hostile;
mod props;
mod smoke;
