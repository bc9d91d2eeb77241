//! Property tests of everything that reads untrusted input (issue 8): link
//! extraction from HTML, CSS and scripts, charset decoding, URL resolution and
//! the dedup key, dates, rules files, wrong-link classification and soft-404
//! detection. Inputs are arbitrary strings and bytes, and the fixture pages
//! and rules files of this repository mutated (bytes flipped, markup tokens
//! inserted, pieces cut, spliced and repeated).
//!
//! The number of cases is low by default so that `cargo test` stays fast;
//! `PROPTEST_CASES=5000 cargo test --test tests props` runs more (see README,
//! "Limits and hostile sites").

use chrono::NaiveDate;
use encoding_rs::Encoding;
use proptest::prelude::*;
use proptest::sample::Index;
use scraper::{Html, Selector};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use url::Url;
use zwgk_audit::check::PageView;
use zwgk_audit::check::wrong_link::{self, HostPolicy, RawClass};
use zwgk_audit::check::{columns, content, dates, soft404};
use zwgk_audit::extract::{self, css, js, normalize, resolve};
use zwgk_audit::rules::{Rules, RulesError};

/// Cases per property: `PROPTEST_CASES` when set, else `default`.
fn config(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn files_under(dir: &Path, exts: &[&str], max_len: u64, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files_under(&p, exts, max_len, out);
        } else if p
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| exts.contains(&e))
            && p.metadata().is_ok_and(|m| m.len() <= max_len)
        {
            out.push(p);
        }
    }
}

/// The seed corpus: every fixture page, stylesheet and script of the test
/// fixtures and the demo site (files up to 64 KiB).
static SEEDS: LazyLock<Vec<Vec<u8>>> = LazyLock::new(|| {
    let mut paths = Vec::new();
    for dir in ["tests/fixtures", "src/demo/site"] {
        files_under(
            &root().join(dir),
            &["html", "htm", "shtml", "css", "js"],
            64 * 1024,
            &mut paths,
        );
    }
    let seeds: Vec<Vec<u8>> = paths.iter().filter_map(|p| std::fs::read(p).ok()).collect();
    assert!(seeds.len() > 50, "fixture seeds found: {}", seeds.len());
    seeds
});

/// The rules files of the repository and of the fixtures.
static RULES_SEEDS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let mut paths = Vec::new();
    for dir in ["rules", "tests/fixtures"] {
        files_under(&root().join(dir), &["toml"], 256 * 1024, &mut paths);
    }
    let seeds: Vec<String> = paths
        .iter()
        .filter(|p| !p.ends_with("_routes.toml"))
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    assert!(seeds.len() >= 3, "rules seeds found: {}", seeds.len());
    seeds
});

/// Markup, script and URL pieces that steer the parsers into their corners.
const TOKENS: &[&str] = &[
    "<",
    ">",
    "\"",
    "'",
    "&",
    "&#",
    "&#x110000;",
    "%",
    "%e4%",
    "\\",
    "\u{3000}",
    "\u{feff}",
    "\0",
    "\u{fffd}",
    "<a href=",
    "<a href=\"",
    "<a name=",
    "<base href=\"http//x\">",
    "<base href=\"/\">",
    "<meta charset=gbk>",
    "<meta charset=\"x-nothing\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=",
    "<img srcset=\"a.png 1x, ,, b.png 2x\">",
    "<script>",
    "</script>",
    "<style>",
    "</style>",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "url(",
    "url('",
    ")",
    "@import '",
    "location.href='",
    "window.location = \"",
    "createPageHTML(",
    "createPageHTML(4294967296, 0, \"index\", \"html\");",
    "var countPage = 99999999999999999999;",
    "<datastore><record><![CDATA[<a href='/x'>x</a>]]></record>",
    "<totalrecord>",
    "http://",
    "https:///",
    "http//",
    "//",
    "javascript:",
    "mailto:",
    "file:///C:/",
    "\\\\server\\share",
    "10.0.0.1",
    "[::1]",
    "localhost",
    "?",
    "#",
    ";jsessionid=",
    "/../",
    "./",
    "2026-02-30",
    "2026年5月20日",
    "二〇二六年十二月三十一日",
    "[05-20]",
    "99-99-99",
    "110101199003077",
    "页面不存在",
    "404",
];

#[derive(Debug, Clone)]
enum Mutation {
    Flip(Index, u8),
    Insert(Index, Index),
    Delete(Index, usize),
    Truncate(Index),
    Splice(Index, Index, Index, usize),
    Repeat(Index, usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<Index>(), any::<Index>()).prop_map(|(i, t)| Mutation::Insert(i, t)),
        (any::<Index>(), 1usize..400).prop_map(|(i, n)| Mutation::Delete(i, n)),
        any::<Index>().prop_map(Mutation::Truncate),
        (any::<Index>(), any::<Index>(), any::<Index>(), 1usize..2000)
            .prop_map(|(a, b, c, n)| Mutation::Splice(a, b, c, n)),
        (any::<Index>(), 1usize..200, 2usize..50).prop_map(|(i, n, k)| Mutation::Repeat(i, n, k)),
    ]
}

fn at(i: &Index, len: usize) -> usize {
    if len == 0 { 0 } else { i.index(len + 1) }
}

fn apply(mut b: Vec<u8>, muts: &[Mutation], corpus: &[Vec<u8>]) -> Vec<u8> {
    for m in muts {
        match m {
            Mutation::Flip(i, v) => {
                if !b.is_empty() {
                    let k = i.index(b.len());
                    b[k] = *v;
                }
            }
            Mutation::Insert(i, t) => {
                let k = at(i, b.len());
                let tok = TOKENS[t.index(TOKENS.len())].as_bytes();
                b.splice(k..k, tok.iter().copied());
            }
            Mutation::Delete(i, n) => {
                let k = at(i, b.len());
                let end = (k + n).min(b.len());
                b.drain(k..end);
            }
            Mutation::Truncate(i) => {
                let k = at(i, b.len());
                b.truncate(k);
            }
            Mutation::Splice(i, s, from, n) => {
                let other = &corpus[s.index(corpus.len())];
                let f = at(from, other.len());
                let piece = &other[f..(f + n).min(other.len())];
                let k = at(i, b.len());
                b.splice(k..k, piece.iter().copied());
            }
            Mutation::Repeat(i, n, times) => {
                let k = at(i, b.len());
                let piece = b[k..(k + n).min(b.len())].to_vec();
                for _ in 0..*times {
                    b.splice(k..k, piece.iter().copied());
                }
            }
        }
    }
    b
}

/// A fixture file, mutated.
fn mutated(corpus: &'static [Vec<u8>]) -> impl Strategy<Value = Vec<u8>> {
    (any::<Index>(), prop::collection::vec(mutation(), 0..12))
        .prop_map(move |(s, muts)| apply(corpus[s.index(corpus.len())].clone(), &muts, corpus))
}

const CONTENT_TYPES: &[Option<&str>] = &[
    None,
    Some("text/html"),
    Some("text/html; charset=utf-8"),
    Some("text/html; charset=gbk"),
    Some("text/html; charset=GB2312"),
    Some("text/html; charset=big5"),
    Some("text/html; charset=utf-16le"),
    Some("text/html; charset=x-no-such-charset"),
    Some("text/html; charset="),
    Some("text/html; charset=\"utf-8"),
    Some("text/css"),
];

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 5, 25).unwrap()
}

static RULES: LazyLock<Rules> = LazyLock::new(|| {
    Rules::load(&root().join("tests/fixtures/columns/rules.toml"))
        .or_else(|_| {
            Rules::from_toml(
                "[site]\nstart_urls = [\"http://www.demo-ipa.gov.cn/\"]\n",
                Path::new("props.toml"),
            )
        })
        .unwrap()
});

static H1: LazyLock<Selector> = LazyLock::new(|| Selector::parse("h1").unwrap());

/// What the crawl does with a body, minus the network: decode, parse,
/// extract, resolve every link, classify it, run the page checks.
fn pipeline(body: &[u8], ct: Option<&str>, page: &Url) {
    let decoded = extract::decode(body, ct);
    let doc = Html::parse_document(&extract::nesting::flatten(&decoded.text).text);
    let ex = extract::extract(&doc);
    assert!(ex.links.len() <= extract::MAX_LINKS);
    let base = extract::effective_base(page, ex.base_href.as_deref(), decoded.encoding);
    let policy = HostPolicy {
        allowed: vec!["www.demo-ipa.gov.cn".into()],
        forbidden: vec!["preview.demo-ipa.gov.cn".into()],
    };
    for l in &ex.links {
        if wrong_link::classify_raw(&l.url) == RawClass::Web
            && let Some(u) = resolve(&l.url, &base, decoded.encoding)
        {
            let n = normalize(&u);
            assert_eq!(normalize(&n), n, "normalize is idempotent on {u}");
            let _ = wrong_link::classify_host(&u, &policy);
            let _ = dates::from_url(u.as_str());
        }
    }
    let text = content::visible_text(&doc);
    let h1 = doc.select(&H1).next().map(|e| e.text().collect::<String>());
    let _ = soft404::detect(
        ex.title.as_deref(),
        h1.as_deref(),
        &text,
        &RULES.words.soft404,
    );
    let view = PageView {
        url: page,
        final_url: page,
        doc: &doc,
        source: &decoded.text,
        extracted: &ex,
        elapsed_ms: 10,
        depth: 1,
    };
    let _ = content::check_on(&view, &RULES, today());
    let _ = columns::observe(&view, &RULES);
    let _ = css::urls(&decoded.text);
    let _ = js::links(&decoded.text);
}

fn page_url() -> Url {
    Url::parse("http://www.demo-ipa.gov.cn/xxgk/tzgg/index.html").unwrap()
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn pipeline_survives_mutated_fixture_pages(
        body in mutated(&SEEDS),
        ct in prop::sample::select(CONTENT_TYPES),
    ) {
        pipeline(&body, ct, &page_url());
    }

    #[test]
    fn pipeline_survives_arbitrary_bytes(
        body in prop::collection::vec(any::<u8>(), 0..4096),
        ct in prop::sample::select(CONTENT_TYPES),
    ) {
        pipeline(&body, ct, &page_url());
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn decode_survives_any_bytes_and_header(
        body in prop::collection::vec(any::<u8>(), 0..2048),
        ct in ".{0,60}",
    ) {
        let d = extract::decode(&body, Some(&ct));
        let _ = extract::encoding_name(&d);
        let d = extract::charset::decode_with_tld(&body, Some(&ct), Some("cn"));
        prop_assert!(d.text.len() <= body.len() * 3 + 3);
    }

    /// The crawl's zero-copy decode gives exactly what `decode` gives.
    #[test]
    fn owned_decode_is_decode(
        prefix in prop::sample::select(vec![
            "", "\u{feff}", "<meta charset=utf-8>", "<meta charset=gbk>",
            "<meta http-equiv=Content-Type content=\"text/html; charset=utf-8\">",
        ]),
        text in "[a-z<>= ，。\u{4e00}-\u{9fa5}]{0,80}",
        gbk in any::<bool>(),
        cut in 0usize..3,
        ct in prop::sample::select(vec![
            None, Some("text/html"), Some("text/html; charset=utf-8"),
            Some("text/html; charset=UTF8"), Some("text/html; charset=gbk"),
        ]),
    ) {
        let mut body = prefix.as_bytes().to_vec();
        if gbk {
            body.extend_from_slice(&encoding_rs::GBK.encode(&text).0);
        } else {
            body.extend_from_slice(text.as_bytes());
        }
        body.truncate(body.len().saturating_sub(cut));
        let a = extract::decode(&body, ct);
        let b = extract::charset::decode_owned(body, ct);
        prop_assert_eq!((a.text, a.encoding, a.source), (b.text, b.encoding, b.source));
    }

    #[test]
    fn utf8_labelled_utf8_decodes_to_itself(s in "[^\u{feff}][^<]{0,200}") {
        let d = extract::decode(s.as_bytes(), Some("text/html; charset=utf-8"));
        prop_assert_eq!(d.encoding, encoding_rs::UTF_8);
        prop_assert_eq!(d.text, s);
    }

    #[test]
    fn gbk_labelled_gbk_decodes_to_itself(s in "[a-z0-9 ，。\u{4e00}-\u{9fa5}]{1,200}") {
        let (bytes, _, unmappable) = encoding_rs::GBK.encode(&s);
        prop_assume!(!unmappable);
        let d = extract::decode(&bytes, Some("text/html; charset=gbk"));
        prop_assert_eq!(d.text, s);
    }

    #[test]
    fn css_urls_survive_any_text(s in ".{0,400}") {
        let _ = css::urls(&s);
    }

    #[test]
    fn css_urls_find_a_plain_url(pre in "[a-z{}:; ]{0,40}", u in "[a-z0-9/_.-]{1,40}", q in prop::sample::select(vec!["", "'", "\""])) {
        let sheet = format!("{pre} background: url({q}{u}{q}) no-repeat;");
        let found = css::urls(&sheet);
        prop_assert!(found.iter().any(|l| l.url == u), "{sheet}: {found:?}");
    }

    #[test]
    fn js_survives_any_text(s in ".{0,400}") {
        let _ = js::links(&s);
        let _ = js::location_links(&s);
        let _ = js::pagination(&s);
        let _ = js::datastore(&s);
        let _ = js::datastore_records(&s);
        let _ = js::strip_comments(&s);
        let _ = js::unescape_js(&s);
    }

    #[test]
    fn js_survives_mutated_scripts(body in mutated(&SEEDS)) {
        let s = String::from_utf8_lossy(&body);
        let _ = js::links(&s);
        if let Some(p) = js::datastore(&s) {
            let _ = p.links();
        }
    }

    #[test]
    fn pagination_is_bounded(total in any::<u64>(), current in any::<i64>(), name in "[a-z_]{1,10}") {
        let script = format!("createPageHTML({total}, {current}, \"{name}\", \"html\");");
        if let Some(p) = js::pagination(&script) {
            prop_assert!(p.urls().count() <= 10_000, "{} pages derived", p.urls().count());
        }
    }

    #[test]
    fn resolve_and_normalize_never_panic(
        raw in ".{0,120}",
        base in prop::sample::select(vec![
            "http://www.demo-ipa.gov.cn/xxgk/tzgg/index.html",
            "https://sipa.sh.gov.cn/",
            "http://127.0.0.1:8080/a/b/c?x=1#y",
            "http://[::1]/%E5%B9%B4/",
            "http://xn--fiqs8s.gov.cn/a;jsessionid=1/b",
        ]),
        enc in prop::sample::select(vec!["UTF-8", "GBK", "Big5", "UTF-16LE", "windows-1252", "Shift_JIS"]),
    ) {
        let base = Url::parse(base).unwrap();
        let enc = Encoding::for_label(enc.as_bytes()).unwrap();
        if let Some(u) = resolve(&raw, &base, enc) {
            let n = normalize(&u);
            prop_assert_eq!(normalize(&n), n.clone());
            prop_assert_eq!(n.scheme(), u.scheme());
            prop_assert_eq!(n.host_str(), u.host_str());
            prop_assert_eq!(n.fragment(), None);
        }
        let _ = extract::effective_base(&base, Some(&raw), enc);
    }

    #[test]
    fn normalize_is_idempotent_on_parsed_urls(
        path in "(/[a-zA-Z0-9%;=._~-]{0,12}){0,6}",
        query in proptest::option::of("[a-zA-Z0-9%=&;._-]{0,40}"),
    ) {
        let s = match &query {
            Some(q) => format!("http://www.demo-ipa.gov.cn{path}?{q}"),
            None => format!("http://www.demo-ipa.gov.cn{path}"),
        };
        if let Ok(u) = Url::parse(&s) {
            let n = normalize(&u);
            prop_assert_eq!(normalize(&n), n);
        }
    }

    #[test]
    fn session_ids_do_not_change_the_key(
        path in "(/[a-z0-9]{1,8}){1,4}",
        id in "[A-Za-z0-9]{1,32}",
    ) {
        let plain = Url::parse(&format!("http://www.demo-ipa.gov.cn{path}.html")).unwrap();
        let with = Url::parse(&format!("http://www.demo-ipa.gov.cn{path}.html;jsessionid={id}")).unwrap();
        prop_assert_eq!(normalize(&with), normalize(&plain));
    }

    #[test]
    fn dates_survive_any_text(s in ".{0,80}", y in proptest::option::of(0i32..3000)) {
        if let Some(d) = dates::find(&s) {
            let _ = d.resolve(y, today());
        }
        let _ = dates::find_full(&s);
        let _ = dates::parse_exact(&s);
        let _ = dates::from_url(&s);
        let _ = dates::year_from_url(&s);
    }

    #[test]
    fn dates_read_every_written_form(days in 0u64..43_000, form in 0usize..4) {
        let d = NaiveDate::from_ymd_opt(1980, 1, 1).unwrap() + chrono::Days::new(days);
        prop_assume!(chrono::Datelike::year(&d) < 2100);
        let text = match form {
            0 => d.format("%Y-%m-%d").to_string(),
            1 => d.format("%Y/%m/%d").to_string(),
            2 => d.format("%Y年%-m月%-d日").to_string(),
            _ => d.format("%Y.%m.%d 10:30").to_string(),
        };
        prop_assert_eq!(dates::find_full(&format!("发布日期：{text} 来源")), Some(d));
        prop_assert_eq!(dates::parse_exact(&format!("[{text}]")), Some(dates::PartialDate::Full(d)));
    }

    #[test]
    fn wrong_link_classify_survives_any_href(raw in ".{0,100}") {
        let _ = wrong_link::classify_raw(&raw);
        if let Ok(u) = Url::parse(&raw) {
            let _ = wrong_link::classify_host(&u, &HostPolicy::default());
        }
    }

    #[test]
    fn private_ip_literals_are_wrong_public_gov_hosts_are_not(
        b in 0u8..=255, c in 0u8..=255, d in 0u8..=255,
        name in "[a-z]{2,12}",
        path in "(/[a-z0-9_]{1,8}){0,3}",
    ) {
        let policy = HostPolicy::default();
        let private = Url::parse(&format!("http://10.{b}.{c}.{d}{path}")).unwrap();
        prop_assert!(wrong_link::classify_host(&private, &policy).is_some());
        let raw = format!("http://www.{name}.gov.cn{path}");
        prop_assert_eq!(wrong_link::classify_raw(&raw), RawClass::Web);
        let public = Url::parse(&raw).unwrap();
        prop_assert_eq!(wrong_link::classify_host(&public, &policy), None);
    }

    #[test]
    fn soft404_survives_any_text(t in proptest::option::of(".{0,80}"), h in proptest::option::of(".{0,80}"), body in ".{0,800}") {
        let _ = soft404::detect(t.as_deref(), h.as_deref(), &body, &RULES.words.soft404);
    }

    #[test]
    fn a_long_article_mentioning_an_error_phrase_is_not_a_soft_404(
        filler in "[\u{4e00}-\u{9fa5}，。]{650,800}",
        at in any::<Index>(),
        title in "[\u{4e00}-\u{9fa5}]{4,20}",
    ) {
        let phrase = "页面不存在";
        prop_assume!(!title.contains(phrase) && !filler.contains(phrase));
        let chars: Vec<char> = filler.chars().collect();
        let k = at.index(chars.len());
        let text: String = chars[..k].iter().chain(phrase.chars().collect::<Vec<_>>().iter()).chain(chars[k..].iter()).collect();
        let phrases = vec![phrase.to_string()];
        prop_assert_eq!(soft404::detect(Some(&title), None, &text, &phrases), None);
        let error_title = format!("{title}{phrase}");
        let found = soft404::detect(Some(&error_title), None, &text, &phrases);
        prop_assert!(found.is_some(), "title {} not detected", error_title);
    }
}

/// One piece of a generated deeply nested document.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "<div>", "<section class=a>", "<ul>", "<li>", "<p>", "<table>", "<tr>", "<td>",
            "<span>", "<font color=red>", "<blockquote>", "<svg>", "<path d='M0'/>", "<div/>",
            "<script>var a='<div>';</script>", "<!-- <div> -->", "<DIV>", "<dl><dt>",
        ]).prop_map(str::to_string),
        2 => prop::sample::select(vec!["</div>", "</section>", "</ul>", "</table>", "</span>", "</svg>", "</p>", "</font>"])
            .prop_map(str::to_string),
        1 => (0u32..10_000).prop_map(|n| format!("<b id={n}>")),
        1 => (0u32..10_000).prop_map(|n| format!("<a href='/l{n}.html'>链接{n}</a>")),
        1 => "[a-z 通知]{1,8}",
    ]
}

fn hrefs(html: &str) -> std::collections::BTreeSet<String> {
    static A: LazyLock<Selector> = LazyLock::new(|| Selector::parse("a[href]").unwrap());
    Html::parse_document(html)
        .select(&A)
        .filter_map(|a| a.value().attr("href").map(str::to_string))
        .collect()
}

proptest! {
    #![proptest_config(config(32))]

    /// The nesting guard keeps every link, and leaves shallow documents alone.
    #[test]
    fn flatten_keeps_every_link(
        deep in any::<bool>(),
        pieces in prop::collection::vec(piece(), 0..3000),
    ) {
        let prefix = if deep { "<section>".repeat(extract::nesting::MAX_OPEN - 20) } else { String::new() };
        let html = prefix + &pieces.concat();
        let flat = extract::nesting::flatten(&html);
        if flat.dropped == 0 {
            prop_assert_eq!(flat.text.as_ref(), html.as_str());
        }
        prop_assert_eq!(hrefs(&flat.text), hrefs(&html));
    }
}

/// Checks a rules error: located (names the file, then a line number) and on one line.
fn located(e: &RulesError) -> Result<(), TestCaseError> {
    let msg = e.to_string();
    prop_assert!(msg.starts_with("fuzz.toml:"), "{msg}");
    let line = msg["fuzz.toml:".len()..].split(':').next().unwrap_or("");
    prop_assert!(line.parse::<usize>().is_ok(), "no line number: {msg}");
    prop_assert!(!msg.contains('\n'), "one line: {msg}");
    Ok(())
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn rules_from_any_text_is_ok_or_a_located_error(text in ".{0,300}") {
        if let Err(e) = Rules::from_toml(&text, Path::new("fuzz.toml")) {
            located(&e)?;
        }
    }

    #[test]
    fn rules_from_mutated_rules_files_is_ok_or_a_located_error(
        s in any::<Index>(),
        muts in prop::collection::vec(mutation(), 0..6),
    ) {
        let corpus: Vec<Vec<u8>> = RULES_SEEDS.iter().map(|r| r.as_bytes().to_vec()).collect();
        let seed = corpus[s.index(corpus.len())].clone();
        let text = String::from_utf8_lossy(&apply(seed, &muts, &corpus)).into_owned();
        if let Err(e) = Rules::from_toml(&text, Path::new("fuzz.toml")) {
            located(&e)?;
        }
    }

    #[test]
    fn rules_with_a_wrong_value_name_the_line(
        key in prop::sample::select(vec![
            ("crawl", "timeout_secs", "\"ten\""),
            ("crawl", "max_depth", "-1"),
            ("crawl", "max_pages", "0"),
            ("crawl", "respect_robots", "\"no\""),
            ("site", "exclude", "[\"(unclosed\"]"),
            ("thresholds", "fail_on", "\"sometimes\""),
            ("crawl", "no_such_key", "1"),
        ]),
        blank in 0usize..5,
    ) {
        let (section, name, value) = key;
        let pad = "\n".repeat(blank);
        let text = if section == "site" {
            format!("[site]\nstart_urls = [\"http://www.demo-ipa.gov.cn/\"]\n{pad}{name} = {value}\n")
        } else {
            format!(
                "[site]\nstart_urls = [\"http://www.demo-ipa.gov.cn/\"]\n{pad}[{section}]\n{name} = {value}\n"
            )
        };
        let e = Rules::from_toml(&text, Path::new("fuzz.toml")).unwrap_err();
        located(&e)?;
        let line = text.lines().position(|l| l.starts_with(name)).unwrap() + 1;
        let msg = e.to_string();
        prop_assert!(msg.starts_with(&format!("fuzz.toml:{line}:")), "want line {line}: {msg}");
        prop_assert!(msg.contains(name), "names the key: {msg}");
    }
}
