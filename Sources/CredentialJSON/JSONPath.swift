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

    /// Whether a key is written `.key` rather than `["key"]`: letters, digits, `_` and `@`. ASCII keys are judged
    /// byte by byte; `Character`'s Unicode properties (slow enough to show in bulk issuing, which names a path for
    /// every node id it makes) are asked only of keys with other characters.
    static func isPlainKey(_ key: String) -> Bool {
        if key.isEmpty { return false }
        for byte in key.utf8 {
            if byte >= 0x80 { return key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "@" }) }
            let lower = byte | 0x20
            let isLetterOrDigit = (byte >= 0x30 && byte <= 0x39) || (lower >= 0x61 && lower <= 0x7A)
            if !(isLetterOrDigit || byte == 0x5F || byte == 0x40) { return false }
        }
        return true
    }

    public var description: String {
        var bytes: [UInt8] = []
        write(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the UTF-8 bytes of ``description`` to `out`: issuing names every node's id after its path, 32
    /// paths a credential, and building them as `String`s was a tenth of making a credential.
    public func write(to out: inout [UInt8]) {
        out.append(UInt8(ascii: "$"))
        for component in components {
            switch component {
            case .index(let index):
                out.append(UInt8(ascii: "["))
                out.append(contentsOf: String(index).utf8)
                out.append(UInt8(ascii: "]"))
            case .key(let key):
                if Self.isPlainKey(key) {
                    out.append(UInt8(ascii: "."))
                    out.append(contentsOf: key.utf8)
                } else {
                    out.append(UInt8(ascii: "["))
                    JSONWriter.writeString(key, to: &out)
                    out.append(UInt8(ascii: "]"))
                }
            }
        }
    }
}
