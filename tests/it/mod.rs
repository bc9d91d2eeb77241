//! Integration test modules, one per area.

mod crawl;
mod links;
mod smoke;
