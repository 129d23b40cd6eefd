#!/usr/bin/env python3
"""Independent Data Integrity (eddsa-rdfc-2022) implementation over PyLD, for skillcred's cross-tests.

PyLD canonicalizes (RDFC-1.0 / URDNA2015, rdfDirection i18n-datatype), `cryptography` signs and verifies
Ed25519. Contexts come only from skillcred's contexts/ folder (manifest.json), never from the network.

  di-crosscheck.py canon FILE                 canonical N-Quads of the document (its proof removed)
  di-crosscheck.py sign FILE SEED_HEX         the document with an eddsa-rdfc-2022 proof by the seed's did:key
  di-crosscheck.py verify FILE                exit 0 when its one eddsa-rdfc-2022 proof (by a did:key) verifies
"""
import hashlib
import json
import os
import sys

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives import serialization
from pyld import jsonld

CONTEXTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "contexts")
with open(os.path.join(CONTEXTS, "manifest.json")) as f:
    MANIFEST = json.load(f)


def loader(url, options=None):
    if url not in MANIFEST:
        raise jsonld.JsonLdError("context not bundled: " + url, "jsonld.LoadDocumentError", code="loading document failed")
    with open(os.path.join(CONTEXTS, MANIFEST[url])) as f:
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": json.load(f)}


def canon(document):
    return jsonld.normalize(document, {
        "algorithm": "URDNA2015", "format": "application/n-quads", "rdfDirection": "i18n-datatype",
        "documentLoader": loader, "safe": True})


ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58encode(data):
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = ALPHABET[r] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def b58decode(text):
    n = 0
    for c in text:
        n = n * 58 + ALPHABET.index(c)
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + raw


def hash_data(document, proof_config):
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    config = dict(proof_config)
    config["@context"] = document["@context"]
    return hashlib.sha256(canon(config).encode()).digest() + hashlib.sha256(canon(unsecured).encode()).digest()


def main():
    command, path = sys.argv[1], sys.argv[2]
    with open(path) as f:
        document = json.load(f)
    if command == "canon":
        sys.stdout.write(canon({k: v for k, v in document.items() if k != "proof"}))
    elif command == "sign":
        key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(sys.argv[3]))
        public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        multikey = "z" + b58encode(b"\xed\x01" + public)
        did = "did:key:" + multikey
        issuer = document.get("issuer")
        if issuer is None:
            document["issuer"] = did
        elif isinstance(issuer, dict) and "id" not in issuer:
            issuer["id"] = did
        config = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "created": "2025-01-01T00:00:00Z",
                  "verificationMethod": did + "#" + multikey, "proofPurpose": "assertionMethod"}
        signature = key.sign(hash_data(document, config))
        document["proof"] = dict(config, proofValue="z" + b58encode(signature))
        print(json.dumps(document, ensure_ascii=False, indent=2))
    elif command == "verify":
        proof = dict(document["proof"])
        value = proof.pop("proofValue")
        method = proof["verificationMethod"]
        multikey = method.split("#", 1)[1]
        raw = b58decode(multikey[1:])
        assert raw[:2] == b"\xed\x01", "not an Ed25519 multikey"
        Ed25519PublicKey.from_public_bytes(raw[2:]).verify(b58decode(value[1:]), hash_data(document, proof))
        print("verified")
    else:
        sys.exit("unknown command " + command)


if __name__ == "__main__":
    main()
