#!/bin/sh
# Regenerates samples/open-badges/data-analysis.json: the Open Badges 3.0 credential in
# samples/open-badges/data-analysis.unsigned.json, its issuer set to a Profile whose id is a throwaway Ed25519 key's
# did:key, signed with eddsa-rdfc-2022 by `skillcred sign`. The key exists only in a temporary folder while this runs
# and is deleted at the end, so nobody can sign anything more under the sample's issuer and no private key is ever
# committed. `skillcred verify samples/open-badges/data-analysis.json` then shows the achievement, its criteria and
# alignments (add `--esco samples/esco/skills_en.csv` for the ESCO label).
#
# Usage: scripts/make-open-badge-sample.sh
#   SKILLCRED=path/to/skillcred   the binary to sign with (default: `swift build --product skillcred`'s)
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
if [ -z "${SKILLCRED:-}" ]; then
    swift build --product skillcred >/dev/null
    SKILLCRED="$(swift build --show-bin-path)/skillcred"
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT INT TERM
umask 077

"$SKILLCRED" keys generate --type ed25519 --name ob-sample-issuer --dir "$WORK/keys" >/dev/null 2>&1
DID=$("$SKILLCRED" keys show ob-sample-issuer --dir "$WORK/keys" | sed -n 's/.*"did" *: *"\(did:key:[^"]*\)".*/\1/p')
[ -n "$DID" ] || { echo "make-open-badge-sample: no did:key for the throwaway key" >&2; exit 1; }

# OB 3.0 wants the issuer as a Profile (id, type, name), not the bare id `sign` would fill in.
python3 - "$DID" samples/open-badges/data-analysis.unsigned.json > "$WORK/unsigned.json" <<'PY'
import json, sys
did, path = sys.argv[1], sys.argv[2]
with open(path, encoding="utf-8") as f:
    credential = json.load(f)
issuer = {"id": did, "type": ["Profile"], "name": "Example Academy (sample issuer)", "url": "https://academy.example"}
out = {}
for key, value in credential.items():
    out[key] = value
    if key == "name":
        out["issuer"] = issuer
json.dump(out, sys.stdout, indent=2, ensure_ascii=False)
PY

umask 022
"$SKILLCRED" sign --key ob-sample-issuer --keys-dir "$WORK/keys" --issuer-check "$WORK/unsigned.json" \
    > samples/open-badges/data-analysis.json
echo "wrote samples/open-badges/data-analysis.json (issuer $DID); the key is deleted"
