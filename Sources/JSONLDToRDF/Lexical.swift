import CredentialJSON
import Foundation

/// The well-formedness checks and canonical lexical forms the RDF serialization needs.
enum Lexical {
    /// How an identifier from the node map classifies.
    enum IRIKind { case absolute, blankNode, relative, malformed }

    /// Absolute IRI, blank node identifier, relative reference, or malformed absolute IRI.
    ///
    /// An absolute IRI is `scheme ":" rest` (RFC 3987 §2.2) where `rest` uses only IRI characters:
    /// unreserved, sub-delims, `:@/?`, one `#`, `%` with two hex digits, `[ ]` inside the authority,
    /// and non-ASCII characters other than C1 controls. Anything else (a space, `<`, a second `#`, …)
    /// is malformed and cannot be written as an N-Quads IRIREF that means the same thing.
    static func classify(_ s: String) -> IRIKind {
        let utf8 = s.utf8
        var i = utf8.startIndex
        guard i != utf8.endIndex else { return .relative }
        let first = utf8[i]
        if first == UInt8(ascii: "_") {
            let next = utf8.index(after: i)
            return next != utf8.endIndex && utf8[next] == UInt8(ascii: ":") ? .blankNode : .relative
        }
        guard isAlpha(first) else { return .relative }
        i = utf8.index(after: i)
        while true {
            guard i != utf8.endIndex else { return .relative }
            let c = utf8[i]
            if c == UInt8(ascii: ":") { break }
            guard isAlpha(c) || isDigit(c) || c == UInt8(ascii: "+") || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")
            else { return .relative }
            i = utf8.index(after: i)
        }
        i = utf8.index(after: i)
        return isWellFormedIRIRest(utf8[i...]) ? .absolute : .malformed
    }

    private static func isWellFormedIRIRest(_ rest: Substring.UTF8View) -> Bool {
        var sawHash = false
        var inAuthority = rest.starts(with: "//".utf8)
        var slashes = 0
        var pendingHex = 0
        var afterC2 = false
        for c in rest {
            if pendingHex > 0 {
                guard isHex(c) else { return false }
                pendingHex -= 1
                continue
            }
            if afterC2 {
                afterC2 = false
                if c >= 0x80 && c <= 0x9F { return false }  // U+0080…U+009F, C1 controls
            }
            if c >= 0x80 {
                if c == 0xC2 { afterC2 = true }
                continue
            }
            if isAlpha(c) || isDigit(c) { continue }
            switch c {
            case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"),
                UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("),
                UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"),
                UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: "@"):
                continue
            case UInt8(ascii: "/"):
                if inAuthority {
                    slashes += 1
                    if slashes > 2 { inAuthority = false }
                }
            case UInt8(ascii: "?"):
                inAuthority = false
            case UInt8(ascii: "#"):
                if sawHash { return false }
                sawHash = true
                inAuthority = false
            case UInt8(ascii: "%"):
                pendingHex = 2
            case UInt8(ascii: "["), UInt8(ascii: "]"):
                if !inAuthority { return false }
            default:
                return false
            }
        }
        return pendingHex == 0 && !afterC2
    }

    @inline(__always) static func isHex(_ c: UInt8) -> Bool {
        isDigit(c) || ((c | 0x20) >= UInt8(ascii: "a") && (c | 0x20) <= UInt8(ascii: "f"))
    }

    @inline(__always) static func isAlpha(_ c: UInt8) -> Bool { (c | 0x20) >= UInt8(ascii: "a") && (c | 0x20) <= UInt8(ascii: "z") }
    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

    /// BCP 47 well-formedness in the form JSON-LD processors check: `1*8ALPHA *("-" 1*8alphanum)`.
    static func isWellFormedLanguageTag(_ tag: String) -> Bool {
        var length = 0
        var first = true
        for c in tag.utf8 {
            if c == UInt8(ascii: "-") {
                guard length > 0 else { return false }
                length = 0
                first = false
                continue
            }
            guard isAlpha(c) || (!first && isDigit(c)) else { return false }
            length += 1
            if length > 8 { return false }
        }
        return length > 0
    }

    /// The canonical `xsd:double` form JSON-LD uses (jsonld.js's `toExponential(15)` with the mantissa's
    /// trailing zeros trimmed to one decimal): `1.1` → `1.1E0`, `1e21` → `1.0E21`, `0.1` → `1.0E-1`.
    static func canonicalDouble(_ value: Double) -> String {
        let d = value == 0 ? 0 : value  // ECMAScript's toExponential prints no sign for -0
        let text = String(format: "%.15E", d)  // e.g. "-1.100000000000000E+00"
        guard let e = text.firstIndex(of: "E") else { return text }
        var mantissa = text[..<e]
        while mantissa.hasSuffix("0") && !mantissa.hasSuffix(".0") { mantissa = mantissa.dropLast() }
        let exponent = Int(text[text.index(after: e)...]) ?? 0
        return String(mantissa) + "E" + String(exponent)
    }

    /// The canonical `xsd:integer` form of a number with an integral value below 10^21 in magnitude.
    ///
    /// Up to 15 digits the lexeme is exact and used as written. Longer integers go through a
    /// double, as in jsonld.js (`toFixed(0)`): JavaScript signers see `12345678901234567890` as
    /// `12345678901234567168`, and a verifier must reproduce the bytes they signed.
    static func canonicalInteger(_ number: JSONNumber) -> String {
        let lexeme = number.lexeme
        if number.isIntegerLexeme && lexeme.utf8.count <= 15 {
            return lexeme == "-0" ? "0" : lexeme
        }
        let d = number.doubleValue
        if d == 0 { return "0" }
        if let i = Int64(exactly: d) { return String(i) }
        return String(format: "%.0f", d)
    }

    /// Whether a JSON number must be written as `xsd:double`: a non-zero fraction or a magnitude of at least 10^21.
    static func needsDouble(_ number: JSONNumber) -> Bool {
        if number.isIntegerLexeme {
            var digits = number.lexeme.utf8.count
            if number.lexeme.utf8.first == UInt8(ascii: "-") { digits -= 1 }
            if digits < 21 { return false }
        }
        let d = number.doubleValue
        if !d.isFinite { return true }
        return d.rounded(.towardZero) != d || d.magnitude >= 1e21
    }
}
