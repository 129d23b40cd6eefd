import CredentialJSON
import Foundation
import StatusList
import TestSupport
import Testing

private let buildDirectory = SharedData.packageRoot.appendingPathComponent(".build/debug")
private let skillcredBinary = buildDirectory.appendingPathComponent("skillcred")
private let workerBinary = buildDirectory.appendingPathComponent("registry-worker")
private let binariesBuilt =
    FileManager.default.isExecutableFile(atPath: skillcredBinary.path)
    && FileManager.default.isExecutableFile(atPath: workerBinary.path)

private struct Output {
    var status: Int32
    var stdout: String
    var stderr: String
}

private func run(_ binary: URL, _ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws -> Output {
    let ended = try ChildProcess.run(
        binary, arguments, in: directory, environment: ChildProcess.environment(adding: environment, removing: ["SKILLCRED_DATABASE"]))
    return Output(status: ended.status, stdout: ended.stdoutText, stderr: ended.stderrText)
}

/// Reserves and completes `count` credentials in the default registry of `directory` with the test-only worker.
private func seedRegistry(in directory: URL, count: Int, issuer: String) throws -> [String] {
    let seeded = try run(
        workerBinary,
        [
            "skillcred-data/registry.sqlite", "--batch", "cli", "--count", String(count), "--complete",
            "--issuer", issuer,
        ], in: directory)
    #expect(seeded.status == 0, "\(seeded.stderr)")
    return seeded.stdout.split(separator: "\n").compactMap { line in
        let parts = line.split(separator: " ")
        return parts.first == "reserved" ? String(parts[2]) : nil
    }
}

private func temporaryDirectory() throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-status-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory
}

@Suite("skillcred revoke / suspend / reinstate / status", .enabled(if: binariesBuilt || SharedData.isRequired, "build first (swift build)"), .needsSharedData)
struct StatusCommandTests {
    @Test func revokeIsFinalAndSuspendReinstateRoundTrips() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let ids = try seedRegistry(in: directory, count: 2, issuer: "did:example:issuer")
        try #require(ids.count == 2)

        let revoked = try run(skillcredBinary, ["revoke", ids[0], "--reason", "fraud", "--actor", "alice"], in: directory)
        #expect(revoked.status == 0, "\(revoked.stderr)")
        #expect(revoked.stdout.contains("revoked \(ids[0])"))
        let reinstated = try run(skillcredBinary, ["reinstate", ids[0]], in: directory)
        #expect(reinstated.status == 1)
        #expect(reinstated.stderr.contains("revocation is final"))

        #expect(try run(skillcredBinary, ["suspend", ids[1], "--reason", "inquiry"], in: directory).status == 0)
        let suspended = try JSONParser.parse(try run(skillcredBinary, ["status", "show", ids[1]], in: directory).stdout)
        #expect(suspended["suspended"] == .bool(true))
        #expect(suspended["revoked"] == .bool(false))
        let lifted = try run(skillcredBinary, ["reinstate", ids[1], "--reason", "cleared"], in: directory)
        #expect(lifted.status == 0, "\(lifted.stderr)")
        #expect(lifted.stdout.contains("suspension lifted"))

        let shown = try run(skillcredBinary, ["status", "show", ids[0]], in: directory)
        #expect(shown.status == 0, "\(shown.stderr)")
        let state = try JSONParser.parse(shown.stdout)
        #expect(state["revoked"] == .bool(true))
        #expect(state["credentialStatus"]?.asArray.count == 2)
        let audit = state["audit"]?.asArray ?? []
        #expect(audit.compactMap { $0["action"]?.stringValue } == ["issue", "revoke"])
        #expect(audit.last?["reason"] == "fraud")
        #expect(audit.last?["actor"] == "alice")
        let second = try JSONParser.parse(try run(skillcredBinary, ["status", "show", ids[1]], in: directory).stdout)
        #expect(second["suspended"] == .bool(false))
        #expect(second["audit"]?.asArray.compactMap { $0["action"]?.stringValue } == ["issue", "suspend", "reinstate"])
    }

    @Test func unknownCredentialsAndBadDatabasesAreOneLineErrors() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = try run(skillcredBinary, ["revoke", "urn:uuid:nope"], in: directory)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("urn:uuid:nope"))
        let badURL = try run(skillcredBinary, ["status", "show", "x", "--database", "postgres://nouser-host"], in: directory)
        #expect(badURL.status == 2)
        #expect(badURL.stderr.hasPrefix("skillcred: --database:"))
        let fromEnvironment = try run(
            skillcredBinary, ["status", "show", "x"], in: directory,
            environment: ["SKILLCRED_DATABASE": "mysql://u@h/db"])
        #expect(fromEnvironment.stderr.contains("unsupported registry URL"))
    }

    @Test func publishWritesListsAVerifierDecodes() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let ids = try seedRegistry(in: directory, count: 3, issuer: "did:example:issuer")
        #expect(try run(skillcredBinary, ["revoke", ids[1]], in: directory).status == 0)
        let refused = try run(skillcredBinary, ["status", "publish", "--out", "site"], in: directory)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--unsigned"))

        let published = try run(skillcredBinary, ["status", "publish", "--out", "site", "--unsigned"], in: directory)
        #expect(published.status == 0, "\(published.stderr)")
        #expect(published.stdout.contains("published 2 status lists (unsigned)"))
        let mirror = LocalStatusListMirror(directory: directory.appendingPathComponent("site"))
        let state = try JSONParser.parse(try run(skillcredBinary, ["status", "show", ids[1]], in: directory).stdout)
        for status in state["credentialStatus"]?.asArray ?? [] {
            let entry = StatusListEntry(
                statusPurpose: try #require(status["statusPurpose"]?.stringValue),
                statusListIndex: try #require(Int(status["statusListIndex"]?.stringValue ?? "")),
                statusListCredential: try #require(status["statusListCredential"]?.stringValue))
            let file = try #require(mirror.fileURL(for: entry.statusListCredential))
            let list = try JSONParser.parse(Array(try Data(contentsOf: file)))
            #expect(list["validUntil"] != nil && list["credentialSubject"]?["ttl"] == .number(JSONNumber(300_000)))
            let result = try StatusListChecker().check(entry, against: list, expectedIssuer: "did:example:issuer")
            #expect(result.isValid == (entry.statusPurpose == "suspension"), "\(entry.statusPurpose)")
        }
        // No temporary files are left beside the lists.
        let files = try FileManager.default.subpathsOfDirectory(atPath: directory.appendingPathComponent("site").path)
        #expect(files.filter { $0.hasSuffix(".tmp") }.isEmpty)
        #expect(files.filter { $0.hasSuffix(".json") }.sorted() == ["localhost/status-lists/revocation/1.json", "localhost/status-lists/suspension/1.json"])
    }

    @Test func publishSignsWithTheIssuersKeyAndTheProofVerifies() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = try run(skillcredBinary, ["keys", "generate", "--type", "ed25519", "--name", "issuer"], in: directory)
        #expect(key.status == 0, "\(key.stderr)")
        let did = try #require(try JSONParser.parse(key.stdout)["did"]?.stringValue)
        _ = try seedRegistry(in: directory, count: 1, issuer: did)

        let signed = try run(skillcredBinary, ["status", "publish", "--out", "site", "--key", "issuer"], in: directory)
        #expect(signed.status == 0, "\(signed.stderr)")
        let file = directory.appendingPathComponent("site/localhost/status-lists/revocation/1.json")
        let list = try JSONParser.parse(Array(try Data(contentsOf: file)))
        #expect(list["proof"]?["cryptosuite"] == "eddsa-rdfc-2022")
        // The full verifier calls the proof "Partially verified" (exit 3) until the issuer is trusted.
        #expect(try run(skillcredBinary, ["verify", file.path], in: directory).status == 3)
        let trusted = directory.appendingPathComponent("trusted-issuers.json")
        try #"{"trustedIssuers":[{"id":"\#(did)","name":"Test issuer"}]}"#.write(to: trusted, atomically: true, encoding: .utf8)
        let verified = try run(skillcredBinary, ["verify", "--trusted-issuers", trusted.path, file.path], in: directory)
        #expect(verified.status == 0, "\(verified.stdout) \(verified.stderr)")

        // A key that is not the lists' issuer would make lists verifiers reject: refused.
        #expect(try run(skillcredBinary, ["keys", "generate", "--type", "ed25519", "--name", "other"], in: directory).status == 0)
        let wrongKey = try run(skillcredBinary, ["status", "publish", "--out", "site2", "--key", "other"], in: directory)
        #expect(wrongKey.status == 2)
        #expect(wrongKey.stderr.contains("belongs to issuer \(did)"))
    }
}
