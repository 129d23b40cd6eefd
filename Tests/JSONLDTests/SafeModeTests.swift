import CredentialJSON
import JSONLD
import Synchronization
import Testing

/// One input that the spec would process with silent data loss, and the safe-mode error it must raise.
struct SafeModeCase: Sendable, CustomStringConvertible {
    let name: String
    let json: String
    let code: JSONLDError.Code
    let path: String
    var documentURL: String? = nil
    var description: String { name }
}

@Suite struct SafeModeTests {
    static let cases: [SafeModeCase] = [
        SafeModeCase(
            name: "undefined term", json: #"{"@context": {"ex": "http://ex.org/"}, "@id": "http://ex.org/a", "name": "x", "ex:p": 1}"#,
            code: .safeModeDroppedTerm, path: "$.name"),
        SafeModeCase(
            name: "null-mapped term", json: #"{"@context": {"name": null}, "@id": "http://ex.org/a", "name": "x", "http://ex.org/p": 1}"#,
            code: .safeModeDroppedTerm, path: "$.name"),
        SafeModeCase(
            name: "nested undefined term", json: #"{"@context": {"p": "http://ex.org/p"}, "p": [{"p": 1}, {"q": 2}]}"#,
            code: .safeModeDroppedTerm, path: "$.p[1].q"),
        SafeModeCase(
            name: "relative @type", json: #"{"@id": "http://ex.org/a", "@type": "Person", "http://ex.org/p": 1}"#,
            code: .safeModeRelativeType, path: "$.@type"),
        SafeModeCase(
            name: "relative type map key",
            json: #"{"@context": {"m": {"@id": "http://ex.org/m", "@container": "@type"}}, "m": {"Thing": {"http://ex.org/p": 1}}}"#,
            code: .safeModeRelativeType, path: "$.m.Thing"),
        SafeModeCase(
            name: "reserved @type", json: #"{"@id": "http://ex.org/a", "@type": "@thing", "http://ex.org/p": 1}"#,
            code: .safeModeReservedType, path: "$.@type"),
        SafeModeCase(
            name: "relative @id without base", json: #"{"@id": "a", "http://ex.org/p": 1}"#,
            code: .safeModeRelativeId, path: "$.@id"),
        SafeModeCase(
            name: "relative @id-coerced value", json: #"{"@context": {"link": {"@id": "http://ex.org/link", "@type": "@id"}}, "link": "other"}"#,
            code: .safeModeRelativeId, path: "$.link"),
        SafeModeCase(
            name: "reserved @id", json: #"{"@id": "@thing", "http://ex.org/p": 1}"#,
            code: .safeModeReservedId, path: "$.@id"),
        SafeModeCase(
            name: "reserved @id in a term definition", json: #"{"@context": {"t": {"@id": "@thing"}}, "http://ex.org/p": 1}"#,
            code: .safeModeReservedId, path: "$.@context.t"),
        SafeModeCase(
            name: "reserved @reverse", json: #"{"@context": {"t": {"@reverse": "@thing"}}, "http://ex.org/p": 1}"#,
            code: .safeModeReservedReverse, path: "$.@context.t"),
        SafeModeCase(
            name: "reserved term", json: #"{"@context": {"@thing": "http://ex.org/"}, "http://ex.org/p": 1}"#,
            code: .safeModeReservedTerm, path: "$.@context.@thing"),
        SafeModeCase(
            name: "relative @vocab", json: #"{"@context": {"@vocab": "terms/"}, "p": 1}"#,
            code: .safeModeRelativeVocab, path: "$.@context.@vocab", documentURL: "http://ex.org/doc"),
        SafeModeCase(
            name: "free-floating scalar", json: #"{"@graph": ["loose", {"@id": "http://ex.org/a", "http://ex.org/p": 1}]}"#,
            code: .safeModeFreeFloatingScalar, path: "$.@graph[0]"),
        SafeModeCase(
            name: "free-floating value object", json: #"[{"@value": "loose"}]"#,
            code: .safeModeFreeFloatingValue, path: "$[0]"),
        SafeModeCase(
            name: "free-floating list", json: #"{"@list": ["loose"]}"#,
            code: .safeModeFreeFloatingValue, path: "$.@list"),
        SafeModeCase(
            name: "node with only @id", json: #"{"@graph": [{"@id": "http://ex.org/a"}]}"#,
            code: .safeModeObjectWithOnlyId, path: "$.@graph[0]"),
        SafeModeCase(
            name: "empty top-level object", json: #"[{}]"#,
            code: .safeModeEmptyObject, path: "$[0]"),
        SafeModeCase(
            name: "object with only @language", json: #"{"@id": "http://ex.org/a", "http://ex.org/p": {"@language": "en"}}"#,
            code: .safeModeObjectWithOnlyLanguage, path: "$[\"http://ex.org/p\"]"),
        SafeModeCase(
            name: "null @value", json: #"{"@id": "http://ex.org/a", "http://ex.org/p": {"@value": null}}"#,
            code: .safeModeNullValue, path: "$[\"http://ex.org/p\"]"),
        SafeModeCase(
            name: "invalid @language in a value", json: #"{"@id": "http://ex.org/a", "http://ex.org/p": {"@value": "x", "@language": "not a tag"}}"#,
            code: .safeModeInvalidLanguage, path: "$[\"http://ex.org/p\"].@language"),
        SafeModeCase(
            name: "invalid default @language", json: #"{"@context": {"@language": "en_GB!"}, "http://ex.org/p": "x"}"#,
            code: .safeModeInvalidLanguage, path: "$.@context.@language"),
        SafeModeCase(
            name: "invalid language map key", json: #"{"@context": {"l": {"@id": "http://ex.org/l", "@container": "@language"}}, "l": {"e n": "x"}}"#,
            code: .safeModeInvalidLanguage, path: "$.l[\"e n\"]"),
    ]

    @Test(arguments: cases)
    func safeModeRejectsSilentDataLoss(_ c: SafeModeCase) throws {
        let input = try JSONParser.parse(c.json)
        let error = #expect(throws: JSONLDError.self) {
            try JSONLDProcessor.expand(input, documentURL: c.documentURL, options: JSONLDOptions())
        }
        #expect(error?.code == c.code, "\(error.map(String.init(describing:)) ?? "no error")")
        #expect(error?.code.isSafeMode == true)
        #expect(error?.path?.description == c.path)
    }

    @Test(arguments: cases)
    func unsafeModeFollowsTheSpecification(_ c: SafeModeCase) throws {
        let input = try JSONParser.parse(c.json)
        var options = JSONLDOptions()
        options.safeMode = false
        _ = try JSONLDProcessor.expand(input, documentURL: c.documentURL, options: options)
    }

    @Test func unsafeModeReportsWhatSafeModeWouldReject() throws {
        let collected = Mutex<[JSONLDError]>([])
        var options = JSONLDOptions()
        options.safeMode = false
        options.warningHandler = { error in collected.withLock { $0.append(error) } }
        let input = try JSONParser.parse(#"{"@id": "http://ex.org/a", "name": "x", "@type": "T", "http://ex.org/p": 1}"#)
        let out = try JSONLDProcessor.expand(input, options: options)
        #expect(out[0]["@type"] == ["T"])
        let codes = collected.withLock { $0.map(\.code) }
        #expect(codes.contains(.safeModeDroppedTerm))
        #expect(codes.contains(.safeModeRelativeType))
    }

    @Test func safeModeAcceptsCompleteDocuments() throws {
        let input = try JSONParser.parse(
            #"""
            {"@context": {"@vocab": "http://ex.org/vocab#", "knows": {"@type": "@id"}, "@language": "en"},
             "@id": "http://ex.org/a", "@type": "Person", "name": "A", "knows": "http://ex.org/b",
             "age": 42.0, "tags": {"@list": ["x", "y"]}, "@included": [{"@id": "http://ex.org/b", "name": "B"}]}
            """#)
        let out = try JSONLDProcessor.expand(input, options: JSONLDOptions())
        #expect(out.count == 1)
        #expect(out[0]["@type"] == ["http://ex.org/vocab#Person"])
        #expect(out[0]["http://ex.org/vocab#age"] == [["@value": .number(JSONNumber(unchecked: "42.0"))]])
    }

    @Test func relativeReferencesResolveAgainstTheDocumentURL() throws {
        let input = try JSONParser.parse(#"{"@id": "a", "@type": "http://ex.org/T", "http://ex.org/p": {"@id": "../b"}}"#)
        let out = try JSONLDProcessor.expand(input, documentURL: "http://ex.org/dir/doc", options: JSONLDOptions())
        #expect(out[0]["@id"] == "http://ex.org/dir/a")
        #expect(out[0]["http://ex.org/p"] == [["@id": "http://ex.org/b"]])
    }
}
