#!/usr/bin/env bash
# Measures tocsin's Alertmanager server against upstream Alertmanager in the
# same run: ingest (first post and re-post), resident memory with the
# alerts active, GET /api/v2/alerts and /api/v2/alerts/groups, and a flush
# of many groups to a local webhook. Prints every raw line and a table of
# medians; docs/benchmarks.md ("Alertmanager server") records the result.
#
# usage: crates/bench/scripts/bench-alertmanager.sh [RUNS]
# env:   TOCSIN, AM, LOAD (binaries), ALERTS (100000), FLUSH_GROUPS (10000),
#        BATCH (64), CONNECTIONS (4), REPEAT (5), ONLY ("ingest" or "flush")
#
# Build first: cargo build --release -p tocsin -p tocsin-bench --bin tocsin --bin load
# Every server is started on a fresh free port with a fresh storage
# directory and killed by PID when its measurement ends.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
TOCSIN=${TOCSIN:-$ROOT/target/release/tocsin}
AM=${AM:-$(command -v prometheus-alertmanager || command -v alertmanager)}
LOAD=${LOAD:-$ROOT/target/release/load}
RUNS=${1:-3}
ALERTS=${ALERTS:-100000}
FLUSH_GROUPS=${FLUSH_GROUPS:-10000}
BATCH=${BATCH:-64}
CONNECTIONS=${CONNECTIONS:-4}
REPEAT=${REPEAT:-5}
ONLY=${ONLY:-}

WORK=$(mktemp -d /tmp/bench-am.XXXXXX)
RESULTS=$WORK/results.txt
: >"$RESULTS"
STARTED=()

cleanup() {
  for pid in "${STARTED[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; fi
  done
}
trap cleanup EXIT

log() { echo "# $*" >&2; }

# kv LINE KEY: the value of KEY=... in a `load` output line.
kv() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"; }

record() { echo "$1 $2 $3" >>"$RESULTS"; }

wait_ready() {
  for _ in $(seq 600); do
    curl -fsS -o /dev/null "$1/-/ready" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "server at $1 never became ready" >&2
  return 1
}

# start_server KIND CONFIG PORT LOGFILE: starts it in the background and
# sets SERVER_PID.
start_server() {
  local kind=$1 config=$2 port=$3 logfile=$4 bin
  case $kind in
    tocsin) bin=$TOCSIN; set -- alertmanager ;;
    alertmanager) bin=$AM; set -- ;;
  esac
  local storage
  storage=$(mktemp -d "$WORK/storage.XXXXXX")
  "$bin" "$@" --config.file="$config" --storage.path="$storage" \
    --web.listen-address="127.0.0.1:$port" --cluster.listen-address= \
    --log.level=warn >"$logfile" 2>&1 &
  SERVER_PID=$!
  STARTED+=("$SERVER_PID")
}

stop_server() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

mem_kib() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

cat >"$WORK/ingest.yml" <<'YAML'
global:
  resolve_timeout: 5m
route:
  receiver: blackhole
  group_by: [alertname, cluster]
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 4h
receivers:
- name: blackhole
YAML

measure_ingest() {
  local kind=$1 run=$2 port url out
  port=$("$LOAD" free-port)
  url=http://127.0.0.1:$port
  start_server "$kind" "$WORK/ingest.yml" "$port" "$WORK/$kind-ingest-$run.log"
  wait_ready "$url"
  record "$kind" idle_rss_kib "$(mem_kib "$SERVER_PID" VmRSS)"
  out=$("$LOAD" ingest --url "$url" --alerts "$ALERTS" --batch "$BATCH" --server-pid "$SERVER_PID" \
    --connections "$CONNECTIONS" --repost)
  echo "$kind run=$run $out"
  while read -r line; do
    case $line in
      "ingest pass="*)
        local pass
        pass=$(kv "$line" pass)
        for k in alerts_per_s p50_ms p99_ms errors server_cpu_s; do
          record "$kind" "${pass}_$k" "$(kv "$line" "$k")"
        done ;;
    esac
  done <<<"$out"
  sleep 1
  record "$kind" rss_kib "$(mem_kib "$SERVER_PID" VmRSS)"
  record "$kind" hwm_kib "$(mem_kib "$SERVER_PID" VmHWM)"
  echo "$kind run=$run VmRSS=$(mem_kib "$SERVER_PID" VmRSS)kB VmHWM=$(mem_kib "$SERVER_PID" VmHWM)kB"
  for path in /api/v2/alerts /api/v2/alerts/groups; do
    out=$("$LOAD" query --url "$url" --path "$path" --repeat "$REPEAT" --server-pid "$SERVER_PID")
    echo "$kind run=$run $out"
    local name=${path#/api/v2/}
    name=${name//\//_}
    for k in median_ms server_cpu_ms_per_request bytes items nested_alerts; do
      record "$kind" "${name}_$k" "$(kv "$out" "$k")"
    done
  done
  record "$kind" after_queries_rss_kib "$(mem_kib "$SERVER_PID" VmRSS)"
  record "$kind" after_queries_hwm_kib "$(mem_kib "$SERVER_PID" VmHWM)"
  stop_server "$SERVER_PID"
}

measure_flush() {
  local kind=$1 run=$2 port url out lpid hook=
  port=$("$LOAD" free-port)
  url=http://127.0.0.1:$port
  out=$WORK/$kind-flush-$run.out
  "$LOAD" flush --url "$url" --alerts "$FLUSH_GROUPS" --groups "$FLUSH_GROUPS" \
    --batch "$BATCH" --connections "$CONNECTIONS" --group-wait 5 >"$out" &
  lpid=$!
  STARTED+=("$lpid")
  for _ in $(seq 100); do
    hook=$(sed -n 's/^webhook_url=//p' "$out")
    [ -n "$hook" ] && break
    sleep 0.1
  done
  cat >"$WORK/flush-$kind-$run.yml" <<YAML
global:
  resolve_timeout: 5m
route:
  receiver: hook
  group_by: [pod]
  group_wait: 5s
  group_interval: 5m
  repeat_interval: 4h
receivers:
- name: hook
  webhook_configs:
  - url: '$hook'
    send_resolved: false
YAML
  start_server "$kind" "$WORK/flush-$kind-$run.yml" "$port" "$WORK/$kind-flush-$run.log"
  wait "$lpid" || echo "load flush failed (see $out)" >&2
  local line
  line=$(grep '^flush ' "$out")
  echo "$kind run=$run $line"
  for k in delivered_groups notifications delay_p50_ms delay_max_ms max_over_group_wait_ms last_after_post_end_ms post_ms; do
    record "$kind" "flush_$k" "$(kv "$line" "$k")"
  done
  stop_server "$SERVER_PID"
}

log "tocsin: $TOCSIN"
log "alertmanager: $AM ($("$AM" --version 2>&1 | head -1 || true))"
log "work dir: $WORK"
for run in $(seq "$RUNS"); do
  # Alternate which server goes first, so drift in the machine's load
  # does not always favour the same one.
  if ((run % 2)); then order="tocsin alertmanager"; else order="alertmanager tocsin"; fi
  for kind in $order; do
    if [ "$ONLY" != flush ]; then measure_ingest "$kind" "$run"; fi
    if [ "$ONLY" != ingest ]; then measure_flush "$kind" "$run"; fi
  done
done

median() {
  sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) print "nan";
    else if (NR % 2) print v[(NR + 1) / 2];
    else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo
echo "medians of $RUNS runs (raw: $RESULTS)"
printf '%-34s %14s %14s\n' metric tocsin alertmanager
for metric in $(awk '{ print $2 }' "$RESULTS" | awk '!seen[$0]++'); do
  t=$(awk -v m="$metric" '$1 == "tocsin" && $2 == m { print $3 }' "$RESULTS" | median)
  a=$(awk -v m="$metric" '$1 == "alertmanager" && $2 == m { print $3 }' "$RESULTS" | median)
  printf '%-34s %14s %14s\n' "$metric" "$t" "$a"
done
