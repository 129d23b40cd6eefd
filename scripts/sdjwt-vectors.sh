#!/usr/bin/env bash
# The SD-JWT reference implementation (PyPI sd-jwt, pinned) in .venv-sdjwt, then its test vectors on stdout.
# The cross-implementation test (CredentialVerificationTests, "SD-JWT VC agrees with the reference implementation")
# runs tools/sdjwt-vectors.py itself when SKILLCRED_SDJWT_PYTHON names this venv's python:
#   scripts/sdjwt-vectors.sh >/dev/null && SKILLCRED_SDJWT_PYTHON=$PWD/.venv-sdjwt/bin/python swift test --filter SDJWT
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv-sdjwt/bin/python ] || ! .venv-sdjwt/bin/python -c 'import sd_jwt' 2>/dev/null; then
  python3 -m venv .venv-sdjwt
  .venv-sdjwt/bin/pip install --quiet sd-jwt==0.10.4
fi
exec .venv-sdjwt/bin/python tools/sdjwt-vectors.py
