#!/usr/bin/env bash
# Start-up with class data sharing (AppCDS), against the plain jar: extracts the jar (Spring Boot's tools jar mode),
# records the classes a start loads (a training start that exits once the context is ready), dumps them into a
# static archive, then starts each way ROUNDS times, on a new data directory and again on it (a restart). Prints
# time to ready and resident memory 2 s after each start. Needs bash, curl, bc and the JDK.
#
#   bench/cds.sh             # 2 rounds
#   ROUNDS=3 bench/cds.sh
#
# OpenJDK 17 crashes writing an archive that holds lambda proxy classes (both with -XX:ArchiveClassesAtExit and
# with -Xshare:dump): they are left out of the class list.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${PORT:-18125}
rounds=${ROUNDS:-2}
work=$(mktemp -d /tmp/childlink-cds-XXXX)
trap 'rm -rf "$work"' EXIT
. bench/lib.sh

[ -f target/childlink.jar ] || mvn -B -q -DskipTests package

java -Djarmode=tools -jar target/childlink.jar extract --destination "$work/app" >/dev/null
java ${SERVER_JVM} -XX:DumpLoadedClassList="$work/classes.all" -Dspring.context.exit=onRefresh \
  -jar "$work/app/childlink.jar" --server.port="$port" --childlink.server.data-dir="$work/train" >"$work/train.log" 2>&1
# the training start's embedded PostgreSQL outlives the JVM that exits at refresh
pkill -f "postgres -D $work/train" 2>/dev/null || true
grep -v '^@lambda' "$work/classes.all" >"$work/classes.lst"
java -Xshare:dump -XX:SharedClassListFile="$work/classes.lst" -XX:SharedArchiveFile="$work/app.jsa" \
  -cp "$work/app/childlink.jar" >"$work/dump.log" 2>&1
echo "archive: $(du -m "$work/app.jsa" | cut -f1) MB, $(wc -l <"$work/classes.lst") classes"

echo "machine: $(nproc) cores, $(java -version 2>&1 | sed -n 1p); $rounds rounds"
for _ in $(seq "$rounds"); do
  timed_starts jar "$work" java -jar target/childlink.jar
  timed_starts cds "$work" java -XX:SharedArchiveFile="$work/app.jsa" -Xlog:cds=off -jar "$work/app/childlink.jar"
done
