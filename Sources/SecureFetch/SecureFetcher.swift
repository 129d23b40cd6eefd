import AsyncHTTPClient
import Executors
import Foundation

/// The fetcher for everything that leaves the machine: AsyncHTTPClient with the rules of a ``FetchPolicy``.
///
/// Per hop (the starting URL and each redirect):
/// 1. The URL must be `https` (`http` only for the starting URL and only with ``FetchPolicy/allowPlainHTTP``;
///    a redirect must always lead to `https`), with a plain DNS name or IP literal as host and no credentials.
/// 2. The host is resolved, and the hop is refused with ``FetchError/Code/forbiddenAddress`` when *any*
///    resolved address is not public unicast (see ``IPAddress/restriction``), before any connection is made.
/// 3. The connection goes to the address that was checked: the hop's `HTTPClient` carries a `dnsOverride`
///    from the host name to that address, so AsyncHTTPClient neither resolves the name again nor can be
///    pointed elsewhere by a DNS answer that changes between check and connect (DNS rebinding). TLS still
///    sends the host name (SNI) and verifies the certificate against it.
/// 4. AsyncHTTPClient's own redirect handling is off; a 3xx is followed here, at most
///    ``FetchPolicy/maxRedirects`` times, each target going through 1–3 again.
/// 5. A `Content-Length` over ``FetchPolicy/maxBytes`` is refused before the body is read; otherwise bytes
///    are counted as they stream in and the request is cancelled the moment the cap is passed, so memory
///    stays near the cap whatever the server sends.
/// 6. One deadline covers everything (DNS, connects, TLS, redirects, body).
///
/// **Clients and threads.** Because the pinned address is part of a client's configuration, each hop uses
/// its own short-lived `HTTPClient` on the process-wide `HTTPClient.defaultEventLoopGroup` (NIO's singleton
/// group: the threads are shared and live for the process, as NIO intends), and shuts it down when the hop
/// ends, which also closes a connection whose body was abandoned. Nothing is left to shut down at exit. The
/// price is no connection reuse between fetches, which the status list and DID caches make rare anyway. The
/// fetch itself (its hops, its deadline, reading the body) runs on two threads of its own (``threads``), so that the
/// deadline measures the server, not a queue of CPU-bound work on Swift's cooperative pool (docs/testing.md).
public struct SecureFetcher: HTTPFetching {
    /// Creates the fetcher. It holds no state; copies are interchangeable.
    public init() {}

    /// Where every fetch runs: little CPU (the bytes come from NIO's event loops), much waiting.
    static let threads = DedicatedThreadsExecutor(threads: 2, name: "skillcred-fetch")

    public func fetch(_ url: String, policy: FetchPolicy) async throws(FetchError) -> FetchedDocument {
        try await run(url, post: nil, policy: policy)
    }

    public func post(_ url: String, body: [UInt8], contentType: String, policy: FetchPolicy) async throws(FetchError) -> FetchedDocument {
        try await run(url, post: PostBody(bytes: body, contentType: contentType), policy: policy)
    }

    /// A POST request's body and its type.
    struct PostBody: Sendable {
        let bytes: [UInt8]
        let contentType: String
    }

    private func run(_ url: String, post: PostBody?, policy: FetchPolicy) async throws(FetchError) -> FetchedDocument {
        let deadline = ContinuousClock.now.advanced(by: policy.deadline)
        do {
            // The fetch and its deadline are child tasks, so both start on the preferred executor.
            return try await withTaskExecutorPreference(Self.threads) {
                try await withThrowingTaskGroup(of: FetchedDocument.self) { group in
                    group.addTask { try await Self.follow(url, post: post, policy: policy, deadline: deadline) }
                    group.addTask {
                        try await Task.sleep(until: deadline, clock: .continuous)
                        throw FetchError(.timeout, "no complete answer within \(policy.deadline)", url: url)
                    }
                    // Whichever finishes first decides; the other is cancelled (a cancelled body stream closes
                    // its connection).
                    defer { group.cancelAll() }
                    guard let first = try await group.next() else { throw CancellationError() }
                    return first
                }
            }
        } catch {
            throw Self.classify(error, url: url, deadline: deadline, policy: policy)
        }
    }

    // MARK: - Hops

    /// One hop's URL, checked and taken apart the way AsyncHTTPClient will take it apart.
    struct Hop {
        let url: String
        /// The host to resolve: a DNS name or an IP literal without brackets.
        let host: String
        /// Every spelling under which AsyncHTTPClient may look the host up in `dnsOverride`.
        let overrideKeys: Set<String>

        init(_ text: String, isRedirect: Bool, policy: FetchPolicy) throws(FetchError) {
            guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
                let parsed = URL(string: text)
            else {
                throw FetchError(.invalidURL, "not an absolute URL", url: text)
            }
            switch scheme {
            case "https": break
            case "http" where policy.allowPlainHTTP && !isRedirect: break
            case "http" where isRedirect:
                throw FetchError(.notHTTPS, "refusing a redirect to plain http", url: text)
            default:
                throw FetchError(.notHTTPS, "refusing to fetch a \(scheme) URL (only https)", url: text)
            }
            guard components.user == nil, components.password == nil else {
                throw FetchError(.invalidURL, "URLs with credentials are not fetched", url: text)
            }
            guard let raw = components.percentEncodedHost, !raw.isEmpty else {
                throw FetchError(.invalidURL, "the URL has no host", url: text)
            }
            // Only plain spellings: a host this fetcher and AsyncHTTPClient might read differently (percent
            // escapes, odd characters) could slip past the address pin, so it is refused outright.
            let host: String
            if raw.hasPrefix("[") {
                guard raw.hasSuffix("]"), let literal = IPAddress(raw), literal.isIPv6 else {
                    throw FetchError(.invalidURL, "the host is not a valid IPv6 literal", url: text)
                }
                host = String(raw.dropFirst().dropLast())
            } else {
                guard raw.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_") }),
                    raw.contains(where: { $0 != "." })
                else {
                    throw FetchError(.invalidURL, "the host is not a plain DNS name or IP address", url: text)
                }
                host = raw
            }
            // AsyncHTTPClient keys `dnsOverride` by Foundation's `URL.host` (brackets trimmed, then re-added for
            // IPv6 literals); it must agree with what was checked, or the pin would silently not apply.
            guard let foundationHost = parsed.host, !foundationHost.isEmpty else {
                throw FetchError(.invalidURL, "the URL has no host", url: text)
            }
            let trimmed =
                foundationHost.hasPrefix("[") && foundationHost.hasSuffix("]")
                ? String(foundationHost.dropFirst().dropLast()) : foundationHost
            guard trimmed.lowercased() == host.lowercased() else {
                throw FetchError(.invalidURL, "the host is ambiguous", url: text)
            }
            self.url = text
            self.host = host
            self.overrideKeys = [host, trimmed, "[\(host)]", "[\(trimmed)]"]
        }
    }

    private enum Outcome {
        case document(FetchedDocument)
        case redirect(location: String, status: Int)
    }

    private static func follow(_ start: String, post: PostBody?, policy: FetchPolicy, deadline: ContinuousClock.Instant) async throws -> FetchedDocument {
        var hop = try Hop(start, isRedirect: false, policy: policy)
        var redirects = 0
        while true {
            let addresses: [IPAddress]
            do {
                addresses = try await HostResolution.addresses(of: hop.host)
            } catch let error as HostResolution.LookupFailed {
                throw FetchError(.transport, error.description, url: hop.url)
            }
            if let refused = addresses.first(where: { !$0.isAllowed(by: policy) }) {
                throw FetchError(
                    .forbiddenAddress,
                    "\(hop.host) resolves to \(refused), \(refused.restriction?.description ?? "a refused address"); not connecting",
                    url: hop.url)
            }
            switch try await exchange(hop, post: post, pinnedTo: addresses[0], policy: policy, deadline: deadline) {
            case .document(let document):
                return document
            case .redirect(_, let status) where post != nil:
                throw FetchError(.httpStatus, "answered a POST with HTTP \(status); redirects are not followed for POST", url: hop.url, status: status)
            case .redirect(let location, let status):
                guard redirects < policy.maxRedirects else {
                    throw FetchError(.tooManyRedirects, "more than \(policy.maxRedirects) redirects", url: hop.url)
                }
                guard let next = URL(string: location, relativeTo: URL(string: hop.url))?.absoluteString else {
                    throw FetchError(.httpStatus, "HTTP \(status) with an unusable Location", url: hop.url, status: status)
                }
                redirects += 1
                hop = try Hop(next, isRedirect: true, policy: policy)
            }
        }
    }

    /// One request on a client pinned to `address`, shut down before returning.
    private static func exchange(
        _ hop: Hop, post: PostBody?, pinnedTo address: IPAddress, policy: FetchPolicy,
        deadline: ContinuousClock.Instant
    ) async throws -> Outcome {
        let remaining = try milliseconds(until: deadline, url: hop.url, policy: policy)
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        configuration.dnsOverride = Dictionary(uniqueKeysWithValues: hop.overrideKeys.map { ($0, address.description) })
        // AsyncHTTPClient retries failed connects until the connect timeout and then reports the last connect
        // error; half the time left keeps "connection refused" from turning into a timeout at the deadline.
        configuration.timeout = .init(connect: .milliseconds(max(remaining / 2, 1)), read: .milliseconds(remaining))
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        let result: Result<Outcome, any Error>
        do {
            result = .success(try await request(hop, post: post, on: client, policy: policy, timeoutMilliseconds: remaining))
        } catch {
            result = .failure(error)
        }
        // Also cancels a request whose body was left unread (a redirect, a refused or cut-off body).
        try? await client.shutdown()
        return try result.get()
    }

    private static func request(
        _ hop: Hop, post: PostBody?, on client: HTTPClient, policy: FetchPolicy,
        timeoutMilliseconds: Int64
    ) async throws -> Outcome {
        var request = HTTPClientRequest(url: hop.url)
        request.headers.add(name: "Accept", value: policy.accept)
        request.headers.add(name: "User-Agent", value: "skillcred")
        if let post {
            request.method = .POST
            request.headers.add(name: "Content-Type", value: post.contentType)
            request.body = .bytes(post.bytes)
        }
        let response = try await client.execute(request, timeout: .milliseconds(timeoutMilliseconds))
        let status = Int(response.status.code)
        if [301, 302, 303, 307, 308].contains(status) {
            guard let location = response.headers.first(name: "Location"), !location.isEmpty else {
                throw FetchError(.httpStatus, "HTTP \(status) without a Location", url: hop.url, status: status)
            }
            return .redirect(location: location, status: status)
        }
        guard (200..<300).contains(status) else {
            throw FetchError(.httpStatus, "answered HTTP \(status)", url: hop.url, status: status)
        }
        let declared = response.headers.first(name: "Content-Length").flatMap { Int($0) }
        if let declared, declared > policy.maxBytes {
            throw FetchError(.tooLarge, "announces \(declared) bytes; the limit is \(policy.maxBytes)", url: hop.url)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(declared ?? 64 * 1024, policy.maxBytes))
        for try await chunk in response.body {
            guard chunk.readableBytes <= policy.maxBytes - bytes.count else {
                throw FetchError(.tooLarge, "sent more than the limit of \(policy.maxBytes) bytes; stopped reading", url: hop.url)
            }
            bytes.append(contentsOf: chunk.readableBytesView)
        }
        // A cancelled stream ends like a finished one: never hand back a cut-off body as the document.
        try Task.checkCancellation()
        if let declared, declared != bytes.count {
            throw FetchError(.transport, "the body ended after \(bytes.count) of \(declared) bytes", url: hop.url)
        }
        return .document(
            FetchedDocument(
                bytes: bytes, url: hop.url, contentType: response.headers.first(name: "Content-Type"), status: status))
    }

    // MARK: - Time and errors

    private static func milliseconds(until deadline: ContinuousClock.Instant, url: String, policy: FetchPolicy) throws(FetchError) -> Int64 {
        let (seconds, attoseconds) = ContinuousClock.now.duration(to: deadline).components
        let ms = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        guard ms > 0 else { throw FetchError(.timeout, "no complete answer within \(policy.deadline)", url: url) }
        return ms
    }

    private static func classify(_ error: any Error, url: String, deadline: ContinuousClock.Instant, policy: FetchPolicy) -> FetchError {
        if let error = error as? FetchError { return error }
        let timeout = FetchError(.timeout, "no complete answer within \(policy.deadline)", url: url)
        if error is CancellationError {
            return ContinuousClock.now >= deadline ? timeout : FetchError(.transport, "the fetch was cancelled", url: url)
        }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .tlsHandshakeTimeout: return timeout
            default: break
            }
        }
        return FetchError(.transport, String(describing: error), url: url)
    }
}
