//! Demo site (in progress)

/// `zwgk-audit demo` (being built).
pub async fn run_demo(_args: crate::cli::DemoArgs) -> anyhow::Result<u8> {
    anyhow::bail!("demo is not available yet")
}
