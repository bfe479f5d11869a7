#!/usr/bin/env bash
# Measures what a newcomer sees: time from the run command to a ready server, resident memory once ready,
# and the size of the built jar. Rerun it after any change that may affect start-up.
#
#   bench/startup.sh            # the README's run command: mvn spring-boot:run (warm build)
#   bench/startup.sh jar        # java -jar target/childlink.jar, with the README's JVM settings
#
# Each run uses a fresh data directory (a first start creates the schema) and then restarts on it (existing
# schema). Prints one line per start. KEEP_LOGS=<dir> keeps the two starts' logs there.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-mvn}
port=${PORT:-18080}
data=$(mktemp -d /tmp/childlink-startup-XXXX)
trap 'if [ -n "${KEEP_LOGS:-}" ]; then cp "$data"/*.log "$KEEP_LOGS"/; fi; rm -rf "$data"' EXIT

. bench/lib.sh # SERVER_JVM: the JVM settings of the README's command, for the jar too
[ -f target/childlink.jar ] || mvn -B -q -DskipTests package
mvn -B -q -o compile >/dev/null 2>&1 || true   # warm build: what spring-boot:run would otherwise compile

start_once() {
  local label=$1 log="$data/$1.log" t0 t1 pid rss server
  # a server already listening here would answer for this one
  if curl -fs "http://localhost:$port/actuator/health/readiness" >/dev/null 2>&1; then
    echo "port $port already answers: stop that server first"; exit 1
  fi
  t0=$(date +%s.%N)
  if [ "$mode" = jar ]; then
    MALLOC_ARENA_MAX=2 java -XX:-OmitStackTraceInFastThrow ${SERVER_JVM} -jar "${JAR:-target/childlink.jar}" --server.port="$port" --childlink.server.data-dir="$data" >"$log" 2>&1 &
  else
    mvn -B -q spring-boot:run -Dspring-boot.run.arguments="--server.port=$port --childlink.server.data-dir=$data" >"$log" 2>&1 &
  fi
  pid=$!
  until curl -fs "http://localhost:$port/actuator/health/readiness" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { echo "server exited; see $log"; tail -20 "$log"; exit 1; }
    sleep 0.2
  done
  t1=$(date +%s.%N)
  sleep 2   # let start-up background work settle before reading memory
  # the server's own process: the java started here, or the one Maven forked (JAR= may name any jar)
  if [ "$mode" = jar ]; then server=$pid; else server=$(pgrep -f 'uk.childlink.ChildLinkApplication' | head -1); fi
  rss=$(ps -o rss= -p "$server" | awk '{printf "%.0f", $1/1024}')
  printf '%-16s ready in %5.1f s   RSS %5s MB\n' "$label" "$(echo "$t1 - $t0" | bc)" "$rss"
  kill -TERM "$server" || true
  wait "$pid" 2>/dev/null || true
  sleep 1
}

echo "mode: $mode   machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(java -version 2>&1 | head -1)"
start_once first-start
start_once restart
echo "jar: $(du -m target/childlink.jar | cut -f1) MB, $(unzip -l target/childlink.jar | grep -c 'BOOT-INF/lib/.*\.jar') libraries"
