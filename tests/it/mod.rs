//! Integration test modules, one per area.

mod cli;
mod hostile;
mod props;
mod smoke;
