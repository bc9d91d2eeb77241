//! zwgk-audit: a link-and-content auditing crawler for Chinese government
//! bureau websites.
//!
//! The pipeline is the module tree: [`crawl`] fetches pages politely and hands
//! decoded bodies to [`extract`]; raw links become resolved URLs at the stage
//! boundary; [`check`] turns outcomes and pages into [`finding::Finding`]s; and
//! [`report`] writes them as the crawl goes. [`rules`] is the data that drives
//! it all; [`demo`] is the built-in sample bureau site; [`notify`] posts an
//! alert when a run ends.

pub mod audit;
pub mod check;
pub mod cli;
pub mod crawl;
pub mod demo;
pub mod extract;
pub mod finding;
pub mod fingerprint;
pub mod link;
pub mod notify;
pub mod patterns;
pub mod probe;
pub mod report;
pub mod rules;
pub mod spool;
