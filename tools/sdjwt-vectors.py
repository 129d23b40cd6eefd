#!/usr/bin/env python3
"""SD-JWT VC test vectors from the reference implementation (PyPI sd-jwt, pinned in scripts/sdjwt-vectors.sh).

sd-jwt 0.10.4 follows draft-ietf-oauth-selective-disclosure-jwt-07/08 (key binding with sd_hash and typ kb+jwt),
which is what RFC 9901 kept for everything this file uses. Prints one JSON object: the issuer's did:jwk, the
challenge and audience, and cases, each a compact SD-JWT with the verdict skillcred must reach and the check that
decides it. The good cases are made by the library as it is; the bad ones are tampered with afterwards.
"""
import base64
import json
import time

from jwcrypto.jwk import JWK
from jwcrypto.jws import JWS
from sd_jwt.common import SDObj
from sd_jwt.holder import SDJWTHolder
from sd_jwt.issuer import SDJWTIssuer


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


issuer_key = JWK.generate(kty="EC", crv="P-256")
holder_key = JWK.generate(kty="EC", crv="P-256")
stranger_key = JWK.generate(kty="EC", crv="P-256")
public = {k: v for k, v in issuer_key.export_public(as_dict=True).items() if k in ("kty", "crv", "x", "y")}
did = "did:jwk:" + b64(json.dumps(public, separators=(",", ":")).encode())
nonce, aud = "skillcred-challenge-1", "https://verifier.skillcred.example"
now = int(time.time())

claims = {
    "iss": did,
    "vct": "https://credentials.example/diploma",
    "iat": now - 60,
    "exp": now + 86400,
    SDObj("given_name"): "Ada",
    SDObj("family_name"): "Lovelace",
    # Nested: the address is disclosable, and so is a member inside it.
    SDObj("address"): {SDObj("locality"): "Leuven", "country": "BE"},
    # Arrays: a disclosable element, a plain one, and a disclosable object holding a disclosable member.
    "nationalities": [SDObj("BE"), "NL"],
    "degrees": [SDObj({"type": "MSc", SDObj("grade"): "A"})],
}


def issue(header=None):
    extra = {"typ": "dc+sd-jwt", "kid": did + "#0"} if header is None else header
    return SDJWTIssuer(claims, issuer_key, holder_key=holder_key, sign_alg="ES256", add_decoy_claims=True,
                       extra_header_parameters=extra).sd_jwt_issuance


def present(issuance, disclose, with_kb=True, kb_nonce=nonce, key=holder_key):
    holder = SDJWTHolder(issuance)
    if with_kb:
        holder.create_presentation(disclose, kb_nonce, aud, key, "ES256")
    else:
        holder.create_presentation(disclose)
    return holder.sd_jwt_presentation


everything = {"given_name": True, "family_name": True, "address": {"locality": True}, "nationalities": [True, None],
              "degrees": [{"grade": True}]}
some = {"given_name": True, "nationalities": [True, None]}
issuance = issue()
cases = []


def case(name, token, expect, check=None):
    cases.append({"name": name, "token": token, "expect": expect, "check": check})


full_kb = present(issuance, everything)
case("every claim disclosed, key binding", full_kb, "verified")
case("every claim disclosed, no key binding", present(issuance, everything, with_kb=False), "verified-without-challenge")
case("some claims disclosed, key binding", present(issuance, some), "verified")
case("nothing disclosed, key binding", present(issuance, {}), "verified")
case("the issuance itself (every disclosure, no key binding)", issuance, "verified-without-challenge")
case("vc+sd-jwt typ (earlier drafts)", present(issue({"typ": "vc+sd-jwt", "kid": did + "#0"}), everything), "verified")

# Tampered.
parts = full_kb.split("~")
jwt, disclosures, kb = parts[0], parts[1:-1], parts[-1]
first = json.loads(unb64(disclosures[0]))
first[-1] = "Eve" if isinstance(first[-1], str) else {"forged": True}
case("a disclosure's value changed", "~".join([jwt, b64(json.dumps(first).encode())] + disclosures[1:] + [""]), "failed", "Seal")
case("a disclosure presented twice", "~".join([jwt] + disclosures + [disclosures[0], ""]), "failed", "Seal")
header, payload, signature = jwt.split(".")
claims_json = json.loads(unb64(payload))
claims_json["_sd"] = claims_json["_sd"][1:]
case("a digest dropped from the payload", "~".join([f"{header}.{b64(json.dumps(claims_json).encode())}.{signature}"] + disclosures + [""]), "failed", "Seal")
none_header = b64(json.dumps({"alg": "none", "typ": "dc+sd-jwt"}).encode())
case("alg none", "~".join([f"{none_header}.{payload}."] + disclosures + [""]), "failed", "Seal")
forged = JWS(payload=unb64(payload).decode())
forged.add_signature(stranger_key, alg="ES256", protected=json.dumps({"alg": "ES256", "typ": "dc+sd-jwt", "kid": did + "#0"}))
case("signed by another key", "~".join([forged.serialize(compact=True)] + disclosures + [""]), "failed", "Seal")
case("key binding with a wrong nonce", present(issuance, everything, kb_nonce="another-challenge"), "failed", "Owner")
case("key binding signed by another key", present(issuance, everything, key=stranger_key), "failed", "Owner")
partial = present(issuance, some).split("~")
case("key binding over other disclosures (sd_hash)", "~".join([jwt] + disclosures + [partial[-1]]), "failed", "Owner")
case("a disclosure removed after key binding (sd_hash)", "~".join([jwt] + disclosures[1:] + [kb]), "failed", "Owner")
case("the library's default typ example+sd-jwt", present(issue({"kid": did + "#0"}), everything), "failed", "Format")

# An https issuer whose key is published as JWT VC Issuer Metadata (SD-JWT VC draft): the library signs with the key
# the metadata lists under kid "web-1"; skillcred reads the metadata from a folder the test writes (never fetched).
web_iss = "https://issuer.sdjwt-crosscheck.example/university"
web_key = JWK.generate(kty="EC", crv="P-256")
web_public = {k: v for k, v in web_key.export_public(as_dict=True).items() if k in ("kty", "crv", "x", "y")}
metadata = {"issuer": web_iss, "jwks": {"keys": [dict(web_public, kid="web-1", use="sig", alg="ES256")]}}
web_claims = dict(claims, iss=web_iss)
web_issuance = SDJWTIssuer(web_claims, web_key, holder_key=holder_key, sign_alg="ES256", add_decoy_claims=True,
                           extra_header_parameters={"typ": "dc+sd-jwt", "kid": "web-1"}).sd_jwt_issuance
case("https issuer, key from its JWT VC Issuer Metadata, key binding", present(web_issuance, everything), "verified", None)
cases[-1]["issuerMetadata"] = True
forged_web = SDJWTIssuer(web_claims, stranger_key, holder_key=holder_key, sign_alg="ES256",
                         extra_header_parameters={"typ": "dc+sd-jwt", "kid": "web-1"}).sd_jwt_issuance
case("https issuer, signed by another key under the published kid", present(forged_web, everything), "failed", "Seal")
cases[-1]["issuerMetadata"] = True

print(json.dumps({"library": "sd-jwt 0.10.4", "issuer": did, "nonce": nonce, "aud": aud, "cases": cases,
                  "webIssuer": web_iss, "issuerMetadata": metadata}))
