import CredentialJSON
import RDF

/// Writes quads straight from the expanded tree (see ``RDFConversion`` for why this equals the
/// node-map algorithm's dataset). Blank node labels are relabelled to `_:bN` as in the spec.
extension DatasetSerializer {
    mutating func convert(_ expanded: [JSONValue]) throws(JSONLDToRDFError) {
        for element in expanded { try subjects(element, graph: nil) }
    }

    /// ``convert(_:)``, with an error that has no path yet located in `expanded` (the form every public entry
    /// point reports; locating is done only on failure).
    mutating func convertLocatingErrors(_ expanded: [JSONValue]) throws(JSONLDToRDFError) {
        do {
            try convert(expanded)
        } catch {
            guard error.path == nil else { throw error }
            throw ErrorLocator.locate(error, in: expanded, issuer: issuer)
        }
    }

    /// Elements outside any property: node objects become subjects; free-floating values and
    /// lists say nothing (expansion drops them anyway).
    private mutating func subjects(_ element: JSONValue, graph: FingerprintedTerm?) throws(JSONLDToRDFError) {
        switch element {
        case .array(let items):
            for item in items { try subjects(item, graph: graph) }
        case .object(let object):
            if object["@value"] != nil || object["@list"] != nil { return }
            _ = try node(object, graph: graph)
        default:
            throw JSONLDToRDFError(.invalidExpandedInput, "expected an object in expanded JSON-LD, found a \(element.kindName)")
        }
    }

    /// The subject term, resolved on the first triple: a node that states nothing loses nothing.
    private enum Subject {
        case unresolved
        case term(FingerprintedTerm)
        case dropped
    }

    /// Writes a node object's triples and returns its (relabelled) identifier.
    private mutating func node(_ nodeObject: JSONObject, graph: FingerprintedTerm?) throws(JSONLDToRDFError) -> String {
        let id: String
        switch nodeObject["@id"] {
        case .string(let identifier)?: id = issuer.relabelIfBlank(identifier)
        case nil: id = issuer.fresh()
        // Expansion leaves `"@id": null` where an @id was keyword-like; such a node cannot be named in RDF.
        case .null?: id = NodeMap.nullIdentifier
        case let other?:
            throw JSONLDToRDFError(.invalidExpandedInput, "@id must be a string in expanded JSON-LD, found a \(other.kindName)")
        }
        var subject = Subject.unresolved

        for (key, value) in nodeObject.members {
            // Properties far outnumber keywords; one byte test keeps them out of the keyword switch.
            if key.utf8.first != UInt8(ascii: "@") {
                try property(key, value, subject: &subject, id: id, graph: graph)
                continue
            }
            switch key {
            case "@id", "@context":
                continue
            case "@type":
                for typeItem in value.asArray {
                    guard case .string(let name) = typeItem else {
                        throw JSONLDToRDFError(.invalidExpandedInput, "@type values must be strings in expanded JSON-LD")
                    }
                    let type = issuer.relabelIfBlank(name)
                    guard let subjectTerm = try resolve(&subject, id) else { continue }
                    guard let typeTerm = try resource(type, role: .type) else { continue }
                    emit(subjectTerm, Self.rdfType, typeTerm, graph: graph)
                }
            case "@index":
                if let existing = nodeIndexes[id], existing != value {
                    throw JSONLDToRDFError(.conflictingIndexes, "node \(id) has two different @index values")
                }
                nodeIndexes[id] = value
            case "@reverse":
                guard case .object(let reverseMap) = value else {
                    throw JSONLDToRDFError(.invalidExpandedInput, "@reverse must be an object in expanded JSON-LD")
                }
                for (property, values) in reverseMap.members {
                    let name = issuer.relabelIfBlank(property)
                    for item in values.asArray {
                        guard case .object(let referencing) = item, referencing["@value"] == nil, referencing["@list"] == nil else {
                            throw JSONLDToRDFError(.invalidExpandedInput, "@reverse values must be node objects in expanded JSON-LD")
                        }
                        let referencingID = try node(referencing, graph: graph)
                        guard let subjectTerm = try resource(referencingID, role: .subject),
                            let predicateTerm = try predicate(name),
                            let object = try resource(id, role: .object)
                        else { continue }
                        emit(subjectTerm, predicateTerm, object, graph: graph)
                    }
                }
            case "@graph":
                let content = value.asArray
                if content.isEmpty { continue }
                guard let graphTerm = try resource(id, role: .graph) else { continue }
                for item in content { try subjects(item, graph: graphTerm) }
            case "@included":
                try subjects(value, graph: graph)
            default:
                // Other keywords (e.g. @explicit in framing) carry nothing for RDF.
                continue
            }
        }
        return id
    }

    private mutating func property(_ key: String, _ value: JSONValue, subject: inout Subject, id: String, graph: FingerprintedTerm?) throws(JSONLDToRDFError) {
        let items = value.asArray
        if items.isEmpty { return }
        let name = issuer.relabelIfBlank(key)
        // Nested nodes are written even when this node's own triple is dropped.
        // The predicate, resolved on the first triple (a flag and an optional: a double optional was copied and
        // destroyed at every item).
        var predicateResolved = false
        var predicateTerm: FingerprintedTerm? = nil
        for item in items {
            let object = try objectTerm(item, graph: graph)
            guard let subjectTerm = try resolve(&subject, id) else { continue }
            if !predicateResolved {
                predicateTerm = try predicate(name)
                predicateResolved = true
            }
            guard let predicate = predicateTerm, let object else { continue }
            emit(subjectTerm, predicate, object, graph: graph)
        }
    }

    private mutating func resolve(_ subject: inout Subject, _ id: String) throws(JSONLDToRDFError) -> FingerprintedTerm? {
        switch subject {
        case .term(let term): return term
        case .dropped: return nil
        case .unresolved:
            if let term = try resource(id, role: .subject) {
                subject = .term(term)
                return term
            }
            subject = .dropped
            return nil
        }
    }

    /// Object to RDF for an element of a property's array (writing a nested node's own triples first).
    mutating func objectTerm(_ item: JSONValue, graph: FingerprintedTerm?) throws(JSONLDToRDFError) -> FingerprintedTerm? {
        guard case .object(let object) = item else {
            throw JSONLDToRDFError(.invalidExpandedInput, "property values must be objects in expanded JSON-LD, found a \(item.kindName)")
        }
        // One pass to tell value, list and node objects apart.
        for (key, value) in object.members where key.utf8.first == UInt8(ascii: "@") {
            if key == "@value" { return try literal(try NodeMap.valueObject(object, value: value), graph: graph) }
            if key == "@list" { return try listTerm(value.asArray, graph: graph) }
        }
        return try resource(try node(object, graph: graph), role: .object)
    }

    /// List Conversion over expanded list items.
    private mutating func listTerm(_ items: [JSONValue], graph: FingerprintedTerm?) throws(JSONLDToRDFError) -> FingerprintedTerm {
        if items.isEmpty { return Self.rdfNil }
        let first = FingerprintedTerm(blankNode: issuer.freshLabel())
        var current = first
        for (index, item) in items.enumerated() {
            if let object = try objectTerm(item, graph: graph) {
                emit(current, Self.rdfFirst, object, graph: graph)
            }
            let rest = index + 1 < items.count ? FingerprintedTerm(blankNode: issuer.freshLabel()) : Self.rdfNil
            emit(current, Self.rdfRest, rest, graph: graph)
            current = rest
        }
        return first
    }
}
