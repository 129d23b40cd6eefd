#!/usr/bin/env bash
# Bounded fuzzing for CI: builds every libFuzzer harness in Fuzz/ with one `swift build` (release, fuzzer +
# address sanitizers, over the root package's narrow "SkillcredParsers" product), then runs each target for
# SECONDS with its seeds (scripts/fuzz.sh all SECONDS, without rebuilding).
#
# Usage: scripts/ci-fuzz.sh [SECONDS]     (default 30 per target; 10 targets)
#
# Exits 0 when no target crashed, timed out or ran out of memory; 1 otherwise, after printing for each failure
# the saved input (Fuzz/artifacts/<target>/crash-…) and the command that reproduces it; 3 when the build fails.
# Environment: FUZZ_SCRATCH (build directory, default Fuzz/.build), FUZZ_NICE (default 10), FUZZ_ARGS.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
FUZZ="$ROOT/Fuzz"
SECONDS_PER_TARGET="${1:-30}"
[[ "$SECONDS_PER_TARGET" =~ ^[0-9]+$ ]] || { echo "usage: $0 [SECONDS]" >&2; exit 2; }
export FUZZ_SCRATCH="${FUZZ_SCRATCH:-$FUZZ/.build}"
NICE="${FUZZ_NICE:-10}"

# Pin the same dependency versions as the root package (Fuzz/Package.resolved is git-ignored).
[ -f "$FUZZ/Package.resolved" ] || cp "$ROOT/Package.resolved" "$FUZZ/Package.resolved"
# SwiftPM keeps the build plan of a path dependency until the manifest changes, so a source file added to or
# removed from the root package since the last build would fail a reused build directory.
touch "$FUZZ/Package.swift"
echo "== building every harness (release, fuzzer+address) into $FUZZ_SCRATCH" >&2
BUILD_START="$(date +%s)"
BUILD_LOG="$(mktemp)"
# One `swift build --product` per harness (the shared modules are compiled once; each later product only links).
# `-Xswiftc -sanitize=fuzzer,address` repeats what --sanitize asks for in one flag: SwiftPM passes its two
# -sanitize flags in an order that changes from run to run, and swiftc keeps only the last, so a build whose
# last flag was `address` had no coverage instrumentation and libFuzzer only replayed the seeds.
HARNESSES=(FuzzJSON FuzzNQuads FuzzJSONLD FuzzJAdES FuzzRDFC FuzzStatusList FuzzJWT FuzzRecipients FuzzMultipart FuzzDIDDocument)
for HARNESS in "${HARNESSES[@]}"; do
    nice -n "$NICE" swift build -c release --package-path "$FUZZ" --scratch-path "$FUZZ_SCRATCH" --product "$HARNESS" \
        --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library >>"$BUILD_LOG" 2>&1
    BUILD_RC=$?
    if [ "$BUILD_RC" -ne 0 ]; then
        grep -E 'error' -A3 "$BUILD_LOG" | head -60 >&2
        echo "ci-fuzz: the fuzz build of $HARNESS failed (exit $BUILD_RC)" >&2
        rm -f "$BUILD_LOG"
        exit 3
    fi
    # A harness without coverage counters would "pass" without exploring anything: refuse that outright.
    # grep -c reads all of nm's output: with -q, nm could die of SIGPIPE and pipefail would read that as no match.
    if ! nm "$FUZZ_SCRATCH/release/$HARNESS.build/"*.o 2>/dev/null | grep -c '__sanitizer_cov' >/dev/null; then
        echo "ci-fuzz: $HARNESS was built without coverage instrumentation (no __sanitizer_cov symbols)" >&2
        rm -f "$BUILD_LOG"
        exit 3
    fi
done
rm -f "$BUILD_LOG"
echo "== built in $(( $(date +%s) - BUILD_START ))s" >&2

FUZZ_NO_BUILD=1 "$ROOT/scripts/fuzz.sh" all "$SECONDS_PER_TARGET"
STATUS=$?
if [ "$STATUS" -ne 0 ]; then
    echo "ci-fuzz: FAILED — a target crashed, timed out or ran out of memory; the inputs and reproduce commands are above" \
         "(each target's log: Fuzz/artifacts/<target>/last-run.log)" >&2
    exit 1
fi
echo "ci-fuzz: every target ran ${SECONDS_PER_TARGET}s without a crash, timeout or out-of-memory" >&2
