#!/usr/bin/env bash
# Two builds of skillcred under the same load, alternating, so that both meet the same minutes of a shared host.
#
#   scripts/load-ab.sh BIN_A BIN_B [CREDENTIAL=vc2] [ROUNDS=3] [DURATION=8s] [CONNECTIONS=32]
#
# Each round runs scripts/load-test.sh (BIN=…, nothing built) with A, then with B; CREDENTIAL as there (vc2, edc,
# edc-sample). Prints each run's rate, p99 and server CPU per request, then the medians and B's ratios to A. On a host
# whose speed drifts (this project's CI machine changes by up to 2× from one minute to the next), a ratio measured
# this way is what compares across days; absolute figures are the minute's. To set a goal's figure against the
# code it was set for, build that revision (git worktree, `swift build -c release --product skillcred`) as A.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { sed -n '2,11p' "$0" >&2; exit 2; }
A="$1"; B="$2"; CREDENTIAL="${3:-vc2}"; ROUNDS="${4:-3}"; DURATION="${5:-8s}"; CONNECTIONS="${6:-32}"
for bin in "$A" "$B"; do [ -x "$bin" ] || { echo "load-ab: $bin is not an executable" >&2; exit 2; }; done
RESULTS="$(mktemp)"
trap 'rm -f "$RESULTS"' EXIT
run() {
  local label="$1" bin="$2" out
  out="$(BIN="$bin" scripts/load-test.sh "$DURATION" "$CONNECTIONS" "$CREDENTIAL" 2>&1)" || { echo "$out" >&2; exit 1; }
  local rate p99 cpu errors
  rate="$(echo "$out" | awk '/Requests\/sec/ { print $2 }')"
  p99="$(echo "$out" | awk '$1 == "99%" { v = $2; if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } print v }')"
  cpu="$(echo "$out" | sed -n 's/^server CPU per request: \([0-9]*\) µs.*/\1/p')"
  errors="$(echo "$out" | sed -n 's/.*non-2xx or socket errors: \([0-9]*\).*/\1/p')"
  echo "$label $rate $p99 $cpu $errors" >>"$RESULTS"
  printf 'round %s %s: %s req/s, p99 %s ms, %s µs server CPU per request, %s errors\n' "$round" "$label" "$rate" "$p99" "$cpu" "$errors"
}
for round in $(seq 1 "$ROUNDS"); do
  run A "$A"
  run B "$B"
done
python3 - "$RESULTS" "$CREDENTIAL" "$ROUNDS" "$DURATION" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
def median(label, column):
    return statistics.median(float(row[column]) for row in rows if row[0] == label)
a = [median("A", c) for c in (1, 2, 3)]
b = [median("B", c) for c in (1, 2, 3)]
errors = sum(int(row[4] or 0) for row in rows)
print(f"\n{sys.argv[2]}, {sys.argv[3]} rounds of {sys.argv[4]}, medians:")
print("| build | req/s | p99 ms | server CPU µs per request |")
print("|---|---|---|---|")
print(f"| A | {a[0]:,.0f} | {a[1]:.1f} | {a[2]:,.0f} |")
print(f"| B | {b[0]:,.0f} | {b[1]:.1f} | {b[2]:,.0f} |")
print(f"| B / A | {b[0] / a[0]:.2f}× | {b[1] / a[1]:.2f}× | {b[2] / a[2]:.2f}× |")
print(f"errors: {errors}")
PY
