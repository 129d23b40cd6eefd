import BundledContexts
import CredentialJSON
import Foundation
import JSONLD
import TestSupport
import Testing

/// Each bundled context URL and the official document (under ../shared) it must mean the same as.
let officialContexts: [(url: String, official: String)] = [
    ("http://data.europa.eu/snb/model/context/edc-ap", "contexts/edc-ap-context.jsonld"),
    ("https://w3id.org/citizenship/v4rc1", "contexts/citizenship-v4rc1.jsonld"),
    ("https://w3id.org/security/data-integrity/v1", "contexts/data-integrity-v1.jsonld"),
    ("https://w3id.org/security/data-integrity/v2", "contexts/data-integrity-v2.jsonld"),
    ("https://w3id.org/security/jwk/v1", "contexts/jwk-v1.jsonld"),
    ("https://w3id.org/security/multikey/v1", "contexts/multikey-v1.jsonld"),
    ("https://w3id.org/security/suites/ed25519-2020/v1", "contexts/ed25519-signature-2020-v1.jsonld"),
    ("https://w3id.org/vc/status-list/2021/v1", "contexts/status-list-2021-v1.jsonld"),
    ("https://www.w3.org/2018/credentials/examples/v1", "contexts/credentials-examples-v1.jsonld"),
    ("https://www.w3.org/2018/credentials/v1", "contexts/credentials-v1.jsonld"),
    ("https://www.w3.org/ns/credentials/examples/v2", "contexts/credentials-examples-v2.jsonld"),
    ("https://www.w3.org/ns/credentials/status/v1", "contexts/bitstring-status-list-v1.jsonld"),
    ("https://www.w3.org/ns/credentials/undefined-terms/v2", "contexts/credentials-undefined-terms-v2.jsonld"),
    ("https://www.w3.org/ns/credentials/v2", "contexts/credentials-v2.jsonld"),
    ("https://www.w3.org/ns/did/v1", "contexts/did-v1.jsonld"),
    ("https://www.w3.org/ns/odrl.jsonld", "contexts/odrl.jsonld"),
]

/// Each bundled Open Badges 3.0 / CLR 2.0 context URL and the official document openbadgeslib ships for it
/// (`openbadgeslib/ob3/contexts/FILE`; ../shared has no copy). The three OB 3.0 revisions are not term-equivalent
/// (3.0.2 protects every term and drops the `xsd:string` coercions of 3.0.1; 3.0.3 renames the `image` and
/// `achievement` IRIs and adds `endorsementJwt`, `inLanguage`, `awardedDate`, `jti`), so each is its own file.
let openBadgesContexts: [(url: String, official: String)] = [
    ("https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json", "clr_context_2.0.1.json"),
    ("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json", "ob-v3p0-context-3.0.1.json"),
    ("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json", "ob-v3p0-context-3.0.2.json"),
    ("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", "ob-v3p0-context-3.0.3.json"),
    ("https://purl.imsglobal.org/spec/ob/v3p0/extensions.json", "ob-v3p0-extensions.json"),
]

/// Contexts skillcred itself publishes (no official document to compare with); each is tested by the
/// target that uses it (elm-vc2: CredentialIssuanceTests, safe-mode expansion of issued credentials).
let projectContexts: [String] = ["https://skillcred.example/contexts/elm-vc2/v1"]

@Suite("Bundled contexts: the compiled-in documents", .needsSharedData)
struct BundledContextsTests {
    @Test func everyBundledContextHasAnOfficialCounterpartInTheTable() {
        #expect(ContextBundle.urls == (officialContexts.map(\.url) + openBadgesContexts.map(\.url) + projectContexts).sorted())
    }

    @Test func everyBundledDocumentParsesAsAContextDocument() throws {
        for url in ContextBundle.urls {
            let document = try #require(ContextBundle.document(for: url), "\(url)")
            #expect(document.objectValue?["@context"] != nil, "\(url)")
        }
        #expect(ContextBundle.document(for: "https://www.w3.org/ns/credentials/v3") == nil)
        #expect(ContextBundle.document(for: "https://www.w3.org/ns/credentials/v2/") == nil)
    }

    /// The generated Swift file must hold exactly what contexts/ holds, so nobody ships stale contexts
    /// after editing contexts/ and forgetting `tools/embed-contexts`.
    @Test func generatedSwiftMatchesContextsFolder() throws {
        let folder = SharedData.packageRoot.appendingPathComponent("contexts")
        let manifestData = try Data(contentsOf: folder.appendingPathComponent("manifest.json"))
        let manifest = try #require(try JSONParser.parse(manifestData).objectValue)
        #expect(manifest.keys.sorted() == ContextBundle.urls, "contexts/manifest.json and the generated file list different URLs: run tools/embed-contexts")
        for (url, value) in manifest {
            let fileName = try #require(value.stringValue)
            let text = try String(contentsOf: folder.appendingPathComponent(fileName), encoding: .utf8)
            let embedded = ContextBundle.context(for: url)
            #expect(embedded?.fileName == fileName, "\(url)")
            #expect(embedded?.text == text, "\(fileName) changed since the last tools/embed-contexts")
        }
    }

    /// The generator's own check also covers the digests and the file's layout.
    @Test func embedScriptFindsGeneratedFileUpToDate() throws {
        let result = try runScript("tools/embed-contexts", ["--check"])
        #expect(result.status == 0, "\(result.output)")
    }

    @Test func contextsFolderIsInHouseStyle() throws {
        let result = try runScript("tools/format-contexts", ["--check"])
        #expect(result.status == 0, "\(result.output)")
    }

    @Test func digestsAreLowercaseHexOfThirtyTwoBytes() {
        for context in ContextBundle.contexts {
            #expect(context.sha256.count == 64 && context.sha256.allSatisfy { "0123456789abcdef".contains($0) }, "\(context.url)")
        }
    }
}

@Suite("Bundled contexts: same meaning as the official documents (JSON level)", .needsSharedData)
struct ContextEquivalenceJSONLevelTests {
    @Test(arguments: officialContexts.map(\.url))
    func bundledContextDefinesEveryOfficialTermIdentically(url: String) throws {
        guard let officialURL = SharedData.vector(officialContexts.first { $0.url == url }!.official) else { return }
        try compareWithOfficial(url: url, officialData: Data(contentsOf: officialURL))
    }

    func compareWithOfficial(url: String, officialData: Data) throws {
        let official = try JSONParser.parse(officialData)
        let ours = try #require(ContextBundle.context(for: url))
        #expect(Array(ours.text.utf8) != Array(officialData), "ours must be our own rendering, not a copy")
        let differences = try compareShapes(
            ContextShaper.documentShape(official), ContextShaper.documentShape(try JSONParser.parse(ours.text)), path: url)
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
    }

    /// The comparison must notice a changed IRI, a lost coercion, a lost protection and a missing term.
    @Test func comparisonDetectsEachKindOfDifference() throws {
        let base =
            #"{"@context": {"@protected": true, "ex": "https://e.example/#", "a": {"@id": "ex:a", "@type": "@id"}, "b": {"@id": "ex:b", "@context": {"c": "ex:c"}}}}"#
        let variants = [
            #"{"@context": {"@protected": true, "ex": "https://e.example/#", "a": {"@id": "ex:x", "@type": "@id"}, "b": {"@id": "ex:b", "@context": {"c": "ex:c"}}}}"#,
            #"{"@context": {"@protected": true, "ex": "https://e.example/#", "a": {"@id": "ex:a"}, "b": {"@id": "ex:b", "@context": {"c": "ex:c"}}}}"#,
            #"{"@context": {"ex": "https://e.example/#", "a": {"@id": "ex:a", "@type": "@id"}, "b": {"@id": "ex:b", "@context": {"c": "ex:c"}}}}"#,
            #"{"@context": {"@protected": true, "ex": "https://e.example/#", "a": {"@id": "ex:a", "@type": "@id"}, "b": {"@id": "ex:b", "@context": {"c": "ex:d"}}}}"#,
            #"{"@context": {"@protected": true, "ex": "https://e.example/#", "a": {"@id": "ex:a", "@type": "@id"}}}"#,
            #"{"@context": {"@protected": true, "ex": {"@id": "https://e.example/#"}, "a": {"@id": "ex:a", "@type": "@id"}, "b": {"@id": "ex:b", "@context": {"c": "ex:c"}}}}"#,
            #"{"@context": {"@protected": true, "ex": "https://e.example/#", "a": {"@id": "ex:a", "@type": "@id", "@container": "@set"}, "b": {"@id": "ex:b", "@context": {"c": "ex:c"}}}}"#,
        ]
        let expected = try ContextShaper.documentShape(JSONParser.parse(base))
        for variant in variants {
            let differences = try compareShapes(expected, ContextShaper.documentShape(JSONParser.parse(variant)), path: "test")
            #expect(!differences.isEmpty, "not detected: \(variant)")
        }
        // Layout and order do not matter, and compact vs absolute IRIs that expand the same are equal.
        let reordered =
            #"{"@context": {"b": {"@context": {"c": "https://e.example/#c"}, "@id": "ex:b"}, "a": {"@type": "@id", "@id": "https://e.example/#a"}, "ex": "https://e.example/#", "@protected": true}}"#
        #expect(try compareShapes(expected, ContextShaper.documentShape(JSONParser.parse(reordered)), path: "test").isEmpty)
    }
}

@Suite(
    "Bundled Open Badges contexts: same meaning as openbadgeslib's official copies (JSON level)",
    .enabled(if: OpenBadgesLib.enabled, "set SKILLCRED_OPENBADGESLIB_PYTHON to a Python with openbadgeslib[ldp]==4.6.3"))
struct OpenBadgesContextJSONLevelTests {
    @Test(arguments: openBadgesContexts.map(\.url))
    func bundledContextDefinesEveryOfficialTermIdentically(url: String) throws {
        let file = try OpenBadgesLib.officialContext(openBadgesContexts.first { $0.url == url }!.official)
        try ContextEquivalenceJSONLevelTests().compareWithOfficial(url: url, officialData: Data(contentsOf: file))
    }
}

/// Human-readable differences between two context shapes: missing, extra and differing terms.
func compareShapes(_ official: [ContextShape], _ ours: [ContextShape], path: String) -> [String] {
    guard official.count == ours.count else {
        return ["\(path): \(official.count) context(s) in the official document, \(ours.count) in ours"]
    }
    var differences: [String] = []
    for (index, (expected, actual)) in zip(official, ours).enumerated() {
        let here = official.count == 1 ? path : "\(path)[\(index)]"
        if expected.keywords != actual.keywords {
            differences.append("\(here): context keywords \(expected.keywords) vs ours \(actual.keywords)")
        }
        for term in Set(expected.terms.keys).union(actual.terms.keys).sorted() {
            switch (expected.terms[term], actual.terms[term]) {
            case (nil, _?): differences.append("\(here).\(term): extra term in ours")
            case (_?, nil): differences.append("\(here).\(term): missing in ours")
            case (let e?, let a?):
                if case .inline(let eScoped) = e.scopedContext, case .inline(let aScoped) = a.scopedContext {
                    var eFlat = e, aFlat = a
                    eFlat.scopedContext = nil
                    aFlat.scopedContext = nil
                    if eFlat != aFlat { differences.append("\(here).\(term): \(eFlat) vs ours \(aFlat)") }
                    differences += compareShapes(eScoped, aScoped, path: "\(here).\(term).@context")
                } else if e != a {
                    differences.append("\(here).\(term): \(e) vs ours \(a)")
                }
            case (nil, nil): break
            }
        }
    }
    return differences
}

/// Runs one of the project's scripts with python3 and returns its exit status and combined output.
func runScript(_ script: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let ended = try ChildProcess.run(
        URL(fileURLWithPath: "/usr/bin/env"), ["python3", SharedData.packageRoot.appendingPathComponent(script).path] + arguments,
        in: SharedData.packageRoot, errors: .standardOutput)
    return (ended.status, ended.stdoutText)
}

@Suite("Samples name only bundled contexts", .needsSharedData)
struct SampleContextTests {
    @Test(arguments: ["vc2-small.json", "vc2-large.json", "undefined-term.json", "open-badges/data-analysis.json"])
    func sampleUsesOnlyBundledContexts(file: String) throws {
        let url = SharedData.packageRoot.appendingPathComponent("samples").appendingPathComponent(file)
        let document = try JSONParser.parse(Data(contentsOf: url))
        let contexts = try #require(document.objectValue?["@context"]?.arrayValue, "\(file): @context must be an array")
        for context in contexts {
            let reference = try #require(context.stringValue, "\(file): inline contexts would not be cached")
            #expect(ContextBundle.document(for: reference) != nil, "\(file): \(reference) is not bundled")
        }
    }
}

/// A loader over openbadgeslib's official copies of the Open Badges / CLR contexts (they name no other context).
func openBadgesOfficialDocuments() throws -> [String: JSONValue] {
    var documents: [String: JSONValue] = [:]
    for (url, file) in openBadgesContexts {
        documents[url] = try JSONParser.parse(Data(contentsOf: try OpenBadgesLib.officialContext(file)))
    }
    return documents
}

/// A loader over the official documents of every context in the table, so that an official context
/// that names another (examples/v1 imports ODRL) is processed against official documents only.
/// `nil` when the shared folder is missing.
func officialLoader() throws -> StaticDocumentLoader? {
    var documents: [String: JSONValue] = [:]
    for (url, path) in officialContexts {
        guard let file = SharedData.vector(path) else { return nil }
        documents[url] = try JSONParser.parse(Data(contentsOf: file))
    }
    return StaticDocumentLoader(documents)
}
