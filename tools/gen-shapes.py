#!/usr/bin/env python3
"""Generates Sources/ProfileValidation/Shapes.generated.swift from the EU's SHACL shapes (ELM 3.2 LTS).

Run once when the shapes change (needs rdflib):
  python3 tools/gen-shapes.py ../shared/edc-samples > Sources/ProfileValidation/Shapes.generated.swift
Reads EDC-generic-no-cv.ttl (cardinalities, datatypes, classes) and EDC-generic-full.ttl (vocabulary
restrictions) and the edc-ap context (IRI -> JSON term). skillcred does not parse Turtle at run time.
"""
import json, sys
from rdflib import Graph, Namespace, RDF, URIRef
from rdflib.collection import Collection

SH = Namespace("http://www.w3.org/ns/shacl#")
samples = sys.argv[1]
g = Graph()
g.parse(f"{samples}/ec-elm/v3.2-lts/EDC-generic-no-cv.ttl", format="turtle")
full = Graph()
full.parse(f"{samples}/ec-elm/v3.2-lts/EDC-generic-full.ttl", format="turtle")
ctx = json.load(open(f"{samples}/ec-elm/v3.2-lts/edc-ap-context.jsonld"))["@context"]
prefixes = {k: v for k, v in ctx.items() if isinstance(v, str) and v.endswith(("/", "#"))}
def expand(c):
    if ":" in c:
        p, l = c.split(":", 1)
        if p in prefixes: return prefixes[p] + l
    return c
term_of = {}
for k, v in ctx.items():
    if k.startswith("@") or k in prefixes: continue
    iri = v if isinstance(v, str) else v.get("@id") if isinstance(v, dict) else None
    if iri and k[0].islower(): term_of.setdefault(expand(iri), k)
CRED = "https://www.w3.org/2018/credentials#"
for t in ["issuer", "credentialSubject", "issued", "issuanceDate", "validFrom", "validUntil", "expirationDate",
          "evidence", "credentialSchema", "credentialStatus", "termsOfUse", "holder"]:
    term_of[CRED + t] = t
XSD = "http://www.w3.org/2001/XMLSchema#"
datatypes = {XSD + "dateTime": ".dateTime", XSD + "duration": ".duration", XSD + "string": ".string",
             XSD + "boolean": ".boolean", XSD + "integer": ".integer", XSD + "positiveInteger": ".positiveInteger",
             XSD + "decimal": ".decimal", XSD + "anyURI": ".anyURI"}
LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
SKOS_CONCEPT = "http://www.w3.org/2004/02/skos/core#Concept"
lists = {
    "http://data.europa.eu/snb/credential/25831c2": "credential", "http://data.europa.eu/snb/eqf/25831c2": "eqf",
    "http://data.europa.eu/snb/qdr/25831c2": "nqf", "http://data.europa.eu/snb/isced-f/25831c2": "iscedF",
    "http://data.europa.eu/snb/learning-setting/25831c2": "learningSetting",
    "http://data.europa.eu/snb/skill-reuse-level/25831c2": "skillReuseLevel",
    "http://data.europa.eu/snb/skill-type/25831c2": "skillType", "http://data.europa.eu/snb/claim-type/25831c2": "claimType",
    "http://data.europa.eu/snb/evidence-type/25831c2": "evidenceType",
    "http://data.europa.eu/snb/entitlement-status/25831c2": "entitlementStatus",
    "http://data.europa.eu/snb/accreditation/25831c2": "accreditation",
    "http://data.europa.eu/snb/verification/25831c2": "verification",
    "http://data.europa.eu/snb/verification-status/25831c2": "verificationStatus",
    "http://data.europa.eu/esco/concept-scheme/skills": "escoSkills",
    "http://data.europa.eu/esco/concept-scheme/occupations": "escoOccupations",
    "http://publications.europa.eu/resource/authority/country": "country",
    "http://publications.europa.eu/resource/authority/language": "language",
    "http://publications.europa.eu/resource/authority/atu": "atu",
    "http://publications.europa.eu/resource/authority/currency": "currency",
}
def local(u): return str(u).rstrip("/").split("/")[-1].split("#")[-1]

def classes_of(ps, graph):
    cs = [local(c) for c in graph.objects(ps, SH["class"])]
    for orl in graph.objects(ps, SH["or"]):
        for item in Collection(graph, orl):
            cs += [local(c) for c in graph.objects(item, SH["class"])]
    return cs

rules = {}  # class -> term -> dict
skipped = []
def merge(cls, term, r):
    cur = rules.setdefault(cls, {}).setdefault(term, {"min": 0, "max": None, "kind": None, "iri": False, "uniqueLang": False, "order": len(rules[cls])})
    cur["min"] = max(cur["min"], r.get("min", 0))
    if r.get("max") is not None: cur["max"] = r["max"] if cur["max"] is None else min(cur["max"], r["max"])
    if r.get("kind"):
        if cur["kind"] is None or r["kind"].startswith(".concept(."): cur["kind"] = r["kind"]
    cur["iri"] = cur["iri"] or r.get("iri", False)
    cur["uniqueLang"] = cur["uniqueLang"] or r.get("uniqueLang", False)

for shape in g.subjects(SH.targetClass, None):
    cls = local(next(g.objects(shape, SH.targetClass)))
    for ps in g.objects(shape, SH.property):
        if (ps, SH.deactivated, None) in g and str(next(g.objects(ps, SH.deactivated))).lower() == "true": continue
        path = next(g.objects(ps, SH.path), None)
        if path is None or isinstance(path, URIRef) is False: continue
        term = term_of.get(str(path))
        if term is None: skipped.append(f"{cls} {path}"); continue
        r = {}
        mn = next(g.objects(ps, SH.minCount), None); mx = next(g.objects(ps, SH.maxCount), None)
        if mn is not None: r["min"] = int(mn)
        if mx is not None: r["max"] = int(mx)
        dt = next(g.objects(ps, SH.datatype), None)
        nk = next(g.objects(ps, SH.nodeKind), None)
        cs = classes_of(ps, g)
        nodes = [local(n) for n in g.objects(ps, SH.node)]
        if dt is not None and str(dt) == LANGSTRING: r["kind"] = ".langString"
        elif dt is not None and str(dt) in datatypes: r["kind"] = f".literal({datatypes[str(dt)]})"
        elif "ClaimNodeShape" in nodes: r["kind"] = ".node(claimClasses)"
        elif cs == ["Concept"]: r["kind"] = ".concept(nil)"
        elif cs: r["kind"] = ".node([" + ", ".join(f'"{c}"' for c in sorted(set(cs))) + "])"
        elif nk is not None and local(nk) == "Literal": r["kind"] = ".literal(.anyLiteral)"
        if nk is not None and local(nk) == "IRI": r["iri"] = True
        if str(next(g.objects(ps, SH.uniqueLang), "false")).lower() == "true": r["uniqueLang"] = True
        merge(cls, term, r)

for shape in full.subjects(SH.targetClass, None):
    cls = local(next(full.objects(shape, SH.targetClass)))
    for ps in full.objects(shape, SH.property):
        path = next(full.objects(ps, SH.path), None)
        term = term_of.get(str(path))
        if term is None: skipped.append(f"{cls} {path} (cv)"); continue
        r = {"iri": True}
        mn = next(full.objects(ps, SH.minCount), None); mx = next(full.objects(ps, SH.maxCount), None)
        if mn is not None: r["min"] = int(mn)
        if mx is not None: r["max"] = int(mx)
        for restriction in full.objects(ps, SH.node):
            for rp in full.objects(restriction, SH.property):
                hv = next(full.objects(rp, SH.hasValue), None)
                if hv is not None: r["kind"] = f".concept(.{lists[str(hv)]})"
        merge(cls, term, r)

print("// Generated by tools/gen-shapes.py from EDC-generic-no-cv.ttl and EDC-generic-full.ttl (ELM 3.2 LTS,")
print("// generic-full owl:versionInfo 1.2.0); do not edit by hand. Terms are the edc-ap context's JSON names.")
print("// Property shapes not expressible as a JSON term are listed at the end.")
print("")
print("/// Class name → rules, for every target class of the profile (subclasses listed on their own,")
print("/// as the shapes target exact classes).")
print("let generatedShapes: [String: [PropertyRule]] = [")
for cls in sorted(rules):
    print(f'    "{cls}": [')
    for term, r in sorted(rules[cls].items(), key=lambda kv: kv[1]["order"]):
        kind = r["kind"] or ".node([])"
        mx = "nil" if r["max"] is None else str(r["max"])
        print(f'        PropertyRule(term: "{term}", min: {r["min"]}, max: {mx}, kind: {kind}, iri: {str(r["iri"]).lower()}, uniqueLang: {str(r["uniqueLang"]).lower()}),')
    print("    ],")
print("]")
print("")
for s in sorted(set(skipped)): print(f"// not a JSON term: {s}")
