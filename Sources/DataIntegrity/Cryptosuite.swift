import Crypto

/// The Data Integrity cryptosuites this module signs and verifies.
///
/// `eddsa-rdfc-2022` is the project's default: it is what the W3C eddsa suite and most wallets exercise.
public enum Cryptosuite: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// EdDSA cryptosuites §3.2: RDFC-1.0, SHA-256, Ed25519.
    case eddsaRdfc2022 = "eddsa-rdfc-2022"
    /// EdDSA cryptosuites §3.3: RFC 8785 JCS, SHA-256, Ed25519.
    case eddsaJcs2022 = "eddsa-jcs-2022"
    /// ECDSA cryptosuites §3.2: RDFC-1.0, P-256/SHA-256 or P-384/SHA-384 (RDFC itself runs with the same hash).
    case ecdsaRdfc2019 = "ecdsa-rdfc-2019"
    /// ECDSA cryptosuites §3.3: JCS, P-256/SHA-256 or P-384/SHA-384.
    case ecdsaJcs2019 = "ecdsa-jcs-2019"

    public var description: String { rawValue }

    /// Whether the suite canonicalizes with RFC 8785 JCS rather than RDFC-1.0.
    public var usesJCS: Bool { self == .eddsaJcs2022 || self == .ecdsaJcs2019 }

    /// Whether the suite signs with ECDSA (P-256 or P-384) rather than Ed25519.
    public var usesECDSA: Bool { self == .ecdsaRdfc2019 || self == .ecdsaJcs2019 }
}

/// The kind of proof a `proof` object is: a `DataIntegrityProof` with a cryptosuite, or a legacy suite.
public enum ProofSuite: Sendable, Hashable, CustomStringConvertible {
    /// `type: DataIntegrityProof` with this `cryptosuite`.
    case dataIntegrity(Cryptosuite)
    /// The legacy `Ed25519Signature2020` (EdDSA cryptosuites Appendix A), verify only.
    case ed25519Signature2020

    public var description: String {
        switch self {
        case .dataIntegrity(let suite): return suite.rawValue
        case .ed25519Signature2020: return "Ed25519Signature2020"
        }
    }

    /// The JSON-LD `type` value of proofs of this kind.
    public var proofType: String {
        switch self {
        case .dataIntegrity: return "DataIntegrityProof"
        case .ed25519Signature2020: return "Ed25519Signature2020"
        }
    }

    var usesJCS: Bool {
        if case .dataIntegrity(let suite) = self { return suite.usesJCS }
        return false
    }
}

/// The hash a proof uses for `hashData` and, for RDFC suites, inside RDFC-1.0.
public enum ProofHashAlgorithm: String, Sendable, Hashable {
    case sha256 = "SHA-256"
    case sha384 = "SHA-384"

    /// Hashes bytes with this algorithm.
    public func hash(_ bytes: [UInt8]) -> [UInt8] {
        switch self {
        case .sha256: return Array(SHA256.hash(data: bytes))
        case .sha384: return Array(SHA384.hash(data: bytes))
        }
    }
}
