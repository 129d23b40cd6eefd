import Crypto
import CryptoExtras
import Foundation
import KeyManagement
import X509

/// The JWS signature algorithms a JAdES seal may use here (RFC 7518 §3).
///
/// This is an allow-list: `none` and the HMAC algorithms are not representable, so a header
/// naming them fails the algorithm check instead of being half-supported.
public enum JAdESAlgorithm: String, Sendable, Hashable, CaseIterable {
    /// RSASSA-PKCS1-v1_5 with SHA-256 (what the EU's sealing service uses).
    case rs256 = "RS256"
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    case rs384 = "RS384"
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    case rs512 = "RS512"
    /// RSASSA-PSS with SHA-256, MGF1-SHA-256, 32-byte salt.
    case ps256 = "PS256"
    /// RSASSA-PSS with SHA-384.
    case ps384 = "PS384"
    /// RSASSA-PSS with SHA-512.
    case ps512 = "PS512"
    /// ECDSA P-256 with SHA-256, signature as raw `r || s`.
    case es256 = "ES256"
    /// ECDSA P-384 with SHA-384.
    case es384 = "ES384"
    /// ECDSA P-521 with SHA-512.
    case es512 = "ES512"
    /// Ed25519 (RFC 8037), as ETSI TS 119 312 lists it for seals; 64-byte signatures over the whole input.
    case edDSA = "EdDSA"

    /// Whether the algorithm uses an RSA key.
    public var isRSA: Bool {
        switch self {
        case .rs256, .rs384, .rs512, .ps256, .ps384, .ps512: return true
        case .es256, .es384, .es512, .edDSA: return false
        }
    }

    /// The same algorithm as KeyManagement names it, for the algorithms a ``SigningKey`` (a key file or a PKCS#11
    /// token key) signs with; `nil` for the SHA-384/512 RSA variants and ES512.
    public var signatureAlgorithm: SignatureAlgorithm? {
        switch self {
        case .rs256: return .rs256
        case .ps256: return .ps256
        case .es256: return .es256
        case .es384: return .es384
        case .edDSA: return .eddsa
        case .rs384, .rs512, .ps384, .ps512, .es512: return nil
        }
    }

    /// The algorithm a seal should use by default for a certificate's key: RS256 for RSA (as the EU does),
    /// ES256/ES384/ES512 for the matching curve; `nil` for keys JAdES sealing here does not support.
    public static func defaultAlgorithm(for key: Certificate.PublicKey) -> JAdESAlgorithm? {
        if _RSA.Signing.PublicKey(key) != nil { return .rs256 }
        if P256.Signing.PublicKey(key) != nil { return .es256 }
        if P384.Signing.PublicKey(key) != nil { return .es384 }
        if P521.Signing.PublicKey(key) != nil { return .es512 }
        if Curve25519.Signing.PublicKey(key) != nil { return .edDSA }
        return nil
    }

    /// Checks a signature over `input` with a certificate's public key.
    ///
    /// Returns `nil` when the signature is valid, otherwise the reason it is not. A key that does not fit
    /// the algorithm is a failure (``SignatureFailure/keyMismatch``), never a fallback to another algorithm.
    func verify(signature: [UInt8], input: [UInt8], key: Certificate.PublicKey) -> SignatureFailure? {
        switch self {
        case .rs256, .rs384, .rs512, .ps256, .ps384, .ps512:
            guard let rsa = _RSA.Signing.PublicKey(key) else {
                return .keyMismatch("\(rawValue) needs an RSA key but the certificate's key is not RSA")
            }
            guard signature.count == rsa.keySizeInBits / 8 || signature.count == (rsa.keySizeInBits + 7) / 8 else {
                return .invalid("signature is \(signature.count) bytes; an RSA-\(rsa.keySizeInBits) signature has \((rsa.keySizeInBits + 7) / 8)")
            }
            let sig = _RSA.Signing.RSASignature(rawRepresentation: signature)
            let padding: _RSA.Signing.Padding = (self == .rs256 || self == .rs384 || self == .rs512) ? .insecurePKCS1v1_5 : .PSS
            let ok: Bool
            switch self {
            case .rs256, .ps256: ok = rsa.isValidSignature(sig, for: SHA256.hash(data: input), padding: padding)
            case .rs384, .ps384: ok = rsa.isValidSignature(sig, for: SHA384.hash(data: input), padding: padding)
            default: ok = rsa.isValidSignature(sig, for: SHA512.hash(data: input), padding: padding)
            }
            return ok ? nil : .invalid("\(rawValue) signature does not verify with the certificate's key")
        case .es256:
            guard let ec = P256.Signing.PublicKey(key) else { return .keyMismatch("ES256 needs a P-256 key but the certificate's key is not P-256") }
            guard signature.count == 64, let sig = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else {
                return .invalid("ES256 signature must be 64 bytes (r || s), found \(signature.count)")
            }
            return ec.isValidSignature(sig, for: SHA256.hash(data: input)) ? nil : .invalid("ES256 signature does not verify with the certificate's key")
        case .es384:
            guard let ec = P384.Signing.PublicKey(key) else { return .keyMismatch("ES384 needs a P-384 key but the certificate's key is not P-384") }
            guard signature.count == 96, let sig = try? P384.Signing.ECDSASignature(rawRepresentation: signature) else {
                return .invalid("ES384 signature must be 96 bytes (r || s), found \(signature.count)")
            }
            return ec.isValidSignature(sig, for: SHA384.hash(data: input)) ? nil : .invalid("ES384 signature does not verify with the certificate's key")
        case .es512:
            guard let ec = P521.Signing.PublicKey(key) else { return .keyMismatch("ES512 needs a P-521 key but the certificate's key is not P-521") }
            guard signature.count == 132, let sig = try? P521.Signing.ECDSASignature(rawRepresentation: signature) else {
                return .invalid("ES512 signature must be 132 bytes (r || s), found \(signature.count)")
            }
            return ec.isValidSignature(sig, for: SHA512.hash(data: input)) ? nil : .invalid("ES512 signature does not verify with the certificate's key")
        case .edDSA:
            guard let ed = Curve25519.Signing.PublicKey(key) else { return .keyMismatch("EdDSA needs an Ed25519 key but the certificate's key is not Ed25519") }
            guard signature.count == 64 else { return .invalid("EdDSA signature must be 64 bytes, found \(signature.count)") }
            return ed.isValidSignature(signature, for: input) ? nil : .invalid("EdDSA signature does not verify with the certificate's key")
        }
    }
}

/// Why a signature check failed.
enum SignatureFailure: Sendable {
    /// The certificate's key cannot be used with the header's algorithm.
    case keyMismatch(String)
    /// The signature is malformed or does not verify.
    case invalid(String)
}

/// A private key that can make JAdES seals: RSA (2048 bits or more) or ECDSA P-256/P-384/P-521 in memory, or any
/// ``SigningKey`` (a key held on a PKCS#11 token: RSA, P-256, P-384 or Ed25519).
public enum JAdESPrivateKey: Sendable {
    /// An RSA key, for RS256/RS384/RS512/PS256/PS384/PS512.
    case rsa(_RSA.Signing.PrivateKey)
    /// A P-256 key, for ES256.
    case p256(P256.Signing.PrivateKey)
    /// A P-384 key, for ES384.
    case p384(P384.Signing.PrivateKey)
    /// A P-521 key, for ES512.
    case p521(P521.Signing.PrivateKey)
    /// A key that signs elsewhere (a PKCS#11 token), for RS256, PS256, ES256, ES384 or EdDSA by its type.
    case signingKey(any SigningKey)

    /// Loads a key from PEM with swift-crypto's PEM initializers.
    ///
    /// Accepts PKCS#8 (`PRIVATE KEY`), PKCS#1 (`RSA PRIVATE KEY`) and SEC1 (`EC PRIVATE KEY`).
    /// Encrypted PEM is refused with a hint: decrypt it first (see `samples/demo-seal/README.md`).
    public init(pemRepresentation pem: String) throws(JAdESError) {
        if pem.contains("ENCRYPTED") {
            throw JAdESError(
                .invalidKey, "the private key PEM is encrypted; export it unencrypted (openssl pkey -in key.pem -out plain.pem) and keep the file mode 0600")
        }
        // Try the EC curves first: an RSA parser never accepts an EC key, but the reverse order
        // would cost an RSA parse attempt per EC key.
        if let key = try? P256.Signing.PrivateKey(pemRepresentation: pem) { self = .p256(key); return }
        if let key = try? P384.Signing.PrivateKey(pemRepresentation: pem) { self = .p384(key); return }
        if let key = try? P521.Signing.PrivateKey(pemRepresentation: pem) { self = .p521(key); return }
        do {
            self = .rsa(try _RSA.Signing.PrivateKey(pemRepresentation: pem))
        } catch {
            throw JAdESError(.invalidKey, "not an unencrypted RSA (≥ 2048 bits) or EC P-256/P-384/P-521 private key in PEM")
        }
    }

    /// The matching public key in certificate form, to compare with the seal certificate.
    public var publicKey: Certificate.PublicKey {
        switch self {
        case .rsa(let key): return Certificate.PublicKey(key.publicKey)
        case .p256(let key): return Certificate.PublicKey(key.publicKey)
        case .p384(let key): return Certificate.PublicKey(key.publicKey)
        case .p521(let key): return Certificate.PublicKey(key.publicKey)
        case .signingKey(let key):
            switch key.publicKey.material {
            case .rsa(let publicKey): return Certificate.PublicKey(publicKey)
            case .p256(let publicKey): return Certificate.PublicKey(publicKey)
            case .p384(let publicKey): return Certificate.PublicKey(publicKey)
            case .ed25519(let publicKey): return Certificate.PublicKey(publicKey)
            }
        }
    }

    /// Whether the key can sign with `algorithm`.
    func fits(_ algorithm: JAdESAlgorithm) -> Bool {
        switch (self, algorithm) {
        case (.rsa, .rs256), (.rsa, .rs384), (.rsa, .rs512), (.rsa, .ps256), (.rsa, .ps384), (.rsa, .ps512),
            (.p256, .es256), (.p384, .es384), (.p521, .es512):
            return true
        case (.signingKey(let key), _):
            return algorithm.signatureAlgorithm?.isCompatible(with: key.type) ?? false
        default:
            return false
        }
    }

    /// Signs the JWS signing input with the algorithm, returning the JWS signature bytes.
    func sign(_ input: [UInt8], algorithm: JAdESAlgorithm) throws(JAdESError) -> [UInt8] {
        do {
            switch (self, algorithm) {
            case (.rsa(let key), .rs256): return Array(try key.signature(for: SHA256.hash(data: input), padding: .insecurePKCS1v1_5).rawRepresentation)
            case (.rsa(let key), .rs384): return Array(try key.signature(for: SHA384.hash(data: input), padding: .insecurePKCS1v1_5).rawRepresentation)
            case (.rsa(let key), .rs512): return Array(try key.signature(for: SHA512.hash(data: input), padding: .insecurePKCS1v1_5).rawRepresentation)
            case (.rsa(let key), .ps256): return Array(try key.signature(for: SHA256.hash(data: input), padding: .PSS).rawRepresentation)
            case (.rsa(let key), .ps384): return Array(try key.signature(for: SHA384.hash(data: input), padding: .PSS).rawRepresentation)
            case (.rsa(let key), .ps512): return Array(try key.signature(for: SHA512.hash(data: input), padding: .PSS).rawRepresentation)
            case (.p256(let key), .es256): return Array(try key.signature(for: SHA256.hash(data: input)).rawRepresentation)
            case (.p384(let key), .es384): return Array(try key.signature(for: SHA384.hash(data: input)).rawRepresentation)
            case (.p521(let key), .es512): return Array(try key.signature(for: SHA512.hash(data: input)).rawRepresentation)
            case (.signingKey(let key), _):
                guard let signatureAlgorithm = algorithm.signatureAlgorithm, signatureAlgorithm.isCompatible(with: key.type) else {
                    throw JAdESError(.keyMismatch, "\(algorithm.rawValue) cannot be used with a \(kindName) key")
                }
                return try key.sign(input, algorithm: signatureAlgorithm)
            default:
                throw JAdESError(.keyMismatch, "\(algorithm.rawValue) cannot be used with a \(kindName) key")
            }
        } catch let error as JAdESError {
            throw error
        } catch {
            // A device's error names its cause (wrong PIN, mechanism, CKR_…) in one line: pass it on as it is.
            throw JAdESError(.signingFailed, "signing with \(algorithm.rawValue) failed: \(error)")
        }
    }

    var kindName: String {
        switch self {
        case .rsa(let key): return "RSA-\(key.keySizeInBits)"
        case .p256: return "P-256"
        case .p384: return "P-384"
        case .p521: return "P-521"
        case .signingKey(let key): return key.keyDescription
        }
    }
}
