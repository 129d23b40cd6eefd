import CredentialJSON

/// Receives a document's RDF statements while it is expanded (``JSONLDProcessor/stream(_:options:into:)``), so
/// that no expanded tree is built and walked again to convert it.
///
/// Terms arrive as expansion makes them (blank node identifiers as written in the document, IRIs not yet
/// checked); the sink applies the conversion's rules to them. Every method returns nil or false when the sink
/// refuses what it was given: the stream then stops and the caller converts the document the ordinary way,
/// which reports the failure with its path.
package protocol ExpansionSink {
    /// The subject of a node whose expanded `@id` is `expandedID`, or of a node without one (nil).
    mutating func subject(_ expandedID: String?) -> StreamedTerm?
    /// The predicate of an expanded property IRI (or blank node identifier).
    mutating func predicate(_ expandedProperty: String) -> StreamedTerm?
    /// `subject rdf:type expandedType`.
    mutating func type(_ subject: StreamedTerm, _ expandedType: String) -> Bool
    /// `subject predicate object`, where the object is a node.
    mutating func reference(_ subject: StreamedTerm, _ predicate: StreamedTerm, _ object: StreamedTerm) -> Bool
    /// `subject predicate literal`, for the value object `{"@value": value, "@type": type, "@language":
    /// language, "@direction": direction}` that expansion would have made.
    mutating func value(
        _ subject: StreamedTerm, _ predicate: StreamedTerm, _ value: JSONValue, type: String?, language: String?, direction: String?
    ) -> Bool
    /// `subject predicate item` for items in expanded form, which the streaming pass expanded the ordinary way
    /// (value objects written out, lists, language and index maps, `@json`, graph containers).
    mutating func expanded(_ subject: StreamedTerm, _ predicate: StreamedTerm, _ items: [JSONValue]) -> Bool
    /// Whether the sink only checks the statements and keeps none: a node object that repeats one already
    /// streamed, as written and in the same context, is then not streamed again (see ``RepeatedNodes``).
    var keepsNoStatements: Bool { get }
}

extension ExpansionSink {
    package var keepsNoStatements: Bool { false }
}

/// A subject or predicate as an ``ExpansionSink`` resolved it: the sink's own number for it. (A concrete type:
/// the streaming pass is generic code that is not specialized for the sink, and generic types of an associated
/// type cost a metadata lookup each time they were made.)
package struct StreamedTerm {
    package let index: Int
    package init(index: Int) { self.index = index }
}

extension JSONLDProcessor {
    /// Expands `input` (with no document URL) and hands its statements to `sink` as they are found, or returns
    /// false when the document is not one the streaming pass takes; the sink's statements must then be
    /// discarded and the document expanded with ``expand(_:documentURL:options:)``.
    ///
    /// The pass takes what credentials are made of — one top-level node object whose members are `@context`,
    /// `@id`, `@type` and properties, nested node objects of the same kind, and scalar values — and hands every
    /// other member value (value objects, lists, maps, `@json`, graphs) to the ordinary expansion, one item at a
    /// time. It gives up on everything expansion or the sink would refuse, and on anything it does not take at
    /// the top level or in a node's own keywords (`@reverse`, `@included`, `@nest`, `@graph`, `@index`, reverse
    /// properties, several `@type` or `@id` members), before anything of that node was handed to the sink. Only
    /// safe mode without a warning handler or `expandContext` is streamed: every drop is then an error, so a
    /// document streams only when the ordinary pass would succeed with the same statements.
    package static func stream<Sink: ExpansionSink>(_ input: JSONValue, options: JSONLDOptions, into sink: inout Sink) -> Bool {
        guard options.safeMode, options.warningHandler == nil, options.expandContext == nil else { return false }
        guard case .object(let object) = input else { return false }
        let processor = Processor(options: options)
        let active = ActiveContext(base: options.base)
        do {
            try processor.countExpandedValue()
            try processor.enter()
            defer { processor.leave() }
            guard case .streamed(let top) = try processor.streamNode(active, object, baseURL: options.base, propertyDefinition: nil, into: &sink)
            else { return false }
            // Expansion refuses a top-level node that says nothing (safe mode); one that stated something did.
            return top.stated
        } catch {
            return false
        }
    }
}

/// Why the streaming pass stopped: a node it does not take (its caller expands that node the ordinary way),
/// or anything else (the whole document is converted the ordinary way).
private let streamingRefused = JSONLDError(.limitExceeded, "the streaming conversion does not take this document")

/// What the streaming pass did with a node object.
enum StreamedObject {
    /// It handed the node to the sink.
    case streamed(StreamedNode)
    /// It does not take the object (nothing of it reached the sink); prepared for the ordinary expansion.
    case declined(PreparedNode)
}

/// A node the streaming pass handed to the sink.
struct StreamedNode {
    let subject: StreamedTerm
    /// Whether it had a type or a property with a value (a node with only `@id` is dropped at the top level).
    var stated: Bool
}

extension Processor {
    @inline(__always)
    func countExpandedValue() throws(JSONLDError) {
        expandedValues += 1
        if expandedValues > limits.maxExpandedValues { throw streamingRefused }
    }

    /// ``expandObject`` for a node object whose own members are `@context`, `@id`, `@type` and properties,
    /// written to `sink` instead of returned; declined, before anything of the node reached the sink, for any
    /// other object.
    func streamNode<Sink: ExpansionSink>(
        _ activeIn: ActiveContext, _ element: JSONObject, baseURL: String?, propertyDefinition: TermDefinition?,
        into sink: inout Sink
    ) throws(JSONLDError) -> StreamedObject {
        let prepared = try prepareNode(activeIn, element, baseURL: baseURL, fromMap: false, propertyDefinition: propertyDefinition)
        if prepared.typeMembers > 1 { return .declined(prepared) }
        let active = prepared.active
        // The keys again only when a type-scoped context changed the context they expand in.
        // Indexed, not iterated: see prepareNode.
        let members = element.members
        let keys = prepared.keys ?? members.map { keyMemo.lookup(active, $0.key, mode: .key) }
        var idValue: JSONValue?
        var typeValue: JSONValue?
        var nonASCIIProperties = false
        for position in members.indices {
            let expandedKey = keys[position]
            if members[position].key.utf8.count == 8 && members[position].key == "@context" { continue }
            guard let iri = expandedKey.iri, expandedKey.hasColon || expandedKey.isKeyword else { throw streamingRefused }
            guard expandedKey.isKeyword else {
                if !expandedKey.isAbsoluteOrBlank { throw streamingRefused }
                if expandedKey.definition?.isReverse == true { return .declined(prepared) }
                if !expandedKey.isASCII { nonASCIIProperties = true }
                continue
            }
            switch iri {
            case "@id":
                if idValue != nil { return .declined(prepared) }
                idValue = members[position].value
            case "@type":
                if typeValue != nil { return .declined(prepared) }
                typeValue = members[position].value
            default:
                return .declined(prepared)
            }
        }

        // Expansion merges the values of a node's properties into one member by `String` equality, which is
        // canonical equivalence, under the first spelling ("http://ex.org/K" and "ex:\u{212A}", the Kelvin sign, are
        // one property to it and two predicates here): such a node is not streamed. Only IRIs outside ASCII
        // can be equivalent without being the same bytes; one dictionary keeps the check linear.
        if nonASCIIProperties {
            var spellings: [String: String] = [:]
            for key in keys where !key.isKeyword {
                guard let iri = key.iri else { continue }
                if let first = spellings.updateValue(iri, forKey: iri), !first.utf8.elementsEqual(iri.utf8) { return .declined(prepared) }
            }
        }

        let subject: StreamedTerm?
        if let idValue {
            guard case .string(let id) = idValue, let expandedID = expandIRI(active, id, documentRelative: true),
                IRI.isAbsolute(expandedID) || IRI.isBlankNode(expandedID)
            else { throw streamingRefused }
            subject = sink.subject(expandedID)
        } else {
            subject = sink.subject(nil)
        }
        guard let subject else { throw streamingRefused }
        var node = StreamedNode(subject: subject, stated: false)

        if let typeValue {
            func type(_ typeName: String) throws(JSONLDError) {
                guard let expandedType = try expandTypeName(typeName, prepared.typeScoped), sink.type(subject, expandedType) else {
                    throw streamingRefused
                }
                node.stated = true
            }
            switch typeValue {
            case .string(let typeName):
                try type(typeName)
            case .array(let items):
                for item in items {
                    guard case .string(let typeName) = item else { throw streamingRefused }
                    try type(typeName)
                }
            default:
                throw streamingRefused
            }
        }

        for position in members.indices {
            let expandedKey = keys[position]
            guard !expandedKey.isKeyword, let property = expandedKey.iri else { continue }
            let def = expandedKey.definition
            var predicate = PendingPredicate(property)
            let container = def?.container ?? []
            if def?.typeMapping == "@json" || !container.isSubset(of: .set) {
                guard
                    let value = try expandPropertyValue(
                        active: active, key: members[position].key, value: members[position].value, definition: def, baseURL: baseURL)
                else { continue }
                let items = value.asArray
                if items.isEmpty { continue }
                guard let resolved = predicate.resolve(&sink), sink.expanded(subject, resolved, items) else { throw streamingRefused }
                node.stated = true
                continue
            }
            try streamValue(
                active, members[position].key, members[position].value, baseURL: baseURL, definition: def, subject: subject, predicate: &predicate,
                node: &node, into: &sink)
        }
        return .streamed(node)
    }

    /// ``expand(_:_:_:baseURL:fromMap:definition:)`` for a member's value (or an item of it) under a property
    /// whose definition has no container but `@set` and no `@json` type, written to `sink`.
    private func streamValue<Sink: ExpansionSink>(
        _ active: ActiveContext, _ key: String, _ element: JSONValue, baseURL: String?, definition def: TermDefinition?,
        subject: StreamedTerm, predicate: inout PendingPredicate, node: inout StreamedNode, into sink: inout Sink
    ) throws(JSONLDError) {
        try countExpandedValue()
        switch element {
        case .null:
            return
        case .bool, .number, .string:
            if let def, let scoped = def.scopedContext {
                let context = try processScoped(active, scoped, baseURL: def.baseURL, overrideProtected: true)
                try streamScalar(context, key, element, definition: context.definition(key), subject: subject, predicate: &predicate, into: &sink)
            } else {
                try streamScalar(active, key, element, definition: def, subject: subject, predicate: &predicate, into: &sink)
            }
            node.stated = true
        case .array(let items):
            try enter()
            defer { leave() }
            for item in items {
                try streamValue(active, key, item, baseURL: baseURL, definition: def, subject: subject, predicate: &predicate, node: &node, into: &sink)
            }
        case .object(let object):
            try enter()
            defer { leave() }
            let expanded: JSONValue?
            let repeatable = sink.keepsNoStatements ? RepeatedNodes.Key(object, active, baseURL: baseURL, property: key) : nil
            if let repeatable, let child = try repeatedNodes.repeated(repeatable, object, by: self) {
                guard let resolved = predicate.resolve(&sink), sink.reference(subject, resolved, child) else { throw streamingRefused }
                node.stated = true
                return
            }
            let start = repeatable.map { RepeatedNodes.Start($0, object, by: self) }
            let streamed = try streamNode(active, object, baseURL: baseURL, propertyDefinition: def, into: &sink)
            if let start { repeatedNodes.finish(start, streamed, by: self) }
            switch streamed {
            case .streamed(let child):
                guard let resolved = predicate.resolve(&sink), sink.reference(subject, resolved, child.subject) else { throw streamingRefused }
                node.stated = true
                return
            case .declined(let prepared):
                // A value object, a list, a set or a node with other keywords: expanded the ordinary way.
                expanded = try expandObject(prepared, key, object, baseURL: baseURL)
            }
            guard let expanded else { return }
            let items = expanded.asArray
            if items.isEmpty { return }
            guard let resolved = predicate.resolve(&sink), sink.expanded(subject, resolved, items) else { throw streamingRefused }
            node.stated = true
        }
    }

    /// ``expandValue`` written to `sink`.
    private func streamScalar<Sink: ExpansionSink>(
        _ active: ActiveContext, _ key: String, _ value: JSONValue, definition def: TermDefinition?,
        subject: StreamedTerm, predicate: inout PendingPredicate, into sink: inout Sink
    ) throws(JSONLDError) {
        if case .string(let reference) = value, let typeMapping = def?.typeMapping, typeMapping == "@id" || typeMapping == "@vocab" {
            guard let iri = expandIRI(active, reference, documentRelative: true, vocab: typeMapping == "@vocab"),
                IRI.isAbsolute(iri) || IRI.isBlankNode(iri),
                let object = sink.subject(iri), let resolved = predicate.resolve(&sink), sink.reference(subject, resolved, object)
            else { throw streamingRefused }
            return
        }
        var type: String?
        var language: String?
        var direction: String?
        if let typeMapping = def?.typeMapping, typeMapping != "@id", typeMapping != "@vocab", typeMapping != "@none" {
            type = typeMapping
        } else if value.isString {
            language = def?.hasLanguageMapping == true ? def?.language : active.defaultLanguage
            direction = def?.hasDirectionMapping == true ? def?.direction : active.defaultBaseDirection
        }
        guard let resolved = predicate.resolve(&sink), sink.value(subject, resolved, value, type: type, language: language, direction: direction)
        else { throw streamingRefused }
    }
}

/// A property's predicate, resolved by the sink on the property's first statement (a property whose value
/// is null or empty states nothing and has no predicate to refuse).
struct PendingPredicate {
    let property: String
    var resolved: StreamedTerm?

    init(_ property: String) { self.property = property }

    @inline(__always)
    mutating func resolve<Sink: ExpansionSink>(_ sink: inout Sink) -> StreamedTerm? {
        if let resolved { return resolved }
        resolved = sink.predicate(property)
        return resolved
    }
}

/// What ``Processor/prepareNode(_:_:baseURL:fromMap:propertyDefinition:)`` found for a node object.
struct PreparedNode {
    /// The context its members expand in (after property-scoped, embedded and type-scoped contexts).
    let active: ActiveContext
    /// The context its `@type` values expand in (before the type-scoped contexts).
    let typeScoped: ActiveContext
    /// Each member's key expanded in `typeScoped`, in member order.
    let keysInTypeScoped: [ExpandedKey]
    /// The expansion of the last `@type` value of the first key expanding to `@type` (a `@json` value object's).
    let inputType: String?
    /// How many members' keys expand to `@type`.
    let typeMembers: Int

    /// Each member's key expanded in `active`, when no type-scoped context changed it from `typeScoped`.
    var keys: [ExpandedKey]? { active.identity == typeScoped.identity ? keysInTypeScoped : nil }
}

/// Node objects a checking pass streamed, for the copies that follow: EDC files repeat nodes verbatim (the EU's
/// 147 KB sample repeats 22 of its 98 identified nodes, 40 KB of its 113 KB), and a copy written the same way,
/// under the same property, in the same active context and base, expands to the same statements, all accepted
/// again (the first one's subject stands for it). A copy is counted against the limits as its first one was:
/// the values it holds and how deep it nests below where it stands. Only sinks that keep no statements use this:
/// a copy's unidentified nodes are blank nodes of their own, which a dataset must keep apart.
struct RepeatedNodes {
    /// What the expansion of a node object depends on besides the object itself: the active context (by its
    /// identity, which is 0 for initial contexts: such a node is not remembered; and the context a type-scoped one
    /// reverts to), the base, and the property it is a value of (whose definition in that context applies).
    struct Key {
        let id: String
        let context: UInt64
        let previousContext: UInt64?
        let baseURL: String?
        let property: String

        init?(_ object: JSONObject, _ active: ActiveContext, baseURL: String?, property: String) {
            guard active.identity != 0, case .string(let id)? = object["id"] ?? object["@id"] else { return nil }
            self.id = id
            self.context = active.identity
            self.previousContext = active.previousContext?.identity
            self.baseURL = baseURL
            self.property = property
        }

        /// Strings by their bytes: `String` equality is canonical equivalence, and "K" and the Kelvin sign are two
        /// terms to JSON-LD.
        func matches(_ other: Key) -> Bool {
            context == other.context && previousContext == other.previousContext && property.utf8.elementsEqual(other.property.utf8)
                && (baseURL ?? "").utf8.elementsEqual((other.baseURL ?? "").utf8) && (baseURL == nil) == (other.baseURL == nil)
        }
    }

    /// What streaming a node costs against the limits: values (``JSONLDLimits/maxExpandedValues``), term definitions
    /// copied (``JSONLDLimits/maxTermDefinitionCopies``) and depth. Taken from the processor, these are where its
    /// counters stand; between two such readings, what a node took.
    struct Counts {
        let values: Int
        let copies: Int
        let depth: Int
    }

    struct FirstCopy {
        let key: Key
        let object: JSONObject
        let subject: StreamedTerm
        /// What it took; its depth is how far below the object's own its expansion went.
        let cost: Counts
    }

    /// First copies by their `id` as written; a node met in several contexts keeps the first.
    private var firstCopies: [String: FirstCopy] = Dictionary(minimumCapacity: 64)
    /// The deepest expansion depth reached since the innermost ``Start`` (``Processor/enter()`` raises it).
    var deepest = 0

    /// A node object about to be streamed, and where the processor's counters stood.
    struct Start {
        let key: Key
        let object: JSONObject
        let counts: Counts
        /// ``deepest`` for the nodes around it, given back by ``finish(_:_:by:)``.
        let outerDeepest: Int

        /// Marks the start, and measures the node's depth from here (``deepest``).
        init(_ key: Key, _ object: JSONObject, by processor: Processor) {
            self.key = key
            self.object = object
            counts = Counts(values: processor.expandedValues, copies: processor.copiedTermDefinitions, depth: processor.expansionDepth)
            outerDeepest = processor.repeatedNodes.deepest
            processor.repeatedNodes.deepest = processor.expansionDepth
        }
    }

    /// Ends what ``Start`` began, keeping the node when it was streamed.
    mutating func finish(_ start: Start, _ outcome: StreamedObject, by processor: Processor) {
        if case .streamed(let node) = outcome {
            let cost = Counts(
                values: processor.expandedValues - start.counts.values, copies: processor.copiedTermDefinitions - start.counts.copies,
                depth: deepest - start.counts.depth)
            let first = FirstCopy(key: start.key, object: start.object, subject: node.subject, cost: cost)
            // One hash of the id for looking up and adding.
            modifyEntry(&firstCopies[start.key.id]) { entry in if entry == nil { entry = first } }
        }
        deepest = max(deepest, start.outerDeepest)
    }

    @inline(__always)
    private func modifyEntry(_ entry: inout FirstCopy?, _ body: (inout FirstCopy?) -> Void) { body(&entry) }

    /// The subject of the first copy of `object`, after counting the copy against the limits; nil when it is not one.
    /// The copy's depth also counts for the nodes around it that are being measured (``deepest``): one of them
    /// repeated deeper down is checked against the limit with what this copy would have reached.
    mutating func repeated(_ key: Key, _ object: JSONObject, by processor: Processor) throws(JSONLDError) -> StreamedTerm? {
        guard let first = firstCopies[key.id], first.key.matches(key), JSONValue.object(first.object).isIdentical(to: .object(object)) else {
            return nil
        }
        processor.expandedValues += first.cost.values
        processor.copiedTermDefinitions += first.cost.copies
        deepest = max(deepest, processor.expansionDepth + first.cost.depth)
        let limits = processor.limits
        if processor.expandedValues > limits.maxExpandedValues || processor.copiedTermDefinitions > limits.maxTermDefinitionCopies
            || processor.expansionDepth + first.cost.depth > limits.maxExpansionDepth
        {
            throw streamingRefused
        }
        return first.subject
    }
}
