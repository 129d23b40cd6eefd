#!/usr/bin/env bash
# skillcred against PyLD 3.3, same inputs, same run: prints a Markdown table of medians and ratios.
#
#   scripts/bench-peers.sh [ROUNDS=5] [RUNS=200]
#
# Builds skillcred-bench (release), creates .venv-bench with PyLD 3.3.0 and cryptography from PyPI when it is
# missing, signs vc2-small and vc2-large with a fixed throwaway seed (eddsa-rdfc-2022, PyLD's side, so both
# sides verify the very same bytes), then runs ROUNDS rounds, each `skillcred-bench peers` and
# `tools/bench-pyld.py run` one after the other (RUNS timings per case and side; the rdf-canon eval set RUNS/20).
# A case's figure is the median of its round medians, so a busy minute on a shared machine moves both sides.
# Cases: canon-vc2-large (samples/vc2-large.json, 310 quads), canon-learning (the learning credential
# LEARNING, default samples/issued/vc2/micro-credential/L-0001.json: the ELM model as VC 2.0), rdfc-eval
# (rdf-canon's eval inputs from N-Quads, test074 excepted), verify-small / verify-large (eddsa-rdfc-2022:
# skillcred through its whole CredentialVerifier, PyLD the verifier of tools/di-crosscheck.py); skillcred alone:
# edc-profile and verify-edc (the EU's sealed sample), issue-vc2 (one row of `skillcred issue --format vc2` from the
# sample template: build, check, sign, write; no registry, no file), status-read (one status list read from an SQLite
# registry, what the service's verification of its own credentials does per status entry).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${1:-5}"
RUNS="${2:-200}"
SHARED="${SKILLCRED_SHARED:-$PWD/../shared}"
RDFC_DIR="$SHARED/vectors/rdf-canon/tests/rdfc10"
LEARNING="${LEARNING:-samples/issued/vc2/micro-credential/L-0001.json}"
[ -d "$RDFC_DIR" ] || { echo "bench-peers: $RDFC_DIR not found (set SKILLCRED_SHARED)" >&2; exit 2; }

swift build -c release --product skillcred-bench >/tmp/bench-peers-build.log 2>&1 \
  || { cat /tmp/bench-peers-build.log >&2; exit 1; }
BENCH="$(swift build -c release --show-bin-path)/skillcred-bench"
if [ ! -x .venv-bench/bin/python ]; then
  python3 -m venv .venv-bench
  .venv-bench/bin/pip install --quiet pyld==3.3.0 cryptography==51.0.1
fi
PYTHON=.venv-bench/bin/python

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cp samples/vc2-small.json samples/vc2-large.json "$WORK/"
cp "$LEARNING" "$WORK/learning.json"
# The EU's sealed 147 KB sample: skillcred-bench times its EDC profile walk and whole verification too.
cp "$SHARED/edc-samples/ec-elm/v3.1-master/Sample-MC-Annex1-signed.jsonld" "$WORK/edc-sample.json" 2>/dev/null || true
# RFC 8032's first test seed: a public throwaway key, used only to sign the two benchmark inputs.
"$PYTHON" tools/bench-pyld.py prepare "$WORK" 9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60

for round in $(seq 1 "$ROUNDS"); do
  "$BENCH" peers "$WORK" "$RDFC_DIR" "$RUNS" | sed -n 's/^PEER /skillcred /p' >>"$WORK/results"
  "$PYTHON" tools/bench-pyld.py run "$WORK" "$RDFC_DIR" "$RUNS" | sed -n 's/^PEER /pyld /p' >>"$WORK/results"
  echo "bench-peers: round $round of $ROUNDS done" >&2
done

"$PYTHON" - "$WORK/results" "$ROUNDS" "$RUNS" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY'
import collections, statistics, sys
results, rounds, runs, cores, load = sys.argv[1:6]
samples = collections.defaultdict(list)
for line in open(results):
    side, case, micros = line.split()
    samples[(side, case)].append(float(micros))
rows = [
    ("canon-vc2-large", "canonicalize `samples/vc2-large.json` from JSON-LD (310 quads)"),
    ("canon-learning", "canonicalize the learning credential from JSON-LD"),
    ("rdfc-eval", "rdf-canon eval set from N-Quads (test074 excepted)"),
    ("verify-small", "verify eddsa-rdfc-2022, `vc2-small` (skillcred: whole `CredentialVerifier`)"),
    ("verify-large", "verify eddsa-rdfc-2022, `vc2-large` (skillcred: whole `CredentialVerifier`)"),
    ("edc-profile", "EDC profile walk of the EU's 147 KB sealed sample (skillcred only)"),
    ("verify-edc", "verify the EU's 147 KB sealed sample, whole `CredentialVerifier` (skillcred only)"),
    ("issue-vc2", "issue one VC 2.0 from the sample template: build, check, sign, write (skillcred only; no registry, no file)"),
    ("status-read", "read a 131,072-bit status list from the SQLite registry, as each verification does per entry (skillcred only)"),
]
def show(micros):
    return "%.2f ms" % (micros / 1000) if micros >= 1000 else "%.0f µs" % micros
print("%s rounds × %s runs, medians of round medians; %s cores, load %s" % (rounds, runs, cores, load))
print()
print("| work | skillcred | PyLD 3.3 (same run) | ratio |")
print("|---|---|---|---|")
for case, label in rows:
    ours, theirs = samples.get(("skillcred", case)), samples.get(("pyld", case))
    if not ours or not theirs:
        print("| %s | %s | %s | |" % (label, ours and show(statistics.median(ours)) or "–", theirs and show(statistics.median(theirs)) or "–"))
        continue
    a, b = statistics.median(ours), statistics.median(theirs)
    print("| %s | %s | %s | %.1f× |" % (label, show(a), show(b), b / a))
PY
