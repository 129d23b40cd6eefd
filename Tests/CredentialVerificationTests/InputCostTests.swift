import CredentialJSON
import CredentialVerification
import Testing

/// What anyone can post to `/credentials/verify` is read in time linear in its size, before and whatever its seal.
@Suite struct InputCostTests {
    /// The summary reads every `eqfLevel` value; each odd one was searched for among those already seen, so n
    /// distinct odd values cost n² (20,000: 7.8 s, debug build).
    @Test(.timeLimit(.minutes(1))) func manyDistinctUnreadableEQFLevelsAreReadInLinearTime() async throws {
        let count = 100_000
        let credential: JSONValue = [
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
            "type": ["VerifiableCredential"], "issuer": "did:example:issuer",
            "credentialSubject": [
                "id": "did:example:learner",
                "eqfLevel": .array((0..<count).map { .string("level \($0)") } + ["http://data.europa.eu/snb/eqf/6"]),
            ],
        ]
        let report = try await verifyOne(CredentialVerifier(), credential)
        #expect(report.summary?.eqfLevel == 6)
    }
}
