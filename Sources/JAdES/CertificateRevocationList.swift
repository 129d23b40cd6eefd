import Foundation
import SwiftASN1
import X509

/// An X.509 certificate revocation list (RFC 5280 §5): its header parsed, its revoked certificates left as DER.
///
/// Anyone can put a CRL into a seal's unsigned `rVals`, so nothing here costs more than reading the CRL's outer
/// structure and header (issuer, thisUpdate, nextUpdate, extensions) until its signature is known to be the CA's:
/// ``problem(signedBy:)`` checks the signature over the signed bytes as they are, and ``entry(for:)`` (to be called
/// only for a CRL that passed it) walks the revoked-certificates list element by element, comparing serial bytes and
/// decoding only the entry that matches. No list of entries is ever built.
public struct CertificateRevocationList: Sendable {
    /// Largest CRL accepted, in bytes (large national CAs publish CRLs of a few MiB).
    public static let maximumSize = 16 * 1024 * 1024

    /// One revoked certificate.
    public struct Entry: Sendable, Hashable {
        /// The certificate's serial number.
        public let serialNumber: Certificate.SerialNumber
        /// When it was revoked.
        public let revocationDate: Date
        /// The CRL entry's reasonCode, when present.
        public let reason: RevocationReason?
        /// The CRL entry's invalidityDate (RFC 5280 §5.3.2), when present: since when the key is known or suspected
        /// to be compromised, or the certificate otherwise invalid — possibly earlier than ``revocationDate``.
        public let invalidityDate: Date?

        /// Whether the entry is a hold (certificateHold): a suspension that may be lifted, not a final revocation.
        public var isHold: Bool { reason?.code == RevocationReason.certificateHold.code }

        /// From when the certificate cannot be relied on: the invalidity date when it is earlier than the revocation date.
        public var effectiveDate: Date { invalidityDate.map { min($0, revocationDate) } ?? revocationDate }
    }

    /// The DER bytes, as given.
    public let derEncoded: [UInt8]
    /// The CRL issuer's name.
    public let issuer: DistinguishedName
    /// thisUpdate: when this CRL was issued.
    public let thisUpdate: Date
    /// nextUpdate: by when the next one will be issued, when stated.
    public let nextUpdate: Date?
    /// Set when the CRL's issuing-distribution-point limits its scope so that the absence of an end-entity
    /// certificate proves nothing (only CA certificates, only some reasons, attribute certificates).
    public let scopeLimitation: String?
    /// The same for a CA certificate: set when the CRL lists only end-entity or attribute certificates, or only
    /// some reasons.
    public let caScopeLimitation: String?

    /// Where tbsCertList (the signed bytes) lies in ``derEncoded``.
    let signedRange: Range<Int>
    /// Where the content of revokedCertificates lies in ``derEncoded``; `nil` when the CRL lists nothing.
    let revokedRange: Range<Int>?
    let signatureAlgorithm: (oid: ASN1ObjectIdentifier, parameters: ASN1Node?)
    let signature: [UInt8]

    static let crlNumber: ASN1ObjectIdentifier = "2.5.29.20"
    static let authorityKeyIdentifier: ASN1ObjectIdentifier = "2.5.29.35"
    static let issuingDistributionPoint: ASN1ObjectIdentifier = "2.5.29.28"
    static let deltaCRLIndicator: ASN1ObjectIdentifier = "2.5.29.27"
    static let freshestCRL: ASN1ObjectIdentifier = "2.5.29.46"
    static let authorityInformationAccess: ASN1ObjectIdentifier = "1.3.6.1.5.5.7.1.1"
    static let expiredCertsOnCRL: ASN1ObjectIdentifier = "2.5.29.60"
    static let reasonCode: ASN1ObjectIdentifier = "2.5.29.21"
    static let invalidityDate: ASN1ObjectIdentifier = "2.5.29.24"
    static let certificateIssuer: ASN1ObjectIdentifier = "2.5.29.29"
    /// The DER contents of the reasonCode and invalidityDate OIDs, which an entry may carry without a full decode.
    static let ordinaryEntryExtensions: [[UInt8]] = [[0x55, 0x1D, 0x15], [0x55, 0x1D, 0x18]]

    /// Parses a DER CRL's outer structure and header (PEM "X509 CRL" is accepted too); the revoked certificates
    /// are not read here.
    ///
    /// Refused: over 16 MiB, delta CRLs, indirect CRLs (issuing distribution point), unknown critical CRL
    /// extensions (RFC 5280 §5.2), an inner signature algorithm that differs from the outer one, and DER that is not
    /// strict. Entry-level refusals (an indirect CRL's certificateIssuer, an unknown critical entry extension) come
    /// from ``problem(signedBy:)``, once the signature is known to be the CA's.
    ///
    /// - Throws: ``JAdESError`` `.invalidRevocationData`, naming what is wrong.
    public init(derEncoded input: [UInt8]) throws(JAdESError) {
        let bytes = RevocationPEM.der(input, label: "X509 CRL")
        guard bytes.count <= Self.maximumSize else {
            throw JAdESError(.invalidRevocationData, "the CRL is \(bytes.count) bytes, over the \(Self.maximumSize / 1024 / 1024) MiB limit")
        }
        do {
            self = try Self.parse(bytes)
        } catch {
            throw Self.refusal(error)
        }
    }

    private init(
        derEncoded: [UInt8], issuer: DistinguishedName, thisUpdate: Date, nextUpdate: Date?, scopeLimitation: String?,
        caScopeLimitation: String?, signedRange: Range<Int>, revokedRange: Range<Int>?,
        signatureAlgorithm: (oid: ASN1ObjectIdentifier, parameters: ASN1Node?), signature: [UInt8]
    ) {
        self.derEncoded = derEncoded
        self.issuer = issuer
        self.thisUpdate = thisUpdate
        self.nextUpdate = nextUpdate
        self.scopeLimitation = scopeLimitation
        self.caScopeLimitation = caScopeLimitation
        self.signedRange = signedRange
        self.revokedRange = revokedRange
        self.signatureAlgorithm = signatureAlgorithm
        self.signature = signature
    }

    static func refusal(_ error: any Error) -> JAdESError {
        if let failure = error as? TimeStampFailure { return JAdESError(.invalidRevocationData, "CRL: \(failure.message)") }
        return JAdESError(.invalidRevocationData, "CRL is not valid DER: \(error)")
    }

    private static func parse(_ bytes: [UInt8]) throws -> CertificateRevocationList {
        typealias P = TimeStampParser
        let outer = try DERScanner.element(in: bytes, at: 0, limit: bytes.count)
        guard outer.tag == DERElement.sequence else { throw TimeStampFailure("CertificateList is not a SEQUENCE") }
        guard outer.end == bytes.count else { throw TimeStampFailure("\(bytes.count - outer.end) bytes follow the CertificateList") }
        let parts = try DERScanner.children(in: bytes, of: outer, maximum: 3, "CertificateList")
        guard parts.count == 3 else { throw TimeStampFailure("CertificateList must have tbsCertList, signatureAlgorithm and signature") }
        guard parts[0].tag == DERElement.sequence else { throw TimeStampFailure("tbsCertList is not a SEQUENCE") }
        func node(_ element: DERElement) throws -> ASN1Node { try DER.parse(bytes[element.whole]) }
        let algorithm = try P.algorithm(try node(parts[1]), "signatureAlgorithm")
        let signature = try ASN1BitString(derEncoded: try node(parts[2]))
        guard signature.paddingBits == 0 else { throw TimeStampFailure("the signature BIT STRING has padding bits") }

        // version, signature, issuer, thisUpdate, nextUpdate, revokedCertificates, crlExtensions: seven at most.
        let tbs = try DERScanner.children(in: bytes, of: parts[0], maximum: 7, "tbsCertList")
        var index = 0
        if index < tbs.count, tbs[index].tag == DERElement.integer {
            guard try Int(derEncoded: try node(tbs[index])) == 1 else { throw TimeStampFailure("only version 2 CRLs are supported") }
            index += 1
        }
        guard index + 3 <= tbs.count else { throw TimeStampFailure("tbsCertList is too short") }
        guard bytes[tbs[index].whole].elementsEqual(bytes[parts[1].whole]) else {
            throw TimeStampFailure("the signed signature algorithm differs from the outer one (RFC 5280 §5.1.2.2)")
        }
        index += 1
        let issuer = try DistinguishedName(derEncoded: try node(tbs[index]))
        index += 1
        let thisUpdate = try RevocationTime.date(try node(tbs[index]), "thisUpdate")
        index += 1
        var nextUpdate: Date?
        if index < tbs.count, tbs[index].tag == DERElement.utcTime || tbs[index].tag == DERElement.generalizedTime {
            nextUpdate = try RevocationTime.date(try node(tbs[index]), "nextUpdate")
            index += 1
        }
        var revokedRange: Range<Int>?
        if index < tbs.count, tbs[index].tag == DERElement.sequence {
            // Left as bytes: its entries are walked by entry(for:), once the signature is known to be the CA's.
            revokedRange = tbs[index].content
            index += 1
        }
        var scope: (endEntity: String?, ca: String?) = (nil, nil)
        if index < tbs.count, tbs[index].tag == 0xA0 {
            for (oid, critical, value) in try RevocationExtensions.parse(try P.explicit(try node(tbs[index]), 0, "crlExtensions"), "crlExtensions") {
                switch oid {
                case crlNumber, authorityKeyIdentifier, freshestCRL, authorityInformationAccess, expiredCertsOnCRL:
                    break
                case deltaCRLIndicator:
                    throw TimeStampFailure("it is a delta CRL, which is not supported (give the complete CRL)")
                case issuingDistributionPoint:
                    scope = try issuingDistributionPointScope(value)
                default:
                    if critical { throw TimeStampFailure("it has the unknown critical extension \(oid)") }
                }
            }
            index += 1
        }
        guard index == tbs.count else { throw TimeStampFailure("tbsCertList has unexpected fields") }
        return CertificateRevocationList(
            derEncoded: bytes, issuer: issuer, thisUpdate: thisUpdate, nextUpdate: nextUpdate, scopeLimitation: scope.endEntity,
            caScopeLimitation: scope.ca, signedRange: parts[0].whole, revokedRange: revokedRange, signatureAlgorithm: algorithm,
            signature: Array(signature.bytes))
    }

    /// The scope an issuing-distribution-point extension sets (RFC 5280 §5.2.5), for end-entity and for CA
    /// certificates: `nil` when it covers them for every reason; throws for indirect CRLs.
    private static func issuingDistributionPointScope(_ value: [UInt8]) throws -> (endEntity: String?, ca: String?) {
        var scope: (endEntity: String?, ca: String?) = (nil, nil)
        for field in try TimeStampParser.sequence(try DER.parse(value), "issuingDistributionPoint") {
            guard field.identifier.tagClass == .contextSpecific else { continue }
            let isTrue: Bool = {
                if case .primitive(let content) = field.content { return content.first.map { $0 != 0 } ?? false }
                return false
            }()
            switch field.identifier.tagNumber {
            case 1 where isTrue: scope.ca = "it lists only end-entity certificates"
            case 2 where isTrue: scope.endEntity = "it lists only CA certificates"
            case 3: scope = ("it covers only some revocation reasons", "it covers only some revocation reasons")
            case 4 where isTrue: throw TimeStampFailure("it is an indirect CRL, which is not supported")
            case 5 where isTrue: scope = ("it lists only attribute certificates", "it lists only attribute certificates")
            default: break
            }
        }
        return scope
    }

    /// The entry for a serial number, if the CRL lists it (entries with reason removeFromCRL do not count).
    ///
    /// Call it for a CRL that ``problem(signedBy:)`` accepted, which also checks that every entry is well formed:
    /// for a CRL with a malformed entry this answers `nil`. It walks every entry (time linear in the CRL's size, no
    /// memory per entry), compares each serial as bytes, and decodes only the entry that matches.
    public func entry(for serialNumber: Certificate.SerialNumber) -> Entry? {
        guard let revokedRange else { return nil }
        return try? Self.walk(derEncoded, revokedRange, for: serialNumber.bytes)
    }

    /// Why the revoked-certificates list makes the CRL unusable, or `nil`: every entry must be a SEQUENCE of serial,
    /// revocation time and optional extensions; its serial a non-negative DER INTEGER; and an entry extension other
    /// than reasonCode and invalidityDate must be neither critical, nor certificateIssuer (an indirect CRL), nor
    /// twice in the entry. The time and extension values of entries are decoded only for the one looked up.
    func entriesProblem() -> String? {
        guard let revokedRange else { return nil }
        do {
            _ = try Self.walk(derEncoded, revokedRange, for: nil)
        } catch {
            return Self.refusal(error).message
        }
        return nil
    }

    /// Walks the entries, checking each as ``entriesProblem()`` says, and returns the one for `serial` (none when `nil`).
    private static func walk(_ bytes: [UInt8], _ range: Range<Int>, for serial: ArraySlice<UInt8>?) throws -> Entry? {
        var found: Entry?
        var offset = range.lowerBound
        while offset < range.upperBound {
            let entry = try DERScanner.element(in: bytes, at: offset, limit: range.upperBound)
            offset = entry.end
            guard entry.tag == DERElement.sequence else { throw TimeStampFailure("a revokedCertificates entry is not a SEQUENCE") }
            guard let number = ordinarySerial(bytes, of: entry) else {
                // Out of the ordinary: the full decode accepts it, or throws the reason for refusing the CRL.
                let decoded = try decodeEntry(try DER.parse(bytes[entry.whole]))
                if found == nil, let serial, decoded.serialNumber.bytes == serial, decoded.reason?.code != 8 { found = decoded }
                continue
            }
            // Serial numbers are compared as their value bytes (SerialNumber drops leading zero octets).
            guard found == nil, let serial, bytes[number.content].drop(while: { $0 == 0 }).elementsEqual(serial) else { continue }
            let decoded = try decodeEntry(try DER.parse(bytes[entry.whole]))
            if decoded.reason?.code != 8 { found = decoded }
        }
        return found
    }

    /// Whether an INTEGER's content is non-empty, in the fewest octets, and not negative (what a serial's decode accepts).
    private static func isCanonicalNonNegative(_ content: ArraySlice<UInt8>) -> Bool {
        guard let first = content.first, first & 0x80 == 0 else { return false }
        if content.count > 1, first == 0, content[content.startIndex + 1] & 0x80 == 0 { return false }
        return true
    }

    /// The serial number element of an ordinary entry — a non-negative DER INTEGER, a UTCTime or GeneralizedTime, and
    /// optionally extensions that ``isOrdinary(_:extensions:)`` accepts, nothing more — or `nil` for any other entry,
    /// which then needs the full decode. Reads headers only and allocates nothing.
    private static func ordinarySerial(_ bytes: [UInt8], of entry: DERElement) -> DERElement? {
        guard let number = try? DERScanner.element(in: bytes, at: entry.contentStart, limit: entry.end), number.tag == DERElement.integer,
            isCanonicalNonNegative(bytes[number.content]), let time = try? DERScanner.element(in: bytes, at: number.end, limit: entry.end),
            time.tag == DERElement.utcTime || time.tag == DERElement.generalizedTime
        else { return nil }
        if time.end == entry.end { return number }
        guard let extensions = try? DERScanner.element(in: bytes, at: time.end, limit: entry.end), extensions.end == entry.end,
            isOrdinary(bytes, extensions: extensions)
        else { return nil }
        return number
    }

    /// Whether entry extensions are only reasonCode and/or invalidityDate, each once, neither marked critical: such
    /// an entry needs no decode unless it is the one asked for.
    private static func isOrdinary(_ bytes: [UInt8], extensions: DERElement) -> Bool {
        guard extensions.tag == DERElement.sequence else { return false }
        var seen = 0  // a bit per entry of ordinaryEntryExtensions
        var offset = extensions.contentStart
        while offset < extensions.end {
            guard let item = try? DERScanner.element(in: bytes, at: offset, limit: extensions.end), item.tag == DERElement.sequence,
                let oid = try? DERScanner.element(in: bytes, at: item.contentStart, limit: item.end), oid.tag == DERElement.objectIdentifier,
                let value = try? DERScanner.element(in: bytes, at: oid.end, limit: item.end), value.tag == DERElement.octetString,
                value.end == item.end,
                let which = ordinaryEntryExtensions.firstIndex(where: { bytes[oid.content].elementsEqual($0) }), seen & (1 << which) == 0
            else { return false }
            seen |= 1 << which
            offset = item.end
        }
        return true
    }

    /// One revokedCertificates entry, decoded whole (RFC 5280 §5.1.2.6, §5.3).
    private static func decodeEntry(_ node: ASN1Node) throws -> Entry {
        let fields = try TimeStampParser.sequence(node, "revokedCertificates entry")
        guard fields.count == 2 || fields.count == 3 else { throw TimeStampFailure("a revoked-certificate entry has \(fields.count) fields") }
        let serial = Certificate.SerialNumber(bytes: try ArraySlice<UInt8>(derEncoded: fields[0]))
        let date = try RevocationTime.date(fields[1], "revocationDate")
        var reason: RevocationReason?
        var invalid: Date?
        if fields.count == 3 {
            for (oid, critical, value) in try RevocationExtensions.parse(fields[2], "crlEntryExtensions") {
                switch oid {
                case reasonCode:
                    let parsed = try DER.parse(value)
                    guard parsed.identifier == .enumerated, case .primitive(let content) = parsed.content, content.count == 1 else {
                        throw TimeStampFailure("a reasonCode is not a one-byte ENUMERATED")
                    }
                    reason = RevocationReason(code: Int(content.first!))
                case invalidityDate:
                    invalid = try TimeStampParser.date(try GeneralizedTime(derEncoded: try DER.parse(value)))
                case certificateIssuer:
                    throw TimeStampFailure("it is an indirect CRL (certificateIssuer entry extension), which is not supported")
                default:
                    if critical { throw TimeStampFailure("an entry has the unknown critical extension \(oid)") }
                }
            }
        }
        return Entry(serialNumber: serial, revocationDate: date, reason: reason, invalidityDate: invalid)
    }

    /// Why this CRL cannot be used as `issuer`'s, or `nil`: its name is the CRL's issuer, its key usage (when stated)
    /// allows cRLSign, the signature verifies with its key, and then (only then) every entry is well formed
    /// (``entriesProblem()``). Until the signature verifies, nothing but the signed bytes' hash is computed.
    public func problem(signedBy issuer: Certificate) -> String? { refusal(signedBy: issuer)?.reason }

    /// ``problem(signedBy:)`` with whether it is the signature (name, key usage, signature) that failed, rather than
    /// an entry of a CRL the CA did sign.
    func refusal(signedBy issuer: Certificate) -> (signatureFailed: Bool, reason: String)? {
        guard issuer.subject == self.issuer else {
            return (true, "the CRL is issued by \(self.issuer), not by \(issuer.subject)")
        }
        if let usage = try? issuer.extensions.keyUsage, !usage.cRLSign {
            return (true, "the CA certificate \(issuer.subject) may not sign CRLs (its key usage lacks cRLSign)")
        }
        do {
            try TimeStampParser.verify(
                signature: signature, over: Array(derEncoded[signedRange]), algorithm: signatureAlgorithm, digest: .sha256,
                key: issuer.publicKey)
        } catch let failure as TimeStampFailure {
            return (true, "the CRL's signature does not verify with the key of \(issuer.subject): \(failure.message)")
        } catch {
            return (true, "the CRL's signature cannot be checked: \(error)")
        }
        if let problem = entriesProblem() {
            return (false, "its signature verifies with the key of \(issuer.subject), but an entry makes it unusable: \(problem)")
        }
        return nil
    }
}
