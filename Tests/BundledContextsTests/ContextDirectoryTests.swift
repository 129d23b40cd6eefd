import BundledContexts
import CredentialJSON
import Foundation
import Testing

@Suite("User context directory (--context-dir)")
struct ContextDirectoryTests {
    /// A fresh temporary directory holding the given files.
    private func directory(_ files: [String: String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-ctx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, text) in files { try Data(text.utf8).write(to: url.appendingPathComponent(name)) }
        return url
    }

    @Test func readsEveryDocumentTheManifestNames() throws {
        let url = try directory([
            "manifest.json": #"{"https://ctx.example/a/v1": "a.jsonld"}"#,
            "a.jsonld": #"{"@context": {"a": "https://ctx.example/a#a"}}"#,
        ])
        defer { try? FileManager.default.removeItem(at: url) }
        let loaded = try ContextDirectory(directory: url)
        #expect(loaded.documents.keys.sorted() == ["https://ctx.example/a/v1"])
        #expect(loaded.documents["https://ctx.example/a/v1"]?.objectValue?["@context"]?.objectValue?["a"] == "https://ctx.example/a#a")
    }

    @Test func namesFileLineAndColumnOfBrokenJSON() throws {
        let url = try directory([
            "manifest.json": #"{"https://ctx.example/a/v1": "a.jsonld"}"#,
            "a.jsonld": "{\"@context\": {\n  \"a\": \"x\",\n  \"a\": \"y\"}}",
        ])
        defer { try? FileManager.default.removeItem(at: url) }
        let error = #expect(throws: ContextDirectoryError.self) { try ContextDirectory(directory: url) }
        #expect(error?.code == .invalidDocument)
        #expect(error?.file.hasSuffix("a.jsonld") == true)
        #expect(error?.line == 3)
        #expect(error?.description.contains("a.jsonld:3:") == true)
    }

    @Test func refusesToOverrideABundledContextUnlessAllowed() throws {
        let url = try directory([
            "manifest.json": #"{"https://www.w3.org/ns/credentials/v2": "v2.jsonld"}"#,
            "v2.jsonld": #"{"@context": {"@vocab": "https://attacker.example/#"}}"#,
        ])
        defer { try? FileManager.default.removeItem(at: url) }
        let error = #expect(throws: ContextDirectoryError.self) { try ContextDirectory(directory: url) }
        #expect(error?.code == .overridesBundled)
        #expect(try ContextDirectory(directory: url, allowOverridingBundled: true).documents.count == 1)
    }

    @Test(
        arguments: [
            ([:], ContextDirectoryError.Code.missingManifest),
            (["manifest.json": "[]"], .invalidManifest),
            (["manifest.json": #"{"https://ctx.example/a": "../a.jsonld"}"#], .invalidManifest),
            (["manifest.json": #"{"https://ctx.example/a": "missing.jsonld"}"#], .unreadableFile),
            (["manifest.json": #"{"https://ctx.example/a": "a.jsonld"}"#, "a.jsonld": #"{"a": 1}"#], .invalidDocument),
        ] as [([String: String], ContextDirectoryError.Code)])
    func rejectsMalformedDirectoriesWithACode(files: [String: String], code: ContextDirectoryError.Code) throws {
        let url = try directory(files)
        defer { try? FileManager.default.removeItem(at: url) }
        let error = #expect(throws: ContextDirectoryError.self) { try ContextDirectory(directory: url) }
        #expect(error?.code == code)
    }

    @Test func enforcesTheFileSizeLimit() throws {
        let url = try directory([
            "manifest.json": #"{"https://ctx.example/a/v1": "a.jsonld"}"#,
            "a.jsonld": #"{"@context": {"a": "https://ctx.example/a#a"}}"#,
        ])
        defer { try? FileManager.default.removeItem(at: url) }
        let error = #expect(throws: ContextDirectoryError.self) {
            try ContextDirectory(directory: url, limits: .init(maxFileBytes: 20))
        }
        #expect(error?.code == .tooLarge)
    }
}
