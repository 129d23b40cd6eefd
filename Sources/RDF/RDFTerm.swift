/// An RDF term as RDF 1.1 Concepts defines it.
///
/// IRIs and blank node labels are kept as plain strings (blank node labels without `_:`),
/// so that the N-Quads writer and the canonicalizer decide the escaping, not the producer.
public enum RDFTerm: Sendable, Hashable {
    case iri(String)
    case blankNode(String)
    case literal(RDFLiteral)

    /// Whether this is a blank node.
    public var isBlankNode: Bool { if case .blankNode = self { return true } else { return false } }
    /// Whether this is an IRI.
    public var isIRI: Bool { if case .iri = self { return true } else { return false } }
    /// Whether this is a literal.
    public var isLiteral: Bool { if case .literal = self { return true } else { return false } }

    // RDF terms are equal when their strings have the same code points (RDF 1.1 Concepts §3.2), whereas Swift
    // `String` equality uses canonical equivalence ("é" == "e\u{301}"). Comparing UTF-8 bytes keeps two such
    // literals distinct, as every other RDF implementation does, and skips normalization in hashing.
    public static func == (lhs: RDFTerm, rhs: RDFTerm) -> Bool {
        switch (lhs, rhs) {
        case (.iri(let a), .iri(let b)): return sameCodePoints(a, b)
        case (.blankNode(let a), .blankNode(let b)): return sameCodePoints(a, b)
        case (.literal(let a), .literal(let b)): return a == b
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .iri(let s): hasher.combine(0 as UInt8); hashCodePoints(s, into: &hasher)
        case .blankNode(let s): hasher.combine(1 as UInt8); hashCodePoints(s, into: &hasher)
        case .literal(let l): hasher.combine(2 as UInt8); l.hash(into: &hasher)
        }
    }
}

/// Code point (UTF-8 byte) equality of two strings, not Swift's canonical equivalence.
@inline(__always)
func sameCodePoints(_ a: String, _ b: String) -> Bool {
    let x = a.utf8, y = b.utf8
    guard x.count == y.count else { return false }
    if let equal = x.withContiguousStorageIfAvailable({ p in
        y.withContiguousStorageIfAvailable { q in p.elementsEqual(q) }
    }), let equal { return equal }
    return x.elementsEqual(y)
}

/// Hashes the UTF-8 bytes (with the length, so adjacent fields cannot run together).
@inline(__always)
func hashCodePoints(_ s: String, into hasher: inout Hasher) {
    let utf8 = s.utf8
    hasher.combine(utf8.count)
    if utf8.withContiguousStorageIfAvailable({ hasher.combine(bytes: UnsafeRawBufferPointer($0)) }) == nil {
        for byte in utf8 { hasher.combine(byte) }
    }
}

/// An RDF literal: a lexical form with a datatype IRI and, for `rdf:langString`, a language tag.
public struct RDFLiteral: Sendable, Hashable {
    /// The literal's string, unescaped.
    public var lexicalForm: String
    /// The datatype IRI (`xsd:string` for plain literals, `rdf:langString` with a language tag).
    public var datatype: String
    /// The language tag as written, or `nil`.
    public var language: String?

    /// A literal; `language` set implies `datatype` is `rdf:langString`.
    public init(_ lexicalForm: String, datatype: String = RDFVocabulary.xsdString, language: String? = nil) {
        self.lexicalForm = lexicalForm
        self.language = language
        self.datatype = language == nil ? datatype : RDFVocabulary.rdfLangString
    }

    /// Equal when lexical form, datatype and language have the same code points (see ``RDFTerm``).
    public static func == (lhs: RDFLiteral, rhs: RDFLiteral) -> Bool {
        guard sameCodePoints(lhs.lexicalForm, rhs.lexicalForm), sameCodePoints(lhs.datatype, rhs.datatype) else { return false }
        switch (lhs.language, rhs.language) {
        case (nil, nil): return true
        case (let a?, let b?): return sameCodePoints(a, b)
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        hashCodePoints(lexicalForm, into: &hasher)
        hashCodePoints(datatype, into: &hasher)
        if let language { hashCodePoints(language, into: &hasher) } else { hasher.combine(-1) }
    }
}

/// An RDF quad; `graph == nil` is the default graph.
public struct RDFQuad: Sendable, Hashable {
    public var subject: RDFTerm
    public var predicate: RDFTerm
    public var object: RDFTerm
    public var graph: RDFTerm?

    public init(subject: RDFTerm, predicate: RDFTerm, object: RDFTerm, graph: RDFTerm? = nil) {
        self.subject = subject
        self.predicate = predicate
        self.object = object
        self.graph = graph
    }
}

/// An RDF dataset: a set of quads kept in insertion order (duplicates are dropped).
public struct RDFDataset: Sendable, Hashable {
    public private(set) var quads: [RDFQuad] = []
    private var seen: Set<RDFQuad> = []

    public init() {}

    public init<S: Sequence>(_ quads: S) where S.Element == RDFQuad {
        for q in quads { insert(q) }
    }

    /// Adds a quad unless the dataset already has it.
    public mutating func insert(_ quad: RDFQuad) {
        if seen.insert(quad).inserted { quads.append(quad) }
    }

    public var count: Int { quads.count }
    public var isEmpty: Bool { quads.isEmpty }

    public static func == (lhs: RDFDataset, rhs: RDFDataset) -> Bool { lhs.seen == rhs.seen }
    public func hash(into hasher: inout Hasher) { hasher.combine(seen) }
}

/// IRIs the RDF and JSON-LD algorithms refer to.
public enum RDFVocabulary {
    public static let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    public static let xsd = "http://www.w3.org/2001/XMLSchema#"
    public static let rdfType = rdf + "type"
    public static let rdfFirst = rdf + "first"
    public static let rdfRest = rdf + "rest"
    public static let rdfNil = rdf + "nil"
    public static let rdfValue = rdf + "value"
    public static let rdfLanguage = rdf + "language"
    public static let rdfDirection = rdf + "direction"
    public static let rdfJSON = rdf + "JSON"
    public static let rdfLangString = rdf + "langString"
    public static let xsdString = xsd + "string"
    public static let xsdBoolean = xsd + "boolean"
    public static let xsdInteger = xsd + "integer"
    public static let xsdDouble = xsd + "double"
}
