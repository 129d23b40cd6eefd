/// The key types skillcred can generate, import and use.
public enum KeyType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Ed25519 (RFC 8032), for eddsa-* Data Integrity proofs and JOSE `EdDSA`.
    case ed25519
    /// ECDSA on NIST P-256 with SHA-256 (ecdsa-* proofs, JOSE `ES256`).
    case p256
    /// ECDSA on NIST P-384 with SHA-384 (ecdsa-* proofs, JOSE `ES384`).
    case p384
    /// RSA with a 2048-bit modulus (JAdES `RS256` / `PS256` seals).
    case rsa2048
    /// RSA with a 3072-bit modulus.
    case rsa3072
    /// RSA with a 4096-bit modulus (accepted on import; also generated on request).
    case rsa4096

    public var description: String { rawValue }

    /// Whether this is one of the RSA sizes.
    public var isRSA: Bool {
        switch self {
        case .rsa2048, .rsa3072, .rsa4096: return true
        case .ed25519, .p256, .p384: return false
        }
    }

    /// Whether the type has a Multikey encoding (and therefore a did:key).
    public var hasMultikey: Bool { !isRSA }

    /// The signature algorithm used when the caller does not name one.
    ///
    /// RSA defaults to `RS256` (PKCS#1 v1.5), which every JAdES validator accepts; ask for
    /// ``SignatureAlgorithm/ps256`` explicitly for PSS.
    public var defaultAlgorithm: SignatureAlgorithm {
        switch self {
        case .ed25519: return .eddsa
        case .p256: return .es256
        case .p384: return .es384
        case .rsa2048, .rsa3072, .rsa4096: return .rs256
        }
    }

    /// The RSA modulus size for RSA types.
    public var rsaBits: Int? {
        switch self {
        case .rsa2048: return 2048
        case .rsa3072: return 3072
        case .rsa4096: return 4096
        case .ed25519, .p256, .p384: return nil
        }
    }
}

/// A signature algorithm, named as JOSE (RFC 7518 / RFC 8037) names it.
public enum SignatureAlgorithm: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Pure Ed25519 (no pre-hash); 64-byte signatures.
    case eddsa = "EdDSA"
    /// ECDSA P-256 with SHA-256; 64-byte r‖s (or DER).
    case es256 = "ES256"
    /// ECDSA P-384 with SHA-384; 96-byte r‖s (or DER).
    case es384 = "ES384"
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    case rs256 = "RS256"
    /// RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt.
    case ps256 = "PS256"

    /// The JOSE `alg` value.
    public var joseName: String { rawValue }

    public var description: String { rawValue }

    /// Whether the algorithm can be used with a key of the given type.
    public func isCompatible(with type: KeyType) -> Bool {
        switch self {
        case .eddsa: return type == .ed25519
        case .es256: return type == .p256
        case .es384: return type == .p384
        case .rs256, .ps256: return type.isRSA
        }
    }
}

/// How ECDSA signatures are laid out.
public enum ECDSASignatureFormat: Sendable, Hashable {
    /// Fixed-length r‖s (IEEE P1363), as JOSE (RFC 7518 §3.4) and Data Integrity use.
    case p1363
    /// ASN.1 DER `SEQUENCE { r INTEGER, s INTEGER }`, as X.509 and CMS use.
    case der
}
