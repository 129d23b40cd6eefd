import CredentialJSON
import DataIntegrity
import Foundation
import KeyManagement
import Testing

/// The negative (and must-accept) cases the W3C data-integrity test-suite generators produce
/// (`vc-generator/generators.js`), applied to a credential we sign; see test-suite-assertions.md §3.
@Suite struct TestSuiteNegativeTests {
    static let key = try! PrivateKey.generate(.ed25519)
    static let verificationMethod = try! key.publicKey.didKeyVerificationMethod()
    let canonicalizer = JSONLDCanonicalizer()
    var verifier: DataIntegrityVerifier { DataIntegrityVerifier(canonicalizer: canonicalizer, resolver: DIDVerificationMethodResolver()) }

    func signed(_ tweak: (inout ProofOptions) -> Void = { _ in }) throws -> JSONObject {
        let credential: JSONValue = [
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
            "type": ["VerifiableCredential", "ExampleAlumniCredential"],
            "issuer": .string(try Self.key.publicKey.didKey()),
            "credentialSubject": ["id": "did:example:abc", "alumniOf": "The School of Examples"],
        ]
        var options = ProofOptions(verificationMethod: Self.verificationMethod)
        tweak(&options)
        let signer = DataIntegritySigner(canonicalizer: canonicalizer)
        return try #require(try signer.addProof(to: credential, options: options, key: ProofSigningKey(Self.key)).objectValue)
    }

    func withProofMember(_ key: String, _ value: JSONValue?) throws -> JSONValue {
        var doc = try signed()
        var proof = try #require(doc["proof"]?.objectValue)
        proof[key] = value
        doc["proof"] = .object(proof)
        return .object(doc)
    }

    static let rejected: [(generator: String, member: String, value: JSONValue?, code: DataIntegrityError.Code)] = [
        ("invalidProofType", "type", "UnknownProofType", .proofVerificationError),
        ("invalidCryptosuite", "cryptosuite", "eddsa-unknown-2022", .proofVerificationError),
        ("noProofPurpose", "proofPurpose", nil, .proofVerificationError),
        ("invalidProofPurpose", "proofPurpose", "invalidPurpose", .mismatchedProofPurposeError),
        ("noVerificationMethod", "verificationMethod", nil, .proofVerificationError),
        ("invalidVm", "verificationMethod", "did:example:not-a-key#key-1", .invalidVerificationMethod),
        ("invalidCreated", "created", "not-a-date", .malformedProofError),
        ("invalidExpires", "expires", "2025-13-45T99:99:99Z", .malformedProofError),
        ("cryptosuiteNotAString", "cryptosuite", 42, .malformedProofError),
        ("previousProofFail", "previousProof", "urn:uuid:does-not-exist", .proofVerificationError),
        ("missingPreviousProofArray", "previousProof", ["urn:uuid:a", "urn:uuid:b"], .proofVerificationError),
    ]

    @Test func everyGeneratedNegativeIsRejectedWithItsErrorType() async throws {
        let tally = ConformanceTally("di-suite-negatives")
        for case let (generator, member, value, code) in Self.rejected {
            let codes = await verifier.verify(try withProofMember(member, value)).allErrors.map(\.code)
            tally.record("\(generator): got \(codes)", codes == [code])
        }
        tally.report()
        #expect(tally.failed.isEmpty)
    }

    @Test func generatedCasesThatMustBeAcceptedVerify() async throws {
        let oneYearAgo = XSDDateTime.format(Date().addingTimeInterval(-365 * 86_400))
        let cases: [(String, (inout ProofOptions) -> Void)] = [
            ("noOffsetCreated", { $0.created = "2024-05-01T10:00:00" }),
            ("noOffsetExpires", { $0.expires = "2099-05-01T10:00:00" }),
            ("createdOneYearAgo", { $0.created = oneYearAgo }),
            ("noCreated", { $0.created = nil }),
            ("createdWithOffset", { $0.created = "2024-05-01T12:00:00+02:00" }),
        ]
        for (name, tweak) in cases {
            let result = await verifier.verify(.object(try signed(tweak)))
            #expect(result.verified, "\(name): \(result.allErrors)")
        }
    }
}
