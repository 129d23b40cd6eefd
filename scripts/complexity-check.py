#!/usr/bin/env python3
"""Algorithmic-complexity probe: grows one dimension of a hostile input (n, 2n, 4n, 8n) and times the CLI.

Usage: scripts/complexity-check.py [--binary .build/debug/skillcred] [--only NAME[,NAME…]] [--start N] [--steps 4]
                                   [--list]

Each case writes its input to a scratch folder, runs `skillcred verify` (or `canonicalize`) on it under
`/usr/bin/time`, and prints seconds, peak RSS and the ratio of each step's time to the previous one. Doubling n
should at most about double the time (n log n: ~2.1); a ratio near 4 is quadratic and is a finding
(docs/abuse-check.md, "Algorithmic complexity").
"""

import argparse
import base64
import hashlib
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BASE_PATH = os.path.join(ROOT, "samples", "issued", "vc2", "micro-credential", "L-0001.json")
V2 = "https://www.w3.org/ns/credentials/v2"
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"


def base_vc():
    """A small VC 2.0 with a Data Integrity proof (the signature fails once the document changes; the
    expansion, canonicalization and checks before it still run)."""
    return {
        "@context": [V2, EXAMPLES],
        "id": "urn:uuid:4f0c7a52-9d3e-4c1b-8f6a-2b7e91d05c3a",
        "type": ["VerifiableCredential"],
        "issuer": "did:key:z6Mketv7XxMNo8ZHnr8w9LVC1vVNDKTLK7eGG3iXvbFB7hKp",
        "validFrom": "2026-06-30T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "name": "Alex"},
        "proof": json.load(open(BASE_PATH))["proof"],
    }


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# Each case: (name, what grows, start n, function n -> (file suffix, bytes), extra CLI arguments)
def wide_subject(n):
    vc = base_vc()
    for i in range(n):
        vc["credentialSubject"][f"p{i}"] = f"v{i}"
    return vc


def long_array(n):
    vc = base_vc()
    vc["credentialSubject"]["skill"] = [f"s{i}" for i in range(n)]
    return vc


def many_types(n):
    vc = base_vc()
    vc["type"] = ["VerifiableCredential"] + [f"T{i}" for i in range(n)]
    return vc


def many_inline_contexts(n):
    vc = base_vc()
    vc["@context"] = [V2, EXAMPLES] + [{f"t{i}": f"https://example.org/t{i}"} for i in range(n)]
    return vc


def many_terms(n):
    vc = base_vc()
    vc["@context"] = [V2, EXAMPLES, {f"t{i}": f"https://example.org/t{i}" for i in range(n)}]
    vc["credentialSubject"]["t0"] = "x"
    return vc


def alias_chain(n):
    # t_i is a compact IRI on t_{i-1}: defining each needs the one before (recursive create-term-definition).
    context = {"t0": "https://example.org/"}
    for i in range(1, n):
        context[f"t{i}"] = f"t{i - 1}:x"
    vc = base_vc()
    vc["@context"] = [V2, EXAMPLES, context]
    vc["credentialSubject"][f"t{n - 1}"] = "x"
    return vc


def many_included(n):
    vc = base_vc()
    vc["@included"] = [{"id": f"urn:x:{i}", "name": f"n{i}"} for i in range(n)]
    return vc


def many_graph(n):
    vc = base_vc()
    vc["credentialSubject"]["evidenceGraph"] = {"@graph": [{"id": f"urn:x:{i}", "name": f"n{i}"} for i in range(n)]}
    return vc


def long_list(n):
    vc = base_vc()
    vc["credentialSubject"]["seq"] = {"@list": [f"v{i}" for i in range(n)]}
    return vc


def many_lists(n):
    vc = base_vc()
    vc["credentialSubject"]["seq"] = [{"@list": [f"v{i}", f"w{i}"]} for i in range(n)]
    return vc


def many_nest(n):
    vc = base_vc()
    vc["@context"] = [V2, EXAMPLES, {"nested": "@nest"}]
    vc["credentialSubject"]["nested"] = [{f"p{i}": f"v{i}"} for i in range(n)]
    return vc


def many_reverse(n):
    vc = base_vc()
    vc["credentialSubject"]["@reverse"] = {f"https://example.org/r{i}": {"id": f"urn:x:{i}"} for i in range(n)}
    return vc


def index_map(n):
    vc = base_vc()
    vc["@context"] = [V2, EXAMPLES, {"byIndex": {"@id": "https://example.org/byIndex", "@container": "@index"}}]
    vc["credentialSubject"]["byIndex"] = {f"k{i}": {"name": f"n{i}"} for i in range(n)}
    return vc


def language_map(n):
    vc = base_vc()
    vc["@context"] = [V2, EXAMPLES, {"label": {"@id": "https://example.org/label", "@container": "@language"}}]
    vc["credentialSubject"]["label"] = {f"x-l{i}": f"text {i}" for i in range(n)}
    return vc


def blank_nodes(n):
    # n distinct blank nodes (no ids): canonicalization's first-degree hashes separate them.
    vc = base_vc()
    vc["credentialSubject"]["item"] = [{"name": f"n{i}"} for i in range(n)]
    return vc


def same_blank_nodes(n):
    # n identical blank nodes: every first-degree hash collides, so RDFC-1.0's n-degree step runs for each
    # (its work limits must stop it early, not after n² steps).
    vc = base_vc()
    vc["credentialSubject"]["item"] = [{"name": "same"} for _ in range(n)]
    return vc


def blank_chain(n):
    # A path of n blank nodes: each first-degree hash depends on its neighbours only.
    vc = base_vc()
    node = {"name": "leaf"}
    for _ in range(min(n, 60)):
        node = {"next": node}
    vc["credentialSubject"]["chain"] = [node for _ in range(max(1, n // 60))]
    return vc


def long_string(n):
    vc = base_vc()
    vc["credentialSubject"]["description"] = "a\\\"\u00e9" * n
    return vc


def many_proofs(n):
    vc = base_vc()
    vc["proof"] = [dict(vc["proof"], created=f"2026-12-06T03:22:{i % 60:02d}Z") for i in range(n)]
    return vc


def chained_proofs(n):
    # Each proof names every earlier one as previousProof: each signs the document with all of them.
    vc = base_vc()
    proofs = []
    for i in range(n):
        proof = dict(vc["proof"], id=f"urn:proof:{i}")
        if i:
            proof["previousProof"] = [f"urn:proof:{j}" for j in range(i)]
        proofs.append(proof)
    vc["proof"] = proofs
    return vc


def many_status(n):
    vc = base_vc()
    vc["credentialStatus"] = [
        {
            "id": f"https://skillcred.example/status-lists/revocation/1#{i}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(i),
            "statusListCredential": f"https://skillcred.example/status-lists/revocation/{i}",
        }
        for i in range(n)
    ]
    return vc


def many_evidence(n):
    vc = base_vc()
    vc["evidence"] = [{"id": f"urn:e:{i}", "type": ["Evidence"], "name": f"e{i}"} for i in range(n)]
    return vc


def presentation(n):
    vc = base_vc()
    vp = {
        "@context": [V2],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [dict(vc, id=f"urn:uuid:{i}") for i in range(min(n, 100))],
    }
    # Beyond the per-request item limit, widen each credential instead.
    for cred in vp["verifiableCredential"]:
        for i in range(n // 100):
            cred["credentialSubject"] = dict(cred["credentialSubject"], **{f"p{i}": "v"})
    return vp


def jwt(header, payload, signatures=1):
    h = b64url(json.dumps(header).encode())
    p = b64url(json.dumps(payload).encode())
    return f"{h}.{p}.{b64url(b'x' * 64)}"


def jwt_wide(n):
    payload = {"iss": "did:example:i", "vc": None}
    payload.update(base_vc())
    del payload["proof"]
    for i in range(n):
        payload["credentialSubject"][f"p{i}"] = f"v{i}"
    return jwt({"alg": "ES256", "kid": "did:example:i#k", "typ": "vc+jwt"}, payload)


def jwt_x5c(n):
    # n junk certificates in x5c: the chain must be refused by count or parsed once each, not tried in pairs.
    cert = base64.b64encode(os.urandom(600)).decode()
    payload = dict(base_vc())
    del payload["proof"]
    return jwt({"alg": "ES256", "typ": "vc+jwt", "x5c": [cert] * n}, payload)


def sd_jwt_disclosures(n):
    disclosures = []
    digests = []
    for i in range(n):
        d = b64url(json.dumps([f"salt{i}", f"claim{i}", f"value{i}"]).encode())
        disclosures.append(d)
        digests.append(b64url(hashlib.sha256(d.encode()).digest()))
    payload = {
        "iss": "did:example:issuer",
        "vct": "https://example.org/vct",
        "_sd_alg": "sha-256",
        "_sd": digests,
        "cnf": {"jwk": {"kty": "EC", "crv": "P-256", "x": "AAAA", "y": "AAAA"}},
    }
    token = jwt({"alg": "ES256", "typ": "dc+sd-jwt", "kid": "did:example:issuer#k"}, payload)
    return token + "~" + "~".join(disclosures) + "~"


def sd_jwt_decoys(n):
    # One disclosure, n decoy digests in _sd (the lookup must not scan _sd once per disclosure, nor the reverse).
    d = b64url(json.dumps(["salt", "claim", "value"]).encode())
    digests = [b64url(hashlib.sha256(f"decoy{i}".encode()).digest()) for i in range(n)]
    digests.append(b64url(hashlib.sha256(d.encode()).digest()))
    payload = {"iss": "did:example:issuer", "vct": "https://example.org/vct", "_sd_alg": "sha-256", "_sd": digests}
    return jwt({"alg": "ES256", "typ": "dc+sd-jwt", "kid": "did:example:issuer#k"}, payload) + "~" + d + "~"


def sd_jwt_array_elements(n):
    disclosures = []
    elements = []
    for i in range(n):
        d = b64url(json.dumps([f"salt{i}", f"item{i}"]).encode())
        disclosures.append(d)
        elements.append({"...": b64url(hashlib.sha256(d.encode()).digest())})
    payload = {"iss": "did:example:issuer", "vct": "https://example.org/vct", "_sd_alg": "sha-256", "items": elements}
    token = jwt({"alg": "ES256", "typ": "dc+sd-jwt", "kid": "did:example:issuer#k"}, payload)
    return token + "~" + "~".join(disclosures) + "~"


def jades_sigs(n):
    # A JAdES-looking seal (JWS JSON serialization) with n signatures.
    payload = b64url(json.dumps({k: v for k, v in base_vc().items() if k != "proof"}).encode())
    sig = {"protected": b64url(json.dumps({"alg": "ES256", "sigT": "2026-01-01T00:00:00Z"}).encode()), "signature": b64url(b"x" * 64)}
    return {"payload": payload, "signatures": [sig] * n}


def jades_x5c(n):
    cert = base64.b64encode(os.urandom(600)).decode()
    payload = b64url(json.dumps({k: v for k, v in base_vc().items() if k != "proof"}).encode())
    header = {"alg": "ES256", "x5c": [cert] * n, "sigT": "2026-01-01T00:00:00Z", "crit": ["sigT"]}
    return {"payload": payload, "signatures": [{"protected": b64url(json.dumps(header).encode()), "signature": b64url(b"x" * 64)}]}


def nquads_many(n):
    lines = [f"_:b{i} <https://example.org/p> \"v{i}\" ." for i in range(n)]
    return "\n".join(lines) + "\n"


def nquads_wide_literal(n):
    return "<https://example.org/s> <https://example.org/p> \"" + ("a\\u00e9\\n" * n) + "\" .\n"


def nquads_same_bnodes(n):
    # n isomorphic blank nodes around one hub: the poison-graph limit must stop the n-degree step early.
    lines = [f"_:hub <https://example.org/p> _:b{i} ." for i in range(n)]
    return "\n".join(lines) + "\n"


def jsonld_context_scoped(n):
    # n type-scoped contexts, each re-processed for every node of that type.
    context = {f"T{i}": {"@id": f"https://example.org/T{i}", "@context": {"q": "https://example.org/q"}} for i in range(n)}
    vc = base_vc()
    vc["@context"] = [V2, EXAMPLES, context]
    vc["credentialSubject"]["item"] = [{"type": f"T{i}", "q": "x"} for i in range(n)]
    return vc


def jsonld_property_scoped(n):
    # Property-scoped contexts that each define n terms, used n times.
    inner = {f"k{i}": f"https://example.org/k{i}" for i in range(n)}
    vc = base_vc()
    vc["@context"] = [V2, EXAMPLES, {"box": {"@id": "https://example.org/box", "@context": inner}}]
    vc["credentialSubject"]["box"] = [{"k0": "x"} for _ in range(n)]
    return vc


def type_scoped_wide(n):
    # n type-scoped contexts applied to one node over an active context of n terms: each application must not
    # copy the whole active context (n x n).
    context = {f"f{i}": f"https://example.org/f{i}" for i in range(n)}
    context.update({f"T{i}": {"@id": f"https://example.org/T{i}", "@context": {f"q{i}": f"https://example.org/q{i}"}} for i in range(n)})
    vc = base_vc()
    vc["@context"] = [V2, EXAMPLES, context]
    vc["credentialSubject"]["item"] = {"type": [f"T{i}" for i in range(n)], "q0": "x"}
    return vc


def property_scoped_wide(n):
    # n property-scoped contexts, each used once, over an active context of n terms.
    context = {f"f{i}": f"https://example.org/f{i}" for i in range(n)}
    context.update({f"p{i}": {"@id": f"https://example.org/p{i}", "@context": {f"q{i}": f"https://example.org/q{i}"}} for i in range(n)})
    vc = base_vc()
    vc["@context"] = [V2, EXAMPLES, context]
    for i in range(n):
        vc["credentialSubject"][f"p{i}"] = {f"q{i}": "x"}
    return vc


def nested_scoped(n):
    # Property-scoped contexts nested n deep (within the depth limit: chains of 50), each adding a term.
    context = {f"f{i}": f"https://example.org/f{i}" for i in range(n)}
    context["p"] = {"@id": "https://example.org/p", "@context": {"r": "https://example.org/r"}}
    vc = base_vc()
    vc["@context"] = [V2, EXAMPLES, context]
    node = {"r": "leaf"}
    for _ in range(50):
        node = {"p": node}
    vc["credentialSubject"]["chain"] = [node] * max(1, n // 50)
    return vc


def deep_nesting(n):
    vc = base_vc()
    node = {"name": "leaf"}
    for _ in range(min(n, 55)):
        node = {"inner": [node]}
    vc["credentialSubject"]["deep"] = [node] * max(1, n // 55)
    return vc


def many_ids_same(n):
    # n node objects with the same @id (merged in the node map): merging must not rescan the node's values.
    vc = base_vc()
    vc["credentialSubject"]["item"] = [{"id": "urn:x:same", "name": f"n{i}"} for i in range(n)]
    return vc


def many_values_same(n):
    # The same value n times (deduplicated in the node map).
    vc = base_vc()
    vc["credentialSubject"]["item"] = ["dup"] * n
    return vc


def many_keys_escaped(n):
    # Keys that need IRI expansion via @vocab and are all distinct and long.
    vc = base_vc()
    for i in range(n):
        vc["credentialSubject"]["k" * 40 + str(i)] = i
    return vc


def json_dup_like_keys(n):
    # Keys that share long prefixes (bad for a weak hash).
    vc = base_vc()
    prefix = "x" * 200
    for i in range(n):
        vc["credentialSubject"][prefix + str(i)] = i
    return vc


CASES = [
    ("wide-subject", "properties of credentialSubject", 1000, wide_subject, "json"),
    ("long-array", "values of one property", 2000, long_array, "json"),
    ("many-types", "@type values", 1000, many_types, "json"),
    ("inline-contexts", "inline contexts in @context", 250, many_inline_contexts, "json"),
    ("many-terms", "terms in one inline context", 1000, many_terms, "json"),
    ("alias-chain", "terms defined through the previous one", 250, alias_chain, "json"),
    ("included", "@included nodes", 1000, many_included, "json"),
    ("graph", "@graph nodes", 1000, many_graph, "json"),
    ("long-list", "@list items", 2000, long_list, "json"),
    ("many-lists", "@list objects", 1000, many_lists, "json"),
    ("nest", "@nest objects", 1000, many_nest, "json"),
    ("reverse", "@reverse properties", 1000, many_reverse, "json"),
    ("index-map", "@index map keys", 1000, index_map, "json"),
    ("language-map", "@language map keys", 1000, language_map, "json"),
    ("blank-nodes", "distinct blank nodes", 1000, blank_nodes, "json"),
    ("same-blank-nodes", "identical blank nodes", 250, same_blank_nodes, "json"),
    ("blank-chain", "blank nodes in chains of 60", 600, blank_chain, "json"),
    ("long-string", "characters of one string", 100000, long_string, "json"),
    ("proofs", "proofs in a proof set", 16, many_proofs, "json"),
    ("chained-proofs", "proofs, each chained to all earlier ones", 8, chained_proofs, "json"),
    ("status", "credentialStatus entries", 100, many_status, "json"),
    ("evidence", "evidence objects", 500, many_evidence, "json"),
    ("presentation", "properties per credential of a VP", 2000, presentation, "json"),
    ("type-scoped", "type-scoped contexts and typed nodes", 100, jsonld_context_scoped, "json"),
    ("property-scoped", "terms of a property-scoped context x uses", 100, jsonld_property_scoped, "json"),
    ("type-scoped-wide", "type-scoped contexts on one node over n terms", 500, type_scoped_wide, "json"),
    ("property-scoped-wide", "property-scoped contexts over n terms", 500, property_scoped_wide, "json"),
    ("nested-scoped", "nested property-scoped contexts over n terms", 500, nested_scoped, "json"),
    ("deep", "nested objects (depth 55)", 550, deep_nesting, "json"),
    ("same-id", "nodes with one @id", 1000, many_ids_same, "json"),
    ("same-value", "one value repeated", 1000, many_values_same, "json"),
    ("long-keys", "distinct 40-character keys", 1000, many_keys_escaped, "json"),
    ("prefix-keys", "keys sharing a 200-character prefix", 1000, json_dup_like_keys, "json"),
    ("jwt-wide", "JWT payload properties", 1000, jwt_wide, "jwt"),
    ("jwt-x5c", "x5c certificates of a JWT", 100, jwt_x5c, "jwt"),
    ("sd-disclosures", "SD-JWT disclosures", 500, sd_jwt_disclosures, "sdjwt"),
    ("sd-decoys", "_sd digests", 2000, sd_jwt_decoys, "sdjwt"),
    ("sd-array", "array element disclosures", 500, sd_jwt_array_elements, "sdjwt"),
    ("jades-sigs", "signatures of a JWS JSON seal", 100, jades_sigs, "json"),
    ("jades-x5c", "x5c certificates of a seal", 100, jades_x5c, "json"),
    ("nq-many", "N-Quads lines (canonicalize)", 2000, nquads_many, "nq"),
    ("nq-literal", "escapes in one N-Quads literal (canonicalize)", 50000, nquads_wide_literal, "nq"),
    ("nq-same-bnodes", "isomorphic blank nodes (canonicalize)", 100, nquads_same_bnodes, "nq"),
]


def run(binary, path, kind):
    if kind == "nq":
        argv = [binary, "canonicalize", path]
    else:
        argv = [binary, "verify", "--json", path]
    result = subprocess.run(["/usr/bin/time", "-f", "TIME %e %U %M", *argv], capture_output=True, text=True)
    last = [line for line in result.stderr.splitlines() if line.startswith("TIME ")][-1].split()
    return float(last[1]), float(last[2]), int(last[3]) // 1024, result.returncode, (result.stdout + result.stderr)[-300:]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "debug", "skillcred"))
    parser.add_argument("--only", default="")
    parser.add_argument("--start", type=int, default=0, help="override each case's start n")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply each case's start n")
    parser.add_argument("--steps", type=int, default=4)
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the generated inputs (prints the folder)")
    args = parser.parse_args()
    if args.list:
        for name, what, start, _, kind in CASES:
            print(f"{name:18} {kind:6} n={start:<7} {what}")
        return
    only = set(filter(None, args.only.split(",")))
    scratch = tempfile.mkdtemp(prefix="complexity-")
    print(f"{'case':18} {'n':>8} {'bytes':>10} {'wall s':>8} {'user s':>8} {'RSS MB':>7} {'ratio':>6}  exit")
    for name, what, start, generate, kind in CASES:
        if only and name not in only:
            continue
        n = args.start or max(1, int(start * args.scale))
        previous = None
        for _ in range(args.steps):
            value = generate(n)
            text = value if isinstance(value, str) else json.dumps(value)
            suffix = {"jwt": "jwt", "sdjwt": "jwt", "nq": "nq"}.get(kind, "json")
            path = os.path.join(scratch, f"{name}-{n}.{suffix}")
            with open(path, "w") as handle:
                handle.write(text)
            wall, user, rss, code, tail = run(args.binary, path, kind)
            ratio = f"{wall / previous:6.2f}" if previous and previous > 0.05 else "     -"
            print(f"{name:18} {n:>8} {len(text):>10} {wall:>8.2f} {user:>8.2f} {rss:>7} {ratio}  {code}", flush=True)
            if code not in (0, 1, 3):
                print("   ", tail.replace("\n", " | ")[-200:])
            previous = wall
            if not args.keep:
                os.remove(path)
            n *= 2
    if args.keep:
        print("inputs kept in", scratch)


if __name__ == "__main__":
    sys.exit(main())
