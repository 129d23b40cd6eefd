import CredentialJSON
import Foundation
import RDF
import Synchronization

/// The well-formedness checks and canonical lexical forms the RDF serialization needs.
enum Lexical {
    /// How an identifier from the node map classifies.
    enum IRIKind: Int32 { case absolute, blankNode, relative, malformed }

    /// Absolute IRI, blank node identifier, relative reference, or malformed absolute IRI.
    ///
    /// An absolute IRI is `scheme ":" rest` (RFC 3987 §2.2) where `rest` uses only IRI characters:
    /// unreserved, sub-delims, `:@/?`, one `#`, `%` with two hex digits, `[ ]` inside the authority,
    /// and non-ASCII characters other than C1 controls. Anything else (a space, `<`, a second `#`, …)
    /// is malformed and cannot be written as an N-Quads IRIREF that means the same thing.
    static func classify(_ iri: String) -> IRIKind {
        if let kind = iri.utf8.withContiguousStorageIfAvailable({ classify($0) }) { return kind }
        return classify(Array(iri.utf8))
    }

    /// Whether a string starts with `_:` (cheaper than a full classification).
    @inline(__always) static func isBlankNodeIdentifier(_ string: String) -> Bool {
        var it = string.utf8.makeIterator()
        return it.next() == UInt8(ascii: "_") && it.next() == UInt8(ascii: ":")
    }

    private static func classify(_ bytes: [UInt8]) -> IRIKind {
        bytes.withUnsafeBufferPointer { classify($0) }
    }

    private static func classify(_ utf8: UnsafeBufferPointer<UInt8>) -> IRIKind {
        let count = utf8.count
        guard count > 0 else { return .relative }
        let first = utf8[0]
        if first == UInt8(ascii: "_") {
            return count >= 2 && utf8[1] == UInt8(ascii: ":") ? .blankNode : .relative
        }
        guard isAlpha(first) else { return .relative }
        var position = 1
        while true {
            guard position < count else { return .relative }
            let byte = utf8[position]
            if byte == UInt8(ascii: ":") { break }
            guard isAlpha(byte) || isDigit(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            else { return .relative }
            position += 1
        }
        return isWellFormedIRIRest(UnsafeBufferPointer(rebasing: utf8[(position + 1)...])) ? .absolute : .malformed
    }

    /// ASCII bytes allowed anywhere after the scheme (digits, letters, `-._~`, sub-delims, `:@/?`),
    /// as bit masks over 0–63 and 64–127: literal constants, so no table and no lazy initialisation.
    private static let plainLowMask: UInt64 = 0xAFFFFFD200000000
    private static let plainHighMask: UInt64 = 0x47FFFFFE87FFFFFF

    private static func isWellFormedIRIRest(_ rest: UnsafeBufferPointer<UInt8>) -> Bool {
        // One pass for the common case (plain ASCII, at most one '#'); anything else takes the full check.
        var hashes = 0
        for byte in rest {
            if byte < 64 {
                if (Self.plainLowMask >> UInt64(byte)) & 1 == 1 { continue }
                if byte == UInt8(ascii: "#") { hashes += 1; if hashes > 1 { return false }; continue }
                return isWellFormedIRIRestSlow(rest)
            } else if byte < 128 {
                if (Self.plainHighMask >> UInt64(byte - 64)) & 1 == 1 { continue }
                return isWellFormedIRIRestSlow(rest)
            } else {
                return isWellFormedIRIRestSlow(rest)
            }
        }
        return true
    }

    private static func isWellFormedIRIRestSlow(_ rest: UnsafeBufferPointer<UInt8>) -> Bool {
        var sawHash = false
        var inAuthority = rest.count >= 2 && rest[0] == UInt8(ascii: "/") && rest[1] == UInt8(ascii: "/")
        var slashes = 0
        var pendingHex = 0
        var afterC2 = false
        for byte in rest {
            if pendingHex > 0 {
                guard isHex(byte) else { return false }
                pendingHex -= 1
                continue
            }
            if afterC2 {
                afterC2 = false
                if byte >= 0x80 && byte <= 0x9F { return false }  // U+0080…U+009F, C1 controls
            }
            if byte >= 0x80 {
                if byte == 0xC2 { afterC2 = true }
                continue
            }
            if byte < 64
                ? (plainLowMask >> UInt64(byte)) & 1 == 1 && byte != UInt8(ascii: "/") && byte != UInt8(ascii: "?")
                : (plainHighMask >> UInt64(byte - 64)) & 1 == 1
            {
                continue
            }
            switch byte {
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

    @inline(__always) static func isHex(_ byte: UInt8) -> Bool {
        isDigit(byte) || ((byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "f"))
    }

    @inline(__always) static func isAlpha(_ byte: UInt8) -> Bool { (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }
    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// BCP 47 well-formedness in the form JSON-LD processors check: `1*8ALPHA *("-" 1*8alphanum)`.
    static func isWellFormedLanguageTag(_ tag: String) -> Bool {
        var length = 0
        var first = true
        for byte in tag.utf8 {
            if byte == UInt8(ascii: "-") {
                guard length > 0 else { return false }
                length = 0
                first = false
                continue
            }
            guard isAlpha(byte) || (!first && isDigit(byte)) else { return false }
            length += 1
            if length > 8 { return false }
        }
        return length > 0
    }

    /// The canonical `xsd:double` form JSON-LD uses (jsonld.js's `toExponential(15)` with the mantissa's
    /// trailing zeros trimmed to one decimal): `1.1` → `1.1E0`, `1e21` → `1.0E21`, `0.1` → `1.0E-1`.
    static func canonicalDouble(_ value: Double) -> String {
        let unsigned = value == 0 ? 0 : value  // ECMAScript's toExponential prints no sign for -0
        let text = String(format: "%.15E", unsigned)  // e.g. "-1.100000000000000E+00"
        guard let exponentMark = text.firstIndex(of: "E") else { return text }
        var mantissa = text[..<exponentMark]
        while mantissa.hasSuffix("0") && !mantissa.hasSuffix(".0") { mantissa = mantissa.dropLast() }
        let exponent = Int(text[text.index(after: exponentMark)...]) ?? 0
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
        let value = number.doubleValue
        if value == 0 { return "0" }
        if let integer = Int64(exactly: value) { return String(integer) }
        return String(format: "%.0f", value)
    }

    /// Whether a JSON number must be written as `xsd:double`: a non-zero fraction or a magnitude of at least 10^21.
    static func needsDouble(_ number: JSONNumber) -> Bool {
        if number.isIntegerLexeme {
            var digits = number.lexeme.utf8.count
            if number.lexeme.utf8.first == UInt8(ascii: "-") { digits -= 1 }
            if digits < 21 { return false }
        }
        let value = number.doubleValue
        if !value.isFinite { return true }
        return value.rounded(.towardZero) != value || value.magnitude >= 1e21
    }
}

/// ``Lexical/classify(_:)`` remembered for the IRIs of one conversion.
///
/// A credential's predicates and types are a few dozen IRIs met hundreds of times, and classifying one reads all
/// of its bytes again; a ``StringMemo`` lookup reads three words and compares once.
struct IRIKindMemo: Sendable {
    private var kinds = StringMemo()

    /// Memos of conversions that ended, for the next ones: what an IRI classifies as and its fingerprint do not
    /// change within a process, and the next credential names the same vocabulary (a credential's predicates, types
    /// and datatypes were classified again, every byte read, in each conversion). Each memo is bounded
    /// (``StringMemo``); the pool keeps a few, as many as conversions tend to run at once. (JSON-LD's `KeyMemo` has
    /// a pool of its own like this one: one generic pool for both, in a module below them, was not specialized across
    /// the module boundary and cost 0.4 % of canonicalizing a credential.)
    private static let pool = Mutex<[IRIKindMemo]>([])
    private static let pooled = 8

    /// A memo from the pool, or an empty one.
    static func take() -> IRIKindMemo { pool.withLock { $0.popLast() } ?? IRIKindMemo() }

    /// Returns a memo to the pool (dropped when the pool is full).
    static func give(_ memo: IRIKindMemo) {
        pool.withLock { memos in
            if memos.count < pooled { memos.append(memo) }
        }
    }

    /// The same as `Lexical.classify(iri)`.
    mutating func classify(_ iri: String) -> Lexical.IRIKind { classifyWithFingerprint(iri).kind }

    /// `Lexical.classify(iri)` and, for an IRI, `QuadFingerprint.iri(iri)` (0 for a blank node identifier):
    /// both remembered together, so an IRI met on many quads is read once for both.
    mutating func classifyWithFingerprint(_ iri: String) -> (kind: Lexical.IRIKind, fingerprint: UInt32) {
        // Blank node labels are told by their first two bytes (and are not repeated).
        if Lexical.isBlankNodeIdentifier(iri) { return (.blankNode, 0) }
        // The kind in the low two bits, the 30-bit fingerprint above them.
        let raw = kinds.value(for: iri) { Lexical.classify(iri).rawValue | Int32(bitPattern: QuadFingerprint.iri(iri) << 2) }
        return (Lexical.IRIKind(rawValue: raw & 3)!, UInt32(bitPattern: raw) >> 2)
    }
}
