/// Base64 with the URL-safe alphabet and no padding (RFC 4648 §5), as JOSE and multibase `u` use it.
///
/// Decoding is strict so that each byte string has exactly one accepted text form: `=` padding,
/// the standard-alphabet characters `+` and `/`, whitespace, a length of 4n+1, and non-zero
/// unused trailing bits are all rejected. That matters for signatures and key ids, where two
/// spellings of one value would let a document change without its bytes changing.
public enum Base64URL {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    private static let reverse: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (position, character) in alphabet.enumerated() { table[Int(character)] = Int8(position) }
        return table
    }()

    /// Encodes bytes as unpadded base64url text.
    public static func encode<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let input = Array(bytes)
        var out = [UInt8]()
        out.reserveCapacity((input.count * 4 + 2) / 3)
        var position = 0
        while position + 3 <= input.count {
            let group = UInt32(input[position]) << 16 | UInt32(input[position + 1]) << 8 | UInt32(input[position + 2])
            out.append(alphabet[Int(group >> 18 & 63)])
            out.append(alphabet[Int(group >> 12 & 63)])
            out.append(alphabet[Int(group >> 6 & 63)])
            out.append(alphabet[Int(group & 63)])
            position += 3
        }
        switch input.count - position {
        case 1:
            let group = UInt32(input[position]) << 16
            out.append(alphabet[Int(group >> 18 & 63)])
            out.append(alphabet[Int(group >> 12 & 63)])
        case 2:
            let group = UInt32(input[position]) << 16 | UInt32(input[position + 1]) << 8
            out.append(alphabet[Int(group >> 18 & 63)])
            out.append(alphabet[Int(group >> 12 & 63)])
            out.append(alphabet[Int(group >> 6 & 63)])
        default:
            break
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes unpadded base64url text strictly (see the type's discussion for what is rejected).
    public static func decode(_ text: String) throws(MultiformatsError) -> [UInt8] {
        // Read in place, without copying the text into an array first (a seal's header items are tens of KB).
        if let decoded = text.utf8.withContiguousStorageIfAvailable({ decodeFast($0) }), let decoded { return decoded }
        return try decode(utf8: Array(text.utf8))
    }

    /// Decodes unpadded base64url from UTF-8 bytes.
    public static func decode(utf8 input: [UInt8]) throws(MultiformatsError) -> [UInt8] {
        if let decoded = input.withUnsafeBufferPointer({ decodeFast($0) }) { return decoded }
        // Only text the fast path refuses comes here, to be told what is wrong with it.
        var out = [UInt8]()
        out.reserveCapacity(input.count * 3 / 4)
        var acc: UInt32 = 0
        var bits = 0
        var invalid: (index: Int, character: UInt8)?
        // The table is read once, outside the loop: read in it, the static went through its lazy initializer's
        // check for every character (a JAdES payload is 100 KB or more of base64url).
        let table = reverse
        table.withUnsafeBufferPointer { table in
            input.withUnsafeBufferPointer { input in
                for index in 0..<input.count {
                    let character = input[index]
                    let sextet = table[Int(character)]
                    guard sextet >= 0 else {
                        invalid = (index, character)
                        return
                    }
                    acc = acc << 6 | UInt32(sextet)
                    bits += 6
                    if bits >= 8 {
                        bits -= 8
                        out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits)))
                        acc &= (1 << UInt32(bits)) - 1
                    }
                }
            }
        }
        if let invalid {
            if invalid.character == UInt8(ascii: "=") {
                throw MultiformatsError(.nonCanonicalEncoding, "base64url must not be padded with '='", offset: invalid.index)
            }
            throw MultiformatsError(.invalidCharacter, "character not in the base64url alphabet", offset: invalid.index)
        }
        if input.count % 4 == 1 {
            throw MultiformatsError(.nonCanonicalEncoding, "base64url text of length \(input.count) cannot be valid (length 4n+1)")
        }
        if acc != 0 {
            throw MultiformatsError(.nonCanonicalEncoding, "base64url text has non-zero unused trailing bits", offset: input.count - 1)
        }
        return out
    }

    /// Decodes valid unpadded base64url four characters at a time, or returns nil for anything ``decode(utf8:)``
    /// rejects (that path then names the problem).
    ///
    /// A sealed EDC carries tens of KB of base64url (its protected header and `etsiU` items): the bit-at-a-time loop
    /// with an append per byte took 30 instructions a character, a tenth of verifying the EU's 147 KB sample.
    private static func decodeFast(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        let remainder = input.count % 4
        guard remainder != 1 else { return nil }
        let outputCount = input.count / 4 * 3 + (remainder == 0 ? 0 : remainder - 1)
        var valid = true
        let output = reverse.withUnsafeBufferPointer { table in
            [UInt8](unsafeUninitializedCapacity: outputCount) { buffer, initialized in
                // A character outside the alphabet maps to -1: OR-ing the sextets as bytes sets the top bit.
                var invalidBits: UInt8 = 0
                func sextet(_ position: Int) -> UInt32 {
                    let value = UInt8(bitPattern: table[Int(input[position])])
                    invalidBits |= value
                    return UInt32(value & 63)
                }
                var read = 0
                var written = 0
                while read + 4 <= input.count {
                    let group = sextet(read) << 18 | sextet(read + 1) << 12 | sextet(read + 2) << 6 | sextet(read + 3)
                    buffer[written] = UInt8(truncatingIfNeeded: group >> 16)
                    buffer[written + 1] = UInt8(truncatingIfNeeded: group >> 8)
                    buffer[written + 2] = UInt8(truncatingIfNeeded: group)
                    read += 4
                    written += 3
                }
                // Two or three characters left: one or two bytes, and the bits below them must be zero.
                var unusedBits: UInt32 = 0
                if remainder >= 2 {
                    var group = sextet(read) << 18 | sextet(read + 1) << 12
                    if remainder == 3 { group |= sextet(read + 2) << 6 }
                    buffer[written] = UInt8(truncatingIfNeeded: group >> 16)
                    if remainder == 3 {
                        buffer[written + 1] = UInt8(truncatingIfNeeded: group >> 8)
                        unusedBits = group & 0xFF
                    } else {
                        unusedBits = group & 0xFFFF
                    }
                }
                valid = invalidBits & 0x80 == 0 && unusedBits == 0
                initialized = outputCount
            }
        }
        return valid ? output : nil
    }
}
