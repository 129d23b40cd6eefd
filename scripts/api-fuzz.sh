#!/usr/bin/env bash
# Property-based API testing with schemathesis against a live `skillcred serve` on loopback: every operation of
# /openapi.yaml gets generated requests (valid and invalid), authenticated with a token of both scopes.
#
# Usage: scripts/api-fuzz.sh [MAX_EXAMPLES]   (default 50 per operation and phase)
#
# Environment: SKILLCRED_BIN (default .build/debug/skillcred, built if missing), API_FUZZ_VENV (default
# .venv-api; schemathesis is installed there from PyPI on first use), API_FUZZ_SEED (a fixed seed, to replay).
#
# Checks: all of schemathesis's, except those scripts/api-fuzz.toml turns off and says why: every response is
# not a 5xx, has a documented status code, content type, headers and body schema; a request that violates the
# schema is refused; a method the document does not declare gets 405 with Allow; a request without the token an
# operation needs is refused.
# Exits non-zero on any failure; the failures are printed with a curl command that reproduces each.
set -euo pipefail
cd "$(dirname "$0")/.."
MAX_EXAMPLES="${1:-50}"
BIN="${SKILLCRED_BIN:-.build/debug/skillcred}"
VENV="${API_FUZZ_VENV:-.venv-api}"

if [ ! -x "$BIN" ]; then swift build --product skillcred; fi
if [ ! -x "$VENV/bin/st" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet schemathesis==4.32.5
fi

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# A free port from the kernel, then the server on it with a fresh data directory (its own demo set-up).
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
TOKEN="$("$BIN" tokens create --scope issue --scope status --name api-fuzz --data-dir "$WORK/data" | grep -Eo '[A-Za-z0-9_-]{32,}' | tail -1)"
[ -n "$TOKEN" ] || { echo "api-fuzz: could not create a token" >&2; exit 1; }
# The rate limit is raised so the run measures behaviour, not the limiter (which has its own tests).
"$BIN" serve --port "$PORT" --data-dir "$WORK/data" --verify-rate 100000 >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
    if curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then cat "$WORK/serve.log" >&2; exit 1; fi
    sleep 0.2
done

SEED_ARGS=()
if [ -n "${API_FUZZ_SEED:-}" ]; then SEED_ARGS=(--seed "$API_FUZZ_SEED"); fi

set +e
# One worker: with several, hypothesis's shared caches have raised internal errors (not findings) on this machine.
"$VENV/bin/st" --config-file scripts/api-fuzz.toml run "http://127.0.0.1:$PORT/openapi.yaml" \
    --max-examples "$MAX_EXAMPLES" --phases examples,coverage,fuzzing \
    -H "Authorization: Bearer $TOKEN" --workers 1 "${SEED_ARGS[@]}"
STATUS=$?
set -e
if grep -q "unexpected failure" "$WORK/serve.log"; then
    echo "api-fuzz: the server logged an unexpected failure:" >&2
    grep "unexpected failure" "$WORK/serve.log" | head -5 >&2
    STATUS=1
fi
exit $STATUS
