import KeyManagement

extension ProofSigningKey {
    /// The Data Integrity view of a managed key; RSA keys have no Data Integrity cryptosuite and are refused.
    public init(_ key: PrivateKey) throws(DataIntegrityError) {
        switch key.material {
        case .ed25519(let key): self = .ed25519(key)
        case .p256(let key): self = .p256(key)
        case .p384(let key): self = .p384(key)
        case .rsa:
            throw DataIntegrityError(.proofGenerationError, "RSA keys cannot make Data Integrity proofs; use an Ed25519, P-256 or P-384 key")
        }
    }
}

extension ProofSigningKey {
    /// The Data Integrity view of any signing key: in-memory keys directly, others (a PKCS#11 token key) as
    /// ``ProofSigningKey/external(_:)``; RSA keys are refused.
    public init(signingKey key: any SigningKey) throws(DataIntegrityError) {
        if let inMemory = key as? PrivateKey {
            try self.init(inMemory)
        } else if key.type.isRSA {
            throw DataIntegrityError(
                .proofGenerationError, "RSA keys cannot make Data Integrity proofs; use an Ed25519, P-256 or P-384 key (\(key.keyDescription))")
        } else {
            self = .external(try ExternalProofKey(key))
        }
    }
}

extension ProofVerificationKey {
    /// The Data Integrity view of a managed public key; RSA keys are refused.
    public init(_ key: PublicKey) throws(DataIntegrityError) {
        switch key.material {
        case .ed25519(let key): self = .ed25519(key)
        case .p256(let key): self = .p256(key)
        case .p384(let key): self = .p384(key)
        case .rsa:
            throw DataIntegrityError(.invalidVerificationMethod, "an RSA key cannot check Data Integrity proofs")
        }
    }
}
