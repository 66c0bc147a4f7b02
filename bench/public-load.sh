#!/usr/bin/env bash
# Load benchmark of the public page, in one run, side by side:
#   1. Fiber serving the page's bytes as a static response (baseline), and its 304 to If-None-Match
#   2. GET /api/v1/public/pages/pobratene-obcine?locale=en (18 signed links, localized)
#   3. the same with If-None-Match (304 revalidation)
#   4. one of its file links (/api/v1/public/files/…: signature and snapshot check, 302 to a
#      freshly presigned object-store URL)
# 64 connections each, with wrk (apt-get install wrk). Usage: bench/public-load.sh [seconds]
# Besides req/s and p99 it prints the CPU time the serving process spent per request (user+system
# from /proc, so the kernel's network work counts too): on a machine shared with other work the
# req/s ratio follows the scheduler, while the CPU per request is the server's own cost.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
go build -o "$work/twincms" ./cmd/twincms
go build -o "$work/static" ./internal/bench/static

TWINCMS_DATA_DIR="$work/data" TWINCMS_ADDR=127.0.0.1:18180 TWINCMS_S3_ADDR=127.0.0.1:18433 \
  TWINCMS_LOG_LEVEL=error TWINCMS_BOOTSTRAP_TOKEN=bench-token-0123456789 "$work/twincms" >/dev/null 2>"$work/log" &
twincms_pid=$!
for _ in $(seq 100); do curl -fs http://127.0.0.1:18180/readyz >/dev/null && break; sleep 0.1; done
page="http://127.0.0.1:18180/api/v1/public/pages/pobratene-obcine?locale=en"
curl -fs -D "$work/headers" -o "$work/page.json" "$page"
etag=$(grep -i '^etag:' "$work/headers" | cut -d' ' -f2 | tr -d '\r')
"$work/static" -addr 127.0.0.1:18181 -body "$work/page.json" -etag "$etag" &
static_pid=$!
sleep 0.5
echo "page body: $(wc -c <"$work/page.json") bytes, $(grep -o '"url"' "$work/page.json" | wc -l) signed links, ETag $etag"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # utime + stime of a process
run() { # name pid url [header]
  local out before after
  before=$(cpu_ticks "$2")
  if [ $# -gt 3 ]; then out=$(wrk -t2 -c64 -d"${secs}s" --latency -H "$4" "$3"); else out=$(wrk -t2 -c64 -d"${secs}s" --latency "$3"); fi
  after=$(cpu_ticks "$2")
  local rps p99 n us
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  n=$(echo "$out" | awk '/requests in/ {print $1}')
  us=$(awk -v t="$((after - before))" -v hz="$(getconf CLK_TCK)" -v n="$n" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}')
  echo "$1 $rps $p99 $us"
}
static=$(run static "$static_pid" "http://127.0.0.1:18181/")
static304=$(run static304 "$static_pid" "http://127.0.0.1:18181/" "If-None-Match: $etag")
full=$(run page "$twincms_pid" "$page")
revalidate=$(run 304 "$twincms_pid" "$page" "If-None-Match: $etag")
link=$(grep -o '"url":"/api/v1/public/files/[^"]*"' "$work/page.json" | head -1 | cut -d'"' -f4 | sed 's/\\u0026/\&/g')
filelink=$(run link "$twincms_pid" "http://127.0.0.1:18180$link")
echo "file link answers $(curl -s -o /dev/null -w "%{http_code}" "http://127.0.0.1:18180$link")"
echo
# Each twincms row is compared with its static twin: the page and the link
# with static's 200, the 304 with static's 304. cpu ratio is static's CPU
# per request over this row's (1.00 = as cheap as static).
printf '%-9s %12s %10s %14s %12s %10s\n' path req/s p99 "ratio/static" "cpu µs/req" "cpu ratio"
for line in "$static" "$static304" "$full" "$revalidate" "$filelink"; do
  set -- $line
  base=$static
  case $1 in static304|304) base=$static304 ;; esac
  ratio=$(awk -v a="$2" -v b="$(echo "$base" | cut -d' ' -f2)" 'BEGIN {printf "%.2f", a/b}')
  cpuratio=$(awk -v a="$4" -v b="$(echo "$base" | cut -d' ' -f4)" 'BEGIN {printf "%.2f", b/a}')
  printf '%-9s %12s %10s %14s %12s %10s\n' "$1" "$2" "$3" "$ratio" "$4" "$cpuratio"
done
