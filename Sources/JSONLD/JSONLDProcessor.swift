import CredentialJSON

/// Entry points of the JSON-LD 1.1 processor: context processing and expansion.
///
/// Expansion follows the W3C "JSON-LD 1.1 Processing Algorithms and API" with `frameExpansion`
/// and `ordered` off. Number lexemes are kept exactly as written. With
/// ``JSONLDOptions/safeMode`` on (the default), anything the algorithm would silently drop
/// raises a `safe mode: …` ``JSONLDError`` naming the JSON path of the member.
public enum JSONLDProcessor {
    /// Expands a JSON-LD document to expanded form (an array of node objects).
    ///
    /// - Parameters:
    ///   - input: the document.
    ///   - documentURL: where the document came from; relative context references resolve against
    ///     it and it is the base IRI unless ``JSONLDOptions/base`` is set.
    ///   - options: loader, cache, safe mode, processing mode, limits.
    public static func expand(
        _ input: JSONValue, documentURL: String? = nil,
        options: JSONLDOptions
    ) throws(JSONLDError) -> [JSONValue] {
        try expand(input, documentURL: documentURL, contextURL: nil, options: options)
    }

    /// Loads a document through the options' loader and expands it, applying the loader's
    /// out-of-band ``RemoteDocument/contextURL`` when it supplies one.
    public static func expand(documentAt url: String, options: JSONLDOptions) throws(JSONLDError) -> [JSONValue] {
        let document = try options.documentLoader.loadDocument(url: url)
        return try expand(
            document.document, documentURL: document.documentURL, contextURL: document.contextURL,
            options: options)
    }

    static func expand(
        _ input: JSONValue, documentURL: String?, contextURL: String?,
        options: JSONLDOptions
    ) throws(JSONLDError) -> [JSONValue] {
        let processor = Processor(options: options)
        var active = ActiveContext(base: options.base ?? documentURL)
        if let expandContext = options.expandContext {
            let local = expandContext.objectValue?["@context"] ?? expandContext
            active = try processor.processContext(active, local, baseURL: options.base ?? documentURL)
        }
        if let contextURL {
            active = try processor.processContext(active, .string(contextURL), baseURL: contextURL)
        }
        guard var expanded = try processor.expand(active, nil, input, baseURL: documentURL ?? options.base) else {
            return []
        }
        if case .object(let object) = expanded, object.count == 1, let graph = object["@graph"] {
            expanded = graph
        }
        return expanded.asArray
    }

    /// Processes a local context (an object, an IRI string, null, or an array of those) on top of
    /// an empty active context whose base IRI is `base`.
    public static func processContext(
        _ localContext: JSONValue, base: String?,
        options: JSONLDOptions
    ) throws(JSONLDError) -> ActiveContext {
        try processContext(localContext, onto: ActiveContext(base: base), base: base, options: options)
    }

    /// Processes a local context on top of an existing active context.
    public static func processContext(
        _ localContext: JSONValue, onto activeContext: ActiveContext, base: String?,
        options: JSONLDOptions
    ) throws(JSONLDError) -> ActiveContext {
        let processor = Processor(options: options)
        return try processor.processContext(activeContext, localContext, baseURL: base)
    }
}
