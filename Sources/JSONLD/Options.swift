import CredentialJSON

/// The JSON-LD processing mode: which version's rules apply.
public enum ProcessingMode: String, Sendable, Hashable {
    /// JSON-LD 1.0 rules: 1.1 features are errors.
    case jsonLD10 = "json-ld-1.0"
    /// JSON-LD 1.1 rules (the default).
    case jsonLD11 = "json-ld-1.1"
}

/// Bounds on the work one expansion may cause, so that a hostile document or context
/// cannot make the processor loop, recurse without end or fetch without end.
public struct JSONLDLimits: Sendable, Hashable {
    /// Longest chain of remote contexts loading one another (the spec's "context overflow").
    public var maxRemoteContextDepth: Int
    /// Most distinct remote context URLs one expansion may dereference.
    public var maxRemoteContextsPerDocument: Int
    /// Deepest nesting of context processing (scoped contexts inside scoped contexts, imports).
    public var maxContextNesting: Int
    /// Deepest nesting of arrays and objects that expansion will descend into. The default matches
    /// the JSON parser's and keeps recursion within a 512 KiB task stack even in debug builds.
    public var maxExpansionDepth: Int
    /// Most term definitions one local context may contain.
    public var maxTermsPerContext: Int
    /// Longest chain of terms whose definitions depend on one another (`a` → `b:x` → `c:y` …),
    /// each link being a nested call.
    public var maxTermDependencyDepth: Int
    /// Most term definitions one expansion may carry from an active context into the next: each context it
    /// processes (not served from the cache) starts from a copy of the active one, so n scoped contexts applied
    /// over n terms cost n² time and memory (4,000 over 8,000 terms: 3.7 s and 831 MB in a debug build, from a
    /// 0.6 MB document). The bundled contexts need a few thousand; real credentials, well under 100,000.
    public var maxTermDefinitionCopies: Int
    /// Most JSON values (objects, arrays, strings, numbers, booleans) one document may hand to expansion.
    ///
    /// Expansion turns each value into an object or more, and RDF conversion each of those into a quad, so
    /// memory grows several hundred bytes per input value: a 9 MB array of 4.5 million zeros took 1.7 GB and
    /// 14 s to verify before this bound. The largest real credential in the EU's samples has 2,345 values.
    public var maxExpandedValues: Int

    /// Limits with the given bounds (each defaults to the value in ``default``).
    public init(
        maxRemoteContextDepth: Int = 32, maxRemoteContextsPerDocument: Int = 64, maxContextNesting: Int = 64,
        maxExpansionDepth: Int = 256, maxTermsPerContext: Int = 10_000, maxTermDependencyDepth: Int = 128,
        maxTermDefinitionCopies: Int = 1_000_000, maxExpandedValues: Int = 100_000
    ) {
        self.maxRemoteContextDepth = maxRemoteContextDepth
        self.maxRemoteContextsPerDocument = maxRemoteContextsPerDocument
        self.maxContextNesting = maxContextNesting
        self.maxExpansionDepth = maxExpansionDepth
        self.maxTermsPerContext = maxTermsPerContext
        self.maxTermDependencyDepth = maxTermDependencyDepth
        self.maxTermDefinitionCopies = maxTermDefinitionCopies
        self.maxExpandedValues = maxExpandedValues
    }

    /// 32 remote levels, 64 remote contexts per document, 64 context levels, 256 expansion levels,
    /// 10,000 terms per context, 128 levels of term dependencies, 1,000,000 term definitions copied,
    /// 100,000 values per document.
    public static let `default` = JSONLDLimits()
}

/// Options for context processing and expansion (the spec's `JsonLdOptions`, restricted to what
/// an offline processor needs, plus safe mode, a cache and limits).
public struct JSONLDOptions: Sendable {
    /// The base IRI; when nil the document URL is used.
    public var base: String?
    /// A context applied before the document's own (`expandContext`); a map with `@context` is unwrapped.
    public var expandContext: JSONValue?
    /// Which version's rules apply; json-ld-1.1 by default.
    public var processingMode: ProcessingMode
    /// When true (the default), expansion throws a `safe mode: …` ``JSONLDError`` instead of
    /// silently dropping data; a signature over the expanded form would otherwise not cover it.
    public var safeMode: Bool
    /// Where remote contexts come from; there is no network loader.
    public var documentLoader: any DocumentLoader
    /// Shared cache of loaded and processed contexts; when nil each call uses a private one.
    public var contextCache: ContextCache?
    /// Work bounds.
    public var limits: JSONLDLimits
    /// Receives what safe mode would have rejected when ``safeMode`` is off (e.g. to print warnings
    /// for `--unsafe` runs); never called in safe mode, where those events throw instead. Warnings from
    /// context processing come once, when a context is first processed; cached results do not repeat them.
    public var warningHandler: (@Sendable (JSONLDError) -> Void)?

    /// Options with safe mode on, json-ld-1.1, default limits and, unless given, a loader that knows no documents.
    public init(
        documentLoader: any DocumentLoader = StaticDocumentLoader([:]), base: String? = nil,
        expandContext: JSONValue? = nil, processingMode: ProcessingMode = .jsonLD11, safeMode: Bool = true,
        contextCache: ContextCache? = nil, limits: JSONLDLimits = .default
    ) {
        self.documentLoader = documentLoader
        self.base = base
        self.expandContext = expandContext
        self.processingMode = processingMode
        self.safeMode = safeMode
        self.contextCache = contextCache
        self.limits = limits
    }
}
