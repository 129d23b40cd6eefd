import Foundation
import Testing

/// `skillcred tokens create|list|revoke` against a fresh data directory's registry.
@Suite("skillcred tokens")
struct TokensCLITests {
    func dataDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-tokens-\(UUID().uuidString)")
    }

    @Test func createListRevokeRoundTrip() async throws {
        let dir = dataDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let storage = ["--data-dir", dir.path]

        let created = try await SkillcredCLI.run(["tokens", "create", "--scope", "issue", "--scope", "status", "--name", "sis"] + storage)
        #expect(created.status == 0, "\(created.stderr)")
        let secret = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(secret.hasPrefix("sc_") && secret.count == 46)
        #expect(created.stderr.contains("token sis (issue, status) created"))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("registry.sqlite").path))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("tokens.json").path))

        let listed = try await SkillcredCLI.run(["tokens", "list"] + storage)
        #expect(listed.status == 0, "\(listed.stderr)")
        let line = try #require(listed.stdout.split(separator: "\n").first).split(separator: "\t").map(String.init)
        #expect(line.count == 4)
        #expect(line[0] == "sis" && line[1] == "issue,status" && line[3] == "active")
        #expect(!listed.stdout.contains(secret))

        let duplicate = try await SkillcredCLI.run(["tokens", "create", "--scope", "issue", "--name", "sis"] + storage)
        #expect(duplicate.status == 1)
        #expect(duplicate.stderr.contains("a token named sis already exists"))
        #expect(duplicate.stdout.isEmpty, "no secret is printed for a token that was not stored")

        let revoked = try await SkillcredCLI.run(["tokens", "revoke", "sis"] + storage)
        #expect(revoked.status == 0, "\(revoked.stderr)")
        #expect(revoked.stdout.contains("revoked token sis"))
        let after = try await SkillcredCLI.run(["tokens", "list"] + storage)
        #expect(after.stdout.split(separator: "\t").last?.hasPrefix("revoked ") == true, "\(after.stdout)")

        let unknown = try await SkillcredCLI.run(["tokens", "revoke", "nobody"] + storage)
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no token named nobody"))
    }

    static let postgresURL = ProcessInfo.processInfo.environment["SKILLCRED_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }

    @Test(.enabled(if: postgresURL != nil, "SKILLCRED_TEST_POSTGRES_URL is not set"))
    func tokensLiveInAPostgreSQLRegistryNotInTheDataDirectory() async throws {
        let base = try #require(Self.postgresURL)
        let spec = base + (base.contains("?") ? "&" : "?") + "schema=t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let dir = dataDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let storage = ["--data-dir", dir.path, "--database", spec]

        let created = try await SkillcredCLI.run(["tokens", "create", "--scope", "status", "--name", "registrar"] + storage)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("tokens.json").path))
        // Another instance's data directory sees the same token: it is in the database.
        let elsewhere = try await SkillcredCLI.run(["tokens", "list", "--data-dir", dataDirectory().path, "--database", spec])
        #expect(elsewhere.stdout.hasPrefix("registrar\tstatus\t"), "\(elsewhere.stdout) \(elsewhere.stderr)")
        let revoked = try await SkillcredCLI.run(["tokens", "revoke", "registrar"] + storage)
        #expect(revoked.status == 0, "\(revoked.stderr)")
    }

    /// Bad option values are usage errors (64, ArgumentParser's EX_USAGE) naming the option; nothing is stored.
    @Test func badScopeOrNameIsAUsageErrorNamingTheOption() async throws {
        let dir = dataDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let storage = ["--data-dir", dir.path]

        let bogus = try await SkillcredCLI.run(["tokens", "create", "--scope", "bogus", "--name", "ci"] + storage)
        #expect(bogus.status == 64)
        #expect(
            bogus.stderr.hasPrefix("Error: The value 'bogus' is invalid for '--scope <scope>'. Please provide one of 'issue' and 'status'."), "\(bogus.stderr)")

        let none = try await SkillcredCLI.run(["tokens", "create", "--name", "ci"] + storage)
        #expect(none.status == 64)
        #expect(none.stderr.hasPrefix("Error: --scope: give issue or status"), "\(none.stderr)")

        let badName = try await SkillcredCLI.run(["tokens", "create", "--scope", "issue", "--name", "no spaces"] + storage)
        #expect(badName.status == 64)
        #expect(badName.stderr.hasPrefix("Error: --name: a token name is 1–64 characters"), "\(badName.stderr)")

        let listed = try await SkillcredCLI.run(["tokens", "list"] + storage)
        #expect(listed.status == 0 && listed.stdout.isEmpty, "nothing was stored: \(listed.stdout)")
    }
}
