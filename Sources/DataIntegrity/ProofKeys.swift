import Crypto
import Foundation
import KeyManagement

/// A public key a proof can be checked with.
///
/// The curve decides the hash for ECDSA suites (P-256 → SHA-256, P-384 → SHA-384).
public enum ProofVerificationKey: Sendable {
    case ed25519(Curve25519.Signing.PublicKey)
    case p256(P256.Signing.PublicKey)
    case p384(P384.Signing.PublicKey)

    /// A short name for messages, e.g. `Ed25519`.
    public var algorithmName: String {
        switch self {
        case .ed25519: return "Ed25519"
        case .p256: return "P-256"
        case .p384: return "P-384"
        }
    }

    /// Whether this key can check proofs of the suite.
    public func supports(_ suite: ProofSuite) -> Bool {
        switch (self, suite) {
        case (.ed25519, .ed25519Signature2020): return true
        case (.ed25519, .dataIntegrity(let suite)): return !suite.usesECDSA
        case (.p256, .dataIntegrity(let suite)), (.p384, .dataIntegrity(let suite)): return suite.usesECDSA
        default: return false
        }
    }

    /// The hash used with this key: SHA-384 for P-384, SHA-256 otherwise.
    public var hashAlgorithm: ProofHashAlgorithm {
        if case .p384 = self { return .sha384 }
        return .sha256
    }

    /// Checks a signature over `message`: Ed25519 pure, or ECDSA over the curve's hash with an IEEE P1363 `r‖s` signature.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        switch self {
        case .ed25519(let key):
            return signature.count == 64 && key.isValidSignature(signature, for: message)
        case .p256(let key):
            guard signature.count == 64, let sig = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(sig, for: message)
        case .p384(let key):
            guard signature.count == 96, let sig = try? P384.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(sig, for: message)
        }
    }
}

/// A private key proofs can be created with.
public enum ProofSigningKey: Sendable {
    case ed25519(Curve25519.Signing.PrivateKey)
    case p256(P256.Signing.PrivateKey)
    case p384(P384.Signing.PrivateKey)
    /// A key that signs elsewhere, such as a PKCS#11 token (Ed25519, P-256 or P-384).
    case external(ExternalProofKey)

    /// The matching public key.
    public var publicKey: ProofVerificationKey {
        switch self {
        case .ed25519(let key): return .ed25519(key.publicKey)
        case .p256(let key): return .p256(key.publicKey)
        case .p384(let key): return .p384(key.publicKey)
        case .external(let key): return key.publicKey
        }
    }

    /// The default cryptosuite for this key type (the RDFC variant).
    public var defaultCryptosuite: Cryptosuite {
        switch self {
        case .ed25519: return .eddsaRdfc2022
        case .p256, .p384: return .ecdsaRdfc2019
        case .external(let external):
            if case .ed25519 = external.publicKey { return .eddsaRdfc2022 }
            return .ecdsaRdfc2019
        }
    }

    /// Signs `message`: Ed25519 (deterministic, RFC 8032) or ECDSA with the curve's hash, as P1363 `r‖s`.
    ///
    /// swift-crypto's ECDSA is randomized (no RFC 6979), so ECDSA signatures verify but differ from the W3C vectors' bytes.
    public func signature(for message: [UInt8]) throws -> [UInt8] {
        switch self {
        case .ed25519(let key): return Array(try key.signature(for: message))
        case .p256(let key): return Array(try key.signature(for: message).rawRepresentation)
        case .p384(let key): return Array(try key.signature(for: message).rawRepresentation)
        case .external(let key): return try key.key.sign(message, algorithm: key.key.type.defaultAlgorithm)
        }
    }
}

/// A ``SigningKey`` usable for Data Integrity proofs: Ed25519, P-256 or P-384 (RSA has no cryptosuite).
public struct ExternalProofKey: Sendable {
    /// The key; it signs the whole hash data, hashing it again for ECDSA as the ecdsa suites require.
    public let key: any SigningKey
    /// The key's public half, as proofs are checked with it.
    public let publicKey: ProofVerificationKey

    /// Wraps a key, refusing RSA keys.
    public init(_ key: any SigningKey) throws(DataIntegrityError) {
        self.key = key
        self.publicKey = try ProofVerificationKey(key.publicKey)
    }
}
