import CredentialJSON

/// Per-call state shared by context processing and expansion: options, cache, counters and the
/// JSON path of the member being processed (kept as a stack and only materialised for errors).
final class Processor {
    let options: JSONLDOptions
    let cache: ContextCache
    let mode: ProcessingMode
    let safeMode: Bool
    let limits: JSONLDLimits
    var remoteURLs: Set<String> = []
    // The path and counters change for every member expanded; a processor runs on one thread and never
    // holds an access to them across a call that changes them, so Swift's run-time exclusivity checks
    // (a swift_beginAccess of some 80 instructions per change) are turned off for them.
    @exclusivity(unchecked) var path: [JSONPath.Component] = []
    @exclusivity(unchecked) var contextNesting = 0
    @exclusivity(unchecked) var termDepth = 0
    @exclusivity(unchecked) var expansionDepth = 0
    /// Values handed to ``expand(_:_:_:baseURL:fromMap:definition:)`` so far, against `maxExpandedValues`.
    @exclusivity(unchecked) var expandedValues = 0
    /// Node objects a checking pass streamed, for their repeats.
    @exclusivity(unchecked) var repeatedNodes = RepeatedNodes()
    /// Term definitions copied into new active contexts so far (``JSONLDLimits/maxTermDefinitionCopies``).
    var copiedTermDefinitions = 0
    /// Processed contexts the shared cache does not keep (too large to hold across calls), reused within this one.
    var localProcessed: [ContextCache.ProcessedKey: ActiveContext] = [:]
    /// Keys and `@type` values already expanded, per active context: taken from the pool for this call.
    let keyMemo = KeyMemo.take()

    init(options: JSONLDOptions) {
        self.options = options
        self.cache = options.contextCache ?? ContextCache(maxEntries: 256)
        self.mode = options.processingMode
        self.safeMode = options.safeMode
        self.limits = options.limits
    }

    deinit { KeyMemo.give(keyMemo) }

    func fail(_ code: JSONLDError.Code, _ message: String, key: String? = nil) -> JSONLDError {
        var components = path
        if let key { components.append(.key(key)) }
        return JSONLDError(code, message, path: JSONPath(components: components))
    }

    /// Reports data that the spec would drop or keep with only a warning; an error in safe mode.
    @inline(__always)
    func refuseInSafeMode(_ code: JSONLDError.Code, _ message: @autoclosure () -> String, key: String? = nil) throws(JSONLDError) {
        if safeMode { throw fail(code, message(), key: key) }
        if let handler = options.warningHandler { handler(fail(code, message(), key: key)) }
    }

    // MARK: Context processing (spec §4.1)

    private static let contextKeywords: Set<String> = [
        "@base", "@direction", "@import", "@language", "@propagate", "@protected", "@version", "@vocab",
    ]

    /// Applies a term definition's scoped context (property- or type-scoped).
    func processScoped(
        _ active: ActiveContext, _ scoped: ScopedContext, baseURL: String?, overrideProtected: Bool = false,
        propagate: Bool = true
    ) throws(JSONLDError) -> ActiveContext {
        try processContext(
            active, scoped.value, scoped: scoped, baseURL: baseURL, overrideProtected: overrideProtected,
            propagate: propagate)
    }

    func processContext(
        _ active: ActiveContext, _ local: JSONValue, scoped: ScopedContext? = nil, baseURL: String?,
        remoteContexts: [String] = [], overrideProtected: Bool = false, propagate: Bool = true,
        validateScoped: Bool = true
    ) throws(JSONLDError) -> ActiveContext {
        // Validation runs (validateScoped == false) see a context still being built, whose identity
        // does not yet describe its content, so they bypass the cache.
        var key: ContextCache.ProcessedKey?
        if validateScoped {
            var flags: UInt8 = 0
            if overrideProtected { flags |= 1 }
            if propagate { flags |= 2 }
            if mode == .jsonLD10 { flags |= 4 }
            if safeMode { flags |= 8 }
            let cacheKey = ContextCache.ProcessedKey(
                activeIdentity: active.identity, activeBase: active.baseIRI,
                localContext: scoped.map { .scoped($0) } ?? .value(local),
                baseURL: baseURL, flags: flags)
            if let hit = cache.processed(cacheKey) ?? localProcessed[cacheKey] { return hit }
            key = cacheKey
        }
        copiedTermDefinitions += active.termDefinitions.count
        guard copiedTermDefinitions <= limits.maxTermDefinitionCopies else {
            throw fail(
                .limitExceeded,
                "the document's contexts copy more than \(limits.maxTermDefinitionCopies) term definitions (scoped or embedded contexts over a large context)"
            )
        }
        contextNesting += 1
        defer { contextNesting -= 1 }
        guard contextNesting <= limits.maxContextNesting else {
            throw fail(.contextOverflow, "contexts nest deeper than the limit of \(limits.maxContextNesting)")
        }

        var result = active
        result.assignNewIdentity()
        var propagate = propagate
        if case .object(let localObject) = local, let propagateValue = localObject["@propagate"] {
            guard case .bool(let shouldPropagate) = propagateValue else {
                throw fail(.invalidPropagateValue, "@propagate must be true or false, not \(propagateValue.kindName)", key: "@propagate")
            }
            propagate = shouldPropagate
        }
        if !propagate && result.previous == nil { result.previous = ActiveContext.Previous(active) }

        for context in local.asArray {
            switch context {
            case .null:
                if !overrideProtected && result.hasProtectedTerms {
                    throw fail(.invalidContextNullification, "a null context cannot clear protected terms")
                }
                let before = result
                result = ActiveContext(base: active.originalBaseURL)
                result.assignNewIdentity()
                if !propagate { result.previous = before.previous ?? ActiveContext.Previous(before) }
            case .string(let reference):
                let url = IRI.resolve(reference, against: baseURL)
                guard IRI.isAbsolute(url) else {
                    throw fail(.loadingRemoteContextFailed, "remote context reference \"\(reference)\" is not an absolute IRI and there is no base URL")
                }
                if !validateScoped && remoteContexts.contains(url) { continue }
                if mode == .jsonLD10 && remoteContexts.contains(url) {
                    throw fail(.recursiveContextInclusion, "remote context \(url) includes itself")
                }
                guard remoteContexts.count < limits.maxRemoteContextDepth else {
                    throw fail(.contextOverflow, "more than \(limits.maxRemoteContextDepth) nested remote contexts (at \(url)); is there a cycle?")
                }
                var remotes = remoteContexts
                remotes.append(url)
                let (loaded, documentURL) = try dereference(url, forImport: false)
                let depth = path.count
                do {
                    result = try processContext(
                        result, loaded, baseURL: documentURL, remoteContexts: remotes,
                        validateScoped: validateScoped)
                } catch {
                    // Keys inside the remote context are not in the document: point at the reference and name the URL.
                    path.removeSubrange(depth...)
                    if error.code == .contextOverflow || error.code == .recursiveContextInclusion { throw error }
                    throw JSONLDError(
                        error.code, "in remote context \(url): \(error.message)",
                        path: JSONPath(components: path))
                }
            case .object(let object):
                try processContextObject(
                    object, into: &result, baseURL: baseURL, remoteContexts: remoteContexts,
                    overrideProtected: overrideProtected, validateScoped: validateScoped)
                result.assignNewIdentity()
            default:
                throw fail(.invalidLocalContext, "a context must be an object, a string or null, not \(context.kindName)")
            }
        }
        if let key {
            if cache.keeps(result, for: key) { cache.storeProcessed(result, for: key) } else { localProcessed[key] = result }
        }
        return result
    }

    /// Loads a remote context (or an `@import`ed one) and returns its `@context` value and URL.
    func dereference(_ url: String, forImport: Bool) throws(JSONLDError) -> (JSONValue, String?) {
        let document: RemoteDocument
        if let cached = cache.document(for: url) {
            document = cached
        } else {
            if !remoteURLs.contains(url) && remoteURLs.count >= limits.maxRemoteContextsPerDocument {
                throw fail(.limitExceeded, "more than \(limits.maxRemoteContextsPerDocument) remote contexts in one document (at \(url))")
            }
            do {
                document = try options.documentLoader.loadDocument(url: url)
            } catch {
                throw fail(.loadingRemoteContextFailed, "cannot load remote context \(url): \(error.message)")
            }
            cache.storeLoaded(document, for: url)
        }
        remoteURLs.insert(url)
        if remoteURLs.count > limits.maxRemoteContextsPerDocument {
            throw fail(.limitExceeded, "more than \(limits.maxRemoteContextsPerDocument) remote contexts in one document (at \(url))")
        }
        guard case .object(let root) = document.document, let context = root["@context"] else {
            throw fail(.invalidRemoteContext, "remote context \(url) is not an object with an @context member")
        }
        if forImport, !context.isObject {
            throw fail(.invalidRemoteContext, "imported context \(url) must have an object as its @context")
        }
        return (context, document.documentURL)
    }

    private func processContextObject(
        _ input: JSONObject, into result: inout ActiveContext, baseURL: String?,
        remoteContexts: [String], overrideProtected: Bool,
        validateScoped: Bool
    ) throws(JSONLDError) {
        guard input.count <= limits.maxTermsPerContext else {
            throw fail(.limitExceeded, "a context with \(input.count) members exceeds the limit of \(limits.maxTermsPerContext)")
        }
        var context = input
        if let version = context["@version"] {
            guard case .number(let number) = version, number.doubleValue == 1.1 else {
                throw fail(.invalidVersionValue, "@version must be the number 1.1", key: "@version")
            }
            if mode == .jsonLD10 {
                throw fail(.processingModeConflict, "@version 1.1 conflicts with processing mode json-ld-1.0", key: "@version")
            }
        }
        if let imp = context["@import"] {
            if mode == .jsonLD10 { throw fail(.invalidContextEntry, "@import needs json-ld-1.1", key: "@import") }
            guard case .string(let reference) = imp else {
                throw fail(.invalidImportValue, "@import must be a string, not \(imp.kindName)", key: "@import")
            }
            let url = IRI.resolve(reference, against: baseURL)
            let (loaded, _) = try dereference(url, forImport: true)
            guard case .object(let imported) = loaded else {
                throw fail(.invalidRemoteContext, "imported context \(url) must be an object", key: "@import")
            }
            if imported["@import"] != nil {
                throw fail(.invalidContextEntry, "imported context \(url) must not itself contain @import", key: "@import")
            }
            var merged = imported
            for (key, value) in context { merged[key] = value }
            context = merged
        }
        if let base = context["@base"], remoteContexts.isEmpty {
            switch base {
            case .null:
                result.baseIRI = nil
            case .string(let reference):
                if IRI.isAbsolute(reference) {
                    result.baseIRI = reference
                } else if let current = result.baseIRI {
                    result.baseIRI = IRI.resolve(reference, against: current)
                } else {
                    throw fail(.invalidBaseIRI, "@base \"\(reference)\" is relative and there is no base IRI to resolve it against", key: "@base")
                }
            default:
                throw fail(.invalidBaseIRI, "@base must be a string or null, not \(base.kindName)", key: "@base")
            }
        }
        if let vocab = context["@vocab"] {
            switch vocab {
            case .null:
                result.vocabularyMapping = nil
            case .string(let mapping):
                if !IRI.isAbsolute(mapping) && !IRI.isBlankNode(mapping) {
                    if mode == .jsonLD10 {
                        throw fail(.invalidVocabMapping, "@vocab \"\(mapping)\" must be an absolute IRI in json-ld-1.0", key: "@vocab")
                    }
                    try refuseInSafeMode(.safeModeRelativeVocab, "@vocab \"\(mapping)\" is relative and would be resolved against the base IRI", key: "@vocab")
                }
                var defined: [String: Bool] = [:]
                let scope = DefinitionScope(
                    local: context, baseURL: baseURL, overrideProtected: overrideProtected,
                    remoteContexts: remoteContexts, validateScoped: validateScoped)
                guard
                    let expanded = try expandIRIDefining(
                        &result, mapping, documentRelative: true, vocab: true,
                        scope: scope, defined: &defined),
                    !Keywords.isKeyword(expanded)
                else {
                    throw fail(.invalidVocabMapping, "@vocab \"\(mapping)\" is not an IRI or blank node identifier", key: "@vocab")
                }
                result.vocabularyMapping = expanded
            default:
                throw fail(.invalidVocabMapping, "@vocab must be a string or null, not \(vocab.kindName)", key: "@vocab")
            }
        }
        if let language = context["@language"] {
            switch language {
            case .null: result.defaultLanguage = nil
            case .string(let tag):
                if !Keywords.isWellFormedLanguageTag(tag) {
                    try refuseInSafeMode(.safeModeInvalidLanguage, "\"\(tag)\" is not a well-formed BCP 47 language tag", key: "@language")
                }
                result.defaultLanguage = tag
            default:
                throw fail(.invalidDefaultLanguage, "@language must be a string or null, not \(language.kindName)", key: "@language")
            }
        }
        if let direction = context["@direction"] {
            if mode == .jsonLD10 { throw fail(.invalidContextEntry, "@direction needs json-ld-1.1", key: "@direction") }
            switch direction {
            case .null: result.defaultBaseDirection = nil
            case .string(let value) where value == "ltr" || value == "rtl": result.defaultBaseDirection = value
            default:
                throw fail(.invalidBaseDirection, "@direction must be \"ltr\", \"rtl\" or null", key: "@direction")
            }
        }
        if let propagate = context["@propagate"] {
            if mode == .jsonLD10 { throw fail(.invalidContextEntry, "@propagate needs json-ld-1.1", key: "@propagate") }
            guard propagate.boolValue != nil else {
                throw fail(.invalidPropagateValue, "@propagate must be true or false", key: "@propagate")
            }
        }
        if let protected = context["@protected"] {
            if mode == .jsonLD10 { throw fail(.invalidContextEntry, "@protected needs json-ld-1.1", key: "@protected") }
            guard protected.boolValue != nil else {
                throw fail(.invalidProtectedValue, "@protected must be true or false", key: "@protected")
            }
        }
        var defined: [String: Bool] = [:]
        let scope = DefinitionScope(
            local: context, baseURL: baseURL, overrideProtected: overrideProtected,
            remoteContexts: remoteContexts, validateScoped: validateScoped)
        for (term, _) in context where !Processor.contextKeywords.contains(term) {
            try createTermDefinition(&result, term, scope: scope, defined: &defined)
        }
    }

    struct DefinitionScope {
        let local: JSONObject
        let baseURL: String?
        let overrideProtected: Bool
        let remoteContexts: [String]
        let validateScoped: Bool
    }

    private static let termDefinitionKeys: Set<String> = [
        "@id", "@reverse", "@container", "@context", "@direction", "@index", "@language", "@nest", "@prefix",
        "@protected", "@type",
    ]

    // MARK: Create Term Definition (spec §4.2)

    func createTermDefinition(
        _ active: inout ActiveContext, _ term: String, scope: DefinitionScope,
        defined: inout [String: Bool]
    ) throws(JSONLDError) {
        if let state = defined[term] {
            if state { return }
            throw fail(.cyclicIRIMapping, "the definition of \"\(term)\" depends on itself", key: term)
        }
        guard !term.isEmpty else { throw fail(.invalidTermDefinition, "a term must not be the empty string", key: term) }
        termDepth += 1
        defer { termDepth -= 1 }
        guard termDepth <= limits.maxTermDependencyDepth else {
            throw fail(.limitExceeded, "term definitions depend on each other more than \(limits.maxTermDependencyDepth) levels deep", key: term)
        }
        defined[term] = false
        let value = scope.local[term] ?? .null

        if term == "@type" {
            guard mode != .jsonLD10, case .object(let typeDefinition) = value, !typeDefinition.isEmpty,
                typeDefinition.keys.allSatisfy({ $0 == "@container" || $0 == "@protected" }),
                typeDefinition["@container"] == nil || typeDefinition["@container"] == .string("@set")
            else {
                throw fail(.keywordRedefinition, "@type may only be given {\"@container\": \"@set\"} and @protected", key: term)
            }
        } else if Keywords.isKeyword(term) {
            throw fail(.keywordRedefinition, "the keyword \(term) cannot be redefined", key: term)
        } else if Keywords.hasKeywordForm(term) {
            try refuseInSafeMode(.safeModeReservedTerm, "\"\(term)\" has the form of a keyword and is ignored", key: term)
            defined[term] = true
            return
        }

        let previousDefinition = active.termDefinitions.removeValue(forKey: term)
        var simpleTerm = false
        let object: JSONObject
        switch value {
        case .null: object = ["@id": .null]
        case .string(let mappedIRI):
            object = ["@id": .string(mappedIRI)]
            simpleTerm = true
        case .object(let definitionObject): object = definitionObject
        default:
            throw fail(.invalidTermDefinition, "a term definition must be a string, an object or null, not \(value.kindName)", key: term)
        }

        var definition = TermDefinition()
        if let protectedValue = object["@protected"] {
            if mode == .jsonLD10 { throw fail(.invalidTermDefinition, "@protected needs json-ld-1.1", key: term) }
            guard case .bool(let isProtected) = protectedValue else {
                throw fail(.invalidProtectedValue, "@protected must be true or false", key: term)
            }
            definition.isProtected = isProtected
        } else {
            definition.isProtected = scope.local["@protected"] == .bool(true)
        }

        if let typeValue = object["@type"] {
            guard case .string(let ts) = typeValue else {
                throw fail(.invalidTypeMapping, "@type in a term definition must be a string", key: term)
            }
            guard
                let expanded = try expandIRIDefining(
                    &active, ts, documentRelative: false, vocab: true, scope: scope,
                    defined: &defined)
            else {
                throw fail(.invalidTypeMapping, "@type \"\(ts)\" does not expand to an IRI", key: term)
            }
            if (expanded == "@json" || expanded == "@none") && mode == .jsonLD10 {
                throw fail(.invalidTypeMapping, "\(expanded) type mapping needs json-ld-1.1", key: term)
            }
            if !["@id", "@json", "@none", "@vocab"].contains(expanded) && !IRI.isAbsolute(expanded) {
                throw fail(.invalidTypeMapping, "@type \"\(ts)\" expands to \"\(expanded)\", which is not an absolute IRI", key: term)
            }
            definition.typeMapping = expanded
        }

        if let reverseValue = object["@reverse"] {
            if object["@id"] != nil || object["@nest"] != nil {
                throw fail(.invalidReverseProperty, "a reverse property cannot also have @id or @nest", key: term)
            }
            guard case .string(let rs) = reverseValue else {
                throw fail(.invalidIRIMapping, "@reverse must be a string", key: term)
            }
            if Keywords.hasKeywordForm(rs) {
                try refuseInSafeMode(.safeModeReservedReverse, "@reverse \"\(rs)\" has the form of a keyword and is ignored", key: term)
                defined[term] = true
                return
            }
            guard
                let iri = try expandIRIDefining(
                    &active, rs, documentRelative: false, vocab: true, scope: scope,
                    defined: &defined), iri.utf8.contains(UInt8(ascii: ":"))
            else {
                throw fail(.invalidIRIMapping, "@reverse \"\(rs)\" does not expand to an IRI", key: term)
            }
            definition.iri = iri
            if let containerValue = object["@container"] {
                switch containerValue {
                case .null: break
                case .string("@set"): definition.container = .set
                case .string("@index"): definition.container = .index
                default:
                    throw fail(.invalidReverseProperty, "a reverse property's @container must be @set, @index or null", key: term)
                }
            }
            if let index = object["@index"] {
                try setIndexMapping(&definition, index, term: term, active: &active, scope: scope, defined: &defined)
            }
            definition.isReverse = true
            active.define(term, definition)
            defined[term] = true
            return
        }

        if let idValue = object["@id"], idValue != .string(term) {
            switch idValue {
            case .null:
                definition.iri = nil
            case .string(let ids):
                if !Keywords.isKeyword(ids) && Keywords.hasKeywordForm(ids) {
                    try refuseInSafeMode(.safeModeReservedId, "@id \"\(ids)\" has the form of a keyword; the term \"\(term)\" is ignored", key: term)
                    defined[term] = true
                    return
                }
                guard
                    let iri = try expandIRIDefining(
                        &active, ids, documentRelative: false, vocab: true, scope: scope,
                        defined: &defined)
                else {
                    throw fail(.invalidIRIMapping, "@id \"\(ids)\" does not expand to an IRI", key: term)
                }
                if !Keywords.isKeyword(iri) && !iri.utf8.contains(UInt8(ascii: ":")) {
                    throw fail(.invalidIRIMapping, "\"\(term)\" maps to \"\(iri)\", which is not an IRI, blank node or keyword", key: term)
                }
                if iri == "@context" {
                    throw fail(.invalidKeywordAlias, "@context cannot be aliased", key: term)
                }
                definition.iri = iri
                let inner = term.utf8.dropFirst().dropLast()
                if mode != .jsonLD10, inner.contains(UInt8(ascii: ":")) || term.utf8.contains(UInt8(ascii: "/")) {
                    defined[term] = true
                    let own = try expandIRIDefining(
                        &active, term, documentRelative: false, vocab: true, scope: scope,
                        defined: &defined)
                    if own != iri {
                        throw fail(.invalidIRIMapping, "the term \"\(term)\" looks like an IRI but maps to a different IRI \"\(iri)\"", key: term)
                    }
                }
                if !term.utf8.contains(UInt8(ascii: ":")) && !term.utf8.contains(UInt8(ascii: "/")) && simpleTerm
                    && (IRI.endsWithGenDelim(iri) || IRI.isBlankNode(iri))
                {
                    definition.prefix = true
                }
            default:
                throw fail(.invalidIRIMapping, "@id must be a string or null, not \(idValue.kindName)", key: term)
            }
        } else if let colon = term.utf8.dropFirst().firstIndex(of: UInt8(ascii: ":")) {
            let prefix = String(term[..<colon])
            let suffix = term[term.index(after: colon)...]
            if scope.local[prefix] != nil {
                try createTermDefinition(&active, prefix, scope: scope, defined: &defined)
            }
            if let prefixIRI = active.definition(prefix)?.iri {
                definition.iri = prefixIRI + suffix
            } else {
                definition.iri = term
            }
        } else if term.utf8.contains(UInt8(ascii: "/")) {
            guard let iri = expandIRI(active, term, vocab: true), IRI.isAbsolute(iri) else {
                throw fail(.invalidIRIMapping, "the relative term \"\(term)\" does not expand to an absolute IRI", key: term)
            }
            definition.iri = iri
        } else if term == "@type" {
            definition.iri = "@type"
        } else if let vocab = active.vocabularyMapping {
            definition.iri = vocab + term
        } else {
            throw fail(.invalidIRIMapping, "\"\(term)\" has no @id and there is no @vocab to derive one", key: term)
        }

        if let containerValue = object["@container"], containerValue != .null {
            var set: ContainerSet = []
            if mode == .jsonLD10 {
                guard case .string(let container) = containerValue, container != "@graph", container != "@id", container != "@type" else {
                    throw fail(.invalidContainerMapping, "json-ld-1.0 allows only @list, @set, @index or @language as @container", key: term)
                }
            }
            for item in containerValue.asArray {
                guard case .string(let keyword) = item, let kind = ContainerSet(keyword: keyword) else {
                    throw fail(.invalidContainerMapping, "@container values must be @graph, @id, @index, @language, @list, @set or @type", key: term)
                }
                set.insert(kind)
            }
            let valid: Bool
            if set.isEmpty {
                valid = false
            } else if set.rawValue & (set.rawValue - 1) == 0 {
                valid = true
            } else if set.contains(.list) {
                valid = false
            } else if set.contains(.graph), set.isSubset(of: [.graph, .id, .set]) || set.isSubset(of: [.graph, .index, .set]) {
                valid = true
            } else {
                valid = set.contains(.set)
            }
            guard valid else {
                throw fail(.invalidContainerMapping, "this combination of @container values is not allowed", key: term)
            }
            definition.container = set
            if set.contains(.type) {
                if definition.typeMapping == nil {
                    definition.typeMapping = "@id"
                } else if definition.typeMapping != "@id" && definition.typeMapping != "@vocab" {
                    throw fail(.invalidTypeMapping, "a @type container needs @type @id or @vocab", key: term)
                }
            }
        }

        if let index = object["@index"] {
            try setIndexMapping(&definition, index, term: term, active: &active, scope: scope, defined: &defined)
        }

        if let scoped = object["@context"] {
            if mode == .jsonLD10 { throw fail(.invalidTermDefinition, "scoped contexts need json-ld-1.1", key: term) }
            path.append(.key(term))
            do {
                _ = try processContext(
                    active, scoped, baseURL: scope.baseURL, remoteContexts: scope.remoteContexts,
                    overrideProtected: true, validateScoped: false)
            } catch {
                path.removeLast()
                if error.code.isSafeMode || error.code == .limitExceeded { throw error }
                throw fail(.invalidScopedContext, "the scoped context of \"\(term)\" is invalid: \(error.code.rawValue): \(error.message)", key: term)
            }
            path.removeLast()
            definition.scopedContext = ScopedContext(scoped)
            definition.baseURL = scope.baseURL
        }

        if let language = object["@language"], object["@type"] == nil {
            switch language {
            case .null: definition.language = nil
            case .string(let tag):
                if !Keywords.isWellFormedLanguageTag(tag) {
                    try refuseInSafeMode(.safeModeInvalidLanguage, "\"\(tag)\" is not a well-formed BCP 47 language tag", key: term)
                }
                definition.language = tag
            default:
                throw fail(.invalidLanguageMapping, "@language must be a string or null", key: term)
            }
            definition.hasLanguageMapping = true
        }

        if let direction = object["@direction"], object["@type"] == nil {
            switch direction {
            case .null: definition.direction = nil
            case .string(let text) where text == "ltr" || text == "rtl": definition.direction = text
            default: throw fail(.invalidBaseDirection, "@direction must be \"ltr\", \"rtl\" or null", key: term)
            }
            definition.hasDirectionMapping = true
        }

        if let nest = object["@nest"] {
            if mode == .jsonLD10 { throw fail(.invalidTermDefinition, "@nest needs json-ld-1.1", key: term) }
            guard case .string(let ns) = nest, !Keywords.isKeyword(ns) || ns == "@nest" else {
                throw fail(.invalidNestValue, "@nest must be a term or @nest", key: term)
            }
            definition.nestValue = ns
        }

        if let prefix = object["@prefix"] {
            if mode == .jsonLD10 || term.utf8.contains(UInt8(ascii: ":")) || term.utf8.contains(UInt8(ascii: "/")) {
                throw fail(.invalidTermDefinition, "@prefix needs json-ld-1.1 and a term without ':' or '/'", key: term)
            }
            guard case .bool(let isPrefix) = prefix else {
                throw fail(.invalidPrefixValue, "@prefix must be true or false", key: term)
            }
            definition.prefix = isPrefix
            if isPrefix, let iri = definition.iri, Keywords.isKeyword(iri) {
                throw fail(.invalidTermDefinition, "a keyword alias cannot be a prefix", key: term)
            }
        }

        for member in object.keys where !Processor.termDefinitionKeys.contains(member) {
            throw fail(.invalidTermDefinition, "unexpected member \"\(member)\" in the definition of \"\(term)\"", key: term)
        }

        if !scope.overrideProtected, let previous = previousDefinition, previous.isProtected {
            if !definition.sameDefinition(as: previous) {
                throw fail(.protectedTermRedefinition, "\"\(term)\" is protected and cannot be redefined differently", key: term)
            }
            definition = previous
        }
        active.define(term, definition)
        defined[term] = true
    }

    private func setIndexMapping(
        _ definition: inout TermDefinition, _ index: JSONValue, term: String,
        active: inout ActiveContext, scope: DefinitionScope,
        defined: inout [String: Bool]
    ) throws(JSONLDError) {
        guard mode != .jsonLD10, definition.container.contains(.index) else {
            throw fail(.invalidTermDefinition, "@index needs json-ld-1.1 and an @index container", key: term)
        }
        guard case .string(let indexProperty) = index,
            let expandedIRI = try expandIRIDefining(&active, indexProperty, documentRelative: false, vocab: true, scope: scope, defined: &defined),
            IRI.isAbsolute(expandedIRI)
        else {
            throw fail(.invalidTermDefinition, "@index must be a string that expands to an IRI", key: term)
        }
        definition.indexMapping = indexProperty
    }

    // MARK: IRI expansion (spec §5.2)

    /// IRI expansion during context processing: defines terms of the local context on demand.
    func expandIRIDefining(
        _ active: inout ActiveContext, _ value: String, documentRelative: Bool, vocab: Bool,
        scope: DefinitionScope, defined: inout [String: Bool]
    ) throws(JSONLDError) -> String? {
        if Keywords.isKeyword(value) { return value }
        if Keywords.hasKeywordForm(value) { return nil }
        if scope.local[value] != nil, defined[value] != true {
            try createTermDefinition(&active, value, scope: scope, defined: &defined)
        }
        if let def = active.definition(value) {
            if let iri = def.iri, Keywords.isKeyword(iri) { return iri }
            if vocab { return def.iri }
        }
        if let colon = value.utf8.dropFirst().firstIndex(of: UInt8(ascii: ":")) {
            let prefix = String(value[..<colon])
            let suffix = value[value.index(after: colon)...]
            if prefix != "_" && !suffix.hasPrefix("//") && scope.local[prefix] != nil && defined[prefix] != true {
                try createTermDefinition(&active, prefix, scope: scope, defined: &defined)
            }
        }
        return expandIRI(active, value, documentRelative: documentRelative, vocab: vocab)
    }
}

/// IRI expansion against a finished active context (spec §5.2, without term creation).
/// Returns nil for values with the form of a keyword that are not keywords, and for null-mapped terms.
func expandIRI(_ active: ActiveContext, _ value: String, documentRelative: Bool = false, vocab: Bool = false) -> String? {
    if value.utf8.first == UInt8(ascii: "@") {
        if Keywords.isKeyword(value) { return value }
        if Keywords.hasKeywordForm(value) { return nil }
    }
    if let def = active.definition(value) {
        if let iri = def.iri, iri.utf8.first == UInt8(ascii: "@"), Keywords.isKeyword(iri) { return iri }
        if vocab { return def.iri }
    }
    return expandIRIPastTerms(active, value, documentRelative: documentRelative, vocab: vocab)
}

/// ``expandIRI(_:_:documentRelative:vocab:)`` with `vocab: true` when the caller has already looked up
/// `value`'s term definition (`definition` is `active.termDefinitions[value]`).
@inline(__always)
func expandVocabIRI(_ active: ActiveContext, _ value: String, definition: TermDefinition?) -> String? {
    if value.utf8.first == UInt8(ascii: "@") {
        if Keywords.isKeyword(value) { return value }
        if Keywords.hasKeywordForm(value) { return nil }
    }
    if let def = definition {
        if let iri = def.iri, iri.utf8.first == UInt8(ascii: "@"), Keywords.isKeyword(iri) { return iri }
        return def.iri
    }
    return expandIRIPastTerms(active, value, documentRelative: false, vocab: true)
}

/// The keyword that `expandIRI(active, value, vocab: true)` gives, or nil when it gives anything else.
///
/// Expansion asks this of every key several times (is it `@type`? `@value`? `@id`?); answering from the
/// term definition avoids building the expanded IRI (a string concatenation for `@vocab` terms).
func keywordExpansion(_ active: ActiveContext, _ value: String) -> String? {
    let first = value.utf8.first
    if first == UInt8(ascii: "@") {
        if Keywords.isKeyword(value) { return value }
        if Keywords.hasKeywordForm(value) { return nil }
    }
    if let def = active.definition(value) {
        if let iri = def.iri, iri.utf8.first == UInt8(ascii: "@"), Keywords.isKeyword(iri) { return iri }
        return nil
    }
    // Without a term, the result is the value itself, a prefix's IRI plus a suffix, the vocabulary
    // mapping plus the value, or a resolved reference: only the first two can be keyword-like, so only
    // a value with a colon, or an "@"-prefixed vocabulary mapping, needs the full expansion.
    if first != UInt8(ascii: "@"), UTF8Scan.firstOffset(of: UInt8(ascii: ":"), in: value, from: 1) == nil,
        active.vocabularyMapping?.utf8.first != UInt8(ascii: "@")
    {
        return nil
    }
    guard let expanded = expandIRIPastTerms(active, value, documentRelative: false, vocab: true),
        expanded.utf8.first == UInt8(ascii: "@"), Keywords.isKeyword(expanded)
    else { return nil }
    return expanded
}

/// The steps of IRI expansion after the term lookup: compact IRIs, absolute IRIs, `@vocab`, the base.
@inline(__always)
private func expandIRIPastTerms(_ active: ActiveContext, _ value: String, documentRelative: Bool, vocab: Bool) -> String? {
    if let (colon, suffixIsAuthority) = UTF8Scan.compactIRISplit(value) {
        if suffixIsAuthority || (colon == 1 && value.utf8.first == UInt8(ascii: "_")) { return value }
        // A prefix longer than every term has no definition: skip building its string.
        if colon <= active.longestTerm {
            let colonIndex = value.utf8.index(value.utf8.startIndex, offsetBy: colon)
            if let def = active.termDefinitions[String(value[..<colonIndex])], let iri = def.iri, def.prefix {
                return iri + value[value.utf8.index(after: colonIndex)...]
            }
        }
        if IRI.isAbsolute(value) { return value }
    }
    if vocab, let vocabulary = active.vocabularyMapping { return vocabulary + value }
    if documentRelative { return IRI.resolve(value, against: active.baseIRI) }
    return value
}
