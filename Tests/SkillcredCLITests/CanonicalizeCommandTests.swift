import CredentialJSON
import Foundation
import TestSupport
import Testing

/// The `canonicalize` tests run the CLI from the package root.
enum CanonicalizeCLI {
    static func run(_ arguments: [String], stdin: Data? = nil) async throws -> CLIOutput {
        try await SkillcredCLI.run(arguments, stdin: stdin)
    }
}

@Suite("skillcred canonicalize", .needsSharedData)
struct CanonicalizeCommandTests {
    @Test("prints the expected canonical N-Quads for every rdf-canon eval input")
    func everyEvalInput() async throws {
        guard let manifestURL = SharedData.vector("rdf-canon/tests/manifest.jsonld") else { return }
        let folder = manifestURL.deletingLastPathComponent()
        let manifest = try JSONParser.parse(try SharedData.data(manifestURL))
        var checked = 0
        for entry in manifest["entries"]?.arrayValue ?? [] where entry["type"]?.stringValue == "rdfc:RDFC10EvalTest" {
            let action = try #require(entry["action"]?.stringValue)
            let result = try #require(entry["result"]?.stringValue)
            var arguments = ["canonicalize", folder.appendingPathComponent(action).path]
            if entry["hashAlgorithm"]?.stringValue == "SHA384" { arguments += ["--hash", "sha384"] }
            let output = try await CanonicalizeCLI.run(arguments)
            let expected = String(decoding: try SharedData.data(folder.appendingPathComponent(result)), as: UTF8.self)
            #expect(output.status == 0, "\(action): \(output.stderr)")
            #expect(output.stdout == expected, "\(action)")
            checked += 1
        }
        #expect(checked == 64)
    }

    @Test("--map prints the issued identifier map the rdf-canon map test expects")
    func map() async throws {
        guard let folder = SharedData.vector("rdf-canon/tests/rdfc10") else { return }
        let output = try await CanonicalizeCLI.run(["canonicalize", "--map", folder.appendingPathComponent("test020-in.nq").path])
        #expect(output.status == 0)
        let actual = try JSONParser.parse(output.stdout)
        let expected = try JSONParser.parse(try SharedData.data(folder.appendingPathComponent("test020-rdfc10map.json")))
        #expect(actual == expected)
    }

    @Test("reads standard input and honours --hash sha384")
    func stdinAndSHA384() async throws {
        guard let folder = SharedData.vector("rdf-canon/tests/rdfc10") else { return }
        let input = try SharedData.data(folder.appendingPathComponent("test075-in.nq"))
        let output = try await CanonicalizeCLI.run(["canonicalize", "--hash", "sha384", "-"], stdin: input)
        let expected = String(decoding: try SharedData.data(folder.appendingPathComponent("test075-rdfc10.nq")), as: UTF8.self)
        #expect(output.stdout == expected)
        let sha256 = try await CanonicalizeCLI.run(["canonicalize", "-"], stdin: input)
        #expect(sha256.stdout != expected)
    }

    @Test("the poison graph exits 2 with a work-limit message in well under a second")
    func poison() async throws {
        guard let folder = SharedData.vector("rdf-canon/tests/rdfc10") else { return }
        let path = folder.appendingPathComponent("test074-in.nq").path
        let start = ContinuousClock.now
        let output = try await CanonicalizeCLI.run(["canonicalize", path])
        #expect(ContinuousClock.now - start < .seconds(2))
        #expect(output.status == 2)
        #expect(output.stdout.isEmpty)
        #expect(output.stderr.contains("work limit reached"))
        #expect(output.stderr.contains(path))
    }

    @Test("malformed N-Quads exit 2 with one line naming file and line:column")
    func badInput() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-bad-\(UUID().uuidString).nq")
        try Data("<urn:s> <urn:p> <urn:o> .\n<urn:s> <urn:p> \"x\"@ .\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let output = try await CanonicalizeCLI.run(["canonicalize", file.path])
        #expect(output.status == 2)
        #expect(output.stderr == "skillcred: \(file.path):2:21: a language tag must start with a letter, found space\n")
    }

    @Test("an unknown extension without --input is refused with exit 2")
    func unknownExtension() async throws {
        let output = try await CanonicalizeCLI.run(["canonicalize", "data.txt"])
        #expect(output.status == 2)
        #expect(output.stderr.contains("--input"))
    }
}

@Suite("skillcred canonicalize, JSON-LD input")
struct CanonicalizeJSONLDTests {
    @Test("canonicalizes a sample credential from JSON-LD with the bundled contexts")
    func sampleCredential() async throws {
        let out = try await SkillcredCLI.run(["canonicalize", "samples/vc2-large.json"])
        #expect(out.status == 0, "\(out.stderr)")
        let lines = out.stdout.split(separator: "\n")
        #expect(lines.count == 310)
        #expect(lines == lines.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
    }

    @Test("an undefined term fails naming its JSON path, as in to-rdf")
    func undefinedTermFails() async throws {
        let out = try await SkillcredCLI.run(["canonicalize", "samples/undefined-term.json"])
        #expect(out.status == 2)
        #expect(out.stderr.contains("$.credentialSubject.finalGrade"))
    }
}
