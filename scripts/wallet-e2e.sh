#!/usr/bin/env bash
# End-to-end: a Python wallet (tools/wallet-e2e.py: requests, jwcrypto, the sd-jwt reference implementation) receives
# credentials from a live `skillcred serve` over OpenID4VCI 1.0, and is refused where it must be. Offers come from
# `skillcred offers create` (whose QR code must decode, with zbarimg, to the printed link) and from the API.
#
# Usage: scripts/wallet-e2e.sh   Environment: SKILLCRED_BIN (default .build/debug/skillcred), WALLET_VENV (default
# .venv-wallet, made from PyPI on first use).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${SKILLCRED_BIN:-.build/debug/skillcred}"
VENV="${WALLET_VENV:-.venv-wallet}"
if [ ! -x "$BIN" ]; then swift build --product skillcred; fi
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet requests==2.32.5 jwcrypto==1.5.6 sd-jwt==0.10.4
fi
command -v zbarimg >/dev/null || { echo "wallet-e2e: zbarimg (Debian zbar-tools) is required" >&2; exit 1; }

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
BASE="http://127.0.0.1:$PORT"
DATA="$WORK/data"
TEMPLATE=samples/templates/micro-credential.json
head -1 samples/recipients.csv > "$WORK/one.csv"; sed -n 2p samples/recipients.csv >> "$WORK/one.csv"
head -1 samples/recipients.csv > "$WORK/two.csv"; sed -n 3p samples/recipients.csv >> "$WORK/two.csv"

# The learner's offer (CLI, with a transaction code and its QR code), and one whose code expires at once.
"$BIN" offers create --template "$TEMPLATE" --recipients "$WORK/one.csv" --tx-code --out "$WORK/qr" \
    --public-url "$BASE" --data-dir "$DATA" > "$WORK/offer.txt" 2>"$WORK/offer.err"
LEARNER="$(awk 'NR==1{print $1}' "$WORK/offer.txt")"
LINK="$(awk 'NR==1{print $2}' "$WORK/offer.txt")"
TX="$(awk 'NR==1{print $4}' "$WORK/offer.txt")"
DECODED="$(zbarimg --raw -q "$WORK/qr/$LEARNER.png")"
if [ "$DECODED" != "$LINK" ]; then echo "wallet-e2e: the QR code decodes to '$DECODED', not '$LINK'" >&2; exit 1; fi
echo "ok   the offer's QR code (PNG) decodes to its link with zbarimg"
AGAIN="$("$BIN" offers create --template "$TEMPLATE" --recipients "$WORK/one.csv" --public-url "$BASE" --data-dir "$DATA" 2>/dev/null | awk 'NR==1{print $2}')"
[ "$AGAIN" = "$LINK" ] || { echo "wallet-e2e: offers create is not idempotent" >&2; exit 1; }
echo "ok   offers create again gives the learner the same offer"
"$BIN" offers create --template "$TEMPLATE" --recipients "$WORK/two.csv" --valid-days 0.00001 \
    --public-url "$BASE" --data-dir "$DATA" > "$WORK/expired.txt" 2>/dev/null
EXPIRED="$(awk 'NR==1{print $2}' "$WORK/expired.txt")"

TOKEN="$("$BIN" tokens create --scope issue --scope status --name wallet-e2e --data-dir "$DATA" | grep -Eo '[A-Za-z0-9_-]{32,}' | tail -1)"
"$BIN" serve --port "$PORT" --data-dir "$DATA" --public-url "$BASE" --wallet-rate 200 >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
    if curl -fsS "$BASE/healthz" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then cat "$WORK/serve.log" >&2; exit 1; fi
    sleep 0.2
done

# A third learner's offer through the API (the record the wallet will see revoked).
curl -fsS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$BASE/openid4vci/offers" \
    -d '{"template": "micro-credential", "recipient": {"id": "L-0003", "givenName": "Chloé", "familyName": "Dubois", "grade": "Pass", "date": "2026-06-13", "project": "Library opening hours"}}' \
    > "$WORK/api-offer.json"
REVOKED_LINK="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["offerLink"])' "$WORK/api-offer.json")"
REVOKED_ID="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["credentialId"])' "$WORK/api-offer.json")"
PAGE="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["page"])' "$WORK/api-offer.json")"
curl -fsS "$PAGE" > "$WORK/page.html"
grep -q "<svg" "$WORK/page.html" && grep -qF "$(python3 -c 'import html,sys; print(html.escape(sys.argv[1]))' "$REVOKED_LINK")" "$WORK/page.html" \
    || { echo "wallet-e2e: the offer page lacks its QR code or link" >&2; exit 1; }
echo "ok   the offer page shows the QR code with the link under it"
sleep 1

"$VENV/bin/python" tools/wallet-e2e.py --skillcred "$BIN" --data-dir "$DATA" --offer "$LINK" --tx-code "$TX" \
    --expired-offer "$EXPIRED" --revoked-offer "$REVOKED_LINK" --revoked-credential "$REVOKED_ID"
