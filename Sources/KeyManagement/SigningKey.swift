/// Something that signs with a private key it may never show: a key file in memory (``PrivateKey``) or a key held
/// in a device (a PKCS#11 token, see the `PKCS11Keys` module).
///
/// The JAdES sealer and the Data Integrity signer take any `SigningKey`, so a key in an HSM is usable wherever a
/// key file is. Implementations must be safe to call from several tasks at once: bulk issuing signs in parallel.
public protocol SigningKey: Sendable {
    /// The key's type; it decides which ``SignatureAlgorithm``s fit.
    var type: KeyType { get }
    /// The public half, from which certificates, did:keys and verification use it.
    var publicKey: PublicKey { get }
    /// What the key is for messages (a file name, a PKCS#11 URI); never key material.
    var keyDescription: String { get }
    /// Signs `message` (the whole message: the implementation hashes it as `algorithm` requires) and returns the
    /// signature as JOSE and Data Integrity carry it: r‖s for ECDSA, the raw signature for RSA and Ed25519.
    ///
    /// - Throws: when the algorithm does not fit the key, or the signing device refuses; the error's description
    ///   is one line naming the cause.
    func sign(_ message: [UInt8], algorithm: SignatureAlgorithm) throws -> [UInt8]
}

extension PrivateKey: SigningKey {
    public var keyDescription: String { "\(type) key in memory" }

    public func sign(_ message: [UInt8], algorithm: SignatureAlgorithm) throws -> [UInt8] {
        try signature(for: message, algorithm: algorithm)
    }
}
