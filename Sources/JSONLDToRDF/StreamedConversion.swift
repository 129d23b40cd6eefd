import CredentialJSON
import JSONLD
import RDF

extension RDFConversion {
    /// The RDFC-1.0 input form of `document` made while it is expanded (``JSONLDProcessor/stream(_:options:into:)``),
    /// or nil when the document is not one the streaming pass takes or anything in it fails: the caller then
    /// expands and converts it the ordinary way, which gives the same dataset or reports the failure.
    ///
    /// Blank node labels differ from the ordinary conversion's (they are issued in another order); the
    /// dataset is the same up to their renaming, which RDFC-1.0 does not see.
    package static func streamInterned(_ document: JSONValue, jsonld: JSONLDOptions, options: ToRDFOptions) -> InternedDataset? {
        streamed(document, jsonld: jsonld, options: options, interning: true)?.interner?.dataset
    }

    /// Whether `document` converts, found by the streaming pass: true when it does; false when the pass did not
    /// take it (the ordinary check then decides).
    package static func streamCheck(_ document: JSONValue, jsonld: JSONLDOptions, options: ToRDFOptions) -> Bool {
        streamed(document, jsonld: jsonld, options: options, interning: false) != nil
    }

    /// The serializer after the streaming pass took `document`: interning its quads, or checking them and keeping none.
    private static func streamed(_ document: JSONValue, jsonld: JSONLDOptions, options: ToRDFOptions, interning: Bool) -> DatasetSerializer? {
        guard options.safeMode else { return nil }
        // Set up in the sink's own copy: a second owner of the interner's reserved buffers made the first write
        // copy them without their capacity.
        var sink = StreamingSink(DatasetSerializer(options: options, issuer: BlankNodeIssuer()))
        if interning { sink.serializer.interner = TermInterner(quadCount: 256) } else { sink.serializer.discards = true }
        guard JSONLDProcessor.stream(document, options: jsonld, into: &sink) else { return nil }
        sink.serializer.finish()
        return sink.serializer
    }
}

/// The conversion's rules applied to the statements of the streaming pass: the same term checks, blank node
/// relabelling and literal forms as ``DatasetSerializer/convert(_:)`` (safe mode: what it would drop it refuses).
struct StreamingSink: ExpansionSink {
    var serializer: DatasetSerializer
    /// The subjects and predicates handed out, by ``StreamedTerm/index``.
    private var terms: [FingerprintedTerm] = []

    init(_ serializer: DatasetSerializer) {
        self.serializer = serializer
        terms.reserveCapacity(128)
    }

    var keepsNoStatements: Bool { serializer.discards }

    private mutating func handle(_ term: FingerprintedTerm) -> StreamedTerm {
        terms.append(term)
        return StreamedTerm(index: terms.count - 1)
    }

    mutating func subject(_ expandedID: String?) -> StreamedTerm? {
        let id: String
        if let expandedID {
            id = serializer.issuer.relabelIfBlank(expandedID)
        } else {
            id = serializer.issuer.fresh()
        }
        guard let term = try? serializer.resource(id, role: .subject) else { return nil }
        return handle(term)
    }

    mutating func predicate(_ expandedProperty: String) -> StreamedTerm? {
        let name = serializer.issuer.relabelIfBlank(expandedProperty)
        guard let term = try? serializer.predicate(name) else { return nil }
        return handle(term)
    }

    mutating func type(_ subject: StreamedTerm, _ expandedType: String) -> Bool {
        let type = serializer.issuer.relabelIfBlank(expandedType)
        guard let typeTerm = try? serializer.resource(type, role: .type) else { return false }
        serializer.emit(terms[subject.index], DatasetSerializer.rdfType, typeTerm, graph: nil)
        return true
    }

    mutating func reference(_ subject: StreamedTerm, _ predicate: StreamedTerm, _ object: StreamedTerm) -> Bool {
        serializer.emit(terms[subject.index], terms[predicate.index], terms[object.index], graph: nil)
        return true
    }

    mutating func value(
        _ subject: StreamedTerm, _ predicate: StreamedTerm, _ value: JSONValue, type: String?, language: String?, direction: String?
    ) -> Bool {
        let valueObject = NodeMap.ValueObject(value: value, type: type, language: language, direction: direction)
        guard let literal = try? serializer.literal(valueObject, graph: nil) else { return false }
        serializer.emit(terms[subject.index], terms[predicate.index], literal, graph: nil)
        return true
    }

    mutating func expanded(_ subject: StreamedTerm, _ predicate: StreamedTerm, _ items: [JSONValue]) -> Bool {
        for item in items {
            guard let object = try? serializer.objectTerm(item, graph: nil) else { return false }
            serializer.emit(terms[subject.index], terms[predicate.index], object, graph: nil)
        }
        return true
    }
}
