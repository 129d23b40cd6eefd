/// Multibase strings: a one-character prefix naming the encoding, then the encoded bytes.
///
/// Only the two encodings the VC specifications use are supported: `z` (base58btc, for keys and
/// proof values) and `u` (base64url without padding, for status lists and ecdsa-sd proofs).
/// Any other prefix is rejected rather than guessed at.
public enum Multibase {
    /// A supported multibase encoding.
    public enum Encoding: Character, Sendable, Hashable, CaseIterable {
        /// Base58 with the Bitcoin alphabet (`z`).
        case base58btc = "z"
        /// Base64url without padding (`u`).
        case base64url = "u"

        /// The encoding's multibase name.
        public var name: String {
            switch self {
            case .base58btc: return "base58btc"
            case .base64url: return "base64url"
            }
        }
    }

    /// Encodes bytes with the prefix of the given encoding.
    public static func encode<Bytes: Collection>(_ bytes: Bytes, as encoding: Encoding = .base58btc) -> String
    where Bytes.Element == UInt8 {
        switch encoding {
        case .base58btc: return "z" + Base58BTC.encode(bytes)
        case .base64url: return "u" + Base64URL.encode(bytes)
        }
    }

    /// Decodes a multibase string, returning its encoding and bytes.
    ///
    /// - Parameter maxLength: the longest accepted string, in UTF-8 bytes (default 16 MiB for
    ///   base64url status lists; base58btc additionally applies ``Base58BTC/defaultMaxLength``).
    public static func decode(_ text: String, maxLength: Int = 16 * 1024 * 1024) throws(MultiformatsError) -> (encoding: Encoding, bytes: [UInt8]) {
        let utf8 = Array(text.utf8)
        guard let first = utf8.first else {
            throw MultiformatsError(.emptyInput, "multibase string is empty")
        }
        guard utf8.count <= maxLength else {
            throw MultiformatsError(.tooLong, "multibase string is \(utf8.count) bytes; the limit is \(maxLength)")
        }
        let body = Array(utf8.dropFirst())
        switch first {
        case UInt8(ascii: "z"):
            do {
                return (.base58btc, try Base58BTC.decode(utf8: body))
            } catch {
                throw MultiformatsError(error.code, error.message, offset: error.offset.map { $0 + 1 })
            }
        case UInt8(ascii: "u"):
            do {
                return (.base64url, try Base64URL.decode(utf8: body))
            } catch {
                throw MultiformatsError(error.code, error.message, offset: error.offset.map { $0 + 1 })
            }
        default:
            let shown = first < 0x80 && first >= 0x20 ? "'\(Character(Unicode.Scalar(first)))'" : "byte 0x" + String(first, radix: 16, uppercase: true)
            throw MultiformatsError(
                .unsupportedMultibase,
                "multibase prefix \(shown) is not supported; expected 'z' (base58btc) or 'u' (base64url)",
                offset: 0
            )
        }
    }

    /// Decodes a multibase string that must use one particular encoding.
    public static func decode(_ text: String, requiring encoding: Encoding) throws(MultiformatsError) -> [UInt8] {
        let (found, bytes) = try decode(text)
        guard found == encoding else {
            throw MultiformatsError(
                .unexpectedMultibase,
                "expected a \(encoding.name) multibase value (prefix '\(encoding.rawValue)'), found \(found.name) (prefix '\(found.rawValue)')",
                offset: 0
            )
        }
        return bytes
    }
}
