/// Why a fetch was refused or failed, with a stable code.
///
/// Errors compare by ``code`` only, so callers and tests can match on the kind of failure while the
/// message carries the detail for people. Messages name URLs, never local paths or credentials.
public struct FetchError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable failure codes.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let name: String
        public var description: String { name }

        /// The URL (or a redirect's target) is not `https`, and plain `http` is not allowed for it.
        public static let notHTTPS = Code(name: "notHTTPS")
        /// The host resolved to an address this policy refuses (loopback, private, link-local, …).
        public static let forbiddenAddress = Code(name: "forbiddenAddress")
        /// The body (announced or received) is larger than the policy's cap.
        public static let tooLarge = Code(name: "tooLarge")
        /// The whole fetch, redirects included, did not finish before the deadline.
        public static let timeout = Code(name: "timeout")
        /// More redirects than the policy allows.
        public static let tooManyRedirects = Code(name: "tooManyRedirects")
        /// The server answered with a status other than 2xx (or a redirect without a usable `Location`).
        public static let httpStatus = Code(name: "httpStatus")
        /// DNS, connection, TLS or protocol failure.
        public static let transport = Code(name: "transport")
        /// The text is not an absolute http(s) URL with a plain host this fetcher can pin.
        public static let invalidURL = Code(name: "invalidURL")
    }

    public let code: Code
    public let message: String
    /// The URL of the hop that failed (after redirects, the redirect target).
    public let url: String
    /// The HTTP status for ``Code/httpStatus``; `nil` otherwise.
    public let status: Int?

    public init(_ code: Code, _ message: String, url: String, status: Int? = nil) {
        self.code = code
        self.message = message
        self.url = url
        self.status = status
    }

    public var description: String { "\(code.name): \(message)" }

    public static func == (lhs: FetchError, rhs: FetchError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
