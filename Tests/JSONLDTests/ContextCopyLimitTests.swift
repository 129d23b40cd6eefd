import CredentialJSON
import JSONLD
import Testing

/// Scoped contexts applied over a large context, and large inline contexts in a shared cache, are bounded: each
/// context processed starts from a copy of the active one, so n scoped contexts over n terms cost n² time and
/// memory (4,000 over 8,000 terms: 3.7 s and 831 MB, debug build), and a process-wide cache kept every
/// request's own large inline context (9,000 terms: 5.5 MB each, up to 2,048 of them).
@Suite struct ContextCopyLimitTests {
    /// A node typed with `count` type-scoped types, over a context that also defines `count` plain terms.
    static func typeScoped(_ count: Int) -> JSONValue {
        var context = JSONObject()
        for index in 0..<count {
            context["f\(index)"] = .string("https://example.org/f\(index)")
            context["T\(index)"] = ["@id": .string("https://example.org/T\(index)"), "@context": ["q\(index)": .string("https://example.org/q\(index)")]]
        }
        return ["@context": .object(context), "@id": "https://example.org/node", "@type": .array((0..<count).map { .string("T\($0)") })]
    }

    /// `uses` nodes of one type-scoped type, over an inline context of `terms` terms.
    static func oneScopedTypeOften(terms: Int, uses: Int) -> JSONValue {
        var context = JSONObject()
        for index in 0..<terms { context["f\(index)"] = .string("https://example.org/f\(index)") }
        context["T"] = ["@id": "https://example.org/T", "@context": ["q": "https://example.org/q"]]
        let nodes: [JSONValue] = (0..<uses).map { ["@id": .string("https://example.org/n\($0)"), "@type": "T", "q": "x"] }
        return ["@context": .object(context), "@graph": .array(nodes)]
    }

    @Test(.timeLimit(.minutes(1))) func scopedContextsOverALargeContextStopAtTheCopyLimitNamingWhere() {
        let error = #expect(throws: JSONLDError.self) { try JSONLDProcessor.expand(Self.typeScoped(3000), options: JSONLDOptions()) }
        #expect(error?.code == .limitExceeded)
        #expect(error?.message.contains("more than 1000000 term definitions") == true)
        // Defining a scoped term validates its context over the context being built: the copies run out there.
        #expect(error?.path?.description.hasPrefix("$.@context.T") == true)
    }

    @Test func theCopyLimitCanBeRaised() throws {
        var options = JSONLDOptions()
        options.limits.maxTermDefinitionCopies = 100_000_000
        let node = try #require(try JSONLDProcessor.expand(Self.typeScoped(1500), options: options).first?.objectValue)
        #expect(node["@type"]?.arrayValue?.count == 1500)
    }

    @Test func aLargeContextIsReusedWithinOneExpansionThoughTheSharedCacheDoesNotKeepIt() throws {
        // 2,000 uses × 5,001 terms would copy 10 million definitions if each use processed the scoped context again.
        let cache = ContextCache()
        let options = JSONLDOptions(contextCache: cache)
        let document = Self.oneScopedTypeOften(terms: 5000, uses: 2000)
        #expect(try JSONLDProcessor.expand(document, options: options).count == 2000)
        let misses = cache.statistics.contextMisses
        // Nothing of it was kept: a second expansion processes the contexts again.
        _ = try JSONLDProcessor.expand(document, options: options)
        #expect(cache.statistics.contextMisses > misses)
    }

    @Test func smallInlineContextsAreStillKeptAcrossExpansions() throws {
        let cache = ContextCache()
        let options = JSONLDOptions(contextCache: cache)
        let document = Self.oneScopedTypeOften(terms: 20, uses: 10)
        _ = try JSONLDProcessor.expand(document, options: options)
        let misses = cache.statistics.contextMisses
        _ = try JSONLDProcessor.expand(document, options: options)
        #expect(cache.statistics.contextMisses == misses)
    }

    @Test func anInlineContextOfLongIRIsIsNotKeptThoughItHasFewTerms() throws {
        let cache = ContextCache()
        let options = JSONLDOptions(contextCache: cache)
        let long = String(repeating: "x", count: 70_000)
        let document: JSONValue = ["@context": ["t": .string("https://example.org/" + long)], "@id": "https://example.org/n", "t": "v"]
        _ = try JSONLDProcessor.expand(document, options: options)
        let misses = cache.statistics.contextMisses
        _ = try JSONLDProcessor.expand(document, options: options)
        #expect(cache.statistics.contextMisses > misses)
    }
}
