//! Bad user input through the binary (issue 8): malformed rules, unknown
//! flags, an unreachable start URL, a bad `--ca-cert`, a reports folder that
//! cannot be written, a disk that fills up. Each gives the right exit code and
//! one clear line, never a panic, and what was already written stays valid.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use zwgk_audit::demo::{SiteServer, SiteSource};
use zwgk_audit::report::csv::read_rows;
use zwgk_audit::report::rows::FindingRow;

const BIN: &str = env!("CARGO_BIN_EXE_zwgk-audit");

fn run(args: &[&str], cwd: &Path) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(cwd)
        .env("RUST_LOG", "zwgk_audit=warn")
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("the binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).trim_end().to_string()
}

/// Exit code and the one line of stderr; fails when there are more lines or a panic.
fn one_line(o: &Output) -> (i32, String) {
    let err = stderr(o);
    assert!(!err.contains("panicked"), "a panic: {err}");
    assert_eq!(err.lines().count(), 1, "one line on stderr, got:\n{err}");
    (o.status.code().unwrap_or(-1), err)
}

/// A port on 127.0.0.1 where nothing listens.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// Starts a fixture site on a thread (the binary is another process) and
/// writes a rules file for it; `site_extra` goes into `[site]`.
fn site_rules(dir: &Path, name: &str, site_extra: &str) -> (SiteServer, PathBuf) {
    let server = SiteServer::start_in_thread(SiteSource::dir(fixture(name)), Some(today()))
        .expect("fixture server starts");
    let rules = dir.join("site.toml");
    std::fs::write(
        &rules,
        format!(
            "[site]\nname = \"测试站\"\nid = \"fixture\"\nstart_urls = [\"{}\"]\n{site_extra}\n\n[crawl]\nhost_interval_ms = 0\ntimeout_secs = 2\nretries = 0\nbackoff_ms = 50\n# no DNS: the fixture's external hosts are never looked up\ncheck_external = false\n",
            server.url("/")
        ),
    )
    .unwrap();
    (server, rules)
}

#[test]
fn malformed_rules_exit_2_with_one_line_naming_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let head = "[site]\nstart_urls = [\"http://www.demo-ipa.gov.cn/\"]\n";
    for (name, body, line, key) in [
        (
            "syntax.toml",
            format!("{head}\n[crawl]\ntimeout_secs = \"2\n"),
            5,
            "crawl.timeout_secs",
        ),
        (
            "unknown.toml",
            format!("{head}\n[crawl]\ntimeout_sec = 2\n"),
            5,
            "crawl.timeout_sec",
        ),
        (
            "type.toml",
            format!("{head}\n[crawl]\nmax_depth = \"deep\"\n"),
            5,
            "crawl.max_depth",
        ),
        (
            "regex.toml",
            format!("{head}exclude = [\"/ok/\", \"(unclosed\"]\n"),
            3,
            "site.exclude",
        ),
    ] {
        std::fs::write(dir.path().join(name), body).unwrap();
        for args in [
            vec!["crawl", "--rules", name, "--reports", "reports", "--quiet"],
            vec!["rules", "check", name],
        ] {
            let (code, err) = one_line(&run(&args, dir.path()));
            assert_eq!(code, 2, "{args:?}: {err}");
            assert!(
                err.starts_with(&format!("zwgk-audit: {name}:{line}: ")),
                "{args:?}: names file and line {line}: {err}"
            );
            assert!(
                err.contains(&format!("`{key}`")),
                "{args:?}: names {key}: {err}"
            );
        }
    }
    assert!(
        !dir.path().join("reports").exists(),
        "nothing is started with bad rules"
    );
}

#[test]
fn unknown_flag_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["crawl", "--no-such-flag", "http://www.demo-ipa.gov.cn/"],
        vec!["--no-such-flag"],
        vec!["no-such-command"],
    ] {
        let o = run(&args, dir.path());
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.starts_with("error: "), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn unreachable_start_url_exits_3_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("http://127.0.0.1:{}/", closed_port());
    let o = run(
        &["crawl", &url, "--reports", "reports", "--quiet"],
        dir.path(),
    );
    let (code, err) = one_line(&o);
    assert_eq!(code, 3, "{err}");
    assert_eq!(
        err,
        format!("zwgk-audit: the site could not be audited: {url}: connection refused")
    );
}

#[test]
fn invalid_ca_cert_exits_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("junk.pem"), "not a certificate\n").unwrap();
    std::fs::write(
        dir.path().join("broken.pem"),
        "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let url = format!("http://127.0.0.1:{}/", closed_port());
    for (file, why) in [
        ("junk.pem", "not a PEM certificate"),
        ("broken.pem", "not a PEM certificate"),
        ("missing.pem", "No such file"),
    ] {
        let o = run(
            &[
                "crawl",
                &url,
                "--ca-cert",
                file,
                "--reports",
                "reports",
                "--quiet",
            ],
            dir.path(),
        );
        let (code, err) = one_line(&o);
        assert_eq!(code, 2, "{file}: {err}");
        assert!(
            err.starts_with(&format!("zwgk-audit: --ca-cert {file}: ")) && err.contains(why),
            "{file}: {err}"
        );
    }
}

#[test]
fn unwritable_reports_folder_is_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, rules) = site_rules(dir.path(), "site", "");
    let rules = rules.to_str().unwrap();
    std::fs::write(dir.path().join("a-file"), "x").unwrap();
    let mut cases = vec!["a-file", "a-file/sub"];
    // A read-only folder (skipped when running as root, who may write anyway).
    let ro = dir.path().join("read-only");
    std::fs::create_dir(&ro).unwrap();
    let mut perms = std::fs::metadata(&ro).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&ro, perms).unwrap();
    if std::fs::create_dir(ro.join("probe")).is_err() {
        cases.push("read-only/reports");
    }
    for reports in cases {
        let o = run(
            &["crawl", "--rules", rules, "--reports", reports, "--quiet"],
            dir.path(),
        );
        let (code, err) = one_line(&o);
        assert_eq!(code, 2, "{reports}: {err}");
        assert!(
            err.starts_with("zwgk-audit: cannot write the reports: ") && err.contains(reports),
            "{reports}: {err}"
        );
    }
}

/// A disk that fills up during the run, simulated with a file size limit
/// (`ulimit -f`, SIGXFSZ ignored so that writes fail with EFBIG): links.csv
/// (the 10,000-link page of the hostile site) outgrows it, findings.csv and
/// the history database do not. The run ends with one clear line and the
/// findings written so far are a valid CSV file.
#[test]
fn a_full_disk_keeps_the_findings_written_so_far_valid() {
    if !Path::new("/bin/bash").exists() {
        eprintln!("skipped: no /bin/bash to set a file size limit");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // Only the quick pages of the hostile site; the trap host is never resolved.
    let (_server, rules) = site_rules(
        dir.path(),
        "hostile",
        r#"ignore = ["drip", "endless", "huge", "bomb", "unclosed", "deep", "traps\\.hostile"]"#,
    );
    let script = format!(
        "trap '' XFSZ; ulimit -f 64; exec '{BIN}' crawl --rules '{}' --out run --reports reports --quiet --today 2026-05-25",
        rules.display()
    );
    let o = Command::new("/bin/bash")
        .arg("-c")
        .arg(&script)
        .current_dir(dir.path())
        .env("RUST_LOG", "zwgk_audit=off")
        .output()
        .unwrap();
    let err = stderr(&o);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(o.status.code(), Some(2), "{err}");
    let last = err.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("zwgk-audit: cannot write the reports: ")
            && last.contains("File too large"),
        "{err}"
    );
    let run_dir = dir.path().join("run");
    let links = std::fs::metadata(run_dir.join("links.csv")).unwrap().len();
    assert_eq!(
        links,
        64 * 1024,
        "links.csv filled the 'disk' (bash counts KiB)"
    );
    let bytes = std::fs::read(run_dir.join("findings.csv")).unwrap();
    assert!(bytes.ends_with(b"\n"), "no torn row");
    let rows: Vec<FindingRow> = read_rows(&bytes).expect("findings.csv stays valid CSV");
    assert!(
        !rows.is_empty(),
        "findings made before the disk filled are on disk"
    );
    assert!(
        rows.iter()
            .all(|r| !r.kind.is_empty() && !r.page_url.is_empty())
    );
}

#[test]
fn help_lists_every_flag_the_readme_mentions() {
    let dir = tempfile::tempdir().unwrap();
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let mut help = String::new();
    for args in [
        vec!["--help"],
        vec!["crawl", "--help"],
        vec!["probe", "--help"],
        vec!["report", "--help"],
    ] {
        let o = run(&args, dir.path());
        assert_eq!(o.status.code(), Some(0), "{args:?}");
        help.push_str(&String::from_utf8_lossy(&o.stdout));
    }
    let flags: std::collections::BTreeSet<&str> = readme
        .lines()
        .filter(|l| !l.contains("cargo ")) // cargo's own flags (`--release`, `--test`)
        .filter(|l| !l.contains("systemctl ")) // systemd's own flags (`--now`)
        .filter(|l| !l.contains("lychee") && !l.contains("--host-request-interval")) // the peer's flags in the benchmark note
        .flat_map(|l| l.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')))
        .filter(|w| w.starts_with("--") && w.len() > 2 && w.as_bytes()[2].is_ascii_lowercase())
        .collect();
    assert!(flags.len() >= 15, "{flags:?}");
    for f in flags {
        assert!(
            help.contains(f),
            "`{f}` is in README.md but not in --help:\n{help}"
        );
    }
    for sub in ["crawl", "demo", "diff", "report", "rules", "probe"] {
        assert!(help.contains(sub), "{sub}");
    }
}
