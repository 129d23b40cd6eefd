import Foundation
import Multiformats

/// Base64 and base64url as JWS uses them (RFC 7515 §2: base64url without padding; `x5c` and
/// the JAdES `kid` use standard base64 with padding).
enum Base64 {
    /// base64url without padding (Multiformats' strict codec, shared with Multikey and status lists).
    static func urlEncode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        Base64URL.encode(Array(bytes))
    }

    /// Decodes strict base64url: only the URL alphabet, no padding, no stray low bits.
    static func urlDecode(_ text: String) -> [UInt8]? {
        try? Base64URL.decode(text)
    }

    /// Standard base64 with padding (as `x5c` members are).
    static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        Data(bytes).base64EncodedString()
    }

    /// Decodes standard base64; padding is required, whitespace is not allowed.
    static func decode(_ text: String) -> [UInt8]? {
        guard let data = Data(base64Encoded: text) else { return nil }
        return Array(data)
    }
}
