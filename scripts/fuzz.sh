#!/usr/bin/env bash
# Coverage-guided fuzzing of the parsers with libFuzzer + AddressSanitizer (the harnesses live in Fuzz/, a
# separate SwiftPM package that depends on this one by path).
#
# Usage: scripts/fuzz.sh TARGET SECONDS
#   TARGET: FuzzJSON | FuzzNQuads | FuzzJSONLD | FuzzJAdES | FuzzRDFC | FuzzStatusList | FuzzJWT | FuzzRecipients
#           | FuzzMultipart | FuzzDIDDocument | all
#           (the "Fuzz" prefix may be left off: json, nquads, jsonld, jades, rdfc, statuslist, jwt, recipients,
#           multipart, diddocument)
#   SECONDS: how long each target runs (all: each target gets SECONDS).
#
# Builds Fuzz/ in release mode with --sanitize=fuzzer --sanitize=address into Fuzz/.build, seeds a working
# corpus in Fuzz/corpus-work/<target> from Fuzz/seeds/<target> and the repository's and ../shared's samples
# (files no longer than the target's -max_len), runs the fuzzer, and prints executions and exec/s.
# Exits non-zero when a target crashes, times out or runs out of memory; the input that did it is kept in
# Fuzz/artifacts/<target>/ and its path is printed. Reproduce with: <binary> <crash-file>.
#
# Environment: FUZZ_NICE (default 10), FUZZ_ARGS (extra libFuzzer flags), FUZZ_NO_BUILD=1 (reuse binaries),
# FUZZ_DETECT_LEAKS=1 (turn LeakSanitizer back on; off by default, see below), FUZZ_SCRATCH (build directory,
# default Fuzz/.build). scripts/ci-fuzz.sh builds every target in one go and then runs this with FUZZ_NO_BUILD=1.
# Fuzz/.build, Fuzz/corpus-work and Fuzz/artifacts are git-ignored.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
FUZZ="$ROOT/Fuzz"
SHARED="$(cd "$ROOT/.." && pwd)/shared"
NICE="${FUZZ_NICE:-10}"
ALL=(FuzzJSON FuzzNQuads FuzzJSONLD FuzzJAdES FuzzRDFC FuzzStatusList FuzzJWT FuzzRecipients FuzzMultipart FuzzDIDDocument)
SCRATCH="${FUZZ_SCRATCH:-$FUZZ/.build}"

usage() { echo "usage: $0 {${ALL[*]}|all} SECONDS" | tr ' ' '|' >&2; exit 2; }
[ $# -eq 2 ] || usage
SECONDS_PER_TARGET="$2"
[[ "$SECONDS_PER_TARGET" =~ ^[0-9]+$ ]] || usage

canonical() {
    local t
    for t in "${ALL[@]}"; do
        if [ "${1,,}" = "${t,,}" ] || [ "fuzz${1,,}" = "${t,,}" ]; then echo "$t"; return 0; fi
    done
    return 1
}
if [ "$1" = all ]; then TARGETS=("${ALL[@]}"); else TARGETS=("$(canonical "$1")") || usage; fi

# Per target: -max_len, and the external seed files (globs; only files <= max_len are copied).
max_len() {
    case "$1" in
        FuzzJSON) echo 4096 ;;
        FuzzNQuads) echo 4096 ;;
        FuzzJSONLD) echo 4096 ;;
        FuzzJAdES) echo 24576 ;;   # a sealed sample credential is ~18 KB
        FuzzRDFC) echo 2048 ;;
        FuzzStatusList) echo 4096 ;;
        FuzzJWT) echo 4096 ;;
        FuzzRecipients) echo 4096 ;;
        FuzzMultipart) echo 4096 ;;
        FuzzDIDDocument) echo 4096 ;;
    esac
}

seed_files() {
    case "$1" in
        FuzzJSON)
            find "$ROOT/samples" -name '*.json'
            find "$SHARED/vectors/json-ld-api" -name '*-in.jsonld' 2>/dev/null | head -300
            find "$SHARED/edc-samples" -name '*.jsonld' 2>/dev/null ;;
        FuzzNQuads)
            find "$SHARED/vectors/rdf-canon" -name '*.nq' 2>/dev/null
            find "$SHARED/vectors/json-ld-api" -name '*-out.nq' 2>/dev/null | head -300 ;;
        FuzzJSONLD)
            find "$ROOT/samples" -maxdepth 1 -name '*.json'
            find "$SHARED/vectors/json-ld-api" -path '*toRdf*' -name '*-in.jsonld' 2>/dev/null
            find "$SHARED/edc-samples" -name '*.jsonld' 2>/dev/null ;;
        FuzzJAdES)
            find "$ROOT/samples/issued/edc" -name 'L-000[1-3].json' ;;
        FuzzRDFC)
            find "$SHARED/vectors/rdf-canon" -name '*-in.nq' 2>/dev/null ;;
        FuzzStatusList) ;;   # encodedList values are extracted below
        FuzzJWT)
            find "$SHARED/vectors/test-suites/vc-jose-cose" -name '*-jose-*.txt' 2>/dev/null
            find "$SHARED/vectors/vc-jose-cose" -name '*.jose.txt' 2>/dev/null ;;
        FuzzRecipients)
            find "$ROOT/samples" -maxdepth 1 -name '*.csv' ;;
        FuzzMultipart) ;;    # hand-written forms only (Fuzz/seeds/FuzzMultipart)
        FuzzDIDDocument)
            find "$SHARED/vectors/vc-jose-cose" -name '*controlled-identifier-document*.json' 2>/dev/null ;;
    esac
}

build() {
    [ "${FUZZ_NO_BUILD:-0}" = 1 ] && return 0
    # Pin the same dependency versions as the root package (Package.resolved is git-ignored).
    [ -f "$FUZZ/Package.resolved" ] || cp "$ROOT/Package.resolved" "$FUZZ/Package.resolved"
    # SwiftPM keeps the build plan of a path dependency until the manifest changes, so a source file added to or
    # removed from the root package would otherwise fail the build ("missing inputs", "cannot find … in scope").
    touch "$FUZZ/Package.swift"
    echo "== building $1 (release, fuzzer+address)" >&2
    # The extra -Xswiftc flag: SwiftPM's two -sanitize flags come in a varying order and swiftc keeps the last one,
    # which left some builds without coverage instrumentation (see scripts/ci-fuzz.sh).
    nice -n "$NICE" swift build -c release --package-path "$FUZZ" --scratch-path "$SCRATCH" \
        --product "$1" --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library \
        2>&1 | grep -E 'error|Build of|Compiling Fuzz' >&2
    return "${PIPESTATUS[0]}"
}

BIN_DIR="$SCRATCH/release"
STATUS=0
SUMMARY=()
for TARGET in "${TARGETS[@]}"; do
    if ! build "$TARGET"; then echo "build of $TARGET failed" >&2; exit 3; fi
    MAXLEN="$(max_len "$TARGET")"
    CORPUS="$FUZZ/corpus-work/$TARGET"
    SEEDS="$FUZZ/corpus-work/$TARGET-seeds"
    ART="$FUZZ/artifacts/$TARGET"
    mkdir -p "$CORPUS" "$ART"
    rm -rf "$SEEDS"; mkdir -p "$SEEDS"
    cp "$FUZZ/seeds/$TARGET/"* "$SEEDS/" 2>/dev/null
    i=0
    while IFS= read -r f; do
        [ -f "$f" ] && [ "$(stat -c %s "$f")" -le "$MAXLEN" ] || continue
        cp "$f" "$SEEDS/ext-$i-$(basename "$f")"; i=$((i + 1))
    done < <(seed_files "$TARGET")
    if [ "$TARGET" = FuzzStatusList ]; then
        # Every encodedList in the shared vectors, as mode byte 0 (prefix required, default limit) + the value.
        grep -rhoE '"encodedList" *: *"[^"]+"' "$SHARED/vectors" 2>/dev/null | sed -E 's/.*: *"([^"]+)"/\1/' | sort -u |
            while IFS= read -r v; do
                [ "${#v}" -lt "$MAXLEN" ] || continue
                i=$((i + 1)); printf '\000%s' "$v" >"$SEEDS/ext-encodedList-$i"
            done
    fi
    LOG="$ART/last-run.log"
    START="$(date +%s)"
    echo "== fuzzing $TARGET for ${SECONDS_PER_TARGET}s (max_len $MAXLEN, $(ls "$SEEDS" | wc -l) seeds, $(ls "$CORPUS" | wc -l) in corpus); log: $LOG" >&2
    # LeakSanitizer is off by default: libFuzzer's own -detect_leaks checks each input, and leaks reported
    # from inside the Swift runtime (metadata caches, one-time globals) are not project leaks.
    LEAKS=0; [ "${FUZZ_DETECT_LEAKS:-0}" = 1 ] && LEAKS=1
    # shellcheck disable=SC2086
    ASAN_OPTIONS="detect_leaks=$LEAKS:abort_on_error=0:symbolize=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}" \
        nice -n "$NICE" "$BIN_DIR/$TARGET" -max_len="$MAXLEN" -max_total_time="$SECONDS_PER_TARGET" \
        -timeout=25 -rss_limit_mb=2048 -detect_leaks="$LEAKS" -print_final_stats=1 -artifact_prefix="$ART/" \
        ${FUZZ_ARGS:-} "$CORPUS" "$SEEDS" >"$LOG" 2>&1
    RC=$?
    EXECS="$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$LOG" | grep -oE '[0-9]+$' | tail -1)"
    RATE="$(grep -oE 'stat::average_exec_per_sec: *[0-9]+' "$LOG" | grep -oE '[0-9]+$' | tail -1)"
    if [ -z "$EXECS" ]; then   # no final stats (killed): fall back to the last status line
        EXECS="$(grep -oE '^#[0-9]+' "$LOG" | tail -1 | tr -d '#')"
        RATE="$(grep -oE 'exec/s: [0-9]+' "$LOG" | tail -1 | grep -oE '[0-9]+')"
    fi
    COV="$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$LOG" | tail -1)"
    FOUND="$(find "$ART" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' -o -name 'slow-unit-*' \) -newermt "@$START" | sort)"
    LINE="$TARGET: executions ${EXECS:-?}, exec/s ${RATE:-?}, ${COV:-cov ?}, corpus $(ls "$CORPUS" | wc -l), exit $RC"
    if [ "$RC" -ne 0 ]; then
        STATUS=1
        LINE="$LINE — FAILED"
        for f in $FOUND; do LINE="$LINE"$'\n'"    input: $f"$'\n'"    reproduce: $BIN_DIR/$TARGET $f"; done
        echo "---- $TARGET failure (from $LOG) ----" >&2
        grep -E 'ERROR|Fatal error|#[0-9]+ 0x|SUMMARY|Test unit written|==[0-9]+==' "$LOG" | head -40 >&2
    fi
    echo "$LINE"
    SUMMARY+=("$LINE")
done
if [ "${#TARGETS[@]}" -gt 1 ]; then
    echo "== summary"; printf '%s\n' "${SUMMARY[@]}"
fi
exit "$STATUS"
