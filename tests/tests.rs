//! The one integration test binary: every test talks to a real HTTP server
//! started in-process on 127.0.0.1 (`zwgk_audit::demo::SiteServer`) serving a
//! fixture site from `tests/fixtures/`, or to the built binary. No test
//! resolves a name through the system's DNS.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test and tool code may

mod common;
mod it;
