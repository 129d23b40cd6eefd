import CredentialJSON
import Testing

@Suite("Strict JSON parser")
struct JSONParserTests {
    @Test func keepsMemberOrderAndNumberLexemes() throws {
        let v = try JSONParser.parse(#"{"b": 1.0, "a": 1E2, "c": 12345678901234567890, "d": -0.0}"#)
        let o = try #require(v.objectValue)
        #expect(o.keys == ["b", "a", "c", "d"])
        #expect(o["b"]?.numberValue?.lexeme == "1.0")
        #expect(o["a"]?.numberValue?.lexeme == "1E2")
        #expect(o["c"]?.numberValue?.lexeme == "12345678901234567890")
        #expect(o["d"]?.numberValue?.lexeme == "-0.0")
        #expect(JSONWriter.string(v) == #"{"b":1.0,"a":1E2,"c":12345678901234567890,"d":-0.0}"#)
    }

    @Test func distinguishesBooleansFromNumbers() throws {
        let v = try JSONParser.parse("[true, 1, false, 0]")
        #expect(v.arrayValue?[0] == .bool(true))
        #expect(v.arrayValue?[1].boolValue == nil)
        #expect(v.arrayValue?[1].numberValue?.intValue == 1)
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let v = try JSONParser.parse(#""a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00""#)
        #expect(v.stringValue == "a\"\\/\u{8}\u{c}\n\r\t\u{e9}\u{1F600}")
    }

    @Test func escapedTextBetweenLongPlainRunsKeepsEveryCharacter() throws {
        // A sealed payload: a JSON document inside one string, plain runs (with multi-byte UTF-8) between escapes.
        let inner = #"{"name":"Zoë Ångström — 学习","id":"urn:x:1","note":"line"}"# + "\t\n"
        let value: JSONValue = .object(["payload": .string(String(repeating: inner, count: 200))])
        let text = JSONWriter.string(value)
        let parsed = try JSONParser.parse(text)
        #expect(parsed == value)
        // A control character inside a run is still refused, at its position.
        let error = #expect(throws: JSONParseError.self) { try JSONParser.parse("\"ab\\\"cd\u{01}e\"") }
        #expect(error?.code == .controlCharacter)
        #expect(error?.column == 8)
        let unterminated = #expect(throws: JSONParseError.self) { try JSONParser.parse("\"ab\\\"cd") }
        #expect(unterminated?.code == .unexpectedEnd)
    }

    @Test func rejectsDuplicateMemberNamesWithPosition() {
        let error = #expect(throws: JSONParseError.self) { try JSONParser.parse("{\n  \"a\": 1,\n  \"a\": 2\n}") }
        #expect(error?.code == .duplicateKey)
        #expect(error?.line == 3)
        #expect(error?.column == 3)
    }

    @Test func rejectsDuplicatesInLargeObjects() {
        let members = (0..<40).map { "\"k\($0)\": \($0)" }.joined(separator: ",")
        let error = #expect(throws: JSONParseError.self) { try JSONParser.parse("{\(members), \"k7\": 0}") }
        #expect(error?.code == .duplicateKey)
    }

    @Test(arguments: [
        (#""\ud800""#, JSONParseError.Code.loneSurrogate),
        (#""\udc00x""#, .loneSurrogate),
        (#""\ud800\u0041""#, .loneSurrogate),
        ("\"a\u{1}b\"", .controlCharacter),
        ("\"tab\tinside\"", .controlCharacter),
        (#""\x""#, .invalidEscape),
        ("[1,]", .unexpectedCharacter),
        ("{\"a\":1,}", .unexpectedCharacter),
        ("01", .invalidNumber),
        ("1.", .invalidNumber),
        ("-", .invalidNumber),
        ("1e", .invalidNumber),
        ("NaN", .unexpectedCharacter),
        ("{} {}", .trailingData),
        ("[1] x", .trailingData),
        ("", .unexpectedEnd),
        ("[1", .unexpectedEnd),
        ("\"abc", .unexpectedEnd),
        ("tru", .unexpectedEnd),
        ("{'a': 1}", .unexpectedCharacter),
    ])
    func rejectsNonConformingText(_ text: String, _ code: JSONParseError.Code) {
        let error = #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
        #expect(error?.code == code, "\(text)")
    }

    @Test(arguments: [
        [UInt8]([0x22, 0xFF, 0x22]),  // invalid lead byte
        [0x22, 0xC0, 0xAF, 0x22],  // overlong '/'
        [0x22, 0xED, 0xA0, 0x80, 0x22],  // UTF-8 encoded surrogate
        [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // above U+10FFFF
        [0x22, 0xE2, 0x82, 0x22],  // truncated sequence
    ])
    func rejectsInvalidUTF8(_ bytes: [UInt8]) {
        let error = #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes) }
        #expect(error?.code == .invalidUTF8)
    }

    @Test func acceptsValidMultibyteUTF8() throws {
        let v = try JSONParser.parse(Array("\"Zürich € 😀 日本\"".utf8))
        #expect(v.stringValue == "Zürich € 😀 日本")
    }

    @Test func enforcesDepthLimit() throws {
        let deep = String(repeating: "[", count: 257) + String(repeating: "]", count: 257)
        let error = #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
        #expect(error?.code == .tooDeep)
        let ok = String(repeating: "[", count: 256) + String(repeating: "]", count: 256)
        _ = try JSONParser.parse(ok)
        let custom = #expect(throws: JSONParseError.self) {
            try JSONParser.parse("[[[]]]", limits: JSONParseLimits(maxDepth: 2))
        }
        #expect(custom?.code == .tooDeep)
    }

    @Test func enforcesSizeLimit() {
        let error = #expect(throws: JSONParseError.self) {
            try JSONParser.parse("[1, 2, 3]", limits: JSONParseLimits(maxBytes: 4))
        }
        #expect(error?.code == .tooLarge)
    }

    @Test func reportsColumnsInCharactersNotBytes() {
        let error = #expect(throws: JSONParseError.self) { try JSONParser.parse("{\"é\": x}") }
        #expect(error?.line == 1)
        #expect(error?.column == 7)
    }

    @Test func objectEqualityIgnoresMemberOrder() throws {
        let a = try JSONParser.parse(#"{"a":1,"b":[1,2]}"#)
        let b = try JSONParser.parse(#"{"b":[1,2],"a":1}"#)
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(a != (try JSONParser.parse(#"{"a":1,"b":[2,1]}"#)))
        // Members in the same order, partly moved, or with one key or value different.
        let c = try JSONParser.parse(#"{"a":1,"b":2,"c":{"d":3,"e":4}}"#)
        #expect(c == (try JSONParser.parse(#"{"a":1,"b":2,"c":{"d":3,"e":4}}"#)))
        #expect(c == (try JSONParser.parse(#"{"a":1,"c":{"e":4,"d":3},"b":2}"#)))
        #expect(c != (try JSONParser.parse(#"{"a":1,"b":2,"c":{"d":3,"e":5}}"#)))
        #expect(c != (try JSONParser.parse(#"{"a":1,"b":2,"x":{"d":3,"e":4}}"#)))
        #expect(c != (try JSONParser.parse(#"{"a":1,"x":2,"c":{"d":3,"e":4}}"#)))
    }

    @Test func plainWriterDoesNotEscapeSolidusAndEscapesControls() {
        let v: JSONValue = ["url": "https://example.org/a", "ctl": .string("\u{1}\n")]
        #expect(JSONWriter.string(v) == #"{"url":"https://example.org/a","ctl":"\u0001\n"}"#)
    }

    @Test func prettyOutputParsesBackToTheSameValue() throws {
        let v = try JSONParser.parse(#"{"a":[1,{"b":null,"c":true}],"d":{},"e":[]}"#)
        let pretty = JSONWriter.string(v, style: .pretty)
        #expect(pretty.contains("\n  \"a\": ["))
        #expect(try JSONParser.parse(pretty) == v)
    }

    @Test func jsonPathNamesMembersAndIndexes() {
        let p = JSONPath.root.appending("credentialSubject").appending("achievement").appending(0).appending("odd key")
        #expect(p.description == #"$.credentialSubject.achievement[0]["odd key"]"#)
    }
}
