#!/usr/bin/env bash
# Load test of POST /credentials/verify with wrk, loopback only, bounded duration.
#
#   scripts/load-test.sh [DURATION=20s] [CONNECTIONS=32]
#
# Builds release, starts a throwaway server on 127.0.0.1:18081 with the rate limit raised (the load comes
# from one client), issues one VC 2.0 credential through the API, and runs wrk against /credentials/verify.
# Prints wrk's latency distribution (p50/p99) and the server's RSS before and after.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-20s}"
CONNECTIONS="${2:-32}"
PORT="${PORT:-18081}"
BASE="http://127.0.0.1:$PORT"
command -v wrk >/dev/null || { echo "load-test: wrk not found (apt-get install -y wrk)" >&2; exit 2; }
WORK="$(mktemp -d)"
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$WORK"' EXIT

swift build -c release --product skillcred >/dev/null
BIN="$(swift build -c release --show-bin-path)/skillcred"
"$BIN" serve --port "$PORT" --data-dir "$WORK/data" --verify-rate 1000000 --log-level warning >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.1; done
TOKEN="$(sed -n 's/^ *demo token: *//p' "$WORK/server.log")"
curl -sf -X POST "$BASE/credentials/issue" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"credential":{"@context":["https://www.w3.org/ns/credentials/v2","https://www.w3.org/ns/credentials/examples/v2"],"type":["VerifiableCredential","ExampleAchievementCredential"],"name":"Data Analysis with Python","credentialSubject":{"id":"did:example:learner-1","name":"Alice Example"}}}' \
  | python3 -c 'import json,sys; print(json.dumps({"verifiableCredential": json.load(sys.stdin)["verifiableCredential"]}))' >"$WORK/body.json"
cat >"$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$WORK/body.json", "r"); wrk.body = f:read("*a"); f:close()
done = function(summary, latency, requests)
  io.write(string.format("non-2xx or socket errors: %d\n", summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
echo "RSS before: $(ps -o rss= -p "$SERVER") KiB"
wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$WORK/post.lua" "$BASE/credentials/verify"
echo "RSS after:  $(ps -o rss= -p "$SERVER") KiB"
