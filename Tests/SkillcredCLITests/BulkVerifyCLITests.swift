import CredentialJSON
import Foundation
import TestSupport
import Testing

/// `skillcred verify` over folders of many files: streamed output in input order, the exit status
/// aggregated over every item, and the per-run file limit.
@Suite("skillcred verify, bulk", .needsSharedData)
struct BulkVerifyCLITests {
    /// A fresh folder of files: each gets a copy of `sample` when it names one under samples/, else `sample` as text.
    func folder(_ files: [(name: String, sample: String)]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-bulk-verify-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for file in files {
            let bytes: Data
            if file.sample.hasPrefix("samples/") {
                bytes = try Data(contentsOf: SharedData.packageRoot.appendingPathComponent(file.sample))
            } else {
                bytes = Data(file.sample.utf8)
            }
            try bytes.write(to: dir.appendingPathComponent(file.name))
        }
        return dir
    }

    /// The sources named by each line of `--json-lines` output, each line parsed on its own.
    func lines(_ output: CLIOutput) throws -> [JSONValue] {
        let text = output.stdout
        #expect(text.hasSuffix("\n"), "every line ends with a newline")
        return try text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { line in
            #expect(!line.isEmpty)
            return try JSONParser.parse(Array(line.utf8))
        }
    }

    @Test("--json-lines: one VerificationResult per line per file, in input order, whatever order they finish in")
    func jsonLinesInOrder() async throws {
        // Enough files that several run at once; the failing ones finish at other speeds than the partial ones.
        var files: [(name: String, sample: String)] = []
        for i in 0..<24 {
            files.append((String(format: "c%03d.json", i), i % 5 == 3 ? "samples/undefined-term.json" : "samples/vc2-small.json"))
        }
        let dir = try folder(files)
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try await SkillcredCLI.run(["verify", "--json-lines", dir.path])
        #expect(run.status == 1, "a failed item makes the run fail: \(run.stderr)")
        let results = try lines(run)
        #expect(results.count == files.count)
        for (i, result) in results.enumerated() {
            #expect(result["source"]?.stringValue == dir.appendingPathComponent(files[i].name).path)
            #expect(result["verified"] == .bool(false))
            #expect(result["verdict"]?.stringValue == (i % 5 == 3 ? "Failed" : "Partially verified"))
            #expect(result["results"]?.arrayValue?.count == 6)
            #expect(result["results"]?.arrayValue?.first?["name"] == "Format")
            #expect(result["errors"]?.arrayValue != nil)
            #expect(result["kind"]?.stringValue != nil)
        }
    }

    @Test("The exit status is the worst item's: 3 partial, 1 failed, 2 unreadable (reported, the rest still verified)")
    func exitStatusAggregates() async throws {
        let partial = try folder([("a.json", "samples/vc2-small.json"), ("b.json", "samples/vc2-small.json")])
        let failed = try folder([("a.json", "samples/vc2-small.json"), ("b.json", "samples/undefined-term.json")])
        let unreadable = try folder([
            ("a.json", "samples/vc2-small.json"), ("b.json", "{\n  \"a\": tru\n}"),
            ("c.json", "samples/undefined-term.json"),
        ])
        defer { for dir in [partial, failed, unreadable] { try? FileManager.default.removeItem(at: dir) } }

        for form in [[], ["--json-lines"], ["--json"]] {
            #expect(try await SkillcredCLI.run(["verify"] + form + [partial.path]).status == 3)
            #expect(try await SkillcredCLI.run(["verify"] + form + [failed.path]).status == 1)
            let bad = try await SkillcredCLI.run(["verify"] + form + [unreadable.path])
            #expect(bad.status == 2)
            #expect(bad.stderr.contains("b.json: line 2:"), "\(bad.stderr)")
            #expect(bad.stderr.contains("1 input could not be read"))
            #expect(bad.stdout.contains("c.json"), "the files after the unreadable one are still verified")
        }
        let streamed = try lines(try await SkillcredCLI.run(["verify", "--json-lines", unreadable.path]))
        #expect(streamed.map { $0["verdict"]?.stringValue } == ["Partially verified", "Failed", "Failed"])
    }

    @Test("--json keeps its shape: an object for one item, an array of every item for several")
    func jsonDocumentShape() async throws {
        let dir = try folder([
            ("a.json", "samples/vc2-small.json"), ("b.json", "samples/undefined-term.json"),
            ("c.json", "[]"), ("d.json", "samples/vc2-small.json"),
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let several = try await SkillcredCLI.run(["verify", "--json", dir.path])
        let array = try #require(try JSONParser.parse(Array(several.stdoutData)).arrayValue)
        #expect(array.map { $0["source"]?.stringValue } == ["a.json", "b.json", "d.json"].map { dir.appendingPathComponent($0).path })
        // Laid out as the collected renderer did: two-space indentation, elements one level in.
        #expect(several.stdout.hasPrefix("[\n  {\n    \"verified\": false,"))
        #expect(several.stdout.hasSuffix("\n  }\n]\n"))

        let one = try await SkillcredCLI.run(["verify", "--json", dir.appendingPathComponent("a.json").path])
        #expect(try JSONParser.parse(Array(one.stdoutData))["verdict"] == "Partially verified")
        #expect(one.stdout.hasPrefix("{\n  \"verified\": false,"))

        let none = try await SkillcredCLI.run(["verify", "--json", dir.appendingPathComponent("c.json").path])
        #expect(none.stdout == "[]\n")
        #expect(try await SkillcredCLI.run(["verify", "--json", "--json-lines", dir.path]).status == 2)
    }

    @Test("The terminal report and the HTML report are written as items finish and cover every item")
    func terminalAndHTML() async throws {
        let dir = try folder([
            ("a.json", "samples/vc2-small.json"), ("b.json", "samples/undefined-term.json"),
            ("c.json", "samples/vc2-small.json"),
        ])
        let html = dir.appendingPathComponent("report.html")
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try await SkillcredCLI.run(["verify", "--html", html.path, dir.path])
        #expect(run.status == 1)
        let order = ["a.json", "b.json", "c.json"].map { run.stdout.range(of: dir.appendingPathComponent($0).path)?.lowerBound }
        #expect(order.allSatisfy { $0 != nil } && order == order.sorted { $0! < $1! })
        #expect(run.stdout.contains("✗ Failed  \(dir.appendingPathComponent("b.json").path)"))

        let page = try String(contentsOf: html, encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>") && page.hasSuffix("</main>\n</body>\n</html>\n"))
        #expect(page.contains("<title>Credential verification: Failed</title>"))
        #expect(page.contains("Overall: <span class=\"verdict failed\">Failed</span> · 3 items · generated"))
        #expect(page.components(separatedBy: "<section class=\"item\"").count == 4)
        #expect(page.contains("<style>") && !page.contains("<script"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "no temporary file beside the report: \(leftovers)")

        let single = dir.appendingPathComponent("single.html")
        #expect(try await SkillcredCLI.run(["verify", "--html", single.path, dir.appendingPathComponent("a.json").path]).status == 3)
        let one = try String(contentsOf: single, encoding: .utf8)
        #expect(one.contains("<span class=\"verdict partially-verified\">Partially verified</span> · 1 item · generated"))
    }

    @Test("--max-files refuses a folder with more files, naming the limit, before verifying anything")
    func maxFiles() async throws {
        let dir = try folder((0..<5).map { (String(format: "c%d.json", $0), "samples/vc2-small.json") })
        defer { try? FileManager.default.removeItem(at: dir) }
        let refused = try await SkillcredCLI.run(["verify", "--json-lines", "--max-files", "4", dir.path])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("5 files, more than the limit of 4 files per run (--max-files)"), "\(refused.stderr)")
        #expect(refused.stdout.isEmpty)
        let allowed = try await SkillcredCLI.run(["verify", "--json-lines", "--max-files", "5", dir.path])
        #expect(allowed.status == 3)
        #expect(try lines(allowed).count == 5)
        #expect(try await SkillcredCLI.run(["verify", "--max-files", "0", dir.path]).status == 64)
        let help = try await SkillcredCLI.run(["verify", "--help"])
        #expect(help.stdout.contains("--max-files") && help.stdout.contains("100000"))
    }

    @Test("A file over the 16 MiB input limit is refused from its size, and the others are still verified")
    func oversizedFile() async throws {
        let dir = try folder([("a.json", "samples/vc2-small.json")])
        defer { try? FileManager.default.removeItem(at: dir) }
        // Sparse: the size is all that is checked, so the file need not be written.
        let big = dir.appendingPathComponent("b.json")
        #expect(FileManager.default.createFile(atPath: big.path, contents: nil))
        let handle = try FileHandle(forWritingTo: big)
        try handle.truncate(atOffset: 16 * 1024 * 1024 + 1)
        try handle.close()
        let run = try await SkillcredCLI.run(["verify", "--json-lines", dir.path])
        #expect(run.status == 2)
        #expect(run.stderr.contains("b.json: larger than the 16 MiB limit for one input (16777217 bytes)"), "\(run.stderr)")
        let results = try lines(run)
        #expect(results.map { $0["verdict"]?.stringValue } == ["Partially verified", "Failed"])
        #expect(results.last?["errors"]?.arrayValue?.first?["code"] == "PARSING_ERROR")
    }
}
