import CredentialJSON

/// The URL test the data model applies to `id`, `issuer`, `@context` entries and the like.
public enum URLSyntax {
    /// Whether `s` is an absolute URI (RFC 3986 §4.3): a scheme, `:`, and no characters that a URI
    /// may never contain (whitespace, `<>"{}|\^` and backquote).
    public static func isAbsoluteURL(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard let colon = u.firstIndex(of: UInt8(ascii: ":")), colon > 0 else { return false }
        guard isAlpha(u[0]) else { return false }
        for c in u[1..<colon] where !(isAlpha(c) || isDigit(c) || c == UInt8(ascii: "+") || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")) {
            return false
        }
        guard colon + 1 < u.count else { return false }
        for c in u[(colon + 1)...] {
            if c <= 0x20 || c == 0x7F { return false }
            switch c {
            case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""), UInt8(ascii: "{"), UInt8(ascii: "}"),
                UInt8(ascii: "|"), UInt8(ascii: "\\"), UInt8(ascii: "^"), UInt8(ascii: "`"):
                return false
            default: continue
            }
        }
        return true
    }

    private static func isAlpha(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) }
    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
}
