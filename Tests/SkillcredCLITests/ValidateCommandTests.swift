import Foundation
import TestSupport
import Testing

@Suite("skillcred validate", .needsSharedData)
struct ValidateCommandTests {
    @Test func sealedOfficialSampleIsValid() async throws {
        guard let file = SharedData.shared("edc-samples/ec-elm/v3.1-master/Sample-MC-Annex1-signed.jsonld") else { return }
        let r = try await SkillcredCLI.run(["validate", file.path])
        #expect(r.status == 0)
        #expect(r.stdout.contains("valid (0 violations"))
    }

    @Test func unsignedSampleIsInvalidWithOneLinePerViolation() async throws {
        guard let file = SharedData.shared("edc-samples/ec-elm/v3.1-master/Sample-CertOfPart-unsigned.jsonld") else { return }
        let r = try await SkillcredCLI.run(["validate", file.path])
        #expect(r.status == 1)
        #expect(r.stdout.contains("\(file.path): $: EuropeanDigitalCredential.issued.minCount: "))
        #expect(r.stdout.contains("\(file.path): $.issuer: Issuer.eIDASIdentifier.minCount: "))
    }

    @Test func unreadableFileExitsWithTwo() async throws {
        guard let file = SharedData.shared("edc-samples/ec-elm/v3.1-master/Sample-CertOfPart-signed.jsonld") else { return }
        let r = try await SkillcredCLI.run(["validate", file.path, "/nonexistent/credential.json"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("/nonexistent/credential.json"))
    }

    @Test func jsonOutputListsFindings() async throws {
        guard let file = SharedData.shared("edc-samples/mynextid/edc-mc-signed.jsonld") else { return }
        let r = try await SkillcredCLI.run(["validate", "--json", file.path])
        #expect(r.status == 1)
        #expect(r.stdout.contains("\"rule\": \"esco.skillURI\""))
        #expect(r.stdout.contains("\"conforms\": false"))
    }

    @Test func escoExportChecksSkillsAndShowsLabels() async throws {
        guard let file = SharedData.shared("edc-samples/ec-elm/v3.1-master/Sample-MC-Annex1-signed.jsonld") else { return }
        let esco = SharedData.packageRoot.appendingPathComponent("samples/esco")
        let r = try await SkillcredCLI.run([
            "validate", "--skills",
            "--esco", esco.appendingPathComponent("skills_en.csv").path,
            "--esco", esco.appendingPathComponent("skills_fr.csv").path, file.path,
        ])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("develop digital content"))
        #expect(r.stdout.contains("développer des contenus numériques"))
    }

    @Test func brokenESCOFileNamesItsLine() async throws {
        guard let file = SharedData.shared("edc-samples/ec-elm/v3.1-master/Sample-MC-Annex1-signed.jsonld") else { return }
        let bad = FileManager.default.temporaryDirectory.appendingPathComponent("skills_en-\(UUID().uuidString).csv")
        try Data("conceptUri,preferredLabel\nx,\"open\n".utf8).write(to: bad)
        defer { try? FileManager.default.removeItem(at: bad) }
        let r = try await SkillcredCLI.run(["validate", "--esco", bad.path, file.path])
        #expect(r.status == 2)
        #expect(r.stderr.contains("line 2:3"))
    }
}
