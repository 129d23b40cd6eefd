import CredentialJSON
import Foundation
import JSONLD
import RDF
import RDFCanonicalization
import TestSupport
import Testing

@testable import JSONLDToRDF

/// Attacks on the streaming pass, written by a review helper: each document must be declined or give the ordinary
/// dataset, under both processing modes, with and without a base IRI, and three sets of RDF options. The random
/// generator takes `SKILLCRED_STREAM_FUZZ_COUNT` (documents per run, default 2,000), `SKILLCRED_STREAM_FUZZ_SEED` and
/// `SKILLCRED_STREAM_FUZZ_LIMITS` (small random limits, cold context cache) from the environment (docs/testing.md).
@Suite struct StreamedConversionAttacks {
    static func loader(_ extra: [String: String] = [:]) throws -> any DocumentLoader {
        var documents: [String: JSONValue] = [:]
        for (url, text) in extra { documents[url] = try JSONParser.parse(text) }
        return ChainedDocumentLoader([StaticDocumentLoader(documents), try StreamedConversion.contextLoader()])
    }

    static func check(
        _ text: String, jsonld: JSONLDOptions? = nil, rdf: ToRDFOptions = ToRDFOptions(rdfDirection: .i18nDatatype)
    ) throws -> StreamedConversion.Verdict {
        let document = try JSONParser.parse(text)
        let verdict = StreamedConversion.compare(document, jsonld: try jsonld ?? JSONLDOptions(documentLoader: loader()), rdf: rdf)
        if case .different(let why) = verdict { print("DIFFERENT: \(text)\n\(why)") }
        return verdict
    }

    // MARK: targeted attacks expected to hold

    static let targeted: [String] = [
        // type-scoped context redefines the @type alias and the @id alias
        ##"{"@context": {"@vocab": "http://ex.org/", "t": "@type", "T": {"@id": "http://ex.org/T", "@context": {"t": "http://ex.org/tprop"}}}, "@id": "http://ex.org/s", "t": "T", "p": 1}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "T": {"@id": "http://ex.org/T", "@context": {"i": "@id", "k": "@type"}}}, "@type": "T", "i": "http://ex.org/s", "p": 1}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "T": {"@id": "http://ex.org/T", "@context": {"k": "@type"}}}, "@type": "T", "k": "U", "p": 1}"##,
        // type-scoped context does not propagate, unless @propagate true
        ##"{"@context": {"@vocab": "http://ex.org/", "T": {"@id": "http://ex.org/T", "@context": {"p": "http://other.org/p"}}}, "@type": "T", "p": 1, "c": {"p": 2, "d": {"p": 3}}}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "T": {"@id": "http://ex.org/T", "@context": {"@propagate": true, "p": "http://other.org/p"}}}, "@type": "T", "p": 1, "c": {"p": 2, "d": {"p": 3}}}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "T": {"@id": "http://ex.org/T", "@context": {"p": "http://other.org/p"}}}, "@type": "T", "c": {"@id": "http://ex.org/only"}, "e": [{"@value": "v"}]}"##,
        // embedded @propagate false
        ##"{"@context": {"@vocab": "http://ex.org/"}, "c": {"@context": {"@propagate": false, "p": "http://other.org/p"}, "p": 1, "d": {"p": 2}}}"##,
        // property-scoped context redefining the property itself
        ##"{"@context": {"@vocab": "http://ex.org/", "p": {"@id": "http://ex.org/p", "@context": {"p": {"@id": "http://other.org/p", "@type": "@id"}}}}, "p": "http://ex.org/x"}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "p": {"@id": "http://ex.org/p", "@context": {"p": {"@id": "http://other.org/p", "@type": "@json"}}}}, "p": "x"}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "p": {"@id": "http://ex.org/p", "@context": {"p": {"@id": "http://other.org/p", "@container": "@list"}}}}, "p": ["x", "y"]}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "p": {"@id": "http://ex.org/p", "@context": {"p": {"@id": "http://other.org/p", "@language": "fr"}}}}, "p": ["x", {"p": "y"}]}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "p": {"@id": "http://ex.org/p", "@context": {"p": {"@reverse": "http://other.org/p"}}}}, "p": "x"}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "p": {"@id": "http://ex.org/p", "@context": {"p": null}}}, "p": "x"}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "p": {"@id": "http://ex.org/p", "@context": {"p": {"@id": "http://other.org/p", "@type": "@vocab"}, "x": "http://ex.org/X"}}}, "p": "x"}"##,
        // protected
        ##"{"@context": {"@protected": true, "@vocab": "http://ex.org/", "p": "http://ex.org/p"}, "c": {"@context": {"p": "http://other.org/p"}, "p": 1}}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "p": {"@id": "http://ex.org/p", "@protected": true}, "q": {"@id": "http://ex.org/q", "@context": {"p": "http://other.org/p"}}}, "q": {"p": 1}}"##,
        ##"{"@context": [{"@protected": true, "p": "http://ex.org/p"}, null], "p": 1}"##,
        // aliases
        ##"{"@context": {"@vocab": "http://ex.org/", "id1": "@id", "id2": "@id"}, "id1": "http://ex.org/a", "id2": "http://ex.org/b", "p": 1}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "t1": "@type", "t2": "@type"}, "t1": "A", "t2": "B", "p": 1}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "type": {"@id": "@type", "@container": "@set"}}, "type": "A", "p": 1}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "v": "@value", "l": "@language"}, "p": {"v": "x", "l": "en"}}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "v": "@value"}, "p": {"v": "x", "q": 1}}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "g": "@graph"}, "g": [{"@id": "http://ex.org/a", "p": 1}]}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "n": "@nest"}, "@id": "http://ex.org/a", "n": {"p": 1}}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "i": "@index"}, "p": {"i": "x", "q": 1}}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "inc": "@included"}, "p": {"inc": [{"@id": "http://ex.org/i", "q": 1}], "q": 2}}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "r": "@reverse"}, "p": {"r": {"q": {"@id": "http://ex.org/x"}}, "q": 2}}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "s": "@set"}, "p": {"s": [1, {"q": 2}]}}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "s": "@set"}, "p": {"s": []}, "q": 1}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "li": "@list"}, "p": {"li": [1, {"q": 2}]}}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "d": "@direction"}, "p": {"@value": "x", "d": "rtl"}}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "j": "@json"}, "p": {"@value": {"a": 1}, "@type": "j"}}"##,
        // @type coercion
        ##"{"@context": {"@vocab": "http://ex.org/", "ex": "http://ex.org/", "p": {"@type": "@vocab"}, "q": {"@type": "@id"}}, "p": ["ex:a", "_:b", "term", "p", "q", "@type"], "q": "ex:a"}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "p": {"@type": "@vocab"}, "term": "_:bn"}, "p": "term", "q": {"@id": "_:bn", "r": 1}}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "p": {"@type": "@id"}}, "p": ["_:b", "#frag", "rel"]}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "p": {"@type": "@id"}}, "p": [1, true, "http://ex.org/x"]}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "p": {"@type": "@none"}}, "p": ["x", 1]}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "p": {"@type": "_:dt"}}, "p": "x"}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "p": {"@type": "ex:dt"}, "ex": "http://ex.org/dt#"}, "p": "x"}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "p": {"@type": "http://www.w3.org/2001/XMLSchema#double"}}, "p": [1, "1", 1.0, true]}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "p": {"@type": "http://www.w3.org/2001/XMLSchema#integer"}}, "p": [1.5, 1e400]}"##,
        // language / direction
        ##"{"@context": {"@vocab": "http://ex.org/", "@language": "en", "p": {"@language": null}, "q": {"@direction": null}, "@direction": "rtl"}, "p": "x", "q": "y", "r": "z", "s": 1}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "@language": "not a tag"}, "p": "x"}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "p": {"@language": "en US"}}, "p": "x"}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "@language": "EN-us", "@direction": "ltr"}, "p": "x"}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "@direction": "ltr"}, "p": ["x", 1, true]}"##,
        // json / none
        ##"{"@context": {"@vocab": "http://ex.org/", "p": {"@type": "@json"}}, "p": [1, null, {"b": 1e400}]}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "p": {"@type": "@json", "@container": "@set"}}, "p": null}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "p": {"@type": "@json"}}, "p": null, "q": 1}"##,
        ##"{"@context": {"@vocab": "http://ex.org/"}, "@type": "@json", "p": 1}"##,
        ##"{"@context": {"@vocab": "http://ex.org/"}, "@type": "@none", "p": 1}"##,
        ##"{"@context": {"@vocab": "http://ex.org/"}, "@type": "@id", "p": 1}"##,
        ##"{"@context": {"@vocab": "http://ex.org/"}, "@type": "", "p": 1}"##,
        // numbers
        ##"{"@context": {"@vocab": "http://ex.org/"}, "p": [-0, 0, 1.0, 1e400, -1e400, 12345678901234567890123, 1E2, 0.1, -0.0, 1e-400, 100000000000000000000.0]}"##,
        ##"{"@context": {"@vocab": "http://ex.org/"}, "p": [true, false, [], [[]], [[null]], [[1, [2]]]]}"##,
        // blank nodes
        ##"{"@context": {"@vocab": "http://ex.org/"}, "@id": "_:a", "p": {"@id": "_:a", "q": {"@id": "_:b0"}}, "r": {"@id": "_:b0"}}"##,
        ##"{"@context": {"@vocab": "http://ex.org/"}, "@id": "_:", "p": 1}"##,
        ##"{"@context": {"@vocab": "http://ex.org/"}, "@type": "_:t", "_:p": 1}"##,
        ##"{"@context": {"@vocab": "_:"}, "p": 1}"##,
        // relative IRIs
        ##"{"@context": {"@vocab": "http://ex.org/"}, "@id": "rel", "p": 1}"##,
        ##"{"@context": {"@vocab": ""}, "p": 1}"##,
        ##"{"@context": {"@base": "http://ex.org/base/", "@vocab": ""}, "@id": "", "p": 1, "@type": "T"}"##,
        ##"{"@context": {"@base": "http://ex.org/base/", "@vocab": "#"}, "@id": "../x", "p": {"@id": "?q"}}"##,
        ##"{"@context": {"@base": null, "@vocab": "http://ex.org/"}, "@id": "x", "p": 1}"##,
        // malformed IRIs
        ##"{"@context": {"@vocab": "http://ex.org/"}, "@id": "http://ex.org/a b", "p": 1}"##,
        ##"{"@context": {"@vocab": "http://ex.org/"}, "http://ex.org/a b": 1}"##,
        ##"{"@context": {"@vocab": "http://ex.org/"}, "http://ex.org/a`": [], "p": 1}"##,
        ##"{"@context": {"@vocab": "http://ex.org/"}, "p": {"@id": "http://ex.org/<x>"}}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "p": {"@type": "@id"}}, "p": "http://ex.org/{x}"}"##,
        ##"{"@context": {"@vocab": "http://ex.org/"}, "@type": "http://ex.org/a b", "p": 1}"##,
        ##"{"@context": {"@vocab": "http://ex.org/a#b#"}, "p": 1}"##,
        ##"{"@context": {"@vocab": "http://ex.org/"}, "@id": "http://ex.org/\u0085", "p": 1}"##,
        // terms that look like IRIs / keyword-like keys
        ##"{"@context": {"http://ex.org/p": "http://other.org/p", "http:": "http://x.org/"}, "http://ex.org/p": 1, "http://ex.org/q": 2}"##,
        ##"{"@context": {"@vocab": "http://ex.org/"}, "@foo": 1, "p": 1}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "@foo": "http://ex.org/foo"}, "p": 1}"##,
        ##"{"@context": {"@vocab": "http://ex.org/"}, "@x:y": 1, "p": 1}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "p": "@x:y"}, "p": 1, "q": 1}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "p": null}, "p": 1, "q": 1}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "p": {"@id": null}}, "p": 1, "q": 1}"##,
        // contexts in nodes
        ##"{"@context": {"@vocab": "http://ex.org/"}, "c": {"@context": null, "http://ex.org/p": 1}}"##,
        ##"{"@context": {"@vocab": "http://ex.org/"}, "c": {"@context": [null, {"@vocab": "http://o.org/"}], "p": 1}}"##,
        ##"{"@context": {"@version": 1.1, "@vocab": "http://ex.org/"}, "p": 1}"##,
        ##"{"@context": {"@import": "http://example.org/imp", "q": "http://ex.org/q"}, "p": 1, "q": 2}"##,
        // top level
        ##"{"@context": {"@vocab": "http://ex.org/"}, "@id": "http://ex.org/a", "p": []}"##,
        ##"{"@context": {"@vocab": "http://ex.org/"}, "@id": "http://ex.org/a", "p": null}"##,
        ##"{"@context": {"@vocab": "http://ex.org/"}, "@id": "http://ex.org/a", "p": {}}"##,
        ##"{"@context": {"@vocab": "http://ex.org/"}, "p": {"@value": null}}"##,
        ##"{"@context": {"@vocab": "http://ex.org/"}, "p": {"@language": "en"}}"##,
        ##"{"@context": {"@vocab": "http://ex.org/"}, "p": {"@id": "http://ex.org/b", "@type": []}}"##,
        ##"{"@context": {"@vocab": "http://ex.org/"}, "@type": [], "p": {"@id": "http://ex.org/b"}}"##,
        // containers
        ##"{"@context": {"@vocab": "http://ex.org/", "p": {"@container": ["@set", "@index"]}}, "p": {"i": "x"}}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "p": {"@container": "@graph"}}, "p": {"q": 1}}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "p": {"@container": "@id"}}, "p": {"http://ex.org/i": {"q": 1}}}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "p": {"@container": "@type"}}, "p": {"T": {"q": 1}}}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "p": {"@container": "@language"}}, "p": {"en": "x", "@none": "y", "bad tag": "z"}}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "p": {"@container": "@set"}}, "p": {"@set": [{"@set": [1]}]}}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "p": {"@reverse": "http://ex.org/r"}}, "@id": "http://ex.org/a", "p": {"@id": "http://ex.org/b"}}"##,
        ##"{"@context": {"@vocab": "http://ex.org/", "p": {"@reverse": "http://ex.org/r"}}, "q": {"@id": "http://ex.org/a", "p": {"@id": "http://ex.org/b"}}}"##,
        // @index conflicts across streamed and expanded nodes
        ##"{"@context": {"@vocab": "http://ex.org/"}, "p": [{"@id": "http://ex.org/n", "@index": "1"}, {"@id": "http://ex.org/n", "@index": "2"}]}"##,
        ##"{"@context": {"@vocab": "http://ex.org/"}, "p": [{"@id": "http://ex.org/n", "@index": "1", "q": 1}, {"@id": "http://ex.org/n", "q": 2}]}"##,
    ]

    @Test func targetedAttacksHold() throws {
        var failures = 0
        for text in Self.targeted {
            for rdf in [ToRDFOptions(rdfDirection: .i18nDatatype), ToRDFOptions(), ToRDFOptions(rdfDirection: .compoundLiteral, produceGeneralizedRDF: true)] {
                let loader = try Self.loader(["http://example.org/imp": #"{"@context": {"@vocab": "http://ex.org/"}}"#])
                for mode in [ProcessingMode.jsonLD11, .jsonLD10] {
                    for base in [nil, "http://ex.org/base/"] as [String?] {
                        let jsonld = JSONLDOptions(documentLoader: loader, base: base, processingMode: mode, contextCache: ContextCache(maxEntries: 16))
                        if case .different = try Self.check(text, jsonld: jsonld, rdf: rdf) {
                            failures += 1
                            print("  options: mode \(mode) base \(base ?? "nil") rdf \(rdf)")
                        }
                    }
                }
            }
        }
        #expect(failures == 0)
    }

    // MARK: limits

    @Test func limitsAtTheBoundary() throws {
        let root = SharedData.packageRoot.appendingPathComponent("samples")
        let document = try JSONParser.parse(try Data(contentsOf: root.appendingPathComponent("vc2-small.json")))
        var failures: [String] = []
        for values in 1..<400 {
            var jsonld = JSONLDOptions(documentLoader: try StreamedConversion.contextLoader())
            jsonld.limits.maxExpandedValues = values
            if case .different(let why) = StreamedConversion.compare(document, jsonld: jsonld, rdf: ToRDFOptions(rdfDirection: .i18nDatatype)) {
                failures.append("maxExpandedValues \(values): \(why)")
            }
        }
        for depth in 1..<20 {
            var jsonld = JSONLDOptions(documentLoader: try StreamedConversion.contextLoader())
            jsonld.limits.maxExpansionDepth = depth
            if case .different(let why) = StreamedConversion.compare(document, jsonld: jsonld, rdf: ToRDFOptions(rdfDirection: .i18nDatatype)) {
                failures.append("maxExpansionDepth \(depth): \(why)")
            }
        }
        for copies in stride(from: 0, to: 3000, by: 7) {
            var jsonld = JSONLDOptions(documentLoader: try StreamedConversion.contextLoader())
            jsonld.limits.maxTermDefinitionCopies = copies
            if case .different(let why) = StreamedConversion.compare(document, jsonld: jsonld, rdf: ToRDFOptions(rdfDirection: .i18nDatatype)) {
                failures.append("maxTermDefinitionCopies \(copies): \(why)")
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(3))")
    }
}

/// Random small JSON-LD documents with random contexts.
struct StreamFuzz {
    var random: SplitMix
    let nonASCII: Bool

    mutating func roll(_ n: Int) -> Int { Int(random.next() % UInt64(n)) }
    mutating func chance(_ percent: Int) -> Bool { roll(100) < percent }
    mutating func pick<T>(_ items: [T]) -> T { items[roll(items.count)] }

    static let termNames = ["p", "q", "r", "t", "i", "T", "U", "v"]
    var goodIRIs: [String] {
        ["http://ex.org/a", "http://ex.org/p", "http://other.org/p", "_:b1", "_:b0", "ex:c", "http://ex.org/T", "T", "p", "urn:x", "did:ex:1#k"]
    }
    var badIRIs: [String] {
        var base = ["rel", "", "#f", "http://ex.org/a b", "@id", "@type", "@vocab", "_:", "http:", "ex:", "@foo", "./x", "http://ex.org/a`"]
        if nonASCII { base += ["http://ex.org/\u{E9}", "http://ex.org/e\u{301}", "http://ex.org/\u{212A}", "http://ex.org/K", "http://ex.org/a\u{1FEF}"] }
        return base
    }
    var chaos = 15
    var iris: [String] { mutating get { chance(chaos) ? badIRIs : goodIRIs } }

    mutating func scalar() -> JSONValue {
        switch roll(6) {
        case 0: return .string(pick(iris))
        case 1: return .number(JSONNumber(unchecked: pick(["1", "-0", "1.0", "1e400", "0.5", "12345678901234567890", "1E2", "-1.5e-3"])))
        case 2: return .bool(chance(50))
        case 3: return .null
        default: return .string(pick(["x", "y", "Text", "2026-01-01"]))
        }
    }

    mutating func termDefinition(depth: Int) -> JSONValue {
        switch roll(12) {
        case 0, 1, 2: return .string(pick(iris))
        case 3 where chance(chaos * 2):
            return .string(
                pick([
                    "@id", "@type", "@value", "@language", "@index", "@nest", "@graph", "@set", "@list", "@included", "@reverse", "@direction", "@json",
                    "@none",
                ]))
        case 4 where chance(chaos): return .null
        default:
            var def = JSONObject()
            if chance(70) { def["@id"] = .string(pick(iris + ["@type", "@id"])) }
            if chance(30) {
                def["@type"] = .string(
                    pick([
                        "@id", "@vocab", "@json", "@none", "http://www.w3.org/2001/XMLSchema#integer", "http://www.w3.org/2001/XMLSchema#double", "_:dt",
                        "ex:dt",
                    ]))
            }
            if chance(25) {
                def["@container"] = pick([
                    .string("@set"), .string("@list"), .string("@language"), .string("@index"), .string("@graph"), .string("@id"), .string("@type"),
                    .array(["@set", "@index"]), .array(["@graph", "@set"]),
                ])
            }
            if chance(15) { def["@language"] = pick([.string("fr"), .null, .string("bad tag")]) }
            if chance(10) { def["@direction"] = pick([.string("rtl"), .null]) }
            if chance(8) { def["@reverse"] = .string(pick(iris)); def["@id"] = nil }
            if chance(15) && depth < 2 { def["@context"] = context(depth: depth + 1) }
            if chance(10) { def["@protected"] = .bool(chance(50)) }
            if chance(5) { def["@prefix"] = .bool(chance(50)) }
            if chance(5) { def["@nest"] = .string(pick(["n", "@nest"])) }
            return .object(def)
        }
    }

    mutating func context(depth: Int) -> JSONValue {
        if chance(5) { return .null }
        var object = JSONObject()
        if chance(50) { object["i"] = "@id"; object["t"] = "@type" }
        if chance(95) { object["@vocab"] = .string(chance(chaos) ? pick(["", "_:", "ex:", "#"]) : pick(["http://ex.org/", "http://other.org/"])) }
        if chance(10) { object["@base"] = pick([.string("http://ex.org/base/"), .null] + (chance(chaos) ? [.string("rel/")] : [])) }
        if chance(20) { object["@language"] = pick([.string("en"), .null, .string("EN-us")] + (chance(chaos) ? [.string("bad tag")] : [])) }
        if chance(10) { object["@direction"] = pick([.string("ltr"), .null]) }
        if chance(10) { object["@propagate"] = .bool(chance(50)) }
        if chance(10) { object["@protected"] = .bool(chance(50)) }
        if chance(5) { object["@version"] = .number(JSONNumber(unchecked: "1.1")) }
        if chance(30) { object["ex"] = .string(pick(["http://ex.org/", "http://ex.org/x#", "_:"])) }
        for _ in 0..<roll(4) {
            object[pick(Self.termNames + (chance(chaos) ? ["ex", "http://ex.org/p", "ex:q"] : []))] = termDefinition(depth: depth)
        }
        if chance(10) { return .array([.object(object), chance(50) ? .null : .object(["r": "http://ex.org/r"])]) }
        return .object(object)
    }

    mutating func value(depth: Int) -> JSONValue {
        switch roll(10) {
        case 0, 1, 2: return scalar()
        case 3: return .array((0..<roll(3)).map { _ in value(depth: depth + 1) })
        case 4:
            var vo: JSONObject = ["@value": chance(80) ? scalar() : .object(["a": 1])]
            if chance(30) { vo["@language"] = .string(pick(["en", "de-CH"])) }
            if chance(20) { vo["@type"] = .string(pick(["http://www.w3.org/2001/XMLSchema#integer", "@json", "ex:dt", "T"])) }
            if chance(10) { vo["@direction"] = .string("rtl") }
            return .object(vo)
        case 5 where depth < 3:
            return .object(["@list": .array((0..<roll(3)).map { _ in value(depth: depth + 1) })])
        default:
            return depth < 3 ? .object(node(depth: depth + 1)) : scalar()
        }
    }

    mutating func node(depth: Int) -> JSONObject {
        var object = JSONObject()
        if chance(depth == 0 ? 90 : 25) { object["@context"] = context(depth: 0) }
        if chance(50) { object[pick(["@id", "i", "@id", "t"])] = .string(pick(iris)) }
        if chance(40) {
            object[pick(["@type", "t", "@type", "i"])] = chance(70) ? .string(pick(["T", "U", "http://ex.org/T", "_:t", "ex:T", "rel"])) : .array(["T", "U"])
        }
        for _ in 0..<(1 + roll(3)) {
            var extra = ["http://ex.org/z", "ex:z", "a", "b"]
            if chance(chaos) { extra += ["undefined", "_:bp", "@index", "@nest", "@included", "n", "ex:"] }
            if nonASCII && chance(30) {
                extra += ["http://ex.org/\u{E9}", "ex:e\u{301}", "http://ex.org/K", "ex:\u{212A}", "http://ex.org/a`", "ex:a\u{1FEF}", "\u{E9}", "e\u{301}"]
            }
            let key = pick(Self.termNames + extra)
            object[key] = value(depth: depth)
        }
        if nonASCII && chance(20) {
            // Two spellings of one IRI up to canonical equivalence, which expansion merges.
            let (first, second) = pick([
                ("http://ex.org/K", "ex:\u{212A}"), ("http://ex.org/\u{E9}", "ex:e\u{301}"), ("http://ex.org/a`", "ex:a\u{1FEF}"),
                ("http://ex.org/z\u{212B}", "http://ex.org/z\u{C5}"),
            ])
            object[first] = chance(30) ? .array([]) : value(depth: depth)
            object[second] = value(depth: depth)
        }
        return object
    }
}

extension StreamedConversionAttacks {
    @Test(arguments: [false, true]) func randomDocuments(nonASCII: Bool) throws {
        var fuzz = StreamFuzz(
            random: SplitMix(seed: (nonASCII ? 0xBADC0DE : 0xC0FFEE) &+ (UInt64(ProcessInfo.processInfo.environment["SKILLCRED_STREAM_FUZZ_SEED"] ?? "") ?? 0)),
            nonASCII: nonASCII)
        let loader = try Self.loader()
        var tally = StreamedConversion.Tally()
        let count = Int(ProcessInfo.processInfo.environment["SKILLCRED_STREAM_FUZZ_COUNT"] ?? "") ?? 2000
        for round in 0..<count {
            let document = JSONValue.object(fuzz.node(depth: 0))
            let mode: ProcessingMode = fuzz.chance(10) ? .jsonLD10 : .jsonLD11
            let base: String? = fuzz.chance(30) ? "http://ex.org/doc" : nil
            var jsonld = JSONLDOptions(
                documentLoader: loader, base: base, processingMode: mode, contextCache: fuzz.chance(50) ? ContextCache(maxEntries: 16) : nil)
            if ProcessInfo.processInfo.environment["SKILLCRED_STREAM_FUZZ_LIMITS"] != nil {
                jsonld.contextCache = nil  // each run starts cold: limits count cache misses
                if fuzz.chance(50) { jsonld.limits.maxExpandedValues = 1 + fuzz.roll(25) }
                if fuzz.chance(50) { jsonld.limits.maxExpansionDepth = 1 + fuzz.roll(7) }
                if fuzz.chance(20) { jsonld.limits.maxTermDefinitionCopies = fuzz.roll(40) }
                if fuzz.chance(20) { jsonld.limits.maxContextNesting = 1 + fuzz.roll(4) }
            }
            let rdf = fuzz.pick([
                ToRDFOptions(rdfDirection: .i18nDatatype), ToRDFOptions(), ToRDFOptions(rdfDirection: .compoundLiteral, produceGeneralizedRDF: true),
            ])
            tally.record(
                StreamedConversion.compare(document, jsonld: jsonld, rdf: rdf),
                "round \(round) mode \(mode) base \(base ?? "nil") rdf \(rdf) \(JSONWriter.string(document))")
        }
        print("random documents (non-ASCII keys \(nonASCII)): \(tally.same) same, \(tally.declined) declined, \(tally.failures.count) different")
        #expect(tally.failures.isEmpty, "\(tally.failures.prefix(3).joined(separator: "\n"))")
        // Not vacuous: a share of the random documents are ones the pass takes.
        #expect(tally.same * 10 > count)
    }
}
