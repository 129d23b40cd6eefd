import CredentialJSON
import Foundation
import JSONLD
import Synchronization
import TestSupport
import Testing

/// Counts loads so tests can see what the cache saved.
final class CountingLoader: DocumentLoader {
    let inner: any DocumentLoader
    private let counts = Mutex<[String: Int]>([:])
    init(_ inner: any DocumentLoader) { self.inner = inner }
    func loadDocument(url: String) throws(JSONLDError) -> RemoteDocument {
        counts.withLock { $0[url, default: 0] += 1 }
        return try inner.loadDocument(url: url)
    }
    var total: Int { counts.withLock { $0.values.reduce(0, +) } }
}

/// URL → file in ../shared/vectors/contexts (from the vectors README).
let sharedContextFiles: [String: String] = [
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
    "https://www.w3.org/2018/credentials/v1": "credentials-v1.jsonld",
    "https://www.w3.org/ns/credentials/examples/v2": "credentials-examples-v2.jsonld",
    "https://www.w3.org/2018/credentials/examples/v1": "credentials-examples-v1.jsonld",
    "https://www.w3.org/ns/credentials/undefined-terms/v2": "credentials-undefined-terms-v2.jsonld",
    "https://w3id.org/security/data-integrity/v2": "data-integrity-v2.jsonld",
    "https://w3id.org/security/data-integrity/v1": "data-integrity-v1.jsonld",
    "https://w3id.org/security/multikey/v1": "multikey-v1.jsonld",
    "https://w3id.org/security/jwk/v1": "jwk-v1.jsonld",
    "https://www.w3.org/ns/cid/v1": "cid-v1.jsonld",
    "https://www.w3.org/ns/did/v1": "did-v1.jsonld",
    "https://www.w3.org/ns/credentials/status/v1": "bitstring-status-list-v1.jsonld",
    "https://w3id.org/vc/status-list/2021/v1": "status-list-2021-v1.jsonld",
    "https://w3id.org/security/suites/ed25519-2020/v1": "ed25519-signature-2020-v1.jsonld",
    "https://w3id.org/security/v1": "security-v1.jsonld",
    "https://w3id.org/security/v2": "security-v2.jsonld",
    "https://www.w3.org/ns/odrl.jsonld": "odrl.jsonld",
    "https://w3id.org/citizenship/v4rc1": "citizenship-v4rc1.jsonld",
]

func sharedContextLoader() -> DirectoryDocumentLoader? {
    guard let folder = SharedData.vector("contexts") else { return nil }
    return DirectoryDocumentLoader(directory: folder.path, mappings: sharedContextFiles)
}

func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("jsonld-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite(.needsSharedData) struct DocumentLoaderTests {
    @Test func staticLoaderServesKnownURLsAndNamesUnknownOnes() throws {
        let loader = StaticDocumentLoader(["https://ex.org/ctx": ["@context": ["name": "https://ex.org/name"]]])
        #expect(try loader.loadDocument(url: "https://ex.org/ctx").document["@context"]?["name"] == "https://ex.org/name")
        let error = #expect(throws: JSONLDError.self) { try loader.loadDocument(url: "https://ex.org/missing") }
        #expect(error?.code == .loadingDocumentFailed)
        #expect(error?.message.contains("https://ex.org/missing") == true)
    }

    @Test func staticLoaderParsesRawBytesLazily() throws {
        let loader = StaticDocumentLoader(rawDocuments: [
            "https://ex.org/good": Array(#"{"@context": {"a": "https://ex.org/a"}}"#.utf8),
            "https://ex.org/bad": Array(#"{"@context": "#.utf8),
        ])
        #expect(try loader.loadDocument(url: "https://ex.org/good").document["@context"]?["a"] == "https://ex.org/a")
        let error = #expect(throws: JSONLDError.self) { try loader.loadDocument(url: "https://ex.org/bad") }
        #expect(error?.code == .loadingDocumentFailed)
        #expect(error?.message.contains("line 1") == true)
    }

    @Test func missingRemoteContextFailsExpansionNamingTheURL() throws {
        let input: JSONValue = ["@context": "https://ex.org/nowhere", "@id": "https://ex.org/a"]
        let error = #expect(throws: JSONLDError.self) { try JSONLDProcessor.expand(input, options: JSONLDOptions()) }
        #expect(error?.code == .loadingRemoteContextFailed)
        #expect(error?.message.contains("https://ex.org/nowhere") == true)
        #expect(error?.path?.description == "$.@context")
    }

    @Test func errorsInsideARemoteContextNameItsURL() throws {
        let loader = StaticDocumentLoader(["https://ex.org/bad": ["@context": ["t": ["@id": 5]]]])
        let input: JSONValue = ["https://ex.org/p": ["@context": "https://ex.org/bad", "@id": "https://ex.org/a"]]
        let error = #expect(throws: JSONLDError.self) {
            try JSONLDProcessor.expand(input, options: JSONLDOptions(documentLoader: loader))
        }
        #expect(error?.code == .invalidIRIMapping)
        #expect(error?.message.contains("https://ex.org/bad") == true)
        #expect(error?.path?.description == "$[\"https://ex.org/p\"].@context")
    }

    @Test func aLoaderSuppliedContextURLAppliesToTheDocument() throws {
        struct LinkLoader: DocumentLoader {
            func loadDocument(url: String) throws(JSONLDError) -> RemoteDocument {
                switch url {
                case "https://ex.org/doc.json":
                    return RemoteDocument(
                        documentURL: url, document: ["@id": "item", "name": "x"],
                        contextURL: "https://ex.org/ctx")
                case "https://ex.org/ctx":
                    return RemoteDocument(documentURL: url, document: ["@context": ["name": "https://ex.org/name"]])
                default:
                    throw JSONLDError(.loadingDocumentFailed, "no \(url)")
                }
            }
        }
        let out = try JSONLDProcessor.expand(documentAt: "https://ex.org/doc.json", options: JSONLDOptions(documentLoader: LinkLoader()))
        #expect(out == [["@id": "https://ex.org/item", "https://ex.org/name": [["@value": "x"]]]])
    }

    @Test func directoryLoaderReadsItsManifestWithExactAndPrefixMappings() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("tree"), withIntermediateDirectories: true)
        try Data(#"{"@context": {"x": "https://ex.org/x"}}"#.utf8).write(to: dir.appendingPathComponent("one.jsonld"))
        try Data(#"{"@context": {"y": "https://ex.org/y"}}"#.utf8).write(to: dir.appendingPathComponent("tree/two.jsonld"))
        try Data(#"{"https://ex.org/one": "one.jsonld", "https://ex.org/tree/": "tree/"}"#.utf8)
            .write(to: dir.appendingPathComponent("manifest.json"))
        let loader = try DirectoryDocumentLoader(directory: dir.path)
        #expect(try loader.loadDocument(url: "https://ex.org/one").document["@context"]?["x"] == "https://ex.org/x")
        #expect(try loader.loadDocument(url: "https://ex.org/tree/two.jsonld").document["@context"]?["y"] == "https://ex.org/y")
        #expect(throws: JSONLDError.self) { try loader.loadDocument(url: "https://ex.org/tree/../one.jsonld") }
        #expect(throws: JSONLDError.self) { try loader.loadDocument(url: "https://ex.org/tree/absent.jsonld") }
        #expect(throws: JSONLDError.self) { try loader.loadDocument(url: "https://ex.org/other") }
        #expect(loader.filePath(for: "https://ex.org/tree/../../etc/passwd") == nil)
    }

    @Test func directoryLoaderRefusesOversizedFiles() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(#"{"@context": {"x": "https://ex.org/x"}}"#.utf8).write(to: dir.appendingPathComponent("c.jsonld"))
        var loader = DirectoryDocumentLoader(directory: dir.path, mappings: ["https://ex.org/c": "c.jsonld"])
        loader.maxDocumentBytes = 10
        let error = #expect(throws: JSONLDError.self) { try loader.loadDocument(url: "https://ex.org/c") }
        #expect(error?.message.contains("limit") == true)
    }

    @Test func directoryLoaderRejectsAMalformedManifest() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(#"{"https://ex.org/c": 3}"#.utf8).write(to: dir.appendingPathComponent("manifest.json"))
        let error = #expect(throws: JSONLDError.self) { try DirectoryDocumentLoader(directory: dir.path) }
        #expect(error?.path?.description == "$[\"https://ex.org/c\"]")
    }

    @Test func chainedLoaderUsesTheFirstLoaderThatHasTheDocument() throws {
        let first = StaticDocumentLoader(["https://ex.org/a": ["@context": ["v": "https://first/"]]])
        let second = StaticDocumentLoader([
            "https://ex.org/a": ["@context": ["v": "https://second/"]],
            "https://ex.org/b": ["@context": ["v": "https://second/b"]],
        ])
        let chain = ChainedDocumentLoader([first, second])
        #expect(try chain.loadDocument(url: "https://ex.org/a").document["@context"]?["v"] == "https://first/")
        #expect(try chain.loadDocument(url: "https://ex.org/b").document["@context"]?["v"] == "https://second/b")
        let error = #expect(throws: JSONLDError.self) { try chain.loadDocument(url: "https://ex.org/c") }
        #expect(error?.code == .loadingDocumentFailed)
        #expect(error?.message.contains("https://ex.org/c") == true)
    }
}

@Suite struct ContextCacheTests {
    static let credential: JSONValue = [
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
        "id": "http://university.example/credentials/3732",
        "type": ["VerifiableCredential", "ExampleDegreeCredential"],
        "issuer": "https://university.example/issuers/565049",
        "validFrom": "2010-01-01T00:00:00Z",
        "credentialSubject": [
            "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
            "degree": ["type": "ExampleBachelorDegree", "name": "Bachelor of Science and Arts"],
        ],
    ]

    @Test func secondExpansionIsServedFromTheCacheWithTheSameResult() throws {
        guard let directory = sharedContextLoader() else { return }
        let loader = CountingLoader(directory)
        let cache = ContextCache()
        let options = JSONLDOptions(documentLoader: loader, contextCache: cache)
        let first = try JSONLDProcessor.expand(Self.credential, options: options)
        let loadsAfterFirst = loader.total
        let missesAfterFirst = cache.statistics.contextMisses
        let second = try JSONLDProcessor.expand(Self.credential, options: options)
        #expect(first == second)
        #expect(loadsAfterFirst == 2)
        #expect(loader.total == 2, "the second expansion must not load any context")
        #expect(cache.statistics.contextMisses == missesAfterFirst, "the second expansion must not process any context")
        #expect(cache.statistics.contextHits > 0)
        #expect(
            first[0]["@type"] == [
                "https://www.w3.org/2018/credentials#VerifiableCredential",
                "https://www.w3.org/ns/credentials/examples#ExampleDegreeCredential",
            ])
    }

    @Test func concurrentExpansionsShareOneCache() async throws {
        guard let directory = sharedContextLoader() else { return }
        let loader = CountingLoader(directory)
        let options = JSONLDOptions(documentLoader: loader, contextCache: ContextCache())
        let expected = try JSONLDProcessor.expand(Self.credential, options: JSONLDOptions(documentLoader: directory))
        let results = try await withThrowingTaskGroup(of: [JSONValue].self) { group in
            for _ in 0..<16 {
                group.addTask { try JSONLDProcessor.expand(Self.credential, options: options) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 16)
        #expect(results.allSatisfy { $0 == expected })
        #expect(loader.total <= 2 * 16)
    }

    @Test func cachedContextProcessingGivesIdenticalTermDefinitions() throws {
        guard let directory = sharedContextLoader() else { return }
        let cache = ContextCache()
        let options = JSONLDOptions(documentLoader: directory, contextCache: cache)
        let a = try JSONLDProcessor.processContext("https://www.w3.org/ns/credentials/v2", base: nil, options: options)
        let b = try JSONLDProcessor.processContext("https://www.w3.org/ns/credentials/v2", base: nil, options: options)
        #expect(a.termDefinitions == b.termDefinitions)
        #expect(cache.statistics.contextHits >= 1)
        let vc = try #require(a["VerifiableCredential"])
        #expect(vc.iri == "https://www.w3.org/2018/credentials#VerifiableCredential")
        #expect(vc.isProtected)
        #expect(vc.hasLocalContext)
        #expect(a["id"]?.iri == "@id")
        #expect(a["type"]?.iri == "@type")
        #expect(a["@context"] == nil)
    }

    @Test func everySharedContextProcessesInSafeMode() throws {
        guard let directory = sharedContextLoader() else { return }
        let options = JSONLDOptions(documentLoader: directory)
        for url in sharedContextFiles.keys.sorted() {
            let context = try JSONLDProcessor.processContext(.string(url), base: nil, options: options)
            #expect(!context.termDefinitions.isEmpty || context.vocabularyMapping != nil, "\(url)")
        }
    }

    @Test func removeAllEmptiesTheCache() throws {
        let loader = CountingLoader(StaticDocumentLoader(["https://ex.org/c": ["@context": ["n": "https://ex.org/n"]]]))
        let cache = ContextCache()
        let options = JSONLDOptions(documentLoader: loader, contextCache: cache)
        let doc: JSONValue = ["@context": "https://ex.org/c", "@id": "https://ex.org/a", "n": "x"]
        _ = try JSONLDProcessor.expand(doc, options: options)
        cache.removeAll()
        _ = try JSONLDProcessor.expand(doc, options: options)
        #expect(loader.total == 2)
        #expect(cache.statistics.documentLoads == 1)
    }
}

@Suite struct TermDefinitionInspectionTests {
    @Test func termDefinitionsExposeEveryMapping() throws {
        let context = try JSONParser.parse(
            #"""
            {"@version": 1.1, "@vocab": "https://ex.org/v#", "@language": "en", "@direction": "ltr",
             "ex": "https://ex.org/",
             "tags": {"@id": "ex:tags", "@container": ["@index", "@set"], "@index": "ex:key", "@protected": true},
             "label": {"@id": "ex:label", "@language": null, "@direction": "rtl", "@nest": "meta"},
             "parent": {"@reverse": "ex:child"},
             "data": {"@id": "ex:data", "@type": "@json"},
             "Thing": {"@id": "ex:Thing", "@context": {"size": "ex:size"}},
             "meta": "@nest",
             "p": {"@id": "https://ex.org/p/", "@prefix": true}}
            """#)
        let active = try JSONLDProcessor.processContext(context, base: "https://base.example/", options: JSONLDOptions())
        #expect(active.vocabularyMapping == "https://ex.org/v#")
        #expect(active.defaultLanguage == "en")
        #expect(active.defaultBaseDirection == "ltr")
        #expect(active.baseIRI == "https://base.example/")
        #expect(active["ex"]?.prefix == true)
        let tags = try #require(active["tags"])
        #expect(tags.iri == "https://ex.org/tags")
        #expect(tags.containerMapping == ["@index", "@set"])
        #expect(tags.indexMapping == "ex:key")
        #expect(tags.isProtected)
        let label = try #require(active["label"])
        #expect(label.hasLanguageMapping && label.language == nil)
        #expect(label.direction == "rtl")
        #expect(label.nestValue == "meta")
        #expect(active["parent"]?.isReverse == true)
        #expect(active["parent"]?.iri == "https://ex.org/child")
        #expect(active["data"]?.typeMapping == "@json")
        #expect(active["Thing"]?.hasLocalContext == true)
        #expect(active["meta"]?.iri == "@nest")
        #expect(active["p"]?.prefix == true)
    }

    @Test func protectedTermsCannotBeRedefined() throws {
        let context = try JSONParser.parse(
            #"""
            [{"@protected": true, "name": "https://ex.org/name"}, {"name": "https://other.org/name"}]
            """#)
        let error = #expect(throws: JSONLDError.self) {
            try JSONLDProcessor.processContext(context, base: nil, options: JSONLDOptions())
        }
        #expect(error?.code == .protectedTermRedefinition)
        #expect(error?.path?.description == "$.name")
    }
}

@Suite struct LimitTests {
    @Test func deepNestingIsRefused() throws {
        var value: JSONValue = ["https://ex.org/leaf": "x"]
        for _ in 0..<40 { value = ["https://ex.org/p": value] }
        var options = JSONLDOptions()
        options.limits.maxExpansionDepth = 20
        let error = #expect(throws: JSONLDError.self) { try JSONLDProcessor.expand(value, options: options) }
        #expect(error?.code == .limitExceeded)
        options.limits.maxExpansionDepth = 100
        _ = try JSONLDProcessor.expand(value, options: options)
    }

    @Test func tooManyRemoteContextsAreRefused() throws {
        var documents: [String: JSONValue] = [:]
        var urls: [JSONValue] = []
        for i in 0..<5 {
            let url = "https://ex.org/c\(i)"
            documents[url] = ["@context": ["t\(i)": .string("https://ex.org/t\(i)")]]
            urls.append(.string(url))
        }
        let doc: JSONValue = ["@context": .array(urls), "@id": "https://ex.org/a", "t0": "x"]
        var options = JSONLDOptions(documentLoader: StaticDocumentLoader(documents))
        options.limits.maxRemoteContextsPerDocument = 3
        let error = #expect(throws: JSONLDError.self) { try JSONLDProcessor.expand(doc, options: options) }
        #expect(error?.code == .limitExceeded)
        options.limits.maxRemoteContextsPerDocument = 5
        _ = try JSONLDProcessor.expand(doc, options: options)
    }

    @Test func cyclicRemoteContextsOverflow() throws {
        let loader = StaticDocumentLoader([
            "https://ex.org/a": ["@context": "https://ex.org/b"],
            "https://ex.org/b": ["@context": "https://ex.org/a"],
        ])
        let doc: JSONValue = ["@context": "https://ex.org/a", "@id": "https://ex.org/x"]
        let error = #expect(throws: JSONLDError.self) {
            try JSONLDProcessor.expand(doc, options: JSONLDOptions(documentLoader: loader))
        }
        #expect(error?.code == .contextOverflow)
    }

    @Test func deepContextChainsAreRefused() throws {
        var documents: [String: JSONValue] = [:]
        for i in 0..<10 {
            documents["https://ex.org/c\(i)"] = ["@context": .string("https://ex.org/c\(i + 1)")]
        }
        documents["https://ex.org/c10"] = ["@context": ["n": "https://ex.org/n"]]
        let doc: JSONValue = ["@context": "https://ex.org/c0", "@id": "https://ex.org/x", "n": "v"]
        var options = JSONLDOptions(documentLoader: StaticDocumentLoader(documents))
        options.limits.maxContextNesting = 5
        let error = #expect(throws: JSONLDError.self) { try JSONLDProcessor.expand(doc, options: options) }
        #expect(error?.code == .contextOverflow)
        options.limits.maxContextNesting = 64
        #expect(try JSONLDProcessor.expand(doc, options: options)[0]["https://ex.org/n"] == [["@value": "v"]])
    }

    @Test func longTermDependencyChainsAreRefused() throws {
        var terms = JSONObject()
        for i in 0..<2000 { terms["t\(i)"] = .string("t\(i + 1):x") }
        terms["t2000"] = "https://ex.org/"
        let error = #expect(throws: JSONLDError.self) {
            try JSONLDProcessor.processContext(.object(terms), base: nil, options: JSONLDOptions())
        }
        #expect(error?.code == .limitExceeded)
        var short = JSONObject()
        for i in 0..<50 { short["t\(i)"] = .string("t\(i + 1):a/") }
        short["t50"] = "https://ex.org/"
        let context = try JSONLDProcessor.processContext(.object(short), base: nil, options: JSONLDOptions())
        #expect(context["t0"]?.iri == "https://ex.org/" + String(repeating: "a/", count: 50))
    }

    @Test func deepDocumentsExpandOnATaskStack() async throws {
        var value: JSONValue = ["https://ex.org/leaf": "x"]
        for _ in 0..<127 { value = ["https://ex.org/p": [value]] }
        let input = value
        let out = try await Task { try JSONLDProcessor.expand(input, options: JSONLDOptions()) }.value
        #expect(out.count == 1)
        // Twice as deep: refused by the default limit instead of overflowing the stack.
        let deeper: JSONValue = ["https://ex.org/p": [input]]
        var deepest = deeper
        for _ in 0..<128 { deepest = ["https://ex.org/p": [deepest]] }
        let nested = deepest
        let result = await Task { () -> JSONLDError? in
            do { _ = try JSONLDProcessor.expand(nested, options: JSONLDOptions()); return nil } catch let error as JSONLDError { return error } catch {
                return nil
            }
        }.value
        #expect(result?.code == .limitExceeded)
    }

    @Test func hugeContextsAreRefused() throws {
        var terms = JSONObject()
        for i in 0..<50 { terms["t\(i)"] = .string("https://ex.org/t\(i)") }
        var options = JSONLDOptions()
        options.limits.maxTermsPerContext = 20
        let error = #expect(throws: JSONLDError.self) {
            try JSONLDProcessor.processContext(.object(terms), base: nil, options: options)
        }
        #expect(error?.code == .limitExceeded)
    }
}
