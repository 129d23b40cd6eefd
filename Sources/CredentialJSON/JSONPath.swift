/// A location inside a JSON document, written like `$.credentialSubject.achievement[0].name`.
///
/// Errors carry one so that a person can find the offending member in their file.
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    /// One step into an object or an array.
    public enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    public private(set) var components: [Component]

    /// The document's root, `$`.
    public static let root = JSONPath(components: [])

    public init(components: [Component]) { self.components = components }

    /// This path extended by a member name.
    public func appending(_ key: String) -> JSONPath {
        var path = self
        path.components.append(.key(key))
        return path
    }

    /// This path extended by an array index.
    public func appending(_ index: Int) -> JSONPath {
        var path = self
        path.components.append(.index(index))
        return path
    }

    public var description: String {
        var text = "$"
        for component in components {
            switch component {
            case .index(let i): text += "[\(i)]"
            case .key(let k):
                if !k.isEmpty, k.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "@" }) {
                    text += "." + k
                } else {
                    var quoted = ""
                    JSONWriter.writeString(k, to: &quoted)
                    text += "[" + quoted + "]"
                }
            }
        }
        return text
    }
}
