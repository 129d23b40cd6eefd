import CredentialJSON

/// The meaning of a context, computed on the JSON level, independently of the JSON-LD engine.
///
/// Every term definition is reduced to the values JSON-LD's Create Term Definition algorithm
/// derives from it (absolute IRI, type mapping, container set, protection, prefix flag, ...), with
/// compact IRIs resolved against the same context and the scopes around it. Two contexts with equal
/// shapes define the same terms the same way, whatever their layout or member order. This is a
/// second opinion next to the engine-based comparison, and it also checks context-level keywords.
struct ContextShape: Equatable, CustomStringConvertible {
    /// Context-level keywords that are not term definitions (@version, @vocab, @language, ...).
    var keywords: [String: String] = [:]
    var terms: [String: TermShape] = [:]

    var description: String { "keywords \(keywords), \(terms.count) terms" }
}

/// What one term means, as JSON-LD derives it.
struct TermShape: Equatable {
    var iri: String?
    var reverse: Bool = false
    var type: String?
    var container: [String] = []
    /// `nil`: no @language member; `.some(nil)`: `"@language": null`.
    var language: String??
    var direction: String??
    var index: String?
    var nest: String?
    var prefix: Bool = false
    var protected: Bool = false
    var scopedContext: ScopedShape?
}

/// A term's scoped context: nothing, a reset (`null`), a remote reference, or an inline context.
indirect enum ScopedShape: Equatable {
    case null
    case reference(String)
    case inline([ContextShape])
}

enum ShapeError: Error, CustomStringConvertible {
    case unexpected(path: String, what: String)
    var description: String {
        switch self {
        case .unexpected(let path, let what): "\(path): \(what)"
        }
    }
}

enum ContextShaper {
    private static let genDelims: Set<Character> = [":", "/", "?", "#", "[", "]", "@"]

    /// The shape of a context document's `@context` value (an object, or an array of contexts).
    static func documentShape(_ document: JSONValue) throws -> [ContextShape] {
        guard case .object(let object) = document, let context = object["@context"] else {
            throw ShapeError.unexpected(path: "$", what: "not a context document")
        }
        return try contextShapes(context, outer: [], path: "$.@context")
    }

    private static func contextShapes(_ value: JSONValue, outer: [JSONObject], path: String) throws -> [ContextShape] {
        switch value {
        case .array(let items):
            return try items.enumerated().flatMap { try contextShapes($0.element, outer: outer, path: "\(path)[\($0.offset)]") }
        case .object(let object):
            return [try shape(of: object, outer: outer, path: path)]
        case .string(let reference):
            // A remote context inside an array (e.g. examples/v1 names ODRL): compared by URL here;
            // the engine-based test loads and compares the referenced document itself.
            return [ContextShape(keywords: ["@reference": reference])]
        default:
            throw ShapeError.unexpected(path: path, what: "a context must be an object or an array here")
        }
    }

    private static func shape(of context: JSONObject, outer: [JSONObject], path: String) throws -> ContextShape {
        var result = ContextShape()
        let scopes = [context] + outer
        let protectedByDefault = context["@protected"]?.boolValue ?? false
        for (key, value) in context {
            if key.hasPrefix("@") {
                result.keywords[key] = JSONWriter.string(value)
                continue
            }
            result.terms[key] = try termShape(key, value, scopes: scopes, protectedByDefault: protectedByDefault, path: "\(path).\(key)")
        }
        return result
    }

    private static func termShape(
        _ term: String, _ value: JSONValue, scopes: [JSONObject], protectedByDefault: Bool, path: String
    ) throws -> TermShape {
        var shape = TermShape()
        shape.protected = protectedByDefault
        switch value {
        case .null:
            shape.iri = nil
            return shape
        case .string(let iri):
            shape.iri = resolve(iri, scopes: scopes, vocab: true)
            // Create Term Definition: only a simple (string) definition of a term without ':' or '/'
            // gets the prefix flag from its IRI's last character.
            if !term.contains(":"), !term.contains("/"), let last = shape.iri?.last, genDelims.contains(last) || shape.iri!.hasPrefix("_:") {
                shape.prefix = true
            }
            return shape
        case .object(let definition):
            for (key, member) in definition {
                switch key {
                case "@id": shape.iri = member.stringValue.map { resolve($0, scopes: scopes, vocab: true) }
                case "@reverse":
                    shape.reverse = true
                    shape.iri = member.stringValue.map { resolve($0, scopes: scopes, vocab: true) }
                case "@type": shape.type = member.stringValue.map { resolve($0, scopes: scopes, vocab: true) }
                case "@container":
                    shape.container = (member.arrayValue ?? [member]).compactMap(\.stringValue).sorted()
                case "@language": shape.language = .some(member.stringValue?.lowercased())
                case "@direction": shape.direction = .some(member.stringValue)
                case "@index": shape.index = member.stringValue
                case "@nest": shape.nest = member.stringValue
                case "@prefix": shape.prefix = member.boolValue ?? false
                case "@protected": shape.protected = member.boolValue ?? false
                case "@context":
                    switch member {
                    case .null: shape.scopedContext = .null
                    case .string(let reference): shape.scopedContext = .reference(reference)
                    default: shape.scopedContext = .inline(try contextShapes(member, outer: scopes, path: "\(path).@context"))
                    }
                default:
                    throw ShapeError.unexpected(path: path, what: "unknown member \(key) in a term definition")
                }
            }
            if definition["@id"] == nil, definition["@reverse"] == nil {
                shape.iri = resolve(term, scopes: scopes, vocab: true)
            }
            return shape
        default:
            throw ShapeError.unexpected(path: path, what: "a term definition must be a string, an object or null")
        }
    }

    /// IRI expansion as far as a context needs it: keywords stay, a term or a compact IRI's prefix is
    /// looked up in the innermost scope that defines it, anything else with a scheme is absolute.
    private static func resolve(_ value: String, scopes: [JSONObject], vocab: Bool, depth: Int = 0) -> String {
        if value.hasPrefix("@") || depth > 16 { return value }
        if let definition = lookup(value, scopes), value != "@type" {
            if let iri = definition.stringValue { return iri == value ? iri : resolve(iri, scopes: scopes, vocab: vocab, depth: depth + 1) }
            if let iri = definition.objectValue?["@id"]?.stringValue { return resolve(iri, scopes: scopes, vocab: vocab, depth: depth + 1) }
        }
        if let colon = value.firstIndex(of: ":") {
            let prefix = String(value[..<colon])
            let suffix = String(value[value.index(after: colon)...])
            if prefix == "_" || suffix.hasPrefix("//") { return value }
            if let definition = lookup(prefix, scopes) {
                let base = definition.stringValue ?? definition.objectValue?["@id"]?.stringValue
                if let base { return resolve(base, scopes: scopes, vocab: vocab, depth: depth + 1) + suffix }
            }
            return value
        }
        if vocab, let vocabIRI = scopes.lazy.compactMap({ $0["@vocab"]?.stringValue }).first {
            return vocabIRI + value
        }
        return value
    }

    private static func lookup(_ term: String, _ scopes: [JSONObject]) -> JSONValue? {
        for scope in scopes { if let definition = scope[term] { return definition } }
        return nil
    }
}
