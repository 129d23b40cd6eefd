import CredentialJSON
import DataIntegrity
import Foundation
import TestSupport
import Testing

/// The W3C vc-di-eddsa and vc-di-ecdsa step-by-step vectors, every step compared.
@Suite(.needsSharedData) struct DIVectorConformanceTests {
    let canonicalizer = JSONLDCanonicalizer()

    /// Reproduces one vector: canonical document, canonical proof configuration, both hashes, the signature.
    /// Returns the failed step names (empty when all match).
    func reproduce(_ vector: DIVector) async throws -> [String] {
        var failures: [String] = []
        func check(_ step: String, _ ok: Bool) { if !ok { failures.append(step) } }

        let signed = try #require(try vector.json("signed").objectValue)
        var unsecured = signed
        unsecured.removeValue(forKey: "proof")
        let proofConfig = try #require(try vector.json("proofConfig").objectValue)
        let key = try vector.signingKey()
        let hashing = ProofHashing(canonicalizer: canonicalizer)
        let input = try hashing.hashInput(
            unsecuredDocument: unsecured, proofConfig: proofConfig, suite: vector.suite, hashAlgorithm: key.publicKey.hashAlgorithm)

        check("canonical document", input.canonicalDocument == (try vector.text("canonDoc")))
        check("canonical proof config", input.canonicalProofConfig == (try vector.text("proofCanon")))
        check("document hash", hex(input.documentHash) == (try vector.text("docHash")).trimmingCharacters(in: .whitespacesAndNewlines))
        check("proof config hash", hex(input.proofConfigHash) == (try vector.text("proofHash")).trimmingCharacters(in: .whitespacesAndNewlines))
        check("combined hash", hex(input.hashData) == (try vector.text("combinedHash")).trimmingCharacters(in: .whitespacesAndNewlines))
        // What the verifier hashes: the canonical forms as bytes, never made strings.
        let hashData = try hashing.hashData(
            unsecuredDocument: unsecured, proofConfig: proofConfig, suite: vector.suite, hashAlgorithm: key.publicKey.hashAlgorithm)
        check("hashData without strings equals hashInput's", hashData == input.hashData)

        let vectorSignature = bytes(fromHex: try vector.text("sigHex"))
        let vectorProofValue = (try vector.text("sigBTC58")).trimmingCharacters(in: .whitespacesAndNewlines)
        check("signed proofValue is sigBTC58", signed["proof"]?["proofValue"]?.stringValue == vectorProofValue)
        check("vector signature verifies", key.publicKey.isValidSignature(vectorSignature, for: input.hashData))
        let ours = try key.signature(for: input.hashData)
        if case .ed25519 = key {
            // Ed25519 is deterministic: the proofValue must be byte-identical.
            check("Ed25519 signature byte-identical", ours == vectorSignature)
        } else {
            // swift-crypto's ECDSA is randomized (no RFC 6979), so only a round trip can be checked.
            check("our ECDSA signature verifies", key.publicKey.isValidSignature(ours, for: input.hashData))
        }

        let verifier = DataIntegrityVerifier(canonicalizer: canonicalizer, resolver: DIDVerificationMethodResolver())
        let result = await verifier.verify(.object(signed), options: ProofVerificationOptions(issuerCheck: false))
        check("signed document verifies (\(result.allErrors.map(\.description).joined(separator: "; ")))", result.verified)

        if case .dataIntegrity(let suite) = vector.suite {
            // Signing the unsigned document anew with the vector's options must verify (and match, for Ed25519).
            let options = try ProofOptions(proofConfiguration: proofConfig)
            #expect(options.cryptosuite == suite)
            let signer = DataIntegritySigner(canonicalizer: canonicalizer)
            let resigned = try signer.addProof(to: .object(unsecured), options: options, key: key)
            if case .ed25519 = key {
                check("re-signed proof identical", resigned["proof"] == signed["proof"])
            }
            let again = await verifier.verify(resigned, options: ProofVerificationOptions(issuerCheck: false))
            check("re-signed document verifies", again.verified)
        }
        return failures
    }

    @Test func everyEdDSAAndECDSAVectorReproducesStepByStep() async throws {
        let tally = ConformanceTally("di-vectors")
        for vector in DIVector.all {
            do {
                let failures = try await reproduce(vector)
                tally.record("\(vector): \(failures.joined(separator: ", "))", failures.isEmpty)
            } catch {
                tally.record("\(vector): \(error)", false)
            }
        }
        tally.report()
        #expect(tally.failed.isEmpty)
        #expect(tally.passed == DIVector.all.count)
    }
}

/// The legacy Ed25519Signature2020 suite, verify only, in both the forms found in the wild.
@Suite(.needsSharedData) struct Ed25519Signature2020Tests {
    let verifier = DataIntegrityVerifier(canonicalizer: JSONLDCanonicalizer(), resolver: DIDVerificationMethodResolver())
    let proofOnly = ProofVerificationOptions(issuerCheck: false)

    func signedVector() throws -> JSONObject {
        let path = "di-eddsa/TestVectors/Ed25519Signature2020/signedEdSig.json"
        guard let value = try vectorJSON(path)?.objectValue else { throw MissingSharedFile(path: path) }
        return value
    }

    @Test func aProofCarryingItsOwnContextVerifies() async throws {
        // Open Badges 3.0 style: the suite context sits on the proof, not on the credential.
        var doc = try signedVector()
        let contexts = try #require(doc["@context"]?.arrayValue)
        doc["@context"] = .array(Array(contexts.dropLast()))
        var proof = try #require(doc["proof"]?.objectValue)
        proof["@context"] = .array(contexts)
        doc["proof"] = .object(proof)
        let result = await verifier.verify(.object(doc), options: proofOnly)
        #expect(result.verified, "\(result.allErrors)")
        #expect(result.proofs.first?.suite == .ed25519Signature2020)
    }

    @Test func aTamperedLegacyProofFails() async throws {
        var doc = try signedVector()
        doc["name"] = "Alumni Credential (edited)"
        let result = await verifier.verify(.object(doc), options: proofOnly)
        #expect(result.allErrors.map(\.code) == [.proofVerificationError])
    }
}
