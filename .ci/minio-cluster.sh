#!/usr/bin/env bash
# A 4-node MinIO cluster (2 drives each, erasure coded) on loopback for
# the integration tests. State, logs and pid files live in DIR.
#
#   minio-cluster.sh start DIR        start all nodes, wait until writable
#   minio-cluster.sh stop-node DIR N  kill node N (1..4) like a crash
#   minio-cluster.sh start-node DIR N start node N again
#   minio-cluster.sh stop DIR         stop every node
#   minio-cluster.sh add-user DIR USER SECRET
#                                     a user limited by .ci/minio-policy.json
#                                     (buckets twincms-test-*), made with mc
#
# On these machines MinIO needs MINIO_CI_CD=1 (else it refuses drives on
# the root disk) and _MINIO_SERVER_LOCAL=127.0.0.1:PORT per node (else it
# waits for ever, taking loopback for a container's localhost); every
# endpoint is listed explicitly (the {1...4} form makes host × path).
set -euo pipefail
cmd=${1:?usage: minio-cluster.sh start|stop|stop-node|start-node DIR [N]}
dir=${2:?DIR}
MINIO=${MINIO:-$(go env GOPATH)/bin/minio}
MC=${MC:-$(go env GOPATH)/bin/mc}
export MC_CONFIG_DIR="$dir/mc"
BASE_PORT=${MINIO_BASE_PORT:-19100}
export MINIO_ROOT_USER=${MINIO_ROOT_USER:-ci-root}
export MINIO_ROOT_PASSWORD=${MINIO_ROOT_PASSWORD:-ci-root-secret-0123456789}
mkdir -p "$dir"

port() { echo $((BASE_PORT + $1)); }
endpoints() {
  local n d
  for n in 1 2 3 4; do for d in 1 2; do
    printf 'http://127.0.0.1:%s%s/node%s/drive%s ' "$(port "$n")" "$dir" "$n" "$d"
  done; done
}

start_node() {
  local n=$1
  mkdir -p "$dir/node$n/drive1" "$dir/node$n/drive2"
  # shellcheck disable=SC2046
  MINIO_CI_CD=1 _MINIO_SERVER_LOCAL="127.0.0.1:$(port "$n")" MINIO_BROWSER=off \
    setsid "$MINIO" server --quiet --address "127.0.0.1:$(port "$n")" \
    --console-address "127.0.0.1:$(( $(port "$n") + 50 ))" $(endpoints) \
    >>"$dir/node$n.log" 2>&1 &
  echo $! >"$dir/node$n.pid"
}

stop_node() {
  local n=$1 pid
  [ -f "$dir/node$n.pid" ] || return 0
  pid=$(cat "$dir/node$n.pid")
  kill -9 "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$dir/node$n.pid"
}

wait_writable() {
  # The cluster is ready when every node answers MinIO's write-quorum
  # health check (200); up to 120 s on a loaded machine.
  local n ok
  for _ in $(seq 240); do
    ok=0
    for n in 1 2 3 4; do
      if curl -fs "http://127.0.0.1:$(port "$n")/minio/health/cluster" >/dev/null; then ok=$((ok + 1)); fi
    done
    [ "$ok" = 4 ] && return 0
    sleep 0.5
  done
  echo "minio cluster did not become writable; logs in $dir" >&2
  tail -n 20 "$dir"/node*.log >&2
  return 1
}

case "$cmd" in
  start)
    for n in 1 2 3 4; do start_node "$n"; done
    wait_writable
    echo "minio cluster up: 127.0.0.1:$(port 1) .. 127.0.0.1:$(port 4)"
    ;;
  stop-node) stop_node "${3:?N}" ;;
  start-node) start_node "${3:?N}" ;;
  stop) for n in 1 2 3 4; do stop_node "$n"; done ;;
  add-user)
    user=${3:?USER} secret=${4:?SECRET}
    "$MC" alias set ci "http://127.0.0.1:$(port 1)" "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null
    "$MC" admin policy create ci twincms-test "$(dirname "$0")/minio-policy.json" >/dev/null
    "$MC" admin user add ci "$user" "$secret" >/dev/null
    "$MC" admin policy attach ci twincms-test --user "$user" >/dev/null
    echo "minio user $user with policy twincms-test"
    ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
