import CredentialJSON
import TestSupport
import Testing

@testable import JSONLD

/// The byte scans and the key memo of the expansion hot path answer exactly as the plain versions they replace,
/// on random and edge inputs.
@Suite struct ExpansionShortcutTests {
    /// Pieces that IRIs, compact IRIs, blank node identifiers and keywords are made of, with non-ASCII and
    /// combining characters, so random concatenations hit the edges of every scan.
    static let pieces = [
        "", ":", "//", "/", "_", "_:", "@", "a", "Z", "9", "+", "-", ".", "#", "?", "http", "https", "did", "urn",
        "ex", "é", "e\u{301}", "\u{301}", "日本", "😀", " ", "type", "id", "@type", "@id", "schema", "://",
    ]

    static func randomStrings(count: Int, seed: UInt64) -> [String] {
        var generator = SplitMix(state: seed)
        var strings = pieces
        for _ in 0..<count {
            let length = Int.random(in: 0...6, using: &generator)
            strings.append((0..<length).map { _ in pieces.randomElement(using: &generator)! }.joined())
        }
        return strings
    }

    // The plain versions, written over Unicode scalars (RFC 3986 and JSON-LD speak of code points).

    static func plainIsAbsolute(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard let first = scalars.first, first.isASCII, first.properties.isAlphabetic else { return false }
        for scalar in scalars.dropFirst() {
            if scalar == ":" { return true }
            guard scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "+-.".unicodeScalars.contains(scalar)
            else { return false }
        }
        return false
    }

    static func plainCompactSplit(_ text: String) -> (colon: Int, suffixIsAuthority: Bool)? {
        let bytes = Array(text.utf8)
        guard bytes.count > 1, let colon = bytes[1...].firstIndex(of: UInt8(ascii: ":")) else { return nil }
        return (colon, bytes[(colon + 1)...].starts(with: Array("//".utf8)))
    }

    @Test func byteScansAgreeWithThePlainVersions() {
        for text in Self.randomStrings(count: 4_000, seed: 19) {
            #expect(IRI.isAbsolute(text) == Self.plainIsAbsolute(text), "\(text.debugDescription)")
            #expect(IRI.isBlankNode(text) == text.unicodeScalars.starts(with: "_:".unicodeScalars), "\(text.debugDescription)")
            let bytes = Array(text.utf8)
            for byte in [UInt8(ascii: ":"), UInt8(ascii: "/"), 0xCC] {
                for start in [0, 1, 3] {
                    let plain = start < bytes.count ? bytes[start...].firstIndex(of: byte) : nil
                    #expect(UTF8Scan.firstOffset(of: byte, in: text, from: start) == plain, "\(text.debugDescription) \(byte) \(start)")
                }
            }
            let split = UTF8Scan.compactIRISplit(text)
            let plainSplit = Self.plainCompactSplit(text)
            #expect(split?.colon == plainSplit?.colon && split?.suffixIsAuthority == plainSplit?.suffixIsAuthority, "\(text.debugDescription)")
        }
    }

    static let memoContext: JSONValue = [
        "@vocab": "https://example.org/vocab#",
        "ex": "https://example.org/ns/",
        "schema": ["@id": "https://schema.org/", "@prefix": true],
        "id": "@id",
        "type": "@type",
        "name": "https://schema.org/name",
        "nothing": .null,
        "https": "https://example.org/not-a-prefix/",
        "_": "https://example.org/underscore/",
        "Typed": ["@id": "https://example.org/Typed", "@context": ["name": "https://example.org/typed-name"]],
    ]

    /// Every random string expands through the memo as it does without it, in two contexts that define
    /// the same terms differently, looked up interleaved so the memo must tell the contexts apart.
    @Test func theKeyMemoAnswersAsThePlainExpansion() throws {
        let options = JSONLDOptions()
        let first = try JSONLDProcessor.processContext(Self.memoContext, base: "https://example.org/base/doc", options: options)
        let second = try JSONLDProcessor.processContext(
            ["name": "https://example.org/other-name", "type": .null, "@vocab": .null], onto: first,
            base: "https://example.org/base/doc", options: options)
        let initial = ActiveContext(base: "https://example.org/base/doc")
        #expect(first.identity != 0 && second.identity != 0 && first.identity != second.identity)
        let memo = KeyMemo()
        let strings = Self.randomStrings(count: 1_500, seed: 7) + ["name", "type", "id", "nothing", "Typed", "ex:thing", "schema:name"]
        for round in 0..<2 {
            for text in strings {
                for active in [first, second, initial] {
                    let key = memo.lookup(active, text, mode: .key)
                    let plainKey = expandIRI(active, text, vocab: true)
                    #expect(key.iri == plainKey, "\(text.debugDescription) round \(round)")
                    #expect(key.keyword == keywordExpansion(active, text), "\(text.debugDescription)")
                    #expect(key.definition == active[text], "\(text.debugDescription)")
                    #expect(key.isKeyword == (plainKey.map(Keywords.isKeyword) ?? false))
                    #expect(key.hasColon == (plainKey?.unicodeScalars.contains(":") ?? false))
                    #expect(key.isAbsoluteOrBlank == (plainKey.map { IRI.isAbsolute($0) || IRI.isBlankNode($0) } ?? false))
                    #expect(key.isASCII == (plainKey.map { $0.unicodeScalars.allSatisfy(\.isASCII) } ?? false))
                    let typeValue = memo.lookup(active, text, mode: .typeValue)
                    #expect(typeValue.iri == expandIRI(active, text, documentRelative: true, vocab: true), "\(text.debugDescription)")
                    #expect(typeValue.definition == active[text])
                }
            }
        }
        // A few keys fit in the memo: looked up again, they are all answered from it (the initial context,
        // identity 0, is never memoized).
        let few = KeyMemo()
        let names = ["name", "type", "id", "nothing", "Typed", "ex:thing", "schema:name"]
        for _ in 0..<2 {
            for text in names {
                for active in [first, second, initial] {
                    #expect(few.lookup(active, text, mode: .key).iri == expandIRI(active, text, vocab: true))
                    #expect(few.lookup(active, text, mode: .typeValue).iri == expandIRI(active, text, documentRelative: true, vocab: true))
                }
            }
        }
        #expect(few.misses == names.count * 2 * 2)
        #expect(few.hits == names.count * 2 * 2)
    }

    /// Properties are merged into their node with a length-first search only while the node's keys are all
    /// ASCII: an IRI ending in "K" and one ending in the Kelvin sign U+212A are equal `String`s (canonical
    /// equivalence) and were merged into one property before the shortcut; they still are, in either order
    /// and however many ASCII properties come before or between them.
    @Test func nonASCIIPropertiesMergeAsBefore() throws {
        let context: JSONValue = [
            "ascii": "http://example.org/K", "kelvin": "http://example.org/\u{212A}", "other": "http://example.org/other",
            "more": "http://example.org/more",
        ]
        for keys in [["ascii", "kelvin"], ["kelvin", "ascii"], ["other", "ascii", "more", "kelvin"], ["kelvin", "other", "ascii"]] {
            var members: [JSONObject.Member] = [(key: "@context", value: context)]
            for key in keys { members.append((key: key, value: .string("value of \(key)"))) }
            let expanded = try JSONLDProcessor.expand(.object(JSONObject(members)), options: JSONLDOptions())
            let node = try #require(expanded.first?.objectValue)
            // One property for "K" and U+212A, plus one per other key, each with its values in document order.
            #expect(node.count == keys.count - 1, "\(keys)")
            let merged = try #require(node["http://example.org/K"]?.arrayValue)
            let order = keys.filter { $0 == "ascii" || $0 == "kelvin" }
            #expect(merged == order.map { JSONValue.object(["@value": .string("value of \($0)")]) }, "\(keys)")
        }
    }

    /// A type-scoped context redefines `name`: the memo must not answer the node's `name` with the outer
    /// context's expansion, nor the outer node's with the inner one.
    @Test func scopedContextsGetTheirOwnAnswers() throws {
        let document: JSONValue = [
            "@context": Self.memoContext,
            "name": "outer",
            "ex:child": ["type": "Typed", "name": "inner", "ex:grandchild": ["name": "propagated"]],
            "ex:sibling": ["name": "outer again"],
        ]
        let expanded = try JSONLDProcessor.expand(document, options: JSONLDOptions())
        let node = try #require(expanded.first)
        #expect(node["https://schema.org/name"] == [["@value": "outer"]])
        let child = try #require(node["https://example.org/ns/child"]?.asArray.first)
        #expect(child["https://example.org/typed-name"] == [["@value": "inner"]])
        #expect(child["https://schema.org/name"] == nil)
        let grandchild = try #require(child["https://example.org/ns/grandchild"]?.asArray.first)
        // Type-scoped contexts do not propagate into nested nodes.
        #expect(grandchild["https://schema.org/name"] == [["@value": "propagated"]])
        let sibling = try #require(node["https://example.org/ns/sibling"]?.asArray.first)
        #expect(sibling["https://schema.org/name"] == [["@value": "outer again"]])
    }

    /// More distinct keys than the memo has slots (a hostile document): every key still expands right, and
    /// the memo stays its fixed size, evicting rather than growing.
    @Test func manyDistinctKeysEvictInsteadOfGrowing() throws {
        let active = try JSONLDProcessor.processContext(Self.memoContext, base: nil, options: JSONLDOptions())
        let memo = KeyMemo()
        let keys = (0..<(KeyMemo.capacity * 8)).map { "key\($0)" }
        for key in keys + keys {
            #expect(memo.lookup(active, key, mode: .key).iri == "https://example.org/vocab#" + key)
        }
        // Eight times the capacity cannot all fit: the second pass recomputed most of them.
        #expect(memo.misses > keys.count + keys.count / 2)
        #expect(memo.hits <= KeyMemo.capacity)
        #expect(memo.occupied <= KeyMemo.capacity && memo.occupied > KeyMemo.capacity / 2)
    }

    /// The whitespace check of a value object's type scans contiguous bytes; it answers as
    /// `Character.isWhitespace` over the string, for ASCII and non-ASCII text and every whitespace byte.
    @Test func whitespaceScanAgreesWithCharacterIsWhitespace() {
        let spaces = ["\t", "\n", "\u{0B}", "\u{0C}", "\r", "\r\n", " ", "\u{1C}", "\u{1F}", "\u{85}", "\u{A0}", "\u{2003}", "\u{3000}"]
        var texts = Self.randomStrings(count: 2_000, seed: 23)
        for space in spaces {
            for base in ["", "http://www.w3.org/2001/XMLSchema#dateTime", "é", "日本語"] {
                texts += [space + base, base + space, String(base.prefix(5)) + space + String(base.dropFirst(5))]
            }
        }
        for text in texts {
            #expect(Processor.containsWhitespace(text) == text.contains(where: \.isWhitespace), "\(text.debugDescription)")
        }
    }

    /// The one-pass keyword scan of an expanded object finds what a lookup per keyword finds, on random
    /// objects of keywords, look-alikes, IRIs and blank nodes in random order.
    @Test func resultKeywordsAgreeWithLookups() {
        let keys = [
            "@value", "@type", "@language", "@direction", "@index", "@set", "@list", "@id", "@graph", "@reverse",
            "@included", "@valuex", "@", "https://example.org/p", "_:b0", "http://example.org/@value", "value",
            "@directionx", "@languages", "@direction\u{301}",
        ]
        var generator = SplitMix(state: 42)
        for _ in 0..<3_000 {
            var object = JSONObject()
            for _ in 0..<Int.random(in: 0...6, using: &generator) {
                let key = keys.randomElement(using: &generator)!
                object[key] = [.string(key), .number(JSONNumber(1)), .null, .array([])].randomElement(using: &generator)!
            }
            let found = ResultKeywords(object)
            #expect(found.value(in: object) == object["@value"])
            #expect(found.type(in: object) == object["@type"])
            #expect(found.set(in: object) == object["@set"])
            #expect(found.hasList == (object["@list"] != nil))
            #expect(found.hasIndex == (object["@index"] != nil))
            #expect(found.hasLanguage == (object["@language"] != nil))
            #expect(found.hasDirection == (object["@direction"] != nil))
            #expect(found.hasID == (object["@id"] != nil))
            let allowed: Set = ["@direction", "@index", "@language", "@type", "@value"]
            #expect(found.firstNotInValueObject(in: object) == object.keys.first { !allowed.contains($0) })
        }
    }

    /// Memos go back to a pool and serve later calls: calls alternating between two embedded contexts that
    /// map the same keys differently each get their own context's answers, on several threads at once.
    @Test func pooledMemosAnswerForTheirOwnContexts() async throws {
        @Sendable func document(_ namespace: String) -> JSONValue {
            [
                "@context": ["@vocab": .string(namespace), "label": .string(namespace + "label"), "type": "@type"],
                "type": "Thing", "label": "l", "other": "o",
            ]
        }
        // One context cache for all calls, so each embedded context keeps its identity from call to call and
        // later calls find their keys in memos that earlier calls filled.
        var options = JSONLDOptions()
        options.contextCache = ContextCache()
        let shared = options
        @Sendable func check(_ namespace: String) throws {
            let node = try #require(try JSONLDProcessor.expand(document(namespace), options: shared).first)
            #expect(node["@type"] == [.string(namespace + "Thing")])
            #expect(node[namespace + "label"] == [["@value": "l"]])
            #expect(node[namespace + "other"] == [["@value": "o"]])
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<4 {
                group.addTask {
                    for round in 0..<50 {
                        try check("https://example.org/\((task + round) % 3)/")
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}
