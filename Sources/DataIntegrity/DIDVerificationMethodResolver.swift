import CredentialJSON
import DIDResolution
import Foundation
import KeyManagement

/// Resolves proof verification methods through DID documents: did:key, did:jwk, did:web from a local
/// folder, and controller documents supplied by the caller (e.g. embedded in a request).
///
/// The method must be in its controller document and listed under the relationship the proof purpose
/// names (DI §5.9–5.11); issuer binding is checked by ``DataIntegrityVerifier`` so it can be reported
/// as a flag. A `did:key` without a fragment names the DID's only key, as the VC 2.0 and Bitstring Status
/// List spec examples write it.
public struct DIDVerificationMethodResolver: VerificationMethodResolving {
    /// The DID resolver the verification method's controller document comes from.
    public let didResolver: any DIDResolver

    /// Resolves with `didResolver` (for example `MultiMethodDIDResolver.offline`).
    public init(didResolver: any DIDResolver) {
        self.didResolver = didResolver
    }

    /// did:key, did:jwk, did:web from `didWebDirectory` (`DIR/host/did.json`), and the given controller
    /// documents, which take precedence for their DIDs. Nothing is fetched from the network.
    public init(didWebDirectory: URL? = nil, controllerDocuments: [DIDDocument] = []) {
        let methods = MultiMethodDIDResolver(webDirectory: didWebDirectory)
        self.didResolver = controllerDocuments.isEmpty ? methods : ControllerDocumentResolver(controllerDocuments, fallback: methods)
    }

    /// Resolves `verificationMethod` and checks that its controller lists it under `relationship`.
    /// Like ``init(didWebDirectory:controllerDocuments:)``, with the controller documents as JSON
    /// (for example embedded in a request or given on the command line).
    public init(didWebDirectory: URL? = nil, controllerDocumentsJSON: [JSONObject]) throws(DataIntegrityError) {
        var documents: [DIDDocument] = []
        for (index, json) in controllerDocumentsJSON.enumerated() {
            do {
                documents.append(try DIDDocument(json: json))
            } catch {
                throw DataIntegrityError(.invalidVerificationMethod, "controller document \(index + 1): \(error)")
            }
        }
        self.init(didWebDirectory: didWebDirectory, controllerDocuments: documents)
    }

    public func resolve(verificationMethod: String, relationship: ProofPurpose) async throws(DataIntegrityError) -> ProofVerificationMethod {
        let method = try await resolveJOSE(verificationMethod: verificationMethod, relationship: relationship)
        // RSA keys stop here: no Data Integrity cryptosuite uses them.
        return ProofVerificationMethod(id: method.id, controller: method.controller, key: try ProofVerificationKey(method.key))
    }

    /// The method's key as the DID document states it, RSA included (for VC-JWT `RS256`).
    public func resolveJOSE(verificationMethod: String, relationship: ProofPurpose) async throws(DataIntegrityError) -> JOSEVerificationMethod {
        var url = verificationMethod
        if url.hasPrefix("did:key:"), !url.contains("#") {
            url += "#" + url.dropFirst("did:key:".count)
        }
        guard let required = VerificationRelationship(rawValue: relationship.rawValue) else {
            throw DataIntegrityError(.invalidVerificationMethod, "the proof purpose `\(relationship)` names no verification relationship")
        }
        do {
            let resolved = try await VerificationMethodResolver(resolver: didResolver).resolve(url, relationship: required, expectedController: nil)
            return JOSEVerificationMethod(id: resolved.method.id, controller: resolved.method.controller, key: resolved.publicKey)
        } catch {
            throw DataIntegrityError(.invalidVerificationMethod, "verification method \(verificationMethod): \(error)")
        }
    }
}

/// Controller documents known up front (for example embedded in a verification request), by DID,
/// consulted before `fallback`.
public struct ControllerDocumentResolver: DIDResolver {
    /// The supplied controller documents by DID.
    public let documents: [String: DIDDocument]
    /// Consulted for any other DID; `nil` makes other DIDs unresolvable.
    public let fallback: (any DIDResolver)?

    public init(_ documents: [DIDDocument], fallback: (any DIDResolver)? = nil) {
        var byID: [String: DIDDocument] = [:]
        for document in documents { byID[document.id] = document }
        self.documents = byID
        self.fallback = fallback
    }

    /// The supplied document for `did`, else the fallback's.
    public func resolve(_ did: String) async throws(DIDError) -> DIDDocument {
        if let document = documents[did] { return document }
        guard let fallback else {
            throw DIDError(.methodNotSupported, "no controller document for \(did)", location: did)
        }
        return try await fallback.resolve(did)
    }
}
