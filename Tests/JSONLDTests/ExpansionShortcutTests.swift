import CredentialJSON
import Testing

@testable import JSONLD

/// The byte scans of the expansion hot path answer exactly as the plain versions they replace,
/// on random and edge inputs.
@Suite struct ExpansionShortcutTests {
    /// A deterministic generator, so that a failure can be replayed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var mixed = state
            mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
            mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
            return mixed ^ (mixed >> 31)
        }
    }

    /// Pieces that IRIs, compact IRIs, blank node identifiers and keywords are made of, with non-ASCII and
    /// combining characters, so random concatenations hit the edges of every scan.
    static let pieces = [
        "", ":", "//", "/", "_", "_:", "@", "a", "Z", "9", "+", "-", ".", "#", "?", "http", "https", "did", "urn",
        "ex", "é", "e\u{301}", "\u{301}", "日本", "😀", " ", "type", "id", "@type", "@id", "schema", "://",
    ]

    static func randomStrings(count: Int, seed: UInt64) -> [String] {
        var generator = SplitMix(state: seed)
        var strings = pieces
        for _ in 0..<count {
            let length = Int.random(in: 0...6, using: &generator)
            strings.append((0..<length).map { _ in pieces.randomElement(using: &generator)! }.joined())
        }
        return strings
    }

    // The plain versions, written over Unicode scalars (RFC 3986 and JSON-LD speak of code points).

    static func plainIsAbsolute(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard let first = scalars.first, first.isASCII, first.properties.isAlphabetic else { return false }
        for scalar in scalars.dropFirst() {
            if scalar == ":" { return true }
            guard scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "+-.".unicodeScalars.contains(scalar)
            else { return false }
        }
        return false
    }

    static func plainCompactSplit(_ text: String) -> (colon: Int, suffixIsAuthority: Bool)? {
        let bytes = Array(text.utf8)
        guard bytes.count > 1, let colon = bytes[1...].firstIndex(of: UInt8(ascii: ":")) else { return nil }
        return (colon, bytes[(colon + 1)...].starts(with: Array("//".utf8)))
    }

    @Test func byteScansAgreeWithThePlainVersions() {
        for text in Self.randomStrings(count: 4_000, seed: 19) {
            #expect(IRI.isAbsolute(text) == Self.plainIsAbsolute(text), "\(text.debugDescription)")
            #expect(IRI.isBlankNode(text) == text.unicodeScalars.starts(with: "_:".unicodeScalars), "\(text.debugDescription)")
            let bytes = Array(text.utf8)
            for byte in [UInt8(ascii: ":"), UInt8(ascii: "/"), 0xCC] {
                for start in [0, 1, 3] {
                    let plain = start < bytes.count ? bytes[start...].firstIndex(of: byte) : nil
                    #expect(UTF8Scan.firstOffset(of: byte, in: text, from: start) == plain, "\(text.debugDescription) \(byte) \(start)")
                }
            }
            let split = UTF8Scan.compactIRISplit(text)
            let plainSplit = Self.plainCompactSplit(text)
            #expect(split?.colon == plainSplit?.colon && split?.suffixIsAuthority == plainSplit?.suffixIsAuthority, "\(text.debugDescription)")
        }
    }
}
