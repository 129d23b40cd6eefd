import CredentialJSON
import Foundation

/// The offending value of a safe-mode refusal and the role it played.
struct DropHint: Sendable, Hashable {
    enum Role: Sendable, Hashable { case graph, subject, predicate, type, object, datatype, language, direction }
    let role: Role
    let value: String
}

extension JSONLDToRDFError {
    /// A safe-mode refusal; the message is written here so every drop reads the same way.
    static func drop(_ code: Code, value: String, role: DropHint.Role) -> JSONLDToRDFError {
        if value == NodeMap.nullIdentifier, role == .subject || role == .object || role == .graph {
            return JSONLDToRDFError(
                code,
                "a node's @id is null (expansion discarded a keyword-like @id), so it cannot be named in RDF; "
                    + "its statements would be dropped", path: nil, hint: DropHint(role: role, value: value))
        }
        let what: String =
            switch role {
            case .graph: "graph name \(quoted(value))"
            case .subject: "node @id \(quoted(value))"
            case .predicate: "property \(quoted(value))"
            case .type: "@type \(quoted(value))"
            case .object: "node reference @id \(quoted(value))"
            case .datatype: "datatype \(quoted(value))"
            case .language: "language tag \(quoted(value))"
            case .direction: "@direction \(quoted(value))"
            }
        let why: String =
            switch code {
            case .blankNodePredicate: "is a blank node, which RDF does not allow as a predicate (generalized RDF is off)"
            case .malformedIRI: "is not a well-formed IRI (it contains a character IRIs do not allow, such as a space)"
            case .invalidLanguageTag: "is not a well-formed BCP 47 language tag"
            case .rdfDirectionNotSet: "cannot be expressed in RDF without an rdfDirection mode"
            default: "is a relative IRI reference and there is no base IRI to resolve it against"
            }
        let effect: String =
            switch role {
            case .graph: "the whole named graph would be dropped"
            case .direction: "the direction would be dropped"
            case .subject, .predicate: "its statements would be dropped"
            default: "the statement would be dropped"
            }
        return JSONLDToRDFError(code, "\(what) \(why); \(effect)", path: nil, hint: DropHint(role: role, value: value))
    }

    private static func quoted(_ text: String) -> String {
        JSONWriter.string(.string(text))
    }
}

/// Finds where a refused value sits in the expanded input; runs only after a failure, so the
/// conversion itself carries no path bookkeeping.
enum ErrorLocator {
    static func locate(_ error: JSONLDToRDFError, in expanded: [JSONValue], issuer: BlankNodeIssuer) -> JSONLDToRDFError {
        guard var hint = error.hint else { return error }
        // Blank node labels were relabelled; search for (and report) the label the input used.
        var message = error.message
        if hint.value.hasPrefix("_:b"), let original = issuer.original(of: hint.value) {
            message = message.replacingFirst(JSONWriter.string(.string(hint.value)), with: JSONWriter.string(.string(original)))
            hint = DropHint(role: hint.role, value: original)
        }
        var path = JSONPath.root
        for (index, element) in expanded.enumerated() {
            if let found = search(element, for: hint, at: path.appending(index)) {
                path = found
                return JSONLDToRDFError(error.code, message, path: path, hint: error.hint)
            }
        }
        return JSONLDToRDFError(error.code, message, path: nil, hint: error.hint)
    }

    /// Re-locates an RDF-step refusal in the source document by its offending value, so that a
    /// person sees the member they wrote; keeps the expanded path when the value is not found
    /// verbatim (e.g. a compact IRI that expanded into a malformed one).
    static func locateInSource(_ error: JSONLDToRDFError, document: JSONValue) -> JSONLDToRDFError {
        guard let hint = error.hint,
            let found = searchSource(document, for: hint, strict: true, at: .root)
                ?? searchSource(document, for: hint, strict: false, at: .root)
        else { return error }
        return JSONLDToRDFError(error.code, error.message, path: found, pathDocument: .source, hint: error.hint)
    }

    /// `strict` accepts identifiers only under `@id`/`id` and types only under `@type`/`type`; the loose
    /// pass then accepts any member (aliases such as `"issuer": "did:…"` hold identifiers too).
    private static func searchSource(_ value: JSONValue, for hint: DropHint, strict: Bool, at path: JSONPath) -> JSONPath? {
        switch value {
        case .array(let items):
            for (index, item) in items.enumerated() {
                if let found = searchSource(item, for: hint, strict: strict, at: path.appending(index)) { return found }
            }
        case .object(let object):
            for (key, member) in object.members where key != "@context" {
                if matchesSource(key: key, member, hint, strict: strict) {
                    if case .array(let elements) = member, let position = elements.firstIndex(of: .string(hint.value)) {
                        return path.appending(key).appending(position)
                    }
                    return path.appending(key)
                }
                if let found = searchSource(member, for: hint, strict: strict, at: path.appending(key)) { return found }
            }
        default:
            break
        }
        return nil
    }

    /// Whether a source member is where the refused value was written, by role.
    private static func matchesSource(key: String, _ member: JSONValue, _ hint: DropHint, strict: Bool) -> Bool {
        switch hint.role {
        case .predicate:
            return key == hint.value
        case .direction:
            return key == "@direction" && member.stringValue == hint.value
        case .language:
            return key == "@language" && member.stringValue == hint.value
        case .subject, .object, .graph, .type, .datatype:
            if hint.value == NodeMap.nullIdentifier { return false }
            if strict {
                let keys: Set<String> = hint.role == .type || hint.role == .datatype ? ["@type", "type"] : ["@id", "id"]
                guard keys.contains(key) else { return false }
            }
            if member.stringValue == hint.value { return true }
            return member.arrayValue?.contains(.string(hint.value)) == true
        }
    }

    private static func search(_ value: JSONValue, for hint: DropHint, at path: JSONPath) -> JSONPath? {
        switch value {
        case .array(let items):
            for (index, item) in items.enumerated() {
                if let found = search(item, for: hint, at: path.appending(index)) { return found }
            }
            return nil
        case .object(let object):
            if let matched = match(object, hint, path) { return matched }
            for member in object.members {
                if let found = search(member.value, for: hint, at: path.appending(member.key)) { return found }
            }
            return nil
        default:
            return nil
        }
    }

    private static func match(_ object: JSONObject, _ hint: DropHint, _ path: JSONPath) -> JSONPath? {
        let isValue = object["@value"] != nil
        switch hint.role {
        case .graph:
            if object["@graph"] != nil, object["@id"]?.stringValue == hint.value { return path.appending("@id") }
        case .subject, .object:
            if !isValue, let id = object["@id"] {
                if id.stringValue == hint.value || (id.isNull && hint.value == NodeMap.nullIdentifier) { return path.appending("@id") }
            }
        case .predicate:
            if !isValue, object[hint.value] != nil { return path.appending(hint.value) }
            if let reverse = object["@reverse"]?.objectValue, reverse[hint.value] != nil {
                return path.appending("@reverse").appending(hint.value)
            }
        case .type:
            if !isValue, let types = object["@type"] {
                if types.stringValue == hint.value { return path.appending("@type") }
                if let position = types.arrayValue?.firstIndex(of: .string(hint.value)) { return path.appending("@type").appending(position) }
            }
        case .datatype:
            if isValue, object["@type"]?.stringValue == hint.value { return path.appending("@type") }
        case .language:
            if object["@language"]?.stringValue == hint.value { return path.appending("@language") }
        case .direction:
            if object["@direction"]?.stringValue == hint.value { return path.appending("@direction") }
        }
        return nil
    }
}

extension String {
    fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let found = range(of: target) else { return self }
        return replacingCharacters(in: found, with: replacement)
    }
}
