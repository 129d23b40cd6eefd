import KeyManagement

/// A verification method after resolution: its key, and the controller that authorized it.
public struct ProofVerificationMethod: Sendable {
    /// The verification method's absolute id.
    public let id: String
    /// The controller whose document lists the method under the requested relationship.
    public let controller: String
    /// The public key to check the signature with.
    public let key: ProofVerificationKey

    public init(id: String, controller: String, key: ProofVerificationKey) {
        self.id = id
        self.controller = controller
        self.key = key
    }
}

/// Resolves a proof's `verificationMethod` to a key, enforcing the verification relationship.
///
/// Implementations must only return a method that its controller document lists under `relationship`
/// (DI §5.9–5.11, CID §3.3) and must never fetch from the network unless the user enabled it.
/// ``DIDVerificationMethodResolver`` covers did:key, did:jwk, local did:web and embedded controller documents.
public protocol VerificationMethodResolving: Sendable {
    func resolve(verificationMethod: String, relationship: ProofPurpose) async throws(DataIntegrityError) -> ProofVerificationMethod

    /// Like ``resolve(verificationMethod:relationship:)``, for a JOSE signature (a VC-JWT): the key as a
    /// KeyManagement key, which may also be RSA (JOSE `RS256`, which Open Badges 3.0 requires verifiers to accept),
    /// a key type no Data Integrity cryptosuite has. The default converts ``resolve(verificationMethod:relationship:)``'s
    /// key, so a resolver that knows no RSA keys needs nothing more.
    func resolveJOSE(verificationMethod: String, relationship: ProofPurpose) async throws(DataIntegrityError) -> JOSEVerificationMethod
}

/// A verification method resolved for a JOSE signature: its id, its controller, and its key (RSA included).
public struct JOSEVerificationMethod: Sendable {
    public let id: String
    public let controller: String
    public let key: PublicKey

    public init(id: String, controller: String, key: PublicKey) {
        self.id = id
        self.controller = controller
        self.key = key
    }
}

extension VerificationMethodResolving {
    public func resolveJOSE(verificationMethod: String, relationship: ProofPurpose) async throws(DataIntegrityError) -> JOSEVerificationMethod {
        let method = try await resolve(verificationMethod: verificationMethod, relationship: relationship)
        return JOSEVerificationMethod(id: method.id, controller: method.controller, key: method.key.managed)
    }
}

extension ProofVerificationKey {
    /// The same key as a KeyManagement key.
    public var managed: PublicKey {
        // Every ProofVerificationKey case is a key type PublicKey holds, so the conversion cannot fail.
        switch self {
        case .ed25519(let key): return try! PublicKey(.ed25519(key))
        case .p256(let key): return try! PublicKey(.p256(key))
        case .p384(let key): return try! PublicKey(.p384(key))
        }
    }
}
