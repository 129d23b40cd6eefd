import Crypto
import CryptoExtras
import Foundation
import Multiformats

/// A private (signing) key of one of the supported ``KeyType``s.
///
/// The key's textual forms (`description`, `debugDescription`, reflection via `dump`) show only
/// its type and public key: private material leaves this type only through the explicit export
/// methods ``pkcs8PEM()``, ``pkcs8DER()`` and ``secretKeyMultibase()``.
public struct PrivateKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The underlying swift-crypto key, for callers that need the library type directly
    /// (e.g. `Certificate.PrivateKey` in swift-certificates).
    public enum Material: Sendable {
        /// An Ed25519 private key.
        case ed25519(Curve25519.Signing.PrivateKey)
        /// A P-256 ECDSA private key.
        case p256(P256.Signing.PrivateKey)
        /// A P-384 ECDSA private key.
        case p384(P384.Signing.PrivateKey)
        /// An RSA private key.
        case rsa(_RSA.Signing.PrivateKey)
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

    /// Generates a fresh key with the system's secure random generator.
    public static func generate(_ type: KeyType) throws(KeyError) -> PrivateKey {
        switch type {
        case .ed25519: return try PrivateKey(.ed25519(Curve25519.Signing.PrivateKey()))
        case .p256: return try PrivateKey(.p256(P256.Signing.PrivateKey(compactRepresentable: false)))
        case .p384: return try PrivateKey(.p384(P384.Signing.PrivateKey(compactRepresentable: false)))
        case .rsa2048, .rsa3072, .rsa4096:
            let bits = type.rsaBits!
            do {
                return try PrivateKey(.rsa(_RSA.Signing.PrivateKey(keySize: .init(bitCount: bits))))
            } catch let error as KeyError {
                throw error
            } catch {
                throw KeyError(.signingFailed, "RSA-\(bits) key generation failed")
            }
        }
    }

    /// The matching public key.
    public var publicKey: PublicKey {
        // Sizes were checked on creation, so wrapping the public half cannot fail.
        switch material {
        case .ed25519(let key): return try! PublicKey(.ed25519(key.publicKey))
        case .p256(let key): return try! PublicKey(.p256(key.publicKey))
        case .p384(let key): return try! PublicKey(.p384(key.publicKey))
        case .rsa(let key): return try! PublicKey(.rsa(key.publicKey))
        }
    }

    // MARK: PEM / PKCS#8 import

    /// Reads a PEM private key as OpenSSL writes it.
    ///
    /// Accepted labels: `PRIVATE KEY` (PKCS#8 with Ed25519, EC P-256/P-384 or rsaEncryption),
    /// `EC PRIVATE KEY` (SEC1) and `RSA PRIVATE KEY` (PKCS#1). `ENCRYPTED PRIVATE KEY` and
    /// legacy `Proc-Type: 4,ENCRYPTED` PEM are refused with advice to decrypt with `openssl pkey`.
    /// When the text holds several blocks (e.g. `EC PARAMETERS` then the key), the first
    /// private-key block is used.
    public init(pem: String) throws(KeyError) {
        if pem.contains("Proc-Type: 4,ENCRYPTED") {
            throw KeyError(.encryptedKey, "the PEM key is encrypted; decrypt it first with `openssl pkey -in FILE -out PLAIN.pem`")
        }
        let blocks = try Self.pemBlocks(pem)
        let privateLabels = ["PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY"]
        guard let block = blocks.first(where: { privateLabels.contains($0.type) }) else {
            let labels = blocks.map(\.type).joined(separator: ", ")
            throw KeyError(
                .invalidPEM,
                "no private key block found (labels present: \(labels.isEmpty ? "none" : labels)); expected PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY")
        }
        switch block.type {
        case "PRIVATE KEY":
            try self.init(pkcs8DER: block.der)
        case "EC PRIVATE KEY":
            try self.init(sec1DER: block.der)
        case "RSA PRIVATE KEY":
            let key: _RSA.Signing.PrivateKey
            do {
                key = try _RSA.Signing.PrivateKey(derRepresentation: block.der)
            } catch {
                throw KeyError(.invalidDER, "RSA PRIVATE KEY: not a valid PKCS#1 RSAPrivateKey of at least 2048 bits")
            }
            try self.init(.rsa(key))
        default:
            throw KeyError(.encryptedKey, "the PEM key is encrypted (ENCRYPTED PRIVATE KEY); decrypt it first with `openssl pkey -in FILE -out PLAIN.pem`")
        }
    }

    private static func pemBlocks(_ text: String) throws(KeyError) -> [ASN1Support.PEM] {
        // Split on BEGIN lines so that parameter blocks before the key do not confuse the parser.
        var blocks: [ASN1Support.PEM] = []
        var current: [Substring] = []
        var inside = false
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("-----BEGIN ") {
                inside = true
                current = [Substring(trimmed)]
            } else if inside {
                current.append(Substring(trimmed))
                if trimmed.hasPrefix("-----END ") {
                    inside = false
                    blocks.append(try ASN1Support.pemDocument(current.joined(separator: "\n")))
                }
            }
        }
        if blocks.isEmpty {
            throw KeyError(.invalidPEM, "not a PEM document (no -----BEGIN …----- / -----END …----- block)")
        }
        return blocks
    }

    /// Reads a PKCS#8 `PrivateKeyInfo` / `OneAsymmetricKey` DER structure.
    public init(pkcs8DER der: [UInt8]) throws(KeyError) {
        let info = try ASN1Support.parsePKCS8(der)
        switch info.algorithm {
        case .ed25519:
            let seed = try ASN1Support.ed25519Seed(fromPKCS8PrivateKey: info.privateKey)
            let key: Curve25519.Signing.PrivateKey
            do { key = try Curve25519.Signing.PrivateKey(rawRepresentation: seed) } catch {
                throw KeyError(.invalidKey, "the Ed25519 private key is not valid")
            }
            if let pub = info.publicKey, pub != Array(key.publicKey.rawRepresentation) {
                throw KeyError(.invalidKey, "the PKCS#8 public key does not match the private key")
            }
            try self.init(.ed25519(key))
        case .ecP256:
            do { try self.init(.p256(P256.Signing.PrivateKey(derRepresentation: der))) } catch {
                throw KeyError(.invalidKey, "the P-256 private key is not valid")
            }
        case .ecP384:
            do { try self.init(.p384(P384.Signing.PrivateKey(derRepresentation: der))) } catch {
                throw KeyError(.invalidKey, "the P-384 private key is not valid")
            }
        case .rsa:
            let key: _RSA.Signing.PrivateKey
            do { key = try _RSA.Signing.PrivateKey(derRepresentation: der) } catch {
                throw KeyError(.invalidKey, "the RSA private key is not valid or is smaller than 2048 bits")
            }
            try self.init(.rsa(key))
        }
    }

    /// Reads an RFC 5915 `ECPrivateKey` (PEM label `EC PRIVATE KEY`).
    public init(sec1DER der: [UInt8]) throws(KeyError) {
        let info = try ASN1Support.parseSEC1(der)
        do {
            switch info.algorithm {
            case .ecP256:
                let key = try P256.Signing.PrivateKey(rawRepresentation: info.privateKey)
                if let pub = info.publicKey, pub != Array(key.publicKey.x963Representation), pub != Array(key.publicKey.compressedRepresentation) {
                    throw KeyError(.invalidKey, "the SEC1 public key does not match the private key")
                }
                try self.init(.p256(key))
            case .ecP384:
                let key = try P384.Signing.PrivateKey(rawRepresentation: info.privateKey)
                if let pub = info.publicKey, pub != Array(key.publicKey.x963Representation), pub != Array(key.publicKey.compressedRepresentation) {
                    throw KeyError(.invalidKey, "the SEC1 public key does not match the private key")
                }
                try self.init(.p384(key))
            case .ed25519, .rsa:
                throw KeyError(.invalidDER, "SEC1 structures hold only EC keys")
            }
        } catch let error as KeyError {
            throw error
        } catch {
            throw KeyError(.invalidKey, "the \(info.algorithm.displayName) private key is not valid")
        }
    }

    // MARK: Multikey import

    /// Reads a `secretKeyMultibase` value (Ed25519 `0x8026`, P-256 `0x8626`, P-384 `0x8726`).
    public init(secretKeyMultibase: String) throws(KeyError) {
        let decoded: MulticodecKey
        do {
            decoded = try MulticodecKey(multibase: secretKeyMultibase, requiring: .base58btc)
        } catch {
            throw KeyError(multikey: error, location: "secretKeyMultibase")
        }
        do {
            switch decoded.codec {
            case .ed25519Secret: try self.init(.ed25519(Curve25519.Signing.PrivateKey(rawRepresentation: decoded.keyBytes)))
            case .p256Secret: try self.init(.p256(P256.Signing.PrivateKey(rawRepresentation: decoded.keyBytes)))
            case .p384Secret: try self.init(.p384(P384.Signing.PrivateKey(rawRepresentation: decoded.keyBytes)))
            case .ed25519Public, .p256Public, .p384Public:
                throw KeyError(.invalidMultikey, "expected a secret key, found a \(decoded.codec.name) public key", location: "secretKeyMultibase")
            }
        } catch let error as KeyError {
            throw error
        } catch {
            throw KeyError(.invalidKey, "the \(decoded.codec.name) secret key is not valid", location: "secretKeyMultibase")
        }
    }

    // MARK: Export (the only ways private material leaves this type)

    /// PKCS#8 DER (`PrivateKeyInfo`), readable by `openssl pkey -inform DER`.
    public func pkcs8DER() -> [UInt8] {
        switch material {
        case .ed25519(let key): return ASN1Support.ed25519PKCS8(seed: Array(key.rawRepresentation))
        case .p256(let key): return Array(key.derRepresentation)
        case .p384(let key): return Array(key.derRepresentation)
        case .rsa(let key): return Array(key.pkcs8DERRepresentation)
        }
    }

    /// PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), readable by `openssl pkey`.
    public func pkcs8PEM() -> String {
        ASN1Support.pem(label: "PRIVATE KEY", der: pkcs8DER())
    }

    /// The `secretKeyMultibase` value (Multikey); throws for RSA, which has no Multikey form.
    public func secretKeyMultibase() throws(KeyError) -> String {
        let codec: KeyCodec
        let bytes: Data
        switch material {
        case .ed25519(let key): codec = .ed25519Secret; bytes = key.rawRepresentation
        case .p256(let key): codec = .p256Secret; bytes = key.rawRepresentation
        case .p384(let key): codec = .p384Secret; bytes = key.rawRepresentation
        case .rsa: throw KeyError(.unsupportedKeyType, "\(type) keys have no Multikey encoding")
        }
        return try! MulticodecKey(codec: codec, keyBytes: bytes).multibase
    }

    // MARK: Signing

    /// Signs `data`.
    ///
    /// - Parameters:
    ///   - algorithm: defaults to the key type's ``KeyType/defaultAlgorithm``; one that does not
    ///     fit the key throws ``KeyError/Code/algorithmMismatch``.
    ///   - ecdsaFormat: r‖s (JOSE, Data Integrity) by default, or DER.
    /// - Returns: the signature bytes. Ed25519 is deterministic (RFC 8032) on Linux; ECDSA is
    ///   randomized by swift-crypto, so ECDSA signatures differ from run to run but all verify.
    public func signature<D: DataProtocol>(
        for data: D,
        algorithm: SignatureAlgorithm? = nil,
        ecdsaFormat: ECDSASignatureFormat = .p1363
    ) throws(KeyError) -> [UInt8] {
        let algorithm = algorithm ?? type.defaultAlgorithm
        guard algorithm.isCompatible(with: type) else {
            throw KeyError(.algorithmMismatch, "\(algorithm) cannot be used with a \(type) key (use \(type.defaultAlgorithm))")
        }
        do {
            switch material {
            case .ed25519(let key):
                return Array(try key.signature(for: data))
            case .p256(let key):
                let sig = try key.signature(for: data)
                return Array(ecdsaFormat == .p1363 ? sig.rawRepresentation : sig.derRepresentation)
            case .p384(let key):
                let sig = try key.signature(for: data)
                return Array(ecdsaFormat == .p1363 ? sig.rawRepresentation : sig.derRepresentation)
            case .rsa(let key):
                let digest = SHA256.hash(data: data)
                let sig = try key.signature(for: digest, padding: algorithm == .ps256 ? .PSS : .insecurePKCS1v1_5)
                return Array(sig.rawRepresentation)
            }
        } catch {
            throw KeyError(.signingFailed, "\(algorithm) signing with a \(type) key failed")
        }
    }

    // MARK: Redaction

    public var description: String {
        if let mb = try? publicKey.publicKeyMultibase() {
            return "PrivateKey(\(type), public \(mb), private <redacted>)"
        }
        return "PrivateKey(\(type), public jwk thumbprint \(publicKey.jwkThumbprint()), private <redacted>)"
    }

    public var debugDescription: String { description }

    /// Reflection shows only the type and public key, so `dump(key)` and `print(Mirror(…))` cannot leak it.
    public var customMirror: Mirror {
        Mirror(self, children: ["type": type, "publicKey": publicKey, "privateKey": "<redacted>"], displayStyle: .struct)
    }
}
