import Foundation
import TestSupport
import Testing

/// Runs `skillcred to-rdf` from the package root.
private enum ToRDFCLI {
    static func run(_ arguments: [String], stdin: String? = nil) async throws -> CLIOutput {
        try await SkillcredCLI.run(["to-rdf"] + arguments, stdin: stdin.map { Data($0.utf8) })
    }

    static func temporaryFolder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-to-rdf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}

@Suite("skillcred to-rdf", .needsSharedData)
struct ToRDFCommandTests {
    @Test("prints the N-Quads PyLD produces for the small VC 2.0 sample")
    func smallSampleMatchesPyLD() async throws {
        let out = try await ToRDFCLI.run(["samples/vc2-small.json"])
        #expect(out.status == 0, "\(out.stderr)")
        let expected = try String(contentsOf: SharedData.packageRoot.appendingPathComponent("samples/expected/vc2-small.nq"), encoding: .utf8)
        #expect(out.stdout.split(separator: "\n").sorted() == expected.split(separator: "\n").sorted())
    }

    @Test("an undefined term fails in safe mode naming the file and the term's JSON path")
    func undefinedTermFailsWithPath() async throws {
        let out = try await ToRDFCLI.run(["samples/undefined-term.json"])
        #expect(out.status == 2)
        #expect(out.stdout.isEmpty)
        #expect(out.stderr.contains("samples/undefined-term.json"))
        #expect(out.stderr.contains("$.credentialSubject.finalGrade"))
        #expect(out.stderr.split(separator: "\n").count == 1)
    }

    @Test("--unsafe prints the dataset without the undefined term")
    func unsafeDropsTheTerm() async throws {
        let out = try await ToRDFCLI.run(["--unsafe", "samples/undefined-term.json"])
        #expect(out.status == 0, "\(out.stderr)")
        // type, name, issuer, validFrom, credentialSubject, and the subject's name (samples/README.md says 5; it is 6).
        #expect(out.stdout.split(separator: "\n").count == 6)
        #expect(!out.stdout.contains("A+"))
    }

    @Test("a JSON syntax error names line:column of standard input")
    func syntaxErrorHasLineAndColumn() async throws {
        let out = try await ToRDFCLI.run(["-"], stdin: "{\n  \"a\": }\n")
        #expect(out.status == 2)
        #expect(out.stderr.contains("<stdin>:2:8"), "\(out.stderr)")
    }

    @Test("a relative @id is an error without --base and resolves with it")
    func relativeIdNeedsBase() async throws {
        let doc = #"{"@context": {"@vocab": "https://ex.org/"}, "@id": "item/1", "name": "x"}"#
        let refused = try await ToRDFCLI.run(["-"], stdin: doc)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("@id"), "\(refused.stderr)")
        let resolved = try await ToRDFCLI.run(["--base", "https://ex.org/base/", "-"], stdin: doc)
        #expect(resolved.status == 0, "\(resolved.stderr)")
        #expect(resolved.stdout == "<https://ex.org/base/item/1> <https://ex.org/name> \"x\" .\n")
    }

    @Test("--context-dir supplies contexts that are not bundled")
    func contextDirectoryIsUsed() async throws {
        let dir = try ToRDFCLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(#"{"https://contexts.example/course/v1": "course.jsonld"}"#.utf8).write(to: dir.appendingPathComponent("manifest.json"))
        try Data(#"{"@context": {"title": "https://schema.example/title"}}"#.utf8).write(to: dir.appendingPathComponent("course.jsonld"))
        let doc = #"{"@context": "https://contexts.example/course/v1", "@id": "urn:x:1", "title": "Stats"}"#
        let without = try await ToRDFCLI.run(["-"], stdin: doc)
        #expect(without.status == 2)
        let with = try await ToRDFCLI.run(["--context-dir", dir.path, "-"], stdin: doc)
        #expect(with.status == 0, "\(with.stderr)")
        #expect(with.stdout == "<urn:x:1> <https://schema.example/title> \"Stats\" .\n")
    }

    @Test("@direction needs --rdf-direction in safe mode; the error names the source member")
    func directionNeedsAMode() async throws {
        let doc = #"""
            {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
             "name": {"@value": "Example", "@language": "en", "@direction": "rtl"},
             "credentialSubject": {"id": "did:example:subject"}}
            """#
        let refused = try await ToRDFCLI.run(["-"], stdin: doc)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("$.name.@direction"), "\(refused.stderr)")
        let kept = try await ToRDFCLI.run(["--rdf-direction", "i18n-datatype", "-"], stdin: doc)
        #expect(kept.status == 0, "\(kept.stderr)")
        #expect(kept.stdout.contains("\"Example\"^^<https://www.w3.org/ns/i18n#en_rtl>"))
        let bad = try await ToRDFCLI.run(["--rdf-direction", "sideways", "-"], stdin: doc)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--rdf-direction sideways"))
    }
}
