import CredentialJSON
import DataIntegrity
import Foundation
import KeyManagement
import Testing

/// Verification methods must be authorized for the proof's purpose, and bound to the issuer or holder.
@Suite struct KeyBindingTests {
    let canonicalizer = JSONLDCanonicalizer()

    /// A did:web controller document in a temporary folder: `#assert` under assertionMethod,
    /// `#auth` under authentication only.
    struct WebIssuer {
        let directory: URL
        let assertKey: ProofSigningKey
        let authKey: ProofSigningKey
        let did = "did:web:issuer.example"

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("di-web-\(UUID().uuidString)")
            let folder = directory.appendingPathComponent("issuer.example/.well-known")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let a = try PrivateKey.generate(.ed25519), b = try PrivateKey.generate(.p256)
            assertKey = try ProofSigningKey(a)
            authKey = try ProofSigningKey(b)
            func method(_ fragment: String, _ key: PrivateKey) throws -> JSONValue {
                [
                    "id": .string("\(did)#\(fragment)"), "type": "Multikey", "controller": .string(did),
                    "publicKeyMultibase": .string(try key.publicKey.publicKeyMultibase()),
                ]
            }
            let document: JSONValue = [
                "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
                "id": .string(did),
                "verificationMethod": [try method("assert", a), try method("auth", b)],
                "assertionMethod": [.string("\(did)#assert")],
                "authentication": [.string("\(did)#auth")],
            ]
            try JSONWriter.string(document).write(to: folder.appendingPathComponent("did.json"), atomically: true, encoding: .utf8)
        }
    }

    func credential(issuer: String) -> JSONValue {
        [
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
            "type": ["VerifiableCredential", "ExampleAlumniCredential"],
            "issuer": .string(issuer),
            "credentialSubject": ["id": "did:example:abc", "alumniOf": "The School of Examples"],
        ]
    }

    @Test func aDidWebKeyListedUnderAssertionMethodVerifiesBoundToTheIssuer() async throws {
        let web = try WebIssuer()
        defer { try? FileManager.default.removeItem(at: web.directory) }
        let signer = DataIntegritySigner(canonicalizer: canonicalizer)
        let verifier = DataIntegrityVerifier(canonicalizer: canonicalizer, resolver: DIDVerificationMethodResolver(didWebDirectory: web.directory))
        let signed = try signer.addProof(
            to: credential(issuer: web.did), options: ProofOptions(verificationMethod: web.did + "#assert"), key: web.assertKey)
        let result = await verifier.verify(signed)
        #expect(result.verified, "\(result.allErrors)")
        #expect(result.proofs.first?.issuerMatches == true)
    }

    @Test func aKeyListedOnlyUnderAuthenticationCannotIssueCredentials() async throws {
        let web = try WebIssuer()
        defer { try? FileManager.default.removeItem(at: web.directory) }
        let signer = DataIntegritySigner(canonicalizer: canonicalizer)
        let verifier = DataIntegrityVerifier(canonicalizer: canonicalizer, resolver: DIDVerificationMethodResolver(didWebDirectory: web.directory))
        let signed = try signer.addProof(
            to: credential(issuer: web.did),
            options: ProofOptions(cryptosuite: .ecdsaRdfc2019, verificationMethod: web.did + "#auth"), key: web.authKey)
        let result = await verifier.verify(signed)
        #expect(result.allErrors.map(\.code) == [.invalidVerificationMethod])
        #expect(result.allErrors.first?.message.contains("assertionMethod") == true)
    }

    @Test func aDidWebWithoutTheDirectoryIsNotFetched() async throws {
        let web = try WebIssuer()
        defer { try? FileManager.default.removeItem(at: web.directory) }
        let signed = try DataIntegritySigner(canonicalizer: canonicalizer).addProof(
            to: credential(issuer: web.did), options: ProofOptions(verificationMethod: web.did + "#assert"), key: web.assertKey)
        let offline = DataIntegrityVerifier(canonicalizer: canonicalizer, resolver: DIDVerificationMethodResolver())
        #expect(await offline.verify(signed).allErrors.map(\.code) == [.invalidVerificationMethod])
    }

    @Test func aPresentationIsCheckedForAuthenticationDomainChallengeAndHolder() async throws {
        let key = try PrivateKey.generate(.ed25519)
        let holder = try key.publicKey.didKey()
        let presentation: JSONValue = [
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiablePresentation"],
            "holder": .string(holder),
        ]
        let signed = try DataIntegritySigner(canonicalizer: canonicalizer).addProof(
            to: presentation,
            options: ProofOptions(
                verificationMethod: try key.publicKey.didKeyVerificationMethod(), proofPurpose: .authentication,
                domain: ["verifier.example"], challenge: "n-0S6_WzA2Mj"),
            key: try ProofSigningKey(key))
        let verifier = DataIntegrityVerifier(canonicalizer: canonicalizer, resolver: DIDVerificationMethodResolver())
        let ok = await verifier.verify(signed, options: ProofVerificationOptions(domain: ["verifier.example"], challenge: "n-0S6_WzA2Mj"))
        #expect(ok.verified, "\(ok.allErrors)")
        #expect(ok.proofs.first?.issuerMatches == true)
        let replayed = await verifier.verify(signed, options: ProofVerificationOptions(domain: ["verifier.example"], challenge: "other"))
        #expect(replayed.allErrors.map(\.code) == [.invalidChallengeError])
        let asCredentialProof = await verifier.verify(signed, options: ProofVerificationOptions(expectedProofPurpose: .assertionMethod))
        #expect(asCredentialProof.allErrors.map(\.code) == [.mismatchedProofPurposeError])
    }

    @Test func aSuppliedControllerDocumentResolvesItsKeys() async throws {
        let key = try PrivateKey.generate(.p384)
        let did = "did:example:registrar"
        let controller: JSONObject = [
            "id": .string(did),
            "verificationMethod": [
                [
                    "id": .string(did + "#seal"), "type": "Multikey", "controller": .string(did),
                    "publicKeyMultibase": .string(try key.publicKey.publicKeyMultibase()),
                ]
            ],
            "assertionMethod": [.string(did + "#seal")],
        ]
        let signed = try DataIntegritySigner(canonicalizer: canonicalizer).addProof(
            to: credential(issuer: did), options: ProofOptions(cryptosuite: .ecdsaRdfc2019, verificationMethod: did + "#seal"),
            key: try ProofSigningKey(key))
        let resolver = try DIDVerificationMethodResolver(controllerDocumentsJSON: [controller])
        let result = await DataIntegrityVerifier(canonicalizer: canonicalizer, resolver: resolver).verify(signed)
        #expect(result.verified, "\(result.allErrors)")
        #expect(result.proofs.first?.controller == did)
        #expect(result.proofs.first?.issuerMatches == true)
        // Without the document, did:example resolves to nothing.
        #expect(await DataIntegrityVerifier(canonicalizer: canonicalizer).verify(signed).allErrors.map(\.code) == [.invalidVerificationMethod])
    }
}
