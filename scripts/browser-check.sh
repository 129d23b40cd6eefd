#!/usr/bin/env bash
# Drives Debian's headless Chromium against a running `skillcred serve`: submits a Europass EDC the service
# issued from the micro-credential template (sealed with its demo e-seal) and a tampered copy through the web
# page's form, checks the page says Verified and Failed, and saves screenshots in docs/screenshots/.
#
#   scripts/browser-check.sh            # builds, starts a throwaway server on 127.0.0.1:18080, checks, stops it
#
# Needs: chromium (apt-get install -y chromium), curl, python3. Loopback only; nothing is fetched from the network.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-18080}"
BASE="http://127.0.0.1:$PORT"
CHROMIUM="$(command -v chromium || command -v chromium-browser || true)"
[ -n "$CHROMIUM" ] || { echo "browser-check: chromium not found (apt-get install -y chromium)" >&2; exit 2; }
WORK="$(mktemp -d)"
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$WORK"' EXIT

swift build --product skillcred >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; exit 1; }
BIN="$(swift build --show-bin-path 2>/dev/null)/skillcred"
"$BIN" serve --port "$PORT" --data-dir "$WORK/data" >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.1; done
TOKEN="$(sed -n 's/^ *demo token: *//p' "$WORK/server.log")"
[ -n "$TOKEN" ] || { echo "browser-check: no demo token in the server log" >&2; cat "$WORK/server.log" >&2; exit 1; }

curl -sf -X POST "$BASE/credentials/issue" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"template":"micro-credential","recipient":{"id":"L-0001","givenName":"Amira","familyName":"Haddad","dateOfBirth":"1985-03-13","email":"amira.1@learner.example","grade":"Merit","date":"2026-06-11","project":"Library loans forecast"},"options":{"format":"edc-jades"}}' \
  | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["verifiableCredential"]))' >"$WORK/good.json"
# The learner's name changed inside the sealed payload: the seal no longer matches.
sed 's/Amira/Mallory/g' "$WORK/good.json" >"$WORK/tampered.json"
cmp -s "$WORK/good.json" "$WORK/tampered.json" && { echo "browser-check: tampering changed nothing" >&2; exit 1; }

# A local page holding the form exactly as the service renders it, pre-filled and submitted on load,
# so Chromium posts it to the real server and renders the real result page.
check() { # name file expected lang
  python3 - "$2" "$BASE" "$4" >"$WORK/$1.html" <<'PY'
import html, sys
cred = open(sys.argv[1]).read()
print(f'''<!DOCTYPE html><html><body><form method="post" action="{sys.argv[2]}/?lang={sys.argv[3]}" enctype="multipart/form-data">
<textarea name="json">{html.escape(cred)}</textarea></form><script>document.forms[0].submit()</script></body></html>''')
PY
  "$CHROMIUM" --headless --no-sandbox --disable-gpu --virtual-time-budget=8000 --dump-dom "file://$WORK/$1.html" >"$WORK/$1.dom" 2>/dev/null
  "$CHROMIUM" --headless --no-sandbox --disable-gpu --virtual-time-budget=8000 --window-size=1100,2000 \
    --screenshot="docs/screenshots/$1.png" "file://$WORK/$1.html" >/dev/null 2>&1
  if grep -q "id=\"overall\">$3" "$WORK/$1.dom"; then echo "ok   $1: page shows \"$3\""; else echo "FAIL $1: expected \"$3\"" >&2; return 1; fi
}
check verified "$WORK/good.json" "Result: Verified" en
check failed "$WORK/tampered.json" "Result: Failed" en
check failed-fr "$WORK/tampered.json" "Résultat: Échec" fr
echo "screenshots in docs/screenshots/"
