import Crypto
import Foundation
import KeyManagement
import SwiftASN1
import X509

/// A demo e-seal made on the spot: a demo root CA and a seal certificate it signed, shaped like an eIDAS e-seal
/// certificate (C, O, organizationIdentifier, CN; key usage digitalSignature + nonRepudiation), so Europass EDCs can
/// be issued and checked without a real e-seal. `skillcred serve` makes one on its first start, and `skillcred issue`,
/// `seal` and `status publish` on first use, in the data directory (see `IssuingDataDirectory`).
///
/// Nobody trusts it: every name says DEMO ONLY (``marker``), which verifiers report, and the CA's private key is
/// discarded once the seal certificate is signed, so no further certificate can ever chain to it.
public enum DemoSeal {
    /// What every name of the demo material contains, so a verifier can tell it apart (`DemoMaterial` says DEMO).
    public static let marker = "DEMO ONLY"
    /// The subject's organisation (the EDC issuer's legal name).
    public static let organizationName = "DEMO ONLY skillcred service"
    /// The subject's eIDAS identifier (the EDC issuer's `eIDASIdentifier`).
    public static let organizationIdentifier = "NTRBE-0000000000"
    /// ISO 3166-1 alpha-2.
    public static let countryName = "BE"
    /// The demo CA's organisation.
    public static let caOrganizationName = "skillcred DEMO ONLY CA"
    /// The demo CA's common name.
    public static let caCommonName = "skillcred service DEMO ONLY Root CA - not trusted"

    /// What ``make(now:)`` creates.
    public struct Material: Sendable {
        /// The seal's private key (P-256, so seals use ES256).
        public let sealKey: PrivateKey
        /// The seal certificate followed by the CA certificate (the `x5c` chain), PEM.
        public let chainPEM: String
        /// The CA certificate alone (the trust anchor), PEM.
        public let caPEM: String
        /// The seal certificate's subject, RFC 4514.
        public let sealSubject: String
        /// The CA certificate's subject, RFC 4514.
        public let caSubject: String

        /// A sealer over this material.
        public func sealer() throws(JAdESError) -> JAdESSealer {
            try JAdESSealer(privateKeyPEM: sealKey.pkcs8PEM(), certificateChainPEM: chainPEM)
        }
    }

    /// Creates a fresh CA (valid 10 years) and seal certificate (valid 5 years), both from one hour ago
    /// to absorb clock skew between machines. The CA's private key exists only inside this call.
    public static func make(now: Date = Date()) throws -> Material {
        let sealKey = P256.Signing.PrivateKey()
        let made = try certificates(for: Certificate.PublicKey(sealKey.publicKey), now: now)
        return Material(
            sealKey: try PrivateKey(.p256(sealKey)), chainPEM: made.chainPEM, caPEM: made.caPEM,
            sealSubject: String(describing: made.seal.subject), caSubject: String(describing: made.ca.subject))
    }

    /// A demo CA and a demo seal certificate it signed for a seal key made elsewhere (for example on a PKCS#11
    /// token, whose key never leaves it). The CA's private key exists only inside this call.
    public static func certificates(
        for sealPublic: Certificate.PublicKey, now: Date = Date()
    ) throws
        -> (seal: Certificate, ca: Certificate, chainPEM: String, caPEM: String)
    {
        let caKey = P256.Signing.PrivateKey()
        let start = now.addingTimeInterval(-3600)
        let year = 365.0 * 86_400
        let caName = try DistinguishedName {
            CountryName(countryName)
            OrganizationName(caOrganizationName)
            CommonName(caCommonName)
        }
        let caPublic = Certificate.PublicKey(caKey.publicKey)
        let caKeyID = SubjectKeyIdentifier(hash: caPublic)
        let ca = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: caPublic,
            notValidBefore: start, notValidAfter: start.addingTimeInterval(10 * year),
            issuer: caName, subject: caName, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                caKeyID
            },
            issuerPrivateKey: Certificate.PrivateKey(caKey))
        // organizationIdentifier (2.5.4.97) has no DistinguishedNameBuilder component, so the subject is
        // built from attributes, in the order OpenSSL writes an e-seal subject.
        let sealName = try DistinguishedName([
            RelativeDistinguishedName.Attribute(type: .RDNAttributeType.countryName, printableString: countryName),
            RelativeDistinguishedName.Attribute(type: .RDNAttributeType.organizationName, utf8String: organizationName),
            RelativeDistinguishedName.Attribute(type: .RDNAttributeType.organizationIdentifier, utf8String: organizationIdentifier),
            RelativeDistinguishedName.Attribute(type: .RDNAttributeType.commonName, utf8String: organizationName + " e-seal"),
        ])
        let seal = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: sealPublic,
            notValidBefore: start, notValidAfter: start.addingTimeInterval(5 * year),
            issuer: caName, subject: sealName, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, nonRepudiation: true))
                SubjectKeyIdentifier(hash: sealPublic)
                AuthorityKeyIdentifier(keyIdentifier: caKeyID.keyIdentifier)
            },
            issuerPrivateKey: Certificate.PrivateKey(caKey))
        let caPEM = try ca.serializeAsPEM().pemString + "\n"
        let sealPEM = try seal.serializeAsPEM().pemString + "\n"
        return (seal, ca, sealPEM + caPEM, caPEM)
    }
}
