#!/usr/bin/env bash
# Runs a command with a time limit, for CI: when it is still running after LIMIT seconds it is taken for hung, the
# stacks of every thread of the test process are printed (gdb, when installed) so the log says where it hung, the
# command is stopped, and this exits 124. Otherwise it exits with the command's status. Whatever the command left
# running in its session is killed when it ends.
#
#   scripts/watchdog.sh LIMIT COMMAND [ARGUMENT...]
set -uo pipefail
limit="$1"
shift

# The command leads a session of its own (a background job of a non-interactive shell is not a group leader, so
# setsid does not fork and $! is the session's id): swift test starts the test bundle in another process group, and
# only the session holds both.
setsid -w "$@" &
pid=$!
marker=$(mktemp)
rm -f "$marker"
end_session() {
  pkill -TERM -s "$pid" 2>/dev/null
  sleep 5 </dev/null >/dev/null 2>&1
  pkill -KILL -s "$pid" 2>/dev/null
}
# A CI runner that cancels the job signals this script; the command, in its own session, would not hear it.
trap 'end_session; [ -n "${watcher:-}" ] && kill "$watcher" 2>/dev/null; exit 143' INT TERM HUP

(
  sleep "$limit" </dev/null >/dev/null 2>&1
  kill -0 "$pid" 2>/dev/null || exit 0
  touch "$marker"
  echo "WATCHDOG: '$*' still running after ${limit}s; taken for hung. Thread stacks of the test processes:" >&2
  # The test bundle runs as a child of `swift test` (skillcredPackageTests.xctest, or swiftpm-testing-helper).
  for p in $(pgrep -s "$pid" 2>/dev/null); do
    name=$(cat "/proc/$p/comm" 2>/dev/null)
    case "$name" in
      skillcredPackag* | swiftpm-testing* | skillcred* | openssl | python* | faketime)
        echo "--- pid $p ($name): $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -c1-200)" >&2
        if [[ "$name" == skillcredPackag* || "$name" == swiftpm-testing* ]]; then
          if command -v gdb >/dev/null; then
            timeout 120 gdb -p "$p" -batch -nx -ex "set pagination off" -ex "thread apply all bt 25" 2>&1 \
              | grep -E '^(Thread|#)|ptrace|denied|Could not|not permitted' | cut -c1-220 | head -1500 >&2
          else
            echo "(gdb is not installed: no stacks)" >&2
          fi
        fi
        ;;
    esac
  done
  end_session
) &
watcher=$!

wait "$pid"
status=$?
kill "$watcher" 2>/dev/null
wait "$watcher" 2>/dev/null
# Whatever the command started and left behind (a server, a grandchild holding a pipe) ends with it.
pkill -KILL -s "$pid" 2>/dev/null
if [ -e "$marker" ]; then
  rm -f "$marker"
  exit 124
fi
exit "$status"
