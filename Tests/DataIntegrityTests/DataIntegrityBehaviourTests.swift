import CredentialJSON
import DataIntegrity
import Foundation
import KeyManagement
import Testing

/// Behaviour of the proof model, checked on small in-memory documents.
@Suite struct DataIntegrityBehaviourTests {
    static let managedKey = try! PrivateKey.generate(.ed25519)
    static let signingKey = try! ProofSigningKey(managedKey)
    static let did = try! managedKey.publicKey.didKey()
    static let verificationMethod = try! managedKey.publicKey.didKeyVerificationMethod()

    let canonicalizer = JSONLDCanonicalizer()
    var signer: DataIntegritySigner { DataIntegritySigner(canonicalizer: canonicalizer) }
    var verifier: DataIntegrityVerifier { DataIntegrityVerifier(canonicalizer: canonicalizer, resolver: DIDVerificationMethodResolver()) }

    static func credential(issuer: String = did) -> JSONValue {
        [
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
            "type": ["VerifiableCredential", "ExampleAlumniCredential"],
            "issuer": .string(issuer),
            "validFrom": "2024-01-01T00:00:00Z",
            "credentialSubject": ["id": "did:example:abc", "alumniOf": "The School of Examples"],
        ]
    }

    func sign(_ suite: Cryptosuite, document doc: JSONValue = credential(), _ tweak: (inout ProofOptions) -> Void = { _ in }) throws -> JSONValue {
        var options = ProofOptions(cryptosuite: suite, verificationMethod: Self.verificationMethod, created: "2024-05-01T10:00:00Z")
        tweak(&options)
        return try signer.addProof(to: doc, options: options, key: Self.signingKey)
    }

    func codes(_ doc: JSONValue, _ options: ProofVerificationOptions = ProofVerificationOptions()) async -> [DataIntegrityError.Code] {
        await verifier.verify(doc, options: options).allErrors.map(\.code)
    }

    @Test(arguments: [Cryptosuite.eddsaRdfc2022, .eddsaJcs2022])
    func aFreshlySignedCredentialVerifiesWithTheIssuerBound(_ suite: Cryptosuite) async throws {
        let signed = try sign(suite)
        let result = await verifier.verify(signed)
        #expect(result.verified, "\(result.allErrors)")
        #expect(result.proofs.first?.issuerMatches == true)
        #expect(result.proofs.first?.controller == Self.did)
    }

    @Test func aJCSProofCarriesTheDocumentContext() throws {
        let signed = try sign(.eddsaJcs2022)
        #expect(signed["proof"]?["@context"] == Self.credential()["@context"])
        let rdfc = try sign(.eddsaRdfc2022)
        #expect(rdfc["proof"]?["@context"] == nil)
    }

    @Test func aJCSProofWhoseContextIsNotAPrefixOfTheDocumentsFails() async throws {
        var signed = try #require(try sign(.eddsaJcs2022).objectValue)
        signed["@context"] = ["https://www.w3.org/ns/credentials/v2"]
        #expect(await codes(.object(signed)) == [.proofVerificationError])
    }

    @Test func anIssuerThatIsNotTheKeysControllerIsReportedNotThrown() async throws {
        let signed = try sign(.eddsaRdfc2022, document: Self.credential(issuer: "did:example:someone-else"))
        let result = await verifier.verify(signed)
        #expect(!result.verified)
        #expect(result.proofs.first?.issuerMatches == false)
        #expect(result.allErrors.map(\.code) == [.issuerMismatch])
        let proofOnly = await verifier.verify(signed, options: ProofVerificationOptions(issuerCheck: false))
        #expect(proofOnly.verified)
        #expect(proofOnly.proofs.first?.issuerMatches == nil)
    }

    @Test func anUndefinedTermIsADataLossErrorNotADroppedClaim() async throws {
        var doc = try #require(Self.credential().objectValue)
        doc["@context"] = ["https://www.w3.org/ns/credentials/v2"]
        var subject = try #require(doc["credentialSubject"]?.objectValue)
        subject["undefinedTerm"] = "value"
        subject.removeValue(forKey: "alumniOf")
        doc["credentialSubject"] = .object(subject)
        #expect(throws: DataIntegrityError(.dataLossDetectionError, "")) {
            _ = try sign(.eddsaRdfc2022, document: .object(doc))
        }
    }

    @Test func aRelativeIRIIsADataLossError() throws {
        var doc = try #require(Self.credential().objectValue)
        doc["id"] = "relative/credential/1"
        #expect(throws: DataIntegrityError(.dataLossDetectionError, "")) {
            _ = try sign(.eddsaRdfc2022, document: .object(doc))
        }
    }

    @Test func aTamperedProofValueDoesNotVerify() async throws {
        var signed = try #require(try sign(.eddsaRdfc2022).objectValue)
        var proof = try #require(signed["proof"]?.objectValue)
        let value = try #require(proof["proofValue"]?.stringValue)
        // Swap one base58 digit for another: same length, different signature bytes.
        var chars = Array(value)
        chars[10] = chars[10] == "2" ? "3" : "2"
        proof["proofValue"] = .string(String(chars))
        signed["proof"] = .object(proof)
        #expect(await codes(.object(signed)) == [.proofVerificationError])
    }

    @Test func aProofValueInAnotherMultibaseIsMalformed() async throws {
        var signed = try #require(try sign(.eddsaRdfc2022).objectValue)
        var proof = try #require(signed["proof"]?.objectValue)
        proof["proofValue"] = "uAAAA"
        signed["proof"] = .object(proof)
        #expect(await codes(.object(signed)) == [.malformedProofError])
    }

    @Test(arguments: ["type", "verificationMethod", "proofPurpose", "proofValue"])
    func aProofWithoutARequiredMemberFails(_ member: String) async throws {
        var signed = try #require(try sign(.eddsaRdfc2022).objectValue)
        var proof = try #require(signed["proof"]?.objectValue)
        proof.removeValue(forKey: member)
        signed["proof"] = .object(proof)
        #expect(await codes(.object(signed)) == [.proofVerificationError])
    }

    @Test func aProofPurposeOtherThanTheExpectedOneFails() async throws {
        let signed = try sign(.eddsaRdfc2022) { $0.proofPurpose = .authentication }
        #expect(await codes(signed) == [.mismatchedProofPurposeError])
    }

    @Test func domainAndChallengeMustMatchWhenTheVerifierExpectsThem() async throws {
        let signed = try sign(.eddsaRdfc2022) {
            $0.domain = ["example.org"]; $0.challenge = "abc123"
        }
        let good = ProofVerificationOptions(domain: ["example.org"], challenge: "abc123")
        #expect(await codes(signed, good) == [])
        #expect(await codes(signed, ProofVerificationOptions(domain: ["other.example"], challenge: "abc123")) == [.invalidDomainError])
        #expect(await codes(signed, ProofVerificationOptions(domain: ["example.org"], challenge: "nope")) == [.invalidChallengeError])
        let unbound = try sign(.eddsaRdfc2022)
        #expect(await codes(unbound, good) == [.invalidDomainError])
    }

    @Test func anExpiredProofFailsAndAnUnexpiredOneVerifies() async throws {
        let signed = try sign(.eddsaRdfc2022) { $0.expires = "2025-01-01T00:00:00Z" }
        let before = ProofVerificationOptions(now: XSDDateTime.parse("2024-12-31T00:00:00Z", syntax: .dateTime))
        let after = ProofVerificationOptions(now: XSDDateTime.parse("2025-01-02T00:00:00Z", syntax: .dateTime))
        #expect(await codes(signed, before) == [])
        #expect(await codes(signed, after) == [.proofExpiredError])
    }

    @Test func aCreatedWithoutOffsetIsAcceptedAndAnInvalidCreatedIsMalformed() async throws {
        let noOffset = try sign(.eddsaRdfc2022) { $0.created = "2024-05-01T10:00:00" }
        #expect(await codes(noOffset) == [])
        #expect(throws: DataIntegrityError(.proofGenerationError, "")) {
            _ = try sign(.eddsaRdfc2022) { $0.created = "yesterday" }
        }
    }

    @Test func aDocumentWithoutProofOrNotAnObjectIsAParsingError() async {
        #expect(await codes(Self.credential()) == [.parsingError])
        #expect(await codes(.array([])) == [.parsingError])
    }

    @Test func aKeyOfTheWrongTypeCannotMakeAProof() throws {
        #expect(throws: DataIntegrityError(.proofGenerationError, "")) {
            _ = try signer.addProof(
                to: Self.credential(),
                options: ProofOptions(cryptosuite: .ecdsaRdfc2019, verificationMethod: Self.verificationMethod),
                key: Self.signingKey)
        }
    }

    @Test func aSecondProofWithoutPreviousProofMakesAProofSet() async throws {
        let once = try sign(.eddsaRdfc2022)
        let twice = try signer.addProof(
            to: once, options: ProofOptions(cryptosuite: .eddsaJcs2022, verificationMethod: Self.verificationMethod),
            key: Self.signingKey)
        #expect(twice["proof"]?.arrayValue?.count == 2)
        let result = await verifier.verify(twice)
        #expect(result.verified, "\(result.allErrors)")
    }
}
