import CredentialJSON
import Foundation
import TestSupport
import Testing

/// Runs `skillcred` in-process.
private func issueCLI(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String)? {
    let out = try await SkillcredCLI.run(arguments)
    return (out.status, out.stdout, out.stderr)
}

@Suite("skillcred issue", .serialized)
struct IssueCommandTests {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-issue-cli-\(UUID().uuidString)")

    func files(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent(folder).path)) ?? []).sorted()
    }

    @Test("the broken CSV is reported row by row and nothing is written by a dry run")
    func brokenCSVDryRun() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        guard
            let run = try await issueCLI([
                "issue", "--template", "samples/templates/micro-credential.json", "--recipients", "samples/recipients-broken.csv",
                "--out", dir.appendingPathComponent("out").path, "--database", dir.appendingPathComponent("db.sqlite").path, "--dry-run",
            ])
        else { return }
        #expect(run.status == 1)
        #expect(
            run.stderr.contains("samples/recipients-broken.csv:3: id L-0002, column email: \"bram.at.learner.example\" is not an e-mail address"),
            "\(run.stderr)")
        #expect(run.stderr.contains("samples/recipients-broken.csv:7: id L-0006, column *: the row has 7 fields, the header 8"))
        #expect(run.stdout.contains("6 rows, 1 valid, 5 with problems"))
        #expect(!FileManager.default.fileExists(atPath: dir.path))
    }

    @Test("--max-errors stops before issuing anything")
    func maxErrors() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        guard
            let run = try await issueCLI([
                "issue", "--template", "samples/templates/micro-credential.json", "--recipients", "samples/recipients-broken.csv",
                "--out", dir.appendingPathComponent("out").path, "--database", dir.appendingPathComponent("db.sqlite").path, "--max-errors", "3",
            ])
        else { return }
        #expect(run.status == 2)
        #expect(run.stderr.contains("stopped at 3 problems"))
        #expect(files("out").isEmpty)
    }

    @Test("issue in both formats, then re-run without duplicates")
    func issueBothFormatsAndRerun() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("db.sqlite").path
        for format in ["edc-jades", "vc2"] {
            let out = dir.appendingPathComponent(format).path
            // No --key: the demo e-seal and issuer key are made in the data directory at first use.
            let args = [
                "issue", "--template", "samples/templates/micro-credential.json", "--recipients", "samples/recipients.csv",
                "--out", out, "--format", format, "--database", db, "--data-dir", dir.appendingPathComponent("data").path,
            ]
            guard let first = try await issueCLI(args) else { return }
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.contains("20 issued"), "\(first.stdout)")
            #expect(files(format).count == 20)
            let before = try Data(contentsOf: dir.appendingPathComponent(format).appendingPathComponent("L-0007.json"))
            guard let second = try await issueCLI(args) else { return }
            #expect(second.status == 0, "\(second.stderr)")
            #expect(second.stdout.contains("0 issued (0 resumed), 20 already issued"), "\(second.stdout)")
            #expect(try Data(contentsOf: dir.appendingPathComponent(format).appendingPathComponent("L-0007.json")) == before)
        }
        // The sealed EDC verifies with the CLI's own JAdES verifier against the data directory's demo CA.
        guard
            let verify = try await issueCLI([
                "jades-verify", "--trust-anchors", dir.appendingPathComponent("data/seal/demo-ca.pem").path,
                dir.appendingPathComponent("edc-jades/L-0001.json").path,
            ])
        else { return }
        #expect(verify.status == 0, "\(verify.stderr)")
        guard let validate = try await issueCLI(["validate", dir.appendingPathComponent("edc-jades/L-0001.json").path]) else { return }
        #expect(validate.status == 0, "\(validate.stdout) \(validate.stderr)")
    }
}
