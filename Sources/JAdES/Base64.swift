import Foundation

/// Base64 and base64url as JWS uses them (RFC 7515 §2: base64url without padding; `x5c` and
/// the JAdES `kid` use standard base64 with padding).
enum Base64 {
    /// base64url without padding.
    static func urlEncode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var s = Data(bytes).base64EncodedString()
        while s.last == "=" { s.removeLast() }
        return String(s.map { c -> Character in
            switch c {
            case "+": return "-"
            case "/": return "_"
            default: return c
            }
        })
    }

    /// Decodes strict base64url: only the URL alphabet, no padding, no whitespace.
    static func urlDecode(_ text: String) -> [UInt8]? {
        var s = ""
        s.reserveCapacity(text.utf8.count + 3)
        for u in text.utf8 {
            switch u {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"):
                s.unicodeScalars.append(Unicode.Scalar(u))
            case UInt8(ascii: "-"): s += "+"
            case UInt8(ascii: "_"): s += "/"
            default: return nil
            }
        }
        if s.utf8.count % 4 == 1 { return nil }
        while s.utf8.count % 4 != 0 { s += "=" }
        guard let data = Data(base64Encoded: s) else { return nil }
        // Reject non-canonical encodings (stray low bits) so one signature has one spelling.
        guard urlEncode(data) == text else { return nil }
        return Array(data)
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
