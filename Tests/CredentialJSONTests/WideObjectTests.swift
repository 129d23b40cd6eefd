import CredentialJSON
import Testing

/// Objects far wider than any credential (a hostile request body): building, reading and checking them
/// must stay linear. Before the key index and the parser's single set, 16,000 members took 75 s to verify
/// in a debug build and a 10 MB body of 300,000 members would have held a core for most of an hour.
@Suite("Wide JSON objects stay linear")
struct WideObjectTests {
    static func wideText(_ count: Int, duplicateAtEnd: Bool = false) -> String {
        var text = "{"
        text.reserveCapacity(count * 16)
        for index in 0..<count { text += "\"http://example.org/p\(index)\":\(index)," }
        text += duplicateAtEnd ? "\"http://example.org/p\(count / 2)\":0}" : "\"last\":true}"
        return text
    }

    @Test("200,000 members parse, and every one is found by key", .timeLimit(.minutes(1)))
    func parsesWideObject() throws {
        let object = try #require(try JSONParser.parse(Self.wideText(200_000)).objectValue)
        #expect(object.count == 200_001)
        #expect(object["http://example.org/p0"] == .number(JSONNumber(0)))
        #expect(object["http://example.org/p199999"] == .number(JSONNumber(199_999)))
        #expect(object["last"] == .bool(true))
        #expect(object["http://example.org/p200000"] == nil)
    }

    @Test("a duplicate after 200,000 members is still refused, with its position", .timeLimit(.minutes(1)))
    func duplicateAfterWideObject() {
        let text = Self.wideText(200_000, duplicateAtEnd: true)
        let error = #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
        #expect(error?.code == .duplicateKey)
        #expect(error?.message.contains("http://example.org/p100000") == true)
    }

    @Test("the key index agrees with a plain list through inserts, replacements, appends and removals")
    func indexAgreesWithList() {
        var object = JSONObject()
        var reference: [(key: String, value: JSONValue)] = []
        var state: UInt64 = 42
        for step in 0..<6_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let key = "k\((state >> 33) % 64)"
            let referencePosition = reference.firstIndex { $0.key == key }
            switch (state >> 20) % 4 {
            case 0:
                object[key] = .number(JSONNumber(step))
                if let referencePosition {
                    reference[referencePosition].value = .number(JSONNumber(step))
                } else {
                    reference.append((key, .number(JSONNumber(step))))
                }
            case 1:
                #expect(object.removeValue(forKey: key) == referencePosition.map { reference[$0].value })
                if let referencePosition { reference.remove(at: referencePosition) }
            case 2:
                object.append(contentsOf: [.string("s\(step)")], toArrayAt: key)
                if let referencePosition {
                    reference[referencePosition].value = .array(reference[referencePosition].value.asArray + [.string("s\(step)")])
                } else {
                    reference.append((key, .array([.string("s\(step)")])))
                }
            default:
                object[key] = nil
                if let referencePosition { reference.remove(at: referencePosition) }
            }
            #expect(object.keys == reference.map(\.key))
            for member in reference { #expect(object[member.key] == member.value) }
        }
    }

    @Test("objects with and without an index compare and hash alike")
    func equalityAcrossIndex() throws {
        let members = (0..<40).map { (key: "k\($0)", value: JSONValue.number(JSONNumber($0))) }
        let built = JSONObject(members)
        let parsed = try #require(try JSONParser.parse(JSONWriter.string(.object(built))).objectValue)
        var shrunk = built
        for index in 20..<40 { shrunk.removeValue(forKey: "k\(index)") }
        #expect(built == parsed && built.hashValue == parsed.hashValue)
        #expect(shrunk == JSONObject(Array(members[..<20])))
        #expect(shrunk != built)
    }
}
