import Crypto
import CryptoExtras
import Foundation
import Multiformats

/// A public key of one of the supported ``KeyType``s, with its Multikey, JWK and did:key views.
///
/// Equality compares the key's canonical encoding (SPKI DER), so two values parsed from
/// different representations of one key are equal.
public struct PublicKey: Sendable, Hashable, CustomStringConvertible {
    /// The underlying swift-crypto key, for callers that need the library type directly
    /// (e.g. to build an X.509 certificate).
    public enum Material: Sendable {
        /// An Ed25519 public key.
        case ed25519(Curve25519.Signing.PublicKey)
        /// A P-256 ECDSA public key.
        case p256(P256.Signing.PublicKey)
        /// A P-384 ECDSA public key.
        case p384(P384.Signing.PublicKey)
        /// An RSA public key.
        case rsa(_RSA.Signing.PublicKey)
    }

    /// The swift-crypto key.
    public let material: Material
    /// The key's type (for RSA, from the modulus size).
    public let type: KeyType

    /// Wraps a swift-crypto key; RSA sizes other than 2048/3072/4096 bits are refused.
    public init(_ material: Material) throws(KeyError) {
        self.material = material
        switch material {
        case .ed25519: type = .ed25519
        case .p256: type = .p256
        case .p384: type = .p384
        case .rsa(let key): type = try rsaType(bits: key.keySizeInBits)
        }
    }

    // MARK: Multikey

    /// Parses a `publicKeyMultibase` value (`z` + base58btc of a multicodec public key header and key).
    ///
    /// Secret-key codecs, unknown headers, wrong lengths and non-`z` encodings are rejected.
    public init(multibase: String) throws(KeyError) {
        let decoded: MulticodecKey
        do {
            decoded = try MulticodecKey(multibase: multibase, requiring: .base58btc)
        } catch {
            throw KeyError(multikey: error, location: "publicKeyMultibase")
        }
        try self.init(multicodec: decoded)
    }

    /// Builds a public key from a decoded multicodec value, which must be a public-key codec.
    public init(multicodec: MulticodecKey) throws(KeyError) {
        do {
            switch multicodec.codec {
            case .ed25519Public:
                material = .ed25519(try Curve25519.Signing.PublicKey(rawRepresentation: multicodec.keyBytes))
                type = .ed25519
            case .p256Public:
                material = .p256(try P256.Signing.PublicKey(compressedRepresentation: multicodec.keyBytes))
                type = .p256
            case .p384Public:
                material = .p384(try P384.Signing.PublicKey(compressedRepresentation: multicodec.keyBytes))
                type = .p384
            case .ed25519Secret, .p256Secret, .p384Secret:
                throw KeyError(.invalidMultikey, "expected a public key, found a \(multicodec.codec.name) secret key", location: "publicKeyMultibase")
            }
        } catch let error as KeyError {
            throw error
        } catch {
            throw KeyError(.invalidKey, "the \(multicodec.codec.name) key is not a valid point on its curve", location: "publicKeyMultibase")
        }
    }

    /// The multicodec-wrapped key; throws for RSA, which has no Multikey form in the VC specs.
    public func multicodecKey() throws(KeyError) -> MulticodecKey {
        let codec: KeyCodec
        let bytes: Data
        switch material {
        case .ed25519(let key): codec = .ed25519Public; bytes = key.rawRepresentation
        case .p256(let key): codec = .p256Public; bytes = key.compressedRepresentation
        case .p384(let key): codec = .p384Public; bytes = key.compressedRepresentation
        case .rsa: throw KeyError(.unsupportedKeyType, "\(type) keys have no Multikey encoding (Multikey covers Ed25519, P-256 and P-384)")
        }
        // Lengths are fixed by the key types, so this cannot fail.
        return try! MulticodecKey(codec: codec, keyBytes: bytes)
    }

    /// The `publicKeyMultibase` string (`z6Mk…` for Ed25519, `zDna…` for P-256, `z82L…` for P-384).
    public func publicKeyMultibase() throws(KeyError) -> String { try multicodecKey().multibase }

    /// The did:key identifier, `did:key:` + ``publicKeyMultibase()``.
    public func didKey() throws(KeyError) -> String { "did:key:" + (try publicKeyMultibase()) }

    /// The did:key verification method id, `did:key:z…#z…`.
    public func didKeyVerificationMethod() throws(KeyError) -> String {
        let mb = try publicKeyMultibase()
        return "did:key:\(mb)#\(mb)"
    }

    // MARK: SPKI

    /// Parses a SubjectPublicKeyInfo DER structure (Ed25519, P-256, P-384 or RSA).
    public init(spkiDER der: [UInt8]) throws(KeyError) {
        let info = try ASN1Support.parseSPKI(der)
        do {
            switch info.algorithm {
            case .ed25519:
                material = .ed25519(try Curve25519.Signing.PublicKey(rawRepresentation: info.keyBytes))
                type = .ed25519
            case .ecP256:
                material = .p256(try P256.Signing.PublicKey(derRepresentation: der))
                type = .p256
            case .ecP384:
                material = .p384(try P384.Signing.PublicKey(derRepresentation: der))
                type = .p384
            case .rsa:
                let key = try _RSA.Signing.PublicKey(derRepresentation: der)
                material = .rsa(key)
                type = try rsaType(bits: key.keySizeInBits)
            }
        } catch let error as KeyError {
            throw error
        } catch {
            throw KeyError(.invalidKey, "the \(info.algorithm.displayName) public key is not valid")
        }
    }

    /// Parses a `PUBLIC KEY` PEM (SubjectPublicKeyInfo).
    public init(pem: String) throws(KeyError) {
        let document = try ASN1Support.pemDocument(pem)
        guard document.type == "PUBLIC KEY" else {
            throw KeyError(.invalidPEM, "expected a PEM block labelled PUBLIC KEY, found \(document.type)")
        }
        try self.init(spkiDER: document.der)
    }

    /// The SubjectPublicKeyInfo DER encoding.
    public var spkiDER: [UInt8] {
        switch material {
        case .ed25519(let key): return ASN1Support.ed25519SPKI(Array(key.rawRepresentation))
        case .p256(let key): return Array(key.derRepresentation)
        case .p384(let key): return Array(key.derRepresentation)
        case .rsa(let key): return Array(key.derRepresentation)
        }
    }

    /// The `PUBLIC KEY` PEM encoding.
    public var pem: String { ASN1Support.pem(label: "PUBLIC KEY", der: spkiDER) }

    // MARK: Verification

    /// Whether `signature` is a valid signature over `data` by this key.
    ///
    /// `algorithm` defaults to the key type's ``KeyType/defaultAlgorithm``; an algorithm that
    /// does not fit the key yields `false`. ECDSA signatures are read in `ecdsaFormat`
    /// (r‖s by default); a signature of the wrong length is invalid, never an error.
    public func isValidSignature<S: DataProtocol, D: DataProtocol>(
        _ signature: S,
        for data: D,
        algorithm: SignatureAlgorithm? = nil,
        ecdsaFormat: ECDSASignatureFormat = .p1363
    ) -> Bool {
        let algorithm = algorithm ?? type.defaultAlgorithm
        guard algorithm.isCompatible(with: type) else { return false }
        switch material {
        case .ed25519(let key):
            return key.isValidSignature(signature, for: data)
        case .p256(let key):
            let sig: P256.Signing.ECDSASignature
            do {
                sig =
                    ecdsaFormat == .p1363
                    ? try P256.Signing.ECDSASignature(rawRepresentation: signature)
                    : try P256.Signing.ECDSASignature(derRepresentation: signature)
            } catch { return false }
            return key.isValidSignature(sig, for: data)
        case .p384(let key):
            let sig: P384.Signing.ECDSASignature
            do {
                sig =
                    ecdsaFormat == .p1363
                    ? try P384.Signing.ECDSASignature(rawRepresentation: signature)
                    : try P384.Signing.ECDSASignature(derRepresentation: signature)
            } catch { return false }
            return key.isValidSignature(sig, for: data)
        case .rsa(let key):
            let sig = _RSA.Signing.RSASignature(rawRepresentation: signature)
            let digest = SHA256.hash(data: data)
            return key.isValidSignature(sig, for: digest, padding: algorithm == .ps256 ? .PSS : .insecurePKCS1v1_5)
        }
    }

    // MARK: Equality

    public static func == (lhs: PublicKey, rhs: PublicKey) -> Bool { lhs.spkiDER == rhs.spkiDER }
    public func hash(into hasher: inout Hasher) { hasher.combine(spkiDER) }

    public var description: String {
        if let mb = try? publicKeyMultibase() { return "PublicKey(\(type), \(mb))" }
        return "PublicKey(\(type), jwk thumbprint \(jwkThumbprint()))"
    }
}

func rsaType(bits: Int) throws(KeyError) -> KeyType {
    switch bits {
    case 2048: return .rsa2048
    case 3072: return .rsa3072
    case 4096: return .rsa4096
    default: throw KeyError(.unsupportedKeySize, "RSA keys must be 2048, 3072 or 4096 bits; this one is \(bits) bits")
    }
}
