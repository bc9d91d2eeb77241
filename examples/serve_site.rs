//! Serves a fixture site folder on loopback until killed, for scripts that
//! crawl it with the release binary (`scripts/hostile-mem.sh`):
//! `cargo run --release --example serve_site -- tests/fixtures/hostile`.
//! Prints the port on the first line of stdout.

use zwgk_audit::demo::{SiteServer, SiteSource};

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "tests/fixtures/hostile".into());
    let server = SiteServer::start(SiteSource::dir(dir)).await?;
    println!("{}", server.port());
    tokio::signal::ctrl_c().await?;
    server.shutdown().await;
    Ok(())
}
