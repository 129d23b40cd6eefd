#!/usr/bin/env python3
"""Verifies SD-JWT VCs that skillcred issued with the reference implementation (PyPI sd-jwt 0.10.4).

Reads {"cases": [{"name", "token", "issuer_jwk", "nonce"?, "aud"?}]} on standard input; prints
{"library", "results": [{"name", "ok", "claims" | "error", "typ"}]}. The issuer's key is given as a public JWK (the
test knows it), so this checks the signature, every disclosure digest, the array-element placeholders and, when
nonce and aud are given, the key binding JWT against cnf.jwk: all by code skillcred did not write.
"""
import json
import sys
from importlib.metadata import version

from jwcrypto.jwk import JWK
from sd_jwt.verifier import SDJWTVerifier


def check(case):
    key = JWK.from_json(json.dumps(case["issuer_jwk"]))
    seen = {}

    def issuer_key(iss, header):
        seen["typ"] = header.get("typ")
        seen["iss"] = iss
        return key

    verifier = SDJWTVerifier(case["token"], issuer_key, expected_aud=case.get("aud"),
                             expected_nonce=case.get("nonce"), serialization_format="compact")
    return verifier.get_verified_payload(), seen


results = []
for case in json.load(sys.stdin)["cases"]:
    try:
        claims, seen = check(case)
        results.append({"name": case["name"], "ok": True, "claims": claims, "typ": seen.get("typ")})
    except Exception as error:  # every refusal is a result, not a crash
        results.append({"name": case["name"], "ok": False, "error": f"{type(error).__name__}: {error}"})
print(json.dumps({"library": "sd-jwt " + version("sd-jwt"), "results": results}))
