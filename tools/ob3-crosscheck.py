#!/usr/bin/env python3
"""Open Badges 3.0 credentials made with openbadgeslib's own API, for skillcred's cross-test
(Tests/CredentialVerificationTests/OpenBadgesCrossTests), and openbadgeslib's verdict on skillcred's.

openbadgeslib (PyPI, LGPL, pinned to 4.6.3 in .ci/run) is an independent OB 3.0 implementation: it issues
JWT-VC (OB3Signer: native VC-JWT, the credential at the top of the payload, the issuer's public key as a `jwk`
header and no `kid`) and Data Integrity eddsa-rdfc-2022 (OB3LdpSigner over PyLD), and publishes Bitstring status
lists as JWT-VCs. Nothing here signs or canonicalizes by itself: every proof is openbadgeslib's.

  ob3-crosscheck.py issue              JSON on stdout: {"library", "issuers", "statusLists", "cases": [...]}
  ob3-crosscheck.py verify FILE        openbadgeslib verifies FILE (a Data Integrity credential, or a JWT-VC
                                       as text): exit 0 and the achievement's name, or exit 1 and the reason

Keys are made afresh on every run and exist only in this process. Each case names what skillcred must say
("verified", or "failed" and the check that must fail).
"""
import base64
import copy
import json
import sys
from datetime import datetime, timedelta, timezone
from importlib import metadata

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

import openbadgeslib.ob3 as ob3

ESCO_SKILL = "http://data.europa.eu/esco/skill/5fd5c985-eaaa-47aa-8314-62359c54505a"   # in samples/esco: "develop digital content"
STATUS_HOST = "https://badges.ob3-crosscheck.example"


def pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def public_pem(key):
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)


def did_key_vm(did):
    return did + "#" + did[len("did:key:"):]


def achievement(name="Data Analysis with Python"):
    return ob3.Achievement(
        id="https://badges.ob3-crosscheck.example/achievements/data-analysis",
        name=name,
        description="Cleans, analyses and visualises tabular data with pandas.",
        criteria_narrative="Completed the four graded notebooks and the final project with at least 70%.",
        achievement_type="Badge",
        alignments=[
            ob3.Alignment(target_name="Digital content creation", target_url=ESCO_SKILL,
                          target_framework="ESCO", target_code="S5.6.1"),
            ob3.Alignment(target_name="Data literacy", target_url="https://example.org/frameworks/digcomp/1.1",
                          target_framework="DigComp 2.2"),
        ])


def credential(issuer_id, *, name=None, status=None, expired=False):
    now = datetime.now(timezone.utc).replace(microsecond=0)
    return ob3.OpenBadgeCredential(
        issuer=ob3.Issuer(id=issuer_id, name="OB3 Cross-check Academy", url="https://badges.ob3-crosscheck.example"),
        recipient_id="did:example:learner-ada",
        achievement=achievement(name or "Data Analysis with Python"),
        issuance_date=now - timedelta(days=400 if expired else 1),
        expiration_date=now - timedelta(days=30) if expired else now + timedelta(days=365),
        credential_status=[status] if status else [])


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def retouch_jwt(token, change):
    """The token with its payload changed by `change` and the issuer's signature kept."""
    header, payload, signature = token.split(".")
    claims = json.loads(unb64url(payload))
    change(claims)
    return ".".join([header, b64url(json.dumps(claims).encode()), signature])


def rename(document):
    document["credentialSubject"]["achievement"]["name"] = "Advanced Data Science (Distinction)"


def issue():
    ed = ed25519.Ed25519PrivateKey.generate()
    p256 = ec.generate_private_key(ec.SECP256R1())
    stranger = ed25519.Ed25519PrivateKey.generate()
    ed_did = ob3.did_key_from_pem(public_pem(ed))
    eddsa = ob3.OB3Signer(pem(ed), "EdDSA")
    es256 = ob3.OB3Signer(pem(p256), "ES256")
    # The did:jwk of the key OB3Signer puts in its jwk header (its own derivation of the public JWK).
    p256_did = ob3.did_jwk_from_jwk(es256._public_jwk())
    ldp = ob3.OB3LdpSigner(pem(ed))            # verificationMethod: the key's did:key
    cases = []

    def add(name, fmt, value, expect, check=None, note=""):
        case = {"name": name, "format": fmt, "expect": expect, "note": note}
        case["token" if fmt == "jwt" else "document"] = value
        if check:
            case["check"] = check
        cases.append(case)

    # Bitstring status lists, published as openbadgeslib does: a JWT-VC signed by the issuer's key.
    status_lists = {}
    for purpose, issuer_did, signer_pem, alg in (("revocation", ed_did, pem(ed), "EdDSA"),):
        url = f"{STATUS_HOST}/status/{purpose}-1"
        vc = ob3.build_status_list_credential(ed_did, url, purpose, [7])
        status_lists[url] = ob3.sign_status_list_credential(vc, signer_pem, alg)
    list_url = f"{STATUS_HOST}/status/revocation-1"

    # RS256, OB3Signer's default algorithm (OB 3.0 §8.2.3 makes it the one every verifier must accept): an RSA-2048
    # key, its did:jwk from the JWK OB3Signer puts in its header.
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    rs256 = ob3.OB3Signer(pem(rsa_key))
    rsa_did = ob3.did_jwk_from_jwk(rs256._public_jwk())
    add("jwt-rs256", "jwt", rs256.sign(credential(rsa_did)), "verified", note="OB3Signer default RS256, issuer did:jwk (RSA)")
    add("jwt-rs256-changed-achievement-name", "jwt", retouch_jwt(rs256.sign(credential(rsa_did)), rename), "failed", "Seal")
    add("jwt-rs256-wrong-key", "jwt",
        ob3.OB3Signer(pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))).sign(credential(rsa_did)),
        "failed", "Seal", note="another RSA key, naming the RSA did:jwk issuer")

    # Verified: JWT-VC (EdDSA by a did:key, ES256 by a did:jwk) and Data Integrity eddsa-rdfc-2022.
    add("jwt-eddsa", "jwt", eddsa.sign(credential(ed_did)), "verified", note="OB3Signer EdDSA, issuer did:key")
    add("jwt-es256", "jwt", es256.sign(credential(p256_did)), "verified", note="OB3Signer ES256, issuer did:jwk")
    add("ldp-eddsa-rdfc-2022", "ldp", ldp.sign(credential(ed_did)), "verified", note="OB3LdpSigner, did:key method")
    add("jwt-eddsa-status-ok", "jwt",
        eddsa.sign(credential(ed_did, status=ob3.status_entry(list_url, "revocation", 3))), "verified",
        note="BitstringStatusListEntry index 3 of a list with index 7 set")
    add("ldp-status-ok", "ldp",
        ldp.sign(credential(ed_did, status=ob3.status_entry(list_url, "revocation", 3))), "verified")

    # The AchievementCredential alias (the OB 3.0 context maps it to OpenBadgeCredential).
    payload = credential(ed_did).to_jwt_payload()
    payload["type"] = ["VerifiableCredential", "AchievementCredential"]
    add("jwt-achievement-credential", "jwt", eddsa.sign_payload(payload), "verified")
    document = credential(ed_did).to_vc()
    document["type"] = ["VerifiableCredential", "AchievementCredential"]
    add("ldp-achievement-credential", "ldp",
        ob3.add_data_integrity_proof(document, pem(ed), did_key_vm(ed_did)), "verified")

    # CLR 2.0: a ClrCredential holding one signed OB3 member, signed by openbadgeslib's CLR helper.
    member = ldp.sign(credential(ed_did))
    clr = ob3.build_clr_credential(
        {"id": ed_did, "type": ["Profile"], "name": "OB3 Cross-check Academy"},
        [{"type": "IdentityObject", "hashed": False, "identityHash": "ada@example.org", "identityType": "emailAddress"}],
        [member], credential_id="urn:uuid:8a4a2f5e-5a71-4d0e-9a3b-0c1d2e3f4a5b",
        valid_from=datetime.now(timezone.utc) - timedelta(days=1))
    add("clr-eddsa-rdfc-2022", "ldp", ob3.sign_clr_credential(clr, pem(ed), did_key_vm(ed_did)), "verified")
    cases[-1]["members"] = ["Data Analysis with Python"]

    # CLR 2.0 with members of both securing forms: a Data Integrity badge and a VC-JWT badge (a string in
    # verifiableCredential, added after build_clr_credential, which takes objects only), each checked on its own.
    def clr_of(members, cid):
        document = ob3.build_clr_credential(
            {"id": ed_did, "type": ["Profile"], "name": "OB3 Cross-check Academy"},
            [{"type": "IdentityObject", "hashed": False, "identityHash": "ada@example.org", "identityType": "emailAddress"}],
            [m for m in members if isinstance(m, dict)], credential_id=cid,
            valid_from=datetime.now(timezone.utc) - timedelta(days=1))
        document["credentialSubject"]["verifiableCredential"] = list(members)
        return ob3.sign_clr_credential(document, pem(ed), did_key_vm(ed_did))

    statistics = ldp.sign(credential(ed_did, name="Statistics for Data Science"))
    add("clr-ldp-and-jwt-members", "ldp",
        clr_of([statistics, eddsa.sign(credential(ed_did, name="Machine Learning Basics"))],
               "urn:uuid:0b7e3c1a-2f4d-4e5b-8c6d-7e8f9a0b1c2d"), "verified")
    cases[-1]["members"] = ["Statistics for Data Science", "Machine Learning Basics"]
    # A member changed after its issuer signed it, then wrapped in a CLR the CLR issuer signs: the CLR's proof holds,
    # the member's does not, and the verdict must say which member.
    renamed = ldp.sign(credential(ed_did))
    rename(renamed)
    add("clr-member-tampered", "ldp",
        clr_of([statistics, renamed], "urn:uuid:3c9d1e2f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"), "failed", "Seal",
        note="member 1 renamed after signing; the CLR's own proof is intact")
    cases[-1]["failedMember"] = 1
    add("clr-jwt-member-tampered", "ldp",
        clr_of([statistics, retouch_jwt(eddsa.sign(credential(ed_did)), rename)], "urn:uuid:5e1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a4b"),
        "failed", "Seal", note="the VC-JWT member (1) changed after signing")
    cases[-1]["failedMember"] = 1

    # Rejected: a changed achievement name, a wrong key, expired, revoked.
    add("jwt-changed-achievement-name", "jwt", retouch_jwt(eddsa.sign(credential(ed_did)), rename), "failed", "Seal")
    changed = ldp.sign(credential(ed_did))
    rename(changed)
    add("ldp-changed-achievement-name", "ldp", changed, "failed", "Seal")
    add("jwt-wrong-key", "jwt", ob3.OB3Signer(pem(stranger), "EdDSA").sign(credential(ed_did)), "failed", "Seal",
        note="signed by another key, naming the did:key issuer")
    add("ldp-wrong-key", "ldp", ob3.OB3LdpSigner(pem(stranger), did_key_vm(ed_did)).sign(credential(ed_did)),
        "failed", "Seal", note="signed by another key, its proof naming the issuer's did:key")
    add("ldp-wrong-key-own-method", "ldp", ob3.OB3LdpSigner(pem(stranger)).sign(credential(ed_did)), "failed", "Seal",
        note="signed by another key under that key's own did:key, which does not control the issuer")
    add("jwt-expired", "jwt", eddsa.sign(credential(ed_did, expired=True)), "failed", "Validity")
    add("ldp-expired", "ldp", ldp.sign(credential(ed_did, expired=True)), "failed", "Validity")
    add("jwt-revoked", "jwt", eddsa.sign(credential(ed_did, status=ob3.status_entry(list_url, "revocation", 7))),
        "failed", "Revocation")
    add("ldp-revoked", "ldp", ldp.sign(credential(ed_did, status=ob3.status_entry(list_url, "revocation", 7))),
        "failed", "Revocation")

    json.dump({"library": "openbadgeslib " + metadata.version("openbadgeslib") + ", pyld " + metadata.version("pyld"),
               "issuers": [ed_did, p256_did, rsa_did], "statusLists": status_lists, "cases": cases}, sys.stdout)


def verify(path):
    with open(path, encoding="utf-8") as f:
        text = f.read().strip()
    try:
        if text.startswith("{"):
            badge = ob3.OB3LdpVerifier().verify(text)     # the proof's did:key method is resolved offline
        else:
            issuer = json.loads(unb64url(text.split(".")[1]))["iss"]
            badge = ob3.OB3Verifier.for_issuer_did(issuer).verify(text)
    except Exception as error:                            # openbadgeslib's refusal, whatever its class
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(1)
    print(badge.achievement.name)


if __name__ == "__main__":
    if sys.argv[1:] == ["issue"]:
        issue()
    elif len(sys.argv) == 3 and sys.argv[1] == "verify":
        verify(sys.argv[2])
    else:
        sys.exit(__doc__)
