import CPKCS11
import Crypto
import CryptoExtras
import Foundation
import KeyManagement
import X509

/// A private key held on a PKCS#11 token: the token signs, the key never leaves it.
///
/// ECDSA and RSA inputs are hashed here with swift-crypto and only the digest goes to the token (a smart card
/// accepts a few hundred bytes at most); Ed25519 (`CKM_EDDSA`) signs the whole message, as pure EdDSA must.
/// Signatures come back as JOSE carries them: `CKM_ECDSA` already returns r‖s.
public struct PKCS11SigningKey: SigningKey {
    /// The token the key lives on (shared by every key found through it).
    public let token: PKCS11Token
    /// The private key object.
    let handle: CK_OBJECT_HANDLE
    /// `CKA_LABEL`.
    public let label: String?
    /// `CKA_ID`.
    public let id: [UInt8]
    public let type: KeyType
    public let publicKey: PublicKey
    /// The URI the key was found with.
    public let uri: PKCS11URI

    public var keyDescription: String { "\(uri.keyDescription) (\(type) on \(token.name))" }

    /// Finds the one private key the URI names (by `object` label and/or `id`) on an open token, and its public key.
    ///
    /// - Throws: ``PKCS11Error/Code/objectNotFound`` (naming the keys the token has), ``PKCS11Error/Code/ambiguousObject``,
    ///   ``PKCS11Error/Code/unsupportedKeyType``.
    public init(token: PKCS11Token, uri: PKCS11URI) throws(PKCS11Error) {
        self.token = token
        self.uri = uri
        var match = [PKCS11Token.Attribute(UInt(CKA_CLASS), ulong: UInt(CKO_PRIVATE_KEY))]
        if let object = uri.object { match.append(.init(UInt(CKA_LABEL), text: object)) }
        if let id = uri.id { match.append(.init(UInt(CKA_ID), bytes: id)) }
        let found = try token.withSession { (session) throws(PKCS11Error) -> (CK_OBJECT_HANDLE, String?, [UInt8], KeyType, PublicKey) in
            let handles = try token.findObjects(match, session: session)
            guard let handle = handles.first else {
                if !token.loggedIn && token.info.loginRequired {
                    throw PKCS11Error(.pinUnusable, "\(token.name) needs a login to reach its private keys: give --pin-source file:PATH or env:NAME")
                }
                let present = try token.findObjects([.init(UInt(CKA_CLASS), ulong: UInt(CKO_PRIVATE_KEY))], session: session)
                    .compactMap { try? token.attribute(UInt(CKA_LABEL), of: $0, session: session) }
                    .map { "\"" + String(decoding: $0, as: UTF8.self) + "\"" }
                throw PKCS11Error(
                    .objectNotFound, "no private key \(uri.keyDescription) (private keys there: \(present.isEmpty ? "none" : present.joined(separator: ", ")))",
                    location: token.name)
            }
            guard handles.count == 1 else {
                throw PKCS11Error(
                    .ambiguousObject, "\(handles.count) private keys match \(uri.keyDescription); name one with object=LABEL and id=…", location: token.name)
            }
            let label = try token.attribute(UInt(CKA_LABEL), of: handle, session: session).map { String(decoding: $0, as: UTF8.self) }
            let id = try token.attribute(UInt(CKA_ID), of: handle, session: session) ?? []
            let (type, publicKey) = try Self.publicKey(ofPrivate: handle, label: label, id: id, token: token, session: session)
            return (handle, label, id, type, publicKey)
        }
        (handle, label, id, type, publicKey) = found
    }

    /// Signs `message` on the token (see the type's description for what is hashed where).
    public func sign(_ message: [UInt8], algorithm: SignatureAlgorithm) throws -> [UInt8] {
        guard algorithm.isCompatible(with: type) else {
            throw KeyError(.algorithmMismatch, "\(algorithm) cannot be used with the \(type) key \(uri.keyDescription)")
        }
        let plan = Self.mechanism(for: algorithm, message: message)
        let output = try token.sign(plan.data, key: handle, mechanism: plan.mechanism, parameter: plan.parameter)
        switch algorithm {
        case .es256, .es384:
            let size = algorithm == .es256 ? 64 : 96
            if output.count == size { return output }
            // Some tokens answer CKM_ECDSA in DER although the standard says r‖s; accept that form too.
            if algorithm == .es256, let signature = try? P256.Signing.ECDSASignature(derRepresentation: output) { return Array(signature.rawRepresentation) }
            if algorithm == .es384, let signature = try? P384.Signing.ECDSASignature(derRepresentation: output) { return Array(signature.rawRepresentation) }
            throw PKCS11Error(.tokenError, "the token's \(algorithm) signature is \(output.count) bytes, neither r‖s (\(size)) nor DER", location: token.name)
        case .eddsa, .rs256, .ps256:
            return output
        }
    }

    /// Checks once that the token offers the mechanism `algorithm` needs, and that a signature made with it
    /// verifies with ``publicKey`` — so a token that lacks the mechanism, or a public key object that does not
    /// belong to the private key, is found before anything is issued.
    public func checkSigning(_ algorithm: SignatureAlgorithm) throws {
        let plan = Self.mechanism(for: algorithm, message: [])
        guard token.module.supportsSigning(plan.mechanism, slot: token.info.slot) else {
            throw PKCS11Error(
                .mechanismNotSupported,
                "the token does not offer \(plan.name) for signing, which \(algorithm) needs (check C_GetMechanismList, or choose another algorithm)",
                location: token.name)
        }
        let probe = Array("skillcred PKCS#11 self-test".utf8)
        let signature: [UInt8]
        do {
            signature = try sign(probe, algorithm: algorithm)
        } catch let error as PKCS11Error where error.code == .mechanismNotSupported {
            // The token lists the mechanism but refuses it for this key (a key or token policy): say which one.
            throw PKCS11Error(
                .mechanismNotSupported, "the token refuses \(plan.name) with this key, which \(algorithm) needs (\(error.message))", location: token.name)
        }
        guard publicKey.isValidSignature(signature, for: probe, algorithm: algorithm) else {
            throw PKCS11Error(
                .tokenError,
                "a test signature by \(uri.keyDescription) does not verify with its public key: the public key object does not belong to this private key",
                location: token.name)
        }
    }

    /// The mechanism, its parameter and the bytes sent for an algorithm.
    static func mechanism(
        for algorithm: SignatureAlgorithm, message: [UInt8]
    ) -> (mechanism: CK_MECHANISM_TYPE, parameter: [UInt8]?, data: [UInt8], name: String) {
        switch algorithm {
        case .es256: return (CK_MECHANISM_TYPE(CKM_ECDSA), nil, Array(SHA256.hash(data: message)), "CKM_ECDSA")
        case .es384: return (CK_MECHANISM_TYPE(CKM_ECDSA), nil, Array(SHA384.hash(data: message)), "CKM_ECDSA")
        case .eddsa: return (CK_MECHANISM_TYPE(CKM_EDDSA), nil, message, "CKM_EDDSA")
        case .rs256:
            // CKM_RSA_PKCS signs a DigestInfo built here (RFC 8017 §9.2 note 1), so only 51 bytes reach the token.
            let digestInfoSHA256: [UInt8] = [0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20]
            return (CK_MECHANISM_TYPE(CKM_RSA_PKCS), nil, digestInfoSHA256 + Array(SHA256.hash(data: message)), "CKM_RSA_PKCS")
        case .ps256:
            // RFC 7518 §3.5: SHA-256, MGF1 with SHA-256, a salt as long as the hash.
            var params = CK_RSA_PKCS_PSS_PARAMS(hashAlg: CK_MECHANISM_TYPE(CKM_SHA256), mgf: CK_RSA_PKCS_MGF_TYPE(CKG_MGF1_SHA256), sLen: 32)
            let bytes = withUnsafeBytes(of: &params) { Array($0) }
            return (CK_MECHANISM_TYPE(CKM_RSA_PKCS_PSS), bytes, Array(SHA256.hash(data: message)), "CKM_RSA_PKCS_PSS")
        }
    }

    // MARK: Public key

    /// The key type and public key: from the public key object with the same `CKA_ID` (or label), else from the
    /// RSA private key's own public attributes, else from the certificate with the same `CKA_ID`.
    static func publicKey(
        ofPrivate handle: CK_OBJECT_HANDLE, label: String?, id: [UInt8], token: PKCS11Token,
        session: CK_SESSION_HANDLE
    ) throws(PKCS11Error) -> (KeyType, PublicKey) {
        guard let keyType = try token.ulongAttribute(UInt(CKA_KEY_TYPE), of: handle, session: session) else {
            throw PKCS11Error(.unsupportedKeyType, "the private key has no CKA_KEY_TYPE", location: token.name)
        }
        var match = [PKCS11Token.Attribute(UInt(CKA_CLASS), ulong: UInt(CKO_PUBLIC_KEY))]
        if !id.isEmpty { match.append(.init(UInt(CKA_ID), bytes: id)) } else if let label { match.append(.init(UInt(CKA_LABEL), text: label)) }
        let publicObject = (!id.isEmpty || label != nil) ? try token.findObjects(match, session: session).first : nil
        let key: PublicKey
        switch UInt(keyType) {
        case UInt(CKK_RSA):
            let source = publicObject ?? handle
            guard let modulus = try token.attribute(UInt(CKA_MODULUS), of: source, session: session),
                let exponent = try token.attribute(UInt(CKA_PUBLIC_EXPONENT), of: source, session: session)
            else {
                throw PKCS11Error(.objectNotFound, "the RSA key's modulus and public exponent cannot be read", location: token.name)
            }
            let bits = Self.bitLength(modulus)
            guard [2048, 3072, 4096].contains(bits) else {
                throw PKCS11Error(.unsupportedKeyType, "the key is RSA-\(bits); skillcred signs with RSA-2048, 3072 or 4096", location: token.name)
            }
            do { key = try PublicKey(.rsa(_RSA.Signing.PublicKey(n: modulus, e: exponent))) } catch {
                throw PKCS11Error(.unsupportedKeyType, "the RSA public key is not usable: \(error)", location: token.name)
            }
        case UInt(CKK_EC), UInt(CKK_EC_EDWARDS):
            var params: [UInt8]?
            if let publicObject { params = try token.attribute(UInt(CKA_EC_PARAMS), of: publicObject, session: session) }
            if params == nil { params = try token.attribute(UInt(CKA_EC_PARAMS), of: handle, session: session) }
            guard let params, let curve = ECCurve(params: params) else {
                throw PKCS11Error(
                    .unsupportedKeyType, "the key is on a curve skillcred does not sign with (supported: P-256, P-384, Ed25519)", location: token.name)
            }
            if let publicObject, let point = try token.attribute(UInt(CKA_EC_POINT), of: publicObject, session: session) {
                key = try curve.publicKey(point: point, token: token.name)
            } else if let certificate = try certificateDER(id: id, token: token, session: session) {
                key = try publicKey(certificate: certificate, token: token.name)
            } else {
                throw PKCS11Error(
                    .objectNotFound, "the key has neither a public key object nor a certificate with its CKA_ID, so its public key is unknown",
                    location: token.name)
            }
        default:
            throw PKCS11Error(
                .unsupportedKeyType, "the key's type CKK 0x\(String(UInt(keyType), radix: 16)) is not one skillcred signs with (RSA, EC P-256/P-384, Ed25519)",
                location: token.name)
        }
        return (key.type, key)
    }

    static func bitLength(_ big: [UInt8]) -> Int {
        guard let first = big.firstIndex(where: { $0 != 0 }) else { return 0 }
        return (big.count - first) * 8 - big[first].leadingZeroBitCount
    }

    static func certificateDER(id: [UInt8], token: PKCS11Token, session: CK_SESSION_HANDLE) throws(PKCS11Error) -> [UInt8]? {
        guard !id.isEmpty else { return nil }
        let handles = try token.findObjects([.init(UInt(CKA_CLASS), ulong: UInt(CKO_CERTIFICATE)), .init(UInt(CKA_ID), bytes: id)], session: session)
        guard let handle = handles.first else { return nil }
        return try token.attribute(UInt(CKA_VALUE), of: handle, session: session)
    }

    static func publicKey(certificate der: [UInt8], token: String) throws(PKCS11Error) -> PublicKey {
        do {
            let certificate = try Certificate(derEncoded: der)
            return try PublicKey(spkiDER: Array(certificate.publicKey.subjectPublicKeyInfoBytes))
        } catch {
            throw PKCS11Error(.unsupportedKeyType, "the key's certificate holds no usable public key: \(error)", location: token)
        }
    }

    // MARK: Certificates

    /// The certificate stored with the key (`CKO_CERTIFICATE` with the key's `CKA_ID`), followed by the CA
    /// certificates on the token that it chains to, in order; empty when the token holds no certificate for it.
    public func certificateChain() throws(PKCS11Error) -> [Certificate] {
        try token.withSession { (session) throws(PKCS11Error) -> [Certificate] in
            guard let der = try Self.certificateDER(id: id, token: token, session: session) else { return [] }
            let leaf: Certificate
            do { leaf = try Certificate(derEncoded: der) } catch {
                throw PKCS11Error(.tokenError, "the certificate with the key's CKA_ID is not X.509 DER: \(error)", location: token.name)
            }
            var others: [Certificate] = []
            for handle in try token.findObjects([.init(UInt(CKA_CLASS), ulong: UInt(CKO_CERTIFICATE))], session: session) {
                if let value = try token.attribute(UInt(CKA_VALUE), of: handle, session: session), value != der,
                    let certificate = try? Certificate(derEncoded: value)
                {
                    others.append(certificate)
                }
            }
            var chain = [leaf]
            // Follow issuers up to a self-issued certificate (bounded, against loops). A token may hold several CAs
            // with one name (each demo seal has its own demo CA): the parent is the one whose key signed the child.
            while chain.count < 8, let last = chain.last, last.issuer != last.subject,
                let parent = others.first(where: { $0.subject == last.issuer && $0.publicKey.isValidSignature(last.signature, for: last) })
            {
                chain.append(parent)
            }
            return chain
        }
    }
}

/// The curves a token key may be on.
enum ECCurve {
    case p256, p384, ed25519

    /// Recognises `CKA_EC_PARAMS`: the DER OID of the curve, or (Ed25519 on older tokens) the PrintableString
    /// `edwards25519`.
    init?(params: [UInt8]) {
        switch params {
        case Self.p256OID: self = .p256
        case Self.p384OID: self = .p384
        case Self.ed25519OID, [0x13, 0x0c] + Array("edwards25519".utf8): self = .ed25519
        default: return nil
        }
    }

    static let p256OID: [UInt8] = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]
    static let p384OID: [UInt8] = [0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22]
    static let ed25519OID: [UInt8] = [0x06, 0x03, 0x2b, 0x65, 0x70]

    /// The public key from `CKA_EC_POINT`: a DER OCTET STRING around the point (some tokens give it bare).
    func publicKey(point raw: [UInt8], token: String) throws(PKCS11Error) -> PublicKey {
        let point = Self.unwrapOctetString(raw) ?? raw
        do {
            switch self {
            case .p256: return try PublicKey(.p256(P256.Signing.PublicKey(x963Representation: point)))
            case .p384: return try PublicKey(.p384(P384.Signing.PublicKey(x963Representation: point)))
            case .ed25519: return try PublicKey(.ed25519(Curve25519.Signing.PublicKey(rawRepresentation: point)))
            }
        } catch {
            throw PKCS11Error(.unsupportedKeyType, "the key's CKA_EC_POINT is not a valid \(self) point", location: token)
        }
    }

    /// The content of a DER OCTET STRING that spans all of `der`, or nil.
    static func unwrapOctetString(_ der: [UInt8]) -> [UInt8]? {
        guard der.count >= 2, der[0] == 0x04 else { return nil }
        var length = Int(der[1]), offset = 2
        if der[1] & 0x80 != 0 {
            let count = Int(der[1] & 0x7f)
            guard count >= 1, count <= 2, der.count >= 2 + count else { return nil }
            length = der[2..<(2 + count)].reduce(0) { $0 << 8 | Int($1) }
            offset = 2 + count
        }
        guard offset + length == der.count else { return nil }
        return Array(der[offset...])
    }
}
