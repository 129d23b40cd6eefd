import CredentialJSON
import DataIntegrity
import Foundation
import TestSupport
import Testing

/// di-eddsa/TestVectors/proof-set-chain: two proof sets and two proof chains (DI §2.1.1–2.1.2, §4.3, §4.5).
@Suite(.needsSharedData) struct ProofSetChainTests {
    let folder = "di-eddsa/TestVectors/proof-set-chain"
    let canonicalizer = JSONLDCanonicalizer()
    var verifier: DataIntegrityVerifier { DataIntegrityVerifier(canonicalizer: canonicalizer, resolver: DIDVerificationMethodResolver()) }
    let proofOnly = ProofVerificationOptions(issuerCheck: false)

    func load(_ name: String) throws -> JSONValue {
        guard let v = try vectorJSON("\(folder)/\(name)") else { throw MissingSharedFile(path: name) }
        return v
    }

    func key(_ n: Int) throws -> ProofSigningKey {
        let pairs = try load("multiKeyPairs.json")
        return try TestKeys.signingKey(multibase: pairs["keyPair\(n)"]?["privateKeyMultibase"]?.stringValue ?? "")
    }

    @Test func everySignedProofSetAndChainVerifies() async throws {
        let tally = ConformanceTally("di-proof-set-chain")
        for name in ["signedProofSet1.json", "signedProofSet2.json", "signedProofChain1.json", "signedProofChain2.json"] {
            let result = await verifier.verify(try load(name), options: proofOnly)
            tally.record("\(name): \(result.allErrors.map(\.description).joined(separator: "; "))", result.verified)
        }
        tally.report()
        #expect(tally.failed.isEmpty)
    }

    @Test func addingProofsReproducesTheSetAndChainVectorsByteForByte() async throws {
        let signer = DataIntegritySigner(canonicalizer: canonicalizer)
        func options(_ name: String) throws -> ProofOptions {
            try ProofOptions(proofConfiguration: try #require(try load(name).objectValue))
        }
        let set1 = try signer.addProof(to: try load("unsigned.json"), options: try options("proofSetConfig1.json"), key: try key(1))
        #expect(set1 == (try load("signedProofSet1.json")))
        let set2 = try signer.addProof(to: set1, options: try options("proofSetConfig2.json"), key: try key(2))
        #expect(set2 == (try load("signedProofSet2.json")))
        let chain1 = try signer.addProof(to: set2, options: try options("proofChainConfig1.json"), key: try key(3))
        #expect(chain1 == (try load("signedProofChain1.json")))
        let chain2 = try signer.addProof(to: chain1, options: try options("proofChainConfig2.json"), key: try key(4))
        #expect(chain2 == (try load("signedProofChain2.json")))
    }

    @Test func aPreviousProofThatIsMissingIsAVerificationError() async throws {
        var doc = try #require(try load("signedProofChain2.json").objectValue)
        // Drop the proof the last one chains to (urn:uuid:d94f…).
        let proofs = try #require(doc["proof"]?.arrayValue)
        doc["proof"] = .array(proofs.filter { $0["id"]?.stringValue != "urn:uuid:d94f792a-c546-4d06-b38a-da070ab56c23" })
        let result = await verifier.verify(.object(doc), options: proofOnly)
        #expect(!result.verified)
        #expect(result.proofs.last?.errors.map(\.code) == [.proofVerificationError])
    }

    @Test func aChainedProofFailsWhenTheProofItBuildsOnFails() async throws {
        var doc = try #require(try load("signedProofChain1.json").objectValue)
        var proofs = try #require(doc["proof"]?.arrayValue)
        var first = try #require(proofs[0].objectValue)
        first["created"] = "2023-02-24T23:36:39Z"
        proofs[0] = .object(first)
        doc["proof"] = .array(proofs)
        let result = await verifier.verify(.object(doc), options: proofOnly)
        #expect(result.proofs.map(\.verified) == [false, true, false])
    }

    @Test func aPreviousProofNamingAnUnknownIdIsRefusedWhenSigning() throws {
        let signer = DataIntegritySigner(canonicalizer: canonicalizer)
        var options = try ProofOptions(proofConfiguration: try #require(try load("proofChainConfig1.json").objectValue))
        options.previousProof = ["urn:uuid:nope"]
        #expect(throws: DataIntegrityError(.proofGenerationError, "")) {
            _ = try signer.addProof(to: try load("signedProofSet2.json"), options: options, key: try key(3))
        }
    }
}
