//! Integration test modules, one per area.

mod bounded;
mod cli;
mod cms;
mod columns;
mod content;
mod crawl;
mod csv_safety;
mod demo;
mod excel;
mod extract;
mod hidden;
mod hostile;
mod identity;
mod kinds;
mod links;
mod nightly;
mod notify;
mod precision;
mod props;
mod realboards;
mod reliability;
mod smoke;
mod verdict;
