import CredentialJSON
import Testing

/// `isIdentical(to:)`: the same JSON text up to whitespace, stricter than `==`.
@Suite struct IdenticalValueTests {
    @Test func equalDocumentsBuiltSeparatelyAreIdentical() throws {
        let text = #"{"name":"Zoë Ångström – a name longer than fifteen bytes","n":1.50,"list":[true,null,"x"]}"#
        let first = try JSONParser.parse(Array(text.utf8))
        let second = try JSONParser.parse(Array(text.utf8))
        #expect(first.isIdentical(to: second))
        #expect(first.isIdentical(to: first))
    }

    @Test func orderLexemesAndCodePointsTell() throws {
        let ab: JSONValue = ["a": 1, "b": 2]
        let ba: JSONValue = ["b": 2, "a": 1]
        #expect(!ab.isIdentical(to: ba))
        #expect(ab == ba)
        let oneDotZero = try JSONParser.parse(Array("1.0".utf8))
        #expect(!oneDotZero.isIdentical(to: 1))
        // Precomposed and decomposed: equal as Swift strings, different JSON text, short and long.
        #expect(!JSONValue.string("\u{E9}").isIdentical(to: .string("e\u{301}")))
        let long = String(repeating: "x", count: 40)
        #expect(!JSONValue.string(long + "\u{E9}").isIdentical(to: .string(long + "e\u{301}")))
        let precomposedKey: JSONValue = ["\u{E9}": 1]
        let decomposedKey: JSONValue = ["e\u{301}": 1]
        #expect(!precomposedKey.isIdentical(to: decomposedKey))
        #expect(!JSONValue.string(long + "a").isIdentical(to: .string(long + "b")))
        #expect(JSONValue.string("").isIdentical(to: .string("")))
        #expect(!JSONValue.null.isIdentical(to: .string("")))
    }
}
