import CredentialJSON
import DataIntegrity
import Testing

/// A proof set or chain is paid for per proof (a canonicalization and a signature check each) and, in a chain, per
/// proof it builds on: 256 proofs each chaining every earlier one took 65 s to verify (debug build; the document
/// and its named proofs are canonicalized once per proof, and each name was looked up in the whole set).
@Suite struct ProofCountLimitTests {
    /// A did:key the resolver reads offline, so each proof reaches canonicalization and the signature check.
    static let method = "did:key:z6Mketv7XxMNo8ZHnr8w9LVC1vVNDKTLK7eGG3iXvbFB7hKp#z6Mketv7XxMNo8ZHnr8w9LVC1vVNDKTLK7eGG3iXvbFB7hKp"

    /// A well-formed proof whose signature does not match (what verification does up to the signature is the cost).
    static func proof(id: String, previous: [String] = []) -> JSONValue {
        var proof: JSONObject = [
            "id": .string(id), "type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "created": "2026-12-06T03:22:46Z",
            "verificationMethod": .string(method), "proofPurpose": "assertionMethod",
            "proofValue": "z5RXFwRUWrjSqyoxz4ZofuTqZAiQjGVt7zMYtV1LfkzkPmjwFewvhidktqDvneBRv9USDxpZtFH7dTWuHMUbdfCKz",
        ]
        if !previous.isEmpty { proof["previousProof"] = .array(previous.map { .string($0) }) }
        return .object(proof)
    }

    static func document(proofs: [JSONValue]) -> JSONValue {
        .object([
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
            "type": ["VerifiableCredential"], "issuer": "did:key:z6Mketv7XxMNo8ZHnr8w9LVC1vVNDKTLK7eGG3iXvbFB7hKp",
            "credentialSubject": ["id": "did:example:learner", "name": "Alex"], "proof": .array(proofs),
        ])
    }

    /// Proof `i` names every proof before it.
    static func chain(_ count: Int) -> JSONValue {
        document(proofs: (0..<count).map { index in proof(id: "urn:proof:\(index)", previous: (0..<index).map { "urn:proof:\($0)" }) })
    }

    let verifier = DataIntegrityVerifier()

    @Test func aProofSetLargerThanTheLimitIsRefusedNamingProofBeforeAnyProofIsChecked() async {
        let limit = ProofVerificationOptions().maxProofs
        let result = await verifier.verify(Self.document(proofs: (0...limit).map { Self.proof(id: "urn:proof:\($0)") }))
        #expect(result.proofs.isEmpty)
        #expect(result.errors.map(\.code) == [.parsingError])
        #expect(result.errors.first?.path == JSONPath.root.appending("proof"))
        #expect(result.errors.first?.message.contains("\(limit + 1) proofs, more than the limit of \(limit)") == true)
    }

    @Test func aProofSetAtTheLimitIsVerifiedProofByProof() async {
        let limit = ProofVerificationOptions().maxProofs
        let result = await verifier.verify(Self.document(proofs: (0..<limit).map { Self.proof(id: "urn:proof:\($0)") }))
        #expect(result.errors.isEmpty)
        #expect(result.proofs.count == limit)
        #expect(result.proofs.allSatisfy { $0.errors.map(\.code) == [.proofVerificationError] })
    }

    @Test func theLimitCanBeRaised() async {
        var options = ProofVerificationOptions()
        options.maxProofs = 40
        let result = await verifier.verify(Self.document(proofs: (0..<40).map { Self.proof(id: "urn:proof:\($0)") }), options: options)
        #expect(result.errors.isEmpty)
        #expect(result.proofs.count == 40)
    }

    @Test(.timeLimit(.minutes(1))) func aLongChainOfProofsEachNamingEveryEarlierOneIsRefusedQuickly() async {
        let result = await verifier.verify(Self.chain(400))
        #expect(result.proofs.isEmpty)
        #expect(result.errors.first?.path == JSONPath.root.appending("proof"))
    }

    @Test(.timeLimit(.minutes(1))) func aPreviousProofNamingOneProofManyTimesIsRefusedWithoutSigningTheCopies() async {
        // One earlier proof named 100,000 times would otherwise be canonicalized 100,000 times over in the chained input.
        let named = Array(repeating: "urn:proof:0", count: 100_000)
        let result = await verifier.verify(Self.document(proofs: [Self.proof(id: "urn:proof:0"), Self.proof(id: "urn:proof:1", previous: named)]))
        let second = result.proofs.last
        #expect(second?.errors.map(\.code) == [.proofVerificationError])
        #expect(second?.errors.first?.path == JSONPath.root.appending("proof").appending(1).appending("previousProof"))
        #expect(second?.errors.first?.message.contains("names `urn:proof:0` more than once") == true)
    }

    @Test func aChainAtTheLimitIsVerified() async {
        let limit = ProofVerificationOptions().maxProofs
        let result = await verifier.verify(Self.chain(limit))
        #expect(result.errors.isEmpty)
        #expect(result.proofs.count == limit)
        #expect(result.proofs.allSatisfy { !$0.verified })
    }
}
