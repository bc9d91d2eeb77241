//! Benchmarks of the extract stage: a ~20 KB government article page
//! (UTF-8, and the same page in GBK) through decode → parse → extract, and
//! `normalize` over 1,000 URLs. Target (issue 7): 20,000 such pages in about
//! 10 s on 2 cores, i.e. roughly 1 ms of CPU per page including parsing.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test and tool code may

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use scraper::Html;
use url::Url;
use zwgk_audit::extract::{self, resolve};

/// A realistic article page of a bureau site: navigation, a TRS pagination
/// script, breadcrumbs, an article of Chinese paragraphs, attachments, related
/// links and a footer; about 20 KB as UTF-8.
fn article_page(charset: &str) -> String {
    let mut s = String::with_capacity(24 * 1024);
    s.push_str(&format!(
        r#"<!DOCTYPE html>
<html lang="zh-CN"><head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>上海市知识产权局关于印发《2026年上海市政务公开工作要点》的通知</title>
<link rel="stylesheet" href="/css/common.css"><link rel="stylesheet" href="/css/article.css">
<link rel="icon" href="/favicon.ico">
<script src="/js/jquery-1.12.4.min.js"></script><script src="/js/common.js"></script>
<style>.banner{{background:url(/images/banner.jpg) no-repeat center}} .nav li{{background:url('/images/nav-sep.png')}}</style>
</head><body>
<div class="top" id="top"><div class="w1200"><a href="/" class="logo"><img src="/images/logo.png" alt="上海市知识产权局"></a>
<div class="search"><form action="/search/search.jsp" method="get"><input name="q" type="text"><input type="image" src="/images/search.png" alt="搜索"></form></div></div></div>
<div class="nav"><ul>
"#
    ));
    let columns = [
        ("首页", "/"),
        ("机构概况", "/jggk/"),
        ("政务公开", "/zwgk/"),
        ("政府信息公开", "/zfxxgk/"),
        ("通知公告", "/tzgg/"),
        ("政策文件", "/zcwj/"),
        ("政策解读", "/zcjd/"),
        ("办事服务", "/bsfw/"),
        ("互动交流", "/hdjl/"),
        ("专题专栏", "/ztzl/"),
    ];
    for (name, href) in columns {
        s.push_str(&format!(
            "<li><a href=\"{href}\" target=\"_self\">{name}</a></li>\n"
        ));
    }
    s.push_str("</ul></div>\n<div class=\"crumb\">当前位置：<a href=\"/\">首页</a> &gt; <a href=\"/zwgk/\">政务公开</a> &gt; <a href=\"/tzgg/\">通知公告</a></div>\n");
    s.push_str("<div class=\"article\" id=\"content\"><h1>上海市知识产权局关于印发《2026年上海市政务公开工作要点》的通知</h1>\n<div class=\"info\"><span>发布日期：2026-03-18</span><span>来源：办公室</span><a href=\"javascript:window.print()\">【打印】</a><a href=\"javascript:window.close()\">【关闭】</a></div>\n<div class=\"text\">\n");
    let para = "各区知识产权局、局机关各处室、各直属单位：为深入贯彻落实党中央、国务院关于全面推进政务公开工作的决策部署，进一步提升政务公开质量和实效，现将《2026年上海市政务公开工作要点》印发给你们，请结合实际认真抓好落实。健全法定主动公开专栏的日常检查、维护和更新工作机制，杜绝错链、断链和内容混杂。";
    let mut n = 0;
    while s.len() < 15 * 1024 {
        n += 1;
        s.push_str(&format!(
            "<p style=\"text-indent:2em\">（{n}）{para} 详见<a href=\"/zcwj/2026{n:02}/t2026031{n}_50{n}.html\" target=\"_blank\">相关文件{n}</a>。</p>\n"
        ));
    }
    s.push_str("</div>\n<div class=\"attach\"><p>附件：</p><ul>\n");
    for i in 1..=4 {
        s.push_str(&format!(
            "<li><a href=\"./P02026031{i}38256.pdf\" title=\"附件{i}\">2026年上海市政务公开工作要点（附件{i}）.pdf</a></li>\n"
        ));
    }
    s.push_str("</ul></div></div>\n<div class=\"related\"><h3>相关链接</h3><ul>\n");
    for i in 1..=12 {
        s.push_str(&format!(
            "<li><a href=\"https://www.shanghai.gov.cn/nw{i}/2026031{i}/abcdef{i}.html\">上海市人民政府办公厅关于做好政务公开工作的通知（{i}）</a><span>2026-03-{i:02}</span></li>\n"
        ));
    }
    s.push_str("</ul></div>\n<div class=\"page\"><script type=\"text/javascript\">createPageHTML(5, 0, \"index\", \"html\");</script></div>\n");
    s.push_str("<div class=\"footer\"><select onchange=\"window.open(this.value)\"><option value=\"\">友情链接</option><option value=\"https://www.cnipa.gov.cn/\">国家知识产权局</option><option value=\"https://www.shanghai.gov.cn/\">上海市人民政府</option></select>\n<p>主办：上海市知识产权局 地址：上海市徐汇区 电话：021-00000000</p>\n<a href=\"https://bszs.conac.cn/sitename?method=show&amp;id=ABCDEF\"><img src=\"https://dcs.conac.cn/image/red.png\" alt=\"党政机关\"></a>\n<script>var _hmt = _hmt || []; (function(){ var hm = document.createElement('script'); hm.src = 'https://hm.example.com/hm.js?x'; })();</script>\n</div></body></html>\n");
    s
}

fn bench_extract(c: &mut Criterion) {
    let utf8 = article_page("utf-8");
    let gbk_text = article_page("gbk");
    let gbk = encoding_rs::GBK.encode(&gbk_text).0.into_owned();

    let mut g = c.benchmark_group("article");
    g.throughput(Throughput::Bytes(utf8.len() as u64));
    g.bench_function("utf8_decode_parse_extract", |b| {
        b.iter(|| {
            let d = extract::decode(black_box(utf8.as_bytes()), Some("text/html; charset=utf-8"));
            let doc = Html::parse_document(&d.text);
            black_box(extract::extract(&doc))
        })
    });
    g.bench_function("gbk_decode_parse_extract", |b| {
        b.iter(|| {
            // Lying header: the meta prescan decides.
            let d = extract::decode(black_box(&gbk), Some("text/html; charset=utf-8"));
            let doc = Html::parse_document(&d.text);
            black_box(extract::extract(&doc))
        })
    });
    let doc = Html::parse_document(&utf8);
    g.bench_function("extract_only", |b| {
        b.iter(|| black_box(extract::extract(black_box(&doc))))
    });
    g.finish();

    let base = Url::parse("https://sipa.sh.gov.cn/tzgg/20260318/index.html").expect("base");
    let urls: Vec<Url> = (0..1000)
        .map(|i| {
            let raw = match i % 5 {
                0 => format!("/zcwj/2026{:02}/t20260318_{i}.html", i % 12 + 1),
                1 => format!("/search.jsp;jsessionid=AB{i}CD?q=%e9%80%9a&page={i}#top"),
                2 => format!("https://www.shanghai.gov.cn/nw{i}/index.html?PHPSESSID={i}&x=1"),
                3 => format!("./P0202603{i}.pdf"),
                _ => format!("/uploads/通知{i}.pdf#page=2"),
            };
            resolve::resolve(&raw, &base, encoding_rs::UTF_8).expect("url")
        })
        .collect();
    c.bench_function("normalize_1000_urls", |b| {
        b.iter(|| {
            for u in &urls {
                black_box(resolve::normalize(black_box(u)));
            }
        })
    });
}

criterion_group!(benches, bench_extract);
criterion_main!(benches);
