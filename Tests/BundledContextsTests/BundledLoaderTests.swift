import BundledContexts
import CredentialJSON
import Foundation
import JSONLD
import TestSupport
import Testing

@Suite("Bundled contexts as a JSON-LD document loader", .needsSharedData)
struct BundledLoaderTests {
    private func sample(_ name: String) throws -> JSONValue {
        try JSONParser.parse(Data(contentsOf: SharedData.packageRoot.appendingPathComponent("samples/\(name)")))
    }

    @Test func loadsEveryBundledURLFromMemory() throws {
        for url in ContextBundle.urls {
            let remote = try ContextBundle.loader.loadDocument(url: url)
            #expect(remote.documentURL == url)
            #expect(remote.document == ContextBundle.document(for: url))
        }
    }

    @Test func unknownURLFailsNamingIt() {
        let url = "https://www.w3.org/ns/credentials/v3"
        let error = #expect(throws: JSONLDError.self) { try ContextBundle.loader.loadDocument(url: url) }
        #expect(error?.code == .loadingDocumentFailed)
        #expect(error?.message.contains(url) == true)
    }

    @Test func directoryContextsAreAddedToTheBundledOnes() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-ctx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(#"{"https://ctx.example/extra/v1": "extra.jsonld"}"#.utf8).write(to: folder.appendingPathComponent("manifest.json"))
        try Data(#"{"@context": {"finalGrade": "https://ctx.example/extra#finalGrade"}}"#.utf8)
            .write(to: folder.appendingPathComponent("extra.jsonld"))

        let loader = try ContextBundle.loader(contextDirectory: folder)
        #expect(try loader.loadDocument(url: "https://ctx.example/extra/v1").document.objectValue?["@context"] != nil)
        #expect(
            try loader.loadDocument(url: "https://www.w3.org/ns/credentials/v2").document == ContextBundle.document(for: "https://www.w3.org/ns/credentials/v2")
        )
        #expect(throws: JSONLDError.self) { try ContextBundle.loader.loadDocument(url: "https://ctx.example/extra/v1") }
        #expect(try ContextBundle.loader(contextDirectory: nil).urls.sorted() == ContextBundle.urls)
    }

    @Test(arguments: ["vc2-small.json", "vc2-large.json"])
    func samplesExpandInSafeModeWithBundledContextsOnly(file: String) throws {
        let expanded = try JSONLDProcessor.expand(try sample(file), options: ContextBundle.options())
        #expect(expanded.count == 1)
    }

    @Test func undefinedTermSampleFailsInSafeModeNamingItsPath() throws {
        let document = try sample("undefined-term.json")
        let error = #expect(throws: JSONLDError.self) {
            try JSONLDProcessor.expand(document, options: ContextBundle.options())
        }
        #expect(error?.code == .safeModeDroppedTerm)
        #expect(error?.path?.description.contains("finalGrade") == true, "\(String(describing: error))")
        let unsafe = try JSONLDProcessor.expand(document, options: ContextBundle.options(safeMode: false))
        #expect(JSONWriter.string(.array(unsafe)).contains("finalGrade") == false)
    }

    /// EDC credentials use VC v1 with edc-ap; edc-ap after the protected VC v2 context cannot work
    /// because it redefines `description` and other protected terms (as in every JSON-LD processor).
    @Test func edcContextCombinesWithVC1ButNotWithProtectedVC2() throws {
        let edc = JSONValue.string("http://data.europa.eu/snb/model/context/edc-ap")
        let withV1 = try JSONLDProcessor.processContext(
            .array([.string("https://www.w3.org/2018/credentials/v1"), edc]), base: nil, options: ContextBundle.options())
        #expect(withV1["LearningAchievement"]?.iri == "http://data.europa.eu/snb/model/elm/LearningAchievement")
        let error = #expect(throws: JSONLDError.self) {
            try JSONLDProcessor.processContext(
                .array([.string("https://www.w3.org/ns/credentials/v2"), edc]), base: nil, options: ContextBundle.options())
        }
        #expect(error?.code == .protectedTermRedefinition)
    }
}
