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

    @Test("a document of more values than maxExpandedValues is refused before expansion builds them", .timeLimit(.minutes(1)))
    func valueBudget() throws {
        var options = JSONLDOptions()
        options.limits.maxExpandedValues = 1_000
        let items = Array(repeating: JSONValue.number(JSONNumber(0)), count: 1_000)
        let document: JSONValue = ["@id": "http://example.org/n", "http://example.org/p": .array(items)]
        let error = #expect(throws: JSONLDError.self) { try JSONLDProcessor.expand(document, options: options) }
        #expect(error?.code == .limitExceeded)
        #expect(error?.message.contains("1000") == true)
        options.limits.maxExpandedValues = 1_002
        #expect(try JSONLDProcessor.expand(document, options: options).count == 1)
        // The default admits 40 times the largest real credential (2,345 values) and refuses 4.5 million zeros.
        #expect(JSONLDLimits.default.maxExpandedValues == 100_000)
        let zeros: JSONValue = ["http://example.org/p": .array(Array(repeating: .number(JSONNumber(0)), count: 200_000))]
        let refused = #expect(throws: JSONLDError.self) { try JSONLDProcessor.expand(zeros, options: JSONLDOptions()) }
        #expect(refused?.code == .limitExceeded)
    }
}
