import CredentialJSON
import CredentialVerification
import DataIntegrity
import Foundation
import JAdES
import KeyManagement
import StatusList
import TestSupport
import Testing

/// The six signed files of ../shared/edc-samples; the first two are the EU's official ELM samples.
let signedSamples = [
    "edc-samples/ec-elm/v3.1-master/Sample-CertOfPart-signed.jsonld",
    "edc-samples/ec-elm/v3.1-master/Sample-MC-Annex1-signed.jsonld",
    "edc-samples/mynextid/edc-dc-signed.jsonld",
    "edc-samples/mynextid/edc-mc-signed.jsonld",
    "edc-samples/ec-edci-code/credential-signed.jsonld",
    "edc-samples/ec-edci-code/json_to_seal-signed-jades-baseline-lta.json",
]
let officialSamples = Array(signedSamples.prefix(2))

func sharedBytes(_ path: String) throws -> [UInt8]? {
    guard let url = SharedData.shared(path) else { return nil }
    return Array(try SharedData.data(url))
}

/// Verifies one document and returns its single report.
func verifyOne(_ verifier: CredentialVerifier, _ bytes: [UInt8], source: String = "test") async throws -> VerificationReport {
    let reports = await verifier.verify(bytes: bytes, source: source)
    return try #require(reports.first)
}

func verifyOne(_ verifier: CredentialVerifier, _ json: JSONValue) async throws -> VerificationReport {
    try await verifyOne(verifier, JSONWriter.data(json))
}

/// A demo issuer: a fresh Ed25519 key with its did:key.
struct DemoIssuer {
    let key: PrivateKey
    let did: String
    let method: String

    init(_ type: KeyType = .ed25519) throws {
        key = try PrivateKey.generate(type)
        did = try key.publicKey.didKey()
        method = try key.publicKey.didKeyVerificationMethod()
    }

    func sign(
        _ document: JSONValue, suite: Cryptosuite = .eddsaRdfc2022, purpose: ProofPurpose = .assertionMethod,
        challenge: String? = nil, domain: [String]? = nil
    ) throws -> JSONValue {
        try DataIntegritySigner(canonicalizer: JSONLDCanonicalizer()).addProof(
            to: document,
            options: ProofOptions(
                cryptosuite: suite, verificationMethod: method, proofPurpose: purpose,
                created: "2025-01-01T00:00:00Z", domain: domain, challenge: challenge),
            key: try ProofSigningKey(key))
    }

    /// A VC 2.0 credential issued by this issuer to `subject`.
    func credential(subject: String = "did:example:learner", extra: JSONObject = [:]) -> JSONValue {
        var o: JSONObject = [
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
            "id": "urn:uuid:0b5f6a4e-0000-4000-8000-000000000001",
            "type": ["VerifiableCredential", "ExampleDegreeCredential"],
            "issuer": .string(did),
            "validFrom": "2025-01-01T00:00:00Z",
            "credentialSubject": ["id": .string(subject), "degree": ["type": "ExampleBachelorDegree", "name": "Bachelor of Science and Arts"]],
        ]
        for m in extra { o[m.key] = m.value }
        return .object(o)
    }
}

/// A temporary folder (under the test process's own, removed at exit).
func temporaryDirectory() throws -> URL {
    let url = TestDirectories.path("skillcred-verify")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Prints the suite summary line the conformance convention asks for.
func summary(_ suite: String, passed: Int, failed: Int, skipped: Int) {
    print("\(suite): \(passed) passed, \(failed) failed, \(skipped) skipped")
}
