import CredentialJSON
import Testing

/// The string scan skips eight bytes of plain ASCII at a time: whatever stands at any offset of a word, before,
/// inside or after a run of plain characters, must read as the byte-by-byte reading did.
@Suite("JSON strings read eight bytes at a time")
struct StringScanTests {
    /// `"` + `count` plain characters with `inserted` (JSON text) at `offset` + `"`, and the string it stands for.
    static func text(count: Int, offset: Int, inserted: String, meaning: String) -> (json: [UInt8], expected: String) {
        let before = String(repeating: "a", count: offset)
        let after = String(repeating: "b", count: count - offset)
        return (Array(("\"" + before + inserted + after + "\"").utf8), before + meaning + after)
    }

    @Test("A quote, backslash escape, DEL, 2-byte and 4-byte UTF-8 at every offset of a 40-character string read as written")
    func specialsAtEveryOffset() throws {
        let specials: [(json: String, meaning: String)] = [
            (#"\""#, "\""), (#"\\"#, "\\"), (#"\n"#, "\n"), (#"\u00e9"#, "é"), ("\u{7F}", "\u{7F}"), ("é", "é"), ("😀", "😀"), (" ", " "), ("~", "~"),
        ]
        for count in 0...40 {
            for offset in 0...count {
                for special in specials {
                    let (json, expected) = Self.text(count: count, offset: offset, inserted: special.json, meaning: special.meaning)
                    #expect(try JSONParser.parse(json).stringValue == expected, "\(count) \(offset) \(special.json)")
                    // The same string as an object's key and value, and after an escape (the run-by-run path).
                    let member = Array("{".utf8) + json + Array(":".utf8) + json + Array("}".utf8)
                    #expect(try JSONParser.parse(member)[expected]?.stringValue == expected)
                    let escapedFirst = [UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "t")] + json.dropFirst()
                    #expect(try JSONParser.parse(escapedFirst).stringValue == "\t" + expected)
                }
            }
        }
    }

    @Test("A control character or an invalid UTF-8 byte at any offset is still refused, after an escape too")
    func refusalsAtEveryOffset() {
        for count in 0...40 {
            for offset in 0...count {
                for (byte, code) in [
                    (UInt8(0x01), JSONParseError.Code.controlCharacter), (0x1F, .controlCharacter), (0xFF, .invalidUTF8), (0x80, .invalidUTF8),
                ] {
                    var (json, _) = Self.text(count: count, offset: offset, inserted: "", meaning: "")
                    json.insert(byte, at: 1 + offset)
                    #expect((try? JSONParser.parse(json)) == nil)
                    do { _ = try JSONParser.parse(json) } catch { #expect(error.code == code, "\(count) \(offset) \(byte)") }
                    let escapedFirst = [UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "t")] + json.dropFirst()
                    do { _ = try JSONParser.parse(escapedFirst) } catch { #expect(error.code == code, "escaped \(count) \(offset) \(byte)") }
                    #expect((try? JSONParser.parse(escapedFirst)) == nil)
                }
            }
        }
    }

    @Test("An unterminated long string is refused")
    func unterminated() {
        #expect((try? JSONParser.parse(Array(("\"" + String(repeating: "x", count: 100)).utf8))) == nil)
        #expect((try? JSONParser.parse(Array(("\"\\n" + String(repeating: "x", count: 100)).utf8))) == nil)
    }

    /// Long strings are joined from their ASCII runs and the rest: letters of 2, 3 and 4 bytes at every offset of a
    /// word, between runs shorter and longer than a run worth its own piece, at the start and in the last bytes,
    /// with or without escapes, read as written.
    @Test("A long string with letters beyond ASCII among long ASCII runs reads as written")
    func longMixedStrings() throws {
        let letters = ["é", "€", "😀", "ж"]
        for first in 0..<16 {
            for gap in [1, 7, 8, 9, 255, 256, 257, 300, 2_000] {
                for tail in [0, 3, 7, 8, 300] {
                    let letter = letters[(first + gap + tail) % letters.count]
                    let runs = [first, gap, 1_100 - first, tail].map { String(repeating: "x", count: $0) }
                    let expected = runs[0] + letter + runs[1] + letter + runs[2] + letter + runs[3] + (tail == 3 ? letter : "")
                    #expect(try JSONParser.parse("\"" + expected + "\"").stringValue == expected, "\(first) \(gap) \(tail)")
                    let escaped = expected.replacingOccurrences(of: "x" + letter, with: "\\\"" + letter)
                    #expect(
                        try JSONParser.parse("\"" + escaped + "\"").stringValue == expected.replacingOccurrences(of: "x" + letter, with: "\"" + letter))
                }
            }
        }
    }
}
