import CredentialJSON
import Testing

@testable import JSONLD

/// The shortcuts of the expansion hot path answer exactly as the plain lookups they replace.
@Suite struct TermLookupTests {
    /// JSON-LD 1.1 §9.2 and the framing keywords: the spec's list, written out independently of the processor's.
    static let specKeywords: [String] = [
        "@base", "@container", "@context", "@default", "@direction", "@embed", "@explicit", "@graph", "@id", "@import",
        "@included", "@index", "@json", "@language", "@list", "@nest", "@none", "@omitDefault", "@prefix", "@preserve",
        "@propagate", "@protected", "@requireAll", "@reverse", "@set", "@type", "@value", "@version", "@vocab",
    ]

    @Test func everyKeywordIsRecognisedAndNothingElse() {
        for keyword in Self.specKeywords { #expect(Keywords.isKeyword(keyword), "\(keyword)") }
        #expect(Set(Self.specKeywords) == Keywords.all)
        let lookAlikes = [
            "@", "@i", "@ids", "@Id", "@ID", "@typ", "@types", "@values", "@Vocab", "@lists", "@requireall", "@omitdefault",
            "id", "type", "@context ", " @context", "@containers", "@protectedd", "@foo", "",
        ]
        for text in lookAlikes { #expect(!Keywords.isKeyword(text), "\(text)") }
        // Canonically equivalent is not the same keyword: "@id" with a combining mark after the i.
        #expect(!Keywords.isKeyword("@i\u{301}d"))
    }

    @Test func aTermLongerThanEveryOtherIsStillFound() throws {
        let longTerm = "https://example.org/vocab/a-term-that-is-longer-than-any-other-term-in-this-context"
        let context: JSONValue = [
            "@context": [
                "name": "https://schema.org/name",
                longTerm: ["@id": .string(longTerm), "@type": "@id"],
            ]
        ]
        let active = try JSONLDProcessor.processContext(context["@context"] ?? .null, base: nil, options: JSONLDOptions())
        #expect(active.longestTerm == longTerm.utf8.count)
        #expect(active[longTerm]?.typeMapping == "@id")
        #expect(active[longTerm + "x"] == nil)
        #expect(active["name"]?.iri == "https://schema.org/name")
        // Expansion coerces the long term's value to an IRI, so its definition was found.
        let document: JSONValue = [
            "@context": context["@context"] ?? .null, longTerm: "https://example.org/target", "name": "n",
        ]
        let expanded = try JSONLDProcessor.expand(document, options: JSONLDOptions())
        #expect(expanded.first?[longTerm]?.asArray.first?["@id"] == "https://example.org/target")
    }

    @Test func aNullContextStartsTheBoundAfresh() throws {
        // A null context clears the terms and the bound with them; the terms after it are found.
        let context: JSONValue = [["a-rather-long-term-name": "https://example.org/long"], .null, ["b": "https://example.org/b"]]
        let active = try JSONLDProcessor.processContext(context, base: nil, options: JSONLDOptions())
        #expect(active["a-rather-long-term-name"] == nil)
        #expect(active["b"]?.iri == "https://example.org/b")
        #expect(active.longestTerm == 1)
    }
}
