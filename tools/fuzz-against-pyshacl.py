#!/usr/bin/env python3
"""Differential check of `skillcred validate` against pyshacl on mutated official EDC samples.

Usage: fuzz-against-pyshacl.py --skillcred .build/debug/skillcred --python .venv/bin/python [--shared ../shared]
       [--out /tmp/edc-fuzz] [--mode delete|replace|both] [--per-file 350] [--seed 7]
Every member of the sealed samples is deleted one at a time (delete) or replaced by a value of another
shape (replace); each mutant is validated by skillcred and by tools/shacl-oracle.py (the EU's SHACL
shapes in pyshacl) and the verdicts are compared. Slow (pyshacl: ~0.4 s per file).

Known, deliberate differences (skillcred is stricter than the shapes):
- the root lacks type EuropeanDigitalCredential (SHACL then targets nothing and says "conforms");
- an unknown code in a complete Europass list (e.g. eqf), or an ESCO skill IRI not of the form
  http://data.europa.eu/esco/skill/<uuid>;
- a JSON number where the context types the value as xsd:duration or xsd:anyURI ("7"^^xsd:duration is
  ill-formed; rdflib does not check it).
"""
import argparse, copy, json, os, random, subprocess, sys

SAMPLES = {
    "mc": "edc-samples/ec-elm/v3.1-master/Sample-MC-Annex1-signed.jsonld",
    "cp": "edc-samples/ec-elm/v3.1-master/Sample-CertOfPart-signed.jsonld",
    "dc": "edc-samples/mynextid/edc-dc-signed.jsonld",
}


def members(o, p, out):
    if isinstance(o, dict):
        for k, v in o.items():
            if k == "@context": continue
            out.append((p + [k], v)); members(v, p + [k], out)
    elif isinstance(o, list):
        for i, x in enumerate(o):
            out.append((p + [i], x)); members(x, p + [i], out)
    return out


def replacement(v, rnd):
    if isinstance(v, str): return rnd.choice(["zz", "2026-02-30T00:00:00Z", {"en": "x"}, 7])
    if isinstance(v, dict) and "type" in v:
        return rnd.choice(["urn:x:nothing", {"id": "urn:x:blank"}, {k: w for k, w in v.items() if k != "type"}, [v, v]])
    if isinstance(v, dict): return rnd.choice(["plain", {"en": ["a", "b"]}, {}])
    if isinstance(v, list): return rnd.choice([[], v[:1]])
    return rnd.choice(["1", 0, -1, True])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--skillcred", required=True)
    ap.add_argument("--python", required=True)
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(__file__), "../../shared"))
    ap.add_argument("--out", default="/tmp/edc-fuzz")
    ap.add_argument("--mode", default="both")
    ap.add_argument("--per-file", type=int, default=350)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)
    files, labels = [], {}
    for tag, rel in SAMPLES.items():
        base = json.loads(json.load(open(os.path.join(a.shared, rel)))["payload"])
        items = members(base, [], [])
        jobs = []
        if a.mode in ("delete", "both"): jobs += [("del", p, None) for p, _ in items]
        if a.mode in ("replace", "both"):
            picked = rnd.sample(items, min(a.per_file, len(items)))
            jobs += [("set", p, replacement(v, rnd)) for p, v in picked]
        for kind, p, new in jobs:
            d = copy.deepcopy(base); o = d
            for s in p[:-1]: o = o[s]
            if kind == "del": del o[p[-1]]
            else: o[p[-1]] = new
            name = os.path.join(a.out, f"{tag}-{len(files):05d}.json")
            json.dump(d, open(name, "w")); files.append(name)
            labels[name] = f"{tag} {kind} {json.dumps(p)}" + ("" if kind == "del" else " = " + json.dumps(new)[:60])
    ours = json.loads(subprocess.run([a.skillcred, "validate", "--json"] + files, capture_output=True, text=True).stdout)
    ours = {r["file"]: r for r in ours["results"]}
    theirs = subprocess.run([a.python, os.path.join(os.path.dirname(__file__), "shacl-oracle.py"), "--shared", a.shared] + files,
                            capture_output=True, text=True).stdout.splitlines()
    diffs = 0
    for line in theirs:
        t = json.loads(line); o = ours[t["file"]]
        if o["conforms"] != t["conforms"]:
            diffs += 1
            print(f"{labels[t['file']]}: skillcred {o['conforms']} {[f['rule'] for f in o['findings']][:3]}, pyshacl {t['conforms']}")
    print(f"{len(theirs)} mutants, {len(theirs) - diffs} agree, {diffs} differ")


if __name__ == "__main__":
    main()
