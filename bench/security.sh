#!/usr/bin/env bash
# What access control costs on a read and a search: the same requests against the same data, with security on (a
# school's token: token check, scope check, relationship lookup, consent filtering, an AuditEvent written per
# request) and off (childlink.access.mode=off, no token). One child read and one search of the child's attendance
# per round, one request at a time, the packaged server with -Xmx768m. Needs bash, curl, java and the jar.
#
#   bench/security.sh                          # 100 children x 20 weeks, 1,000 rounds per mode
#   CHILDREN=300 ROUNDS=3000 bench/security.sh
set -euo pipefail
cd "$(dirname "$0")/.."
port=${PORT:-18082}
children=${CHILDREN:-100}
weeks=${WEEKS:-20}
rounds=${ROUNDS:-1000}
work=$(mktemp -d /tmp/childlink-security-XXXX)
pid=
trap '[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; rm -rf "$work"' EXIT
JAVA_OPTS=${JAVA_OPTS:--Xmx768m}
. bench/lib.sh

[ -f target/childlink.jar ] || mvn -B -q -DskipTests package
base="http://localhost:$port/fhir"
data="$work/data"
admin=$(admin_token "$data")
school=$(token "$data" --organisation school:999100 --agency education --scope 'user/*.rs' --subject bench-teacher)

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(java -version 2>&1 | sed -n 1p)"
echo "data: $children children x $weeks weeks of attendance; $rounds rounds (a read and a search each) per mode"
start_server "$data" "$work/on.log"
java bench/SecurityCost.java load "$base" "$admin" 999100 "$children" "$weeks" "$work/ids"
sleep 5
echo "security on (a school's token, related to every child through its attendance records):"
java bench/SecurityCost.java measure "$base" "$school" "$work/ids" "$rounds"
stop_server

start_server "$data" "$work/off.log" --childlink.access.mode=off
sleep 5
echo "security off (childlink.access.mode=off, no token):"
java bench/SecurityCost.java measure "$base" - "$work/ids" "$rounds"
stop_server
