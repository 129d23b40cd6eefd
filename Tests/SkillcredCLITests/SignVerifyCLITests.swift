import CredentialJSON
import Foundation
import TestSupport
import Testing

private let binary: URL? = {
    let url = SharedData.packageRoot.appendingPathComponent(".build/debug/skillcred")
    return FileManager.default.isExecutableFile(atPath: url.path) ? url : nil
}()

private struct Output {
    var status: Int32
    var stdout: String
    var stderr: String
}

private func run(_ arguments: [String], in directory: URL) throws -> Output {
    let ended = try ChildProcess.run(binary!, arguments, in: directory)
    return Output(status: ended.status, stdout: ended.stdoutText, stderr: ended.stderrText)
}

private let credential = """
    {
      "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
      "type": ["VerifiableCredential", "ExampleAlumniCredential"],
      "validFrom": "2024-01-01T00:00:00Z",
      "credentialSubject": {"id": "did:example:abc", "alumniOf": "The School of Examples"}
    }
    """

@Suite("skillcred sign / verify", .enabled(if: binary != nil, "build the skillcred binary first (swift build)"))
struct SignVerifyCLITests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-di-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try credential.write(to: directory.appendingPathComponent("vc.json"), atomically: true, encoding: .utf8)
    }

    func write(_ text: String, _ name: String) throws {
        try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    @Test(arguments: [("ed25519", "eddsa-rdfc-2022"), ("ed25519", "eddsa-jcs-2022"), ("p256", "ecdsa-rdfc-2019"), ("p384", "ecdsa-jcs-2019")])
    func generateSignVerifyAndDetectTampering(_ keyType: String, _ suite: String) throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try run(["keys", "generate", "--type", keyType, "--name", "issuer"], in: directory).status == 0)
        let signed = try run(["sign", "--key", "issuer", "--suite", suite, "vc.json"], in: directory)
        #expect(signed.status == 0, "\(signed.stderr)")
        let document = try JSONParser.parse(signed.stdout)
        #expect(document["issuer"]?.stringValue?.hasPrefix("did:key:z") == true)
        #expect(document["proof"]?["cryptosuite"]?.stringValue == suite)
        try write(signed.stdout, "signed.json")

        // The proof verifies; the did:key issuer is in no trusted-issuer list, so the full verifier says
        // "Partially verified" (exit 3), and "Verified" (exit 0) once the issuer is trusted.
        let verified = try run(["verify", "signed.json"], in: directory)
        #expect(verified.status == 3, "\(verified.stdout)\(verified.stderr)")
        #expect(verified.stdout.contains("Partially verified  signed.json"))
        #expect(verified.stdout.contains("✓ Seal"))
        let issuer = try #require(document["issuer"]?.stringValue)
        try write(#"{"trustedIssuers":[{"id":"\#(issuer)","name":"Test issuer"}]}"#, "trusted.json")
        let trusted = try run(["verify", "--trusted-issuers", "trusted.json", "signed.json"], in: directory)
        #expect(trusted.status == 0, "\(trusted.stdout)\(trusted.stderr)")
        #expect(trusted.stdout.hasPrefix("✓ Verified  signed.json"))

        try write(signed.stdout.replacingOccurrences(of: "The School of Examples", with: "The School of Examplez"), "tampered.json")
        let tampered = try run(["verify", "signed.json", "tampered.json"], in: directory)
        #expect(tampered.status == 1)
        #expect(tampered.stdout.contains("✗ Failed  tampered.json"))
        #expect(tampered.stdout.contains("PROOF_VERIFICATION_ERROR"))
    }

    @Test func aCredentialBreakingTheDataModelIsRefusedWithItsPathAndNoCheckSignsItForDiagnosis() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try run(["keys", "generate", "--type", "ed25519", "--name", "issuer"], in: directory).status == 0)
        try write(credential.replacingOccurrences(of: "2024-01-01T00:00:00Z", with: "yesterday"), "bad-date.json")
        let refused = try run(["sign", "--key", "issuer", "bad-date.json"], in: directory)
        #expect(refused.status == 1)
        #expect(refused.stdout.isEmpty)
        #expect(refused.stderr.contains("bad-date.json: $.validFrom:"), "\(refused.stderr)")
        let forced = try run(["sign", "--key", "issuer", "--no-check", "bad-date.json"], in: directory)
        #expect(forced.status == 0, "\(forced.stderr)")
        // A JCS proof is refused for a context that redefines a protected term, as the RDFC suites refuse it while
        // signing (JCS itself never expands the document).
        try write(
            credential.replacingOccurrences(
                of: "\"https://www.w3.org/ns/credentials/examples/v2\"",
                with: "{\"VerifiableCredential\": \"https://example.com/NotAVC\"}"), "redefined.json")
        let jcs = try run(["sign", "--key", "issuer", "--suite", "eddsa-jcs-2022", "redefined.json"], in: directory)
        #expect(jcs.status == 1)
        #expect(jcs.stderr.contains("protected"), "\(jcs.stderr)")
    }

    @Test func issuerCheckRefusesACredentialFromSomeoneElse() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try run(["keys", "generate", "--type", "ed25519", "--name", "issuer"], in: directory).status == 0)
        try write(credential.replacingOccurrences(of: "\"validFrom\"", with: "\"issuer\": \"did:example:other\", \"validFrom\""), "other.json")
        let refused = try run(["sign", "--key", "issuer", "--issuer-check", "other.json"], in: directory)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("$.issuer"))
        // Without the check it signs, and the default verifier reports the broken binding.
        let signed = try run(["sign", "--key", "issuer", "other.json"], in: directory)
        #expect(signed.status == 0)
        try write(signed.stdout, "signed.json")
        let verified = try run(["verify", "signed.json"], in: directory)
        #expect(verified.status == 1)
        #expect(verified.stdout.contains("ISSUER_MISMATCH"))
    }

    @Test func badInputExitsWithStatusTwoNamingTheLine() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        try write("{\n  \"a\": tru\n}", "broken.json")
        let result = try run(["verify", "broken.json"], in: directory)
        #expect(result.status == 2)
        #expect(result.stderr.contains("broken.json: line 2:"))
        #expect(try run(["sign", "--key", "missing", "vc.json"], in: directory).status == 2)
    }

    @Test func extraContextsComeFromTheContextDirectory() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try run(["keys", "generate", "--type", "ed25519", "--name", "issuer"], in: directory).status == 0)
        let contexts = directory.appendingPathComponent("contexts")
        try FileManager.default.createDirectory(at: contexts, withIntermediateDirectories: true)
        try #"{"https://skills.example/ctx/v1": "skills.jsonld"}"#.write(
            to: contexts.appendingPathComponent("manifest.json"), atomically: true, encoding: .utf8)
        try #"{"@context": {"SkillCredential": "https://skills.example/vocab#SkillCredential", "skill": "https://skills.example/vocab#skill"}}"#
            .write(to: contexts.appendingPathComponent("skills.jsonld"), atomically: true, encoding: .utf8)
        try write(
            """
            {"@context": ["https://www.w3.org/ns/credentials/v2", "https://skills.example/ctx/v1"],
             "type": ["VerifiableCredential", "SkillCredential"],
             "credentialSubject": {"id": "did:example:abc", "skill": "Welding"}}
            """, "skill.json")
        let unknown = try run(["sign", "--key", "issuer", "skill.json"], in: directory)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("https://skills.example/ctx/v1"))
        let signed = try run(["sign", "--key", "issuer", "--context-dir", "contexts", "skill.json"], in: directory)
        #expect(signed.status == 0, "\(signed.stderr)")
        try write(signed.stdout, "signed.json")
        // With the context the proof verifies (partially verified: the did:key issuer is not in a trusted list);
        // without it the credential is not even well formed.
        #expect(try run(["verify", "--context-dir", "contexts", "signed.json"], in: directory).status == 3)
        #expect(try run(["verify", "signed.json"], in: directory).status == 1)
    }
}
