/// A family of ``LocatedError``s (DID resolution, keys, JAdES inputs, issuing): a caseless type whose only job is
/// to keep each family's codes apart.
public protocol ErrorDomain: Sendable {}

/// The error shape the library's domains share, after swift-certificates' `CertificateError`: a stable code, a
/// message written for people (naming the file, DID, field or line concerned), and where it happened.
///
/// Errors compare by ``code`` only, so messages can improve without breaking callers that match on codes. Each
/// domain declares its codes in an extension of ``Code`` constrained to the domain, and names the error with a
/// type alias (`public typealias KeyError = LocatedError<KeyErrors>`).
public struct LocatedError<Domain: ErrorDomain>: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure; new codes can be added without breaking callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The code's stable name.
        public let name: String
        public var description: String { name }
        /// A code by its name (domains declare theirs as static members).
        public init(name: String) { self.name = name }
    }

    /// The kind of failure.
    public let code: Code
    /// A human-readable explanation, safe to log.
    public let message: String
    /// Where the failure is, when known: a file path, a DID or DID URL, a JSON path, `file.csv:12`.
    public let location: String?

    /// Creates an error.
    public init(_ code: Code, _ message: String, location: String? = nil) {
        self.code = code
        self.message = message
        self.location = location
    }

    public var description: String {
        if let location { return "\(location): \(message)" }
        return message
    }

    public static func == (lhs: LocatedError, rhs: LocatedError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
