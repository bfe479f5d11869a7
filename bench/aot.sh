#!/usr/bin/env bash
# Start-up on JDK 25 with an ahead-of-time cache (JEP 483/514/515: the classes a start loads, already parsed and
# linked, and the methods' profiles), against the plain jar on the project's JDK 17 and on JDK 25 without the cache.
# Extracts the jar (Spring Boot's tools jar mode), makes the cache with one training start that exits once the
# context is ready, then starts each way ROUNDS times, on a new data directory and again on it (a restart). Prints
# time to ready and resident memory 2 s after. Needs bash, curl, bc, the JDK 17 on the PATH and a JDK 25.
#
#   bench/aot.sh                                  # 2 rounds, JDK 25 from /usr/lib/jvm/temurin-25-jdk-amd64
#   ROUNDS=3 JDK25=/path/to/jdk-25 bench/aot.sh
#
# A recipe for a deployment, not the README's commands: the project builds and tests on JDK 17, and runs unchanged
# on JDK 25. The cache belongs to the jar and the JDK it was made with; make it again after either changes.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${PORT:-18126}
rounds=${ROUNDS:-2}
jdk25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
java25="$jdk25/bin/java"
[ -x "$java25" ] || { echo "no JDK 25 at $jdk25 (set JDK25=)"; exit 1; }
work=$(mktemp -d /tmp/childlink-aot-XXXX)
trap 'rm -rf "$work"' EXIT
. bench/lib.sh

[ -f target/childlink.jar ] || mvn -B -q -DskipTests package

"$java25" -Djarmode=tools -jar target/childlink.jar extract --destination "$work/app" >/dev/null
started=$(date +%s.%N)
"$java25" ${SERVER_JVM} -XX:AOTCacheOutput="$work/app.aot" -Xlog:aot=error -Dspring.context.exit=onRefresh \
  -jar "$work/app/childlink.jar" --server.port="$port" --childlink.server.data-dir="$work/train" >"$work/train.log" 2>&1
# the training start's embedded PostgreSQL outlives the JVM that exits at refresh
pkill -f "postgres -D $work/train" 2>/dev/null || true
echo "cache: $(du -m "$work/app.aot" | cut -f1) MB, made in $(printf '%.0f' "$(echo "$(date +%s.%N) - $started" | bc)") s (training start and dump)"

echo "machine: $(nproc) cores; $(java -version 2>&1 | sed -n 1p); $("$java25" -version 2>&1 | sed -n 1p); $rounds rounds"
for _ in $(seq "$rounds"); do
  timed_starts jdk17-jar "$work" java -jar target/childlink.jar
  timed_starts jdk25-jar "$work" "$java25" -jar "$work/app/childlink.jar"
  timed_starts jdk25-aot "$work" "$java25" -XX:AOTCache="$work/app.aot" -Xlog:aot=error -jar "$work/app/childlink.jar"
done
