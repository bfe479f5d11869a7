#!/usr/bin/env bash
# The ChildLink benchmark: a deterministic synthetic population loaded by concurrent transaction clients, then the
# questions practitioners ask, by concurrent users; the same load and questions against plain HAPI FHIR (the same
# jar with childlink.plain-hapi=true: HAPI's JPA server with HAPI's defaults on the same embedded PostgreSQL, none of
# ChildLink's modules), what a user would run instead, as the baseline. Writes bench/results/SIZE/: results.json
# (machine-readable), results.md (the table, with ratios), latency.svg and ingest.svg. Needs bash, curl, GNU coreutils and the JDK.
#
#   bench/run.sh quick     # 500 children (~20,500 resources), both servers (and plain HAPI's searches afresh): about 28 min
#   bench/run.sh scale     # 50,000 children (~2 million resources), validation off: about 2 h 30 min, 30 GB of disk
#
# Settings (environment): CHILDREN, SEED (default 20261126), AS_OF (default: the Monday of this week;
# keep it in the current school year, which the absence flags follow), CLIENTS (4),
# PER_BUNDLE (children per transaction, 2; a household pairs a pupil with the one before it in its transaction, so 1
# gives none), USERS (concurrent query users, 4), SECONDS_PER_KIND (each query kind),
# BASELINE_CHILDREN (children the baseline loads itself; 0 = all), WORK (where the databases go), OUT (where the
# results go), PORT,
# VALIDATE (ChildLink's profile validation on write during the run: on for quick; off for scale, where a load at the
# ~100 resources/s of validation would take six hours; off is the server's switch for supervised bulk loads, ADR
# 0006; plain HAPI validates nothing either way),
# JAR (the server jar benchmarked, for ChildLink and as plain HAPI: target/childlink.jar, built when missing),
# RELEASE_JAR (a previous release's jar: it runs the baseline's workload too, as a third column),
# BASELINE (on; off: ChildLink alone, for a scale run that must fit a shorter window: the report then has no plain
# HAPI column, and `MODE=baseline bench/query.sh scale` asks plain HAPI the questions on the same database later).
# AFRESH (on; off: not the third column, plain HAPI asked the questions again with its one-minute reuse of an
# identical search's results turned off, as ChildLink runs every search; about a minute per question at scale),
# KINDS (only these questions, comma-separated: the keys of Bench.KINDS, `absence_statistics`, `export`), EXPORTS
# (which exports of everything the `export` question times: plain,pseudonymised, each a quarter of an hour at scale),
# SYNTHEA_CHILDREN (children of the Synthea-style bundles sent by one client after the load, twice, bench/Synthea.java: 25;
# 0 = none).
# Needs psql (the database's growth from the queries' audited reads).
# The jar is copied to WORK first: the build can change while a long run goes on.
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-quick}
case "$size" in
  quick) children=${CHILDREN:-500}; seconds=${SECONDS_PER_KIND:-20}; baseline_children=${BASELINE_CHILDREN:-0}
    validate=${VALIDATE:-on} ;;
  scale) children=${CHILDREN:-50000}; seconds=${SECONDS_PER_KIND:-60}; baseline_children=${BASELINE_CHILDREN:-5000}
    validate=${VALIDATE:-off} ;;
  *) echo "usage: bench/run.sh quick|scale"; exit 2 ;;
esac
seed=${SEED:-20261126}
as_of=${AS_OF:-$(date -u -d "$(date -u +%F) - $(( $(date -u +%u) - 1 )) days" +%F)}
clients=${CLIENTS:-4}
per_bundle=${PER_BUNDLE:-2}
users=${USERS:-4}
port=${PORT:-18090}
work=${WORK:-/tmp/childlink-bench-$size}
out=${OUT:-bench/results/$size}
. bench/lib.sh

jar=${JAR:-target/childlink.jar}
[ -f "$jar" ] || mvn -B -q -DskipTests package
mkdir -p "$out"
rm -rf "$work" && mkdir -p "$work"
cp "$jar" "$work/childlink.jar"
JAR=$work/childlink.jar
javac -d "$work/classes" bench/Bench.java bench/Synthea.java
bench() { java -cp "$work/classes" Bench "$@"; }
synthea_children=${SYNTHEA_CHILDREN:-25}
machine="$(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(java -version 2>&1 | sed -n 1p), $(uname -sr)"
base="http://localhost:$port/fhir"
case "$validate" in
  on) validation_args=() ;;
  off) validation_args=(--childlink.conformance.validate-on-write=false) ;;
  *) echo "VALIDATE is on or off"; exit 2 ;;
esac
echo "benchmark $size: $children children, seed $seed, as of $as_of, validation $validate; $machine"

rss_mb() { awk '/VmRSS/{printf "%.0f", $2/1024}' "/proc/$pid/status"; }

# start MODE DATA LOG: starts the server as MODE (tuned: ChildLink; release: the previous release's jar; baseline:
# the jar as plain HAPI FHIR), timing it to ready
start() {
  local mode=$1 data=$2 log=$3 t0
  t0=$(date +%s.%N)
  if [ "$mode" = tuned ] || [ "$mode" = release ]; then
    JAVA_OPTS="${TUNED_JAVA_OPTS:-}" start_server "$data" "$log" --childlink.storage.tuned=true "${validation_args[@]}"
  else
    JAVA_OPTS="${BASELINE_JAVA_OPTS:-}" start_server "$data" "$log" --childlink.plain-hapi=true
  fi
  ready=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
}

# settle TOKEN: waits until the absence flags the load queued are all brought up to date (the count stops moving)
settle() {
  local before=-1 now
  while true; do
    now=$(curl -fsS -H "Authorization: Bearer $1" "$base/Flag?_summary=count" | sed -n 's/.*"total" *: *\([0-9]*\).*/\1/p' || true)
    [ "$now" = "$before" ] && break
    before=$now
    sleep 10
  done
  echo "  absence flags: $now"
}

db_size() {
  local dir=$1/postgres metrics=$2 bytes resources
  bytes=$(du -sb "$dir/base" | cut -f1)
  # every resource stored: the load's and the Synthea-style rounds'
  resources=$(sed -n -E 's/^(load|synthea|synthea_second)\.resources=//p' "$metrics" | awk '{s+=$1} END {print s+0}')
  echo "db.bytes_mb=$((bytes / 1024 / 1024))" >>"$metrics"
  echo "db.wal_mb=$(( $(du -sb "$dir/pg_wal" | cut -f1) / 1024 / 1024 ))" >>"$metrics"
  if [ "${resources:-0}" -gt 0 ]; then echo "db.bytes_per_resource=$((bytes / resources))" >>"$metrics"; fi
}

# audit_growth BYTES_BEFORE DATA METRICS: what the queries' audited reads added to the database, per read
audit_growth() {
  local after reads
  after=$(db_bytes "$2")
  reads=$(grep -E '^query\.[a-z_]+\.requests=' "$3" | cut -d= -f2 | awk '{s+=$1} END {print s+0}')
  echo "query.db_growth_mb=$(( (after - $1) / 1024 / 1024 ))" >>"$3"
  if [ "${reads:-0}" -gt 0 ]; then echo "query.db_bytes_per_read=$(( (after - $1) / reads ))" >>"$3"; fi
}

# run MODE LIMIT: a fresh database, the load (LIMIT children; 0 = all), a restart, the queries, the sizes
run() {
  local mode=$1 limit=$2 dir=$work/$1 data=$work/$1/data
  mkdir -p "$dir"
  printf 'machine=%s\nsize=%s\nmode=%s\nload.validation=%s\n' "$machine" "$size" "$mode" "$validate" >"$dir/metrics"
  start "$mode" "$data" "$dir/server.log"
  echo "ready.first_seconds=$ready" >>"$dir/metrics"
  sleep 5
  echo "memory.after_start_mb=$(rss_mb)" >>"$dir/metrics"
  echo "[$mode] ready in ${ready}s, RSS $(rss_mb) MB; loading"
  admin=$(admin_token "$data")
  bench load "$base" "$admin" "$children" "$seed" "$as_of" "$clients" "$per_bundle" "$limit" "$dir" "$pid" "$data"
  settle "$admin"
  if [ "$synthea_children" != 0 ]; then
    # Synthea-style bundles (a child's whole record in one transaction), one client, on the server warm from the load
    java -cp "$work/classes" Synthea "$base" "$admin" "$synthea_children" "$seed" "$as_of" "$dir"
    # and a second round (other children): the first follows the load and its background work, the second is warm
    java -cp "$work/classes" Synthea "$base" "$admin" "$synthea_children" "$((seed + 1))" "$as_of" "$dir" synthea_second
  fi
  # the queries are asked of a restarted server: after a long load its JIT is warmer than a fresh server's, and
  # the baseline's queries at scale run on a fresh server
  stop_server
  start "$mode" "$data" "$dir/restart.log"
  echo "ready.loaded_seconds=$ready" >>"$dir/metrics"
  echo "[$mode] queries"
  local before
  before=$(db_bytes "$data")
  PLAIN_HAPI=$([ "$mode" = baseline ] && echo 1 || echo 0) \
    bench query "$base" "$JAR" "$data" "$dir" "$pid" "$users" "$seconds" "$seed" "$as_of"
  audit_growth "$before" "$data" "$dir/metrics"
  stop_server
  db_size "$data" "$dir/metrics"
}

trap 'stop_server' EXIT
run tuned 0
if [ "${BASELINE:-on}" = off ]; then
  echo "no baseline (BASELINE=off)"
elif [ "$baseline_children" = 0 ]; then
  run baseline 0
else
  # at scale a full baseline load would take most of a day: the baseline loads the first BASELINE_CHILDREN
  # children on a fresh database (ingest rate), and answers the queries on the tuned run's full database
  run baseline "$baseline_children"
  MODE=baseline USERS=$users SECONDS_PER_KIND=$seconds WORK=$work PORT=$port bash bench/query.sh "$size"
  grep -E '^(query|export|statistics)\.' "$work/queries-baseline-${users}u/metrics" >>"$work/baseline/metrics.full"
  # figures of the baseline's own, smaller database are not comparable with the tuned run's: left out
  grep -v -E '^(query\.|export\.|statistics\.|db\.|ready\.loaded_seconds|load\.rss_max_mb|load\.postgres_pss_max_mb)' \
    "$work/baseline/metrics" >>"$work/baseline/metrics.full"
  echo "baseline.note=plain HAPI FHIR (the same jar with childlink.plain-hapi=true); its ingest over the first $baseline_children children on a fresh database, its queries on ChildLink's full database" >>"$work/baseline/metrics.full"
  mv "$work/baseline/metrics.full" "$work/baseline/metrics"
fi
fresh=""
if [ "${BASELINE:-on}" != off ] && [ "${AFRESH:-on}" != off ]; then
  # plain HAPI again with every search run afresh, as ChildLink runs them: by default HAPI answers an identical search
  # within a minute from the first one's results, and the questions repeat searches (the same child, the same
  # council). On ChildLink's database, the searches only (the exports do not reuse searches)
  EXPORTS=none MODE=baseline-fresh USERS=$users SECONDS_PER_KIND=$seconds WORK=$work PORT=$port bash bench/query.sh "$size"
  fresh=$work/queries-baseline-fresh-${users}u
  cp "$fresh/metrics" "$out/baseline-afresh.metrics"
fi
if [ -n "${RELEASE_JAR:-}" ]; then
  # the previous release, on the baseline's terms: its own load (the first BASELINE_CHILDREN at scale), and at scale
  # its queries on this version's full database
  cp "$RELEASE_JAR" "$work/release.jar"
  JAR=$work/release.jar run release "$baseline_children"
  if [ "$baseline_children" != 0 ]; then
    MODE=release QUERY_JAR=$work/release.jar USERS=$users SECONDS_PER_KIND=$seconds WORK=$work PORT=$port \
      bash bench/query.sh "$size"
    grep -E '^(query|export|statistics)\.' "$work/queries-release-${users}u/metrics" >>"$work/release/metrics.full"
    grep -v -E '^(query\.|export\.|statistics\.|db\.|ready\.loaded_seconds|load\.rss_max_mb|load\.postgres_pss_max_mb)' \
      "$work/release/metrics" >>"$work/release/metrics.full"
    echo "release.note=the previous release ($RELEASE_JAR); its ingest over the first $baseline_children children on a fresh database, its queries on this version's full database" >>"$work/release/metrics.full"
    mv "$work/release/metrics.full" "$work/release/metrics"
  fi
  cp "$work/release/metrics" "$out/release.metrics"
fi
cp "$work/tuned/metrics" "$out/tuned.metrics"
[ ! -f "$work/baseline/metrics" ] || cp "$work/baseline/metrics" "$out/baseline.metrics"
bench report "$out" "$work/tuned" "$work/baseline" "$work/release" $fresh
echo "results in $out/ (the databases are in $work; remove it when done)"
