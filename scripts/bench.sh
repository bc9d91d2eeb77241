#!/usr/bin/env bash
# Crawl benchmark: a government-shaped static site (shared/bench/gensite.py)
# served by nginx on 127.0.0.1, crawled by a release build of zwgk-audit.
#
#   scripts/bench.sh [PAGES]          # default 20000
#   BENCH_DIR=/tmp/zb scripts/bench.sh 100000
#   BENCH_PORT=8088 scripts/bench.sh  # a fixed port (default: a free one)
#   LYCHEE=1 scripts/bench.sh         # also run lychee on the page list, if installed
#
# Settings (environment):
#   BENCH_DIR   work folder (sites, nginx prefix, runs); default /tmp/zwgk-bench
#   BENCH_PORT  nginx port on 127.0.0.1; default a free port picked at start
#               (the status port of nginx.conf is another free port)
#   SHARED      the shared folder; default shared/ beside the repository's
#               main checkout (found through `git rev-parse --git-common-dir`,
#               so it resolves from any worktree), else ../shared
#   GENSITE     the site generator; default $SHARED/bench/gensite.py
#   NGINX_CONF  the nginx configuration; default $SHARED/bench/nginx.conf
#               (its listen ports 8088 and 8089 are replaced by the ports above)
#
# Prints wall time, CPU time, peak RSS, pages/s, links checked/s, and whether
# every planted broken link (<site>.meta/broken.tsv) was found. Installs nginx
# from the distribution's packages if missing. Talks to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
PAGES=${1:-20000}
WORK=${BENCH_DIR:-/tmp/zwgk-bench}
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
PORT=${BENCH_PORT:-$(free_port)}
STATUS_PORT=$(free_port)
while [ "$STATUS_PORT" = "$PORT" ]; do STATUS_PORT=$(free_port); done
if [ -z "${SHARED:-}" ]; then
  COMMON=$(git rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)
  if [ -n "$COMMON" ] && [ -d "$(dirname "$COMMON")/../shared" ]; then
    SHARED=$(cd "$(dirname "$COMMON")/../shared" && pwd)
  else
    SHARED=../shared
  fi
fi
GENSITE=${GENSITE:-$SHARED/bench/gensite.py}
CONF=${NGINX_CONF:-$SHARED/bench/nginx.conf}
for f in "$GENSITE" "$CONF"; do
  [ -f "$f" ] || { echo "bench.sh: $f not found (set SHARED, GENSITE or NGINX_CONF)" >&2; exit 2; }
done
BASE="http://127.0.0.1:$PORT"
SITE="$WORK/site-$PAGES"
OUT="$WORK/run-$PAGES"
mkdir -p "$WORK"

if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  echo "installing nginx ..." >&2
  apt-get update -qq && apt-get install -y -qq nginx-light >/dev/null 2>&1 || apt-get install -y -qq nginx >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x /usr/bin/time ] || { apt-get install -y -qq time >/dev/null; }

if [ ! -f "$SITE.meta/stats.json" ]; then
  echo "generating $PAGES pages into $SITE ..." >&2
  python3 "$GENSITE" --pages "$PAGES" --out "$SITE" >/dev/null
fi

PREFIX="$WORK/nginx"
mkdir -p "$PREFIX/logs" "$PREFIX/tmp"
ln -sfn "$SITE" "$PREFIX/site"
sed -e "s/127\.0\.0\.1:8088/127.0.0.1:$PORT/; s/127\.0\.0\.1:8089/127.0.0.1:$STATUS_PORT/" "$CONF" >"$PREFIX/nginx.conf"
"$NGINX" -c "$PREFIX/nginx.conf" -p "$PREFIX/" -e logs/error.log &
NGINX_PID=$!
trap 'kill $NGINX_PID 2>/dev/null || true; wait $NGINX_PID 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -fsS -o /dev/null "$BASE/" 2>/dev/null && break
  sleep 0.1
done

cargo build --release --quiet
rm -rf "$OUT"
TIMES="$WORK/time-$PAGES.txt"
set +e
/usr/bin/time -v target/release/zwgk-audit crawl "$BASE/" \
  --max-concurrency 32 --host-concurrency 32 --host-interval 0 \
  --max-pages 1000000 --quiet --out "$OUT" --lang en 2>"$TIMES" >/dev/null
CODE=$?
set -e
[ "$CODE" -le 1 ] || { echo "zwgk-audit failed with exit code $CODE"; tail -20 "$TIMES"; exit 1; }

python3 - "$TIMES" "$OUT" "$SITE.meta" "$PAGES" "$BASE" <<'PY'
import csv, json, re, sys, os, datetime
times, out, meta, pages_wanted, base = sys.argv[1:6]
t = open(times, encoding="utf-8", errors="replace").read()
def grab(label):
    m = re.search(re.escape(label) + r":\s*(.+)", t)
    return m.group(1).strip() if m else "?"
wall = grab("Elapsed (wall clock) time (h:mm:ss or m:ss)")
parts = [float(x) for x in wall.split(":")]
secs = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
cpu = float(grab("User time (seconds)")) + float(grab("System time (seconds)"))
rss_mb = int(grab("Maximum resident set size (kbytes)")) / 1024
def rows(name):
    with open(os.path.join(out, name), encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))
pages = rows("pages.csv")
links = rows("links.csv")
findings = rows("findings.csv")
broken = {(f["page_url"].split(base, 1)[-1], f["target_url"].split(base, 1)[-1])
          for f in findings if f["kind"] == "broken_link"}
planted = [tuple(l.rstrip("\n").split("\t")) for l in open(os.path.join(meta, "broken.tsv"), encoding="utf-8") if l.strip()]
found = sum(1 for p in planted if p in broken)
expected_pages = sum(1 for _ in open(os.path.join(meta, "urls.txt"), encoding="utf-8"))
ok_pages = sum(1 for p in pages if p["http_status"] == "200")
checked = len({l["target_url"] for l in links})
print(f"date           {datetime.date.today()}  cores {os.cpu_count()}")
print(f"pages          {ok_pages} crawled / {expected_pages} in the site")
print(f"links          {len(links)} occurrences, {checked} unique targets")
print(f"wall           {secs:.1f} s")
print(f"cpu            {cpu:.1f} s ({cpu / max(ok_pages, 1) * 1e3:.2f} ms a page)")
print(f"peak RSS       {rss_mb:.0f} MB")
print(f"pages/s        {ok_pages / secs:.0f}")
print(f"links/s        {len(links) / secs:.0f} occurrences, {checked / secs:.0f} unique")
print(f"planted broken {found}/{len(planted)} found")
print(f"findings       {len(findings)} ({len(broken)} broken_link)")
PY

if [ "${LYCHEE:-0}" = 1 ] && command -v lychee >/dev/null; then
  sed "s#^#$BASE#" "$SITE.meta/urls.txt" > "$WORK/urls-$PAGES.txt"
  /usr/bin/time -v lychee --no-progress --max-concurrency 32 --host-concurrency 32 --host-request-interval 0ms \
    --files-from "$WORK/urls-$PAGES.txt" >/dev/null 2>"$WORK/lychee-$PAGES.txt" || true
  echo "lychee: $(grep -E 'Elapsed|Maximum resident' "$WORK/lychee-$PAGES.txt" | tr -s ' ' | tr '\n' ' ')"
fi
