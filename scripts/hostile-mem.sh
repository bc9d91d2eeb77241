#!/usr/bin/env bash
# Peak memory of a crawl of a hostile site (issue 15): four virtual hosts on
# loopback, each serving at the same time four 10 MB pages, a gzip bomb
# (256 MiB inflated), 100,000 nested <div>s, 100,000 unclosed <div>s and a
# page of 10,000 links (to 100 pages), crawled with the default [crawl] limits (16 requests in
# flight, 4 per host, 10 MiB per page).
#
#   scripts/hostile-mem.sh            # prints wall time, CPU and peak RSS
#   HOSTILE_DIR=/tmp/zh scripts/hostile-mem.sh
#   HOSTILE_CRAWL='body_budget_bytes = 16777216' scripts/hostile-mem.sh   # [crawl] keys
#   scripts/hostile-mem.sh --max-concurrency 32                         # crawl flags
#
# The site is written by this script (python3), served by
# `examples/serve_site.rs` (the fixture server of the tests), and crawled by
# a release build under /usr/bin/time -v. Talks to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${HOSTILE_DIR:-/tmp/zwgk-hostile-mem}
SITE="$WORK/site"
OUT="$WORK/run"
HOSTS="h1.hostile.gov.cn h2.hostile.gov.cn h3.hostile.gov.cn h4.hostile.gov.cn"
mkdir -p "$WORK"
[ -x /usr/bin/time ] || { apt-get install -y -qq time >/dev/null; }

if [ ! -f "$SITE/.done" ]; then
  echo "writing the hostile site into $SITE ..." >&2
  rm -rf "$SITE"
  python3 - "$SITE" $HOSTS <<'PY'
import os, sys
root, hosts = sys.argv[1], sys.argv[2:]
head = '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>%s</title></head><body>\n'
def write(rel, text):
    p = os.path.join(root, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w", encoding="utf-8") as f:
        f.write(text)
for h in hosts:
    links = ['<a href="/big%d.html">大页面%d</a>' % (i, i) for i in range(1, 5)]
    links += ['<a href="/bomb.html">压缩炸弹</a>', '<a href="/nest.html">深层嵌套</a>',
              '<a href="/unclosed.html">未闭合</a>', '<a href="/many.html">一万个链接</a>']
    links += ['<a href="http://%s/">%s</a>' % (o, o) for o in hosts if o != h]
    write(h + "/index.html", head % ("敌意站点 " + h) + "<br>\n".join(links) + "\n</body></html>\n")
    write(h + "/_routes.toml", "".join(
        '["/big%d.html"]\nbytes = 10485760\n\n' % i for i in range(1, 5)) + '["/bomb.html"]\ngzip_bomb = true\n')
    write(h + "/nest.html", head % "nest" + "<div>" * 100000 + '<a href="/index.html">深处</a>'
          + "</div>" * 100000 + "\n</body></html>\n")
    write(h + "/unclosed.html", head % "unclosed" + "<div>" * 100000 + '<a href="/index.html">底部</a>\n</body></html>\n')
    write(h + "/many.html", head % "many" + "\n".join(
        '<li><a href="/many/page.html?id=%d">第%d条</a></li>' % (i % 100, i) for i in range(1, 10001)) + "\n</body></html>\n")
    write(h + "/many/page.html", head % "条目" + "<p>条目</p></body></html>\n")
open(os.path.join(root, ".done"), "w").close()
PY
fi

cargo build --release --quiet --example serve_site
cargo build --release --quiet
target/release/examples/serve_site "$SITE" >"$WORK/port" &
SERVER=$!
trap 'kill -INT $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$WORK/port" ] && break; sleep 0.1; done
PORT=$(head -1 "$WORK/port")
# The server builds its gzip bomb on the first request (seconds of its CPU, not ours).
curl -fsS -o /dev/null -H 'Host: h1.hostile.gov.cn' "http://127.0.0.1:$PORT/bomb.html"

RESOLVE=()
OWN=""
for h in $HOSTS; do
  RESOLVE+=(--connect-to "$h:80:127.0.0.1:$PORT")
  OWN="$OWN\"$h\", "
done
cat >"$WORK/rules.toml" <<TOML
[site]
name = "敌意测试站"
id = "hostile-mem"
start_urls = ["http://h1.hostile.gov.cn/"]
own_hosts = [${OWN%, }]
[crawl]
${HOSTILE_CRAWL:-}
TOML

rm -rf "$OUT"
TIMES="$WORK/time.txt"
set +e
/usr/bin/time -v target/release/zwgk-audit crawl --rules "$WORK/rules.toml" "${RESOLVE[@]}" \
  --quiet --out "$OUT" --lang en --reports "$WORK/reports" "$@" 2>"$TIMES" >"$WORK/stdout.txt"
CODE=$?
set -e
[ "$CODE" -le 1 ] || { echo "zwgk-audit failed with exit code $CODE"; tail -20 "$TIMES"; exit 1; }
grep -E '^  !' "$WORK/stdout.txt" || true
python3 - "$TIMES" "$OUT" <<'PY'
import csv, re, sys, os
times, out = sys.argv[1:3]
t = open(times, encoding="utf-8", errors="replace").read()
def grab(label):
    m = re.search(re.escape(label) + r":\s*(.+)", t)
    return m.group(1).strip() if m else "?"
wall = grab("Elapsed (wall clock) time (h:mm:ss or m:ss)")
secs = sum(float(p) * 60 ** i for i, p in enumerate(reversed(wall.split(":"))))
cpu = float(grab("User time (seconds)")) + float(grab("System time (seconds)"))
with open(os.path.join(out, "pages.csv"), encoding="utf-8-sig", newline="") as f:
    pages = list(csv.DictReader(f))
print(f"load           {open('/proc/loadavg').read().split()[0]} (1 min)  cores {os.cpu_count()}")
print(f"pages          {len(pages)} ({sum(1 for p in pages if p['bytes'] == '10485760')} cut at 10 MiB)")
print(f"wall           {secs:.1f} s")
print(f"cpu            {cpu:.1f} s")
print(f"peak RSS       {int(grab('Maximum resident set size (kbytes)')) / 1024:.0f} MB")
PY
