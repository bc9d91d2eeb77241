//! `zwgk-audit demo`: serve the built-in sample bureau site on loopback, map
//! every one of its host names to that server (nothing leaves the machine),
//! and audit it with the demo rules.

use super::{DEMO_RULES, SiteServer, demo_site};
use crate::audit::{AuditError, AuditOptions, Auditor, RunResult};
use crate::crawl::resolve::ResolveEntry;
use crate::rules::{Rules, RulesError};
use std::path::Path;
use thiserror::Error;

/// Why the demo could not run.
#[derive(Debug, Error)]
pub enum DemoError {
    /// The loopback server did not start.
    #[error("cannot start the demo server on 127.0.0.1: {0}")]
    Server(std::io::Error),
    /// The embedded demo rules are invalid (a build defect).
    #[error(transparent)]
    Rules(#[from] RulesError),
    /// The audit failed.
    #[error(transparent)]
    Audit(#[from] AuditError),
}

/// The demo rules, as embedded.
pub fn demo_rules() -> Result<Rules, RulesError> {
    Rules::from_toml(DEMO_RULES, Path::new("rules/demo.toml"))
}

/// Starts the demo server and audits it with `opts` (the date of `opts.today`
/// also dates the demo site). Returns the server (still serving), the rules and the run.
pub async fn audit_demo(
    mut opts: AuditOptions,
) -> Result<(SiteServer, Rules, RunResult), DemoError> {
    let server = SiteServer::start_with_today(demo_site(), opts.today)
        .await
        .map_err(DemoError::Server)?;
    let rules = demo_rules()?;
    let mut hosts = server.hosts();
    hosts.extend(super::EXTERNAL_HOSTS.iter().map(|h| h.to_string()));
    hosts.push(super::DEMO_HOST.to_string());
    hosts.sort();
    hosts.dedup();
    for h in hosts {
        opts.resolve
            .push(ResolveEntry::connect_to(&h, server.addr()));
    }
    let auditor = Auditor::new(rules.clone(), opts);
    let run = auditor.run().await?;
    Ok((server, rules, run))
}
