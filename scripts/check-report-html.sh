#!/usr/bin/env bash
# Opens a run's report.html in headless Chromium and checks that it renders:
# the verdict, the counts and the findings table must be in the DOM after the
# page's own script ran, with no network. Writes report.png (1400x2000) next to
# the report for a look.
#
#   scripts/check-report-html.sh RUN_DIR     # reports/<site>/<run-id>
#   scripts/check-report-html.sh             # builds a sample run first (cargo test, no network)
#
# Installs Debian's chromium (and a CJK font) when missing. Exit 0 when every
# check passes, 1 when one fails, 2 on bad usage.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
run_dir="${1:-}"
sample=0
if [ -z "$run_dir" ]; then
  sample=1
  root="$(mktemp -d)"
  echo "building a sample run under $root" >&2
  (cd "$here" && ZWGK_SAMPLE_DIR="$root" ZWGK_SAMPLE_LANG="${ZWGK_SAMPLE_LANG:-zh}" cargo test --quiet --lib \
    report::html::tests::sample_report_for_browser_check -- --ignored --exact >/dev/null)
  run_dir="$root/reports/example/20261127-031500"
fi
if [ ! -d "$run_dir" ]; then
  echo "usage: $0 [RUN_DIR]  ($run_dir is not a folder)" >&2
  exit 2
fi
run_dir="$(cd "$run_dir" && pwd)"
report="$run_dir/report.html"
if [ ! -f "$report" ]; then
  echo "$report: missing (run \`zwgk-audit report $run_dir\` first)" >&2
  exit 2
fi

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

chrome="$(command -v chromium || command -v chromium-browser || true)"
need=()
[ -n "$chrome" ] || need+=(chromium)
fc-list :lang=zh 2>/dev/null | grep -q . || need+=(fonts-noto-cjk)
if [ "${#need[@]}" -gt 0 ]; then
  echo "installing ${need[*]}" >&2
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${need[@]}" >/dev/null
  chrome="$(command -v chromium || command -v chromium-browser)"
fi

profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
  --disable-background-networking --disable-component-update --disable-sync
  --user-data-dir="$profile")

dump() { # URL fragment
  timeout 120 "$chrome" "${flags[@]}" --dump-dom "file://$report$1" 2>/dev/null
}
dom="$(dump '')"

fail=0
check() { # description, extended regex[, dom]
  if grep -Eq -- "$2" <<<"${3:-$dom}"; then
    echo "ok   $1"
  else
    echo "FAIL $1 (no match for $2)"
    fail=1
  fi
}
check "page script ran"           'data-ready="1"'
check "verdict section"           'id="verdict"'
check "verdict badge"             'id="verdict-badge">(合格|不合格|未评定|pass|fail|not rated|no verdict)<'
check "veto table"                'id="veto-table"'
check "veto states"               'data-state="(ok|warning|veto|unchecked)"'
check "counts section"            'id="counts"'
check "total count"               'id="count-total">[0-9]+<'
check "counts per kind"           'id="kind-table"'
check "findings table"            'id="findings-table"'
check "findings table has a header" '<table class="sortable" id="findings-table"><thead><tr><th>'
if grep -Eq '<(script|link|img|iframe)[^>]+(src|href)="(https?:)?//' <<<"$dom"; then
  echo "FAIL the page loads an external resource"
  fail=1
else
  echo "ok   no external resource"
fi
check "text filter hides rows"    'id="filter-count">0<' "$(dump '#q=zz-no-such-text-zz')"

# The first data row of the findings table in a DOM.
first_row() { perl -0777 -ne 'print $1 if /id="findings-table".*?<tbody>\s*(<tr.*?<\/tr>)/s'; }
if [ "$sample" = 1 ]; then
  # The sample run: 6 groups, one soft_404; the 300-page image first, last when sorted by pages ascending.
  check "sample: kind filter"       'id="filter-count">1<' "$(dump '#kind=soft_404')"
  check "sample: default order"     'logo_old\.png' "$(dom_first=$(first_row <<<"$dom"); echo "$dom_first")"
  sorted="$(dump '#sort=6' | first_row)"
  if grep -q 'logo_old\.png' <<<"$sorted" || [ -z "$sorted" ]; then
    echo "FAIL sample: sorting by pages ascending"
    fail=1
  else
    echo "ok   sample: sorting by pages ascending"
  fi
  check "sample: escaped script"    '&lt;script&gt;alert'
  if grep -q '<script>alert' <<<"$dom"; then echo "FAIL sample: site script in the DOM"; fail=1; fi
fi

png="$run_dir/report.png"
timeout 120 "$chrome" "${flags[@]}" --hide-scrollbars --window-size=1400,2000 \
  --screenshot="$png" "file://$report" >/dev/null 2>&1 || true
if [ -s "$png" ]; then
  echo "ok   screenshot $png"
else
  echo "FAIL no screenshot written"
  fail=1
fi
exit "$fail"
