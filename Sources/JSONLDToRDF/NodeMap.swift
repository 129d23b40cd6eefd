import CredentialJSON

/// The Node Map Generation algorithm (JSON-LD 1.1 API §7.2) specialised for RDF output.
///
/// Values are kept in the typed ``NodeMap/Item`` form rather than as JSON objects, so that the
/// RDF step reads fields directly instead of looking up `@value`/`@type` members again.
struct NodeMap {
    /// A value of a node's property, after flattening.
    enum Item: Hashable {
        /// A reference to a node by identifier (an IRI, a relative reference or a relabelled `_:bN`).
        case node(String)
        /// A value object's fields (`@index` dropped: it has no RDF meaning).
        case value(ValueObject)
        /// A list object's items in order.
        case list([Item])
    }

    struct ValueObject: Hashable {
        var value: JSONValue
        var type: String?
        var language: String?
        var direction: String?
    }

    /// One node of one graph. A class so that dictionary lookups hand out a mutable reference.
    final class Node {
        let id: String
        var types: [String] = []
        var index: JSONValue?
        var properties: [String: [Item]] = [:]
        init(id: String) { self.id = id }
    }

    final class Graph {
        var nodes: [String: Node] = [:]

        func node(_ id: String) -> Node {
            if let existing = nodes[id] { return existing }
            let node = Node(id: id)
            nodes[id] = node
            return node
        }
    }

    /// Graphs by name; `@default` is the default graph.
    private(set) var graphs: [String: Graph] = ["@default": Graph()]
    /// Relabels blank nodes to `_:b0`, `_:b1`, … and issues fresh ones (shared with list conversion).
    var issuer = BlankNodeIssuer()

    init() {}

    /// The identifier given to nodes whose `@id` is null: keyword-like, so never an IRI or blank node.
    static let nullIdentifier = "@null"

    /// Where a recursive call attaches what it finds.
    private enum ActiveSubject {
        case none
        case subject(String)
        /// A reverse property is being processed: the node found gets a property pointing *to* this one.
        case reverseOf(String)
    }

    private func graph(_ name: String) -> Graph { graphs[name]! }

    private mutating func ensureGraph(_ name: String) -> Graph {
        if let existing = graphs[name] { return existing }
        let graph = Graph()
        graphs[name] = graph
        return graph
    }

    /// Adds the items of an expanded document (a top-level array or a single object).
    mutating func add(_ element: JSONValue) throws(JSONLDToRDFError) {
        var noList: [Item]? = nil
        try generate(element, graphName: "@default", subject: .none, property: nil, list: &noList)
    }

    private mutating func generate(
        _ element: JSONValue, graphName: String, subject activeSubject: ActiveSubject, property: String?,
        list: inout [Item]?
    ) throws(JSONLDToRDFError) {
        let object: JSONObject
        switch element {
        case .array(let items):
            for item in items {
                try generate(item, graphName: graphName, subject: activeSubject, property: property, list: &list)
            }
            return
        case .object(let elementObject): object = elementObject
        default:
            throw JSONLDToRDFError(.invalidExpandedInput, "expected an object in expanded JSON-LD, found a \(element.kindName)")
        }
        let graph = ensureGraph(graphName)
        let subjectNode: Node? = if case .subject(let subjectID) = activeSubject { graph.node(subjectID) } else { nil }

        if let value = object["@value"] {
            let item = Item.value(try Self.valueObject(object, value: value))
            if list != nil {
                list!.append(item)
            } else if let subjectNode, let property {
                Self.addUnique(item, to: subjectNode, property)
            }
            return
        }
        if let listValue = object["@list"] {
            var result: [Item]? = []
            try generate(listValue, graphName: graphName, subject: activeSubject, property: property, list: &result)
            if list != nil {
                list!.append(.list(result!))
            } else if let subjectNode, let property {
                subjectNode.properties[property, default: []].append(.list(result!))
            }
            return
        }

        // A node object. Blank node types get their labels before the node's own label, and members
        // are visited in code-point order (keywords first), as jsonld.js does, so labels match it.
        var types: [String] = []
        if let typeValue = object["@type"] {
            for typeItem in typeValue.asArray {
                guard case .string(let type) = typeItem else {
                    throw JSONLDToRDFError(.invalidExpandedInput, "@type values must be strings in expanded JSON-LD")
                }
                types.append(issuer.relabelIfBlank(type))
            }
        }
        let id: String
        switch object["@id"] {
        case .string(let identifier)?: id = issuer.relabelIfBlank(identifier)
        case nil: id = issuer.fresh()
        // Expansion leaves `"@id": null` where an @id was keyword-like; such a node cannot be named in RDF.
        case .null?: id = NodeMap.nullIdentifier
        case let other?:
            throw JSONLDToRDFError(.invalidExpandedInput, "@id must be a string in expanded JSON-LD, found a \(other.kindName)")
        }
        let node = graph.node(id)

        switch activeSubject {
        case .reverseOf(let referencing):
            if let property { Self.addUnique(.node(referencing), to: node, property) }
        case .subject, .none:
            if let property {
                if list != nil {
                    list!.append(.node(id))
                } else if let subjectNode {
                    Self.addUnique(.node(id), to: subjectNode, property)
                }
            }
        }
        for type in types where !node.types.contains(type) { node.types.append(type) }

        for (key, value) in Self.sortedMembers(object) {
            switch key {
            case "@id", "@type", "@context": continue
            case "@index":
                if let existing = node.index, existing != value {
                    throw JSONLDToRDFError(.conflictingIndexes, "node \(id) has two different @index values")
                }
                node.index = value
            case "@reverse":
                guard case .object(let reverseMap) = value else {
                    throw JSONLDToRDFError(.invalidExpandedInput, "@reverse must be an object in expanded JSON-LD")
                }
                for (reverseProperty, values) in Self.sortedMembers(reverseMap) {
                    var noList: [Item]? = nil
                    try generate(values, graphName: graphName, subject: .reverseOf(id), property: reverseProperty, list: &noList)
                }
            case "@graph":
                var noList: [Item]? = nil
                _ = ensureGraph(id)
                try generate(value, graphName: id, subject: .none, property: nil, list: &noList)
            case "@included":
                var noList: [Item]? = nil
                try generate(value, graphName: graphName, subject: .none, property: nil, list: &noList)
            default:
                // Other keywords (e.g. @explicit in framing) carry nothing for RDF.
                if key.utf8.first == UInt8(ascii: "@") { continue }
                let property = issuer.relabelIfBlank(key)
                if node.properties[property] == nil { node.properties[property] = [] }
                var noList: [Item]? = nil
                try generate(value, graphName: graphName, subject: .subject(id), property: property, list: &noList)
            }
        }
    }

    private static func sortedMembers(_ object: JSONObject) -> [(key: String, value: JSONValue)] {
        object.members.sorted { $0.key < $1.key }
    }

    /// JSON-LD's "add value … not allowing duplicates" for one property.
    private static func addUnique(_ item: Item, to node: Node, _ property: String) {
        if let existing = node.properties[property], existing.contains(item) { return }
        node.properties[property, default: []].append(item)
    }

    static func valueObject(_ object: JSONObject, value: JSONValue) throws(JSONLDToRDFError) -> ValueObject {
        var valueObject = ValueObject(value: value)
        for member in object.members {
            switch member.key {
            case "@type":
                guard case .string(let type) = member.value else {
                    throw JSONLDToRDFError(.invalidExpandedInput, "a value object's @type must be a string in expanded JSON-LD")
                }
                valueObject.type = type
            case "@language":
                guard case .string(let language) = member.value else {
                    throw JSONLDToRDFError(.invalidExpandedInput, "@language must be a string in expanded JSON-LD")
                }
                valueObject.language = language
            case "@direction":
                guard case .string(let direction) = member.value else {
                    throw JSONLDToRDFError(.invalidExpandedInput, "@direction must be a string in expanded JSON-LD")
                }
                valueObject.direction = direction
            default: continue
            }
        }
        return valueObject
    }
}

/// JSON-LD's blank node identifier generator: `_:b0`, `_:b1`, … with a map so that one input label
/// always gets the same new label.
struct BlankNodeIssuer {
    private(set) var map: [String: String] = [:]
    private var counter = 0

    init() {}

    mutating func fresh() -> String {
        defer { counter += 1 }
        return "_:b" + String(counter)
    }

    /// A fresh label without the `_:` prefix, as ``RDFTerm/blankNode(_:)`` wants it.
    mutating func freshLabel() -> String {
        defer { counter += 1 }
        return "b" + String(counter)
    }

    /// `identifier` relabelled when it is a blank node identifier, as it is otherwise (IRIs keep their spelling).
    @inline(__always)
    mutating func relabelIfBlank(_ identifier: String) -> String {
        Lexical.isBlankNodeIdentifier(identifier) ? relabel(identifier) : identifier
    }

    mutating func relabel(_ label: String) -> String {
        if let existing = map[label] { return existing }
        let new = fresh()
        map[label] = new
        return new
    }

    /// The input label that was relabelled to `new`, for error messages.
    func original(of new: String) -> String? {
        map.first(where: { $0.value == new })?.key
    }
}
