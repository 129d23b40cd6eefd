#!/usr/bin/env python3
"""Independent check of EDC credentials with the EU's own SHACL shapes (pyshacl).

Usage: shacl-oracle.py [--shared DIR] FILE...   (FILE: credential JSON, {"credential": ...} upload, or JWS JSON)
Prints one JSON object per file: {"file", "conforms", "results": [{"focus", "path", "constraint", "message"}]}.
Offline: the VC v1 and edc-ap (ELM 3.2 LTS) contexts and the generic-full + no-cv shapes are read from
../shared (the edc-samples folder), never fetched. Needs pyshacl (pip install pyshacl).
"""
import argparse, json, os, sys

from pyshacl import validate
from rdflib import Graph

VC_V1 = "https://www.w3.org/2018/credentials/v1"
EDC_AP = "http://data.europa.eu/snb/model/context/edc-ap"


def load_credential(path):
    with open(path, "rb") as f:
        doc = json.loads(f.read())
    if isinstance(doc, dict) and "payload" in doc and ("signatures" in doc or "signature" in doc):
        doc = json.loads(doc["payload"])
    elif isinstance(doc, dict) and "@context" not in doc and isinstance(doc.get("credential"), dict):
        doc = doc["credential"]
    return doc


def inline_contexts(doc, contexts):
    ctx = doc.get("@context", [])
    ctx = ctx if isinstance(ctx, list) else [ctx]
    doc = dict(doc)
    doc["@context"] = [contexts.get(c, c) if isinstance(c, str) else c for c in ctx]
    return doc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=os.environ.get("SKILLCRED_SHARED", os.path.join(os.path.dirname(__file__), "../../shared")))
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    samples = os.path.join(args.shared, "edc-samples")
    with open(os.path.join(samples, "w3c-contexts/credentials-v1.jsonld")) as f:
        vc = json.load(f)["@context"]
    with open(os.path.join(samples, "ec-elm/v3.2-lts/edc-ap-context.jsonld")) as f:
        edc = json.load(f)["@context"]
    contexts = {VC_V1: vc, EDC_AP: edc}
    shapes = Graph()
    for name in ("EDC-generic-no-cv.ttl", "EDC-generic-full.ttl"):
        shapes.parse(os.path.join(samples, "ec-elm/v3.2-lts", name), format="turtle")
    for path in args.files:
        doc = inline_contexts(load_credential(path), contexts)
        data = Graph()
        data.parse(data=json.dumps(doc), format="json-ld")
        conforms, report, _ = validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
        results = []
        q = """
        PREFIX sh: <http://www.w3.org/ns/shacl#>
        SELECT ?focus ?path ?constraint ?message ?severity WHERE {
          ?r a sh:ValidationResult ; sh:focusNode ?focus ; sh:sourceConstraintComponent ?constraint ; sh:resultSeverity ?severity .
          OPTIONAL { ?r sh:resultPath ?path } OPTIONAL { ?r sh:resultMessage ?message } }
        """
        for row in report.query(q):
            results.append({"focus": str(row.focus), "path": str(row.path) if row.path else None,
                            "constraint": str(row.constraint).split("#")[-1], "message": str(row.message) if row.message else None,
                            "severity": str(row.severity).split("#")[-1]})
        print(json.dumps({"file": path, "conforms": bool(conforms), "triples": len(data), "results": results}))


if __name__ == "__main__":
    main()
