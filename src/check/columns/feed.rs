//! List feeds: the requests a column page's own script makes for its list
//! (Hanweb data-proxy groups, JSON or HTML-fragment data endpoints, or the
//! rules' `data_url`), planned from the page's literals, and the reading of
//! their answers into list items.
//!
//! Pure: [`crate::crawl::listfeed`] makes the requests (own hosts only, under
//! the crawl's politeness and caps) and merges the items into the page's
//! [`super::PageObservation`].

use super::list::{self, ListItem, ListOptions};
use super::page::{Layout, Phrases, cap_chars, collapse};
use crate::check::dates::{self, DatePattern, PartialDate};
use crate::extract::js::calls::{self, DataCall, JPage, Lit, Verb};
use chrono::{DateTime, Datelike};
use regex::Regex;
use scraper::Html;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;
use url::Url;

/// Placeholders of a feed's URL and form templates.
const PAGE: &str = "{page}";
const START: &str = "{start}";
const END: &str = "{end}";
/// Stands for the page number while a template is encoded (survives encoding).
const SENTINEL: &str = "ZWGKPAGEZWGK";

/// Query or form keys that number the pages of a list.
const PAGE_KEYS: &[&str] = &[
    "page",
    "pageNo",
    "pageNum",
    "pageIndex",
    "pageNumber",
    "currentPage",
    "curPage",
    "currPage",
    "cur_page",
    "page_no",
    "current",
    "pn",
    "p",
];

/// Words of a data endpoint that serves a list (in its URL or parameters).
const LIST_WORDS: &[&str] = &[
    "list", "search", "query", "page", "article", "info", "news", "doc", "data", "channel",
    "column", "xxgk", "gkml", "api", "json", "notice", "content", "record",
];
/// Words of endpoints that are not lists (counters, logins, widgets).
const NOT_LIST_WORDS: &[&str] = &[
    "count", "visit", "click", "hits", "stat", "login", "logout", "user", "weather", "captcha",
    "verify", "token", "share", "comment",
];
/// Extensions of files that are not data.
const NOT_DATA_EXT: &[&str] = &[".css", ".js", ".png", ".jpg", ".gif", ".svg", ".ico"];

/// A list feed: the requests that fetch the rest of a page's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListFeed {
    /// Who asks, in words (`Hanweb jpage data proxy`, `$.ajax`, `rules data_url`).
    pub via: String,
    /// Absolute URL template; `{page}`, `{start}`, `{end}` are filled per request.
    pub url: String,
    /// Form (or JSON) body template of a POST; None: GET.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<String>,
    /// The body is JSON.
    #[serde(default)]
    pub json: bool,
    /// `{page}` of the first request.
    pub first_page: u32,
    /// Records per request (`{start}`/`{end}` stepping); 0: paged by number.
    #[serde(default)]
    pub per_request: u32,
    /// `{start}` of the first request.
    #[serde(default)]
    pub first_record: u32,
    /// Pages the list has, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_page: Option<u32>,
    /// Records the list has, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_records: Option<u32>,
    /// Query key of a JSON page selector added to every request after the
    /// first (Hanweb jpaas `paramJson={"pageNo":2,"pageSize":24}`); the URL
    /// then holds no `{page}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_json: Option<String>,
    /// Records per page, learned from the first answer (for `page_json`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u32>,
}

impl ListFeed {
    /// The `k`-th request (from 0): URL and body, or None past the known end.
    pub fn request(&self, k: u32) -> Option<(String, Option<String>)> {
        let page = self.first_page.checked_add(k)?;
        if self
            .last_page
            .is_some_and(|l| page > l && self.per_request == 0)
        {
            return None;
        }
        let start = self
            .first_record
            .checked_add(k.checked_mul(self.per_request)?)?;
        if self.per_request > 0 && self.total_records.is_some_and(|t| start > t) {
            return None;
        }
        let end = start.saturating_add(self.per_request.saturating_sub(1));
        let fill = |t: &str| {
            t.replace(PAGE, &page.to_string())
                .replace(START, &start.to_string())
                .replace(END, &end.to_string())
        };
        let mut url = fill(&self.url);
        if let Some(key) = self.page_json.as_deref().filter(|_| k > 0) {
            let mut sel = serde_json::Map::new();
            sel.insert("pageNo".into(), page.into());
            if let Some(n) = self.page_size {
                sel.insert("pageSize".into(), n.into());
            }
            let pair = url::form_urlencoded::Serializer::new(String::new())
                .append_pair(key, &serde_json::Value::Object(sel).to_string())
                .finish();
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(&pair);
        }
        Some((url, self.form.as_deref().map(fill)))
    }

    /// A short description for reasons: how and where.
    pub fn describe(&self) -> String {
        let method = if self.form.is_some() { "POST" } else { "GET" };
        format!("{} ({method} {})", self.via, cap_chars(&self.url, 120))
    }
}

/// What a feed answer holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedAnswer {
    /// The rows read.
    pub items: Vec<ListItem>,
    /// Records of the whole list, when the answer says.
    pub total_records: Option<u32>,
    /// Pages of the whole list, when the answer says.
    pub total_pages: Option<u32>,
    /// Records per page, when the answer says (a pager's `rows`).
    pub page_size: Option<u32>,
    /// The answer was recognised (datastore, JSON rows, or an HTML list).
    pub recognised: bool,
    /// More rows than [`list::MAX_ITEMS`] were in the answer (or, for an
    /// HTML or datastore answer, may have been): the rest were not read.
    pub cut: bool,
}

/// A URL query or form with one parameter turned into the page placeholder.
fn with_page(pairs: &[(String, String)], page_key: Option<&str>) -> String {
    let mut ser = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        if Some(k.as_str()) == page_key {
            ser.append_pair(k, SENTINEL);
        } else {
            ser.append_pair(k, v);
        }
    }
    ser.finish().replace(SENTINEL, PAGE)
}

/// The page key among `keys` and its literal value.
fn page_key<'a>(pairs: impl Iterator<Item = (&'a str, Option<u64>)>) -> Option<(&'a str, u64)> {
    let mut found: Option<(&str, u64, usize)> = None;
    for (k, v) in pairs {
        let Some(rank) = PAGE_KEYS.iter().position(|p| p.eq_ignore_ascii_case(k)) else {
            continue;
        };
        if let Some(v) = v
            && found.is_none_or(|f| rank < f.2)
        {
            found = Some((k, v, rank));
        }
    }
    found.map(|(k, v, _)| (k, v))
}

fn lower_has(hay: &str, words: &[&str]) -> bool {
    let h = hay.to_ascii_lowercase();
    words.iter().any(|w| h.contains(w))
}

/// Whether a data request serves a list: its URL or parameters speak of
/// pages or lists, and nothing says counter, login or widget.
pub fn is_list_call(c: &DataCall) -> bool {
    let url = match &c.url {
        Ok(u) | Err(u) => u.as_str(),
    };
    let params: String = match &c.data {
        Some(Lit::Obj(o)) => o
            .iter()
            .map(|(k, _)| k.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        Some(Lit::Str(s)) => s.clone(),
        _ => c.data_unknown.clone().unwrap_or_default(),
    };
    let path = url.split('?').next().unwrap_or(url);
    let lower = path.to_ascii_lowercase();
    if lower_has(path, NOT_LIST_WORDS) || NOT_DATA_EXT.iter().any(|e| lower.ends_with(e)) {
        return false;
    }
    let paged = PAGE_KEYS.iter().any(|k| {
        let k = k.to_ascii_lowercase();
        let p = params.to_ascii_lowercase();
        p.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .any(|t| t == k)
            || url.to_ascii_lowercase().contains(&format!("{k}="))
    });
    paged || lower_has(url, LIST_WORDS)
}

/// The feed of a data request, or why it cannot be made (the reason names
/// the call and the part built at run time).
pub fn plan_call(c: &DataCall, base: &Url) -> Result<ListFeed, String> {
    let url = match &c.url {
        Ok(u) => u,
        Err(expr) if expr.is_empty() => {
            return Err(format!(
                "the list is loaded by `{}` with no literal URL",
                c.via
            ));
        }
        Err(expr) => {
            return Err(format!(
                "the list is loaded by `{}` from a URL built at run time (`{expr}`)",
                c.via
            ));
        }
    };
    if let Some(expr) = &c.data_unknown {
        return Err(format!(
            "the list is loaded by `{}` from {url} with parameters built at run time (`{expr}`)",
            c.via
        ));
    }
    let mut target = base
        .join(url.trim())
        .map_err(|_| format!("the list endpoint `{url}` of `{}` is not a URL", c.via))?;
    target.set_fragment(None);
    let query: Vec<(String, String)> = target
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let data_pairs: Vec<(String, String)> = match &c.data {
        Some(o @ Lit::Obj(_)) => calls::form_pairs(o),
        Some(Lit::Str(s)) => url::form_urlencoded::parse(s.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect(),
        _ => Vec::new(),
    };
    let data_num = |k: &str| -> Option<u64> {
        match &c.data {
            Some(o @ Lit::Obj(_)) => o.get(k).and_then(Lit::number),
            _ => data_pairs
                .iter()
                .find(|(x, _)| x == k)
                .and_then(|(_, v)| v.parse().ok()),
        }
    };
    let in_data = page_key(data_pairs.iter().map(|(k, _)| (k.as_str(), data_num(k))));
    let in_query = page_key(query.iter().map(|(k, v)| (k.as_str(), v.parse().ok())));
    let first = in_data.or(in_query).map_or(1, |(_, v)| v);
    let first = u32::try_from(first).unwrap_or(1);
    let (url, form, json) = match c.verb {
        Verb::Post => {
            let qk = if in_data.is_none() {
                in_query.map(|x| x.0)
            } else {
                None
            };
            set_query(&mut target, &query, qk);
            let form = if c.json_body {
                let mut body = c.data.clone().unwrap_or(Lit::Obj(Vec::new()));
                if let (Lit::Obj(o), Some((k, _))) = (&mut body, in_data) {
                    for (key, v) in o.iter_mut() {
                        if key == k {
                            *v = Lit::Str(SENTINEL.into());
                        }
                    }
                }
                calls::to_json(&body).replace(&format!("\"{SENTINEL}\""), PAGE)
            } else {
                with_page(&data_pairs, in_data.map(|x| x.0))
            };
            (target.to_string(), Some(form), c.json_body)
        }
        Verb::Get => {
            // `$.get(url, data)`: the data joins the query.
            let mut all = query.clone();
            all.extend(data_pairs.iter().cloned());
            let key = in_data.or(in_query).map(|x| x.0);
            set_query(&mut target, &all, key);
            (target.to_string(), None, false)
        }
    };
    let paged = in_data.is_some() || in_query.is_some();
    Ok(ListFeed {
        via: c.via.to_string(),
        url: url.replace("%7Bpage%7D", PAGE),
        form,
        json,
        first_page: first,
        per_request: 0,
        first_record: 0,
        // Without a page parameter there is one answer.
        last_page: (!paged).then_some(first),
        total_records: None,
        page_json: None,
        page_size: None,
    })
}

/// Sets a URL's query to `pairs`, the `page_key` one as the placeholder.
fn set_query(u: &mut Url, pairs: &[(String, String)], page_key: Option<&str>) {
    if pairs.is_empty() {
        u.set_query(None);
        return;
    }
    let q = with_page(pairs, page_key);
    u.set_query(Some(&q));
}

/// The feed of a Hanweb list: the data-proxy groups after the `in_page`
/// records embedded in the page, fetched as the page's `jpage` script does
/// (POST with its `ajaxParam`), else by the datastore's `nextgroup` link.
pub fn plan_hanweb(
    jpage: Option<&JPage>,
    nextgroup: Option<&str>,
    total: Option<u32>,
    in_page: u32,
    base: &Url,
) -> Result<Option<ListFeed>, String> {
    // Everything is in the page already (or the list is empty).
    if total.is_some_and(|t| t <= in_page) {
        return Ok(None);
    }
    if let Some(j) = jpage
        && let Some(proxy) = &j.proxy_url
    {
        let Some(param) = &j.ajax_param else {
            return match &j.ajax_param_unknown {
                Some(expr) => Err(format!(
                    "the Hanweb jpage list posts to {proxy} with parameters built at run time (`{expr}`)"
                )),
                None => Ok(None),
            };
        };
        let per_page = j.per_page.filter(|p| *p > 0).unwrap_or(15);
        let group = j.group_size.filter(|g| *g > 0).unwrap_or(3);
        let per_request = u32::try_from(per_page.saturating_mul(group)).unwrap_or(u32::MAX);
        let mut target = base
            .join(proxy.trim())
            .map_err(|_| format!("the Hanweb data proxy `{proxy}` is not a URL"))?;
        let mut q: Vec<String> = target
            .query()
            .map(|q| vec![q.to_string()])
            .unwrap_or_default();
        q.push(format!(
            "startrecord={START}&endrecord={END}&perpage={per_page}"
        ));
        target.set_query(Some(&q.join("&")));
        let url = target
            .to_string()
            .replace("%7Bstart%7D", START)
            .replace("%7Bend%7D", END);
        return Ok(Some(ListFeed {
            via: "Hanweb jpage data proxy".into(),
            url,
            form: Some(with_page(param, None)),
            json: false,
            first_page: 1,
            per_request,
            first_record: in_page + 1,
            last_page: None,
            total_records: total.or(j.total_record.and_then(|t| u32::try_from(t).ok())),
            page_json: None,
            page_size: None,
        }));
    }
    let Some(next) = nextgroup else {
        return Ok(None);
    };
    let mut target = base
        .join(next.trim())
        .map_err(|_| format!("the Hanweb nextgroup link `{next}` is not a URL"))?;
    let pairs: Vec<(String, String)> = target
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if !pairs.iter().any(|(k, _)| k == "page") {
        return Ok(None);
    }
    set_query(&mut target, &pairs, Some("page"));
    Ok(Some(ListFeed {
        via: "Hanweb datastore nextgroup".into(),
        url: target.to_string().replace("%7Bpage%7D", PAGE),
        form: None,
        json: false,
        first_page: 2,
        per_request: 0,
        first_record: 0,
        last_page: None,
        total_records: total,
        page_json: None,
        page_size: None,
    }))
}

/// The feed of the rules' `data_url` (and `data_form` for a POST).
pub fn plan_rules(url: &str, form: Option<&str>, base: &Url) -> Option<ListFeed> {
    let target = base.join(url.trim()).ok()?;
    Some(ListFeed {
        via: "rules data_url".into(),
        url: target.to_string().replace("%7Bpage%7D", PAGE),
        form: form.map(str::to_string),
        json: form.is_some_and(|f| f.trim_start().starts_with('{')),
        first_page: 1,
        per_request: 0,
        first_record: 0,
        last_page: (!url.contains(PAGE) && !form.is_some_and(|f| f.contains(PAGE))).then_some(1),
        total_records: None,
        page_json: None,
        page_size: None,
    })
}

/// The feed of a Hanweb jpaas "unit build" element: `<script url="/api-gateway/
/// jpaas-publish-server/front/page/build/unit" queryData="{'parseType':
/// 'buildstatic','webId':'…','pageId':'…'}">`. The page's script GETs the
/// URL with the `queryData` pairs as its query and writes the `data.html`
/// fragment of the JSON answer; later pages add `paramJson={"pageNo":N,
/// "pageSize":R}`.
pub fn plan_unit(url: &str, query_data: &str, base: &Url) -> Result<ListFeed, String> {
    let via = "Hanweb jpaas unit build (queryData)";
    let data = calls::literal(query_data);
    if !matches!(data, Lit::Obj(_)) || !data.is_literal() {
        return Err(format!(
            "the list is loaded by the {via} from {url} with parameters the tool cannot read (`{}`)",
            cap_chars(query_data.trim(), 80)
        ));
    }
    let mut target = base
        .join(url.trim())
        .map_err(|_| format!("the list endpoint `{url}` of the {via} is not a URL"))?;
    target.set_fragment(None);
    let mut pairs: Vec<(String, String)> = target
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    pairs.extend(calls::form_pairs(&data));
    set_query(&mut target, &pairs, None);
    Ok(ListFeed {
        via: via.into(),
        url: target.to_string(),
        form: None,
        json: false,
        first_page: 1,
        per_request: 0,
        first_record: 0,
        last_page: None,
        total_records: None,
        page_json: Some("paramJson".into()),
        page_size: None,
    })
}

static TOTAL_PAGES_TEXT: LazyLock<Regex> =
    LazyLock::new(|| crate::patterns::regex(r"共\s*(\d{1,6})\s*页"));
static TOTAL_RECORDS_TEXT: LazyLock<Regex> =
    LazyLock::new(|| crate::patterns::regex(r"共\s*(\d{1,7})\s*条"));
static TAG: LazyLock<Regex> = LazyLock::new(|| crate::patterns::regex(r"<[^>]*>"));

/// Reads a feed answer: a Hanweb `<datastore>`, JSON (or JSONP) rows, or an
/// HTML fragment read as a list page. Relative item URLs resolve against `page`.
pub fn read_answer(
    body: &str,
    content_type: Option<&str>,
    page: &Url,
    phrases: &Phrases,
    date_pattern: Option<&DatePattern>,
) -> FeedAnswer {
    let t = body.trim_start_matches('\u{feff}').trim();
    if t.contains("<datastore") || t.contains("<recordset") || t.contains("<record>") {
        let ds = list::datastore_text(t, page, page, phrases);
        return FeedAnswer {
            recognised: true,
            total_records: ds.total_records,
            total_pages: ds.total_pages,
            page_size: None,
            cut: ds.items.len() >= list::MAX_ITEMS,
            items: ds.items,
        };
    }
    let json_like = content_type.is_some_and(|c| c.to_ascii_lowercase().contains("json"))
        || t.starts_with('{')
        || t.starts_with('[');
    if json_like || jsonp(t).is_some() {
        let text = if t.starts_with('{') || t.starts_with('[') {
            t
        } else {
            jsonp(t).unwrap_or(t)
        };
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(text) {
            if best_rows(&v).is_none()
                && let Some(html) = json_html(&v)
            {
                // A list written as an HTML fragment inside the JSON (`data.html`).
                return html_answer(html, page, phrases, date_pattern);
            }
            return json_answer(&v, page, date_pattern);
        }
        if json_like {
            return FeedAnswer::default();
        }
    }
    html_answer(t, page, phrases, date_pattern)
}

/// An HTML answer read as a list page; the totals from 「共N条」「共N页」 or
/// from a pager element's `count` / `rows` attributes (Hanweb jpaas:
/// `<div class="pagination" rows="24" count="48" pageNo="1">`).
fn html_answer(
    t: &str,
    page: &Url,
    phrases: &Phrases,
    date_pattern: Option<&DatePattern>,
) -> FeedAnswer {
    let doc = Html::parse_document(t);
    let layout = Layout::of(&doc);
    let items = list::items(
        &doc,
        &layout,
        page,
        page,
        ListOptions {
            selector: None,
            date_pattern,
        },
        false,
        phrases,
    );
    let num = |re: &Regex| {
        re.captures(t)
            .and_then(|c| c.get(1)?.as_str().parse::<u32>().ok())
    };
    let pager = doc.select(&PAGER_ATTRS).next().and_then(|e| {
        let n = |k: &str| e.value().attr(k)?.trim().parse::<u32>().ok();
        Some((n("count")?, n("rows").filter(|r| *r > 0)?))
    });
    FeedAnswer {
        recognised: !items.is_empty() || pager.is_some_and(|(c, _)| c == 0),
        total_records: pager.map(|p| p.0).or_else(|| num(&TOTAL_RECORDS_TEXT)),
        total_pages: pager
            .map(|(c, r)| c.div_ceil(r))
            .or_else(|| num(&TOTAL_PAGES_TEXT)),
        page_size: pager.map(|p| p.1),
        cut: items.len() >= list::MAX_ITEMS,
        items,
    }
}

static PAGER_ATTRS: LazyLock<scraper::Selector> =
    LazyLock::new(|| crate::patterns::selector("[count][rows]"));

/// The HTML fragment of a JSON answer: a string under an `html` key (at most
/// three levels down) that holds markup.
fn json_html(v: &serde_json::Value) -> Option<&str> {
    let mut queue: std::collections::VecDeque<(&serde_json::Value, usize)> = [(v, 0)].into();
    while let Some((v, depth)) = queue.pop_front() {
        let serde_json::Value::Object(o) = v else {
            continue;
        };
        if let Some(h) = field(o, &["html"]).and_then(|h| h.as_str())
            && h.contains('<')
        {
            return Some(h);
        }
        if depth < 3 {
            queue.extend(o.values().map(|x| (x, depth + 1)));
        }
    }
    None
}

/// The JSON inside `callback({…})`.
fn jsonp(t: &str) -> Option<&str> {
    let open = t.find('(')?;
    let name = t.get(..open)?.trim();
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '$' | '.'))
    {
        return None;
    }
    let close = t.rfind(')')?;
    let inner = t.get(open + 1..close)?.trim();
    (inner.starts_with('{') || inner.starts_with('[')).then_some(inner)
}

const TITLE_KEYS: &[&str] = &[
    "title",
    "doctitle",
    "articletitle",
    "infotitle",
    "name",
    "subject",
    "headline",
    "maintitle",
];
const URL_KEYS: &[&str] = &[
    "url",
    "link",
    "href",
    "docpuburl",
    "puburl",
    "linkurl",
    "docurl",
    "detailurl",
    "articleurl",
    "post_url",
    "htmlurl",
    "pageurl",
    "path",
];
const DATE_KEYS: &[&str] = &[
    "pubdate",
    "publishdate",
    "publishtime",
    "pubtime",
    "publish_time",
    "publish_date",
    "display_publish_time",
    "first_publish_time",
    "docreltime",
    "docpubtime",
    "releasetime",
    "releasedate",
    "fbrq",
    "fbsj",
    "date",
    "time",
    "createtime",
    "create_time",
    "createdate",
    "created_at",
    "createdat",
    "inputtime",
    "writetime",
    "crtime",
    "cwrq",
];
const TOTAL_KEYS: &[&str] = &[
    "total",
    "totalcount",
    "total_count",
    "recordcount",
    "totalrecord",
    "totalrecords",
    "totalelements",
    "totalnum",
    "totalsize",
    "count",
    "rowcount",
];
const PAGES_KEYS: &[&str] = &[
    "pagecount",
    "totalpage",
    "totalpages",
    "total_page",
    "pages",
    "pagetotal",
    "pagesize_total",
];

/// The value of the first key of `keys` (case-insensitive) in an object, by key preference.
fn field<'v>(
    o: &'v serde_json::Map<String, serde_json::Value>,
    keys: &[&str],
) -> Option<&'v serde_json::Value> {
    keys.iter().find_map(|k| {
        o.iter()
            .find(|(x, _)| x.eq_ignore_ascii_case(k))
            .map(|(_, v)| v)
    })
}

fn as_u32(v: &serde_json::Value) -> Option<u32> {
    match v {
        serde_json::Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The array of row objects with the most titled rows (depth-first, bounded).
fn best_rows(v: &serde_json::Value) -> Option<&Vec<serde_json::Value>> {
    let mut best: Option<(&Vec<serde_json::Value>, usize)> = None;
    let mut stack: Vec<(&serde_json::Value, usize)> = vec![(v, 0)];
    let mut visited = 0;
    while let Some((v, depth)) = stack.pop() {
        visited += 1;
        if visited > 10_000 || depth > 6 {
            continue;
        }
        match v {
            serde_json::Value::Array(a) => {
                let titled = a
                    .iter()
                    .take(1_000)
                    .filter(|x| {
                        x.as_object()
                            .is_some_and(|o| field(o, TITLE_KEYS).is_some_and(|t| t.is_string()))
                    })
                    .count();
                if titled > 0 && best.is_none_or(|b| titled > b.1) {
                    best = Some((a, titled));
                }
                stack.extend(a.iter().take(50).map(|x| (x, depth + 1)));
            }
            serde_json::Value::Object(o) => stack.extend(o.values().map(|x| (x, depth + 1))),
            _ => {}
        }
    }
    best.map(|b| b.0)
}

/// The first number under one of `keys` anywhere in the answer outside the rows.
fn find_number(
    v: &serde_json::Value,
    keys: &[&str],
    rows: Option<&Vec<serde_json::Value>>,
) -> Option<u32> {
    let mut queue: std::collections::VecDeque<(&serde_json::Value, usize)> = [(v, 0)].into();
    while let Some((v, depth)) = queue.pop_front() {
        if depth > 4 {
            continue;
        }
        match v {
            serde_json::Value::Object(o) => {
                if let Some(n) = field(o, keys).and_then(as_u32) {
                    return Some(n);
                }
                queue.extend(o.values().map(|x| (x, depth + 1)));
            }
            serde_json::Value::Array(a) if !rows.is_some_and(|r| std::ptr::eq(r, a)) => {
                queue.extend(a.iter().take(20).map(|x| (x, depth + 1)));
            }
            _ => {}
        }
    }
    None
}

/// A date field: text in any of the page date shapes, or UNIX seconds / milliseconds.
fn json_date(v: &serde_json::Value, pattern: Option<&DatePattern>) -> Option<PartialDate> {
    match v {
        serde_json::Value::String(s) => match pattern {
            Some(p) => p.find(s),
            None => dates::find(s),
        },
        serde_json::Value::Number(n) => {
            let n = n.as_i64()?;
            let secs = if n > 100_000_000_000 { n / 1000 } else { n };
            if !(315_532_800..=4_102_444_800).contains(&secs) {
                return None;
            }
            // Dates on these sites are Beijing time.
            let dt = DateTime::from_timestamp(secs + 8 * 3600, 0)?;
            let d = dt.date_naive();
            (d.year() >= 1980).then_some(PartialDate::Full(d))
        }
        _ => None,
    }
}

fn json_answer(v: &serde_json::Value, page: &Url, pattern: Option<&DatePattern>) -> FeedAnswer {
    let rows = best_rows(v);
    let mut items = Vec::new();
    for r in rows.into_iter().flatten().take(list::MAX_ITEMS) {
        let Some(o) = r.as_object() else { continue };
        let Some(title) = field(o, TITLE_KEYS).and_then(|t| t.as_str()) else {
            continue;
        };
        let title = collapse(&TAG.replace_all(title, ""));
        let Some(href) = field(o, URL_KEYS).and_then(|u| u.as_str()) else {
            continue;
        };
        let Ok(target) = page.join(href.trim()) else {
            continue;
        };
        if title.is_empty() || !matches!(target.scheme(), "http" | "https") {
            continue;
        }
        let date = DATE_KEYS
            .iter()
            .filter_map(|k| {
                o.iter()
                    .find(|(x, _)| x.eq_ignore_ascii_case(k))
                    .map(|(_, v)| v)
            })
            .find_map(|d| json_date(d, pattern));
        items.push(ListItem {
            title: cap_chars(&title, 200),
            url: target.into(),
            date,
        });
    }
    let total_records = find_number(v, TOTAL_KEYS, rows);
    FeedAnswer {
        // An empty list says so with a zero total.
        recognised: rows.is_some() || total_records == Some(0),
        total_records,
        total_pages: find_number(v, PAGES_KEYS, rows),
        page_size: None,
        cut: rows.is_some_and(|r| r.len() > list::MAX_ITEMS),
        items,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }
    fn full(y: i32, m: u32, d: u32) -> Option<PartialDate> {
        Some(PartialDate::Full(NaiveDate::from_ymd_opt(y, m, d).unwrap()))
    }
    fn phrases() -> Phrases {
        Phrases::new(&["暂无信息".to_string()])
    }

    #[test]
    fn hanweb_post_groups() {
        let j = calls::jpage(
            "$('#1').jpage({totalRecord: 100, perPage: 15, groupSize: 3, proxyUrl: '/module/web/jpage/dataproxy.jsp', ajaxParam: {col: 1, columnid: 77, webname: '知识产权局'}})",
        )
        .unwrap();
        let base = u("http://x.gov.cn/col/col77/index.html");
        let f = plan_hanweb(Some(&j), None, Some(100), 45, &base)
            .unwrap()
            .unwrap();
        assert_eq!(
            f.request(0),
            Some((
                "http://x.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=46&endrecord=90&perpage=15".into(),
                Some("col=1&columnid=77&webname=%E7%9F%A5%E8%AF%86%E4%BA%A7%E6%9D%83%E5%B1%80".into())
            ))
        );
        assert_eq!(
            f.request(1).unwrap().0,
            "http://x.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=91&endrecord=135&perpage=15"
        );
        assert_eq!(f.request(2), None);
        // Everything is in the page already.
        assert_eq!(plan_hanweb(Some(&j), None, Some(40), 40, &base), Ok(None));
    }

    #[test]
    fn hanweb_nextgroup_get() {
        let base = u("http://x.gov.cn/col/col77/index.html");
        let f = plan_hanweb(
            None,
            Some("/module/web/jpage/dataproxy.jsp?page=1&webid=3&columnid=77&unitid=9"),
            Some(200),
            45,
            &base,
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            f.request(0).unwrap().0,
            "http://x.gov.cn/module/web/jpage/dataproxy.jsp?page=2&webid=3&columnid=77&unitid=9"
        );
        assert_eq!(f.request(0).unwrap().1, None);
    }

    #[test]
    fn data_call_plans() {
        let base = u("http://x.gov.cn/tzgg/");
        let calls = calls::data_calls(
            "$.ajax({url: '/api/list', type: 'post', data: {channelId: '12', pageNo: 1, pageSize: 10}});
             $.getJSON('/api/docs.json', {page: 0});
             fetch('/api/search', {method: 'POST', body: JSON.stringify({pageIndex: 1, size: 5})});
             $.ajax({url: base + '/x', data: {page: 1}});
             $.get('/counter.jsp?id=1');
             $.ajax({url: '/api/one', data: {channel: 'a'}});",
        );
        let plans: Vec<_> = calls.iter().map(|c| plan_call(c, &base)).collect();
        let f = plans[0].as_ref().unwrap();
        assert_eq!(
            f.request(1),
            Some((
                "http://x.gov.cn/api/list".into(),
                Some("channelId=12&pageNo=2&pageSize=10".into())
            ))
        );
        let f = plans[1].as_ref().unwrap();
        assert_eq!(
            f.request(0).unwrap().0,
            "http://x.gov.cn/api/docs.json?page=0"
        );
        let f = plans[2].as_ref().unwrap();
        assert!(f.json);
        assert_eq!(
            f.request(2).unwrap().1.as_deref(),
            Some(r#"{"pageIndex":3,"size":5}"#)
        );
        assert!(plans[3].as_ref().unwrap_err().contains("base + '/x'"));
        assert!(!is_list_call(&calls[4]));
        assert!(is_list_call(&calls[0]) && is_list_call(&calls[1]) && is_list_call(&calls[2]));
        let one = plans[5].as_ref().unwrap();
        assert_eq!(
            one.request(0).unwrap().0,
            "http://x.gov.cn/api/one?channel=a"
        );
        assert_eq!(one.request(1), None);
    }

    #[test]
    fn json_answers() {
        let page = u("http://x.gov.cn/tzgg/");
        let body = r#"{"code":0,"data":{"total":23,"pages":3,"list":[
            {"id":1,"title":"关于<em>开展</em>检查的通知","url":"/tzgg/202605/t20260520_1.html","publishTime":"2026-05-20 10:00:00"},
            {"id":2,"docTitle":"第二条","linkUrl":"http://x.gov.cn/tzgg/202605/t20260510_2.html","create_time":1778371200},
            {"id":3,"title":"没有地址"}],
            "hot":[{"title":"热点","url":"/x.html"}]}}"#;
        let a = read_answer(body, Some("application/json"), &page, &phrases(), None);
        assert!(a.recognised);
        assert_eq!(a.total_records, Some(23));
        assert_eq!(a.total_pages, Some(3));
        assert_eq!(a.items.len(), 2, "{:#?}", a.items);
        assert_eq!(a.items[0].title, "关于开展检查的通知");
        assert_eq!(
            a.items[0].url,
            "http://x.gov.cn/tzgg/202605/t20260520_1.html"
        );
        assert_eq!(a.items[0].date, full(2026, 5, 20));
        // 1778371200 = 2026-05-10 00:00 Beijing time.
        assert_eq!(a.items[1].date, full(2026, 5, 10));
        let p = read_answer(
            "cb({\"rows\":[{\"name\":\"甲\",\"href\":\"/a.html\",\"date\":\"2026/05/01\"}]})",
            None,
            &page,
            &phrases(),
            None,
        );
        assert_eq!(p.items.len(), 1);
        assert_eq!(p.items[0].date, full(2026, 5, 1));
        let empty = read_answer(r#"{"total":0,"list":[]}"#, None, &page, &phrases(), None);
        assert!(empty.recognised && empty.items.is_empty());
        let none = read_answer(
            "{\"ok\":true}",
            Some("application/json"),
            &page,
            &phrases(),
            None,
        );
        assert!(!none.recognised && none.items.is_empty());
        let bad = read_answer(
            "{not json",
            Some("application/json"),
            &page,
            &phrases(),
            None,
        );
        assert!(!bad.recognised);
    }

    #[test]
    fn hostile_answers_do_not_panic() {
        let page = u("http://x.gov.cn/a/");
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let wide = format!(
            "{{\"list\":[{}]}}",
            vec![r#"{"title":"t","url":"/a.html"}"#; 50_000].join(",")
        );
        for body in [
            deep.as_str(),
            wide.as_str(),
            "{",
            "cb(",
            "<datastore><record>",
            "\u{0}\u{ffff}",
            "",
        ] {
            let a = read_answer(body, Some("application/json"), &page, &phrases(), None);
            assert!(a.items.len() <= list::MAX_ITEMS);
            let _ = read_answer(body, None, &page, &phrases(), None);
        }
        // Page numbers at the edge of u32 stop instead of overflowing.
        let f = ListFeed {
            via: "x".into(),
            url: "http://x.gov.cn/?p={page}&s={start}".into(),
            form: None,
            json: false,
            first_page: u32::MAX,
            per_request: u32::MAX,
            first_record: u32::MAX,
            last_page: None,
            total_records: None,
            page_json: None,
            page_size: None,
        };
        assert!(f.request(0).is_some());
        assert_eq!(f.request(1), None);
    }

    #[test]
    fn datastore_and_html_answers() {
        let page = u("http://x.gov.cn/col/col77/index.html");
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>50</totalrecord><totalpage>4</totalpage>
<recordset><record><![CDATA[<li><a href="/art/2026/4/1/art_77_9.html" title="第46条">第46条</a><span>2026-04-01</span></li>]]></record></recordset></datastore>"#;
        let a = read_answer(xml, Some("text/xml"), &page, &phrases(), None);
        assert_eq!(a.items.len(), 1);
        assert_eq!(a.total_records, Some(50));
        assert_eq!(a.items[0].date, full(2026, 4, 1));
        let html = r#"<table><tr><td><a href="/xxgk/1.html">信息一</a></td><td>2026-03-01</td></tr>
<tr><td><a href="/xxgk/2.html">信息二</a></td><td>2026-02-01</td></tr></table><div>共 7 页 共 65 条</div>"#;
        let h = read_answer(html, Some("text/html"), &page, &phrases(), None);
        assert_eq!(h.items.len(), 2);
        assert_eq!((h.total_pages, h.total_records), (Some(7), Some(65)));
    }

    #[test]
    fn jpaas_unit_build() {
        let base = u("https://www.x.gov.cn/zwgk/zcwj/index.html");
        let mut f = plan_unit(
            "/api-gateway/jpaas-publish-server/front/page/build/unit",
            "{'parseType':'buildstatic','webId':'w1','pageId':'p1'}",
            &base,
        )
        .unwrap();
        // The first request as the page's script makes it; later ones add paramJson.
        assert_eq!(
            f.request(0),
            Some((
                "https://www.x.gov.cn/api-gateway/jpaas-publish-server/front/page/build/unit?parseType=buildstatic&webId=w1&pageId=p1".into(),
                None
            ))
        );
        f.page_size = Some(24);
        assert_eq!(
            f.request(1).unwrap().0,
            "https://www.x.gov.cn/api-gateway/jpaas-publish-server/front/page/build/unit?parseType=buildstatic&webId=w1&pageId=p1&paramJson=%7B%22pageNo%22%3A2%2C%22pageSize%22%3A24%7D"
        );
        // Parameters built at run time: a reason, no feed.
        let e = plan_unit("/unit", "{'pageId': getPageId()}", &base).unwrap_err();
        assert!(e.contains("queryData") && e.contains("getPageId"), "{e}");
        // The answer: JSON whose data.html is the list and its pager.
        let a = read_answer(
            r#"{"success":true,"data":{"html":"<div class=\"page-content\"><ul><li><a href=\"/zwgk/zcwj/art/2026/a1.html\" title=\"关于示例工作的通知\">关于示例…</a><span>2026-05-20</span></li><li><a href=\"/zwgk/zcwj/art/2026/a2.html\">示例办法</a><span>2026-05-02</span></li></ul></div><div class=\"pagination\" rows=\"2\" count=\"5\" pageNo=\"1\"></div>"}}"#,
            Some("application/json"),
            &base,
            &phrases(),
            None,
        );
        assert!(a.recognised);
        assert_eq!(a.items.len(), 2);
        assert_eq!(a.items[0].title, "关于示例工作的通知");
        assert_eq!(
            a.items[0].url,
            "https://www.x.gov.cn/zwgk/zcwj/art/2026/a1.html"
        );
        assert_eq!(a.items[0].date, full(2026, 5, 20));
        assert_eq!(
            (a.total_records, a.total_pages, a.page_size),
            (Some(5), Some(3), Some(2))
        );
        // An empty unit: zero records, recognised (an empty list, not an unreadable one).
        let e = read_answer(
            r#"{"data":{"html":"<div class=\"page-content\"><ul></ul></div><div class=\"pagination\" rows=\"24\" count=\"0\"></div>"}}"#,
            None,
            &base,
            &phrases(),
            None,
        );
        assert!(e.recognised && e.items.is_empty());
    }
}
