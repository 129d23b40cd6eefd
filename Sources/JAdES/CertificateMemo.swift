import Caching
import SwiftASN1
import X509

/// Certificates parsed from DER and distinguished names in text, remembered by what they were made from.
///
/// One seal names the same certificates in several places (`x5c`, `xVals`, the time-stamp tokens, OCSP responses),
/// and a service sees the same seal, CA and TSA certificates in request after request: parsing them and writing
/// their names was 12 % of verifying the EU's 147 KB sealed sample and 5 % of an EDC sealed by the service
/// (`perf`, release build, docs/conformance-and-performance.md). Both are pure functions of their input, so a
/// remembered result is the one computing it again gives; only successful parses are kept, and the caches are
/// bounded in entries and in the size of each, so a stream of distinct or oversized certificates costs what it cost
/// before the memo and holds at most a few MB.
public enum CertificateMemo {
    /// Certificates kept (each entry: its DER and the parsed form, a few KB).
    public static let certificateCapacity = 256
    /// Larger encodings are parsed every time: a real certificate is a few KB.
    public static let maximumCachedBytes = 16_384
    /// Names whose text is longer (UTF-8 bytes) are written every time: a real name is under 300 bytes, and anyone
    /// who can post a credential chooses the names in its certificates, so the names kept must stay small.
    public static let maximumCachedNameBytes = 1_024

    private static let certificates = BoundedCache<DERKey, Certificate>(capacity: certificateCapacity)
    private static let names = BoundedCache<DistinguishedName, String>(capacity: 512)

    /// `Certificate(derEncoded:)`, remembered by the bytes; a failure is thrown as the parser throws it.
    public static func certificate(derEncoded der: [UInt8]) throws -> Certificate {
        guard der.count <= maximumCachedBytes else { return try Certificate(derEncoded: der) }
        if let known = certificates.value(for: DERKey(bytes: der)) { return known }
        let parsed = try Certificate(derEncoded: der)
        certificates.store(parsed, for: DERKey(bytes: der))
        return parsed
    }

    /// `String(describing: name)` (RFC 4514 form), remembered by the name.
    public static func text(of name: DistinguishedName) -> String {
        if let known = names.value(for: name) { return known }
        let text = String(describing: name)
        if text.utf8.count <= maximumCachedNameBytes { names.store(text, for: name) }
        return text
    }

    /// Whether the text of `name` is kept (for tests).
    static func keeps(_ name: DistinguishedName) -> Bool { names.value(for: name) != nil }
}

/// DER bytes as a dictionary key, hashed and compared as one block: `[UInt8]` as the key of a generic cache hashed
/// and compared byte by byte through its element's witnesses (7 % of verifying the EU's 147 KB sample).
struct DERKey: Hashable, Sendable {
    let bytes: [UInt8]

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    static func == (lhs: DERKey, rhs: DERKey) -> Bool {
        lhs.bytes.count == rhs.bytes.count && lhs.bytes.withUnsafeBytes { left in rhs.bytes.withUnsafeBytes { right in left.elementsEqual(right) } }
    }
}

extension DistinguishedName {
    /// The name in RFC 4514 form, as `description` writes it (``CertificateMemo/text(of:)``).
    public var text: String { CertificateMemo.text(of: self) }
}
