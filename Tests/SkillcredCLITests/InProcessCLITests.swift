import Foundation
import Testing

/// The commands throw instead of exiting, so they run inside the test process: these pin the contract between
/// a command's failure and the status `main` exits with.
@Suite("skillcred in-process: errors become statuses, not exits")
struct InProcessCLITests {
    private func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-inprocess-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func helpGoesToStandardOutputWithStatusZero() async throws {
        let help = try await SkillcredCLI.run(["sign", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("--keys-dir <DIR>"))
        #expect(help.stdout.contains("values:") && help.stdout.contains("ecdsa-jcs-2019"), "the suites are listed: \(help.stdout)")
        #expect(help.stderr.isEmpty)
    }

    @Test func anUnreadableInputIsOneLineAndStatusTwo() async throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = dir.appendingPathComponent("missing.json").path
        let out = try await SkillcredCLI.run(["validate", missing])
        #expect(out.status == 2)
        #expect(out.stderr == "skillcred: \(missing): cannot read file\n")
    }

    @Test func contradictoryOptionsAreRefusedBeforeTheRegistryIsOpened() async throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("data")
        let out = try await SkillcredCLI.run([
            "status", "publish", "--out", dir.appendingPathComponent("lists").path,
            "--unsigned", "--key", "issuer", "--data-dir", data.path,
        ])
        #expect(out.status == 64)
        #expect(out.stderr.hasPrefix("Error: --key and --unsigned contradict each other"), "\(out.stderr)")
        #expect(!FileManager.default.fileExists(atPath: data.path), "a refused command made the data directory")
    }

    @Test func dataDirAloneMovesTheRegistry() async throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("elsewhere")
        let out = try await SkillcredCLI.run(["tokens", "list", "--data-dir", data.path])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(
            FileManager.default.fileExists(atPath: data.appendingPathComponent("registry.sqlite").path),
            "--data-dir without --database puts the registry in the data directory, as serve does")
    }
}

@Suite("skillcred validate and verify read the same inputs")
struct CredentialInputsCLITests {
    @Test func validateTakesADirectoryAsVerifyDoes() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-inputs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(#"{"not": "an EDC"}"#.utf8).write(to: dir.appendingPathComponent("a.json"))
        try Data("ignored".utf8).write(to: dir.appendingPathComponent("notes.txt"))
        let validated = try await SkillcredCLI.run(["validate", dir.path])
        #expect(validated.status == 1, "\(validated.stderr)")
        #expect(validated.stdout.contains("a.json: INVALID"), "\(validated.stdout)")
        #expect(!validated.stdout.contains("notes.txt"))
        let capped = try await SkillcredCLI.run(["validate", "--max-files", "0", dir.path])
        #expect(capped.status == 64)
    }
}
