# Shared by the benchmarks (source it from the repository root).

# The server jar: ${JAR}, else target/childlink.jar.

# The JVM settings of the README's command (pom.xml, spring-boot-maven-plugin), for both servers; JAVA_OPTS come after.
SERVER_JVM="-Xmx1g -XX:ReservedCodeCacheSize=128m -XX:G1PeriodicGCInterval=15000 -XX:MaxHeapFreeRatio=30 -XX:MinHeapFreeRatio=10"

# start_server DATA_DIR LOG [extra server arguments...]: starts the server jar on $port with its data in DATA_DIR and
# waits until it is ready; sets $pid. ${JAVA_OPTS} go to the JVM.
start_server() {
  local data=$1 log=$2
  shift 2
  # another server already on the port would answer for this one, and be measured in its place
  if curl -fs "http://localhost:$port/actuator/health/readiness" >/dev/null 2>&1; then
    echo "port $port already answers: stop that server first (or set PORT=)"; exit 1
  fi
  MALLOC_ARENA_MAX=2 java -XX:-OmitStackTraceInFastThrow ${SERVER_JVM} ${JAVA_OPTS:-} -jar "${JAR:-target/childlink.jar}" --server.port="$port" --childlink.server.data-dir="$data" "$@" \
    >"$log" 2>&1 &
  pid=$!
  until curl -fs "http://localhost:$port/actuator/health/readiness" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { echo "server exited; see $log"; tail -20 "$log"; exit 1; }
    sleep 0.5
  done
}

# timed_starts LABEL WORK JAVA ARGS...: starts the server (JAVA with the README's JVM settings, then ARGS: the jar and
# its options) on $port with a new data directory under WORK, and again on it (a restart); prints the time to ready
# and the resident memory 2 s after each start, then removes the data directory.
timed_starts() {
  local label=$1 work=$2 java=$3 data start t0 t1 pid
  shift 3
  if curl -fs "http://localhost:$port/actuator/health/readiness" >/dev/null 2>&1; then
    echo "port $port already answers: stop that server first (or set PORT=)"; exit 1
  fi
  data=$(mktemp -d "$work/data-XXXX")
  for start in first restart; do
    t0=$(date +%s.%N)
    MALLOC_ARENA_MAX=2 "$java" ${SERVER_JVM} "$@" --server.port="$port" --childlink.server.data-dir="$data" \
      >"$data/$start.log" 2>&1 &
    pid=$!
    until curl -fs "http://localhost:$port/actuator/health/readiness" >/dev/null 2>&1; do
      kill -0 "$pid" 2>/dev/null || { echo "server exited; see $data/$start.log"; tail -20 "$data/$start.log"; exit 1; }
      sleep 0.2
    done
    t1=$(date +%s.%N)
    sleep 2 # let start-up background work settle before reading memory
    printf "%-12s %-8s ready %5.1f s   RSS %5d MB\n" "$label" "$start" "$(echo "$t1 - $t0" | bc)" \
      $(($(ps -o rss= -p "$pid") / 1024))
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    sleep 1
  done
  rm -rf "$data"
}

# stop_server: stops the server start_server started, and waits for it.
stop_server() {
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=
  sleep 1
}

# token DATA_DIR ARGS...: a token signed by the development issuer of the server using DATA_DIR (see the README).
token() {
  local data=$1
  shift
  java -jar "${JAR:-target/childlink.jar}" token --data-dir "$data" "$@"
}

# admin_token DATA_DIR: an admin's token with every scope, for loading data.
admin_token() {
  token "$1" --subject bench-admin --role admin --scope 'user/*.cruds'
}

# db_bytes DATA_DIR: the size of the running embedded database (PostgreSQL's own count, so WAL is left out)
db_bytes() {
  local port
  port=$(sed -n 4p "$1/postgres/postmaster.pid")
  psql -h localhost -p "$port" -U postgres -d postgres -Atc "SELECT pg_database_size('postgres')"
}
