import KeyManagement

/// A verification method that passed every binding rule, with its key and controller document.
public struct ResolvedVerificationMethod: Sendable {
    /// The method as listed in the controller document.
    public let method: VerificationMethod
    /// Its public key.
    public let publicKey: PublicKey
    /// The controller document it was found in.
    public let document: DIDDocument
}

/// Dereferences a proof's `verificationMethod` and checks that it may be used for the proof.
///
/// The rules, each with its own ``DIDError/Code`` (DI §5.9–5.11, CID §3.3):
/// 1. the URL is a DID URL with a fragment (`did:…#…`) — ``DIDError/Code/invalidDID``;
/// 2. the DID resolves, and the document's `id` is that DID — resolver errors,
///    ``DIDError/Code/documentIDMismatch``;
/// 3. the document contains the method — ``DIDError/Code/verificationMethodNotFound``;
/// 4. the method's `controller` is that document's DID — ``DIDError/Code/controllerDocumentMismatch``;
/// 5. the document lists the method under the required relationship (`assertionMethod` for
///    credentials, `authentication` for presentations) — ``DIDError/Code/relationshipNotAuthorized``;
/// 6. when an expected controller is given (the credential's issuer or the presentation's holder),
///    the controller equals it — ``DIDError/Code/controllerMismatch``;
/// 7. the key is a valid Multikey/JWK of a supported type — ``DIDError/Code/invalidKey``.
public struct VerificationMethodResolver: Sendable {
    /// The DID resolver used for step 2.
    public let resolver: any DIDResolver

    /// Creates a resolver over a DID resolver (e.g. ``MultiMethodDIDResolver/offline``).
    public init(resolver: any DIDResolver) {
        self.resolver = resolver
    }

    /// Resolves and checks a verification method URL.
    ///
    /// - Parameters:
    ///   - verificationMethodURL: the proof's `verificationMethod`.
    ///   - relationship: the proof purpose's relationship.
    ///   - expectedController: the issuer (or holder) id; `nil` skips rule 6, which conformance
    ///     vectors whose issuer is not the signing DID need. Verifiers of real credentials pass it.
    public func resolve(
        _ verificationMethodURL: String,
        relationship: VerificationRelationship,
        expectedController: String?
    ) async throws(DIDError) -> ResolvedVerificationMethod {
        guard verificationMethodURL.hasPrefix("did:") else {
            throw DIDError(
                .methodNotSupported, "only DID URL verification methods can be resolved offline; \"\(verificationMethodURL)\" is not a DID URL",
                location: verificationMethodURL)
        }
        guard let hash = verificationMethodURL.firstIndex(of: "#"), verificationMethodURL.index(after: hash) != verificationMethodURL.endIndex else {
            throw DIDError(.invalidDID, "a verification method URL needs a #fragment naming the key", location: verificationMethodURL)
        }
        let did = String(verificationMethodURL[..<hash])
        let document = try await resolver.resolve(did)
        guard document.id == did else {
            throw DIDError(.documentIDMismatch, "the document resolved for \(did) has id \(document.id)", location: verificationMethodURL)
        }
        guard let method = document.verificationMethod(id: verificationMethodURL) else {
            throw DIDError(
                .verificationMethodNotFound, "the controller document \(did) has no verification method with this id", location: verificationMethodURL)
        }
        guard method.controller == document.id else {
            throw DIDError(
                .controllerDocumentMismatch, "the verification method's controller \(method.controller) is not the document it was found in (\(document.id))",
                location: verificationMethodURL)
        }
        guard document.authorizes(method.id, for: relationship) else {
            let listed = document.relationships.keys.filter { document.authorizes(method.id, for: $0) }.map(\.rawValue).sorted()
            let detail = listed.isEmpty ? "it is listed under no relationship" : "it is listed only under \(listed.joined(separator: ", "))"
            throw DIDError(
                .relationshipNotAuthorized, "the controller document \(did) does not list this verification method under \(relationship) (\(detail))",
                location: verificationMethodURL)
        }
        if let expectedController, expectedController != method.controller {
            throw DIDError(
                .controllerMismatch, "the verification method is controlled by \(method.controller), not by the expected controller \(expectedController)",
                location: verificationMethodURL)
        }
        let key = try method.publicKey()
        return ResolvedVerificationMethod(method: method, publicKey: key, document: document)
    }
}
