import CPKCS11
import Foundation
import KeyManagement
import SwiftASN1
import Synchronization
import X509

/// What `skillcred keys list` shows of one object on a token: never key material.
public struct PKCS11ObjectSummary: Sendable, Hashable {
    /// `private key`, `public key` or `certificate`.
    public let kind: String
    /// `CKA_LABEL`.
    public let label: String?
    /// `CKA_ID`, hex.
    public let idHex: String
    /// `rsa3072`, `p256`, `ed25519`, … (keys); `nil` for certificates and types skillcred does not use.
    public let keyType: String?
    /// The certificate's subject (certificates).
    public let subject: String?
    /// `CKA_EXTRACTABLE` of private keys: whether the token would ever let the key out.
    public let extractable: Bool?
    /// The object's RFC 7512 URI, for `--key`.
    public let uri: String
}

extension PKCS11Token {
    /// The keys and certificates on the token (private objects only after a login).
    public func objects() throws(PKCS11Error) -> [PKCS11ObjectSummary] {
        try withSession { (session) throws(PKCS11Error) -> [PKCS11ObjectSummary] in
            var out: [PKCS11ObjectSummary] = []
            for (objectClass, kind) in [(CKO_PRIVATE_KEY, "private key"), (CKO_PUBLIC_KEY, "public key"), (CKO_CERTIFICATE, "certificate")] {
                for handle in try findObjects([.init(UInt(CKA_CLASS), ulong: UInt(objectClass))], session: session) {
                    let label = try attribute(UInt(CKA_LABEL), of: handle, session: session).map { String(decoding: $0, as: UTF8.self) }
                    let id = try attribute(UInt(CKA_ID), of: handle, session: session) ?? []
                    var keyType: String?
                    var subject: String?
                    var extractable: Bool?
                    if UInt(objectClass) == UInt(CKO_CERTIFICATE) {
                        if let der = try attribute(UInt(CKA_VALUE), of: handle, session: session), let certificate = try? Certificate(derEncoded: der) {
                            subject = String(describing: certificate.subject)
                        }
                    } else {
                        keyType = try describeKeyType(handle, session: session)
                        if UInt(objectClass) == UInt(CKO_PRIVATE_KEY) {
                            extractable = try attribute(UInt(CKA_EXTRACTABLE), of: handle, session: session).map { $0.first == 1 }
                        }
                    }
                    var uri = PKCS11URI()
                    uri.token = info.label
                    uri.object = label
                    uri.id = id.isEmpty ? nil : id
                    uri.type = UInt(objectClass) == UInt(CKO_PRIVATE_KEY) ? "private" : UInt(objectClass) == UInt(CKO_PUBLIC_KEY) ? "public" : "cert"
                    out.append(
                        PKCS11ObjectSummary(
                            kind: kind, label: label, idHex: id.map { String(format: "%02x", $0) }.joined(),
                            keyType: keyType, subject: subject, extractable: extractable, uri: uri.description))
                }
            }
            return out
        }
    }

    private func describeKeyType(_ handle: CK_OBJECT_HANDLE, session: CK_SESSION_HANDLE) throws(PKCS11Error) -> String? {
        guard let type = try ulongAttribute(UInt(CKA_KEY_TYPE), of: handle, session: session) else { return nil }
        switch type {
        case UInt(CKK_RSA):
            guard let modulus = try attribute(UInt(CKA_MODULUS), of: handle, session: session) else { return "rsa" }
            return "rsa\(PKCS11SigningKey.bitLength(modulus))"
        case UInt(CKK_EC), UInt(CKK_EC_EDWARDS):
            guard let params = try attribute(UInt(CKA_EC_PARAMS), of: handle, session: session) else { return "ec" }
            switch ECCurve(params: params) {
            case .p256: return KeyType.p256.rawValue
            case .p384: return KeyType.p384.rawValue
            case .ed25519: return KeyType.ed25519.rawValue
            case nil: return type == UInt(CKK_EC) ? "ec (unsupported curve)" : "edwards (unsupported curve)"
            }
        default:
            return "key type 0x" + String(type, radix: 16)
        }
    }

    /// Objects are created one at a time in this process: SoftHSM 2.6 has been seen to fail C_GenerateKeyPair and
    /// C_CreateObject (CKR_GENERAL_ERROR, CKR_TEMPLATE_INCONSISTENT) when sessions create objects on a token at once.
    /// Creating keys and storing certificates are rare, so nothing is lost by queueing them.
    static let objectCreation = Mutex<Void>(())

    /// Generates a key pair on the token: the private key sensitive and non-extractable (it can never leave the
    /// token), allowed to sign only; the public key beside it with the same label and `CKA_ID`.
    ///
    /// Needs a read-write token opened with the user PIN. Returns the new private key.
    /// - Throws: ``PKCS11Error/Code/mechanismNotSupported`` when the token cannot generate this type.
    public func generateKey(_ type: KeyType, label: String, id: [UInt8]) throws(PKCS11Error) -> PKCS11SigningKey {
        guard readWrite else { throw PKCS11Error(.writeProtected, "generating a key needs a read-write session", location: name) }
        let common: [Attribute] = [.init(UInt(CKA_TOKEN), bool: true), .init(UInt(CKA_LABEL), text: label), .init(UInt(CKA_ID), bytes: id)]
        var publicTemplate = common + [.init(UInt(CKA_VERIFY), bool: true), .init(UInt(CKA_PRIVATE), bool: false)]
        let privateTemplate =
            common + [
                .init(UInt(CKA_PRIVATE), bool: true), .init(UInt(CKA_SENSITIVE), bool: true), .init(UInt(CKA_EXTRACTABLE), bool: false),
                .init(UInt(CKA_SIGN), bool: true), .init(UInt(CKA_DECRYPT), bool: false), .init(UInt(CKA_DERIVE), bool: false),
            ]
        let mechanism: CK_MECHANISM_TYPE
        let mechanismName: String
        switch type {
        case .p256, .p384:
            mechanism = CK_MECHANISM_TYPE(CKM_EC_KEY_PAIR_GEN); mechanismName = "CKM_EC_KEY_PAIR_GEN"
            publicTemplate.append(.init(UInt(CKA_EC_PARAMS), bytes: type == .p256 ? ECCurve.p256OID : ECCurve.p384OID))
        case .ed25519:
            mechanism = CK_MECHANISM_TYPE(CKM_EC_EDWARDS_KEY_PAIR_GEN); mechanismName = "CKM_EC_EDWARDS_KEY_PAIR_GEN"
            publicTemplate.append(.init(UInt(CKA_EC_PARAMS), bytes: ECCurve.ed25519OID))
        case .rsa2048, .rsa3072, .rsa4096:
            mechanism = CK_MECHANISM_TYPE(CKM_RSA_PKCS_KEY_PAIR_GEN); mechanismName = "CKM_RSA_PKCS_KEY_PAIR_GEN"
            publicTemplate.append(.init(UInt(CKA_MODULUS_BITS), ulong: UInt(type.rsaBits!)))
            publicTemplate.append(.init(UInt(CKA_PUBLIC_EXPONENT), bytes: [0x01, 0x00, 0x01]))
        }
        var mechanismInfo = CK_MECHANISM_INFO()
        if module.functions.pointee.C_GetMechanismInfo!(CK_SLOT_ID(info.slot), mechanism, &mechanismInfo) != CKR_OK
            || mechanismInfo.flags & CK_FLAGS(CKF_GENERATE_KEY_PAIR) == 0
        {
            throw PKCS11Error(.mechanismNotSupported, "the token does not offer \(mechanismName), so it cannot generate \(type) keys", location: name)
        }
        try withSession { (session) throws(PKCS11Error) -> Void in
            var publicHandle: CK_OBJECT_HANDLE = 0, privateHandle: CK_OBJECT_HANDLE = 0
            var mechanismValue = CK_MECHANISM(mechanism: mechanism, pParameter: nil, ulParameterLen: 0)
            let rv = Self.objectCreation.withLock { _ in
                Self.withTemplate(publicTemplate) { pub, pubCount in
                    Self.withTemplate(privateTemplate) { priv, privCount in
                        module.functions.pointee.C_GenerateKeyPair!(session, &mechanismValue, pub, pubCount, priv, privCount, &publicHandle, &privateHandle)
                    }
                }
            }
            guard rv == CKR_OK else { throw PKCS11Error("C_GenerateKeyPair", returned: rv, location: name) }
        }
        var uri = PKCS11URI()
        uri.token = info.label
        uri.object = label
        uri.id = id
        return try PKCS11SigningKey(token: self, uri: uri)
    }

    /// Stores a certificate on the token (`CKO_CERTIFICATE`, X.509) under `label` and `id` — the key's `CKA_ID`
    /// for the seal certificate, so `skillcred seal` finds it with the key.
    public func storeCertificate(_ certificate: Certificate, label: String, id: [UInt8]) throws(PKCS11Error) {
        guard readWrite else { throw PKCS11Error(.writeProtected, "storing a certificate needs a read-write session", location: name) }
        let der: [UInt8], subject: [UInt8], issuer: [UInt8]
        do {
            der = try Self.der(certificate)
            subject = try Self.der(certificate.subject)
            issuer = try Self.der(certificate.issuer)
        } catch {
            throw PKCS11Error(.tokenError, "cannot encode the certificate: \(error)", location: name)
        }
        let template: [Attribute] = [
            .init(UInt(CKA_CLASS), ulong: UInt(CKO_CERTIFICATE)), .init(UInt(CKA_CERTIFICATE_TYPE), ulong: UInt(CKC_X_509)),
            .init(UInt(CKA_TOKEN), bool: true), .init(UInt(CKA_PRIVATE), bool: false),
            .init(UInt(CKA_LABEL), text: label), .init(UInt(CKA_ID), bytes: id),
            .init(UInt(CKA_SUBJECT), bytes: subject), .init(UInt(CKA_ISSUER), bytes: issuer), .init(UInt(CKA_VALUE), bytes: der),
        ]
        try withSession { (session) throws(PKCS11Error) -> Void in
            var handle: CK_OBJECT_HANDLE = 0
            let rv = Self.objectCreation.withLock { _ in
                Self.withTemplate(template) { module.functions.pointee.C_CreateObject!(session, $0, $1, &handle) }
            }
            guard rv == CKR_OK else { throw PKCS11Error("C_CreateObject", returned: rv, location: name) }
        }
    }

    private static func der(_ value: some DERSerializable) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(value)
        return serializer.serializedBytes
    }
}
