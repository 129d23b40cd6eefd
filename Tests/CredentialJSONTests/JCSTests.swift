import CredentialJSON
import Testing

@Suite("RFC 8785 JSON canonicalization")
struct JCSTests {
    /// RFC 8785 Appendix B: IEEE 754 bit patterns and their ECMAScript serializations.
    @Test(arguments: [
        (UInt64(0x0000000000000000), "0"),
        (0x8000000000000000, "0"),
        (0x0000000000000001, "5e-324"),
        (0x8000000000000001, "-5e-324"),
        (0x7fefffffffffffff, "1.7976931348623157e+308"),
        (0xffefffffffffffff, "-1.7976931348623157e+308"),
        (0x4340000000000000, "9007199254740992"),
        (0xc340000000000000, "-9007199254740992"),
        (0x4430000000000000, "295147905179352830000"),
        (0x44b52d02c7e14af5, "9.999999999999997e+22"),
        (0x44b52d02c7e14af6, "1e+23"),
        (0x44b52d02c7e14af7, "1.0000000000000001e+23"),
        (0x444b1ae4d6e2ef4e, "999999999999999700000"),
        (0x444b1ae4d6e2ef4f, "999999999999999900000"),
        (0x444b1ae4d6e2ef50, "1e+21"),
        (0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"),
        (0x3eb0c6f7a0b5ed8d, "0.000001"),
        (0x41b3de4355555553, "333333333.3333332"),
        (0x41b3de4355555554, "333333333.33333325"),
        (0x41b3de4355555555, "333333333.3333333"),
        (0x41b3de4355555556, "333333333.3333334"),
        (0x41b3de4355555557, "333333333.33333343"),
        (0xbecbf647612f3696, "-0.0000033333333333333333"),
        (0x43143ff3c1cb0959, "1424953923781206.2"),
    ])
    func formatsNumbersLikeECMAScript(_ bits: UInt64, _ expected: String) {
        #expect(ECMAScriptNumber.format(Double(bitPattern: bits)) == expected)
    }

    @Test func rejectsNonFiniteNumbers() {
        #expect(ECMAScriptNumber.format(Double(bitPattern: 0x7fffffffffffffff)) == nil)
        #expect(ECMAScriptNumber.format(Double(bitPattern: 0x7ff0000000000000)) == nil)
        #expect(throws: JCSError.self) { try JCS.canonicalize(.number(JSONNumber(unchecked: "1e400"))) }
    }

    /// RFC 8785 §3.2.2 example.
    @Test func canonicalizesTheRFCExample() throws {
        let input = #"""
            {
              "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """#
        let expected = #"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
        #expect(try JCS.canonicalize(try JSONParser.parse(input)) == expected)
    }

    /// RFC 8785 §3.2.3: members sort by UTF-16 code units, so the emoji (a surrogate pair) sorts before U+FB33.
    @Test func sortsMembersByUTF16CodeUnits() throws {
        let input = #"""
            {"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One",
             "\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"}
            """#
        let out = try JCS.canonicalize(try JSONParser.parse(input))
        let order = try #require(try JSONParser.parse(out).objectValue).keys
        #expect(order == ["\r", "1", "\u{80}", "ö", "€", "😀", "\u{FB33}"])
    }

    @Test func sortsNestedObjectsAndKeepsArrayOrder() throws {
        let v = try JSONParser.parse(#"{"b":[3,1,{"z":1,"y":2}],"a":{"d":1,"c":2}}"#)
        #expect(try JCS.canonicalize(v) == #"{"a":{"c":2,"d":1},"b":[3,1,{"y":2,"z":1}]}"#)
    }
}
