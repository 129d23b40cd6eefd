import Crypto
import Foundation
import SwiftASN1
import X509

extension ASN1ObjectIdentifier.RDNAttributeType {
    /// `organizationIdentifier` (X.520, 2.5.4.97): the eIDAS legal-person identifier of an e-seal
    /// certificate, e.g. `VATBE-0123456789` or `NTRBE-0000000000` (ETSI EN 319 412-1 §5.1.4).
    public static let organizationIdentifier: ASN1ObjectIdentifier = [2, 5, 4, 97]
}

extension DistinguishedName {
    /// The first value of an attribute type, as text; `nil` when absent or not a string type.
    func firstValue(_ type: ASN1ObjectIdentifier) -> String? {
        for rdn in self {
            for attribute in rdn where attribute.type == type {
                if let text = String(attribute.value) { return text }
            }
        }
        return nil
    }
}

extension DERSerializable {
    /// The DER encoding, or `nil` when serializing fails (a value parsed from DER, or built from such values,
    /// always re-serializes).
    var derEncoding: [UInt8]? {
        var serializer = DER.Serializer()
        guard (try? serializer.serialize(self)) != nil else { return nil }
        return serializer.serializedBytes
    }
}

extension Certificate {
    /// The certificate's DER encoding (a parsed certificate always re-serializes: every part was valid DER when read).
    var derBytes: [UInt8] { derEncoding ?? [] }
}

/// What a verifier shows about the certificate that made a seal.
public struct JAdESCertificateSummary: Sendable, Hashable {
    /// The subject distinguished name in RFC 4514 form.
    public let subject: String
    /// Subject CN.
    public let commonName: String?
    /// Subject O: the legal name of the sealing organisation.
    public let organizationName: String?
    /// Subject organizationIdentifier (2.5.4.97), e.g. `VATES-A00000000`, `NTREE-17207834`.
    public let organizationIdentifier: String?
    /// Subject C (ISO 3166-1 alpha-2).
    public let country: String?
    /// Serial number, uppercase hex without separators (as `openssl x509 -serial` prints it).
    public let serialNumber: String
    /// The issuer distinguished name in RFC 4514 form.
    public let issuer: String
    /// Start of validity.
    public let notValidBefore: Date
    /// End of validity.
    public let notValidAfter: Date
    /// Key usage bits that are set (`digitalSignature`, `nonRepudiation`, …); empty when the extension is absent.
    public let keyUsage: [String]
    /// SHA-256 of the DER certificate, lowercase hex.
    public let sha256Fingerprint: String

    /// Summarizes a certificate.
    public init(_ certificate: Certificate) {
        subject = certificate.subject.text
        commonName = certificate.subject.firstValue(.RDNAttributeType.commonName)
        organizationName = certificate.subject.firstValue(.RDNAttributeType.organizationName)
        organizationIdentifier = certificate.subject.firstValue(.RDNAttributeType.organizationIdentifier)
        country = certificate.subject.firstValue(.RDNAttributeType.countryName)
        serialNumber = certificate.serialNumber.bytes.drop(while: { $0 == 0 }).map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            return byte < 16 ? "0" + hex : hex
        }.joined()
        issuer = certificate.issuer.text
        notValidBefore = certificate.notValidBefore
        notValidAfter = certificate.notValidAfter
        var usage: [String] = []
        if let ku = try? certificate.extensions.keyUsage {
            if ku.digitalSignature { usage.append("digitalSignature") }
            if ku.nonRepudiation { usage.append("nonRepudiation") }
            if ku.keyEncipherment { usage.append("keyEncipherment") }
            if ku.dataEncipherment { usage.append("dataEncipherment") }
            if ku.keyAgreement { usage.append("keyAgreement") }
            if ku.keyCertSign { usage.append("keyCertSign") }
            if ku.cRLSign { usage.append("cRLSign") }
        }
        keyUsage = usage
        sha256Fingerprint = SHA256.hash(data: certificate.derBytes).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}

/// The issuer identity an EDC takes from its seal certificate before sealing.
///
/// The EU's issuer (`CertificateUtils.overwriteCertificateFields`) copies organizationIdentifier into the
/// issuer's `eIDASIdentifier.notation`, O into `legalName`, CN into `altLabel` and C into the issuer's
/// location and the identifier's `spatial`; the credential also gets `issued`/`issuanceDate`.
/// This value carries those fields so the EDC model code can fill them in.
public struct JAdESSealIdentity: Sendable, Hashable {
    /// organizationIdentifier (2.5.4.97), the eIDAS legal identifier, e.g. `NTRBE-0000000000`.
    public let organizationIdentifier: String
    /// O, the organisation's legal name.
    public let legalName: String
    /// C, ISO 3166-1 alpha-2 (e.g. `BE`).
    public let countryCode: String
    /// CN, which the EU's issuer puts in `altLabel`.
    public let commonName: String?

    /// Reads the identity from a seal certificate's subject.
    ///
    /// Fails with ``JAdESError/Code/invalidCertificate`` when organizationIdentifier, O or C is missing,
    /// because an EDC without them is not valid against the EDC shapes; ETSI EN 319 412-3 requires all
    /// three in e-seal certificates.
    public init(certificate: Certificate) throws(JAdESError) {
        let subject = certificate.subject
        guard let orgID = subject.firstValue(.RDNAttributeType.organizationIdentifier), !orgID.isEmpty else {
            throw JAdESError(
                .invalidCertificate,
                "the seal certificate's subject has no organizationIdentifier (2.5.4.97), so the issuer's eIDAS identifier cannot be filled",
                location: "subject")
        }
        guard let name = subject.firstValue(.RDNAttributeType.organizationName), !name.isEmpty else {
            throw JAdESError(.invalidCertificate, "the seal certificate's subject has no organizationName (O), the issuer's legal name", location: "subject")
        }
        guard let country = subject.firstValue(.RDNAttributeType.countryName), country.count == 2 else {
            throw JAdESError(.invalidCertificate, "the seal certificate's subject has no two-letter countryName (C)", location: "subject")
        }
        organizationIdentifier = orgID
        legalName = name
        countryCode = country.uppercased()
        commonName = subject.firstValue(.RDNAttributeType.commonName)
    }
}
