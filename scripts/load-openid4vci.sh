#!/usr/bin/env bash
# Load figure of the OpenID4VCI credential endpoint: SD-JWT VCs delivered per second on loopback (release build).
#
#   scripts/load-openid4vci.sh [DURATION=10s] [CONNECTIONS=16] [PROOFS=6000]
#
# Builds release (scratch path $SCRATCH, default .build-release), starts a throwaway `skillcred serve` on
# 127.0.0.1:$PORT with a fresh SQLite registry, makes one offer and redeems it, then a wallet (.venv-wallet:
# jwcrypto) fetches PROOFS nonces and signs one ES256 key proof per nonce beforehand, so that the measured load
# is the issuer's alone. wrk sends each proof once (a replay would be refused); every answer must be 200. If the
# requests printed come close to PROOFS, wrk ran out before the time was up and the rate is a lower bound.
# Needs wrk (apt-get install -y wrk) and the wallet venv of scripts/wallet-e2e.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-10s}"
CONNECTIONS="${2:-16}"
PROOFS="${3:-6000}"
PORT="${PORT:-18083}"
SCRATCH="${SCRATCH:-.build-release}"
BASE="http://127.0.0.1:$PORT"
VENV="${WALLET_VENV:-.venv-wallet}"
command -v wrk >/dev/null || { echo "load-openid4vci: wrk not found (apt-get install -y wrk)" >&2; exit 2; }
[ -x "$VENV/bin/python" ] || { echo "load-openid4vci: run scripts/wallet-e2e.sh once to make $VENV" >&2; exit 2; }
swift build -c release --product skillcred --scratch-path "$SCRATCH" >/dev/null
BIN="$SCRATCH/release/skillcred"
WORK="$(mktemp -d)"
SERVER=""
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT

head -2 samples/recipients.csv > "$WORK/one.csv"
LINK="$("$BIN" offers create --template samples/templates/micro-credential.json --recipients "$WORK/one.csv" \
    --public-url "$BASE" --data-dir "$WORK/data" 2>/dev/null | awk 'NR==1{print $2}')"
"$BIN" serve --port "$PORT" --data-dir "$WORK/data" --public-url "$BASE" --wallet-rate 1000000 --log-level warning >"$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

"$VENV/bin/python" - "$LINK" "$PROOFS" "$WORK/bodies.txt" "$WORK/token.txt" <<'PY'
import json, sys, time, urllib.parse
import requests
from jwcrypto.jwk import JWK
from jwcrypto.jws import JWS
link, count, bodies, token_file = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
offer = requests.get(urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["credential_offer_uri"][0]).json()
issuer = offer["credential_issuer"]
code = offer["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]["pre-authorized_code"]
token = requests.post(issuer + "/openid4vci/token", data={"grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code",
                                                           "pre-authorized_code": code}).json()["access_token"]
open(token_file, "w").write(token)
key = JWK.generate(kty="EC", crv="P-256")
header = json.dumps({"alg": "ES256", "typ": "openid4vci-proof+jwt", "jwk": key.export_public(as_dict=True)})
session = requests.Session()
start = time.time()
with open(bodies, "w") as out:
    for _ in range(count):
        nonce = session.post(issuer + "/openid4vci/nonce").json()["c_nonce"]
        jws = JWS(json.dumps({"aud": issuer, "iat": int(time.time()), "nonce": nonce}).encode())
        jws.add_signature(key, alg="ES256", protected=header)
        out.write(json.dumps({"credential_configuration_id": "learning_achievement_dc_sd_jwt",
                              "proofs": {"jwt": [jws.serialize(compact=True)]}}) + "\n")
print(f"{count} nonces fetched and proofs signed in {time.time() - start:.1f} s", file=sys.stderr)
PY

cat > "$WORK/send.lua" <<LUA
local threads = {}
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
function init(args)
  bodies = {}
  for line in io.lines("$WORK/bodies.txt") do table.insert(bodies, line) end
  i = id + 1 - 2
  statuses = {}
end
request = function()
  i = i + 2
  if i > #bodies then wrk.thread:stop() end
  return wrk.format("POST", "/openid4vci/credential",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer $(cat "$WORK/token.txt")"}, bodies[i])
end
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
done = function(summary, latency, requests)
  io.write(string.format("requests %d, errors (non-2xx) %d, %.0f SD-JWT VCs/s, latency p50 %.1f ms p99 %.1f ms\n",
    summary.requests, summary.errors.status, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
LUA
wrk -t2 -c"$CONNECTIONS" -d"$DURATION" -s "$WORK/send.lua" "$BASE" | tail -3
