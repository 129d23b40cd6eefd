import Caching
import Foundation
import SecureFetch

/// Fetches a did:web document over HTTPS. A protocol so tests (and deployments with their own
/// HTTP stack) can substitute the transport; the default is ``URLSessionDIDWebFetcher``.
public protocol DIDWebFetcher: Sendable {
    /// The body of a successful (200) GET of `url`, at most `maxBytes` long, within `timeout` seconds.
    func fetch(_ url: URL, maxBytes: Int, timeout: Double) async throws(DIDError) -> [UInt8]
}

/// The default did:web transport: a ``SecureFetch/HTTPFetching`` fetcher (``SecureFetch/SecureFetcher``
/// unless injected) under a ``SecureFetch/FetchPolicy``.
///
/// The name is kept for its callers; it no longer uses `URLSession`. The network rules live in the
/// fetcher: https only, public addresses only (a did:web host that resolves to loopback, a private network
/// or a cloud metadata address is refused before connecting), redirects only to https and re-checked, the
/// body capped at `maxBytes` while it streams in, and one deadline of `timeout` seconds for all of it.
public struct URLSessionDIDWebFetcher: DIDWebFetcher {
    /// The transport.
    public let fetcher: any HTTPFetching
    /// The rules for each fetch; ``fetch(_:maxBytes:timeout:)`` replaces its byte cap and deadline with
    /// the resolver's.
    public let policy: FetchPolicy

    /// The policy for DID documents: production rules and the DID media types.
    public static let defaultPolicy = FetchPolicy(accept: "application/did+json, application/json;q=0.9")

    /// Creates the fetcher.
    public init(fetcher: any HTTPFetching = SecureFetcher(), policy: FetchPolicy = URLSessionDIDWebFetcher.defaultPolicy) {
        self.fetcher = fetcher
        self.policy = policy
    }

    public func fetch(_ url: URL, maxBytes: Int, timeout: Double) async throws(DIDError) -> [UInt8] {
        var policy = self.policy
        policy.maxBytes = maxBytes
        policy.deadline = .milliseconds(Int64((max(timeout, 0) * 1000).rounded()))
        let document: FetchedDocument
        do {
            document = try await fetcher.fetch(url.absoluteString, policy: policy)
        } catch {
            let code: DIDError.Code
            switch error.code {
            case .notHTTPS, .forbiddenAddress, .invalidURL: code = .networkNotEnabled
            case .tooLarge: code = .documentTooLarge
            default: code = .notFound
            }
            let detail = error.url == url.absoluteString ? error.message : "\(error.message) (at \(error.url))"
            throw DIDError(code, "[\(error.code)] \(detail)", location: url.absoluteString)
        }
        guard document.status == 200 else {
            throw DIDError(.notFound, "HTTP status \(document.status) (expected 200)", location: url.absoluteString)
        }
        return document.bytes
    }
}

/// DID documents fetched over the network, each kept for ``timeToLive`` seconds, at most ``maxEntries`` of them
/// (a ``BoundedCache``). Shared between resolver copies (it is a class); safe to use from several threads.
public final class DIDDocumentCache: Sendable {
    /// How long an entry stays valid, in seconds.
    public let timeToLive: Double
    private let entries: BoundedCache<String, DIDDocument>

    /// The most entries kept.
    public var maxEntries: Int { entries.capacity }

    /// Creates an empty cache (default: 5 minutes, 256 entries).
    public init(timeToLive: Double = 300, maxEntries: Int = 256) {
        self.timeToLive = timeToLive
        self.entries = BoundedCache(capacity: maxEntries)
    }

    /// The cached document for a DID, if still fresh.
    public func document(for did: String, now: Date = Date()) -> DIDDocument? {
        entries.value(for: did, now: now)
    }

    /// Stores a document.
    public func store(_ document: DIDDocument, for did: String, now: Date = Date()) {
        entries.store(document, for: did, expires: now.addingTimeInterval(timeToLive), now: now)
    }

    /// The number of entries (fresh or not yet evicted).
    public var count: Int { entries.count }
}
