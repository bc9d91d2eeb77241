//! Column lists of the CMS platforms Chinese government sites run on (issue
//! 17): one fixture site per platform under `tests/fixtures/cms/<platform>/`
//! (written by its `gen.py`, structures as in docs/cms.md), served on
//! loopback and audited with its `rules.toml`. Each column's row in
//! columns.csv must match the platform's `TRUTH.tsv` (status, item count,
//! newest date); the 热点 sidebars, navigation menus and 相关链接 blocks on
//! every page carry newer dates than any column, so reading one of them as a
//! column's items would change the count and the date.

use crate::common::*;
use std::path::Path;
use std::sync::Arc;
use zwgk_audit::demo::{SiteServer, SiteSource};
use zwgk_audit::report::csv::read_rows;
use zwgk_audit::report::html::ColumnRecord;
use zwgk_audit::rules::Rules;

/// A platform's fixture audited: columns.csv rows, the run, the server.
struct Platform {
    rows: Vec<ColumnRecord>,
    run: Run,
    server: SiteServer,
    resolver: Arc<FailingResolver>,
}

impl Platform {
    fn row(&self, column: &str) -> &ColumnRecord {
        self.rows
            .iter()
            .find(|r| r.column == column)
            .unwrap_or_else(|| panic!("no columns.csv row {column}: {:#?}", self.rows))
    }
    fn findings(&self, column: &str) -> Vec<&zwgk_audit::report::rows::FindingRow> {
        self.run
            .findings
            .iter()
            .filter(|f| f.column == column)
            .collect()
    }
}

fn rules(platform: &str) -> Rules {
    let path = fixture("cms").join(platform).join("rules.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = format!(
        "{text}\n[crawl]\nhost_interval_ms = 0\ntimeout_secs = 5\nretries = 0\nbackoff_ms = 50\n\
         check_external = false\nrespect_robots = false\n"
    );
    Rules::from_toml(&text, Path::new("rules.toml")).unwrap()
}

async fn audit_platform(platform: &str) -> Platform {
    let server =
        SiteServer::start_with_today(SiteSource::dir(fixture("cms").join(platform)), today())
            .await
            .unwrap();
    let resolver = Arc::new(FailingResolver::default());
    let r2 = resolver.clone();
    let run = audit(&server, rules(platform), move |o| {
        o.fallback_resolver = Some(r2);
    })
    .await;
    let rows = read_rows(&std::fs::read(run.result.run_dir.join("columns.csv")).unwrap()).unwrap();
    Platform {
        rows,
        run,
        server,
        resolver,
    }
}

/// `TRUTH.tsv`: column, status, items, newest date.
fn truth(platform: &str) -> Vec<(String, String, usize, String)> {
    std::fs::read_to_string(fixture("cms").join(platform).join("TRUTH.tsv"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (
                f[0].to_string(),
                f[1].to_string(),
                f[2].parse().unwrap(),
                f.get(3).unwrap_or(&"").to_string(),
            )
        })
        .collect()
}

/// Every column of the platform reads as its truth (printed as the table of
/// the closing note when it does not).
fn assert_truth(platform: &str, p: &Platform) {
    let want = truth(platform);
    let got: Vec<(String, String, usize, String)> = want
        .iter()
        .map(|(c, ..)| {
            let r = p.row(c);
            (c.clone(), r.status.clone(), r.items, r.newest_date.clone())
        })
        .collect();
    assert_eq!(got, want, "{platform}: columns.csv {:#?}", p.rows);
}

/// A column with an unreadable list: unchecked, the note names the cause,
/// no empty or stale finding.
fn assert_unchecked(p: &Platform, column: &str, note_has: &[&str]) {
    let r = p.row(column);
    assert_eq!(r.status, "unchecked", "{column}: {r:#?}");
    for n in note_has {
        assert!(
            r.note.contains(n),
            "{column}: note 「{}」 lacks 「{n}」",
            r.note
        );
    }
    assert!(
        p.findings(column).is_empty(),
        "{column}: {:#?}",
        p.findings(column)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trs_lists_pages_blocks_and_script_counts() {
    let p = audit_platform("trs").await;
    assert_truth("trs", &p);
    // 通知公告: all three createPageHTML pages were read.
    for f in ["", "index_1.html", "index_2.html"] {
        assert_eq!(p.server.hits(&format!("/zwgk/tzgg/{f}")), 1, "{f}");
    }
    // 工作动态: 75 items in 15 script-shown blocks (the truth's newest date is
    // in block 1, its oldest item in block 15), the record count of the page's
    // script as the total; the avalon template block is no item. 新闻发布:
    // 35 items in 7 such blocks and no script count.
    // 规划计划: stale on the dates written after the titles.
    let stale = p.findings("规划计划");
    assert_eq!(stale.len(), 1, "{stale:#?}");
    assert_eq!(stale[0].kind, "column_stale");
    assert!(
        stale[0].detail.starts_with("newest item 2024-12-30"),
        "{}",
        stale[0].detail
    );
    // 人事信息: 暂无信息.
    let empty = p.findings("人事信息");
    assert_eq!(empty.len(), 1);
    assert_eq!(empty[0].kind, "column_empty");
    // 统计信息: a template filled from a URL built at run time.
    assert_unchecked(&p, "统计信息", &["$.ajax", "ctx + '/list.do'"]);
    // Healthy columns: no column finding.
    for c in ["通知公告", "工作动态", "新闻发布", "政策文件"] {
        assert!(p.findings(c).is_empty(), "{c}: {:#?}", p.findings(c));
    }
    // The avalon templates' `href="{{el.url}}"` / `{{el.link}}` are no
    // links: never requested, never a finding, listed as not_checked.
    let requested: Vec<_> = p
        .server
        .all_hits()
        .into_iter()
        .filter(|(_, path, _)| path.contains('{') || path.contains("el."))
        .collect();
    assert!(requested.is_empty(), "{requested:#?}");
    let reported: Vec<_> = p
        .run
        .findings
        .iter()
        .filter(|f| f.target_url.contains("el.") || f.target_url.contains('{'))
        .collect();
    assert!(reported.is_empty(), "{reported:#?}");
    for t in ["{{el.url}}", "{{el.link}}"] {
        let rows = p.run.links_to(t);
        assert!(!rows.is_empty(), "{t}");
        assert!(rows.iter().all(|l| l.status == "not_checked"), "{rows:#?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hanweb_every_record_group_through_the_data_proxy() {
    let p = audit_platform("hanweb").await;
    assert_truth("hanweb", &p);
    // Groups 2 and 3 of 通知公告 were POSTed (the route answers POST only),
    // group 2 of 工作动态 was read by its nextgroup link: three requests.
    assert_eq!(p.server.hits("/module/web/jpage/dataproxy.jsp"), 3);
    // The old page's InitData array is its whole list: no request.
    assert_eq!(p.server.hits("/module/jslib/jquery/jpage/dataproxy.jsp"), 0);
    // Items of proxied groups are crawled (as links found through a script).
    assert!(
        p.run
            .links
            .iter()
            .any(|l| l.target_url.ends_with("/art/2026/2/20/art_1001_30045.html")),
        "group 2 items not crawled"
    );
    // 财政预决算: an empty datastore is an empty column.
    let empty = p.findings("财政预决算");
    assert_eq!(empty.len(), 1, "{empty:#?}");
    assert_eq!(empty[0].kind, "column_empty");
    // 人事信息: the pager's parameters are built by a script.
    assert_unchecked(&p, "人事信息", &["jpage", "(`buildParam(1005)`)"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_endpoints_called_as_the_page_script_calls_them() {
    let p = audit_platform("json").await;
    assert_truth("json", &p);
    assert_eq!(p.server.hits("/api/notice/list"), 3, "POST pageNo 1..3");
    assert_eq!(p.server.hits("/api/policy.json"), 2, "GET page 1..2");
    assert_eq!(p.server.hits("/api/report/search"), 1, "one JSON POST");
    // An endpoint that ignores its page parameter: the second answer brings
    // nothing new and ends the list, whatever page count it claims.
    assert_eq!(p.server.hits("/api/news/all"), 2);
    // The required 年报 is found among the endpoint's rows.
    assert!(
        p.findings("政府信息公开年报").is_empty(),
        "{:#?}",
        p.findings("政府信息公开年报")
    );
    // An empty answer is an empty column.
    let empty = p.findings("统计信息");
    assert_eq!(empty.len(), 1, "{empty:#?}");
    assert_eq!(empty[0].kind, "column_empty");
    assert_unchecked(&p, "人事信息", &["apiBase + '/personnel/list'"]);
    // Another host's endpoint is never called (not even looked up).
    assert_unchecked(&p, "双随机一公开", &["not on the site's own hosts"]);
    assert!(
        !p.resolver
            .asked()
            .iter()
            .any(|h| h.contains("other-region")),
        "{:?}",
        p.resolver.asked()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_government_directory_in_a_frame_and_an_html_endpoint() {
    let p = audit_platform("xxgk").await;
    assert_truth("xxgk", &p);
    assert_eq!(p.server.hits("/module/xxgk/search.jsp"), 2, "currpage 1..2");
    for c in ["法定主动公开内容", "规范性文件"] {
        assert!(p.findings(c).is_empty(), "{c}: {:#?}", p.findings(c));
    }
}

/// List shapes met on real bureau sites (docs/real-pages.md), rebuilt with
/// invented text in `tests/fixtures/cms/realshapes/`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_page_shapes_read_as_a_person_sees_them() {
    let p = audit_platform("realshapes").await;
    assert_truth("realshapes", &p);
    // 近期信息公开: two dated table rows, not the site-map footer's eight
    // undated folder links (which made it "8 items, none dated": stale).
    assert!(
        p.findings("近期信息公开").is_empty(),
        "{:#?}",
        p.findings("近期信息公开")
    );
    // 通知公告: the datastore's three records (dates in <b>, one on another
    // host of the site); a data proxy that answers nothing for group 2 does
    // not make the column unchecked or empty.
    assert!(
        p.findings("通知公告").is_empty(),
        "{:#?}",
        p.findings("通知公告")
    );
    // 政策文件: no list in the page, only a jpaas element naming the unit-build
    // endpoint and its queryData (it read as empty: a false 空白栏目). The
    // endpoint is asked as the page's script asks it, then for page 2 with
    // paramJson; its JSON holds the list as an HTML fragment. The side box's
    // unit before it is not asked (its rows would mix into the column).
    assert_eq!(
        p.server
            .hits("/api-gateway/jpaas-publish-server/front/page/build/unit"),
        2
    );
    assert!(
        p.findings("政策文件").is_empty(),
        "{:#?}",
        p.findings("政策文件")
    );
    // 工作动态: one table per row beside a 热点文章 box of four undated
    // links whose heading is a one-row table (it read as the box: 4 items,
    // none dated, stale).
    assert!(
        p.findings("工作动态").is_empty(),
        "{:#?}",
        p.findings("工作动态")
    );
    // The TRS articles' PubDate meta 「2026年05月18日」, 发布日期 line and URL
    // agree; so do the first Epoint notice's 发布时间 and its URL's date
    // folder. The second notice shows a date 48 days before its URL's: read
    // as an article (`/20260520/<uuid>.html`), it is compared.
    let dates: Vec<_> = p
        .run
        .findings
        .iter()
        .filter(|f| f.kind == "date_mismatch")
        .collect();
    assert_eq!(dates.len(), 1, "{dates:#?}");
    assert!(
        dates[0]
            .page_url
            .ends_with("/20260520/6b2d3f40-1c5e-4f70-9bac-1d2e3f4a5b6c.html"),
        "{dates:#?}"
    );
    // Epoint notices: the mobile number labelled 电话 in the cell to its left
    // is a published contact; the script inside an IE conditional comment is
    // never loaded; the <title> is read as written (its <font> tag is text),
    // not the pasted document's inner <title>.
    let epoint = "/20260520/5a1c2e3f-0b4d-4e6f-8a9b-0c1d2e3f4a5b.html";
    let on_epoint: Vec<_> = p
        .run
        .findings
        .iter()
        .filter(|f| f.page_url.ends_with(epoint) || f.target_url.contains("respond.min.js"))
        .collect();
    assert!(on_epoint.is_empty(), "{on_epoint:#?}");
    let title = &p
        .run
        .pages
        .iter()
        .find(|r| r.url.ends_with(epoint))
        .expect("Epoint notice crawled")
        .title;
    assert!(
        title.starts_with("【示例市中心】")
            && title.ends_with("<font color='#2ac36e'>[文件获取中]</font>"),
        "{title}"
    );
}
