#!/usr/bin/env bash
# Starts a throwaway release `skillcred serve` on loopback and runs every abuse probe against it
# (scripts/abuse-check.py), printing each probe's figure and the server's peak memory.
# Usage: scripts/abuse-check.sh [PORT]   (loopback only; the server and its data directory are removed after)
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${1:-8099}"
IDLE_TIMEOUT="${IDLE_TIMEOUT:-30}"
swift build -c release --product skillcred >/dev/null
DATA="$(mktemp -d)"
BIN="$(swift build -c release --show-bin-path)/skillcred"
"$BIN" serve --port "$PORT" --data-dir "$DATA/data" --idle-timeout "$IDLE_TIMEOUT" --log-level warning >"$DATA/serve.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
# Memory every second while the probes run.
( peak=0; while kill -0 $PID 2>/dev/null; do
    rss=$(awk '/VmRSS/ {print $2}' /proc/$PID/status 2>/dev/null || echo 0)
    [ "${rss:-0}" -gt "$peak" ] && peak=$rss && echo "$peak" >"$DATA/peak"
    sleep 1
  done ) &
IDLE_TIMEOUT="$IDLE_TIMEOUT" python3 scripts/abuse-check.py "http://127.0.0.1:$PORT"
status=$?
peak_kb=$(cat "$DATA/peak" 2>/dev/null || echo 0)
echo "server peak RSS: $((peak_kb / 1024)) MB (goal < 150 MB)"
mode=$(stat -c %a "$DATA/data"); reg=$(stat -c %a "$DATA/data/registry.sqlite")
echo "data directory mode $mode, registry mode $reg (goal 700 / 600)"
[ "$((peak_kb / 1024))" -lt 150 ] && [ "$mode" = 700 ] && [ "$reg" = 600 ] && exit $status
exit 1
