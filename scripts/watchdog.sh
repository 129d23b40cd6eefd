#!/usr/bin/env bash
# Runs a command with a time limit, for CI: when it is still running after LIMIT seconds it is taken for hung, the
# stacks of every thread of the test process are printed (gdb, when installed) so the log says where it hung, the
# command is stopped, and this exits 124. Otherwise it exits with the command's status.
#
#   scripts/watchdog.sh LIMIT COMMAND [ARGUMENT...]
set -uo pipefail
limit="$1"
shift

setsid -w "$@" &
pid=$!
(
  sleep "$limit" </dev/null >/dev/null 2>&1
  kill -0 "$pid" 2>/dev/null || exit 0
  echo "WATCHDOG: '$*' still running after ${limit}s; taken for hung. Thread stacks of the test processes:" >&2
  # The test bundle runs as a child of `swift test` (skillcredPackageTests.xctest, or swiftpm-testing-helper).
  for p in $(pgrep -s "$pid" 2>/dev/null); do
    name=$(cat "/proc/$p/comm" 2>/dev/null)
    case "$name" in
      skillcredPackag* | swiftpm-testing* | skillcred* | openssl | python* | faketime)
        echo "--- pid $p ($name): $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -c1-200)" >&2
        if command -v gdb >/dev/null && [[ "$name" == skillcredPackag* || "$name" == swiftpm-testing* ]]; then
          timeout 120 gdb -p "$p" -batch -nx -ex "set pagination off" -ex "thread apply all bt 25" 2>/dev/null \
            | grep -E '^(Thread|#)' | cut -c1-220 | head -1500 >&2
        fi
        ;;
    esac
  done
  # By session, not process group: swift test starts the test bundle in a process group of its own.
  pkill -TERM -s "$pid" 2>/dev/null
  sleep 10 </dev/null >/dev/null 2>&1
  pkill -KILL -s "$pid" 2>/dev/null
) &
watcher=$!
wait "$pid"
status=$?
kill "$watcher" 2>/dev/null
wait "$watcher" 2>/dev/null
# A process group killed by the watcher reports 143 or 137.
if [ "$status" -eq 143 ] || [ "$status" -eq 137 ]; then exit 124; fi
exit "$status"
