#!/usr/bin/env bash
# What validation on write costs: a transaction of 100 attendance Observations (one child, one school, 100 weeks),
# sent repeatedly to the packaged server with validation on, then with it off (childlink.conformance.validate-on-write
# =false), each on a fresh data directory. Prints the time per transaction (median, 90th percentile, best) and the
# ratio. Needs only bash, curl and the jar.
#
#   bench/validation.sh              # 5 warm-up + 30 measured transactions per mode
#   ROUNDS=100 bench/validation.sh
set -euo pipefail
cd "$(dirname "$0")/.."
port=${PORT:-18081}
rounds=${ROUNDS:-30}
warmup=${WARMUP:-5}
work=$(mktemp -d /tmp/childlink-validation-XXXX)
. bench/lib.sh
trap 'rm -rf "$work"' EXIT

[ -f target/childlink.jar ] || mvn -B -q -DskipTests package

base="http://localhost:$port/fhir"
post() { curl -fsS -o "$work/out.json" -w '%{http_code} %{time_total}\n' -X POST -H 'Content-Type: application/fhir+json' -H "Authorization: Bearer $tok" --data-binary "@$1" "$base${2:-}"; }

# one transaction: 100 weekly attendance Observations (10 possible sessions, 9 present, 1 authorised absence)
bundle() {
  local child=$1 school=$2 out=$3 i monday friday
  {
    printf '{"resourceType":"Bundle","type":"transaction","entry":['
    for i in $(seq 0 99); do
      monday=$(date -u -d "2020-01-06 + $((i * 7)) days" +%F)
      friday=$(date -u -d "2020-01-06 + $((i * 7 + 4)) days" +%F)
      [ "$i" -gt 0 ] && printf ','
      printf '{"resource":{"resourceType":"Observation","status":"final",'
      printf '"category":[{"coding":[{"system":"https://fhir.childlink.uk/CodeSystem/agency","code":"education"}]}],'
      printf '"code":{"coding":[{"system":"https://fhir.childlink.uk/CodeSystem/observation-code","code":"attendance-summary"}]},'
      printf '"subject":{"reference":"%s"},"effectivePeriod":{"start":"%s","end":"%s"},"performer":[{"reference":"%s"}],' "$child" "$monday" "$friday" "$school"
      printf '"valueQuantity":{"value":90.0,"unit":"%%","system":"http://unitsofmeasure.org","code":"%%"},"component":['
      printf '{"code":{"coding":[{"system":"https://fhir.childlink.uk/CodeSystem/observation-code","code":"possible-sessions"}]},"valueInteger":10},'
      printf '{"code":{"coding":[{"system":"https://fhir.childlink.uk/CodeSystem/attendance-category","code":"present"}]},"valueInteger":9},'
      printf '{"code":{"coding":[{"system":"https://fhir.childlink.uk/CodeSystem/attendance-category","code":"approved-educational-activity"}]},"valueInteger":0},'
      printf '{"code":{"coding":[{"system":"https://fhir.childlink.uk/CodeSystem/attendance-category","code":"authorised"}]},"valueInteger":1},'
      printf '{"code":{"coding":[{"system":"https://fhir.childlink.uk/CodeSystem/attendance-category","code":"unauthorised"}]},"valueInteger":0},'
      printf '{"code":{"coding":[{"system":"https://fhir.childlink.uk/CodeSystem/attendance-code","code":"/"}]},"valueInteger":5},'
      printf '{"code":{"coding":[{"system":"https://fhir.childlink.uk/CodeSystem/attendance-code","code":"\\\\"}]},"valueInteger":4},'
      printf '{"code":{"coding":[{"system":"https://fhir.childlink.uk/CodeSystem/attendance-code","code":"I"}]},"valueInteger":1}]},'
      printf '"request":{"method":"POST","url":"Observation"}}'
    done
    printf ']}'
  } >"$out"
}

run_mode() {
  local label=$1 flag=$2 data="$work/data-$1" times
  tok=$(admin_token "$data")
  trap 'stop_server' EXIT   # run_mode runs in a subshell: stop its server however it ends
  start_server "$data" "$work/$label.log" --childlink.conformance.validate-on-write="$flag"
  printf '{"resourceType":"Organization","identifier":[{"system":"https://fhir.hl7.org.uk/Id/urn-school-number","value":"999100"}],"type":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/organization-type","code":"edu"}]}],"name":"Bench School"}' >"$work/school.json"
  post "$work/school.json" /Organization >/dev/null
  school="Organization/$(sed -n 's/.*"id":"\([^"]*\)".*/\1/p' "$work/out.json" | sed -n 1p)"
  printf '{"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9999000061"}],"name":[{"family":"Bench"}]}' >"$work/child.json"
  post "$work/child.json" /Patient >/dev/null
  child="Patient/$(sed -n 's/.*"id":"\([^"]*\)".*/\1/p' "$work/out.json" | sed -n 1p)"
  bundle "$child" "$school" "$work/bundle.json"
  for _ in $(seq "$warmup"); do post "$work/bundle.json" >/dev/null; done
  : >"$work/$label.times"
  for _ in $(seq "$rounds"); do
    read -r code t < <(post "$work/bundle.json")
    [ "$code" = 200 ] || { echo "transaction answered $code"; cat "$work/out.json"; exit 1; }
    echo "$t" >>"$work/$label.times"
  done
  stop_server
  sort -n "$work/$label.times" | awk -v label="$label" '{ a[NR] = $1 } END {
    m = a[int((NR + 1) / 2)]; p90 = a[int(NR * 0.9 + 0.5)];
    printf "%-20s median %6.0f ms   p90 %6.0f ms   best %6.0f ms   (%.1f ms per resource)\n", label, m * 1000, p90 * 1000, a[1] * 1000, m * 10 }'
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(java -version 2>&1 | sed -n 1p); $rounds transactions of 100 attendance Observations per mode after $warmup warm-up"
on=$(run_mode validation-on true); echo "$on"
off=$(run_mode validation-off false); echo "$off"
awk -v a="$(echo "$on" | awk '{print $3}')" -v b="$(echo "$off" | awk '{print $3}')" \
  'BEGIN { printf "validation costs %.0f ms per transaction of 100 (x%.2f)\n", a - b, a / b }'
