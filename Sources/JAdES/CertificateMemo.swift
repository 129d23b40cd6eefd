import Caching
import Foundation
import X509

/// Certificates parsed from DER and distinguished names in text, remembered by what they were made from.
///
/// One seal names the same certificates in several places (`x5c`, `xVals`, the time-stamp tokens, OCSP responses),
/// and a service sees the same seal, CA and TSA certificates in request after request: parsing them and writing
/// their names was 12 % of verifying the EU's 147 KB sealed sample and 5 % of an EDC sealed by the service
/// (`perf`, release build, docs/conformance-and-performance.md). Both are pure functions of their input's bytes, and
/// both memos are keyed by exact bytes (a name by its DER: `DistinguishedName`'s own equality compares attribute text
/// by canonical equivalence, so an NFC and an NFD spelling of a name would share one entry), so a remembered result is
/// the one computing it again gives. Only successful parses are kept; keys are fresh copies of at most 16 KB
/// (certificates) and 1 KB (names), never slices of a larger buffer (a name parsed from a 16 MB CRL holds the CRL), so
/// a stream of distinct or oversized inputs costs what it cost before the memo and holds at most about 9 MB
/// (certificates 256 × 16 KB, names 512 × 1 KB, verified signatures 256 × 16 KB).
public enum CertificateMemo {
    /// Certificates kept (each entry: its DER and the parsed form, a few KB).
    public static let certificateCapacity = 256
    /// Larger encodings are parsed every time: a real certificate is a few KB.
    public static let maximumCachedBytes = 16_384
    /// Names whose text is longer (UTF-8 bytes) are written every time: a real name is under 300 bytes, and anyone
    /// who can post a credential chooses the names in its certificates, so the names kept must stay small.
    public static let maximumCachedNameBytes = 1_024

    private static let certificates = BoundedCache<DERKey, Certificate>(capacity: certificateCapacity)
    private static let names = BoundedCache<DERKey, String>(capacity: 512)

    /// `Certificate(derEncoded:)`, remembered by the bytes; a failure is thrown as the parser throws it.
    public static func certificate(derEncoded der: [UInt8]) throws -> Certificate {
        guard der.count <= maximumCachedBytes else { return try Certificate(derEncoded: der) }
        let key = DERKey(bytes: der)
        if let known = certificates.value(for: key) { return known }
        let parsed = try Certificate(derEncoded: der)
        certificates.store(parsed, for: key)
        return parsed
    }

    /// Certificate signatures that verified, by everything verifying reads.
    private static let verifiedSignatures = BoundedCache<SignatureKey, Bool>(capacity: certificateCapacity)

    /// `key.isValidSignature(certificate.signature, for: certificate)`, remembered when it is true.
    ///
    /// Finding which CA issued a seal certificate (for its revocation status) verified the CA's signature on it in
    /// every request, 9 % of verifying an EDC sealed by the service. The result is a pure function of the certificate
    /// (signed bytes, outer algorithm, signature) and the key, which are the memo's key: the certificate as its DER, a
    /// fresh copy (its parsed parts can be slices of the buffer it was read from, an OCSP response or a time-stamp
    /// token, which the memo must not keep), and the key, which holds no such slice. A false result is not kept, so a
    /// stream of forgeries costs what it cost before.
    public static func isValidSignature(of certificate: Certificate, by key: Certificate.PublicKey) -> Bool {
        guard let der = certificate.derEncoding, der.count <= maximumCachedBytes else {
            return key.isValidSignature(certificate.signature, for: certificate)
        }
        let memoKey = SignatureKey(certificate: DERKey(bytes: der), key: key)
        if verifiedSignatures.value(for: memoKey) != nil { return true }
        guard key.isValidSignature(certificate.signature, for: certificate) else { return false }
        verifiedSignatures.store(true, for: memoKey)
        return true
    }

    /// `String(describing: name)` (RFC 4514 form), remembered by the name's DER.
    public static func text(of name: DistinguishedName) -> String {
        text(of: name, in: names)
    }

    /// ``text(of:)`` with `cache` as the memo (tests give their own, so that parallel tests cannot evict theirs).
    static func text(of name: DistinguishedName, in cache: BoundedCache<DERKey, String>) -> String {
        guard let key = nameKey(name) else { return String(describing: name) }
        if let known = cache.value(for: key) { return known }
        let text = String(describing: name)
        if text.utf8.count <= maximumCachedNameBytes { cache.store(text, for: key) }
        return text
    }

    /// A name's DER as a fresh array, or `nil` when it is longer than a name worth keeping.
    static func nameKey(_ name: DistinguishedName) -> DERKey? {
        guard let der = name.derEncoding, der.count <= maximumCachedNameBytes else { return nil }
        return DERKey(bytes: der)
    }
}

/// DER bytes as a dictionary key, hashed and compared as one block: `[UInt8]` as the key of a generic cache hashed
/// and compared byte by byte through its element's witnesses (7 % of verifying the EU's 147 KB sample).
struct DERKey: Hashable, Sendable {
    let bytes: [UInt8]

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    static func == (lhs: DERKey, rhs: DERKey) -> Bool {
        // memcmp: `elementsEqual` compared a byte at a time, and every hit compares a whole certificate.
        lhs.bytes.count == rhs.bytes.count
            && lhs.bytes.withUnsafeBytes { left in
                rhs.bytes.withUnsafeBytes { right in left.count == 0 || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0 }
            }
    }
}

/// What a certificate's signature check reads: the certificate's DER (signed bytes, algorithm, signature), the key.
struct SignatureKey: Hashable, Sendable {
    let certificate: DERKey
    let key: Certificate.PublicKey
}

extension DistinguishedName {
    /// The name in RFC 4514 form, as `description` writes it (``CertificateMemo/text(of:)``).
    public var text: String { CertificateMemo.text(of: self) }
}
