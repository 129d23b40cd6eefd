import CredentialJSON
import Foundation

/// The well-formedness checks and canonical lexical forms the RDF serialization needs.
enum Lexical {
    /// How an identifier from the node map classifies.
    enum IRIKind { case absolute, blankNode, relative, malformed }

    /// Absolute IRI (scheme ":" rest, RFC 3987 §2.2), blank node identifier, relative reference, or
    /// an absolute IRI with characters N-Quads' IRIREF forbids (controls, space, `<>"{}|\^` and backtick).
    static func classify(_ s: String) -> IRIKind {
        var utf8 = s.utf8.makeIterator()
        guard let first = utf8.next() else { return .relative }
        if first == UInt8(ascii: "_") {
            if s.utf8.count >= 2, s.utf8.dropFirst().first == UInt8(ascii: ":") { return .blankNode }
            return .relative
        }
        guard isAlpha(first) else { return .relative }
        var sawColon = false
        while let c = utf8.next() {
            if c == UInt8(ascii: ":") { sawColon = true; break }
            guard isAlpha(c) || isDigit(c) || c == UInt8(ascii: "+") || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")
            else { return .relative }
        }
        guard sawColon else { return .relative }
        while let c = utf8.next() {
            if isForbiddenInIRI(c) { return .malformed }
        }
        return .absolute
    }

    @inline(__always) static func isAlpha(_ c: UInt8) -> Bool { (c | 0x20) >= UInt8(ascii: "a") && (c | 0x20) <= UInt8(ascii: "z") }
    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

    @inline(__always) static func isForbiddenInIRI(_ c: UInt8) -> Bool {
        switch c {
        case 0x00...0x20, UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""), UInt8(ascii: "{"),
            UInt8(ascii: "}"), UInt8(ascii: "|"), UInt8(ascii: "\\"), UInt8(ascii: "^"), UInt8(ascii: "`"):
            return true
        default: return false
        }
    }

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
