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
}
