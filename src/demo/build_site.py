#!/usr/bin/env python3
"""Builds the demo bureau site in src/demo/site/ (committed; embedded in the binary).

Run from the repository root after editing:  python3 src/demo/build_site.py

The site is 「示范市知识产权局」 (www.demo-ipa.gov.cn), a TRS-style municipal
bureau site, plus three "external" hosts for its friend links. Every planted
defect is written to site/EXPECTED.tsv and every look-alike that must NOT be
reported to site/LOOKALIKES.tsv, by the same calls that write the pages, so
the lists cannot drift from the pages.

Dates are placeholders expanded by the server ({{date:-N}}, {{ym-N}}, {{ymd-N}},
{{year:-N}}; see src/demo/template.rs), so the site looks current on any day.
The colon-free forms are used in file names (Windows forbids ':').
"""

import io
import os
import shutil
import struct
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "site")
HOST = "www.demo-ipa.gov.cn"
BASE = "http://" + HOST
CITY = "www.demo-city.gov.cn"
FRIEND = "friend.example.org"
OLD = "old-partner.example.com"
SITE_NAME = "示范市知识产权局"
SITE_ID = "3300000099"

files = {}  # path under ROOT -> bytes
routes = {}  # host -> list of (path, [toml lines])
expected = []
lookalikes = []


# ---------------------------------------------------------------- helpers

def d(n):
    """A list/PubDate date n days ago."""
    return "{{date:-%d}}" % n


def dzh(n):
    return "{{date:-%d:zh}}" % n


def ym(n):
    return "{{ym-%d}}" % n


def ymd(n):
    return "{{ymd-%d}}" % n


def art(col, n, docid):
    """TRS detail page path: /col/YYYYMM/tYYYYMMDD_docid.html."""
    return "%s%s/t%s_%d.html" % (col, ym(n), ymd(n), docid)


def put(host, path, data):
    assert path.startswith("/")
    if isinstance(data, str):
        data = data.encode("utf-8")
    key = host + path
    assert key not in files, key
    files[key] = data


def page(path, html, enc="utf-8", host=HOST):
    put(host, path, html.encode(enc))


def route(path, *lines, host=HOST):
    routes.setdefault(host, []).append((path, list(lines)))


def plant(kind, page_path, target, note):
    expected.append((kind, url(page_path), target, note))


def alike(kind, page_path, target, note):
    lookalikes.append((kind, url(page_path), target, note))


def url(p):
    if p.startswith("http") or p == "":
        return p
    return BASE + p


# ---------------------------------------------------------------- binary assets

def png(w, h, rgb):
    raw = b"".join(b"\x00" + bytes(rgb) * w for _ in range(h))

    def chunk(tag, data):
        c = struct.pack(">I", len(data)) + tag + data
        return c + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


GIF_1PX = bytes.fromhex(
    "47494638396101000100800000ffffff00000021f90401000000002c00000000010001000002024401003b")


def pdf(title):
    """A small valid one-page PDF."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        None,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    text = ("BT /F1 18 Tf 72 760 Td (%s) Tj ET" % title).encode("ascii")
    objs[3] = b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream"
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def ole(label):
    """An OLE2 compound-file look-alike (.doc .xls .wps): real magic, small body."""
    head = bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff\x09\x00"
    body = label.encode("utf-8")
    return head + b"\x00" * (512 - len(head)) + body + b"\x00" * (1536 - len(body))


def ofd(title):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        # fixed timestamps keep the output reproducible
        z.writestr(zipfile.ZipInfo("OFD.xml", (2026, 1, 1, 0, 0, 0)), '<?xml version="1.0" encoding="UTF-8"?>\n'
                   '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0">'
                   '<ofd:DocBody><ofd:DocInfo><ofd:Title>%s</ofd:Title></ofd:DocInfo>'
                   '<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>' % title)
        z.writestr(zipfile.ZipInfo("Doc_0/Document.xml", (2026, 1, 1, 0, 0, 0)), '<?xml version="1.0" encoding="UTF-8"?><ofd:Document '
                   'xmlns:ofd="http://www.ofdspec.org/2016"/>')
    return buf.getvalue()


# ---------------------------------------------------------------- page parts

CSS = """@charset "utf-8";
/* 示范市知识产权局 网站样式 */
body{margin:0;font:14px/1.8 "Microsoft YaHei",SimSun,sans-serif;color:#333;background:#f4f6f9}
a{color:#1a3d7c;text-decoration:none}a:hover{color:#c00}
.w{width:1200px;margin:0 auto}
.top{background:#eef2f8;height:32px;line-height:32px;font-size:12px}.top-r{float:right}
.header{height:120px;background:#1a4f9c url(/images/header-bg.png) repeat-x}
.header img{margin-top:20px}.search{float:right;margin-top:44px}
.nav{background:#0f3b7a}.nav ul{margin:0 auto;width:1200px;padding:0;list-style:none;overflow:hidden}
.nav li{float:left}.nav a{display:block;padding:0 28px;line-height:46px;color:#fff;font-size:16px}
.crumb{margin:14px auto;width:1200px;font-size:13px}
.box{background:#fff;margin:0 0 16px;padding:12px 18px}.box h2{font-size:18px;border-bottom:2px solid #1a4f9c}
.box h2 .more{float:right;font-size:12px}
.list li{list-style:none;padding-left:14px;background:url(../images/dot.gif) no-repeat 0 12px}
.list li span{float:right;color:#999}
.xxgk-nav{float:left;width:250px;background:#fff}.xxgk-main{float:right;width:930px;background:#fff}
.xxgk-meta{width:100%;border-collapse:collapse;background:#f8f9fb;font-size:13px}
.xxgk-meta td{border:1px solid #dde3ea;padding:6px 10px}
.article h1{text-align:center;font-size:22px;color:#0f3b7a}.info{text-align:center;color:#888;font-size:12px}
.content{font-size:16px;line-height:2}.content p{text-indent:2em}
.attach{margin-top:20px}.empty{text-align:center;color:#999;padding:60px 0}
.footer{background:#0f3b7a;color:#cfd8e6;font-size:12px;text-align:center;padding:18px 0}
.footer a{color:#fff}.links a{margin:0 8px}
"""

JS = """/* 示范市知识产权局 公共脚本 (TRS 模板) */
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt) {
  if (_nPageCount == null || _nPageCount <= 1) { return; }
  var nCurrIndex = _nCurrIndex || 0;
  if (nCurrIndex == 0) {
    document.write("<span>首页</span>&nbsp;");
  } else {
    var prev = nCurrIndex == 1 ? _sPageName + "." + _sPageExt
                               : _sPageName + "_" + (nCurrIndex - 1) + "." + _sPageExt;
    document.write("<a href=\\"" + _sPageName + "." + _sPageExt + "\\">首页</a>&nbsp;");
    document.write("<a href=\\"" + prev + "\\">上一页</a>&nbsp;");
  }
  if (nCurrIndex + 1 < _nPageCount) {
    document.write("<a href=\\"" + _sPageName + "_" + (nCurrIndex + 1) + "." + _sPageExt + "\\">下一页</a>&nbsp;");
    document.write("<a href=\\"" + _sPageName + "_" + (_nPageCount - 1) + "." + _sPageExt + "\\">尾页</a>");
  }
  document.write("&nbsp;共" + _nPageCount + "页");
}
function setFontSize(size) {
  var el = document.getElementById("zoom");
  if (el) { el.style.fontSize = size + "px"; }
}
"""


def head(title, charset="utf-8", meta=None, base=None):
    if charset == "utf-8":
        cs = '<meta charset="utf-8">'
    elif charset == "gb2312":
        cs = '<meta charset="gb2312">'
    else:
        cs = '<meta http-equiv="Content-Type" content="text/html; charset=%s">' % charset
    m = ['<meta name="SiteName" content="%s">' % SITE_NAME,
         '<meta name="SiteDomain" content="%s">' % HOST,
         '<meta name="SiteIDCode" content="%s">' % SITE_ID]
    for k, v in (meta or []):
        m.append('<meta name="%s" content="%s">' % (k, v))
    b = '\n<base href="%s">' % base if base else ""
    return """<!DOCTYPE html>
<html lang="zh-CN">
<head>
%s
<meta http-equiv="X-UA-Compatible" content="IE=edge">
%s
<title>%s</title>%s
<link rel="stylesheet" href="/css/main.css">
<script src="/js/common.js"></script>
</head>
<body>
<a id="top"></a>
""" % (cs, "\n".join(m), title, b)


def header(home_link="/"):
    return """<div class="top"><div class="w"><span>欢迎访问示范市知识产权局网站！</span><span class="top-r"><a href="/">首页</a> | <a href="/zwgk/">政务公开</a> | <a href="/wzdt/">网站地图</a> | <a href="/hdjl/">联系我们</a></span></div></div>
<div class="header"><div class="w"><a href="%s"><img src="/images/logo.png" alt="示范市知识产权局" width="420" height="80"></a>
<form class="search" action="/search/index.html" method="get"><input type="text" name="q" title="站内搜索" placeholder="请输入关键词"><input type="submit" value="搜索"></form></div></div>
<div class="nav"><ul>
<li><a href="/">首页</a></li>
<li><a href="/xxgk/jgzn/">机构概况</a></li>
<li><a href="/zwdt/">新闻动态</a></li>
<li><a href="/tzgg/">通知公告</a></li>
<li><a href="/xxgk/">政府信息公开</a></li>
<li><a href="/xxgk/bszn/">办事服务</a></li>
<li><a href="/hdjl/">互动交流</a></li>
</ul></div>
""" % home_link


def footer(friend_links=""):
    return """<div class="footer"><div class="w">
%s<p><a href="/wzdt/">网站地图</a> | <a href="/hdjl/">联系我们</a> | <a href="/xxgk/ysqgk/">依申请公开</a></p>
<p>主办单位：示范市知识产权局　地址：示范市人民路100号　邮编：310000　电话：0571-87001234</p>
<p>网站标识码：%s　示ICP备20260001号　示公网安备 33010002000001号</p>
<p><img src="/images/dzjg.png" alt="党政机关" width="55" height="60"></p>
</div></div>
</body>
</html>
""" % (friend_links, SITE_ID)


def crumbs(*pairs):
    parts = ['<a href="/">首页</a>']
    for name, href in pairs:
        parts.append('<a href="%s">%s</a>' % (href, name) if href else name)
    return '<div class="crumb">当前位置：%s</div>\n' % " &gt; ".join(parts)


# The disclosure portal's column navigation. 重大行政决策 is deliberately absent.
PORTAL = "/xxgk/"
COLS = [
    ("政府信息公开指南", "/xxgk/xxgkzn/"),
    ("政府信息公开制度", "/xxgk/xxgkzd/"),
    ("法定主动公开内容", "/xxgk/fdzdgknr/"),
    ("政府信息公开年报", "/xxgk/ndbg/"),
    ("依申请公开", "/xxgk/ysqgk/"),
]
FDZD = [
    ("机构职能", "/xxgk/jgzn/"),
    ("政策文件", "/xxgk/zcwj/"),
    ("规范性文件", "/xxgk/gfxwj/"),
    ("政策解读", "/xxgk/zcjd/"),
    ("规划计划", "/xxgk/ghjh/"),
    ("财政预决算", "/xxgk/czyjs/"),
    ("双随机一公开", "/xxgk/sjsgk/"),
    ("权责清单", "/xxgk/qzqd/"),
    ("办事指南", "/xxgk/bszn/"),
    ("建议提案办理", "/xxgk/jytabl/"),
]


def xxgk_nav():
    out = ['<div class="xxgk-nav"><h3><a href="/xxgk/">政府信息公开</a></h3><ul>']
    for name, href in COLS:
        out.append('<li><a href="%s">%s</a>' % (href, name))
        if href == "/xxgk/fdzdgknr/":
            out.append("<ul>")
            for n2, h2 in FDZD:
                out.append('<li><a href="%s">%s</a></li>' % (h2, n2))
            out.append("</ul>")
        out.append("</li>")
    out.append("</ul></div>")
    return "\n".join(out) + "\n"


def items_html(items):
    """items: (title, href, days) -> TRS list rows."""
    rows = []
    for title, href, n in items:
        rows.append('<li><a href="%s" target="_blank" title="%s">%s</a><span>%s</span></li>'
                    % (href, title, title, d(n)))
    return "<ul class=\"list\">\n%s\n</ul>\n" % "\n".join(rows)


def list_page(path, col, items, in_xxgk=True, enc="utf-8", charset=None, pager=None,
              base=None, intro=""):
    """A column list page. items: (title, href, days); empty list → 暂无信息."""
    charset = charset or ("utf-8" if enc == "utf-8" else "gbk")
    meta = [("ColumnName", col), ("ColumnType", col)]
    html = head("%s_%s" % (col, SITE_NAME), charset, meta, base)
    html += header()
    trail = [("政府信息公开", PORTAL), (col, None)] if in_xxgk else [(col, None)]
    html += crumbs(*trail)
    html += '<div class="w">\n'
    if in_xxgk:
        html += xxgk_nav() + '<div class="xxgk-main">\n'
    html += '<div class="box"><h2>%s</h2>\n%s' % (col, intro)
    if items:
        html += items_html(items)
    else:
        html += '<ul class="list"></ul>\n<p class="empty">暂无信息</p>\n'
    if pager:
        total, cur = pager
        html += ('<div class="page"><script type="text/javascript">\n'
                 'var currentPage = %d;//所在页从0开始\nvar countPage = %d;//共多少页\n'
                 'createPageHTML(%d, %d, "index", "html");\n</script></div>\n'
                 % (cur, total, total, cur))
    html += "</div>\n"
    if in_xxgk:
        html += "</div>\n"
    html += '<div style="clear:both"></div></div>\n' + footer()
    page(path, html, enc)


def article(path, col, col_path, title, n, docid, body, attach=(), enc="utf-8",
            charset=None, doc_no="", column_meta=None, related=(), in_xxgk=True, meta_block=True,
            shown=None):
    """A TRS detail page with PubDate/ColumnName metas, breadcrumb and 信息公开 metadata.
    `shown`: the page shows this day (days ago) as its publication date instead of n."""
    shown = n if shown is None else shown
    charset = charset or ("utf-8" if enc == "utf-8" else "gbk")
    cname = column_meta or col
    meta = [("ColumnName", cname), ("ColumnType", cname), ("ArticleTitle", title),
            ("PubDate", d(n) + " 09:30"), ("ContentSource", SITE_NAME)]
    html = head("%s_%s" % (title, SITE_NAME), charset, meta)
    html += header()
    trail = [("政府信息公开", PORTAL), (col, col_path), ("正文", None)] if in_xxgk \
        else [(col, col_path), ("正文", None)]
    html += crumbs(*trail)
    html += '<div class="w"><div class="box article">\n'
    if meta_block:
        html += ('<table class="xxgk-meta">\n'
                 '<tr><td>索引号：</td><td>11330000MB1A2B3C4D/{{year:-0}}-%05d</td><td>主题分类：</td><td>%s</td></tr>\n'
                 '<tr><td>发布机构：</td><td>%s</td><td>发布日期：</td><td>%s</td></tr>\n'
                 '<tr><td>文号：</td><td>%s</td><td>成文日期：</td><td>%s</td></tr>\n'
                 '</table>\n' % (docid, col, SITE_NAME, d(shown), doc_no or "无", d(n + 2)))
    html += '<h1>%s</h1>\n' % title
    html += ('<div class="info">发布时间：%s　来源：%s　【字号 <a href="javascript:setFontSize(18)">大</a> '
             '<a href="javascript:setFontSize(16)">中</a> <a href="javascript:setFontSize(14)">小</a>】'
             '　<a href="javascript:window.print()">【打印本页】</a>　'
             '<a href="javascript:history.back()">【返回】</a></div>\n') % (dzh(shown), SITE_NAME)
    html += '<div class="content" id="zoom">\n%s\n</div>\n' % body
    if attach:
        html += '<div class="attach">附件：<br>\n'
        for i, (label, href) in enumerate(attach, 1):
            html += '%d. <a href="%s">%s</a><br>\n' % (i, href, label)
        html += "</div>\n"
    if related:
        html += '<div class="attach">相关链接：<br>\n'
        for label, href in related:
            html += '<a href="%s" target="_blank">%s</a><br>\n' % (href, label)
        html += "</div>\n"
    html += '<p style="text-align:right"><a href="#top">返回顶部</a></p>\n'
    html += "</div></div>\n" + footer()
    page(path, html, enc)


def paras(*ps):
    return "\n".join("<p>%s</p>" % p for p in ps)


# ---------------------------------------------------------------- assets

def assets():
    put(HOST, "/css/main.css", CSS)
    put(HOST, "/js/common.js", JS)
    put(HOST, "/images/logo.png", png(42, 8, (26, 79, 156)))
    put(HOST, "/images/header-bg.png", png(4, 12, (26, 79, 156)))
    put(HOST, "/images/dzjg.png", png(11, 12, (200, 20, 20)))
    put(HOST, "/images/banner.png", png(60, 12, (230, 238, 248)))
    put(HOST, "/images/dot.gif", GIF_1PX)
    put(HOST, "/images/spacer.gif", GIF_1PX)
    put(HOST, "/images/icon-xxgk.png", png(8, 8, (15, 59, 122)))
    put(HOST, "/images/icon-bszn.png", png(8, 8, (15, 122, 59)))
    put(HOST, "/images/icon-hdjl.png", png(8, 8, (122, 59, 15)))
    put(HOST, "/favicon.ico", png(1, 1, (26, 79, 156)))
    put(HOST, "/robots.txt", "User-agent: *\nDisallow: /wcm/\n")


# ---------------------------------------------------------------- news and notices

NEWS = [
    # (days, docid, title)
    (1, 5108, "示范市召开{{year}}年知识产权保护工作推进会"),
    (3, 5107, "我局开展“知识产权服务进园区”活动"),
    (6, 5106, "示范市新增3家国家知识产权示范企业"),
    (9, 5105, "我局举办专利转化运用专题培训班"),
    (13, 5104, "示范市知识产权保护中心快速预审服务再提速"),
    (18, 5103, "我局赴高新区调研数据知识产权登记工作"),
]


def news():
    items = []
    for n, docid, title in NEWS:
        p = art("/zwdt/", n, docid)
        items.append((title, "./%s/t%s_%d.html" % (ym(n), ymd(n), docid), n))
        body = paras(
            "%s，%s。会议总结了近期全市知识产权工作，部署下一阶段重点任务。" % (dzh(n), title.replace("{{year}}", "{{year}}")),
            "会议强调，要坚持严保护、大保护、快保护、同保护，持续优化创新环境和营商环境，"
            "推动知识产权工作高质量发展。",
            "各区知识产权管理部门、有关企业代表参加活动。",
        )
        attach = ()
        if docid == 5106:
            # broken image (with alt text, so only broken_link)
            body += '\n<p style="text-align:center"><img src="/images/2019/old-banner.jpg" alt="活动现场"></p>'
            plant("broken_link", p, url("/images/2019/old-banner.jpg"), "missing image (img@src answers 404)")
        if docid == 5105:
            body += '\n<p style="text-align:center"><img src="/images/banner.png" alt="培训现场"></p>'
            body += paras("原文链接：<a href=\"http://preview.demo-ipa.gov.cn/zwdt/%s/t%s_5105.html\">"
                          "我局举办专利转化运用专题培训班</a>" % (ym(9), ymd(9)))
            plant("wrong_link", p, "http://preview.demo-ipa.gov.cn/zwdt/%s/t%s_5105.html" % (ym(9), ymd(9)),
                  "link to the CMS preview host (forbidden_hosts)")
        if docid == 5103:
            # An old table layout: its legacy background image is gone, the
            # cell's background exists; the same attribute on a <p> is ignored
            # by browsers (never requested, so never reported).
            body += ('\n<table width="100%" background="/images/2016/news-bg.gif"><tr>'
                     '<td background="/images/dot.gif">调研组实地察看了企业数据知识产权登记和运用情况。</td>'
                     '</tr></table>'
                     '\n<p background="/images/2016/p-bg.gif">调研组听取了企业意见建议。</p>')
            plant("broken_link", p, url("/images/2016/news-bg.gif"),
                  "legacy table background answers 404 (table/td/body@background)")
            alike("broken_link", p, url("/images/dot.gif"),
                  "legacy td background that exists")
        if docid == 5104:
            route(p, "delay_ms = 2000")
            plant("slow_page", p, "", "answers after 2000 ms; demo threshold slow_page_ms = 1500")
        if docid == 5107:
            route(p, "delay_ms = 300")
            alike("slow_page", p, "", "answers after 300 ms, under the 1500 ms threshold")
        shown = None
        if docid == 5103:
            # The page shows 2 days ago; its PubDate meta (and URL) say 18.
            shown = 2
            plant("date_mismatch", p, "",
                  "发布时间 on the page 2 days ago, PubDate meta 18 days ago: re-dated to look current")
        if docid == 5108:
            alike("date_mismatch", p, "",
                  "the body quotes the day of the meeting (a date in the text, not a label)")
        article(p, "新闻动态", "/zwdt/", title, n, docid, body, attach, in_xxgk=False, meta_block=False,
                shown=shown)
    list_page("/zwdt/index.html", "新闻动态", items, in_xxgk=False)


NOTICES = [
    (2, 4108, "关于组织申报{{year}}年度专利转化专项资金项目的通知"),
    (8, 4107, "关于开展{{year}}年知识产权宣传周活动的通知"),
    (15, 4106, "示范市知识产权局行政处罚决定书（示知罚〔{{year}}〕3号）"),
    (26, 4105, "关于公布示范市第二批知识产权服务机构名录的公告"),
    (41, 4104, "关于征集知识产权纠纷人民调解员的公告"),
]


def notices():
    items = []
    for n, docid, title in NOTICES:
        p = art("/tzgg/", n, docid)
        items.append((title, "./%s/t%s_%d.html" % (ym(n), ymd(n), docid), n))
        attach = ()
        related = ()
        if docid == 4108:
            body = paras(
                "各区知识产权管理部门、各有关单位：",
                "为促进专利转化运用，根据《示范市专利转化专项资金管理办法》，现组织申报{{year}}年度专项资金项目。"
                "申报材料请于{{date:+30:zh}}前报送。",
                "联系人：王老师，电话：0571-87001234，手机：13957105678，邮箱：<a href=\"mailto:zscq@demo-ipa.gov.cn\">zscq@demo-ipa.gov.cn</a>。",
            )
            attach = (("申报书模板.doc", "./P0%s385612947103.doc" % ymd(n)),
                      ("项目汇总表.xls", "./P0%s385612947104.xls" % ymd(n)),
                      ("申报指南（内部稿）.doc", "http://localhost:8080/pub/zscq/tzgg/P020210311.doc"))
            put(HOST, "/tzgg/%s/P0%s385612947103.doc" % (ym(n), ymd(n)), ole("申报书模板"))
            put(HOST, "/tzgg/%s/P0%s385612947104.xls" % (ym(n), ymd(n)), ole("项目汇总表"))
            plant("wrong_link", p, "http://localhost:8080/pub/zscq/tzgg/P020210311.doc",
                  "attachment on localhost:8080 (editor's machine)")
            alike("broken_link", p, "mailto:zscq@demo-ipa.gov.cn", "mailto: is not fetched")
            alike("privacy_leak", p, "13957105678",
                  "the notice's contact mobile, labelled 手机: published on purpose")
        elif docid == 4107:
            body = paras(
                "各有关单位：",
                "为深入宣传知识产权保护政策，我局定于4月下旬开展知识产权宣传周活动。具体安排见附件。",
                "附件原件：<a href=\"file:///D:/公文/通知.doc\">通知.doc</a>",
            )
            attach = (("宣传周活动安排.wps", "./P0%s662901384520.wps" % ymd(n)),)
            put(HOST, "/tzgg/%s/P0%s662901384520.wps" % (ym(n), ymd(n)), ole("宣传周活动安排"))
            plant("wrong_link", p, "file:///D:/公文/通知.doc", "file: URL to the editor's disk")
            alike("column_mixed", "/tzgg/", url(p),
                  "关于开展…活动的通知 is a document about an event, not news")
        elif docid == 4106:
            body = paras(
                "当事人：张某某，男，身份证号码：330102198503121236，联系电话：13957101234。",
                "经查，当事人在示范市会展中心销售假冒专利产品，违反了《中华人民共和国专利法》第六十八条的规定。",
                "根据《中华人民共和国专利法》第六十八条，本局决定责令当事人改正，并处罚款人民币叁万元整。",
                "当事人如不服本决定，可在收到本决定书之日起六十日内申请行政复议，或者六个月内提起行政诉讼。",
            )
            plant("privacy_leak", p, "330102198503121236", "18-digit ID number with a valid GB 11643 check digit")
            plant("privacy_leak", p, "13957101234", "mobile number (same page as the ID number)")
        elif docid == 4105:
            body = paras(
                "根据《示范市知识产权服务机构管理办法》，经审核，现将第二批知识产权服务机构名录予以公布（见附件）。",
                "名录动态调整，最新情况以本网站公布为准。",
            )
            attach = (("第二批知识产权服务机构名录.pdf", "./P0%s220145887361.pdf" % ymd(n)),)
            put(HOST, "/tzgg/%s/P0%s220145887361.pdf" % (ym(n), ymd(n)), pdf("IP service agencies"))
            related = (("关于公布示范市第一批知识产权服务机构名录的公告", art("/tzgg/", 210, 4012)),)
            plant("broken_link", p, url(art("/tzgg/", 210, 4012)), "related link to a deleted article (404)")
        else:
            body = paras(
                "为加强知识产权纠纷多元化解，现面向社会公开征集知识产权纠纷人民调解员。",
                "报名方式：请填写报名表（见依申请公开栏目）后发送至 <a href=\"mailto:tjwyh@demo-ipa.gov.cn\">tjwyh@demo-ipa.gov.cn</a>，"
                "或拨打 <a href=\"tel:0571-87001234\">0571-87001234</a> 咨询。",
            )
            alike("broken_link", p, "tel:0571-87001234", "tel: is not fetched")
        article(p, "通知公告", "/tzgg/", title, n, docid, body, attach, related=related, in_xxgk=False)
    list_page("/tzgg/index.html", "通知公告", items, in_xxgk=False)


# ---------------------------------------------------------------- homepage

def homepage():
    news_rows = "\n".join(
        '<li><a href="/zwdt/%s/t%s_%d.html" target="_blank">%s</a><span>%s</span></li>'
        % (ym(n), ymd(n), docid, t, d(n)) for n, docid, t in NEWS)
    notice_rows = "\n".join(
        '<li><a href="/tzgg/%s/t%s_%d.html" target="_blank">%s</a><span>%s</span></li>'
        % (ym(n), ymd(n), docid, t, d(n)) for n, docid, t in NOTICES)
    friends = ('<div class="links">友情链接：'
               '<a href="http://%s/" target="_blank">示范市人民政府</a>'
               '<a href="http://%s/zscq/index.html" target="_blank">示范市知识产权保护中心</a>'
               '<a href="http://%s/zscq/index.html" target="_blank">示范知识产权服务网</a>'
               '</div>\n' % (CITY, FRIEND, OLD))
    html = head("%s" % SITE_NAME, "utf-8", [("ColumnName", "首页"), ("ColumnType", "首页")])
    html += header(home_link="//www.demo-ipa.gov.cn/")
    html += """<div class="w">
<div class="box"><img src="/images/banner.png" alt="" width="1200" height="240"><img src="/images/spacer.gif" alt="" width="1" height="1"></div>
<div class="box"><h2>要闻动态<a class="more" href="/zwdt/">更多&gt;&gt;</a></h2>
<ul class="list">
%s
</ul></div>
<div class="box"><h2>通知公告<a class="more" href="/tzgg/">更多&gt;&gt;</a></h2>
<ul class="list">
%s
</ul></div>
<div class="box"><h2>政务服务</h2>
<a href="/xxgk/"><img src="/images/icon-xxgk.png" alt="">政府信息公开</a>
<a href="/xxgk/bszn/"><img src="/images/icon-bszn.png" alt="">办事指南</a>
<a href="/hdjl/"><img src="/images/icon-hdjl.png" alt="">互动交流</a>
<a href="/xxgk/ysqgk/">依申请公开</a>
</div>
<div class="box"><h2>专题专栏</h2>
<ul class="list">
<li><a href="/files/{{year}}年工作要点.pdf" target="_blank">示范市知识产权局{{year}}年工作要点（PDF）</a><span>%s</span></li>
<li><a href="/xxgk/ndbg/">政府信息公开工作年度报告</a></li>
<li><a href="/ztzl/201706/t20170615_9001.html" target="_blank">商标注册便利化改革情况介绍</a><span>2017-06-15</span></li>
</ul></div>
</div>
""" % (news_rows, notice_rows, d(100))
    # 暗链: an SEO block hidden from visitors; look-alikes: an off-screen skip
    # link (own page) and a tab panel of government links opened by its tab bar.
    html = html.replace('<a id="top"></a>\n',
                        '<a id="top"></a>\n<a href="#main" style="position:absolute;left:-9999px">跳到主要内容</a>\n', 1)
    html += ('<div class="box" id="main"><div class="tab-hd"><span onmouseover="showTab(1)">市级部门</span>'
             '<span onmouseover="showTab(2)">区县政府</span></div>\n'
             '<div class="tab-bd"><p>市级部门网站：<a href="http://%s/">示范市人民政府</a></p>\n'
             '<p style="display:none">区县政府网站：<a href="http://%s/qx/index.html">区县政府网站群</a></p></div></div>\n'
             % (CITY, CITY))
    html += ('<div style="display:none"><a href="http://%s/tuijian/index.html">热门推荐</a> '
             '<a href="http://%s/tuijian/index.html">企业推广</a></div>\n' % (FRIEND, FRIEND))
    html += footer(friends)
    page("/index.html", html)
    plant("risky_external", "/", "http://%s/tuijian/index.html" % FRIEND,
          "hidden link (display:none): an SEO block no visitor sees; a warning, its target is not gambling")
    alike("risky_external", "/", url("/#main"), "off-screen skip link to the page's own content")
    alike("risky_external", "/", "http://%s/qx/index.html" % CITY,
          "tab panel hidden until its tab is hovered (a government site)")
    plant("broken_link", "/", "http://%s/zscq/index.html" % FRIEND,
          "friend link to an external host whose page is gone (404)")
    plant("risky_external", "/", "http://%s/zscq/index.html" % OLD,
          "friend link redirected (302) to its site's homepage, which now serves gambling: "
          "risky content outranks the redirect-to-home soft 404")
    route("/zscq/index.html", 'redirect = "/"', host=OLD)
    alike("broken_link", "/", "//www.demo-ipa.gov.cn/", "protocol-relative link to the homepage")
    alike("missing_alt", "/", url("/images/banner.png"), 'decorative images with alt="" (banner, spacer, icons)')
    alike("broken_link", "/", url("/files/{{year}}年工作要点.pdf"), "raw Chinese file name that exists")
    alike("broken_link", "/", url("/zwgk/"), "301 to /xxgk/, a good page")
    route("/zwgk/", "redirect = \"/xxgk/\"", "status = 301")
    route("/zwgk/index.html", "redirect = \"/xxgk/\"", "status = 301")
    put(HOST, "/files/{{year}}年工作要点.pdf", pdf("Work plan"))
    history()


def history():
    # An old name on an old page: dated before the body was renamed (2018-04-10).
    p = "/ztzl/201706/t20170615_9001.html"
    title = "商标注册便利化改革情况介绍"
    html = head("%s_%s" % (title, SITE_NAME), "utf-8",
                [("ColumnName", "专题专栏"), ("ArticleTitle", title), ("PubDate", "2017-06-15 10:00")])
    html += header() + crumbs(("专题专栏", None), (title, None))
    html += ('<div class="w"><div class="box article"><h1>%s</h1><div class="info">发布日期：2017-06-15</div>'
             '<div class="content">\n%s\n</div></div></div>\n'
             % (title, paras("为方便申请人办理商标注册，国家工商总局商标局在示范市设立商标受理窗口，"
                             "受理商标注册申请及相关业务。")))
    html += footer()
    page(p, html)
    alike("forbidden_text", p, "国家工商总局商标局",
          "outdated name on a page published 2017-06-15, before the 2018-04-10 rename: history")


# ---------------------------------------------------------------- disclosure portal

def portal():
    latest = [
        ("示范市知识产权局关于印发《专利转化专项资金管理办法》的通知", "/xxgk/gfxwj/%s/t%s_2608.html" % (ym(4), ymd(4)), 4),
        ("《示范市专利转化专项资金管理办法》政策解读", "/xxgk/zcjd/%s/t%s_2707.html" % (ym(3), ymd(3)), 3),
        ("示范市知识产权局{{year}}年部门预算", "/xxgk/czyjs/%s/t%s_2905.html" % (ym(35), ymd(35)), 35),
    ]
    html = head("政府信息公开_%s" % SITE_NAME, "utf-8", [("ColumnName", "政府信息公开"), ("ColumnType", "政府信息公开")])
    html += header()
    html += crumbs(("政府信息公开", None))
    html += '<div class="w">\n' + xxgk_nav() + '<div class="xxgk-main">\n'
    html += '<div class="box"><h2>最新信息</h2>\n' + items_html(latest) + "</div>\n"
    html += ('<div class="box"><h2>说明</h2><p>本栏目按照政务公开标准目录设置，集中发布本机关法定主动公开内容。'
             '如需获取其他政府信息，可<a href="/xxgk/ysqgk/">依申请公开</a>。</p></div>\n')
    html += '</div><div style="clear:both"></div></div>\n' + footer()
    page("/xxgk/index.html", html)
    plant("column_missing", PORTAL, "重大行政决策", "required column not linked from the portal navigation")

    sub = [(name, href, 0) for name, href in FDZD]
    html = head("法定主动公开内容_%s" % SITE_NAME, "utf-8", [("ColumnName", "法定主动公开内容")])
    html += header() + crumbs(("政府信息公开", PORTAL), ("法定主动公开内容", None))
    html += '<div class="w">\n' + xxgk_nav() + '<div class="xxgk-main"><div class="box"><h2>法定主动公开内容</h2><ul>\n'
    html += "\n".join('<li><a href="%s">%s</a></li>' % (h, n) for n, h, _ in sub)
    html += '\n</ul></div></div><div style="clear:both"></div></div>\n' + footer()
    page("/xxgk/fdzdgknr/index.html", html)


def column_xxgkzn():
    n = 88
    p = art("/xxgk/xxgkzn/", n, 1001)
    body = paras(
        "为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本指南。",
        "一、主动公开。公开的主要内容：机构职能、政策文件、规划计划、财政预决算、行政执法等信息。"
        "公开方式：示范市知识产权局网站“政府信息公开”专栏。",
        "二、依申请公开。申请人可通过网上申请、信函申请、当面申请等方式提出申请。"
        "受理机构：示范市知识产权局办公室，地址：示范市人民路100号，邮编：310000，"
        "电话：<a href=\"tel:0571-87001234\">0571-87001234</a>，"
        "电子邮箱：<a href=\"mailto:xxgk@demo-ipa.gov.cn\">xxgk@demo-ipa.gov.cn</a>。",
        "三、监督保障。公民、法人或者其他组织认为本机关在政府信息公开工作中侵犯其合法权益的，可以依法申请行政复议或者提起行政诉讼。",
    )
    article(p, "政府信息公开指南", "/xxgk/xxgkzn/", "示范市知识产权局政府信息公开指南", n, 1001, body)
    list_page("/xxgk/xxgkzn/index.html", "政府信息公开指南",
              [("示范市知识产权局政府信息公开指南", "./%s/t%s_1001.html" % (ym(n), ymd(n)), n)])


def column_xxgkzd():
    docs = [(52, 1102, "示范市知识产权局政府信息公开工作制度"),
            (140, 1101, "示范市知识产权局政府信息公开保密审查办法")]
    items = []
    for n, docid, title in docs:
        p = art("/xxgk/xxgkzd/", n, docid)
        items.append((title, "./%s/t%s_%d.html" % (ym(n), ymd(n), docid), n))
        body = paras("第一条　为规范本局政府信息公开工作，根据有关法律法规，制定本制度。",
                     "第二条　本局办公室是政府信息公开工作的主管机构，负责组织、协调、推进政府信息公开工作。",
                     "第三条　政府信息公开应当坚持以公开为常态、不公开为例外，遵循公正、公平、合法、便民的原则。")
        if docid == 1102:
            body += "\n" + paras("本制度全文亦可在局门户网站 <a href=\"http//www.demo-ipa.gov.cn/xxgk/\">http//www.demo-ipa.gov.cn/xxgk/</a> 查阅。")
            plant("wrong_link", p, "http//www.demo-ipa.gov.cn/xxgk/", "malformed URL (missing ':' after http)")
        article(p, "政府信息公开制度", "/xxgk/xxgkzd/", title, n, docid, body, doc_no="示知办〔{{year}}〕%d号" % (docid - 1100))
    list_page("/xxgk/xxgkzd/index.html", "政府信息公开制度", items)


def column_jgzn():
    # The list page uses <base href>: its relative item links only resolve through it.
    base = "/xxgk/jgzn/detail/"
    pages = [("机构职能", "jgzn.html", 45,
              paras("示范市知识产权局是市政府工作部门，主要职责是：贯彻落实国家和省关于知识产权工作的方针政策；"
                    "负责拟订和组织实施全市知识产权事业发展规划；负责专利、商标、地理标志等知识产权保护工作。")),
             ("领导信息", "ldxx.html", 45,
              paras("局长：李某某，主持局全面工作。", "副局长：陈某某，负责专利管理、知识产权保护工作。")),
             ("内设机构", "nsjg.html", 45,
              paras("办公室、政策法规处、知识产权保护处、知识产权运用促进处、公共服务处。")),
             ("联系方式", "lxfs.html", 45,
              paras("办公地址：示范市人民路100号", "办公时间：工作日上午8:30—12:00，下午13:30—17:30",
                    "联系电话：0571-87001234　传真：0571-87001235")),
             ("局领导出席全省知识产权系统工作会议", "ldhd.html", 30,
              paras("会议总结了上一年度全省知识产权工作，部署了今年重点任务。"))]
    items = []
    for title, fname, n, body in pages:
        items.append((title, fname, n))
        html = head("%s_%s" % (title, SITE_NAME), "utf-8",
                    [("ColumnName", "机构职能"), ("ColumnType", "机构职能"), ("ArticleTitle", title),
                     ("PubDate", d(n) + " 10:00")])
        html += header() + crumbs(("政府信息公开", PORTAL), ("机构职能", "/xxgk/jgzn/"), (title, None))
        html += ('<div class="w"><div class="box article"><h1>%s</h1><div class="info">更新时间：%s</div>'
                 '<div class="content">\n%s\n</div>'
                 '<p><a href="javascript:window.print()">【打印本页】</a></p></div></div>\n'
                 % (title, d(n), body))
        html += footer()
        page(base + fname, html)
    list_page("/xxgk/jgzn/index.html", "机构职能", items, base=base)
    plant("column_mixed", "/xxgk/jgzn/", url(base + "ldhd.html"),
          "news item (出席…会议) listed in 机构职能: no rule words, the national defaults of its type")
    alike("broken_link", "/xxgk/jgzn/", url(base + "ldxx.html"),
          "<base href> page: ldxx.html resolves under /xxgk/jgzn/detail/, not /xxgk/jgzn/")


def column_zcwj():
    # Stale: the newest item is 320 days old (a 6-month window column).
    docs = [(320, 1208, "示范市知识产权局关于加强专利代理行业监管的通知"),
            (355, 1207, "示范市知识产权局关于印发《知识产权质押融资工作指引》的通知"),
            (410, 1206, "示范市知识产权局关于开展专利导航工作的实施意见")]
    items = []
    for n, docid, title in docs:
        p = art("/xxgk/zcwj/", n, docid)
        items.append((title, "./%s/t%s_%d.html" % (ym(n), ymd(n), docid), n))
        sections = "\n".join('<p id="section%d">第%s条　%s</p>' % (
            i, "一二三四五六七八"[i - 1],
            "本条规定了专利代理机构执业、监督检查与信用管理的有关要求。") for i in range(1, 9))
        attach = ()
        if docid == 1208:
            pdf_path = "/xxgk/zcwj/%s/P0%s384756102933.pdf" % (ym(n), ymd(n))
            attach = (("通知全文.pdf", "./P0%s384756102933.pdf" % ymd(n)),)
            route(pdf_path, 'redirect = "/"')
            plant("soft_404", p, url(pdf_path), "document URL redirects (302) to the homepage")
        article(p, "政策文件", "/xxgk/zcwj/", title, n, docid, sections, attach,
                doc_no="示知〔{{year:-1}}〕%d号" % (docid - 1200))
    list_page("/xxgk/zcwj/index.html", "政策文件", items)
    plant("column_stale", "/xxgk/zcwj/", "政策文件", "newest item %s (320 days ago); window 6 months" % d(320))


GFX = [  # (days, docid, title) — 3 TRS pages: index.html, index_1.html, index_2.html
    (4, 2608, "示范市知识产权局关于印发《专利转化专项资金管理办法》的通知"),
    (21, 2607, "示范市知识产权局关于印发《知识产权纠纷调解工作规则》的通知"),
    (47, 2606, "示范市知识产权局关于印发《重点商标保护名录管理办法》的通知"),
    (70, 2605, "示范市知识产权局关于印发《数据知识产权登记办法（试行）》的通知"),
    (96, 2604, "示范市知识产权局关于印发《地理标志保护工作规范》的通知"),
    (130, 2603, "示范市知识产权局关于印发《专利预审服务管理办法》的通知"),
    (188, 2602, "示范市知识产权局关于印发《知识产权信用管理办法》的通知"),
    (260, 2601, "示范市知识产权局关于废止部分规范性文件的决定"),
]


def column_gfxwj():
    # GBK pages served with `charset=gbk` in the Content-Type header; the list
    # continues on TRS pages index_1.html and index_2.html.
    per = 3
    chunks = [GFX[i:i + per] for i in range(0, len(GFX), per)]
    for pno, chunk in enumerate(chunks):
        items = [(t, "./%s/t%s_%d.html" % (ym(n), ymd(n), docid), n) for n, docid, t in chunk]
        path = "/xxgk/gfxwj/index.html" if pno == 0 else "/xxgk/gfxwj/index_%d.html" % pno
        list_page(path, "规范性文件", items, enc="gbk", charset="gbk", pager=(len(chunks), pno))
        route(path, 'headers = { "content-type" = "text/html; charset=gbk" }')
    route("/xxgk/gfxwj/", 'headers = { "content-type" = "text/html; charset=gbk" }')
    for n, docid, title in GFX:
        p = art("/xxgk/gfxwj/", n, docid)
        body = paras("各区知识产权管理部门，局各处室：",
                     "现将%s印发给你们，请认真贯彻执行。" % title.split("《")[-1].split("》")[0] if "《" in title else "现将有关事项决定如下。",
                     "本文件自印发之日起施行，有效期五年。")
        if docid == 2601:
            body += "\n" + paras("根据国家工商行政管理总局有关规定，对下列规范性文件予以废止。")
            plant("forbidden_text", p, "国家工商行政管理总局", "outdated body name (GBK page)")
        article(p, "规范性文件", "/xxgk/gfxwj/", title, n, docid, body, enc="gbk", charset="gbk",
                doc_no="示知规〔{{year}}〕%d号" % (docid - 2600))
        route(p, 'headers = { "content-type" = "text/html; charset=gbk" }')


def column_zcjd():
    docs = [(3, 2707, "《示范市专利转化专项资金管理办法》政策解读"),
            (22, 2706, "图解：《知识产权纠纷调解工作规则》"),
            (48, 2705, "一图读懂《重点商标保护名录管理办法》")]
    items = []
    for n, docid, title in docs:
        p = art("/xxgk/zcjd/", n, docid)
        items.append((title, "./%s/t%s_%d.html" % (ym(n), ymd(n), docid), n))
        body = paras("一、制定背景", "为进一步规范专项资金管理，提高资金使用效益，制定本办法。",
                     "二、主要内容", "办法共五章二十条，明确了支持范围、申报条件、审核程序和监督管理。")
        related = ()
        if docid == 2707:
            target = art("/xxgk/zcwj/", 320, 1208)
            body += "\n" + paras('关于代理机构监管的要求，详见<a href="%s#section9">《通知》第九条</a>，'
                                 '信用管理见<a href="%s#section3">第三条</a>。' % (target, target))
            plant("missing_anchor", p, url(target) + "#section9", "the target article has section1..section8 only")
            alike("missing_anchor", p, url(target) + "#section3", "fragment present on the target (id=section3)")
            alike("missing_anchor", p, url(p) + "#top", "same-page #top with <a id=\"top\">")
            related = (("原文：示范市知识产权局关于印发《专利转化专项资金管理办法》的通知",
                        "/xxgk/gfxwj/%s/t%s_2608.html" % (ym(4), ymd(4))),)
        if docid == 2706:
            body += '\n<p style="text-align:center"><img src="./W0%s553810274913.png" width="600"></p>' % ymd(n)
            put(HOST, "/xxgk/zcjd/%s/W0%s553810274913.png" % (ym(n), ymd(n)), png(30, 40, (240, 240, 250)))
            plant("missing_alt", p, url("/xxgk/zcjd/%s/W0%s553810274913.png" % (ym(n), ymd(n))), "img without alt")
        if docid == 2705:
            soft = art("/xxgk/zcjd/", 66, 2702)
            related = (("《重点商标保护名录管理办法》原文", soft),)
            plant("soft_404", p, url(soft), "target answers 200 with title 页面不存在")
        article(p, "政策解读", "/xxgk/zcjd/", title, n, docid, body, related=related)
    list_page("/xxgk/zcjd/index.html", "政策解读", items)
    # the soft 404 page: a TRS "document deleted" template answered with 200
    page(art("/xxgk/zcjd/", 66, 2702), """<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>页面不存在</title><link rel="stylesheet" href="/css/main.css"></head>
<body><div class="w"><div class="box empty"><h2>抱歉，您访问的页面不存在或已被删除！</h2>
<p><a href="/">返回首页</a></p></div></div></body>
</html>
""")


def column_ghjh():
    docs = [(12, 2301, "局领导赴高新区开展知识产权服务调研", "新闻动态"),
            (100, 2302, "示范市知识产权局{{year}}年工作要点", None),
            (150, 2303, "示范市“十五五”知识产权保护和运用规划", None)]
    items = []
    for n, docid, title, colmeta in docs:
        p = art("/xxgk/ghjh/", n, docid)
        href = "./%s/t%s_%d.html" % (ym(n), ymd(n), docid)
        attach = ()
        if docid == 2301:
            body = paras("%s，局主要领导带队赴高新区走访企业，了解企业知识产权创造、运用和保护需求，"
                         "现场协调解决企业反映的问题。" % dzh(n))
            plant("column_mixed", "/xxgk/ghjh/", url(p),
                  "news item (meta ColumnName 新闻动态) listed in 规划计划")
        elif docid == 2302:
            body = paras("{{year}}年全市知识产权工作的总体要求是：以高质量发展为主线，全面加强知识产权保护。",
                         "全文见附件。")
            enc_name = "/files/{{year}}%E5%B9%B4%E5%B7%A5%E4%BD%9C%E8%A6%81%E7%82%B9.pdf"
            attach = (("示范市知识产权局{{year}}年工作要点.pdf", enc_name),)
            alike("broken_link", p, url("/files/{{year}}年工作要点.pdf"),
                  "percent-encoded Chinese file name that exists")
        else:
            body = paras("为全面加强知识产权保护和运用，制定本规划。规划期为五年。",
                         "一、发展基础　二、总体要求　三、主要任务　四、保障措施")
            missing = "./P0%s771029384756.doc" % ymd(n)
            attach = (("规划文本.doc", missing),
                      ("规划文本（OFD版）.ofd", "./P0%s771029384757.ofd" % ymd(n)))
            put(HOST, "/xxgk/ghjh/%s/P0%s771029384757.ofd" % (ym(n), ymd(n)), ofd("Plan"))
            plant("broken_link", p, url("/xxgk/ghjh/%s/P0%s771029384756.doc" % (ym(n), ymd(n))),
                  "missing attachment (.doc answers 404)")
        article(p, "规划计划", "/xxgk/ghjh/", title, n, docid, body, attach, column_meta=colmeta)
        items.append((title, href, n))
    list_page("/xxgk/ghjh/index.html", "规划计划", items)


def column_czyjs():
    # GBK pages that declare only <meta charset="gb2312"> (no charset in the header).
    docs = [(35, 2905, "示范市知识产权局{{year}}年部门预算"),
            (160, 2904, "示范市知识产权局{{year:-1}}年部门决算")]
    items = []
    for n, docid, title in docs:
        p = art("/xxgk/czyjs/", n, docid)
        items.append((title, "./%s/t%s_%d.html" % (ym(n), ymd(n), docid), n))
        body = paras("根据预算法和财政部门有关要求，现将本局%s公开如下。" % title.replace("示范市知识产权局", ""),
                     "一、部门基本情况　二、收支总体情况　三、“三公”经费情况　四、其他重要事项的情况说明")
        fname = "P0%s920384756101" % ymd(n)
        attach = (("%s.pdf" % title, "./%s.pdf" % fname),
                  ("收支总表.xls", "./%s.xls" % fname))
        put(HOST, "/xxgk/czyjs/%s/%s.pdf" % (ym(n), fname), pdf("Budget"))
        put(HOST, "/xxgk/czyjs/%s/%s.xls" % (ym(n), fname), ole("收支总表"))
        if docid == 2905:
            route("/xxgk/czyjs/%s/%s.pdf" % (ym(n), fname), "head_status = 405")
            alike("broken_link", p, url("/xxgk/czyjs/%s/%s.pdf" % (ym(n), fname)),
                  "attachment server refuses HEAD (405) but answers GET")
        article(p, "财政预决算", "/xxgk/czyjs/", title, n, docid, body, attach, enc="gbk", charset="gb2312")
    list_page("/xxgk/czyjs/index.html", "财政预决算", items, enc="gbk", charset="gb2312")


def column_sjsgk():
    list_page("/xxgk/sjsgk/index.html", "双随机一公开", [])
    plant("column_empty", "/xxgk/sjsgk/", "双随机一公开", "column page shows only 暂无信息")


def column_qzqd():
    n = 30
    p = art("/xxgk/qzqd/", n, 3101)
    body = ('<table class="xxgk-meta"><tr><td>序号</td><td>权力类型</td><td>事项名称</td><td>实施依据</td></tr>\n'
            '<tr><td>1</td><td>行政处罚</td><td>对假冒专利行为的处罚</td><td>《中华人民共和国专利法》第六十八条</td></tr>\n'
            '<tr><td>2</td><td>行政裁决</td><td>专利侵权纠纷行政裁决</td><td>《中华人民共和国专利法》第六十五条</td></tr>\n'
            '<tr><td>3</td><td>行政检查</td><td>对专利代理机构的检查</td><td>《专利代理条例》第二十九条</td></tr>\n'
            '</table>\n<p>清单编码：330102197906152041。业务流水号：202605181380013800012。</p>')
    xls = "./P0%s310294857612.xls" % ymd(n)
    put(HOST, "/xxgk/qzqd/%s/P0%s310294857612.xls" % (ym(n), ymd(n)), ole("权责清单"))
    article(p, "权责清单", "/xxgk/qzqd/", "示范市知识产权局权责清单（{{year}}年版）", n, 3101, body,
            (("权责清单（{{year}}年版）.xls", xls),))
    alike("privacy_leak", p, "330102197906152041", "18 digits that fail the GB 11643 check digit")
    alike("privacy_leak", p, "202605181380013800012", "mobile-like 13800138000 inside a longer digit string")
    list_page("/xxgk/qzqd/index.html", "权责清单",
              [("示范市知识产权局权责清单（{{year}}年版）", "./%s/t%s_3101.html" % (ym(n), ymd(n)), n)])


def column_bszn():
    docs = [(16, 3202, "专利侵权纠纷行政裁决办事指南"),
            (64, 3201, "专利权质押登记办事指南")]
    items = []
    for n, docid, title in docs:
        p = art("/xxgk/bszn/", n, docid)
        items.append((title, "./%s/t%s_%d.html" % (ym(n), ymd(n), docid), n))
        body = paras("一、事项名称：%s" % title.replace("办事指南", ""),
                     "二、设定依据：《中华人民共和国专利法》", "三、受理条件：符合法定条件的申请人",
                     "四、申请材料：申请书、身份证明材料", "五、办理流程：申请—受理—审查—决定",
                     "六、办理时限：法定时限二十个工作日", "七、收费标准：不收费",
                     "八、咨询电话：<a href=\"tel:0571-87001234\">0571-87001234</a>")
        if docid == 3201:
            body += "\n" + paras("九、受理地点：示范市政务服务中心二楼知识产权窗口",
                                 "十、办公时间：工作日上午9:00-12:00，下午13:30-17:00")
            alike("guide_incomplete", p, "",
                  "every element, some by synonym (受理条件, 申请材料, 受理地点, 办公时间, 咨询电话)")
        if docid == 3202:
            plant("guide_incomplete", p, "",
                  "办事指南 column ([guide] column): no 办理地点 and no 办理时间 (办理时限 is a deadline)")
            body += "\n" + paras('在线办理：<a href="http://10.1.2.3/wsbs/apply.jsp?sxid=3202">网上办事大厅</a>')
            plant("wrong_link", p, "http://10.1.2.3/wsbs/apply.jsp?sxid=3202", "private-range IP literal (intranet)")
        article(p, "办事指南", "/xxgk/bszn/", title, n, docid, body)
    list_page("/xxgk/bszn/index.html", "办事指南", items)


def column_jytabl():
    docs = [(58, 3302, "对市十六届人大五次会议第0123号建议的答复"),
            (61, 3301, "对市政协十三届五次会议第0456号提案的答复")]
    items = []
    for n, docid, title in docs:
        p = art("/xxgk/jytabl/", n, docid)
        items.append((title, "./%s/t%s_%d.html" % (ym(n), ymd(n), docid), n))
        body = paras("您提出的关于加强知识产权保护的建议收悉，现答复如下：",
                     "一、我局高度重视知识产权保护工作，已建立快速协同保护机制。",
                     "二、下一步，我局将持续加强知识产权行政执法，完善纠纷多元化解机制。",
                     "感谢您对知识产权工作的关心和支持。")
        article(p, "建议提案办理", "/xxgk/jytabl/", title, n, docid, body)
    list_page("/xxgk/jytabl/index.html", "建议提案办理", items)


def column_ndbg():
    # Reports for {{year:-2}} and {{year:-3}} only: last year's (due 01-31) is missing.
    docs = [("{{year-1}}", "{{year:-1}}", "{{year:-2}}", 3402, "25"),
            ("{{year-2}}", "{{year:-2}}", "{{year:-3}}", 3401, "27")]
    items = []
    for pub_fs, pub, of, docid, day in docs:
        title = "示范市知识产权局%s年政府信息公开工作年度报告" % of
        p = "/xxgk/ndbg/%s01/t%s01%s_%d.html" % (pub_fs, pub_fs, day, docid)
        date = "%s-01-%s" % (pub, day)
        items.append((title, "./%s01/t%s01%s_%d.html" % (pub_fs, pub_fs, day, docid), date))
        body = paras("本报告根据《中华人民共和国政府信息公开条例》要求编制。",
                     "一、总体情况　二、主动公开政府信息情况　三、收到和处理政府信息公开申请情况　"
                     "四、政府信息公开行政复议、行政诉讼情况　五、存在的主要问题及改进情况　六、其他需要报告的事项")
        meta = [("ColumnName", "政府信息公开年报"), ("ColumnType", "政府信息公开年报"),
                ("ArticleTitle", title), ("PubDate", date + " 10:00")]
        html = head("%s_%s" % (title, SITE_NAME), "utf-8", meta) + header()
        html += crumbs(("政府信息公开", PORTAL), ("政府信息公开年报", "/xxgk/ndbg/"), ("正文", None))
        html += ('<div class="w"><div class="box article"><h1>%s</h1><div class="info">发布时间：%s</div>'
                 '<div class="content">\n%s\n</div></div></div>\n' % (title, date, body)) + footer()
        page(p, html)
    rows = "\n".join('<li><a href="%s" target="_blank">%s</a><span>%s</span></li>' % (h, t, dt)
                     for t, h, dt in items)
    html = head("政府信息公开年报_%s" % SITE_NAME, "utf-8", [("ColumnName", "政府信息公开年报")]) + header()
    html += crumbs(("政府信息公开", PORTAL), ("政府信息公开年报", None))
    html += ('<div class="w">\n' + xxgk_nav() + '<div class="xxgk-main"><div class="box"><h2>政府信息公开年报</h2>\n'
             '<ul class="list">\n%s\n</ul></div></div><div style="clear:both"></div></div>\n' % rows) + footer()
    page("/xxgk/ndbg/index.html", html)
    plant("item_missing", "/xxgk/ndbg/", "示范市知识产权局{{year:-1}}年政府信息公开工作年度报告",
          "last year's annual report not published (due 01-31; not raised before 02-01)")


def column_ysqgk():
    n = 120
    p = art("/xxgk/ysqgk/", n, 3501)
    form = "./P0%s102938475601.doc" % ymd(n)
    put(HOST, "/xxgk/ysqgk/%s/P0%s102938475601.doc" % (ym(n), ymd(n)), ole("政府信息公开申请表"))
    body = paras("申请人可通过以下方式提出政府信息公开申请：",
                 "1. 信函申请：邮寄至示范市人民路100号示范市知识产权局办公室（邮编310000），并在信封左下角注明“政府信息公开申请”字样。",
                 "2. 电子邮件：<a href=\"mailto:xxgk@demo-ipa.gov.cn?subject=政府信息公开申请\">xxgk@demo-ipa.gov.cn</a>",
                 "3. 当面申请：工作日到局办公室现场填写申请表。咨询电话：<a href=\"tel:0571-87001234\">0571-87001234</a>")
    article(p, "依申请公开", "/xxgk/ysqgk/", "政府信息公开申请流程", n, 3501, body,
            (("政府信息公开申请表.doc", form),))
    list_page("/xxgk/ysqgk/index.html", "依申请公开",
              [("政府信息公开申请流程", "./%s/t%s_3501.html" % (ym(n), ymd(n)), n)])


# ---------------------------------------------------------------- other pages

def misc():
    html = head("互动交流_%s" % SITE_NAME, "utf-8", [("ColumnName", "互动交流")]) + header()
    html += crumbs(("互动交流", None))
    html += ('<div class="w"><div class="box"><h2>联系我们</h2>\n'
             '<p>咨询投诉电话：<a href="tel:0571-87001234">0571-87001234</a></p>\n'
             '<p>电子邮箱：<a href="mailto:zscq@demo-ipa.gov.cn">zscq@demo-ipa.gov.cn</a></p>\n'
             '<p>通信地址：示范市人民路100号　邮编：310000</p>\n'
             '<p><a href="javascript:window.print()">打印本页</a>　<a href="javascript:history.back()">返回上一页</a></p>\n'
             '</div></div>\n') + footer()
    page("/hdjl/index.html", html.replace(
        '<p>通信地址', '<p><a href="/hdjl/lyb/">咨询留言</a>（网上咨询，10个工作日内答复）</p>\n<p>通信地址', 1))
    message_board()
    alike("broken_link", "/hdjl/", "javascript:window.print()", "javascript: print link")
    alike("broken_link", "/hdjl/", "javascript:history.back()", "javascript: back link")

    rows = ['<li><a href="/">首页</a></li>', '<li><a href="/zwdt/">新闻动态</a></li>',
            '<li><a href="/tzgg/">通知公告</a></li>', '<li><a href="/xxgk/">政府信息公开</a><ul>']
    rows += ['<li><a href="%s">%s</a></li>' % (h, n) for n, h in COLS + FDZD]
    rows += ["</ul></li>", '<li><a href="/hdjl/">互动交流</a></li>']
    html = head("网站地图_%s" % SITE_NAME, "utf-8", [("ColumnName", "网站地图")]) + header()
    html += crumbs(("网站地图", None))
    html += '<div class="w"><div class="box"><h2>网站地图</h2><ul>\n%s\n</ul></div></div>\n' % "\n".join(rows)
    html += footer()
    page("/wzdt/index.html", html)
    route("/wzdt/", "fail_first = 1", "fail_status = 429", 'fail_headers = { "retry-after" = "1" }')
    route("/wzdt/index.html", "fail_first = 1", "fail_status = 429", 'fail_headers = { "retry-after" = "1" }')
    alike("broken_link", "/", url("/wzdt/"), "first request answers 429 with Retry-After: 1, then 200")

    html = head("站内搜索_%s" % SITE_NAME, "utf-8", [("ColumnName", "站内搜索")]) + header()
    html += crumbs(("站内搜索", None))
    html += '<div class="w"><div class="box"><h2>站内搜索</h2><p>请输入检索词后再搜索。</p></div></div>\n' + footer()
    page("/search/index.html", html)


MESSAGES = [
    # (docid, title, asked days ago, replied days ago or None, status, reply text)
    (6003, "关于专利侵权纠纷投诉渠道的咨询", 120, None, "未回复", "暂未回复"),
    (6002, "关于商标注册证补发的咨询", 40, 35, "已回复", "请携带身份证明到窗口办理。"),
    (6001, "关于专利费减缴政策的咨询", 30, None, "处理中", "正在办理"),
]


def message_board():
    """咨询留言 ([interaction] link_text): a list with a header row, a detail page per message."""
    rows = []
    for docid, title, asked, replied, status, text in MESSAGES:
        p = art("/hdjl/lyb/", asked, docid)
        rows.append('<tr><td><a href="./%s/t%s_%d.html">%s</a></td><td>%s</td><td>%s</td><td>%s</td></tr>'
                    % (ym(asked), ymd(asked), docid, title, d(asked),
                       d(replied) if replied is not None else "", status))
        html = head("%s_%s" % (title, SITE_NAME), "utf-8", [("ColumnName", "咨询留言")]) + header()
        html += crumbs(("互动交流", "/hdjl/"), ("咨询留言", "/hdjl/lyb/"), ("正文", None))
        html += ('<div class="w"><div class="box article"><h1>%s</h1>\n'
                 '<p>来信时间：%s</p>\n<p>来信内容：请问%s的具体办理方式？</p>\n' % (title, d(asked), title[2:-3]))
        if replied is not None:
            html += '<p>答复时间：%s</p>\n' % d(replied)
        html += '<p>答复内容：%s</p>\n</div></div>\n' % text
        html += footer()
        page(p, html)
        if docid == 6003:
            plant("reply_overdue", p, "", "asked 120 days ago, still 未回复: more than 3 months")
        else:
            alike("reply_overdue", p, "",
                  "answered within days" if replied is not None else "处理中 for 30 days, under 3 months")
    html = head("咨询留言_%s" % SITE_NAME, "utf-8", [("ColumnName", "咨询留言")]) + header()
    html += crumbs(("互动交流", "/hdjl/"), ("咨询留言", None))
    html += ('<div class="w"><div class="box"><h2>咨询留言</h2>\n<table class="msg">\n'
             '<tr><th>留言主题</th><th>留言时间</th><th>回复时间</th><th>状态</th></tr>\n%s\n</table></div></div>\n'
             % "\n".join(rows)) + footer()
    page("/hdjl/lyb/index.html", html)


def external():
    page("/index.html", """<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>示范市人民政府门户网站</title></head>
<body><h1>示范市人民政府</h1>
<ul><li>政务要闻：示范市召开常务会议 %s</li><li>政府信息公开</li><li>政务服务</li></ul>
<p>主办：示范市人民政府办公厅</p>
</body></html>
""" % d(1), host=CITY)
    page("/index.html", """<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>示范市知识产权保护中心</title></head>
<body><h1>示范市知识产权保护中心</h1><p>网站改版中，原栏目地址已调整。</p></body></html>
""", host=FRIEND)
    page("/tuijian/index.html", """<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>企业推广服务</title></head>
<body><h1>企业推广服务</h1><p>网站建设、搜索优化、品牌推广。</p></body></html>
""", host=FRIEND)
    page("/qx/index.html", """<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>区县政府网站群</title></head>
<body><h1>示范市区县政府网站群</h1><ul><li>东城区</li><li>西城区</li></ul></body></html>
""", host=CITY)
    page("/index.html", """<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>皇冠体育 - 真人娱乐 百家乐 在线投注</title></head>
<body><h1>皇冠体育官方平台</h1>
<p>真人娱乐、百家乐、时时彩、六合彩，体育投注一站式服务。注册送彩金，首存送100%%！</p>
<p>老虎机、棋牌游戏平台 24小时在线。</p>
</body></html>
""", host=OLD)


# ---------------------------------------------------------------- write

def write():
    if os.path.isdir(ROOT):
        shutil.rmtree(ROOT)
    for rel, data in sorted(files.items()):
        p = os.path.join(ROOT, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data)
    for host, rs in routes.items():
        lines = ["# Behaviours of %s (see src/demo/routes.rs). Generated by src/demo/build_site.py." % host, ""]
        seen = set()
        for path, ls in rs:
            assert path not in seen, path
            seen.add(path)
            lines.append('["%s"]' % path)
            lines += ls
            lines.append("")
        with open(os.path.join(ROOT, host, "_routes.toml"), "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
    head_ = "# Generated by src/demo/build_site.py. Dates are placeholders (src/demo/template.rs).\n"
    for name, rows, what in (("EXPECTED.tsv", expected, "the findings a correct audit reports"),
                             ("LOOKALIKES.tsv", lookalikes, "planted look-alikes that must NOT be reported")):
        with open(os.path.join(ROOT, name), "w", encoding="utf-8") as f:
            f.write(head_ + "# %s\n" % what)
            f.write("kind\tpage\ttarget\tnote\n")
            for r in rows:
                f.write("\t".join(r) + "\n")


def main():
    assets()
    homepage()
    news()
    notices()
    portal()
    column_xxgkzn()
    column_xxgkzd()
    column_jgzn()
    column_zcwj()
    column_gfxwj()
    column_zcjd()
    column_ghjh()
    column_czyjs()
    column_sjsgk()
    column_qzqd()
    column_bszn()
    column_jytabl()
    column_ndbg()
    column_ysqgk()
    misc()
    external()
    write()
    pages = sum(1 for k in files if k.endswith(".html"))
    print("wrote %d files (%d pages), %d expected findings, %d look-alikes"
          % (len(files), pages, len(expected), len(lookalikes)))


if __name__ == "__main__":
    main()
