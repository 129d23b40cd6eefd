import CredentialJSON
import Foundation
import JSONLD
import RDF
import RDFCanonicalization
import TestSupport
import Testing

@testable import JSONLDToRDF

/// The streaming conversion (expansion writing RDF as it goes, no expanded tree) against the ordinary one
/// (expand, then convert the tree). It may decline a document, never give another dataset: whenever it gives one,
/// the ordinary conversion succeeds and both have the same canonical N-Quads; whenever its check passes, the
/// ordinary check passes.
@Suite struct StreamedConversion {
    enum Verdict: Equatable {
        case declined
        case same
        case different(String)
    }

    /// Counts verdicts over many documents and keeps the differences, labelled.
    struct Tally {
        var same = 0, declined = 0, failures: [String] = []

        mutating func record(_ verdict: Verdict, _ label: @autoclosure () -> String) {
            switch verdict {
            case .declined: declined += 1
            case .same: same += 1
            case .different(let why): failures.append("\(label()): \(why)")
            }
        }
    }

    static func canonical(_ interned: InternedDataset) -> String? {
        try? RDFCanonicalizer().canonicalNQuads(interned)
    }

    /// Runs both conversions of `document` and compares them.
    static func compare(_ document: JSONValue, jsonld: JSONLDOptions, rdf: ToRDFOptions) -> Verdict {
        let streamed = RDFConversion.streamInterned(document, jsonld: jsonld, options: rdf)
        let checked = RDFConversion.streamCheck(document, jsonld: jsonld, options: rdf)
        if checked != (streamed != nil) { return .different("the streamed check and conversion disagree") }
        guard let streamed else { return .declined }
        let ordinary: InternedDataset
        do {
            let expanded = try JSONLDProcessor.expand(document, documentURL: nil, options: jsonld)
            ordinary = try RDFConversion.toInterned(expanded: expanded, options: rdf)
            try RDFConversion.check(expanded: expanded, options: rdf)
        } catch {
            return .different("streamed a document the ordinary conversion refuses: \(error)")
        }
        guard let left = canonical(streamed), let right = canonical(ordinary) else {
            return .different("one of the datasets does not canonicalize")
        }
        // By bytes: `String` equality is canonical equivalence, under which "K" and the Kelvin sign are equal.
        return left.utf8.elementsEqual(right.utf8) ? .same : .different("datasets differ:\n--- streamed\n\(left)--- ordinary\n\(right)")
    }

    static func contextLoader() throws -> any DocumentLoader {
        try DirectoryDocumentLoader(directory: SharedData.packageRoot.appendingPathComponent("contexts").path)
    }

    static let directions: [RDFDirectionMode?] = [nil, .i18nDatatype]

    @Test(.needsSharedData, arguments: ["toRdf-manifest.jsonld", "expand-manifest.jsonld"])
    func suiteInputsStreamToTheOrdinaryDataset(manifestName: String) throws {
        guard let manifest = try JSONLDTestManifest.load(manifestName) else { return }
        let loader = manifest.documentLoader
        var tally = Tally()
        for test in manifest.tests {
            guard var jsonld = try? manifest.options(for: test, loader: loader), let input = try? manifest.json(test.input) else { continue }
            jsonld.safeMode = true
            jsonld.base = jsonld.base ?? manifest.url(of: test.input)
            for direction in Self.directions {
                var rdf = ToRDFOptions(rdfDirection: direction)
                rdf.produceGeneralizedRDF = test.options["produceGeneralizedRdf"]?.boolValue ?? false
                tally.record(Self.compare(input, jsonld: jsonld, rdf: rdf), "\(test.id) (\(direction?.rawValue ?? "no direction"))")
            }
        }
        print("\(manifestName) streamed: \(tally.same) same, \(tally.declined) declined")
        #expect(tally.failures.isEmpty, "\(tally.failures.count) differ:\n\(tally.failures.prefix(5).joined(separator: "\n"))")
        // Not vacuous: a good share of the suite's inputs are plain node objects the pass takes.
        #expect(tally.same > 200)
        #expect(tally.declined > 100)
    }

    /// Every credential the project and the shared data hold (samples, issued credentials, Open Badges, the VC 2.0
    /// specification's examples, EDC samples), with the project's bundled contexts.
    @Test(.needsSharedData) func credentialsStreamToTheOrdinaryDataset() throws {
        let jsonld = JSONLDOptions(documentLoader: try Self.contextLoader(), contextCache: ContextCache(maxEntries: 64))
        var tally = Tally()
        for file in Self.credentialFiles() {
            guard let data = try? Data(contentsOf: file), let document = try? JSONParser.parse(data), case .object = document else { continue }
            for direction in Self.directions {
                tally.record(Self.compare(document, jsonld: jsonld, rdf: ToRDFOptions(rdfDirection: direction)), file.lastPathComponent)
            }
        }
        print("credentials streamed: \(tally.same) same, \(tally.declined) declined")
        #expect(tally.failures.isEmpty, "\(tally.failures.count) differ:\n\(tally.failures.prefix(3).joined(separator: "\n"))")
        #expect(tally.same >= 40)
    }

    static func credentialFiles() -> [URL] {
        var roots = [
            SharedData.packageRoot.appendingPathComponent("samples")
        ]
        if let examples = SharedData.vector("vc-data-model-2.0/spec-examples-REC") { roots.append(examples) }
        roots.append(SharedData.sharedRoot.appendingPathComponent("edc-samples"))
        var files: [URL] = []
        for root in roots {
            guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { continue }
            for case let url as URL in walker where url.pathExtension == "json" || url.pathExtension == "jsonld" {
                files.append(url)
            }
        }
        return files.sorted { $0.path < $1.path }
    }

    /// The large sample credential changed at random — members dropped, nulled, wrapped in arrays, written as
    /// value objects, lists, sets, language maps; identifiers made blank, relative, malformed or keyword-like;
    /// terms undefined, aliased twice, reversed, nested; contexts embedded — 3,000 times.
    @Test func mutatedCredentialsStreamToTheOrdinaryDatasetOrAreDeclined() throws {
        let root = SharedData.packageRoot.appendingPathComponent("samples")
        let originals = try ["vc2-large", "vc2-small"].map { name in
            try JSONParser.parse(try Data(contentsOf: root.appendingPathComponent("\(name).json")))
        }
        let jsonld = JSONLDOptions(documentLoader: try Self.contextLoader(), contextCache: ContextCache(maxEntries: 64))
        var random = SplitMix(seed: 0x5354_5245_414D)
        var tally = Tally()
        for round in 0..<3_000 {
            var document = originals[round % originals.count]
            for _ in 0..<(1 + Int(random.next() % 3)) { document = Mutation.apply(to: document, using: &random) }
            let direction = Self.directions[Int(random.next() % 2)]
            tally.record(Self.compare(document, jsonld: jsonld, rdf: ToRDFOptions(rdfDirection: direction)), "round \(round) \(JSONWriter.string(document))")
        }
        print("mutations streamed: \(tally.same) same, \(tally.declined) declined")
        #expect(tally.failures.isEmpty, "\(tally.failures.count) differ:\n\(tally.failures.prefix(2).joined(separator: "\n"))")
        #expect(tally.same > 1_000)
        #expect(tally.declined > 300)
    }

    @Test func documentsOutsideThePassAreDeclined() throws {
        let jsonld = JSONLDOptions(documentLoader: try Self.contextLoader())
        let declinedDocuments = [
            #"[{"@id": "http://ex.org/a", "http://ex.org/p": "x"}]"#,  // not one object
            #"{"@context": {"@vocab": "http://ex.org/"}, "@graph": [{"@id": "http://ex.org/a", "p": "x"}]}"#,
            #"{"@context": {"@vocab": "http://ex.org/"}, "@id": "http://ex.org/a", "@reverse": {"p": {"@id": "http://ex.org/b"}}}"#,
            #"{"@context": {"@vocab": "http://ex.org/"}, "@id": "http://ex.org/a", "@included": [{"@id": "http://ex.org/b", "p": 1}]}"#,
            #"{"@context": {"@vocab": "http://ex.org/"}, "@id": "http://ex.org/a"}"#,  // says nothing
            #"{"@context": {"@vocab": "http://ex.org/"}, "type": [], "@id": "http://ex.org/a"}"#,
            #"{"@context": {"@vocab": "http://ex.org/"}, "p": "x", "undefined": 1, "@id": "relative"}"#,  // relative @id
            #"{"@context": {"@vocab": "http://ex.org/", "id": "@id"}, "id": "http://ex.org/a", "@id": "http://ex.org/a", "p": 1}"#,
        ]
        for text in declinedDocuments {
            let document = try JSONParser.parse(text)
            #expect(RDFConversion.streamInterned(document, jsonld: jsonld, options: ToRDFOptions()) == nil, "\(text)")
            #expect(Self.compare(document, jsonld: jsonld, rdf: ToRDFOptions()) == .declined)
        }
        // Outside safe mode nothing is streamed: drops there are silent, and the pass only knows refusals.
        var lenient = jsonld
        lenient.safeMode = false
        let plain = try JSONParser.parse(#"{"@context": {"@vocab": "http://ex.org/"}, "@id": "http://ex.org/a", "p": "x"}"#)
        #expect(RDFConversion.streamInterned(plain, jsonld: jsonld, options: ToRDFOptions()) != nil)
        #expect(RDFConversion.streamInterned(plain, jsonld: lenient, options: ToRDFOptions()) == nil)
        #expect(RDFConversion.streamInterned(plain, jsonld: jsonld, options: ToRDFOptions(safeMode: false)) == nil)
    }

    /// A check keeps no statements, so a node object repeated as written, under the same property and context, is
    /// not streamed again: a copy under another property (whose scoped context leaves a term undefined) is still
    /// refused, in either order, and the verdict is the one the conversion gives.
    @Test func aRepeatedNodeIsCheckedWhereItStands() throws {
        let jsonld = JSONLDOptions(documentLoader: try Self.contextLoader())
        let context = #""@context": {"id": "@id", "a": {"@id": "http://ex.org/a", "@context": {"p": "http://ex.org/p"}}, "b": "http://ex.org/b"}"#
        let node = #"{"id": "http://ex.org/n", "p": "x", "a": {"id": "http://ex.org/m", "p": "y"}}"#
        for (first, second, accepted) in [("a", "a", true), ("a", "b", false), ("b", "a", false)] {
            let members =
                first == second ? #""\#(first)": [\#(node), \#(node), \#(node)]"# : #""\#(first)": \#(node), "\#(second)": [\#(node), \#(node)]"#
            let document = try JSONParser.parse(#"{\#(context), "id": "http://ex.org/s", \#(members)}"#)
            let checked = RDFConversion.streamCheck(document, jsonld: jsonld, options: ToRDFOptions())
            #expect(checked == accepted, "\(first) \(second)")
            #expect(checked == (RDFConversion.streamInterned(document, jsonld: jsonld, options: ToRDFOptions()) != nil))
            #expect(Self.compare(document, jsonld: jsonld, rdf: ToRDFOptions()) == (accepted ? .same : .declined))
        }
    }

    /// A repeated node that is not streamed again still counts against the limits: the values it holds and how
    /// deep it nests where the copy stands (deeper than the first here). Under every limit, the check (which skips
    /// the copy) and the conversion (which streams it) agree.
    @Test func aRepeatedNodeCountsAgainstTheLimits() throws {
        let node = #"{"id": "http://ex.org/n", "p": [1, 2, 3], "q": {"r": {"s": "deep"}}}"#
        let document = try JSONParser.parse(
            #"{"@context": {"id": "@id", "@vocab": "http://ex.org/"}, "id": "http://ex.org/s", "a": \#(node), "b": {"x": {"y": {"a": \#(node)}}}}"#)
        let verdicts = try Self.checkAgreesWithConversion(document, depths: 1...12, values: Array(1...40))
        #expect(verdicts == [true, false])
    }

    /// The check's verdicts on `document` under each depth and value limit (the default value limit when none is
    /// given), each expected to be the conversion's.
    static func checkAgreesWithConversion(
        _ document: JSONValue, depths: ClosedRange<Int>, values: [Int] = [JSONLDLimits().maxExpandedValues]
    ) throws -> Set<Bool> {
        var verdicts: Set<Bool> = []
        for depth in depths {
            for valueLimit in values {
                var jsonld = JSONLDOptions(documentLoader: try contextLoader())
                jsonld.limits.maxExpansionDepth = depth
                jsonld.limits.maxExpandedValues = valueLimit
                let checked = RDFConversion.streamCheck(document, jsonld: jsonld, options: ToRDFOptions())
                #expect(
                    checked == (RDFConversion.streamInterned(document, jsonld: jsonld, options: ToRDFOptions()) != nil),
                    "depth \(depth), values \(valueLimit)")
                verdicts.insert(checked)
            }
        }
        return verdicts
    }

    /// A repeat inside a node that is itself repeated deeper down: the inner repeat's depth counts for the outer
    /// node, so the outer one's deeper copy is held to the depth limit with everything below it (found by a review
    /// helper: the outer node's depth left the skipped copy out).
    @Test func aRepeatInsideARepeatedNodeCountsItsDepth() throws {
        let b = #"{"@id": "http://ex.org/B", "v": {"w": {"x": {"y": 1}}}}"#
        let a = #"{"@id": "http://ex.org/A", "p": \#(b)}"#
        let document = try JSONParser.parse(
            #"{"@context": {"@vocab": "http://ex.org/"}, "@id": "http://ex.org/r", "p": \#(b), "q": [\#(a), {"n": {"q": \#(a)}}]}"#)
        let verdicts = try Self.checkAgreesWithConversion(document, depths: 1...14)
        #expect(verdicts == [true, false])
    }

    /// Type names expand in the context before their own scoped contexts; those contexts do not reach nested
    /// nodes (they do not propagate), but a property's scoped context does, also for its scalar values.
    @Test func scopedContextsApplyWhereExpansionAppliesThem() throws {
        let document = try JSONParser.parse(
            #"""
            {"@context": {"@vocab": "http://ex.org/",
                          "T": {"@id": "http://ex.org/T", "@context": {"T": "http://other.org/T", "p": "http://other.org/p"}},
                          "scoped": {"@id": "http://ex.org/scoped", "@context": {"q": {"@id": "http://scoped.org/q", "@type": "@id"}, "@language": "de"}}},
             "@id": "http://ex.org/a", "@type": "T", "p": "in the type's context",
             "child": {"p": "not in it", "@type": "U"},
             "scoped": [{"q": "http://ex.org/z", "label": "Wort"}, "Text"]}
            """#)
        let jsonld = JSONLDOptions(documentLoader: try Self.contextLoader())
        guard let streamed = RDFConversion.streamInterned(document, jsonld: jsonld, options: ToRDFOptions()) else {
            Issue.record("the document was declined")
            return
        }
        let nquads = try #require(Self.canonical(streamed))
        #expect(nquads.contains("<http://ex.org/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://ex.org/T>"))
        #expect(nquads.contains("<http://ex.org/a> <http://other.org/p> \"in the type's context\""))
        #expect(nquads.contains("<http://ex.org/p> \"not in it\""))
        #expect(nquads.contains("<http://scoped.org/q> <http://ex.org/z>"))
        #expect(nquads.contains("\"Wort\"@de") && nquads.contains("\"Text\"@de"))
        #expect(Self.compare(document, jsonld: jsonld, rdf: ToRDFOptions()) == .same)
    }

    /// Expansion merges a node's properties whose IRIs are canonically equivalent (`String` equality) under the
    /// first spelling; streamed, they were two predicates (different signed bytes), and a malformed first spelling
    /// with an empty value let the stream accept what the ordinary conversion refuses. Found by a review helper.
    @Test(arguments: [
        #"{"@context": {"ex": "http://ex.org/"}, "@id": "http://ex.org/s", "http://ex.org/K": "a", "ex:\u212A": "b"}"#,
        #"{"@context": {"ex": "http://ex.org/"}, "@id": "http://ex.org/s", "http://ex.org/a`": [], "ex:a\u1FEF": "x"}"#,
        #"{"@context": {"@vocab": "http://ex.org/"}, "@id": "http://ex.org/s", "http://ex.org/\u00E9": "a", "e\u0301": "b"}"#,
    ])
    func canonicallyEquivalentKeysAreDeclined(text: String) throws {
        let document = try JSONParser.parse(text)
        let jsonld = JSONLDOptions(documentLoader: try Self.contextLoader())
        #expect(RDFConversion.streamInterned(document, jsonld: jsonld, options: ToRDFOptions()) == nil)
        #expect(!RDFConversion.streamCheck(document, jsonld: jsonld, options: ToRDFOptions()))
    }

    /// A nested node with such keys goes through the ordinary expansion; the rest of the document streams.
    @Test func canonicallyEquivalentKeysInANestedNodeFollowTheOrdinaryExpansion() throws {
        let document = try JSONParser.parse(
            #"{"@context": {"@vocab": "http://ex.org/", "ex": "http://ex.org/"}, "@id": "http://ex.org/s", "n": {"K": 1, "ex:\u212A": 2}}"#)
        let jsonld = JSONLDOptions(documentLoader: try Self.contextLoader())
        let streamed = try #require(RDFConversion.streamInterned(document, jsonld: jsonld, options: ToRDFOptions()))
        let nquads = try #require(Self.canonical(streamed))
        #expect(!nquads.unicodeScalars.contains("\u{212A}"))
        #expect(Self.compare(document, jsonld: jsonld, rdf: ToRDFOptions()) == .same)
    }

    @Test func distinctNonASCIIPropertiesStream() throws {
        let document = try JSONParser.parse(
            #"{"@context": {"@vocab": "http://ex.org/"}, "@id": "http://ex.org/s", "\u00E9t\u00E9": "a", "\u212B": "b", "K": "c"}"#)
        let jsonld = JSONLDOptions(documentLoader: try Self.contextLoader())
        #expect(Self.compare(document, jsonld: jsonld, rdf: ToRDFOptions()) == .same)
    }

    @Test func nestedValueObjectsListsAndMapsGoThroughTheOrdinaryExpansion() throws {
        let document = try JSONParser.parse(
            #"""
            {"@context": {"@vocab": "http://ex.org/", "names": {"@id": "http://ex.org/name", "@container": "@language"},
                          "items": {"@id": "http://ex.org/items", "@container": "@list"},
                          "data": {"@id": "http://ex.org/data", "@type": "@json"},
                          "knows": {"@type": "@id"}, "when": {"@type": "http://www.w3.org/2001/XMLSchema#date"}},
             "@id": "http://ex.org/a", "type": "Thing",
             "names": {"en": "Name", "fr": ["Nom", null]},
             "items": [1, {"@value": "two", "@language": "en"}, {"p": "three"}],
             "data": {"b": [1, 2.50], "a": null},
             "knows": ["_:b7", "http://ex.org/c"], "when": "2026-12-07",
             "label": [{"@value": "plain"}, {"@set": ["x", "y"]}, {"@value": "right", "@direction": "rtl", "@language": "ar"}],
             "nested": {"@id": "_:b7", "type": ["Other", "Thing"], "count": 3, "ratio": 0.5, "flag": false}}
            """#)
        let jsonld = JSONLDOptions(documentLoader: try Self.contextLoader())
        #expect(Self.compare(document, jsonld: jsonld, rdf: ToRDFOptions(rdfDirection: .i18nDatatype)) == .same)
        // Without rdfDirection the @direction value is refused by both.
        #expect(Self.compare(document, jsonld: jsonld, rdf: ToRDFOptions()) == .declined)
    }
}

/// Random changes to a credential for ``StreamedConversion``.
enum Mutation {
    static let replacements: [JSONValue] = [
        .null, .bool(true), .number(JSONNumber(unchecked: "42")), .number(JSONNumber(unchecked: "1.5e3")), .string(""),
        .string("_:b1"), .string("relative/path"), .string("http://ex.org/a b"), .string("@keywordlike"), .string("urn:uuid:1"),
        .array([]), .array([.null]), .object([:]),
        .object(["@value": "v"]), .object(["@value": "v", "@language": "en"]), .object(["@value": "v", "@language": "not a tag"]),
        .object(["@value": "v", "@type": "http://www.w3.org/2001/XMLSchema#token"]), .object(["@value": "v", "@direction": "ltr"]),
        .object(["@list": ["a", .object(["@id": "http://ex.org/x"])]]), .object(["@set": ["a", "b"]]),
        .object(["@id": "_:shared"]), .object(["@id": "_:shared", "name": "again"]), .object(["id": "http://ex.org/n", "type": "Unknown"]),
        .object(["@value": .object(["a": 1])]), .object(["@value": "v", "extra": 1]),
        .object(["@reverse": .object(["name": .object(["@id": "http://ex.org/r"])])]),
        .object(["@context": .object(["@vocab": "http://ex.org/vocab#"]), "anything": "x"]),
        .object(["@context": .object(["x": .object(["@id": "http://ex.org/x", "@type": "@id"])]), "x": "http://ex.org/y"]),
        .object(["@index": "i", "name": "indexed"]), .object(["@included": .array([.object(["@id": "http://ex.org/inc", "name": "n"])])]),
        .object(["@nest": .object(["name": "nested"])]), .object(["@graph": .array([.object(["@id": "http://ex.org/g", "name": "g"])])]),
    ]
    static let keys: [String] = [
        "id", "@id", "type", "@type", "name", "description", "undefinedTerm", "http://ex.org/absolute", "_:blankProperty",
        "@context", "@reverse", "@included", "@index", "@nest", "@value", "@language", "relativeKey:x", "validFrom",
        // Canonically equivalent spellings of one IRI (expansion merges them, see `canonicallyEquivalentKeysAreDeclined`).
        "http://ex.org/K", "http://ex.org/\u{212A}", "http://ex.org/\u{E9}", "http://ex.org/e\u{301}", "http://ex.org/a`",
        "http://ex.org/a\u{1FEF}",
    ]

    static func apply(to document: JSONValue, using random: inout SplitMix) -> JSONValue {
        var count = 0
        countObjects(document, &count)
        guard count > 0 else { return document }
        var target = Int(random.next() % UInt64(count))
        return mutate(document, target: &target, random: &random)
    }

    private static func countObjects(_ value: JSONValue, _ count: inout Int) {
        switch value {
        case .object(let object):
            count += 1
            for (_, member) in object { countObjects(member, &count) }
        case .array(let items):
            for item in items { countObjects(item, &count) }
        default: break
        }
    }

    private static func mutate(_ value: JSONValue, target: inout Int, random: inout SplitMix) -> JSONValue {
        switch value {
        case .object(var object):
            if target == 0 {
                target = -1
                return .object(change(object, random: &random))
            }
            target -= 1
            for (key, member) in object where target >= 0 {
                object[key] = mutate(member, target: &target, random: &random)
            }
            return .object(object)
        case .array(let items):
            return .array(items.map { target >= 0 ? mutate($0, target: &target, random: &random) : $0 })
        default:
            return value
        }
    }

    private static func pick<T>(_ items: [T], _ random: inout SplitMix) -> T { items[Int(random.next() % UInt64(items.count))] }

    private static func change(_ input: JSONObject, random: inout SplitMix) -> JSONObject {
        var object = input
        let existing = object.keys
        switch random.next() % 8 {
        case 0:
            if let key = existing.randomElement(using: &random) { _ = object.removeValue(forKey: key) }
        case 1:
            if let key = existing.randomElement(using: &random) { object[key] = pick(replacements, &random) }
        case 2:
            if let key = existing.randomElement(using: &random), let value = object[key] { object[key] = .array([value, value]) }
        case 3:
            if let key = existing.randomElement(using: &random), case .string(let text)? = object[key] {
                object[key] = .object(["@value": .string(text), "@language": "en"])
            }
        case 4:
            object[pick(keys, &random)] = pick(replacements, &random)
        case 5:
            if let key = existing.randomElement(using: &random), let value = object[key] {
                object[key] = .object(["@list": .array(value.asArray)])
            }
        case 6:
            if let key = existing.randomElement(using: &random), case .array(let items)? = object[key], let first = items.first {
                object[key] = first
            }
        default:
            object[pick(keys, &random)] = .string(pick(["VerifiableCredential", "Unknown", "http://ex.org/T", "_:t", "@json", "ex:T"], &random))
        }
        return object
    }
}
