#!/usr/bin/env bash
# Load benchmark of the public page, in one run, side by side, for both log
# configurations: the default (TWINCMS_LOG_LEVEL unset: info, one access-log
# line per request, written to a file as the command writes stderr) and
# TWINCMS_LOG_LEVEL=error (no access log). For each configuration:
#   1. Fiber serving the page's bytes as a static response (baseline), and its 304 to If-None-Match
#   2. GET /api/v1/public/pages/pobratene-obcine?locale=en (18 signed links, localized)
#   3. the same with If-None-Match (304 revalidation)
#   4. one of its file links (/api/v1/public/files/…: signature and snapshot check, 302 to a
#      freshly presigned object-store URL)
# Each configuration gets its own twincms and its own static baseline, measured just before it,
# so a ratio compares rows measured back to back. 64 connections each, with wrk
# (apt-get install wrk). Usage: bench/public-load.sh [seconds]
# Besides req/s and p99 it prints the CPU time the serving process spent per request (user+system
# from /proc, so the kernel's network and file work counts too): on a machine shared with other
# work the req/s ratio follows the scheduler, while the CPU per request is the server's own cost.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
go build -o "$work/twincms" ./cmd/twincms
go build -o "$work/static" ./internal/bench/static

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
  echo "$1 $rps $p99 $us $n"
}

# measure LEVEL: starts twincms at LEVEL ("" is the default) and its static
# twin, measures the five rows, stops both and prints the table.
measure() {
  local level=$1 name=${1:-info} dir="$work/${1:-info}"
  mkdir -p "$dir"
  # stderr (the log) goes to a file, as under a supervisor: every line is really written.
  env TWINCMS_DATA_DIR="$dir/data" TWINCMS_ADDR=127.0.0.1:18180 TWINCMS_S3_ADDR=127.0.0.1:18433 \
    ${level:+TWINCMS_LOG_LEVEL=$level} TWINCMS_BOOTSTRAP_TOKEN=bench-token-0123456789 \
    "$work/twincms" >/dev/null 2>"$dir/log" &
  local twincms_pid=$!
  for _ in $(seq 200); do curl -fs http://127.0.0.1:18180/readyz >/dev/null && break; sleep 0.1; done
  local page="http://127.0.0.1:18180/api/v1/public/pages/pobratene-obcine?locale=en"
  curl -fs -D "$dir/headers" -o "$dir/page.json" "$page"
  local etag
  etag=$(grep -i '^etag:' "$dir/headers" | cut -d' ' -f2 | tr -d '\r')
  "$work/static" -addr 127.0.0.1:18181 -body "$dir/page.json" -etag "$etag" &
  local static_pid=$!
  sleep 0.5
  local link
  link=$(grep -o '"url":"/api/v1/public/files/[^"]*"' "$dir/page.json" | head -1 | cut -d'"' -f4 | sed 's/\\u0026/\&/g')
  local lines0 rows=()
  lines0=$(grep -c 'msg=request' "$dir/log" || true)
  rows+=("$(run static "$static_pid" "http://127.0.0.1:18181/")")
  rows+=("$(run static304 "$static_pid" "http://127.0.0.1:18181/" "If-None-Match: $etag")")
  rows+=("$(run page "$twincms_pid" "$page")")
  rows+=("$(run 304 "$twincms_pid" "$page" "If-None-Match: $etag")")
  rows+=("$(run link "$twincms_pid" "http://127.0.0.1:18180$link")")
  local code requests
  code=$(curl -s -o /dev/null -w "%{http_code}" "http://127.0.0.1:18180$link")
  kill "$twincms_pid" "$static_pid"
  wait "$twincms_pid" "$static_pid" 2>/dev/null || true
  requests=0
  for line in "${rows[@]:2}"; do requests=$((requests + $(echo "$line" | cut -d' ' -f5))); done
  echo
  echo "== log level ${name}: page body $(wc -c <"$dir/page.json") bytes, $(grep -o '"url"' "$dir/page.json" | wc -l) signed links," \
    "file link answers $code; access-log lines written during the run: $(( $(grep -c 'msg=request' "$dir/log" || true) - lines0 ))" \
    "for $requests requests ($(wc -c <"$dir/log") bytes of log)"
  # Each twincms row is compared with its static twin: the page and the link
  # with static's 200, the 304 with static's 304. cpu ratio is static's CPU
  # per request over this row's (1.00 = as cheap as static).
  printf '%-9s %12s %10s %14s %12s %10s\n' path req/s p99 "ratio/static" "cpu µs/req" "cpu ratio"
  for line in "${rows[@]}"; do
    set -- $line
    local base=${rows[0]}
    case $1 in static304|304) base=${rows[1]} ;; esac
    local ratio cpuratio
    ratio=$(awk -v a="$2" -v b="$(echo "$base" | cut -d' ' -f2)" 'BEGIN {printf "%.2f", a/b}')
    cpuratio=$(awk -v a="$4" -v b="$(echo "$base" | cut -d' ' -f4)" 'BEGIN {printf "%.2f", b/a}')
    printf '%-9s %12s %10s %14s %12s %10s\n' "$1" "$2" "$3" "$ratio" "$4" "$cpuratio"
  done
}

measure ""    # the default: access log on, at info
measure error # access log off
