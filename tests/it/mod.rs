//! Integration test modules, one per area.

mod columns;
mod content;
mod demo;
mod smoke;
