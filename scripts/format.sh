#!/usr/bin/env bash
# Formats the Swift sources with the toolchain's swift-format and .swift-format; `--check` only reports (exit 1)
# which files differ. Generated files (*.generated.swift) are left as their generators write them.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.swift' | grep -v '\.generated\.swift$' | grep -v '^Package\.swift$')
if [ "${1:-}" = "--check" ]; then
  stale=()
  for f in "${files[@]}"; do
    if ! swift format --configuration .swift-format "$f" | cmp -s - "$f"; then stale+=("$f"); fi
  done
  if [ ${#stale[@]} -gt 0 ]; then
    printf 'not formatted (run scripts/format.sh): %s\n' "${stale[@]}" >&2
    exit 1
  fi
  echo "format: ${#files[@]} Swift files as .swift-format has them"
else
  swift format --in-place --configuration .swift-format "${files[@]}"
fi
