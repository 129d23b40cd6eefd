import CredentialJSON
import Foundation
import TestSupport
import Testing

/// `skillcred issue` after a crash: temporary files live only in OUT/.skillcred-partial, the next run sweeps
/// them, and the output folder ends up holding exactly one complete credential per registry row.
@Suite("skillcred issue leaves no debris (IssueCommand)", .serialized, .needsSharedData)
struct IssueCommandDebrisTests {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-issue-debris-\(UUID().uuidString)")
    var out: URL { dir.appendingPathComponent("out") }
    var database: String { dir.appendingPathComponent("db.sqlite").path }

    func issue(recipients: String, format: String = "vc2") -> [String] {
        [
            "issue", "--template", "samples/templates/micro-credential.json", "--recipients", recipients,
            "--out", out.path, "--format", format, "--database", database, "--data-dir", dir.appendingPathComponent("data").path,
        ]
    }

    /// Everything in the output folder, hidden entries included.
    func entries() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
    }

    @Test("A re-run removes the temporary files a crashed run left, in the partial folder and Foundation's old ones")
    func rerunSweepsLeftovers() async throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try await SkillcredCLI.run(issue(recipients: "samples/recipients.csv"))
        #expect(first.status == 0, "\(first.stderr)")
        let issued = try entries()
        #expect(issued.count == 20 && issued.allSatisfy { $0.hasSuffix(".json") && !$0.hasPrefix(".") }, "\(issued)")

        // What a SIGKILL between write and rename leaves, and what the Foundation atomic writes of earlier versions left.
        let partial = out.appendingPathComponent(".skillcred-partial")
        try FileManager.default.createDirectory(at: partial, withIntermediateDirectories: true)
        try Data("{\"@context\": [\"https://www.w3.org/ns/cred".utf8).write(to: partial.appendingPathComponent("L-0003.json.1a2b3c4d.tmp"))
        try Data("{".utf8).write(to: out.appendingPathComponent(".dat.nosyncA1B2.XyZ9"))

        let second = try await SkillcredCLI.run(issue(recipients: "samples/recipients.csv"))
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("0 issued (0 resumed), 20 already issued"), "\(second.stdout)")
        let after = try entries()
        #expect(after.count == 20 && after.allSatisfy { $0.hasSuffix(".json") && !$0.hasPrefix(".") }, "\(after)")
        for name in after { _ = try JSONParser.parse(try Data(contentsOf: out.appendingPathComponent(name))) }
    }

    @Test("SIGKILL mid-batch, then re-run: no temporary file among the credentials, every registry row has its file")
    func killedMidBatch() async throws {
        guard let binary = SkillcredCLI.binary else { throw SkillcredCLI.MissingBinary() }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // 600 rows: more than two registry chunks of 256, so a kill lands with rows reserved and not completed.
        let rows = 600
        var csv = "id,givenName,familyName,dateOfBirth,email,grade,date,project\n"
        for i in 1...rows { csv += String(format: "K-%04d,Ada,Lovelace,1990-01-02,ada.%d@learner.example,Merit,2026-06-11,Analytical engine\n", i, i) }
        let recipients = dir.appendingPathComponent("recipients.csv")
        try Data(csv.utf8).write(to: recipients)

        let process = try ChildProcess.start(
            binary, issue(recipients: recipients.path), in: SharedData.packageRoot, output: .null, errors: .null)
        // Kill once some credentials are on disk (the batch is then past its first registry reservation); the waiting
        // is done off the cooperative pool, which other suites' async work needs meanwhile.
        let outPath = out.path
        let killedMidway = try await ExternalTool.offThePool {
            let deadline = Date().addingTimeInterval(120)
            while process.isRunning && Date() < deadline {
                let written = (try? FileManager.default.contentsOfDirectory(atPath: outPath))?.filter { $0.hasSuffix(".json") }.count ?? 0
                if written >= 40 { break }
                usleep(5_000)
            }
            let running = process.isRunning
            process.stop()
            return running
        }
        if !killedMidway { print("NOTE: skillcred issue finished before it could be killed; only the re-run is checked") }

        // Straight after the kill: only whole credentials in the folder itself; anything half-written is in the partial folder.
        for name in try entries() where name != ".skillcred-partial" {
            #expect(name.hasSuffix(".json") && !name.hasPrefix("."), "a stray file in the output folder: \(name)")
            #expect((try? JSONParser.parse(try Data(contentsOf: out.appendingPathComponent(name)))) != nil, "\(name) is not complete JSON")
        }

        let rerun = try await SkillcredCLI.run(issue(recipients: recipients.path))
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let after = try entries()
        #expect(!after.contains(".skillcred-partial"), "the partial folder is removed once empty")
        #expect(after.count == rows && after.allSatisfy { $0.hasSuffix(".json") && !$0.hasPrefix(".") }, "\(after.count) entries")
        // Every row is in the registry once: issued now or before, and its file carries a distinct credential id.
        let summary = try #require(rerun.stdout.firstMatch(of: /(\d+) issued \((\d+) resumed\), (\d+) already issued/))
        #expect(Int(summary.1)! + Int(summary.3)! == rows, "\(rerun.stdout)")
        var ids = Set<String>()
        for name in after {
            let credential = try JSONParser.parse(try Data(contentsOf: out.appendingPathComponent(name)))
            ids.insert(try #require(credential["id"]?.stringValue))
        }
        #expect(ids.count == rows)
        // The registry knows the files' credentials (a sample: first, middle, last).
        for name in [after.first!, after[after.count / 2], after.last!] {
            let id = try #require(try JSONParser.parse(try Data(contentsOf: out.appendingPathComponent(name)))["id"]?.stringValue)
            let shown = try await SkillcredCLI.run(["status", "show", id, "--database", database])
            #expect(shown.status == 0, "\(name): \(shown.stderr)")
        }
    }

    /// One registry row as the registry file holds it, read with Python's own SQLite module (not skillcred's).
    struct StoredRow: Decodable {
        var rowKey: String
        var id: String
        var state: String
        var document: String?
        var documentBytes: [UInt8]? { document.flatMap { Data(base64Encoded: $0) }.map(Array.init) }
    }

    func registryRows() throws -> [String: [StoredRow]] {
        let script = """
            import base64, json, sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            rows = db.execute("SELECT row_key, id, state, document FROM credential").fetchall()
            print(json.dumps([{"rowKey": r[0], "id": r[1], "state": r[2],
                               "document": base64.b64encode(r[3]).decode() if r[3] is not None else None} for r in rows]))
            """
        let outcome = try ExternalTool.capture(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, database])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        return Dictionary(grouping: try JSONDecoder().decode([StoredRow].self, from: Data(outcome.stdout.utf8)), by: \.rowKey)
    }

    @Test("SIGKILL after a progress line: every reported row stays issued, the re-run signs none of them again, files equal the registry")
    func killedAfterReportingProgress() async throws {
        guard let binary = SkillcredCLI.binary else { throw SkillcredCLI.MissingBinary() }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // 900 rows: four registry chunks of 256, so the first progress line (the first chunk recorded) comes
        // while later chunks are being signed, written and reserved.
        let rows = 900
        var csv = "id,givenName,familyName,dateOfBirth,email,grade,date,project\n"
        for i in 1...rows { csv += String(format: "P-%04d,Ada,Lovelace,1990-01-02,ada.%d@learner.example,Merit,2026-06-11,Analytical engine\n", i, i) }
        let recipients = dir.appendingPathComponent("recipients.csv")
        try Data(csv.utf8).write(to: recipients)

        let process = try ChildProcess.start(
            binary, issue(recipients: recipients.path, format: "edc-jades"), in: SharedData.packageRoot, output: .null)
        // Without a terminal the CLI prints "issued DONE/TOTAL …" once a chunk is recorded: kill as soon as it does
        // (waiting off the cooperative pool, which other suites' async work needs meanwhile).
        // The first progress line is what was reported before the kill (standard error only grows).
        @Sendable func firstProgress(_ text: String) -> Int { text.firstMatch(of: /issued (\d+)\/\d+/).map { Int($0.1)! } ?? 0 }
        let (stderr, reported, killedMidway) = try await ExternalTool.offThePool {
            _ = process.waitForOutput(limit: .seconds(120), inErrors: true) { firstProgress(String(decoding: $0, as: UTF8.self)) > 0 }
            let stillRunning = process.isRunning
            process.stop()
            // Everything it wrote before it ended (the readers may still be behind the exit).
            let stderr = process.wait(limit: .seconds(5))?.stderrText ?? String(decoding: process.standardError, as: UTF8.self)
            let reported = firstProgress(stderr)
            return (stderr, reported, stillRunning && reported < rows)
        }
        try #require(reported > 0, "no progress line before the end: \(stderr)")
        if !killedMidway { print("NOTE: skillcred issue finished before it could be killed; only the re-run is checked") }

        // What was reported is in the registry, with its document, and its file is that document.
        let reportedKeys = (1...reported).map { String(format: "P-%04d", $0) }
        let atKill = try registryRows()
        var reportedDocuments: [String: [UInt8]] = [:]
        for key in reportedKeys {
            let stored = try #require(atKill[key]?.first, "reported row \(key) is not in the registry")
            #expect(atKill[key]?.count == 1 && stored.state == "issued", "\(key): \(stored.state)")
            let document = try #require(stored.documentBytes, "reported row \(key) has no stored document")
            reportedDocuments[key] = document
            #expect(Array(try Data(contentsOf: out.appendingPathComponent(key + ".json"))) == document, "\(key).json differs from the registry")
        }

        let rerun = try await SkillcredCLI.run(issue(recipients: recipients.path, format: "edc-jades"))
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let summary = try #require(rerun.stdout.firstMatch(of: /(\d+) issued \((\d+) resumed\), (\d+) already issued/))
        #expect(Int(summary.1)! + Int(summary.3)! == rows, "\(rerun.stdout)")
        #expect(Int(summary.3)! >= reported, "\(rerun.stdout)")
        let after = try registryRows()
        #expect(after.count == rows)
        let names = try entries()
        #expect(names.count == rows && names.allSatisfy { $0.hasSuffix(".json") && !$0.hasPrefix(".") }, "\(names.count) entries")
        for (key, stored) in after {
            #expect(stored.count == 1 && stored[0].state == "issued", "\(key): \(stored.map(\.state))")
            let document = try #require(stored[0].documentBytes, "\(key) has no stored document")
            if let before = reportedDocuments[key] { #expect(document == before, "reported row \(key) was signed again") }
            #expect(Array(try Data(contentsOf: out.appendingPathComponent(key + ".json"))) == document, "\(key).json differs from the registry")
        }
    }
}
