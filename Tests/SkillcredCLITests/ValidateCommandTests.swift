import Foundation
import Testing
import TestSupport

/// Runs the built `skillcred` executable (it sits beside the test bundle in the build folder).
func runValidateSkillcred(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let buildDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    var candidates = [buildDir.appendingPathComponent("skillcred")]
    // On macOS the test bundle is a directory one level deeper.
    candidates.append(buildDir.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("skillcred"))
    candidates.append(SharedData.packageRoot.appendingPathComponent(".build/debug/skillcred"))
    let binary = try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) },
                              "the skillcred executable was not built next to the tests")
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
}

@Suite("skillcred validate")
struct ValidateCommandTests {
    @Test func sealedOfficialSampleIsValid() throws {
        guard let file = SharedData.shared("edc-samples/ec-elm/v3.1-master/Sample-MC-Annex1-signed.jsonld") else { return }
        let r = try runValidateSkillcred(["validate", file.path])
        #expect(r.status == 0)
        #expect(r.stdout.contains("valid (0 violations"))
    }

    @Test func unsignedSampleIsInvalidWithOneLinePerViolation() throws {
        guard let file = SharedData.shared("edc-samples/ec-elm/v3.1-master/Sample-CertOfPart-unsigned.jsonld") else { return }
        let r = try runValidateSkillcred(["validate", file.path])
        #expect(r.status == 1)
        #expect(r.stdout.contains("\(file.path): $: EuropeanDigitalCredential.issued.minCount: "))
        #expect(r.stdout.contains("\(file.path): $.issuer: Issuer.eIDASIdentifier.minCount: "))
    }

    @Test func unreadableFileExitsWithTwo() throws {
        guard let file = SharedData.shared("edc-samples/ec-elm/v3.1-master/Sample-CertOfPart-signed.jsonld") else { return }
        let r = try runValidateSkillcred(["validate", file.path, "/nonexistent/credential.json"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("/nonexistent/credential.json"))
    }

    @Test func jsonOutputListsFindings() throws {
        guard let file = SharedData.shared("edc-samples/mynextid/edc-mc-signed.jsonld") else { return }
        let r = try runValidateSkillcred(["validate", "--json", file.path])
        #expect(r.status == 1)
        #expect(r.stdout.contains("\"rule\": \"esco.skillURI\""))
        #expect(r.stdout.contains("\"conforms\": false"))
    }

    @Test func escoExportChecksSkillsAndShowsLabels() throws {
        guard let file = SharedData.shared("edc-samples/ec-elm/v3.1-master/Sample-MC-Annex1-signed.jsonld") else { return }
        let esco = SharedData.packageRoot.appendingPathComponent("samples/esco")
        let r = try runValidateSkillcred(["validate", "--skills",
                                  "--esco", esco.appendingPathComponent("skills_en.csv").path,
                                  "--esco", esco.appendingPathComponent("skills_fr.csv").path, file.path])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("develop digital content"))
        #expect(r.stdout.contains("développer des contenus numériques"))
    }

    @Test func brokenESCOFileNamesItsLine() throws {
        guard let file = SharedData.shared("edc-samples/ec-elm/v3.1-master/Sample-MC-Annex1-signed.jsonld") else { return }
        let bad = FileManager.default.temporaryDirectory.appendingPathComponent("skills_en-\(UUID().uuidString).csv")
        try Data("conceptUri,preferredLabel\nx,\"open\n".utf8).write(to: bad)
        defer { try? FileManager.default.removeItem(at: bad) }
        let r = try runValidateSkillcred(["validate", "--esco", bad.path, file.path])
        #expect(r.status == 2)
        #expect(r.stderr.contains("line 2:3"))
    }
}
