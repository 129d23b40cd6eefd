import CredentialJSON

/// An error from turning expanded JSON-LD into RDF.
///
/// Most codes are safe-mode refusals: places where the JSON-LD algorithm would silently drop
/// a triple, a type or a graph. A signature over a dataset that lost statements would vouch for
/// less than the document says, so safe mode stops instead. Equality compares only the code.
public struct JSONLDToRDFError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable error code; new codes can be added without breaking callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The code's name; for the codes the JSON-LD events of jsonld.js also know, the same words.
        public let name: String
        public var description: String { name }

        /// A node's `@id` is a relative IRI (no base to resolve it), so its triples would be dropped.
        public static let relativeSubjectReference = Code(name: "relative subject reference")
        /// A property is a relative IRI, so its triples would be dropped.
        public static let relativePredicateReference = Code(name: "relative predicate reference")
        /// A referenced node's `@id` is a relative IRI, so the triple would be dropped.
        public static let relativeObjectReference = Code(name: "relative object reference")
        /// A `@type` value is a relative IRI, so the `rdf:type` triple would be dropped.
        public static let relativeTypeReference = Code(name: "relative type reference")
        /// A value object's datatype is a relative IRI, so the triple would be dropped.
        public static let relativeDatatypeReference = Code(name: "relative datatype reference")
        /// A named graph's name is a relative IRI, so the whole graph would be dropped.
        public static let relativeGraphReference = Code(name: "relative graph reference")
        /// A property is a blank node and generalized RDF is off, so its triples would be dropped.
        public static let blankNodePredicate = Code(name: "blank node predicate")
        /// An IRI has a scheme but characters RDF does not allow (e.g. a space), so it would be dropped.
        public static let malformedIRI = Code(name: "malformed IRI")
        /// A language tag is not well-formed BCP 47, so the literal would be dropped.
        public static let invalidLanguageTag = Code(name: "invalid language tag")
        /// A value has `@direction` but no `rdfDirection` mode is set, so the direction would be lost.
        public static let rdfDirectionNotSet = Code(name: "rdfDirection not set")
        /// Two node objects with the same `@id` carry different `@index` values (JSON-LD error code).
        public static let conflictingIndexes = Code(name: "conflicting indexes")
        /// An `@json` value cannot be canonicalized with RFC 8785 (e.g. a number out of double range).
        public static let invalidJSONLiteral = Code(name: "invalid JSON literal")
        /// The input is not in JSON-LD expanded form (wrong kinds where the algorithm needs others).
        public static let invalidExpandedInput = Code(name: "invalid expanded input")
    }

    /// What went wrong.
    public let code: Code
    /// A readable explanation naming the offending value.
    public let message: String
    /// Where the offending value sits, when it could be found; ``pathDocument`` says in which document.
    public let path: JSONPath?

    /// Which document ``path`` points into.
    public enum PathDocument: Sendable, Hashable {
        /// The expanded form the RDF step read (full IRIs as member names, arrays everywhere).
        case expanded
        /// The source document given to ``RDFConversion/toRDF(document:documentURL:jsonld:options:)``,
        /// located by the offending value itself (the first place it occurs in that role).
        case source
    }

    /// Which document ``path`` points into.
    public let pathDocument: PathDocument

    /// What a safe-mode refusal was about, so that ``ErrorLocator`` can find it in the input.
    let hint: DropHint?

    /// An error with a code, a message naming the offending value, and where it is when known.
    public init(_ code: Code, _ message: String, path: JSONPath? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.pathDocument = .expanded
        self.hint = nil
    }

    init(_ code: Code, _ message: String, path: JSONPath?, pathDocument: PathDocument = .expanded, hint: DropHint?) {
        self.code = code
        self.message = message
        self.path = path
        self.pathDocument = pathDocument
        self.hint = hint
    }

    /// The path as text, marked when it is into the expanded form.
    public var location: String? {
        guard let path else { return nil }
        return pathDocument == .expanded ? "\(path) (in expanded form)" : "\(path)"
    }

    public var description: String {
        if let location { return "\(location): \(message) [\(code)]" }
        return "\(message) [\(code)]"
    }

    public static func == (lhs: JSONLDToRDFError, rhs: JSONLDToRDFError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
