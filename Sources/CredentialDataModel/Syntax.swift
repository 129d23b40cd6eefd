import CredentialJSON

/// The URL test the data model applies to `id`, `issuer`, `@context` entries and the like.
public enum URLSyntax {
    /// Whether `s` is an absolute URI (RFC 3986 §4.3): a scheme, `:`, and no characters that a URI
    /// may never contain (whitespace, `<>"{}|\^` and backquote).
    public static func isAbsoluteURL(_ text: String) -> Bool {
        let utf8 = Array(text.utf8)
        guard let colon = utf8.firstIndex(of: UInt8(ascii: ":")), colon > 0 else { return false }
        guard isAlpha(utf8[0]) else { return false }
        for byte in utf8[1..<colon]
        where !(isAlpha(byte) || isDigit(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")) {
            return false
        }
        guard colon + 1 < utf8.count else { return false }
        for byte in utf8[(colon + 1)...] {
            if byte <= 0x20 || byte == 0x7F { return false }
            switch byte {
            case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""), UInt8(ascii: "{"), UInt8(ascii: "}"),
                UInt8(ascii: "|"), UInt8(ascii: "\\"), UInt8(ascii: "^"), UInt8(ascii: "`"):
                return false
            default: continue
            }
        }
        return true
    }

    private static func isAlpha(_ byte: UInt8) -> Bool { (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) }
    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
}
