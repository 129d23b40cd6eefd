import BundledContexts
import CredentialJSON
import Foundation
import JSONLD
import TestSupport
import Testing

/// Processes our context and the official one with the JSON-LD engine and compares the resulting
/// active contexts term by term, then each scoped context the same way, recursively.
@Suite("Bundled contexts: same meaning as the official documents (JSON-LD engine)")
struct ContextEquivalenceEngineTests {
    @Test(arguments: officialContexts.map(\.url))
    func processedContextsAgreeTermByTerm(url: String) throws {
        guard let loader = try officialLoader() else { return }
        let theirs = JSONLDOptions(documentLoader: loader)
        let ours = JSONLDOptions(documentLoader: ContextBundle.loader)
        let expected = try JSONLDProcessor.processContext(.string(url), base: nil, options: theirs)
        let actual = try JSONLDProcessor.processContext(.string(url), base: nil, options: ours)
        #expect(!actual.termDefinitions.isEmpty || actual.vocabularyMapping != nil, "\(url) defines nothing")
        var comparison = ActiveContextComparison(theirs: theirs, ours: ours)
        comparison.compare(expected, actual, parent: nil, path: url, depth: 0)
        #expect(comparison.differences.isEmpty, "\(comparison.differences.joined(separator: "\n"))")
        print("\(url): \(comparison.termsCompared) term definitions compared in \(comparison.scopesCompared) scopes")
    }

    /// One line for CI logs, like the conformance suites: how many contexts were proven equivalent.
    @Test func equivalenceSummaryOverAllContexts() throws {
        var passed = 0, failed = 0, skipped = 0
        let loader = try officialLoader()
        for (url, _) in officialContexts {
            guard let loader else { skipped += 1; continue }
            let theirs = JSONLDOptions(documentLoader: loader)
            let ours = JSONLDOptions(documentLoader: ContextBundle.loader)
            var comparison = ActiveContextComparison(theirs: theirs, ours: ours)
            comparison.compare(
                try JSONLDProcessor.processContext(.string(url), base: nil, options: theirs),
                try JSONLDProcessor.processContext(.string(url), base: nil, options: ours), parent: nil, path: url, depth: 0)
            if comparison.differences.isEmpty { passed += 1 } else { failed += 1 }
        }
        print("bundled contexts vs official: \(passed) passed, \(failed) failed, \(skipped) skipped")
        #expect(failed == 0)
        #expect(passed + skipped == officialContexts.count)
    }

    /// The engine comparison must notice each kind of difference (so the suite above can fail).
    @Test(arguments: [
        #"{"@context": {"@protected": true, "a": {"@id": "https://e.example/#x", "@type": "@id"}, "b": {"@id": "https://e.example/#b", "@context": {"c": "https://e.example/#c"}}}}"#,
        #"{"@context": {"@protected": true, "a": {"@id": "https://e.example/#a"}, "b": {"@id": "https://e.example/#b", "@context": {"c": "https://e.example/#c"}}}}"#,
        #"{"@context": {"a": {"@id": "https://e.example/#a", "@type": "@id"}, "b": {"@id": "https://e.example/#b", "@context": {"c": "https://e.example/#c"}}}}"#,
        #"{"@context": {"@protected": true, "a": {"@id": "https://e.example/#a", "@type": "@id"}, "b": {"@id": "https://e.example/#b", "@context": {"c": "https://e.example/#d"}}}}"#,
        #"{"@context": {"@protected": true, "a": {"@id": "https://e.example/#a", "@type": "@id"}}}"#,
        #"{"@context": {"@protected": true, "a": {"@id": "https://e.example/#a", "@type": "@id", "@container": "@set"}, "b": {"@id": "https://e.example/#b", "@context": {"c": "https://e.example/#c"}}}}"#,
        #"{"@context": {"@protected": true, "a": {"@id": "https://e.example/#a", "@type": "@id"}, "b": {"@id": "https://e.example/#b", "@context": {"c": "https://e.example/#c", "e": "https://e.example/#e"}}}}"#,
        #"{"@context": {"@protected": true, "a": {"@id": "https://e.example/#a", "@type": "@id"}, "b": {"@id": "https://e.example/#b", "@context": {"c": {"@id": "https://e.example/#c", "@language": "en"}}}}}"#,
    ])
    func comparisonDetectsADifference(variant: String) throws {
        let url = "https://e.example/context"
        let base =
            #"{"@context": {"@protected": true, "a": {"@id": "https://e.example/#a", "@type": "@id"}, "b": {"@id": "https://e.example/#b", "@context": {"c": "https://e.example/#c"}}}}"#
        let theirs = JSONLDOptions(documentLoader: StaticDocumentLoader([url: try JSONParser.parse(base)]))
        let ours = JSONLDOptions(documentLoader: StaticDocumentLoader([url: try JSONParser.parse(variant)]))
        var comparison = ActiveContextComparison(theirs: theirs, ours: ours)
        comparison.compare(
            try JSONLDProcessor.processContext(.string(url), base: nil, options: theirs),
            try JSONLDProcessor.processContext(.string(url), base: nil, options: ours), parent: nil, path: url, depth: 0)
        #expect(!comparison.differences.isEmpty)

        var same = ActiveContextComparison(theirs: theirs, ours: theirs)
        same.compare(
            try JSONLDProcessor.processContext(.string(url), base: nil, options: theirs),
            try JSONLDProcessor.processContext(.string(url), base: nil, options: theirs), parent: nil, path: url, depth: 0)
        #expect(same.differences.isEmpty)
    }
}

/// The Open Badges 3.0 and CLR 2.0 contexts against the official copies openbadgeslib ships, processed by the engine.
@Suite(
    "Bundled Open Badges contexts: same meaning as openbadgeslib's official copies (JSON-LD engine)",
    .enabled(if: OpenBadgesLib.enabled, "set SKILLCRED_OPENBADGESLIB_PYTHON to a Python with openbadgeslib[ldp]==4.6.3"))
struct OpenBadgesContextEngineTests {
    @Test func processedContextsAgreeTermByTerm() throws {
        let theirs = JSONLDOptions(documentLoader: StaticDocumentLoader(try openBadgesOfficialDocuments()))
        let ours = JSONLDOptions(documentLoader: ContextBundle.loader)
        var passed = 0, terms = 0
        for (url, _) in openBadgesContexts {
            var comparison = ActiveContextComparison(theirs: theirs, ours: ours)
            comparison.compare(
                try JSONLDProcessor.processContext(.string(url), base: nil, options: theirs),
                try JSONLDProcessor.processContext(.string(url), base: nil, options: ours), parent: nil, path: url, depth: 0)
            #expect(comparison.differences.isEmpty, "\(comparison.differences.joined(separator: "\n"))")
            #expect(comparison.termsCompared > 0, "\(url) defines nothing")
            if comparison.differences.isEmpty { passed += 1 }
            terms += comparison.termsCompared
            print("\(url): \(comparison.termsCompared) term definitions compared in \(comparison.scopesCompared) scopes")
        }
        print(
            "bundled Open Badges contexts vs openbadgeslib's official copies: \(passed) passed, \(openBadgesContexts.count - passed) failed, \(terms) term definitions"
        )
    }

    /// Used after the VC 2.0 context (which protects `name`, `description`, `id`, `type`), each revision must
    /// process the way the official one does: 3.0.2 and 3.0.3 redefine nothing protected, 3.0.1 (written for
    /// VC 1.1) redefines `name` with an `xsd:string` coercion and so fails in both.
    @Test func eachRevisionAfterTheVC2ContextBehavesAsTheOfficialOne() throws {
        // The VC 2.0 context itself is proven equivalent by the suite above; the bundled one stands in for it.
        var official = try openBadgesOfficialDocuments()
        official["https://www.w3.org/ns/credentials/v2"] = try #require(ContextBundle.document(for: "https://www.w3.org/ns/credentials/v2"))
        let theirs = JSONLDOptions(documentLoader: StaticDocumentLoader(official))
        let ours = JSONLDOptions(documentLoader: ContextBundle.loader)
        for (url, _) in openBadgesContexts {
            let context: JSONValue = ["https://www.w3.org/ns/credentials/v2", .string(url)]
            let expected = Result { () throws(JSONLDError) in try JSONLDProcessor.processContext(context, base: nil, options: theirs) }
            let actual = Result { () throws(JSONLDError) in try JSONLDProcessor.processContext(context, base: nil, options: ours) }
            switch (expected, actual) {
            case (.success, .success): break
            case (.failure(let e), .failure(let a)): #expect(e.code == a.code, "\(url)")
            default: Issue.record("\(url): official \(expected), ours \(actual)")
            }
        }
    }
}

struct ActiveContextComparison {
    let theirs: JSONLDOptions
    let ours: JSONLDOptions
    var differences: [String] = []
    var termsCompared = 0
    var scopesCompared = 0
    /// Scoped contexts nest (a type inside a property inside a type); deeper than this is a cycle.
    let maxDepth = 8

    init(theirs: JSONLDOptions, ours: JSONLDOptions) {
        self.theirs = theirs
        self.ours = ours
    }

    private func process(
        _ local: JSONValue, onto context: ActiveContext, base: String?, options: JSONLDOptions
    ) -> Result<ActiveContext, JSONLDError> {
        Result { () throws(JSONLDError) in try JSONLDProcessor.processContext(local, onto: context, base: base, options: options) }
    }

    /// The definition's meaning, without the unprocessed scoped context (compared by processing it).
    private func flat(_ definition: TermDefinition) -> String {
        [
            "iri=\(definition.iri ?? "null")", "prefix=\(definition.prefix)", "protected=\(definition.isProtected)",
            "reverse=\(definition.isReverse)", "type=\(definition.typeMapping ?? "-")",
            "container=\(definition.container.keywords)",
            "language=\(definition.hasLanguageMapping ? (definition.language ?? "null") : "-")",
            "direction=\(definition.hasDirectionMapping ? (definition.direction ?? "null") : "-")",
            "nest=\(definition.nestValue ?? "-")", "index=\(definition.indexMapping ?? "-")",
            "scoped=\(definition.hasLocalContext)",
        ].joined(separator: " ")
    }

    mutating func compare(_ expected: ActiveContext, _ actual: ActiveContext, parent: ActiveContext?, path: String, depth: Int) {
        scopesCompared += 1
        if expected.vocabularyMapping != actual.vocabularyMapping {
            differences.append("\(path): @vocab \(expected.vocabularyMapping ?? "none") vs ours \(actual.vocabularyMapping ?? "none")")
        }
        if expected.defaultLanguage != actual.defaultLanguage || expected.defaultBaseDirection != actual.defaultBaseDirection {
            differences.append("\(path): default language/direction differ")
        }
        if expected.baseIRI != actual.baseIRI {
            differences.append("\(path): @base \(expected.baseIRI ?? "none") vs ours \(actual.baseIRI ?? "none")")
        }
        let terms = Set(expected.termDefinitions.keys).union(actual.termDefinitions.keys).sorted()
        for term in terms {
            let here = "\(path) › \(term)"
            guard let e = expected[term] else { differences.append("\(here): extra term in ours"); continue }
            guard let a = actual[term] else { differences.append("\(here): missing in ours"); continue }
            termsCompared += 1
            if flat(e) != flat(a) { differences.append("\(here): \(flat(e))\n    vs ours \(flat(a))") }
            // Recurse only into scoped contexts this scope introduced; inherited ones were compared above.
            guard let eLocal = e.localContext, let aLocal = a.localContext, parent?[term] != e else { continue }
            guard depth < maxDepth else { differences.append("\(here): scoped contexts nest deeper than \(maxDepth)"); continue }
            var eScoped = process(eLocal, onto: expected, base: e.baseURL, options: theirs)
            var aScoped = process(aLocal, onto: actual, base: a.baseURL, options: ours)
            // A property-scoped context may override protected terms and may be null during
            // expansion, but the public processContext does not take the override flag: when both
            // sides fail for that reason, compare the scoped contexts on their own instead.
            if case .failure(let eError) = eScoped, case .failure(let aError) = aScoped, eError.code == aError.code,
                [JSONLDError.Code.protectedTermRedefinition, .invalidContextNullification].contains(eError.code)
            {
                eScoped = process(eLocal, onto: ActiveContext(base: nil), base: e.baseURL, options: theirs)
                aScoped = process(aLocal, onto: ActiveContext(base: nil), base: a.baseURL, options: ours)
            }
            switch (eScoped, aScoped) {
            case (.success(let eContext), .success(let aContext)):
                compare(eContext, aContext, parent: expected, path: "\(here) › @context", depth: depth + 1)
            case (.failure(let eError), .failure(let aError)):
                if eError.code != aError.code { differences.append("\(here) › @context: fails with \(eError.code) vs ours \(aError.code)") }
            case (.failure(let eError), .success):
                differences.append("\(here) › @context: official fails (\(eError.code)), ours processes")
            case (.success, .failure(let aError)):
                differences.append("\(here) › @context: ours fails (\(aError))")
            }
        }
    }
}
