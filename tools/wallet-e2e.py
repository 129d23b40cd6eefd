#!/usr/bin/env python3
"""A wallet, written independently of skillcred, that receives credentials over OpenID4VCI 1.0.

Uses only requests, jwcrypto and the sd-jwt reference implementation (PyPI sd-jwt 0.10.4). Given a running
`skillcred serve` and offers made for it, it follows the learner's path and the attacks on it:

  offer link -> credential offer -> issuer metadata (well-known, path insertion) -> authorization server metadata
  -> token (pre-authorized code, tx_code) -> nonce -> jwt key proof -> credential (dc+sd-jwt, then ldp_vc)
  -> verify the SD-JWT VC with the sd-jwt library (issuer key from the did:key in iss) -> present it with a key
  binding JWT -> `skillcred verify --challenge --domain` must accept the key binding.
  Refusals: a replayed proof, a wrong nonce, a proof for another audience, a reused pre-authorized code, an expired
  pre-authorized code, a revoked record.

Usage: wallet-e2e.py --skillcred BIN --data-dir DIR --offer LINK [--tx-code N] --expired-offer LINK
                     --revoked-offer LINK --revoked-credential ID
Prints one line per check and a summary; exits 1 if any check failed.
"""
import argparse
import base64
import json
import subprocess
import sys
import tempfile
import time
import urllib.parse

import requests
from jwcrypto.jwk import JWK
from jwcrypto.jws import JWS
from sd_jwt.holder import SDJWTHolder
from sd_jwt.verifier import SDJWTVerifier

SD_JWT_CONFIG = "learning_achievement_dc_sd_jwt"
LDP_CONFIG = "learning_achievement_ldp_vc"
JWT_CONFIG = "learning_achievement_jwt_vc_json"
PRE_AUTH = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(("ok   " if ok else "FAIL ") + name + (f" ({detail})" if detail and not ok else ""))
    return ok


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58decode(text: str) -> bytes:
    n = 0
    for c in text:
        n = n * 58 + B58.index(c)
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + raw


def did_key_jwk(did: str) -> JWK:
    """The public key of an Ed25519 did:key (multicodec 0xed 0x01), as a JWK."""
    assert did.startswith("did:key:z"), did
    raw = b58decode(did[len("did:key:z"):])
    assert raw[:2] == b"\xed\x01" and len(raw) == 34, "not an Ed25519 did:key"
    return JWK(kty="OKP", crv="Ed25519", x=b64url(raw[2:]))


def well_known(issuer: str, name: str) -> str:
    """RFC 8414 / OpenID4VCI 1.0 §12.2.2: the well-known segment goes between the host and the issuer's path."""
    u = urllib.parse.urlsplit(issuer)
    path = u.path.rstrip("/")
    return urllib.parse.urlunsplit((u.scheme, u.netloc, f"/.well-known/{name}{path}", "", ""))


class Wallet:
    def __init__(self, link: str):
        parsed = urllib.parse.urlsplit(link)
        assert parsed.scheme == "openid-credential-offer", link
        self.offer_uri = urllib.parse.parse_qs(parsed.query)["credential_offer_uri"][0]
        self.offer = requests.get(self.offer_uri, timeout=10).json()
        self.issuer = self.offer["credential_issuer"]
        self.metadata = requests.get(well_known(self.issuer, "openid-credential-issuer"), timeout=10).json()
        self.as_metadata = requests.get(well_known(self.issuer, "oauth-authorization-server"), timeout=10).json()
        self.key = JWK.generate(kty="EC", crv="P-256")
        self.token = None

    @property
    def code(self):
        return self.offer["grants"][PRE_AUTH]["pre-authorized_code"]

    def redeem(self, tx_code=None):
        form = {"grant_type": PRE_AUTH, "pre-authorized_code": self.code}
        if tx_code is not None:
            form["tx_code"] = tx_code
        return requests.post(self.as_metadata["token_endpoint"], data=form, timeout=10)

    def nonce(self):
        r = requests.post(self.metadata["nonce_endpoint"], timeout=10)
        assert r.headers.get("Cache-Control") == "no-store"
        return r.json()["c_nonce"]

    def proof(self, nonce, aud=None, kid_did_jwk=False):
        public = self.key.export_public(as_dict=True)
        header = {"alg": "ES256", "typ": "openid4vci-proof+jwt"}
        if kid_did_jwk:
            header["kid"] = self.did_jwk() + "#0"
        else:
            header["jwk"] = public
        payload = {"aud": aud or self.issuer, "iat": int(time.time()), "nonce": nonce}
        jws = JWS(json.dumps(payload).encode())
        jws.add_signature(self.key, alg="ES256", protected=json.dumps(header))
        return jws.serialize(compact=True)

    def did_jwk(self):
        public = {k: v for k, v in self.key.export_public(as_dict=True).items() if k in ("crv", "kty", "x", "y")}
        return "did:jwk:" + b64url(json.dumps(public, separators=(",", ":")).encode())

    def credential(self, config, proof):
        return requests.post(self.metadata["credential_endpoint"], timeout=30,
                             headers={"Authorization": f"Bearer {self.token}"},
                             json={"credential_configuration_id": config, "proofs": {"jwt": [proof]}})


def error_of(response):
    try:
        return response.json().get("error")
    except ValueError:
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--skillcred", required=True)
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--offer", required=True)
    ap.add_argument("--tx-code")
    ap.add_argument("--expired-offer", required=True)
    ap.add_argument("--revoked-offer", required=True)
    ap.add_argument("--revoked-credential", required=True)
    args = ap.parse_args()

    # --- The learner's path ---
    w = Wallet(args.offer)
    check("offer names the three configurations", set(w.offer["credential_configuration_ids"]) == {SD_JWT_CONFIG, LDP_CONFIG, JWT_CONFIG})
    check("issuer metadata lists the offered configurations",
          all(c in w.metadata["credential_configurations_supported"] for c in w.offer["credential_configuration_ids"]))
    check("issuer metadata is for the offer's issuer", w.metadata["credential_issuer"] == w.issuer)
    sd_conf = w.metadata["credential_configurations_supported"][SD_JWT_CONFIG]
    check("dc+sd-jwt configuration has a vct", sd_conf["format"] == "dc+sd-jwt" and sd_conf["vct"].startswith(w.issuer))
    type_metadata = requests.get(sd_conf["vct"], timeout=10).json()
    check("vct type metadata is served at the vct", type_metadata.get("vct") == sd_conf["vct"])
    tx = w.offer["grants"][PRE_AUTH].get("tx_code")
    if tx:
        r = w.redeem(None)
        check("token without the tx_code is refused", r.status_code == 400 and error_of(r) == "invalid_grant", r.text)
        r = w.redeem("999999" if args.tx_code != "999999" else "000000")
        check("token with a wrong tx_code is refused", r.status_code == 400 and error_of(r) == "invalid_grant", r.text)
    r = w.redeem(args.tx_code)
    check("token endpoint gives an access token", r.status_code == 200 and r.json().get("token_type") == "Bearer", r.text)
    check("token response is not cached", r.headers.get("Cache-Control") == "no-store")
    w.token = r.json()["access_token"]
    r = w.redeem(args.tx_code)
    check("pre-authorized code is single use", r.status_code == 400 and error_of(r) == "invalid_grant", r.text)

    # dc+sd-jwt
    nonce = w.nonce()
    proof = w.proof(nonce)
    r = w.credential(SD_JWT_CONFIG, proof)
    check("credential endpoint issues the SD-JWT VC", r.status_code == 200, r.text[:300])
    sd_jwt = r.json()["credentials"][0]["credential"]
    r = w.credential(SD_JWT_CONFIG, proof)
    check("replayed proof is refused (invalid_nonce)", r.status_code == 400 and error_of(r) == "invalid_nonce", r.text)
    r = w.credential(SD_JWT_CONFIG, w.proof("not-a-nonce-the-issuer-gave"))
    check("wrong nonce is refused (invalid_nonce)", r.status_code == 400 and error_of(r) == "invalid_nonce", r.text)
    r = w.credential(SD_JWT_CONFIG, w.proof(w.nonce(), aud="https://another-issuer.example"))
    check("proof for another audience is refused (invalid_proof)", r.status_code == 400 and error_of(r) == "invalid_proof", r.text)
    r = requests.post(w.metadata["credential_endpoint"], timeout=10, headers={"Authorization": "Bearer forged"},
                      json={"credential_configuration_id": SD_JWT_CONFIG, "proofs": {"jwt": [w.proof(w.nonce())]}})
    check("forged access token is refused (invalid_token, 401)", r.status_code == 401 and error_of(r) == "invalid_token"
          and "invalid_token" in r.headers.get("WWW-Authenticate", ""), r.text)

    header = json.loads(b64url_decode(sd_jwt.split("~")[0].split(".")[0]))
    payload = json.loads(b64url_decode(sd_jwt.split("~")[0].split(".")[1]))
    check("SD-JWT VC typ is dc+sd-jwt", header.get("typ") == "dc+sd-jwt", str(header))
    issuer_key = did_key_jwk(payload["iss"])

    def issuer_key_for(iss, hdr):
        assert iss == payload["iss"] and hdr.get("kid", "").startswith(iss)
        return issuer_key

    verified = SDJWTVerifier(sd_jwt, issuer_key_for, serialization_format="compact").get_verified_payload()
    check("sd-jwt library verifies the SD-JWT VC", verified.get("vct") == sd_conf["vct"])
    holder_public = {k: v for k, v in w.key.export_public(as_dict=True).items() if k in ("kty", "crv", "x", "y")}
    cnf = {k: v for k, v in verified["cnf"]["jwk"].items() if k in ("kty", "crv", "x", "y")}
    check("cnf.jwk is the proof key", cnf == holder_public)
    outcomes = verified.get("achievement", {}).get("learning_outcomes", [])
    check("claims disclosed: name, achievement, outcomes with ESCO skills",
          bool(verified.get("given_name")) and bool(verified["achievement"].get("title")) and len(outcomes) > 0
          and all(o["esco_skill"]["uri"].startswith("http://data.europa.eu/esco/skill/") for o in outcomes), json.dumps(verified)[:200])
    check("status points to a Token Status List served by skillcred",
          verified["status"]["status_list"]["uri"].startswith(w.issuer + "/status-lists/token/"))
    status_token = requests.get(verified["status"]["status_list"]["uri"], timeout=10)
    status_jws = JWS()
    status_jws.deserialize(status_token.text)
    status_jws.verify(issuer_key)
    check("Token Status List is a statuslist+jwt signed by the issuer",
          status_token.headers["Content-Type"].startswith("application/statuslist+jwt")
          and json.loads(status_jws.objects["protected"])["typ"] == "statuslist+jwt")

    # Present with key binding (only some claims), then skillcred verify must accept the binding.
    challenge, audience = "wallet-e2e-" + str(int(time.time())), "https://verifier.example"
    holder = SDJWTHolder(sd_jwt)
    holder.create_presentation({"given_name": True, "achievement": {"title": True}}, challenge, audience, w.key, "ES256")
    presentation = holder.sd_jwt_presentation
    check("presentation carries a key binding JWT", not presentation.endswith("~"))
    SDJWTVerifier(presentation, issuer_key_for, expected_aud=audience, expected_nonce=challenge, serialization_format="compact")
    with tempfile.NamedTemporaryFile("w", suffix=".sd-jwt", delete=False) as f:
        f.write(presentation)
        path = f.name
    out = subprocess.run([args.skillcred, "verify", "--json", "--challenge", challenge, "--domain", audience, path],
                         capture_output=True, text=True)
    report = json.loads(out.stdout) if out.stdout.strip().startswith("{") else {}
    by_name = {c["name"]: c for c in report.get("results", [])}
    check("skillcred verify --challenge accepts the key binding (Owner ok, Seal ok, not failed)",
          out.returncode in (0, 3) and by_name.get("Owner", {}).get("status") == "OK" and by_name.get("Seal", {}).get("status") == "OK",
          f"exit {out.returncode}: {out.stdout[:600]} {out.stderr[:300]}")
    out = subprocess.run([args.skillcred, "verify", "--json", "--challenge", "another-challenge", "--domain", audience, path],
                         capture_output=True, text=True)
    check("skillcred verify refuses the presentation for another challenge", out.returncode == 1, f"exit {out.returncode}")

    # ldp_vc with a did:jwk kid
    r = w.credential(LDP_CONFIG, w.proof(w.nonce(), kid_did_jwk=True))
    check("credential endpoint issues the ldp_vc", r.status_code == 200, r.text[:300])
    vc = r.json()["credentials"][0]["credential"]
    check("ldp_vc subject is the holder's DID", vc["credentialSubject"]["id"] == w.did_jwk())
    check("ldp_vc proof is eddsa-rdfc-2022 by the same issuer",
          vc["proof"]["cryptosuite"] == "eddsa-rdfc-2022" and vc["issuer"]["id"] == payload["iss"])
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(vc, f)
        vc_path = f.name
    out = subprocess.run([args.skillcred, "verify", vc_path], capture_output=True, text=True)
    check("skillcred verify verifies the ldp_vc's proof", out.returncode in (0, 3), f"exit {out.returncode}: {out.stdout[-300:]}")

    # jwt_vc_json with a did:jwk kid: the signature checked with jwcrypto against the issuer's did:key
    r = w.credential(JWT_CONFIG, w.proof(w.nonce(), kid_did_jwk=True))
    check("credential endpoint issues the jwt_vc_json", r.status_code == 200, r.text[:300])
    jwt_vc = JWS()
    jwt_vc.deserialize(r.json()["credentials"][0]["credential"])
    jwt_vc.verify(issuer_key)
    jwt_claims = json.loads(jwt_vc.payload)
    check("jwt_vc_json verifies with jwcrypto and is for the holder's DID",
          jwt_claims["sub"] == w.did_jwk() and jwt_claims["vc"]["credentialSubject"]["id"] == w.did_jwk()
          and jwt_claims["iss"] == payload["iss"], json.dumps(jwt_claims)[:300])

    # --- Refusals on other offers ---
    expired = Wallet(args.expired_offer)
    r = expired.redeem()
    check("expired pre-authorized code is refused", r.status_code == 400 and error_of(r) == "invalid_grant"
          and "expired" in r.json().get("error_description", ""), r.text)

    revoked = Wallet(args.revoked_offer)
    r = revoked.redeem()
    revoked.token = r.json().get("access_token")
    r = revoked.credential(SD_JWT_CONFIG, revoked.proof(revoked.nonce()))
    check("SD-JWT VC received before revocation", r.status_code == 200, r.text[:200])
    before = r.json()["credentials"][0]["credential"]
    out = subprocess.run([args.skillcred, "revoke", args.revoked_credential, "--data-dir", args.data_dir, "--reason", "wallet e2e"],
                         capture_output=True, text=True)
    check("skillcred revoke revokes the learner's record", out.returncode == 0, out.stderr[:300])
    r = revoked.credential(LDP_CONFIG, revoked.proof(revoked.nonce()))
    check("revoked record: no further credential (credential_request_denied)",
          r.status_code == 400 and error_of(r) == "credential_request_denied", r.text)
    p = json.loads(b64url_decode(before.split("~")[0].split(".")[1]))
    # The holder's key is not needed to read the status: the list is public.
    idx, uri = p["status"]["status_list"]["idx"], p["status"]["status_list"]["uri"]
    token = JWS()
    token.deserialize(requests.get(uri, timeout=10).text)
    token.verify(did_key_jwk(p["iss"]))
    lst = json.loads(token.payload)["status_list"]
    import zlib
    # draft-ietf-oauth-status-list: `bits` (1, 2, 4 or 8) per entry, packed from each byte's least significant bit;
    # 0x01 is INVALID (revoked), 0x02 SUSPENDED. skillcred's lists carry both, so 2 bits.
    width = lst["bits"]
    packed = zlib.decompress(b64url_decode(lst["lst"]))
    position = idx * width
    value = (packed[position // 8] >> (position % 8)) & ((1 << width) - 1)
    check("the SD-JWT VC delivered before is revoked in its Token Status List", width in (1, 2, 4, 8) and value == 1,
          f"idx {idx}, bits {width}, value {value}")
    r = requests.post(w.issuer + "/credentials/verify", json={"verifiableCredential": before}, timeout=30)
    check("skillcred's verify API reports the SD-JWT VC revoked", r.status_code != 200 and "revoked" in r.text.lower(), r.text[:300])

    failed = results.count(False)
    print(f"wallet e2e: {len(results) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
