import CredentialJSON
import Foundation
import TestSupport
import Testing

/// Runs the CLI from the package root; returns status, standard output and standard error.
private func runSealCLI(_ arguments: [String]) async throws -> (Int32, [UInt8], String)? {
    let out = try await SkillcredCLI.run(arguments)
    return (out.status, Array(out.stdoutData), out.stderr)
}

@Suite("skillcred seal / jades-verify", .needsSharedData)
struct SealCommandTests {
    @Test("seal prints a JWS JSON document whose payload is the credential, and jades-verify accepts it")
    func sealAndVerify() async throws {
        guard let credential = SharedData.shared("edc-samples/ec-elm/v3.2-lts/credential-sample.jsonld") else { return }
        let demo = try await DemoDataDirectory()
        guard
            let (status, stdout, stderr) = try await runSealCLI([
                "seal", "--key", demo.sealKey, "--cert", demo.sealCert, credential.path,
            ])
        else { return }
        #expect(status == 0, "\(stderr)")
        let document = try #require(try JSONParser.parse(stdout).objectValue)
        let payload = try #require(document["payload"]?.stringValue)
        let original = try JSONParser.parse(Array(try SharedData.data(credential)))
        #expect(try JSONParser.parse(payload) == original)

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-seal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let sealed = dir.appendingPathComponent("sealed.json")
        try Data(stdout).write(to: sealed)
        guard let (vStatus, vOut, vErr) = try await runSealCLI(["jades-verify", "--trust-anchors", demo.demoCA, sealed.path]) else { return }
        #expect(vStatus == 0, "\(vErr)")
        let text = String(decoding: vOut, as: UTF8.self)
        #expect(text.contains("chain: trusted"))
        #expect(text.contains("seal: valid"))

        // One changed payload byte: jades-verify exits 1.
        let tampered = String(decoding: stdout, as: UTF8.self).replacingOccurrences(of: "credential132", with: "credential133")
        try Data(tampered.utf8).write(to: sealed)
        guard let (tStatus, _, tErr) = try await runSealCLI(["jades-verify", sealed.path]) else { return }
        #expect(tStatus == 1)
        #expect(tErr.contains("signature"))
    }

    @Test("seal with a fixed --signing-time signs the same payload and header every time")
    func reproducibleSeal() async throws {
        guard let credential = SharedData.shared("edc-samples/ec-elm/v3.2-lts/credential-sample.jsonld") else { return }
        let demo = try await DemoDataDirectory()
        let arguments = [
            "seal", "--key", demo.sealKey, "--cert", demo.sealCert,
            "--signing-time", "2026-01-31T12:00:00Z", credential.path,
        ]
        guard let (s1, first, e1) = try await runSealCLI(arguments), let (s2, second, _) = try await runSealCLI(arguments) else { return }
        #expect(s1 == 0 && s2 == 0, "\(e1)")
        // ECDSA signatures are randomized, so only the signed parts repeat exactly for the ES256 demo seal.
        func signedParts(_ bytes: [UInt8]) throws -> [JSONValue?] {
            let document = try JSONParser.parse(bytes)
            return [document["payload"], document["signatures"]?.arrayValue?.first?["protected"]]
        }
        let (a, b) = (try signedParts(first), try signedParts(second))
        #expect(a[0] != nil && a[1] != nil)
        #expect(a == b, "the payload and protected header differ between two runs")
        guard
            let (s3, _, e3) = try await runSealCLI([
                "seal", "--key", demo.sealKey, "--cert", demo.sealCert,
                "--signing-time", "yesterday", credential.path,
            ])
        else { return }
        #expect(s3 == 2)
        #expect(e3.contains("--signing-time"))
    }

    @Test("seal reports bad JSON with file and line:column and exit status 2")
    func sealBadJSON() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-seal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("bad.json")
        try Data("{\n  \"id\": tru\n}".utf8).write(to: bad)
        // With the data directory's seal: the credential is read first, so a broken one makes no demo seal.
        let data = dir.appendingPathComponent("data")
        guard let (status, _, stderr) = try await runSealCLI(["seal", "--data-dir", data.path, bad.path]) else { return }
        #expect(status == 2)
        #expect(stderr.contains("bad.json: line 2:"))
        #expect(!FileManager.default.fileExists(atPath: data.path))
    }
}
