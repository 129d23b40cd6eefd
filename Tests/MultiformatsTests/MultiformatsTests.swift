import Foundation
import Multiformats
import TestSupport
import Testing

private func hex(_ s: String) -> [UInt8] {
    var out: [UInt8] = []
    var i = s.startIndex
    while i < s.endIndex {
        let j = s.index(i, offsetBy: 2)
        out.append(UInt8(s[i..<j], radix: 16)!)
        i = j
    }
    return out
}

@Suite("base58btc")
struct Base58Tests {
    /// draft-msporny-base58-03 §5 and Bitcoin Core's base58_encode_decode.json.
    @Test(arguments: [
        ("", ""),
        ("61", "2g"),
        ("626262", "a3gV"),
        ("636363", "aPEr"),
        ("00", "1"),
        ("0000", "11"),
        ("000000287fb4cd", "111233QC4"),
        ("00000000000000000000", "1111111111"),
        ("48656c6c6f20576f726c6421", "2NEpo7TZRRrLZSi2U"),
        ("00eb15231dfceb60925886b67d065299925915aeb172c06647", "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L"),
        ("516b6fcd0f", "ABnLTmg"),
        ("bf4f89001e670274dd", "3SEo3LWLoPntC"),
        ("572e4794", "3EFU7m"),
        ("ecac89cad93923c02321", "EJDM8drfXA6uyA"),
        ("10c8511e", "Rt5zm"),
    ])
    func encodesAndDecodesKnownVectors(hexInput: String, encoded: String) throws {
        #expect(Base58BTC.encode(hex(hexInput)) == encoded)
        #expect(try Base58BTC.decode(encoded) == hex(hexInput))
    }

    @Test func encodesTheDraftSentenceVector() {
        let text = "The quick brown fox jumps over the lazy dog."
        #expect(Base58BTC.encode(Array(text.utf8)) == "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z")
    }

    @Test(arguments: ["0", "O", "I", "l", "abc def", "2g\n", "+", "é"])
    func rejectsCharactersOutsideTheAlphabet(text: String) {
        #expect(throws: MultiformatsError(.invalidCharacter, "")) { try Base58BTC.decode(text) }
    }

    @Test func reportsTheOffsetOfTheBadCharacter() throws {
        let error = try #require(throws: MultiformatsError.self) { try Base58BTC.decode("abc0def") }
        #expect(error.offset == 3)
    }

    @Test func roundTripsRandomBytesWithLeadingZeros() throws {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<80 {
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if length > 3 { bytes[0] = 0; bytes[1] = 0 }
            #expect(try Base58BTC.decode(Base58BTC.encode(bytes)) == bytes)
        }
    }

    /// The byte-at-a-time conversions the limb versions replaced, as the reference.
    static let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)

    static func referenceEncode(_ input: [UInt8]) -> String {
        var zeros = 0
        while zeros < input.count && input[zeros] == 0 { zeros += 1 }
        var digits: [Int] = []  // most significant first
        for byte in input[zeros...] {
            var carry = Int(byte)
            for index in digits.indices.reversed() {
                carry += 256 * digits[index]
                digits[index] = carry % 58
                carry /= 58
            }
            while carry > 0 {
                digits.insert(carry % 58, at: 0)
                carry /= 58
            }
        }
        return String(decoding: Array(repeating: alphabet[0], count: zeros) + digits.map { alphabet[$0] }, as: UTF8.self)
    }

    static func referenceDecode(_ input: [UInt8]) -> (bytes: [UInt8]?, badOffset: Int?) {
        var zeros = 0
        while zeros < input.count && input[zeros] == alphabet[0] { zeros += 1 }
        var bytes: [Int] = []  // most significant first
        for index in zeros..<input.count {
            guard let value = alphabet.firstIndex(of: input[index]) else { return (nil, index) }
            var carry = value
            for position in bytes.indices.reversed() {
                carry += 58 * bytes[position]
                bytes[position] = carry & 0xFF
                carry >>= 8
            }
            while carry > 0 {
                bytes.insert(carry & 0xFF, at: 0)
                carry >>= 8
            }
        }
        return (Array(repeating: 0, count: zeros) + bytes.map(UInt8.init), nil)
    }

    /// Random bytes (runs of leading zeros included) and random texts (characters outside the alphabet included)
    /// give what the byte-at-a-time conversions give: the same text, bytes and offset of the first bad character.
    @Test func agreesWithTheByteAtATimeConversion() throws {
        var generator = SplitMix(state: 58)
        let characters = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0OIl +".utf8)
        for _ in 0..<2_000 {
            let length = Int.random(in: 0...90, using: &generator)
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            for index in 0..<min(length, Int.random(in: 0...4, using: &generator)) { bytes[index] = 0 }
            if Bool.random(using: &generator), length > 0 { bytes[length - 1] = 0 }
            let text = Base58BTC.encode(bytes)
            #expect(text == Self.referenceEncode(bytes))
            #expect(try Base58BTC.decode(text) == bytes)

            let count = Int.random(in: 0...40, using: &generator)
            var random = (0..<count).map { _ in Self.alphabet.randomElement(using: &generator)! }
            if count > 0, Int.random(in: 0...3, using: &generator) == 0 {
                random[Int.random(in: 0..<count, using: &generator)] = characters.randomElement(using: &generator)!
            }
            let reference = Self.referenceDecode(random)
            if let expected = reference.bytes {
                #expect(try Base58BTC.decode(utf8: random) == expected)
            } else {
                let error = try #require(throws: MultiformatsError.self) { try Base58BTC.decode(utf8: random) }
                #expect(error.code == .invalidCharacter && error.offset == reference.badOffset)
            }
        }
    }

    @Test func refusesInputBeyondTheLengthLimit() {
        let long = String(repeating: "2", count: Base58BTC.defaultMaxLength + 1)
        #expect(throws: MultiformatsError(.tooLong, "")) { try Base58BTC.decode(long) }
    }
}

@Suite("base64url")
struct Base64URLTests {
    /// RFC 4648 §10, without padding.
    @Test(arguments: [
        ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy"),
    ])
    func matchesRFC4648Vectors(plain: String, encoded: String) throws {
        #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
        #expect(try Base64URL.decode(encoded) == Array(plain.utf8))
    }

    @Test func usesTheURLSafeAlphabet() throws {
        #expect(Base64URL.encode([0xfb, 0xff, 0xbf]) == "-_-_")
        #expect(try Base64URL.decode("-_-_") == [0xfb, 0xff, 0xbf])
    }

    @Test(arguments: ["Zg==", "Zm8=", "Zh", "Zm9", "Z", "Zm9vY"])
    func rejectsPaddingAndNonCanonicalForms(text: String) {
        #expect(throws: MultiformatsError(.nonCanonicalEncoding, "")) { try Base64URL.decode(text) }
    }

    /// Random bytes of every length up to 300 decode to themselves from Foundation's base64 (another
    /// implementation), made URL-safe and unpadded; an invalid character is reported at its offset.
    @Test func decodesWhatFoundationEncodesAndLocatesTheFirstBadCharacter() throws {
        var generator = SystemRandomNumberGenerator()
        for length in 0...300 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let text = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            #expect(try Base64URL.decode(text) == bytes)
            #expect(Base64URL.encode(bytes) == text)
            guard !text.isEmpty else { continue }
            let at = Int.random(in: 0..<text.utf8.count, using: &generator)
            var broken = Array(text.utf8)
            broken[at] = UInt8(ascii: "+")
            let error = try #require(throws: MultiformatsError.self) { try Base64URL.decode(utf8: broken) }
            #expect(error.code == .invalidCharacter && error.offset == at)
        }
    }

    /// The last character of a 4n+2 or 4n+3 text carries bits below the last byte: each of the 64 characters there
    /// is accepted exactly when those bits are zero, after whole groups or alone.
    @Test(arguments: ["", "Zm9v"])
    func acceptsATrailingCharacterOnlyWithZeroUnusedBits(prefix: String) {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        for (value, character) in alphabet.enumerated() {
            let two = prefix + "Z" + String(character)
            let three = prefix + "Zm" + String(character)
            #expect(((try? Base64URL.decode(two)) != nil) == (value & 0b1111 == 0), "\(two)")
            #expect(((try? Base64URL.decode(three)) != nil) == (value & 0b11 == 0), "\(three)")
        }
    }

    @Test(arguments: ["+/+/", "Zm 9v", "Zm9v\n", "Zm9v!", "Zm9vYmFy\u{e9}", "\u{e9}m9v"])
    func rejectsCharactersOutsideTheAlphabet(text: String) {
        #expect(throws: MultiformatsError(.invalidCharacter, "")) { try Base64URL.decode(text) }
    }
}

@Suite("multibase")
struct MultibaseTests {
    @Test func decodesBothSupportedPrefixes() throws {
        let z = try Multibase.decode("z2NEpo7TZRRrLZSi2U")
        #expect(z.encoding == .base58btc)
        #expect(z.bytes == Array("Hello World!".utf8))
        let u = try Multibase.decode("uSGVsbG8gV29ybGQh")
        #expect(u.encoding == .base64url)
        #expect(u.bytes == Array("Hello World!".utf8))
        #expect(Multibase.encode(Array("Hello World!".utf8), as: .base64url) == "uSGVsbG8gV29ybGQh")
        #expect(Multibase.encode(Array("Hello World!".utf8)) == "z2NEpo7TZRRrLZSi2U")
    }

    /// Other multibase encodings exist (`f` hex, `m` base64, `b` base32 …) but the VC specs use
    /// only `z` and `u`; accepting more would widen what a proof value can look like.
    @Test(arguments: ["f48656c6c6f", "mSGVsbG8", "bnbswy3dp", "Z2NEpo7TZRRrLZSi2U", "1abc", " z2g"])
    func rejectsOtherPrefixesWithAClearError(text: String) throws {
        let error = try #require(throws: MultiformatsError.self) { try Multibase.decode(text) }
        #expect(error.code == .unsupportedMultibase)
        #expect(error.message.contains("'z' (base58btc) or 'u' (base64url)"))
    }

    @Test func rejectsEmptyInput() {
        #expect(throws: MultiformatsError(.emptyInput, "")) { try Multibase.decode("") }
    }

    @Test func requiresTheNamedEncodingWhenAsked() {
        #expect(throws: MultiformatsError(.unexpectedMultibase, "")) {
            try Multibase.decode("uSGVsbG8gV29ybGQh", requiring: .base58btc)
        }
    }

    @Test func shiftsErrorOffsetsPastThePrefix() throws {
        let error = try #require(throws: MultiformatsError.self) { try Multibase.decode("zab0") }
        #expect(error.offset == 3)
    }
}

@Suite("multicodec key headers")
struct MulticodecTests {
    /// The header bytes from docs/standards.md §2 (checked against the W3C vectors).
    @Test(arguments: [
        (KeyCodec.ed25519Public, [UInt8]([0xed, 0x01]), 32),
        (.p256Public, [0x80, 0x24], 33),
        (.p384Public, [0x81, 0x24], 49),
        (.ed25519Secret, [0x80, 0x26], 32),
        (.p256Secret, [0x86, 0x26], 32),
        (.p384Secret, [0x87, 0x26], 48),
    ])
    func headersAndLengthsMatchTheTable(codec: KeyCodec, header: [UInt8], length: Int) throws {
        #expect(codec.header == header)
        #expect(codec.expectedKeyLength == length)
        let key = [UInt8](repeating: 7, count: length)
        let parsed = try MulticodecKey(bytes: header + key)
        #expect(parsed.codec == codec)
        #expect(parsed.keyBytes == key)
        #expect(parsed.bytes == header + key)
        #expect(throws: MultiformatsError(.wrongKeyLength, "")) { try MulticodecKey(bytes: header + key.dropLast()) }
        #expect(throws: MultiformatsError(.wrongKeyLength, "")) { try MulticodecKey(bytes: header + key + [0]) }
    }

    /// rsa-pub (0x1205), secp256k1-pub (0xe7), x25519-pub (0xec) and bls12_381-g2-pub (0xeb) are
    /// real multicodecs but not Multikey types the cryptosuites accept.
    @Test(arguments: [[UInt8]([0x85, 0x24]), [0xe7, 0x01], [0xec, 0x01], [0xeb, 0x01], [0x00], [0x01]])
    func rejectsOtherHeaders(header: [UInt8]) throws {
        let error = try #require(throws: MultiformatsError.self) { try MulticodecKey(bytes: header + [UInt8](repeating: 1, count: 33)) }
        #expect(error.code == .unsupportedMulticodec)
    }

    @Test func rejectsAnUncompressedP256Point() {
        let uncompressed = [UInt8]([0x80, 0x24, 0x04]) + [UInt8](repeating: 1, count: 64)
        #expect(throws: MultiformatsError(.wrongKeyLength, "")) { try MulticodecKey(bytes: uncompressed) }
    }

    @Test func varintsAreMinimalAndBounded() throws {
        #expect(UnsignedVarint.encode(0) == [0])
        #expect(UnsignedVarint.encode(0x7f) == [0x7f])
        #expect(UnsignedVarint.encode(0x80) == [0x80, 0x01])
        #expect(UnsignedVarint.encode(0x1200) == [0x80, 0x24])
        #expect(try UnsignedVarint.decode([0xed, 0x01, 0xff]) == (0xed, 2))
        #expect(throws: MultiformatsError(.invalidVarint, "")) { try UnsignedVarint.decode([0x81, 0x00]) }
        #expect(throws: MultiformatsError(.invalidVarint, "")) { try UnsignedVarint.decode([0x80]) }
        #expect(throws: MultiformatsError(.invalidVarint, "")) { try UnsignedVarint.decode([UInt8](repeating: 0x80, count: 10)) }
    }

    @Test func secretKeysAreRedactedInDescriptions() throws {
        let key = try MulticodecKey(codec: .ed25519Secret, keyBytes: [UInt8](repeating: 0xab, count: 32))
        #expect(!String(describing: key).contains(key.multibase))
        #expect(!String(reflecting: key).contains(key.multibase))
        #expect(String(describing: key).contains("<redacted>"))
    }

    @Test func requiresBase58ForMultikeyByDefault() throws {
        let key = try MulticodecKey(codec: .ed25519Public, keyBytes: [UInt8](repeating: 1, count: 32))
        let u = Multibase.encode(key.bytes, as: .base64url)
        #expect(throws: MultiformatsError(.unexpectedMultibase, "")) { try MulticodecKey(multibase: u) }
        #expect(try MulticodecKey(multibase: u, requiring: nil) == key)
    }
}
