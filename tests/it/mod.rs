//! Integration test modules, one per area.

mod crawl;
mod smoke;
