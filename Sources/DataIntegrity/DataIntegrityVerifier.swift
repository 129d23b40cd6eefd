import CredentialJSON
import Foundation

/// What a verifier expects of the proofs it checks (DI §4.4 inputs, plus issuer binding policy).
public struct ProofVerificationOptions: Sendable {
    /// The purpose every proof must have; `nil` derives it from the document: `authentication` for a
    /// `VerifiablePresentation`, `assertionMethod` otherwise.
    public var expectedProofPurpose: ProofPurpose?
    /// When set, each proof's `domain` must be exactly this set (INVALID_DOMAIN_ERROR otherwise).
    public var domain: [String]?
    /// When set, each proof's `challenge` must equal it (INVALID_CHALLENGE_ERROR otherwise).
    public var challenge: String?
    /// The time `expires` is compared with; `nil` means the current time.
    public var now: Date?
    /// Whether the verification method's controller must be the credential's `issuer` (or the presentation's
    /// `holder`). On by default; turn it off to check "the proof only", as for the W3C spec examples whose
    /// issuer is a `did:example` that is not the signing key's controller.
    public var issuerCheck: Bool
    /// The most proofs one document's `proof` may hold (a set or a chain); more is a PARSING_ERROR at `$.proof`
    /// before any proof is checked. Each proof costs a canonicalization and a signature check, and a chained one
    /// also the proofs it names, so an unbounded set let one request hold a core (256 proofs each chaining every
    /// earlier one: 65 s in a debug build). 16 is the JAdES verifier's limit on signatures too.
    public var maxProofs: Int

    public init(
        expectedProofPurpose: ProofPurpose? = nil, domain: [String]? = nil, challenge: String? = nil,
        now: Date? = nil, issuerCheck: Bool = true, maxProofs: Int = 16
    ) {
        self.expectedProofPurpose = expectedProofPurpose
        self.domain = domain
        self.challenge = challenge
        self.now = now
        self.issuerCheck = issuerCheck
        self.maxProofs = maxProofs
    }
}

/// The outcome for one proof of a document.
public struct ProofVerificationResult: Sendable {
    /// The proof's position in `proof` (0 for a single proof object).
    public let index: Int
    /// Where the proof is, e.g. `$.proof[1]`.
    public let path: JSONPath
    /// The proof's `id`, if it has one.
    public let id: String?
    /// The proof's suite, when the proof could be read.
    public let suite: ProofSuite?
    /// The proof's `verificationMethod`, if it could be read.
    public let verificationMethod: String?
    /// The controller that authorized the verification method, once resolved.
    public let controller: String?
    /// `true`/`false` when the issuer (holder) binding was checked, `nil` when it was not.
    public let issuerMatches: Bool?
    /// Why the proof does not verify; empty when it does.
    public let errors: [DataIntegrityError]

    /// Whether this proof verified.
    public var verified: Bool { errors.isEmpty }
}

/// The outcome for a whole document: every proof must verify (DI §4.5).
public struct DocumentVerificationResult: Sendable {
    /// One result per proof, in document order.
    public let proofs: [ProofVerificationResult]
    /// Failures that concern the document rather than one proof (not an object, no proof at all).
    public let errors: [DataIntegrityError]

    /// Whether the document has at least one proof and every proof verified.
    public var verified: Bool { errors.isEmpty && !proofs.isEmpty && proofs.allSatisfy(\.verified) }

    /// Every error, document-level first.
    public var allErrors: [DataIntegrityError] { errors + proofs.flatMap(\.errors) }
}

/// Verifies the proofs embedded in a document (DI §4.4 Verify Proof, §4.5 proof sets and chains).
///
/// A wrong signature, an unauthorized key or a tampered value is reported in the result, not thrown.
public struct DataIntegrityVerifier: Sendable {
    /// The transformation and hashing steps the verifier recomputes.
    public let hashing: ProofHashing
    /// Where verification methods come from.
    public let resolver: any VerificationMethodResolving

    /// A verifier; the defaults use the bundled contexts and resolve did:key and did:jwk offline.
    public init(
        canonicalizer: any DocumentCanonicalizer = JSONLDCanonicalizer(),
        resolver: any VerificationMethodResolving = DIDVerificationMethodResolver()
    ) {
        self.hashing = ProofHashing(canonicalizer: canonicalizer)
        self.resolver = resolver
    }

    /// Verifies every proof of `document`.
    public func verify(_ document: JSONValue, options: ProofVerificationOptions = ProofVerificationOptions()) async -> DocumentVerificationResult {
        guard let secured = document.objectValue else {
            return DocumentVerificationResult(
                proofs: [],
                errors: [
                    DataIntegrityError(.parsingError, "the secured document must be a JSON object, found \(document.kindName)", path: .root)
                ])
        }
        guard let proofValue = secured["proof"] else {
            return DocumentVerificationResult(
                proofs: [],
                errors: [
                    DataIntegrityError(.parsingError, "the document has no `proof`", path: JSONPath.root.appending("proof"))
                ])
        }
        let proofPath = JSONPath.root.appending("proof")
        let isSet = proofValue.isArray
        let proofValues = proofValue.asArray
        if proofValues.isEmpty {
            return DocumentVerificationResult(
                proofs: [],
                errors: [
                    DataIntegrityError(.parsingError, "`proof` is an empty list", path: proofPath)
                ])
        }
        if proofValues.count > options.maxProofs {
            return DocumentVerificationResult(
                proofs: [],
                errors: [
                    DataIntegrityError(
                        .parsingError, "`proof` holds \(proofValues.count) proofs, more than the limit of \(options.maxProofs)", path: proofPath)
                ])
        }
        var unsecured = secured
        unsecured.removeValue(forKey: "proof")
        let binding = Self.bindingTarget(of: secured)
        let purpose = options.expectedProofPurpose ?? (binding.isPresentation ? .authentication : .assertionMethod)

        var results: [ProofVerificationResult] = []
        results.reserveCapacity(proofValues.count)
        for (index, value) in proofValues.enumerated() {
            let path = isSet ? proofPath.appending(index) : proofPath
            results.append(
                await verifyOne(
                    value, index: index, path: path, allProofs: proofValues, unsecured: unsecured,
                    purpose: purpose, binding: binding, options: options))
        }
        // A chained proof holds only if the proofs it builds on hold too (DI §4.5).
        var changed = true
        while changed {
            changed = false
            for (position, result) in results.enumerated() where result.verified {
                let previous = proofValues[position]["previousProof"].map { $0.asArray.compactMap(\.stringValue) } ?? []
                for id in previous {
                    if let earlier = results.firstIndex(where: { $0.id == id }), !results[earlier].verified {
                        results[position] = ProofVerificationResult(
                            index: result.index, path: result.path, id: result.id, suite: result.suite, verificationMethod: result.verificationMethod,
                            controller: result.controller, issuerMatches: result.issuerMatches,
                            errors: [
                                DataIntegrityError(
                                    .proofVerificationError, "the previous proof `\(id)` does not verify", path: result.path.appending("previousProof"))
                            ])
                        changed = true
                        break
                    }
                }
            }
        }
        return DocumentVerificationResult(proofs: results, errors: [])
    }

    private func verifyOne(
        _ value: JSONValue, index: Int, path: JSONPath, allProofs: [JSONValue], unsecured: JSONObject,
        purpose: ProofPurpose, binding: BindingTarget, options: ProofVerificationOptions
    ) async -> ProofVerificationResult {
        func failure(_ error: DataIntegrityError, proof: EmbeddedProof? = nil, controller: String? = nil, issuerMatches: Bool? = nil) -> ProofVerificationResult
        {
            ProofVerificationResult(
                index: index, path: path, id: proof?.id ?? value["id"]?.stringValue, suite: proof?.suite,
                verificationMethod: proof?.verificationMethod ?? value["verificationMethod"]?.stringValue,
                controller: controller, issuerMatches: issuerMatches, errors: [error])
        }
        let proof: EmbeddedProof
        do {
            proof = try EmbeddedProof(value, path: path)
        } catch {
            return failure(error)
        }
        // DI §4.4 steps 4–6.
        if proof.proofPurpose != purpose {
            return failure(
                DataIntegrityError(
                    .mismatchedProofPurposeError, "`proofPurpose` is `\(proof.proofPurpose)`, expected `\(purpose)`",
                    path: path.appending("proofPurpose")), proof: proof)
        }
        if let expected = options.domain {
            guard let domain = proof.domain, Set(domain) == Set(expected) else {
                return failure(
                    DataIntegrityError(.invalidDomainError, "`domain` does not match the expected domain", path: path.appending("domain")), proof: proof)
            }
        }
        if let expected = options.challenge, proof.challenge != expected {
            return failure(
                DataIntegrityError(.invalidChallengeError, "`challenge` does not match the expected challenge", path: path.appending("challenge")), proof: proof
            )
        }
        if let expires = proof.expires, expires < (options.now ?? Date()) {
            return failure(
                DataIntegrityError(.proofExpiredError, "the proof expired at \(value["expires"]?.stringValue ?? "")", path: path.appending("expires")),
                proof: proof)
        }
        // DI §4.5: a chained proof signs the document together with the proofs it names.
        var input = unsecured
        if !proof.previousProof.isEmpty {
            var matching: [JSONValue] = []
            // Each named proof is signed over once: a name repeated would multiply the canonicalized input.
            var named = Set<String>()
            for id in proof.previousProof {
                guard named.insert(id).inserted else {
                    return failure(
                        DataIntegrityError(
                            .proofVerificationError, "`previousProof` names `\(id)` more than once", path: path.appending("previousProof")),
                        proof: proof)
                }
                guard let previousProof = allProofs.first(where: { $0["id"]?.stringValue == id }) else {
                    return failure(
                        DataIntegrityError(
                            .proofVerificationError, "`previousProof` names `\(id)`, which is not a proof of the document",
                            path: path.appending("previousProof")), proof: proof)
                }
                matching.append(previousProof)
            }
            input["proof"] = .array(matching)
        }
        let method: ProofVerificationMethod
        do {
            method = try await resolver.resolve(verificationMethod: proof.verificationMethod, relationship: purpose)
        } catch {
            return failure(error, proof: proof)
        }
        var issuerMatches: Bool?
        if options.issuerCheck, binding.kind != nil {
            let matches = binding.id == method.controller
            issuerMatches = matches
            if !matches {
                let role = binding.isPresentation ? "holder" : "issuer"
                let found = binding.id.map { "`\($0)`" } ?? "absent"
                return failure(
                    DataIntegrityError(
                        .issuerMismatch, "the verification method's controller `\(method.controller)` is not the \(role) (\(found))",
                        path: JSONPath.root.appending(role)), proof: proof, controller: method.controller, issuerMatches: false)
            }
        }
        guard method.key.supports(proof.suite) else {
            return failure(
                DataIntegrityError(
                    .invalidVerificationMethod, "a \(method.key.algorithmName) key cannot check \(proof.suite) proofs",
                    path: path.appending("verificationMethod")), proof: proof, controller: method.controller, issuerMatches: issuerMatches)
        }
        do {
            let hashData = try hashDataForVerification(proof: proof, document: input, key: method.key)
            guard method.key.isValidSignature(proof.signature, for: hashData) else {
                return failure(
                    DataIntegrityError(
                        .proofVerificationError, "the signature does not match the document and proof options",
                        path: path.appending("proofValue")), proof: proof, controller: method.controller, issuerMatches: issuerMatches)
            }
        } catch {
            return failure(error, proof: proof, controller: method.controller, issuerMatches: issuerMatches)
        }
        return ProofVerificationResult(
            index: index, path: path, id: proof.id, suite: proof.suite, verificationMethod: proof.verificationMethod,
            controller: method.controller, issuerMatches: issuerMatches, errors: [])
    }

    /// The hash input a verifier recomputes for `proof` over `document` (the document without its proofs,
    /// plus the referenced proofs for a chain). Exposed for step-by-step conformance checks.
    public func hashInputForVerification(proof: EmbeddedProof, document: JSONObject, key: ProofVerificationKey) throws(DataIntegrityError) -> ProofHashInput {
        let (unsecured, config) = try verificationInputs(proof: proof, document: document)
        return try hashing.hashInput(unsecuredDocument: unsecured, proofConfig: config, suite: proof.suite, hashAlgorithm: key.hashAlgorithm)
    }

    /// ``hashInputForVerification(proof:document:key:)``'s ``ProofHashInput/hashData`` alone, which is what the
    /// signature is checked against (the canonical forms are hashed as bytes, never made strings).
    public func hashDataForVerification(proof: EmbeddedProof, document: JSONObject, key: ProofVerificationKey) throws(DataIntegrityError) -> [UInt8] {
        let (unsecured, config) = try verificationInputs(proof: proof, document: document)
        return try hashing.hashData(unsecuredDocument: unsecured, proofConfig: config, suite: proof.suite, hashAlgorithm: key.hashAlgorithm)
    }

    private func verificationInputs(proof: EmbeddedProof, document: JSONObject) throws(DataIntegrityError) -> (unsecured: JSONObject, config: JSONObject) {
        var unsecured = document
        var config = proof.object
        config.removeValue(forKey: "proofValue")
        if proof.suite.usesJCS, let proofContext = config["@context"] {
            // EDDSA §3.3.2 / ECDSA §3.3.2: the document's context must start with the proof's, in order.
            let documentContexts = unsecured["@context"]?.asArray ?? []
            let proofContexts = proofContext.asArray
            guard documentContexts.count >= proofContexts.count,
                zip(documentContexts, proofContexts).allSatisfy({ $0 == $1 })
            else {
                throw DataIntegrityError(
                    .proofVerificationError, "the document's `@context` does not start with the proof's `@context`",
                    path: proof.path.appending("@context"))
            }
            unsecured["@context"] = proofContext
        }
        return (unsecured, config)
    }

    struct BindingTarget {
        enum Kind { case credential, presentation }
        var kind: Kind?
        var id: String?
        var isPresentation: Bool { kind == .presentation }
    }

    /// Who a proof's key must belong to: the `issuer` of a credential or the `holder` of a presentation.
    static func bindingTarget(of document: JSONObject) -> BindingTarget {
        let types = document["type"]?.asArray.compactMap(\.stringValue) ?? []
        func idOf(_ value: JSONValue?) -> String? { value?.stringValue ?? value?["id"]?.stringValue }
        if types.contains("VerifiablePresentation") {
            return BindingTarget(kind: .presentation, id: idOf(document["holder"]))
        }
        if types.contains("VerifiableCredential") {
            return BindingTarget(kind: .credential, id: idOf(document["issuer"]))
        }
        return BindingTarget(kind: nil, id: nil)
    }
}
