//! Integration test modules, one per area.

mod columns;
mod content;
mod crawl;
mod demo;
mod links;
mod nightly;
mod smoke;
