import CredentialJSON
import Testing

/// The string writer appends runs between escapes whole; its output must be the escape-by-scalar one, byte for byte.
@Suite struct WriterEscapeTests {
    /// RFC 8785 §3.2.2.2, one scalar at a time (the writer's former code).
    static func reference(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x08: out += "\\b"
            case 0x09: out += "\\t"
            case 0x0A: out += "\\n"
            case 0x0C: out += "\\f"
            case 0x0D: out += "\\r"
            case 0..<0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static let samples: [String] = [
        "", "plain", "\"", "\\", "\"\"", "a\"b\\c", "\u{0}\u{1}\u{1F}\u{7F}", "line\nbreak\r\ttab\u{8}\u{C}",
        "\"\u{301}", "e\u{301}\"", "\"\u{301}\u{302}x", "\u{1F469}\u{200D}\u{1F4BB}\"\u{1F469}", "quote at end\"",
        "\"quote at start", "\u{2028}\u{2029}", "Zoë \"Ångström\" – ☃", String(repeating: "{\"a\":\"b\\\\c\"},", count: 50),
        "\r\n", "\u{E9}\u{1}\u{E9}",
    ]

    @Test func everyStringIsWrittenAsTheScalarByScalarEscapeWrites() throws {
        for text in Self.samples {
            let written = JSONWriter.string(.string(text))
            #expect(Array(written.utf8) == Array(Self.reference(text).utf8), "\(text.debugDescription)")
            // And it reads back as the same code points.
            let read = try JSONParser.parse(Array(written.utf8))
            #expect(read.stringValue.map { Array($0.utf8) } == Array(text.utf8))
        }
    }

    @Test func utf8BytesAreEscapedAsTheScalarByScalarEscapeWrites() {
        // Every C0 control, the two escaped printables, and a long run, as bytes (a JAdES payload's path).
        let controls = String(String.UnicodeScalarView((0..<0x20).compactMap(Unicode.Scalar.init)))
        for text in Self.samples + [controls, controls + "\"x\\" + controls] {
            var out: [UInt8] = [UInt8(ascii: "[")]
            Array(text.utf8).withUnsafeBufferPointer { JSONWriter.writeString(utf8: $0, to: &out) }
            #expect(out == [UInt8(ascii: "[")] + Array(Self.reference(text).utf8), "\(text.debugDescription)")
        }
    }

    @Test func prettyOutputIndentsByTwoSpacesWithASpaceAfterEachColon() {
        let value: JSONValue = ["a": [1, ["b": "c", "d": []]], "e": [:], "f": "\n"]
        #expect(
            JSONWriter.string(value, style: .pretty)
                == "{\n  \"a\": [\n    1,\n    {\n      \"b\": \"c\",\n      \"d\": []\n    }\n  ],\n  \"e\": {},\n  \"f\": \"\\n\"\n}")
        #expect(JSONWriter.string(value) == #"{"a":[1,{"b":"c","d":[]}],"e":{},"f":"\n"}"#)
    }

    /// Indentation is written in runs of up to 64 spaces: nesting past 32 levels needs more than one run.
    @Test func prettyOutputIndentsTwoSpacesPerLevelAtAnyDepth() {
        var value: JSONValue = ["k": true]
        for _ in 0..<40 { value = .array([value]) }
        var expected = ""
        for level in 0..<41 { expected += (level == 0 ? "" : "\n" + String(repeating: "  ", count: level)) + (level < 40 ? "[" : "{") }
        expected += "\n" + String(repeating: "  ", count: 41) + "\"k\": true\n" + String(repeating: "  ", count: 40) + "}"
        for level in (0..<40).reversed() { expected += "\n" + String(repeating: "  ", count: level) + "]" }
        #expect(JSONWriter.string(value, style: .pretty) == expected)
    }

    @Test func pathsNameKeysPlainlyOnlyWhenTheyAreLettersDigitsUnderscoreOrAt() {
        #expect(JSONPath.root.appending("credentialSubject").appending(0).appending("@id").description == "$.credentialSubject[0].@id")
        #expect(JSONPath.root.appending("a-b").description == #"$["a-b"]"#)
        #expect(JSONPath.root.appending("").description == #"$[""]"#)
        #expect(JSONPath.root.appending("Zoë").description == "$.Zoë")
        #expect(JSONPath.root.appending("x y").description == #"$["x y"]"#)
        #expect(JSONPath.root.appending("名前").description == "$.名前")
    }

    /// Node ids are made from a path's bytes (appended after what the buffer holds): pinned spellings, escapes included.
    @Test func aPathIsWrittenAsItsPinnedSpelling() {
        let cases: [(JSONPath, String)] = [
            (.root, "$"),
            (JSONPath.root.appending("credentialSubject").appending(0).appending("@id"), "$.credentialSubject[0].@id"),
            (JSONPath.root.appending("a\"b\n\u{1}").appending(-3).appending(1_000_000), #"$["a\"b\n\u0001"][-3][1000000]"#),
            (JSONPath.root.appending("Zoë").appending("x y").appending("名前").appending(""), #"$.Zoë["x y"].名前[""]"#),
        ]
        for (path, spelling) in cases {
            var bytes: [UInt8] = [0x7C]
            path.write(to: &bytes)
            #expect(bytes == [0x7C] + Array(spelling.utf8))
            #expect(path.description == spelling)
        }
    }
}
