/// What a fetch may do: which URLs and addresses, how many bytes, how long, how many redirects.
///
/// The defaults are the production rules: https only, public unicast addresses only, 4 MiB, 10 s, three
/// redirects. Loosen them only in tests (a loopback test server needs ``allowLoopbackAndPrivate`` and
/// ``allowPlainHTTP``).
public struct FetchPolicy: Sendable, Hashable {
    /// The largest body accepted, in bytes. A larger `Content-Length` is refused before the body is read;
    /// a body without one is cut off the moment it passes the cap.
    public var maxBytes: Int
    /// The time for the whole fetch: DNS, connects, TLS, every redirect and the body.
    public var deadline: Duration
    /// How many redirects are followed before ``FetchError/Code/tooManyRedirects``.
    public var maxRedirects: Int
    /// Allow loopback, private (RFC 1918, ULA), link-local and shared (CGNAT) addresses. For tests and
    /// closed deployments only: it turns the fetcher into a way to reach the machine's own network.
    /// Unspecified, multicast, broadcast and reserved addresses stay refused even then.
    public var allowLoopbackAndPrivate: Bool
    /// Allow a plain `http` URL as the *starting* URL. Redirects must always lead to `https`, so an https
    /// fetch can never be downgraded and a redirect can never turn into plain http.
    public var allowPlainHTTP: Bool
    /// The `Accept` header sent with each request.
    public var accept: String

    /// Creates a policy; every parameter defaults to the production rule.
    public init(
        maxBytes: Int = 4 * 1024 * 1024,
        deadline: Duration = .seconds(10),
        maxRedirects: Int = 3,
        allowLoopbackAndPrivate: Bool = false,
        allowPlainHTTP: Bool = false,
        accept: String = "*/*"
    ) {
        self.maxBytes = maxBytes
        self.deadline = deadline
        self.maxRedirects = maxRedirects
        self.allowLoopbackAndPrivate = allowLoopbackAndPrivate
        self.allowPlainHTTP = allowPlainHTTP
        self.accept = accept
    }
}

/// A fetched document: the body, where it finally came from, and what it says it is.
public struct FetchedDocument: Sendable, Hashable {
    /// The body, at most the policy's `maxBytes` long.
    public var bytes: [UInt8]
    /// The URL the body came from, after redirects.
    public var url: String
    /// The response's `Content-Type`, when it sent one.
    public var contentType: String?
    /// The HTTP status (always 2xx).
    public var status: Int

    public init(bytes: [UInt8], url: String, contentType: String?, status: Int) {
        self.bytes = bytes
        self.url = url
        self.contentType = contentType
        self.status = status
    }
}

/// Fetches a document over HTTP(S) under a ``FetchPolicy``.
///
/// Everything in skillcred that leaves the machine goes through this protocol, so the network rules live
/// in one place (``SecureFetcher``) and codecs such as the status list or did:web resolvers only say what
/// they want. Tests substitute their own conformance.
public protocol HTTPFetching: Sendable {
    /// GETs `url` under `policy`, following redirects as the policy allows.
    func fetch(_ url: String, policy: FetchPolicy) async throws(FetchError) -> FetchedDocument

    /// POSTs `body` (with `Content-Type: contentType`) to `url` under `policy` and returns the answer.
    ///
    /// A redirect is never followed (a POST must not be replayed elsewhere): a 3xx is ``FetchError/Code/httpStatus``.
    /// Used for OCSP requests (RFC 6960 Appendix A.1).
    func post(_ url: String, body: [UInt8], contentType: String, policy: FetchPolicy) async throws(FetchError) -> FetchedDocument
}

extension HTTPFetching {
    /// Fetchers that only read documents (a test's folder of files) refuse POST requests.
    public func post(_ url: String, body: [UInt8], contentType: String, policy: FetchPolicy) async throws(FetchError) -> FetchedDocument {
        throw FetchError(.transport, "this fetcher sends no POST requests", url: url)
    }
}
