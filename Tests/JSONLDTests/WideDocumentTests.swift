import CredentialJSON
import JSONLD
import Testing

/// A node with tens of thousands of properties (absolute IRIs, which safe mode allows) expands in linear
/// time; terms that expand to one IRI share one member, which keeps its place.
@Suite("Wide JSON-LD documents")
struct WideDocumentTests {
    @Test("a node of 20,000 absolute-IRI properties expands to 20,000 properties", .timeLimit(.minutes(1)))
    func wideNodeExpands() throws {
        var text = #"{"@id": "http://example.org/node""#
        for index in 0..<20_000 { text += #", "http://example.org/p\#(index)": "v\#(index)""# }
        text += "}"
        let expanded = try JSONLDProcessor.expand(try JSONParser.parse(text), options: JSONLDOptions())
        let node = try #require(expanded.first?.objectValue)
        #expect(node.count == 20_001)
        #expect(node["http://example.org/p19999"] == .array([.object(["@value": "v19999"])]))
    }

    @Test("values of two terms for one IRI are merged into the first member's place")
    func aliasesMergeInPlace() throws {
        let document = try JSONParser.parse(
            #"{"@context": {"a": "http://example.org/p", "b": "http://example.org/p", "c": "http://example.org/q"}, "@id": "http://example.org/n", "a": 1, "c": 2, "b": 3}"#
        )
        let node = try #require(try JSONLDProcessor.expand(document, options: JSONLDOptions()).first?.objectValue)
        #expect(node.keys == ["@id", "http://example.org/p", "http://example.org/q"])
        #expect(node["http://example.org/p"]?.arrayValue?.count == 2)
    }
}
