#!/usr/bin/env python3
"""PyLD's side of scripts/bench-peers.sh: the same work as `skillcred-bench peers`, on the same files.

  bench-pyld.py prepare WORK SEED_HEX   sign WORK/vc2-small.json and WORK/vc2-large.json (eddsa-rdfc-2022, by the
                                         seed's did:key, which becomes the issuer) into WORK/signed-*.json
  bench-pyld.py run WORK RDFC_DIR N      time each case N times and print `PEER <case> <median µs>` lines

The cases (the names skillcred-bench prints too):
  canon-vc2-large   canonical N-Quads of WORK/vc2-large.json (safe mode, rdfDirection i18n-datatype)
  canon-learning    the same of WORK/learning.json
  rdfc-eval         every rdf-canon eval input (RDFC_DIR/test*-in.nq, test074 excepted) from N-Quads
  verify-small      eddsa-rdfc-2022 verification of WORK/signed-vc2-small.json (document + proof options
                    canonicalized, hashed, Ed25519 verified; the verifier of tools/di-crosscheck.py)
  verify-large      the same of WORK/signed-vc2-large.json
Contexts come only from skillcred's contexts/ folder (no network), as in tools/di-crosscheck.py.
"""
import importlib.util
import json
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("dicrosscheck", os.path.join(HERE, "di-crosscheck.py"))
dc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(dc)

from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey  # noqa: E402
from pyld import jsonld  # noqa: E402


def sign(document, seed_hex):
    key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(seed_hex))
    public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    multikey = "z" + dc.b58encode(b"\xed\x01" + public)
    did = "did:key:" + multikey
    document = {k: v for k, v in document.items() if k != "proof"}
    if isinstance(document.get("issuer"), dict):
        document["issuer"] = dict(document["issuer"], id=did)
    else:
        document["issuer"] = did
    config = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "created": "2025-01-01T00:00:00Z",
              "verificationMethod": did + "#" + multikey, "proofPurpose": "assertionMethod"}
    signature = key.sign(dc.hash_data(document, config))
    document["proof"] = dict(config, proofValue="z" + dc.b58encode(signature))
    return document


def verify(document):
    proof = dict(document["proof"])
    value = proof.pop("proofValue")
    multikey = proof["verificationMethod"].split("#", 1)[1]
    raw = dc.b58decode(multikey[1:])
    Ed25519PublicKey.from_public_bytes(raw[2:]).verify(dc.b58decode(value[1:]), dc.hash_data(document, proof))


def median_us(runs, body):
    body()  # warm-up: PyLD caches nothing between calls, but the first call imports lazily
    samples = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        body()
        samples.append((time.perf_counter_ns() - start) / 1000)
    return statistics.median(samples)


def main():
    command, work = sys.argv[1], sys.argv[2]
    if command == "prepare":
        for name in ("vc2-small", "vc2-large"):
            with open(os.path.join(work, name + ".json")) as f:
                signed = sign(json.load(f), sys.argv[3])
            verify(signed)
            with open(os.path.join(work, "signed-" + name + ".json"), "w") as f:
                json.dump(signed, f, ensure_ascii=False, indent=2)
        return
    if command != "run":
        sys.exit("unknown command " + command)
    rdfc_dir, runs = sys.argv[3], int(sys.argv[4])

    def load(name):
        with open(os.path.join(work, name)) as f:
            document = json.load(f)
        document.pop("proof", None)
        return document

    large, learning = load("vc2-large.json"), load("learning.json")
    print("PEER canon-vc2-large %.1f" % median_us(runs, lambda: dc.canon(large)), flush=True)
    print("PEER canon-learning %.1f" % median_us(runs, lambda: dc.canon(learning)), flush=True)

    inputs = []
    for name in sorted(os.listdir(rdfc_dir)):
        if name.endswith("-in.nq") and name != "test074-in.nq":
            with open(os.path.join(rdfc_dir, name)) as f:
                inputs.append(f.read())

    def eval_set():
        for text in inputs:
            jsonld.normalize(text, {"algorithm": "URDNA2015", "inputFormat": "application/n-quads",
                                    "format": "application/n-quads"})

    print("PEER rdfc-eval %.1f" % median_us(max(3, runs // 20), eval_set), flush=True)
    for name in ("small", "large"):
        with open(os.path.join(work, "signed-vc2-%s.json" % name)) as f:
            signed = json.load(f)
        print("PEER verify-%s %.1f" % (name, median_us(runs, lambda: verify(signed))), flush=True)


if __name__ == "__main__":
    main()
