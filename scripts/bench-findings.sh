#!/usr/bin/env bash
# Memory benchmark for runs with many findings and many anchors (issue 19,
# item 7): a generated site of PAGES pages, each with PER_PAGE wrong links
# (private-address links: findings without a request) and ANCHORS `<a name>`
# anchors, plus fragment links that point backwards and forwards (to pages
# crawled before and after the link is seen), some to missing anchors. It is
# served by nginx on 127.0.0.1:PORT and crawled twice by a release build (the
# second run also diffs against the first).
#
#   scripts/bench-findings.sh                 # 2000 pages x 50 = 100,000 findings
#   PAGES=4000 ANCHORS=20000 scripts/bench-findings.sh
#   CONCURRENCY=2 scripts/bench-findings.sh   # fewer pages parsed at once: the
#                                             # findings and anchors stand out
#
# Prints, per run: wall time, peak RSS, findings, missing_anchor findings.
# Installs nginx from the distribution's packages if missing. Talks to
# 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
PAGES=${PAGES:-2000}
PER_PAGE=${PER_PAGE:-50}
ANCHORS=${ANCHORS:-10000}
PORT=${PORT:-8091}
CONCURRENCY=${CONCURRENCY:-16}
WORK=${BENCH_DIR:-/tmp/zwgk-bench-findings}
SITE="$WORK/site-$PAGES-$PER_PAGE-$ANCHORS"
mkdir -p "$WORK"

if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  echo "installing nginx ..." >&2
  apt-get update -qq && apt-get install -y -qq nginx-light >/dev/null 2>&1 || apt-get install -y -qq nginx >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x /usr/bin/time ] || { apt-get install -y -qq time >/dev/null; }

if [ ! -f "$SITE/index.html" ]; then
  echo "generating $PAGES pages into $SITE ..." >&2
  python3 - "$SITE" "$PAGES" "$PER_PAGE" "$ANCHORS" <<'PY'
import os, sys
site, pages, per_page, anchors = sys.argv[1], *map(int, sys.argv[2:5])
os.makedirs(os.path.join(site, "xxgk"), exist_ok=True)
def page(title, body):
    return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
            f'<title>{title}</title></head>\n<body>\n{body}\n</body></html>\n')
items = "\n".join(f'<li><a href="/xxgk/{i}.html">政府信息公开目录第 {i} 条</a> <span>2026-05-{1 + i % 25:02d}</span></li>'
                  for i in range(pages))
open(os.path.join(site, "index.html"), "w", encoding="utf-8").write(
    page("基准测试局", f"<h1>政府信息公开</h1>\n<ul>\n{items}\n</ul>"))
names = "\n".join(f'<a name="s{k}"></a><p>第 {k} 节</p>' for k in range(anchors))
for i in range(pages):
    wrong = "\n".join(
        f'<li><a href="http://192.168.{i % 250}.{j % 250}/oa/{i}-{j}.html">内网文件 {i}-{j}</a></li>'
        for j in range(per_page))
    frag = ""
    if i % 20 == 0:
        back, fwd = (i - 7) % pages, (i + 7) % pages
        frag = (f'<p><a href="/xxgk/{back}.html#s{anchors // 2}">上文第 {anchors // 2} 节</a>'
                f' <a href="/xxgk/{fwd}.html#s3">下文第 3 节</a>'
                f' <a href="/xxgk/{fwd}.html#gone-{i}">已删除的一节</a></p>')
    open(os.path.join(site, "xxgk", f"{i}.html"), "w", encoding="utf-8").write(
        page(f"政府信息公开目录第 {i} 条", f"<h1>第 {i} 条</h1>\n{frag}\n<ul>\n{wrong}\n</ul>\n{names}"))
PY
fi

PREFIX="$WORK/nginx"
mkdir -p "$PREFIX/logs" "$PREFIX/tmp"
ln -sfn "$SITE" "$PREFIX/site"
cat >"$PREFIX/nginx.conf" <<EOF
worker_processes 2;
daemon off;
pid nginx.pid;
error_log logs/error.log warn;
events { worker_connections 1024; }
http {
    types { text/html html; }
    default_type application/octet-stream;
    charset utf-8;
    access_log off;
    sendfile on;
    keepalive_requests 1000000;
    client_body_temp_path tmp/client_body;
    proxy_temp_path tmp/proxy;
    fastcgi_temp_path tmp/fastcgi;
    uwsgi_temp_path tmp/uwsgi;
    scgi_temp_path tmp/scgi;
    server { listen 127.0.0.1:$PORT; root site; index index.html; }
}
EOF
"$NGINX" -c "$PREFIX/nginx.conf" -p "$PREFIX/" -e logs/error.log &
NGINX_PID=$!
trap 'kill $NGINX_PID 2>/dev/null || true; wait $NGINX_PID 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/" 2>/dev/null && break
  sleep 0.1
done

cargo build --release --quiet
rm -rf "$WORK/reports" "$WORK"/run-*
for n in 1 2; do
  OUT="$WORK/run-$n"
  TIMES="$WORK/time-$n.txt"
  set +e
  /usr/bin/time -v target/release/zwgk-audit crawl "http://127.0.0.1:$PORT/" \
    --max-concurrency "$CONCURRENCY" --host-concurrency "$CONCURRENCY" --host-interval 0 \
    --quiet --reports "$WORK/reports" --out "$OUT" --lang en 2>"$TIMES" >/dev/null
  CODE=$?
  set -e
  [ "$CODE" -le 1 ] || { echo "zwgk-audit failed with exit code $CODE"; tail -20 "$TIMES"; exit 1; }
  python3 - "$TIMES" "$OUT" "$n" <<'PY'
import csv, json, re, sys, os
times, out, n = sys.argv[1:4]
t = open(times, encoding="utf-8", errors="replace").read()
def grab(label):
    m = re.search(re.escape(label) + r":\s*(.+)", t)
    return m.group(1).strip() if m else "?"
wall = grab("Elapsed (wall clock) time (h:mm:ss or m:ss)")
secs = sum(float(p) * 60 ** i for i, p in enumerate(reversed(wall.split(":"))))
rss_mb = int(grab("Maximum resident set size (kbytes)")) / 1024
kinds = {}
with open(os.path.join(out, "findings.csv"), encoding="utf-8-sig", newline="") as f:
    for r in csv.DictReader(f):
        kinds[r["kind"]] = kinds.get(r["kind"], 0) + 1
s = json.load(open(os.path.join(out, "summary.json"), encoding="utf-8"))
diff = s.get("diff") or {}
print(f"run {n}: wall {secs:.1f} s, peak RSS {rss_mb:.0f} MB, pages {s['pages']}, "
      f"findings {sum(kinds.values())} (wrong_link {kinds.get('wrong_link', 0)}, "
      f"missing_anchor {kinds.get('missing_anchor', 0)}), "
      f"diff new {diff.get('new', '-')} open {diff.get('open', '-')}, "
      f"report.html {os.path.getsize(os.path.join(out, 'report.html')) // 1024} KB")
PY
done
