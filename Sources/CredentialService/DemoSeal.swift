import Crypto
import Foundation
import JAdES
import KeyManagement
import SwiftASN1
import X509

/// The demo e-seal the first start creates when the data directory has none: a demo root CA and a seal
/// certificate it signed, shaped like an eIDAS e-seal certificate (C, O, organizationIdentifier, CN; key usage
/// digitalSignature + nonRepudiation), so the service can issue Europass EDCs that its own verifier accepts.
///
/// Nobody else trusts it: every name says DEMO ONLY, and the CA's private key is discarded once the seal
/// certificate is signed, so no further certificate can ever chain to it.
public enum DemoSeal {
    /// The subject's organisation (the EDC issuer's legal name).
    public static let organizationName = "DEMO ONLY skillcred service"
    /// The subject's eIDAS identifier (the EDC issuer's `eIDASIdentifier`).
    public static let organizationIdentifier = "NTRBE-0000000000"
    /// ISO 3166-1 alpha-2.
    public static let countryName = "BE"

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
    }

    /// Creates a fresh CA (valid 10 years) and seal certificate (valid 5 years), both from one hour ago
    /// to absorb clock skew between machines.
    public static func make(now: Date = Date()) throws -> Material {
        let caKey = P256.Signing.PrivateKey()
        let sealKey = P256.Signing.PrivateKey()
        let start = now.addingTimeInterval(-3600)
        let year = 365.0 * 86_400
        let caName = try DistinguishedName {
            CountryName(countryName)
            OrganizationName("skillcred DEMO ONLY CA")
            CommonName("skillcred service DEMO ONLY Root CA - not trusted")
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
        let sealPublic = Certificate.PublicKey(sealKey.publicKey)
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
        return Material(sealKey: try PrivateKey(.p256(sealKey)), chainPEM: sealPEM + caPEM, caPEM: caPEM,
                        sealSubject: String(describing: seal.subject))
    }
}

extension ServiceSetup {
    /// The e-seal in `DATA_DIR/seal` + `DATA_DIR/keys/seal.pem`, a demo one made when neither exists.
    static func loadOrCreateSeal(_ configuration: ServiceConfiguration, keys: KeyStore) throws
        -> (sealer: JAdESSealer, anchors: [Certificate], createdSubject: String?) {
        let folder = configuration.dataDirectory.appendingPathComponent("seal")
        let chainURL = folder.appendingPathComponent(sealChainFile)
        let caURL = folder.appendingPathComponent(demoCAFile)
        let fm = FileManager.default
        var createdSubject: String?
        switch (fm.fileExists(atPath: chainURL.path), keys.contains(sealKeyName)) {
        case (false, false):
            let demo = try DemoSeal.make()
            try fm.createDirectory(at: folder, withIntermediateDirectories: true)
            try keys.save(demo.sealKey, name: sealKeyName)
            try Data(demo.caPEM.utf8).write(to: caURL, options: .atomic)
            try Data(demo.chainPEM.utf8).write(to: chainURL, options: .atomic)
            createdSubject = demo.sealSubject
        case (true, false):
            throw ServiceSetupError(.incompleteSeal, "the seal certificate chain exists but the seal key \(keys.privateKeyPath(sealKeyName)) does not; add the key, or remove the chain to get a demo seal",
                                    location: chainURL.path)
        case (false, true):
            throw ServiceSetupError(.incompleteSeal, "the seal key exists but its certificate chain \(chainURL.path) does not; add the chain, or remove the key to get a demo seal",
                                    location: keys.privateKeyPath(sealKeyName))
        case (true, true):
            break
        }
        let sealKey = try keys.load(sealKeyName)
        guard let chain = String(data: try Data(contentsOf: chainURL), encoding: .utf8) else {
            throw ServiceSetupError(.unreadableSeal, "not UTF-8 PEM text", location: chainURL.path)
        }
        let sealer = try JAdESSealer(privateKeyPEM: sealKey.pkcs8PEM(), certificateChainPEM: chain)
        let anchors = fm.fileExists(atPath: caURL.path) ? try JAdESPEM.certificates(contentsOf: caURL) : []
        return (sealer, anchors, createdSubject)
    }

}
