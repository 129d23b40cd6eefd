import TestSupport
import Testing

@testable import CredentialJSON

/// `append(contentsOf:toArrayAtASCIIKey:)` compares key lengths before bytes; on ASCII keys it must build
/// exactly the object the plain `append(contentsOf:toArrayAt:)` builds, below and above the index threshold.
@Suite struct ASCIIKeyMergeTests {
    /// Keys sharing long prefixes, of equal and of different lengths, short (small strings) and long.
    static let pieces = ["", "a", "b", "ab", "#", "/", "https://www.w3.org/2018/credentials#", "http://example.org/", "@type", "Z"]

    @Test func mergesAsThePlainSearchOnRandomASCIIKeys() {
        var generator = SplitMix(state: 42)
        for round in 0..<200 {
            var plain = JSONObject()
            var fast = JSONObject()
            // Up to 40 merges over a pool of keys: objects cross the 16-member index threshold in some rounds.
            let poolSize = Int.random(in: 1...30, using: &generator)
            let pool = (0..<poolSize).map { _ in
                (0..<Int.random(in: 0...4, using: &generator)).map { _ in Self.pieces.randomElement(using: &generator)! }.joined()
            }
            for step in 0..<Int.random(in: 0...40, using: &generator) {
                let key = pool.randomElement(using: &generator)!
                let values = (0..<Int.random(in: 0...2, using: &generator)).map { JSONValue.string("\(round).\(step).\($0)") }
                plain.append(contentsOf: values, toArrayAt: key)
                fast.append(contentsOf: values, toArrayAtASCIIKey: key)
                #expect(fast.members.map(\.key) == plain.members.map(\.key), "round \(round) step \(step)")
                #expect(fast.members.map(\.value) == plain.members.map(\.value), "round \(round) step \(step)")
            }
            for key in pool + ["", "absent", "https://www.w3.org/2018/credentials#absent"] {
                #expect(fast[key] == plain[key])
                #expect(fast.value(forPlainKey: key) == plain[key])
            }
        }
    }

    /// Keys without "K", ";" or "`" are found length-first among any keys, including the three characters
    /// outside ASCII that decompose to ASCII and strings equal to ones that use them.
    @Test func plainKeysAreFoundAmongNonASCIIKeys() {
        let keys = [
            "@context", "@type", "@value", "a;b", "a\u{37E}b", "\u{1FEF}", "`", "K", "\u{212A}", "@id", "é", "e\u{301}", "@valu\u{E9}",
            "http://example.org/\u{212A}", "http://example.org/p",
        ]
        var generator = SplitMix(state: 7)
        for _ in 0..<500 {
            var object = JSONObject()
            for _ in 0..<Int.random(in: 0...20, using: &generator) {
                object[keys.randomElement(using: &generator)!] = .string("\(object.count)")
            }
            for key in keys + ["@contex", "@contexts", "@language"]
            where !key.contains("K") && !key.contains(";") && !key.contains("`") && key.unicodeScalars.allSatisfy(\.isASCII) {
                #expect(object.value(forPlainKey: key) == object[key], "\(key.debugDescription)")
            }
        }
    }

    /// The subscript finds what `String` equality finds, for every key (plain, with "K", ";" or "`", and outside ASCII
    /// with canonically equivalent spellings), below the index threshold: the reference for the length-first searches.
    @Test func theSubscriptFindsWhatStringEqualityFinds() {
        let keys = [
            "@context", "@type", "type", "id", "a;b", "a\u{37E}b", "\u{1FEF}", "`", "K", "\u{212A}", "Kind", "\u{212A}ind", "é", "e\u{301}",
            "@valu\u{E9}", "@value", "", "http://example.org/\u{212A}", "http://example.org/K", "http://example.org/p",
        ]
        var generator = SplitMix(state: 11)
        for _ in 0..<500 {
            var object = JSONObject()
            for _ in 0..<Int.random(in: 0...15, using: &generator) {
                object[keys.randomElement(using: &generator)!] = .string("\(object.count)")
            }
            #expect(object.count <= JSONObject.indexThreshold)
            // No two members are equal strings: a set stores each once.
            #expect(Set(object.members.map(\.key)).count == object.count)
            for key in keys + ["@contex", "ty", "typ", "types"] {
                #expect(object[key] == object.members.first { $0.key == key }?.value, "\(key.debugDescription)")
            }
        }
    }

    @Test func findsAnExistingKeyAfterItsIndexIsBuilt() {
        var object = JSONObject()
        for index in 0..<40 { object.append(contentsOf: [.string("first")], toArrayAtASCIIKey: "http://example.org/p\(index)") }
        object.append(contentsOf: [.string("second")], toArrayAtASCIIKey: "http://example.org/p7")
        #expect(object.count == 40)
        #expect(object["http://example.org/p7"] == .array([.string("first"), .string("second")]))
        #expect(object.members[7].key == "http://example.org/p7")
    }
}
