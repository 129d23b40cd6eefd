#!/usr/bin/env python3
"""Fails when a target imports another target of this package that it does not declare in Package.swift.

Usage: scripts/check-target-imports.py   (from the package root; needs `swift package dump-package`)

Such an import compiles only because some declared dependency happens to pull the module in; it breaks the day
that dependency changes, and it hides the real data flow. SwiftPM's --explicit-target-dependency-import-check does
not report it in this toolchain's incremental builds, so CI runs this instead (it needs no build).
"""
import glob
import json
import os
import re
import subprocess
import sys

package = json.loads(subprocess.run(["swift", "package", "dump-package"], check=True, capture_output=True, text=True).stdout)
targets = {t["name"]: t for t in package["targets"]}
IMPORT = re.compile(r"^\s*(?:@testable\s+|@_exported\s+|(?:public|internal|package|private|fileprivate)\s+)*import\s+(?:(?:struct|class|enum|protocol|func|var|let|typealias)\s+)?([A-Za-z_][A-Za-z0-9_]*)")


def declared(target):
    names = set()
    for dep in target["dependencies"]:
        for kind in ("byName", "target"):
            if kind in dep:
                names.add(dep[kind][0])
    return names


problems = []
for name, target in sorted(targets.items()):
    folder = target.get("path") or os.path.join("Tests" if target["type"] == "test" else "Sources", name)
    deps = declared(target)
    for path in sorted(glob.glob(os.path.join(folder, "**", "*.swift"), recursive=True)):
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                m = IMPORT.match(line)
                if m and m.group(1) in targets and m.group(1) != name and m.group(1) not in deps:
                    problems.append(f"{path}:{number}: {name} imports {m.group(1)}, which Package.swift does not list among its dependencies")
if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
print(f"target imports: every import of a package target is declared ({len(targets)} targets)")
