import CredentialJSON
import Foundation
import TestSupport
import Testing

/// The issuer's whole loop through the CLI, as a user runs it: issue → revoke → publish → verify,
/// and suspend → reinstate, each verification reading the published lists from a local mirror.
@Suite("skillcred issue → revoke → publish → verify", .needsSharedData)
struct LifecycleCLITests {
    /// A scratch folder with the samples, as a fresh clone has them: no key. The first `issue` makes the demo e-seal and
    /// issuer key in `skillcred-data/`, as it does for a new user.
    func workspace() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-lifecycle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: SharedData.packageRoot.appendingPathComponent("samples"), to: dir.appendingPathComponent("samples"))
        return dir
    }

    /// The demo CA the first `issue` made, as the one trust anchor.
    let demoCA = "skillcred-data/seal/demo-ca.pem"

    func credentialID(_ file: URL) throws -> String {
        try #require(try JSONParser.parse(try Data(contentsOf: file))["id"]?.stringValue)
    }

    /// The id of a JAdES-sealed EDC: its payload's.
    func sealedCredentialID(_ file: URL) throws -> String {
        let payload = try #require(try JSONParser.parse(try Data(contentsOf: file))["payload"]?.stringValue)
        return try #require(try JSONParser.parse(payload)["id"]?.stringValue)
    }

    @Test func revokedEDCFailsOnRevocationAfterPublishingSealedLists() async throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let issued = try SkillcredCLI.run(
            [
                "issue", "--template", "samples/templates/micro-credential.json",
                "--recipients", "samples/recipients.csv", "--out", "out",
            ], in: dir)
        #expect(issued.status == 0, "\(issued.stderr)")
        let first = dir.appendingPathComponent("out/L-0001.json")
        let second = dir.appendingPathComponent("out/L-0002.json")

        let revoked = try SkillcredCLI.run(["revoke", try sealedCredentialID(first), "--reason", "issued in error"], in: dir)
        #expect(revoked.status == 0, "\(revoked.stderr)")
        // No --key: every list belongs to the EDC issuer, so the e-seal (the data directory's by default) is all it needs.
        let published = try SkillcredCLI.run(["status", "publish", "--out", "site"], in: dir)
        #expect(published.status == 0, "\(published.stderr)")
        #expect(published.stdout.contains("(1 sealed with JAdES)"), "\(published.stdout)")
        let site = dir.appendingPathComponent("site")
        let files = try FileManager.default.subpathsOfDirectory(atPath: site.path).filter { $0.hasSuffix(".json") }
        try #require(files.count == 1)
        let listDocument = try JSONParser.parse(try Data(contentsOf: site.appendingPathComponent(files[0])))
        #expect(listDocument["signatures"] != nil && listDocument["payload"]?.stringValue?.contains("BitstringStatusListCredential") == true)

        let revokedReport = try SkillcredCLI.run(["verify", "--status-mirror", "site", first.path, "--trust-anchors", demoCA], in: dir)
        #expect(revokedReport.status == 1)
        #expect(revokedReport.stdout.contains("Revocation    Error: The credential has been revoked"), "\(revokedReport.stdout)")

        let other = try SkillcredCLI.run(["verify", "--status-mirror", "site", second.path, "--trust-anchors", demoCA], in: dir)
        #expect(other.status == 0, "\(other.stdout)")
        #expect(other.stdout.contains("Revocation    OK"), "\(other.stdout)")

        // A seal certificate that is not the seal key's is refused, naming the file; --unsigned excludes sealing.
        let mismatch = try SkillcredCLI.run(
            [
                "status", "publish", "--out", "other", "--keys-dir", "skillcred-data/keys", "--seal-key", "seal",
                "--seal-cert", demoCA,
            ], in: dir)
        #expect(mismatch.status == 2)
        #expect(mismatch.stderr.hasPrefix("skillcred: \(demoCA):"), "\(mismatch.stderr)")
        let half = try SkillcredCLI.run(["status", "publish", "--out", "other", "--seal-cert", demoCA], in: dir)
        #expect(half.status == 64 && half.stderr.contains("go together"), "\(half.stderr)")
        let contradiction = try SkillcredCLI.run(["status", "publish", "--out", "other", "--unsigned", "--seal-key", "seal"], in: dir)
        #expect(contradiction.status == 64)
        #expect(contradiction.stderr.contains("contradict"), "\(contradiction.stderr)")

        // Unsigned lists are still refused by a verifier, as before.
        #expect(try SkillcredCLI.run(["status", "publish", "--out", "bare", "--unsigned"], in: dir).status == 0)
        let bare = try SkillcredCLI.run(["verify", "--status-mirror", "bare", first.path, "--trust-anchors", demoCA], in: dir)
        #expect(bare.stdout.contains("carries no proof"), "\(bare.stdout)")
    }

    @Test func revokedCredentialFailsOnRevocationAfterPublishing() async throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let issued = try SkillcredCLI.run(
            [
                "issue", "--template", "samples/templates/micro-credential.json",
                "--recipients", "samples/recipients.csv", "--out", "out", "--format", "vc2",
            ], in: dir)
        #expect(issued.status == 0, "\(issued.stderr)")
        let first = dir.appendingPathComponent("out/L-0001.json")
        let second = dir.appendingPathComponent("out/L-0002.json")

        let revoked = try SkillcredCLI.run(["revoke", try credentialID(first), "--reason", "issued in error"], in: dir)
        #expect(revoked.status == 0, "\(revoked.stderr)")
        // No --key: the lists are those of the data directory's issuer key, which signs them.
        let published = try SkillcredCLI.run(["status", "publish", "--out", "site"], in: dir)
        #expect(published.status == 0, "\(published.stderr)")

        let revokedReport = try SkillcredCLI.run(["verify", "--status-mirror", "site", first.path], in: dir)
        #expect(revokedReport.status == 1)
        #expect(revokedReport.stdout.contains("Revocation    Error: The credential has been revoked"), "\(revokedReport.stdout)")

        let other = try SkillcredCLI.run(["verify", "--status-mirror", "site", second.path], in: dir)
        #expect(other.status == 3)  // intact and not revoked; only the demo issuer is not on a trusted list
        #expect(other.stdout.contains("Revocation    OK"), "\(other.stdout)")
    }

    @Test func oneRegistryWithEDCAndVC2ListsGetsSealsAndProofsInOnePublish() async throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (format, out) in [("edc-jades", "edc"), ("vc2", "vc2")] {
            let issued = try SkillcredCLI.run(
                [
                    "issue", "--template", "samples/templates/micro-credential.json",
                    "--recipients", "samples/recipients.csv", "--out", out, "--format", format,
                ], in: dir)
            #expect(issued.status == 0, "\(issued.stderr)")
        }
        // A key that is not the VC 2.0 issuer's is refused, naming both; without --key the data directory's issuer
        // key signs its own lists and the e-seal seals the EDC issuer's.
        #expect(try SkillcredCLI.run(["keys", "generate", "--type", "ed25519", "--name", "other"], in: dir).status == 0)
        let refused = try SkillcredCLI.run(["status", "publish", "--out", "site", "--key", "other"], in: dir)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("but key `other` is did:key:"), "\(refused.stderr)")
        let published = try SkillcredCLI.run(["status", "publish", "--out", "site"], in: dir)
        #expect(published.status == 0, "\(published.stderr)")
        #expect(published.stdout.contains("published 3 status lists (1 sealed with JAdES, 2 with a Data Integrity proof)"), "\(published.stdout)")
        for file in ["edc/L-0005.json", "vc2/L-0005.json"] {
            let report = try SkillcredCLI.run(["verify", "--status-mirror", "site", file, "--trust-anchors", demoCA], in: dir)
            #expect(report.stdout.contains("Revocation    OK"), "\(file): \(report.stdout)")
        }
    }

    @Test func suspensionIsLiftedByReinstateButRevocationIsFinal() async throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let issued = try SkillcredCLI.run(
            [
                "issue", "--template", "samples/templates/micro-credential.json",
                "--recipients", "samples/recipients.csv", "--out", "out", "--format", "vc2",
            ], in: dir)
        #expect(issued.status == 0, "\(issued.stderr)")
        let file = dir.appendingPathComponent("out/L-0003.json")
        let id = try credentialID(file)

        #expect(try SkillcredCLI.run(["suspend", id, "--reason", "inquiry"], in: dir).status == 0)
        #expect(try SkillcredCLI.run(["status", "publish", "--out", "site"], in: dir).status == 0)
        let suspended = try SkillcredCLI.run(["verify", "--status-mirror", "site", file.path], in: dir)
        #expect(suspended.status == 1)
        #expect(suspended.stdout.lowercased().contains("suspended"), "\(suspended.stdout)")

        #expect(try SkillcredCLI.run(["reinstate", id], in: dir).status == 0)
        #expect(try SkillcredCLI.run(["status", "publish", "--out", "site"], in: dir).status == 0)
        let reinstated = try SkillcredCLI.run(["verify", "--status-mirror", "site", file.path], in: dir)
        #expect(reinstated.status == 3)
        #expect(reinstated.stdout.contains("Revocation    OK"), "\(reinstated.stdout)")

        #expect(try SkillcredCLI.run(["revoke", id], in: dir).status == 0)
        let again = try SkillcredCLI.run(["reinstate", id], in: dir)
        #expect(again.status == 1)
        #expect(again.stderr.contains("final"), "\(again.stderr)")
    }
}
