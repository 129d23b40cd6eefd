import CredentialJSON
import RDF

/// How a value's base direction (`@direction`) is carried into RDF (JSON-LD 1.1 API `rdfDirection`).
public enum RDFDirectionMode: String, Sendable, Hashable {
    /// The literal's datatype becomes `https://www.w3.org/ns/i18n#{language}_{direction}`.
    case i18nDatatype = "i18n-datatype"
    /// The literal becomes a blank node with `rdf:value`, `rdf:language` and `rdf:direction`.
    case compoundLiteral = "compound-literal"
}

/// Options of the Deserialize JSON-LD to RDF algorithm.
public struct ToRDFOptions: Sendable, Hashable {
    /// How to keep `@direction`; `nil` (the default, as in the spec) drops it — which safe mode refuses.
    public var rdfDirection: RDFDirectionMode?
    /// Whether blank nodes may be predicates (generalized RDF); off by default, as in the spec.
    public var produceGeneralizedRDF: Bool
    /// Whether to throw where the algorithm would silently drop data (relative or malformed IRIs,
    /// blank node predicates, invalid language tags, `@direction` without `rdfDirection`).
    ///
    /// On by default: a signature should never cover less than the document says. The W3C
    /// conformance suite runs with it off, because the spec defines those drops.
    public var safeMode: Bool

    public init(rdfDirection: RDFDirectionMode? = nil, produceGeneralizedRDF: Bool = false, safeMode: Bool = true) {
        self.rdfDirection = rdfDirection
        self.produceGeneralizedRDF = produceGeneralizedRDF
        self.safeMode = safeMode
    }
}

/// JSON-LD 1.1 "Deserialize JSON-LD to RDF": every node object's types and properties as quads
/// (lists as `rdf:first`/`rdf:rest` chains, `@json` as JCS text typed `rdf:JSON`).
///
/// The specification goes through a node map, which merges all objects with one `@id` before
/// writing triples. A dataset is a set, so writing each node object's triples as they are met
/// gives the same dataset without building the map (and its hashing and sorting); the
/// node-map version is kept for tests, which check both agree on the W3C suite.
public enum RDFConversion {
    /// The RDF dataset of a document in JSON-LD expanded form.
    ///
    /// Blank nodes are relabelled `_:b0`, `_:b1`, … in document order, so the output is
    /// deterministic and input labels cannot collide with generated ones; compare datasets with
    /// blank nodes by isomorphism (or canonicalize them), not by labels.
    /// - Throws: ``JSONLDToRDFError`` for malformed expanded input, conflicting `@index` values,
    ///   and, in safe mode, for anything the algorithm would drop.
    public static func toRDF(expanded: [JSONValue], options: ToRDFOptions = ToRDFOptions()) throws(JSONLDToRDFError) -> RDFDataset {
        var converter = DatasetSerializer(options: options, issuer: BlankNodeIssuer())
        try converter.convertLocatingErrors(expanded)
        converter.finish()
        return converter.makeDataset()
    }

    /// ``toRDF(expanded:options:)``'s dataset written in the form RDFC-1.0 works on (terms as canonical N-Quads
    /// bytes, blank nodes numbered), for a canonicalizer: no `RDFQuad` or `RDFDataset` is made, read once and freed.
    /// The same quads in the same order, and the same errors.
    package static func toInterned(expanded: [JSONValue], options: ToRDFOptions = ToRDFOptions()) throws(JSONLDToRDFError) -> InternedDataset {
        var converter = DatasetSerializer(options: options, issuer: BlankNodeIssuer())
        converter.interner = TermInterner(quadCount: 256)
        try converter.convertLocatingErrors(expanded)
        converter.finish()
        return converter.interner!.dataset
    }

    /// Whether ``toRDF(expanded:options:)`` would succeed, without keeping a quad: what a check needs that only asks
    /// whether a document converts (a JAdES-sealed EDC's Format check signs nothing over RDF). Throws what
    /// ``toRDF(expanded:options:)`` throws.
    package static func check(expanded: [JSONValue], options: ToRDFOptions = ToRDFOptions()) throws(JSONLDToRDFError) {
        var converter = DatasetSerializer(options: options, issuer: BlankNodeIssuer())
        converter.discards = true
        try converter.convertLocatingErrors(expanded)
        converter.finish()
    }

    /// The same dataset built the way the specification describes: Node Map Generation, then
    /// serialization of the sorted node map. Kept as the reference the streaming conversion is
    /// tested against; it allocates a node map, so ``toRDF(expanded:options:)`` does not use it.
    static func toRDFViaNodeMap(expanded: [JSONValue], options: ToRDFOptions = ToRDFOptions()) throws(JSONLDToRDFError) -> RDFDataset {
        var nodeMap = NodeMap()
        do {
            for element in expanded { try nodeMap.add(element) }
            var serializer = DatasetSerializer(options: options, issuer: nodeMap.issuer)
            try serializer.serialize(nodeMap)
            serializer.finish()
            return serializer.makeDataset()
        } catch {
            guard error.path == nil else { throw error }
            throw ErrorLocator.locate(error, in: expanded, issuer: nodeMap.issuer)
        }
    }
}

/// Writes quads for expanded JSON-LD (the streaming conversion) or for a node map (the reference):
/// JSON-LD 1.1 API §8.1 Deserialize JSON-LD to RDF, §8.2 Object to RDF, §8.3 List Conversion.
/// A struct whose methods are `mutating`: the recursive walk appends to one quad buffer in place (as a class
/// would), and its accesses are checked at compile time, where a class's stored properties were checked at run
/// time on every append and lookup.
struct DatasetSerializer {
    let options: ToRDFOptions
    var issuer: BlankNodeIssuer
    /// Quads as written, duplicates included; ``makeDataset()`` turns them into the set.
    var quads: [RDFQuad] = []
    /// `QuadFingerprint.hash(quads[i])`, computed from the terms' fingerprints as each quad is written.
    var fingerprints: [Int] = []
    /// When set, quads are interned here (``RDFConversion/toInterned(expanded:options:)``) instead of collected in ``quads``.
    var interner: TermInterner? = nil
    /// When set, quads are checked and dropped (``RDFConversion/check(expanded:options:)``).
    var discards = false
    /// `@index` per node identifier, to report conflicting indexes as the node map would.
    var nodeIndexes: [String: JSONValue] = [:]
    /// Classifications and fingerprints of the IRIs met so far (predicates and types recur on every node).
    /// From the pool (``IRIKindMemo/take()``); the conversions hand it back when they end (``finish()``).
    private var iriKinds = IRIKindMemo.take()
    static let rdfType = FingerprintedTerm(.iri(RDFVocabulary.rdfType))
    static let rdfFirst = FingerprintedTerm(.iri(RDFVocabulary.rdfFirst))
    static let rdfRest = FingerprintedTerm(.iri(RDFVocabulary.rdfRest))
    static let rdfNil = FingerprintedTerm(.iri(RDFVocabulary.rdfNil))

    init(options: ToRDFOptions, issuer: BlankNodeIssuer) {
        self.options = options
        self.issuer = issuer
    }

    /// Hands the IRI memo to the next conversion.
    mutating func finish() {
        IRIKindMemo.give(iriKinds)
        iriKinds = IRIKindMemo()
    }

    /// The dataset of the written quads, built in one place once their number is known: the
    /// array initializer indexes the buffer in place instead of copying each quad into a set, and
    /// the fingerprints spare it reading every term's bytes again.
    func makeDataset() -> RDFDataset {
        RDFDataset(quads, fingerprints: fingerprints)
    }

    /// Writes one quad and its fingerprint.
    @inline(__always)
    mutating func emit(_ subject: FingerprintedTerm, _ predicate: FingerprintedTerm, _ object: FingerprintedTerm, graph: FingerprintedTerm?) {
        if discards { return }
        if interner != nil {
            let fingerprint = QuadFingerprint.combine(subject.fingerprint, predicate.fingerprint, object.fingerprint, graph?.fingerprint)
            interner!.insert(subject.term, predicate.term, object.term, graph?.term, fingerprint: fingerprint)
            return
        }
        // Consumed into the array: appended as a temporary, the quad was copied in and the temporary destroyed
        // (a retain and a release per term).
        let quad = RDFQuad(subject: subject.term, predicate: predicate.term, object: object.term, graph: graph?.term)
        quads.append(consume quad)
        fingerprints.append(QuadFingerprint.combine(subject.fingerprint, predicate.fingerprint, object.fingerprint, graph?.fingerprint))
    }

    mutating func serialize(_ nodeMap: NodeMap) throws(JSONLDToRDFError) {
        for graphName in nodeMap.graphs.keys.sorted() {
            let graphTerm: FingerprintedTerm?
            if graphName == "@default" {
                graphTerm = nil
            } else {
                guard let term = try resource(graphName, role: .graph) else { continue }
                graphTerm = term
            }
            let graph = nodeMap.graphs[graphName]!
            for subject in graph.nodes.keys.sorted() {
                let node = graph.nodes[subject]!
                // A subject with nothing to say produces no triple, so it is not a drop.
                if node.types.isEmpty && node.properties.values.allSatisfy(\.isEmpty) { continue }
                guard let subjectTerm = try resource(subject, role: .subject) else { continue }
                for type in node.types {
                    guard let typeTerm = try resource(type, role: .type) else { continue }
                    emit(subjectTerm, Self.rdfType, typeTerm, graph: graphTerm)
                }
                for property in node.properties.keys.sorted() {
                    let items = node.properties[property]!
                    if items.isEmpty { continue }
                    guard let predicate = try predicate(property) else { continue }
                    for item in items {
                        guard let object = try object(item, graph: graphTerm) else { continue }
                        emit(subjectTerm, predicate, object, graph: graphTerm)
                    }
                }
            }
        }
    }

    typealias Role = DropHint.Role

    /// An IRI or blank node for an identifier, `nil` when the algorithm drops it (or an error in safe mode).
    mutating func resource(_ id: String, role: Role) throws(JSONLDToRDFError) -> FingerprintedTerm? {
        let (kind, fingerprint) = iriKinds.classifyWithFingerprint(id)
        switch kind {
        case .absolute: return FingerprintedTerm(.iri(id), fingerprint)
        case .blankNode: return FingerprintedTerm(blankNode: String(id.dropFirst(2)))
        case .relative:
            guard options.safeMode else { return nil }
            let code: JSONLDToRDFError.Code =
                switch role {
                case .graph: .relativeGraphReference
                case .subject: .relativeSubjectReference
                case .type: .relativeTypeReference
                case .object: .relativeObjectReference
                case .datatype: .relativeDatatypeReference
                case .predicate: .relativePredicateReference
                case .language, .direction: .invalidExpandedInput
                }
            throw JSONLDToRDFError.drop(code, value: id, role: role)
        case .malformed:
            guard options.safeMode else { return nil }
            throw JSONLDToRDFError.drop(.malformedIRI, value: id, role: role)
        }
    }

    mutating func predicate(_ property: String) throws(JSONLDToRDFError) -> FingerprintedTerm? {
        let (kind, fingerprint) = iriKinds.classifyWithFingerprint(property)
        switch kind {
        case .absolute: return FingerprintedTerm(.iri(property), fingerprint)
        case .blankNode:
            if options.produceGeneralizedRDF { return FingerprintedTerm(blankNode: String(property.dropFirst(2))) }
            guard options.safeMode else { return nil }
            throw JSONLDToRDFError.drop(.blankNodePredicate, value: property, role: .predicate)
        case .relative:
            guard options.safeMode else { return nil }
            throw JSONLDToRDFError.drop(.relativePredicateReference, value: property, role: .predicate)
        case .malformed:
            guard options.safeMode else { return nil }
            throw JSONLDToRDFError.drop(.malformedIRI, value: property, role: .predicate)
        }
    }

    /// Object to RDF: a term for a node reference, list or value; `nil` when dropped.
    private mutating func object(_ item: NodeMap.Item, graph: FingerprintedTerm?) throws(JSONLDToRDFError) -> FingerprintedTerm? {
        switch item {
        case .node(let id): return try resource(id, role: .object)
        case .list(let items): return try list(items, graph: graph)
        case .value(let valueObject): return try literal(valueObject, graph: graph)
        }
    }

    /// List Conversion: a chain of fresh blank nodes ending in `rdf:nil`.
    private mutating func list(_ items: [NodeMap.Item], graph: FingerprintedTerm?) throws(JSONLDToRDFError) -> FingerprintedTerm {
        if items.isEmpty { return Self.rdfNil }
        var nodes: [FingerprintedTerm] = []
        nodes.reserveCapacity(items.count)
        for _ in items { nodes.append(FingerprintedTerm(blankNode: String(issuer.fresh().utf8.dropFirst(2))!)) }
        for (index, item) in items.enumerated() {
            if let object = try object(item, graph: graph) {
                emit(nodes[index], Self.rdfFirst, object, graph: graph)
            }
            let rest = index + 1 < nodes.count ? nodes[index + 1] : Self.rdfNil
            emit(nodes[index], Self.rdfRest, rest, graph: graph)
        }
        return nodes[0]
    }

    mutating func literal(_ valueObject: NodeMap.ValueObject, graph: FingerprintedTerm?) throws(JSONLDToRDFError) -> FingerprintedTerm? {
        var datatype = valueObject.type
        if let type = datatype, type != "@json" {
            guard try resource(type, role: .datatype) != nil else { return nil }
        }
        if let language = valueObject.language, !Lexical.isWellFormedLanguageTag(language) {
            guard options.safeMode else { return nil }
            throw JSONLDToRDFError.drop(.invalidLanguageTag, value: language, role: .language)
        }
        let lexical: String
        if datatype == "@json" {
            do { lexical = try JCS.canonicalize(valueObject.value) } catch {
                throw JSONLDToRDFError(.invalidJSONLiteral, "the @json value cannot be canonicalized: \(error.message)")
            }
            datatype = RDFVocabulary.rdfJSON
        } else {
            switch valueObject.value {
            case .bool(let bool):
                lexical = bool ? "true" : "false"
                if datatype == nil { datatype = RDFVocabulary.xsdBoolean }
            case .number(let number):
                if datatype == RDFVocabulary.xsdDouble || Lexical.needsDouble(number) {
                    lexical = Lexical.canonicalDouble(number.doubleValue)
                    if datatype == nil { datatype = RDFVocabulary.xsdDouble }
                } else {
                    lexical = Lexical.canonicalInteger(number)
                    if datatype == nil { datatype = RDFVocabulary.xsdInteger }
                }
            case .string(let string):
                lexical = string
            default:
                throw JSONLDToRDFError(
                    .invalidExpandedInput, "@value must be a string, number or boolean unless typed @json, found a \(valueObject.value.kindName)")
            }
        }

        if let direction = valueObject.direction {
            switch options.rdfDirection {
            case .i18nDatatype?:
                let language = valueObject.language?.lowercased() ?? ""
                return FingerprintedTerm(.literal(RDFLiteral(lexical, datatype: "https://www.w3.org/ns/i18n#" + language + "_" + direction)))
            case .compoundLiteral?:
                let node = FingerprintedTerm(blankNode: String(issuer.fresh().utf8.dropFirst(2))!)
                emit(node, FingerprintedTerm(.iri(RDFVocabulary.rdfValue)), FingerprintedTerm(.literal(RDFLiteral(lexical))), graph: graph)
                if let language = valueObject.language {
                    emit(
                        node, FingerprintedTerm(.iri(RDFVocabulary.rdfLanguage)),
                        FingerprintedTerm(.literal(RDFLiteral(language.lowercased()))), graph: graph)
                }
                emit(
                    node, FingerprintedTerm(.iri(RDFVocabulary.rdfDirection)), FingerprintedTerm(.literal(RDFLiteral(direction))),
                    graph: graph)
                return node
            case nil:
                if options.safeMode { throw JSONLDToRDFError.drop(.rdfDirectionNotSet, value: direction, role: .direction) }
            }
        }
        let literal: RDFLiteral
        if let language = valueObject.language, datatype == nil {
            literal = RDFLiteral(lexical, language: language)
        } else {
            literal = RDFLiteral(lexical, datatype: datatype ?? RDFVocabulary.xsdString)
        }
        // A check keeps no quad, so it needs no fingerprint (a hash of the whole text, for every literal).
        if discards { return FingerprintedTerm(.literal(literal), 0) }
        // The datatype's fingerprint from the memo (a blank node identifier's is not kept there).
        let (kind, remembered) = iriKinds.classifyWithFingerprint(literal.datatype)
        let datatypeFingerprint = kind == .blankNode ? QuadFingerprint.iri(literal.datatype) : remembered
        return FingerprintedTerm(
            .literal(literal), QuadFingerprint.literal(literal.lexicalForm, datatype: datatypeFingerprint, language: literal.language))
    }
}

/// A term with its `QuadFingerprint` (see ``RDFDataset/init(_:fingerprints:)``): an IRI's comes from the
/// memo of IRI kinds, so a predicate written on hundreds of quads is fingerprinted once.
struct FingerprintedTerm {
    let term: RDFTerm
    let fingerprint: UInt32

    /// A term and the fingerprint `QuadFingerprint.term(term)` gives.
    init(_ term: RDFTerm, _ fingerprint: UInt32) {
        self.term = term
        self.fingerprint = fingerprint
    }

    /// A term, fingerprinted from its bytes.
    init(_ term: RDFTerm) {
        self.term = term
        self.fingerprint = QuadFingerprint.term(term)
    }

    /// A blank node (label without `_:`), fingerprinted from its label.
    init(blankNode label: String) {
        self.term = .blankNode(label)
        self.fingerprint = QuadFingerprint.blankNode(label)
    }
}
