import CredentialJSON
import Foundation
import TestSupport
import Testing

@Suite("skillcred verify", .needsSharedData)
struct VerifyCommandTests {
    let official = "edc-samples/ec-elm/v3.1-master/Sample-CertOfPart-signed.jsonld"

    @Test("An official EU sample: partially verified (exit 3), summarised for a person")
    func officialSample() async throws {
        guard let sample = SharedData.shared(official) else { return }
        let r = try await SkillcredCLI.run(["verify", sample.path])
        let (status, out, err) = (r.status, Array(r.stdoutData), r.stderr)
        let text = String(decoding: out, as: UTF8.self)
        #expect(status == 3, "\(err)")
        #expect(text.contains("Partially verified"))
        #expect(text.contains("Learner:        Ana Andromeda"))
        // Intact, but nothing trusted and the certificate expired in 2025 with no trusted time-stamp: "!" not "✓".
        #expect(text.contains("! Seal          OK: The seal is intact"))
        #expect(text.contains("the seal cannot be shown to predate the certificate's expiry"))
        #expect(!text.contains("\u{1B}["), "no colour when standard output is not a terminal")
    }

    @Test("--json is a VC API VerificationResult; --html writes a self-contained report")
    func jsonAndHTML() async throws {
        guard let sample = SharedData.shared(official) else { return }
        let html = FileManager.default.temporaryDirectory.appendingPathComponent("verify-\(UUID().uuidString).html")
        defer { try? FileManager.default.removeItem(at: html) }
        let r = try await SkillcredCLI.run(["verify", "--json", "--html", html.path, sample.path])
        let (status, out) = (r.status, Array(r.stdoutData))
        #expect(status == 3)
        let json = try JSONParser.parse(out)
        #expect(json["verified"] == .bool(false))
        #expect(json["verdict"] == "Partially verified")
        #expect(json["results"]?.arrayValue?.count == 6)
        #expect(json["results"]?.arrayValue?.first?["name"] == "Format")
        let page = try String(contentsOf: html, encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(page.contains("<style>") && !page.contains("<link") && !page.contains("<script"))
    }

    @Test("Exit codes: 1 for a broken seal, 2 for unreadable input or a bad option, directories expand")
    func exitCodes() async throws {
        guard let sample = SharedData.shared(official) else { return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("verify-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let original = try String(contentsOf: sample, encoding: .utf8)
        let tampered = original.replacingOccurrences(of: "Ana Andromeda", with: "Ana Andromedb")
        #expect(tampered != original)
        try tampered.write(to: dir.appendingPathComponent("tampered.json"), atomically: true, encoding: .utf8)
        let r = try await SkillcredCLI.run(["verify", dir.appendingPathComponent("tampered.json").path])
        let (status, out) = (r.status, Array(r.stdoutData))
        #expect(status == 1)
        #expect(String(decoding: out, as: UTF8.self).contains("✗ Seal"))

        try "{\n  \"a\": tru\n}".write(to: dir.appendingPathComponent("broken.json"), atomically: true, encoding: .utf8)
        let broken = try await SkillcredCLI.run(["verify", dir.appendingPathComponent("broken.json").path])
        #expect(broken.status == 2)
        #expect(broken.stderr.contains("broken.json: line 2:"))

        // A directory: both files, worst result wins (unreadable → 2).
        let both = try await SkillcredCLI.run(["verify", dir.path])
        #expect(both.status == 2)
        #expect(both.stdout.contains("tampered.json"))

        #expect(try await SkillcredCLI.run(["verify", "--at", "yesterday", sample.path]).status == 2)
        #expect(try await SkillcredCLI.run(["verify", dir.appendingPathComponent("missing.json").path]).status == 2)
    }
}
