import CredentialJSON
import Foundation
import Testing
import TestSupport

/// Runs the built `skillcred` binary, which sits beside the test bundle in the build folder.
struct CanonicalizeCLI {
    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static var binary: URL? {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("skillcred")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder.deleteLastPathComponent()
        }
        let fallback = SharedData.packageRoot.appendingPathComponent(".build/debug/skillcred")
        return FileManager.default.isExecutableFile(atPath: fallback.path) ? fallback : nil
    }

    struct MissingBinary: Error, CustomStringConvertible {
        var description: String { "the skillcred binary is not built next to the tests" }
    }

    static func run(_ arguments: [String], stdin: Data? = nil) throws -> Output {
        let process = Process()
        guard let binary else { throw MissingBinary() }
        process.executableURL = binary
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }
}

@Suite("skillcred canonicalize")
struct CanonicalizeCommandTests {
    @Test("prints the expected canonical N-Quads for every rdf-canon eval input")
    func everyEvalInput() throws {
        guard let manifestURL = SharedData.vector("rdf-canon/tests/manifest.jsonld") else { return }
        let folder = manifestURL.deletingLastPathComponent()
        let manifest = try JSONParser.parse(try SharedData.data(manifestURL))
        var checked = 0
        for entry in manifest["entries"]?.arrayValue ?? [] where entry["type"]?.stringValue == "rdfc:RDFC10EvalTest" {
            let action = try #require(entry["action"]?.stringValue)
            let result = try #require(entry["result"]?.stringValue)
            var arguments = ["canonicalize", folder.appendingPathComponent(action).path]
            if entry["hashAlgorithm"]?.stringValue == "SHA384" { arguments += ["--hash", "sha384"] }
            let output = try CanonicalizeCLI.run(arguments)
            let expected = String(decoding: try SharedData.data(folder.appendingPathComponent(result)), as: UTF8.self)
            #expect(output.status == 0, "\(action): \(output.stderr)")
            #expect(output.stdout == expected, "\(action)")
            checked += 1
        }
        #expect(checked == 64)
    }

    @Test("--map prints the issued identifier map the rdf-canon map test expects")
    func map() throws {
        guard let folder = SharedData.vector("rdf-canon/tests/rdfc10") else { return }
        let output = try CanonicalizeCLI.run(["canonicalize", "--map", folder.appendingPathComponent("test020-in.nq").path])
        #expect(output.status == 0)
        let actual = try JSONParser.parse(output.stdout)
        let expected = try JSONParser.parse(try SharedData.data(folder.appendingPathComponent("test020-rdfc10map.json")))
        #expect(actual == expected)
    }

    @Test("reads standard input and honours --hash sha384")
    func stdinAndSHA384() throws {
        guard let folder = SharedData.vector("rdf-canon/tests/rdfc10") else { return }
        let input = try SharedData.data(folder.appendingPathComponent("test075-in.nq"))
        let output = try CanonicalizeCLI.run(["canonicalize", "--hash", "sha384", "-"], stdin: input)
        let expected = String(decoding: try SharedData.data(folder.appendingPathComponent("test075-rdfc10.nq")), as: UTF8.self)
        #expect(output.stdout == expected)
        let sha256 = try CanonicalizeCLI.run(["canonicalize", "-"], stdin: input)
        #expect(sha256.stdout != expected)
    }

    @Test("the poison graph exits 2 with a work-limit message in well under a second")
    func poison() throws {
        guard let folder = SharedData.vector("rdf-canon/tests/rdfc10") else { return }
        let path = folder.appendingPathComponent("test074-in.nq").path
        let start = ContinuousClock.now
        let output = try CanonicalizeCLI.run(["canonicalize", path])
        #expect(ContinuousClock.now - start < .seconds(2))
        #expect(output.status == 2)
        #expect(output.stdout.isEmpty)
        #expect(output.stderr.contains("work limit reached"))
        #expect(output.stderr.contains(path))
    }

    @Test("malformed N-Quads exit 2 with one line naming file and line:column")
    func badInput() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-bad-\(UUID().uuidString).nq")
        try Data("<urn:s> <urn:p> <urn:o> .\n<urn:s> <urn:p> \"x\"@ .\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let output = try CanonicalizeCLI.run(["canonicalize", file.path])
        #expect(output.status == 2)
        #expect(output.stderr == "skillcred: \(file.path):2:21: a language tag must start with a letter, found space\n")
    }

    @Test("an unknown extension without --input is refused with exit 2")
    func unknownExtension() throws {
        let output = try CanonicalizeCLI.run(["canonicalize", "data.txt"])
        #expect(output.status == 2)
        #expect(output.stderr.contains("--input"))
    }
}
