#!/usr/bin/env bash
# Load test of POST /credentials/verify with wrk, loopback only, bounded duration.
#
#   scripts/load-test.sh [DURATION=20s] [CONNECTIONS=32] [CREDENTIAL=vc2]
#
# CREDENTIAL is what each request verifies:
#   vc2         a VC 2.0 credential the server issues (eddsa-rdfc-2022, revocation + suspension entries)
#   edc         a Europass EDC the server issues from samples/templates/micro-credential.json, sealed with
#               its demo e-seal (JAdES, revocation entry)
#   edc-sample  the EU's sealed sample ../shared/edc-samples/ec-elm/v3.1-master/Sample-MC-Annex1-signed.jsonld
#               (147 KiB; SKILLCRED_SHARED overrides ../shared)
#
# Builds release (scratch path $SCRATCH, default .build-release; or BIN=path uses that binary and builds nothing), starts a throwaway server on 127.0.0.1:$PORT with the rate limit
# raised (the load comes from one client), checks one request answers 200, runs wrk, and prints wrk's latency
# distribution, the error count, the server's CPU time per request and its RSS every 10 seconds (flat memory shows no leak; run e.g.
# `scripts/load-test.sh 70s 32` for 100,000 requests at 1,500 req/s).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-20s}"
CONNECTIONS="${2:-32}"
CREDENTIAL="${3:-vc2}"
PORT="${PORT:-18081}"
BASE="http://127.0.0.1:$PORT"
SHARED="${SKILLCRED_SHARED:-$PWD/../shared}"
command -v wrk >/dev/null || { echo "load-test: wrk not found (apt-get install -y wrk)" >&2; exit 2; }
case "$CREDENTIAL" in vc2|edc|edc-sample) ;; *) echo "load-test: CREDENTIAL must be vc2, edc or edc-sample" >&2; exit 2 ;; esac
WORK="$(mktemp -d)"
SERVER=""
SAMPLER=""
trap 'kill $SAMPLER 2>/dev/null || true; [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT

if [ -n "${BIN:-}" ]; then
  # A given binary (scripts/load-ab.sh compares two builds this way): nothing is built.
  [ -x "$BIN" ] || { echo "load-test: BIN=$BIN is not an executable" >&2; exit 2; }
else
  SCRATCH="${SCRATCH:-.build-release}"
  swift build -c release --scratch-path "$SCRATCH" --product skillcred >"$WORK/build.log" 2>&1 \
    || { cat "$WORK/build.log" >&2; exit 1; }
  BIN="$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path 2>/dev/null)/skillcred"
fi
"$BIN" serve --port "$PORT" --data-dir "$WORK/data" --verify-rate 1000000 --log-level warning >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.1; done
TOKEN="$(sed -n 's/^ *demo token: *//p' "$WORK/server.log")"

issue() {
  local code
  code="$(curl -s -o "$WORK/issued.json" -w '%{http_code}' -X POST "$BASE/credentials/issue" \
    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d "$1")"
  case "$code" in 200|201) ;; *) echo "load-test: issuing answered HTTP $code:" >&2; head -c 800 "$WORK/issued.json" >&2; echo >&2; exit 1 ;; esac
  python3 -c 'import json,sys; print(json.dumps({"verifiableCredential": json.load(open(sys.argv[1]))["verifiableCredential"]}))' "$WORK/issued.json"
}
case "$CREDENTIAL" in
  vc2) issue '{"credential":{"@context":["https://www.w3.org/ns/credentials/v2","https://www.w3.org/ns/credentials/examples/v2"],"type":["VerifiableCredential","ExampleAchievementCredential"],"name":"Data Analysis with Python","credentialSubject":{"id":"did:example:learner-1","name":"Alice Example"}}}' >"$WORK/body.json" ;;
  edc) issue '{"template":"micro-credential","recipient":{"id":"L-LOAD","givenName":"Amira","familyName":"Haddad","dateOfBirth":"1985-03-13","email":"amira.1@learner.example","grade":"Merit","date":"2026-06-11","project":"Library loans forecast"},"options":{"format":"edc-jades"}}' >"$WORK/body.json" ;;
  edc-sample)
    SAMPLE="$SHARED/edc-samples/ec-elm/v3.1-master/Sample-MC-Annex1-signed.jsonld"
    [ -f "$SAMPLE" ] || { echo "load-test: $SAMPLE not found" >&2; exit 2; }
    python3 -c 'import json,sys; print(json.dumps({"verifiableCredential": json.load(open(sys.argv[1]))}))' "$SAMPLE" >"$WORK/body.json" ;;
esac
STATUS="$(curl -s -o "$WORK/first.json" -w '%{http_code}' -X POST "$BASE/credentials/verify" -H 'Content-Type: application/json' --data-binary @"$WORK/body.json")"
echo "load-test: $CREDENTIAL, $(wc -c <"$WORK/body.json") bytes per request; first answer HTTP $STATUS, $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("verified", "?"))' "$WORK/first.json" 2>/dev/null) (verified)"
[ "$STATUS" = 200 ] || { echo "load-test: the verification did not answer 200:" >&2; head -c 600 "$WORK/first.json" >&2; exit 1; }

cat >"$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$WORK/body.json", "r"); wrk.body = f:read("*a"); f:close()
done = function(summary, latency, requests)
  io.write(string.format("requests: %d, non-2xx or socket errors: %d\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
echo "RSS at start: $(ps -o rss= -p "$SERVER" | tr -d ' ') KiB"
( while sleep 10; do echo "RSS: $(ps -o rss= -p "$SERVER" | tr -d ' ') KiB"; done ) &
SAMPLER=$!
# The server's own CPU time (utime + stime, fields 14 and 15 of /proc/PID/stat, in clock ticks) per request served:
# wrk shares the machine, so this, not the rate, is what compares between two builds on a busy machine.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER/stat"; }
TICKS_BEFORE="$(cpu_ticks)"
wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$WORK/post.lua" "$BASE/credentials/verify" | tee "$WORK/wrk.out"
TICKS_AFTER="$(cpu_ticks)"
kill $SAMPLER 2>/dev/null || true
SERVED="$(sed -n 's/^requests: \([0-9]*\),.*/\1/p' "$WORK/wrk.out")"
[ -n "$SERVED" ] && [ "$SERVED" -gt 0 ] \
  && echo "server CPU per request: $(( (TICKS_AFTER - TICKS_BEFORE) * 1000000 / $(getconf CLK_TCK) / SERVED )) µs (user + system, $SERVED requests)"
echo "RSS at end:   $(ps -o rss= -p "$SERVER" | tr -d ' ') KiB; machine load: $(cut -d' ' -f1-3 /proc/loadavg)"
