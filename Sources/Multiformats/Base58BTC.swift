/// Base58 with the Bitcoin alphabet, as multibase `z` uses it.
///
/// Leading zero bytes map one-to-one to leading `1` characters, so the encoding is a bijection
/// and decode-then-encode gives back the same string. The conversion is quadratic in the length,
/// which is why decoding has a length limit.
public enum Base58BTC {
    /// The 58-character Bitcoin alphabet (no `0`, `O`, `I`, `l`).
    public static let alphabet: [UInt8] = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)

    /// The default maximum number of characters ``decode(_:maxLength:)`` accepts.
    ///
    /// Keys and signatures are under 150 characters; 8 KiB leaves room for anything
    /// reasonable while bounding the quadratic work.
    public static let defaultMaxLength = 8192

    private static let reverse: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (position, character) in alphabet.enumerated() { table[Int(character)] = Int8(position) }
        return table
    }()

    /// Encodes bytes as base58btc text.
    public static func encode<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let input = Array(bytes)
        var zeros = 0
        while zeros < input.count && input[zeros] == 0 { zeros += 1 }
        // log(256)/log(58) ≈ 1.366: digits needed for the non-zero part.
        let size = (input.count - zeros) * 138 / 100 + 1
        var digits = [UInt8](repeating: 0, count: size)
        var length = 0
        for byte in input[zeros...] {
            var carry = Int(byte)
            var position = 0
            var digitIndex = size - 1
            while (carry != 0 || position < length) && digitIndex >= 0 {
                carry += 256 * Int(digits[digitIndex])
                digits[digitIndex] = UInt8(carry % 58)
                carry /= 58
                position += 1
                digitIndex -= 1
            }
            length = position
        }
        var start = size - length
        while start < size && digits[start] == 0 { start += 1 }
        var out = [UInt8](repeating: alphabet[0], count: zeros)
        out.reserveCapacity(zeros + size - start)
        for digit in digits[start...] { out.append(alphabet[Int(digit)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes base58btc text; any character outside the alphabet (including whitespace) is an error.
    public static func decode(_ text: String, maxLength: Int = defaultMaxLength) throws(MultiformatsError) -> [UInt8] {
        try decode(utf8: Array(text.utf8), maxLength: maxLength)
    }

    /// Decodes base58btc from UTF-8 bytes.
    public static func decode(utf8 input: [UInt8], maxLength: Int = defaultMaxLength) throws(MultiformatsError) -> [UInt8] {
        guard input.count <= maxLength else {
            throw MultiformatsError(.tooLong, "base58btc text is \(input.count) characters; the limit is \(maxLength)")
        }
        var zeros = 0
        while zeros < input.count && input[zeros] == alphabet[0] { zeros += 1 }
        // log(58)/log(256) ≈ 0.733.
        let size = (input.count - zeros) * 733 / 1000 + 1
        var bytes = [UInt8](repeating: 0, count: size)
        var length = 0
        for index in zeros..<input.count {
            let value = reverse[Int(input[index])]
            guard value >= 0 else {
                throw MultiformatsError(.invalidCharacter, "character not in the base58btc alphabet", offset: index)
            }
            var carry = Int(value)
            var position = 0
            var byteIndex = size - 1
            while (carry != 0 || position < length) && byteIndex >= 0 {
                carry += 58 * Int(bytes[byteIndex])
                bytes[byteIndex] = UInt8(carry & 0xff)
                carry >>= 8
                position += 1
                byteIndex -= 1
            }
            length = position
        }
        var start = size - length
        while start < size && bytes[start] == 0 { start += 1 }
        return [UInt8](repeating: 0, count: zeros) + bytes[start...]
    }
}
