#!/usr/bin/env bash
# The signals' benchmark (issue 19): the time from a child protection plan's write to its notification at a
# subscriber's endpoint (p50, p95), on a quiet server and while the benchmark's load runs (the population's own
# plans and looked-after records make signals too); and the load's ingest rate, beside that probe, with the signals
# sent and with them only recorded (childlink.signals.worker=false: the outbox rows are still written in each
# transaction, nothing is sent or delivered), each on a fresh database. Writes bench/results/signals/results.md.
#
#   bench/signals.sh      # CHILDREN (load, default 200), PROBES (plans per probe, default 100), SPACING_MS (200)
set -euo pipefail
cd "$(dirname "$0")/.."
children=${CHILDREN:-200}
probes=${PROBES:-100}
spacing=${SPACING_MS:-200}
port=${PORT:-18091}
work=${WORK:-/tmp/childlink-bench-signals}
out=${OUT:-bench/results/signals}
. bench/lib.sh
[ -f target/childlink.jar ] || mvn -B -q -DskipTests package
rm -rf "$work" && mkdir -p "$work" "$out"
cp target/childlink.jar "$work/childlink.jar"
JAR=$work/childlink.jar
javac -d "$work/classes" bench/Bench.java bench/SignalsBench.java
base="http://localhost:$port/fhir"
as_of=$(date -u -d "$(date -u +%F) - $(( $(date -u +%u) - 1 )) days" +%F)
probe_args=(--childlink.storage.tuned=true --childlink.signals.allow-http=true --childlink.signals.allowed-networks=127.0.0.1/32)
trap 'stop_server' EXIT

# with signals: a quiet probe, then a probe while the load runs
start_server "$work/signals/data" "$work/signals.log" "${probe_args[@]}"
admin=$(admin_token "$work/signals/data")
gp=$(token "$work/signals/data" --organisation ods:P99001 --agency health --subject probe --scope 'user/*.cruds')
java -cp "$work/classes" SignalsBench "$base" "$admin" "$gp" P99001 801 "$probes" "$spacing" quiet | tee "$work/metrics"
# load_beside_probe RUN PREFIX METRIC [write-only]: the load into the running server, with the probe's writes beside
# it (as GP practice P99002); the probe's figures under PREFIX, the load's ingest rate as METRIC
load_beside_probe() {
  local run=$1 prefix=$2 metric=$3 mode=${4:-} gp2 load
  gp2=$(token "$work/$run/data" --organisation ods:P99002 --agency health --subject probe --scope 'user/*.cruds')
  mkdir -p "$work/$run/load"
  java -cp "$work/classes" Bench load "$base" "$admin" "$children" 20261126 "$as_of" 4 2 0 "$work/$run/load" "$pid" \
    "$work/$run/data" >"$work/$run/load.out" 2>&1 &
  load=$!
  sleep 5
  if [ -n "$mode" ]; then
    java -cp "$work/classes" SignalsBench "$base" "$admin" "$gp2" P99002 802 "$probes" "$spacing" "$prefix" "$mode" >/dev/null
  else
    java -cp "$work/classes" SignalsBench "$base" "$admin" "$gp2" P99002 802 "$probes" "$spacing" "$prefix" | tee -a "$work/metrics"
  fi
  wait "$load"
  sed -n "s/^load.resources_per_second=/signals.$metric=/p" "$work/$run/load/metrics" | tee -a "$work/metrics"
}
load_beside_probe signals under_load ingest_with_signals_rps
stop_server

# the same load, beside the same probe's writes, with the signals only recorded
start_server "$work/recorded/data" "$work/recorded.log" "${probe_args[@]}" --childlink.signals.worker=false
admin=$(admin_token "$work/recorded/data")
load_beside_probe recorded recorded ingest_recorded_only_rps write-only
stop_server

m() { sed -n "s/^signals.$1=//p" "$work/metrics"; }
{
  echo "# Signals benchmark ($(date -u +%F), $(nproc) cores, $children children loading, $probes plans per probe, one every $spacing ms)"
  echo
  echo "| | written | delivered | p50 | p95 | max |"
  echo "|---|---:|---:|---:|---:|---:|"
  for p in quiet under_load; do
    echo "| plan written to notification received, $p | $(m $p.written) | $(m $p.delivered) | $(m $p.p50_ms) ms | $(m $p.p95_ms) ms | $(m $p.max_ms) ms |"
  done
  echo
  echo "| ingest of the load beside the probe's writes (resources/s) | signals sent and delivered | signals only recorded |"
  echo "|---|---:|---:|"
  echo "| $children children, 4 clients, validation on | $(m ingest_with_signals_rps) | $(m ingest_recorded_only_rps) |"
} >"$out/results.md"
cat "$out/results.md"
