#!/usr/bin/env bash
# Asks the benchmark's questions again on the database a `bench/run.sh` run loaded, without loading it again (a
# scale load takes over an hour): for instance one user at a time, to see a request's own latency without the
# queueing of 4 users on 2 cores.
#
#   bench/query.sh scale                    # 1 user, 30 s per question, the tuned server
#   USERS=4 MODE=baseline bench/query.sh scale
#
# Settings (environment): USERS (1), SECONDS_PER_KIND (30), KINDS (as bench/run.sh), MODE (tuned, baseline,
# baseline-fresh or release: ChildLink, the jar as plain HAPI FHIR (with HAPI's default reuse of an identical search's
# results for a minute, or every search run afresh as ChildLink runs them), or the previous release; the database is
# always the tuned run's), QUERY_JAR (the server jar: a previous release's for MODE=release), WORK, PORT.
# Figures go to WORK/queries-MODE-USERSu/metrics (and the table to the terminal).
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-quick}
work=${WORK:-/tmp/childlink-bench-$size}
mode=${MODE:-tuned}
users=${USERS:-1}
seconds=${SECONDS_PER_KIND:-30}
port=${PORT:-18090}
run=$work/tuned
[ -f "$run/children.tsv" ] || { echo "no loaded database in $run: run bench/run.sh $size first"; exit 2; }
setting() { sed -n "s/^$1=//p" "$run/metrics"; }
seed=$(setting world.seed)
as_of=$(setting world.as_of)
validate=$(setting load.validation)
JAR=${QUERY_JAR:-$work/childlink.jar}
. bench/lib.sh

out=$work/queries-$mode-${users}u
rm -rf "$out" && mkdir -p "$out"
cp "$run/children.tsv" "$run/organisations.tsv" "$out/"
printf 'mode=%s\nusers=%s\n' "$mode" "$users" >"$out/metrics"
if [ "$mode" = baseline ]; then
  args=(--childlink.plain-hapi=true)
elif [ "$mode" = baseline-fresh ]; then # plain HAPI with every search run afresh, as ChildLink runs them
  args=(--childlink.plain-hapi=true --childlink.server.search-cache-reuse=0s)
else
  args=(--childlink.storage.tuned=true)
  [ "$validate" = off ] && args+=(--childlink.conformance.validate-on-write=false)
fi
trap 'stop_server' EXIT
start_server "$run/data" "$out/server.log" "${args[@]}"
PLAIN_HAPI=$([ "${mode%-fresh}" = baseline ] && echo 1 || echo 0) java -cp "$work/classes" Bench query "http://localhost:$port/fhir" "$JAR" "$run/data" "$out" "$pid" "$users" \
  "$seconds" "$seed" "$as_of"
echo "figures in $out/metrics"
