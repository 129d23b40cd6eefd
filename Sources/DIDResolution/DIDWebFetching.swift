import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Fetches a did:web document over HTTPS. A protocol so tests (and deployments with their own
/// HTTP stack) can substitute the transport; the default is ``URLSessionDIDWebFetcher``.
public protocol DIDWebFetcher: Sendable {
    /// The body of a successful (200) GET of `url`, at most `maxBytes` long, within `timeout` seconds.
    func fetch(_ url: URL, maxBytes: Int, timeout: Double) throws(DIDError) -> [UInt8]
}

/// HTTPS GET with Foundation's `URLSession`: no cookies or cache (ephemeral session), only
/// `https` URLs and redirects, the body capped at `maxBytes` while it streams in, and an
/// overall deadline of `timeout` seconds.
public struct URLSessionDIDWebFetcher: DIDWebFetcher {
    /// Creates the fetcher.
    public init() {}

    public func fetch(_ url: URL, maxBytes: Int, timeout: Double) throws(DIDError) -> [UInt8] {
        guard url.scheme == "https" else {
            throw DIDError(.networkNotEnabled, "refusing to fetch a non-https URL", location: url.absoluteString)
        }
        let state = FetchState(maxBytes: maxBytes)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        let session = URLSession(configuration: configuration, delegate: state, delegateQueue: nil)
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.setValue("application/did+json, application/json;q=0.9", forHTTPHeaderField: "Accept")
        let task = session.dataTask(with: request)
        task.resume()
        let finished = state.done.wait(timeout: .now() + timeout + 1) == .success
        if !finished { task.cancel() }
        session.invalidateAndCancel()
        guard finished else {
            throw DIDError(.notFound, "no response within \(timeout) s", location: url.absoluteString)
        }
        return try state.result(for: url)
    }
}

/// Collects one response; touched from URLSession's delegate queue and read after `done`.
private final class FetchState: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    let maxBytes: Int
    let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var body: [UInt8] = []
    private var status: Int?
    private var failure: DIDError?

    init(maxBytes: Int) { self.maxBytes = maxBytes }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        let code = (response as? HTTPURLResponse)?.statusCode ?? 0
        lock.withLock { status = code }
        if response.expectedContentLength > Int64(maxBytes) {
            lock.withLock { failure = DIDError(.documentTooLarge, "the server announces \(response.expectedContentLength) bytes; the limit is \(maxBytes)") }
            completionHandler(.cancel)
            return
        }
        completionHandler(code == 200 ? .allow : .cancel)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let tooLarge: Bool = lock.withLock {
            body.append(contentsOf: data)
            if body.count > maxBytes {
                failure = DIDError(.documentTooLarge, "the document is larger than \(maxBytes) bytes")
                return true
            }
            return false
        }
        if tooLarge { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        // A redirect to plain http would let a network attacker substitute the document.
        if request.url?.scheme == "https" {
            completionHandler(request)
        } else {
            lock.withLock { failure = DIDError(.networkNotEnabled, "refusing a redirect to a non-https URL") }
            completionHandler(nil)
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        if let error {
            lock.withLock {
                if failure == nil { failure = DIDError(.notFound, "request failed: \(error.localizedDescription)") }
            }
        }
        done.signal()
    }

    func result(for url: URL) throws(DIDError) -> [UInt8] {
        let (body, status, failure) = lock.withLock { (self.body, self.status, self.failure) }
        if let failure { throw DIDError(failure.code, failure.message, location: url.absoluteString) }
        guard status == 200 else {
            throw DIDError(.notFound, "HTTP status \(status.map(String.init) ?? "none") (expected 200)", location: url.absoluteString)
        }
        return body
    }
}

/// A small time-bounded cache of DID documents fetched over the network.
///
/// Shared between resolver copies (it is a class); safe to use from several threads.
public final class DIDDocumentCache: @unchecked Sendable {
    /// How long an entry stays valid, in seconds.
    public let timeToLive: Double
    /// The most entries kept; the oldest is dropped beyond this.
    public let maxEntries: Int
    private let lock = NSLock()
    private var entries: [String: (document: DIDDocument, expires: Date)] = [:]
    private var order: [String] = []

    /// Creates an empty cache (default: 5 minutes, 256 entries).
    public init(timeToLive: Double = 300, maxEntries: Int = 256) {
        self.timeToLive = timeToLive
        self.maxEntries = maxEntries
    }

    /// The cached document for a DID, if still fresh.
    public func document(for did: String, now: Date = Date()) -> DIDDocument? {
        lock.withLock {
            guard let entry = entries[did] else { return nil }
            if entry.expires <= now {
                entries[did] = nil
                order.removeAll { $0 == did }
                return nil
            }
            return entry.document
        }
    }

    /// Stores a document.
    public func store(_ document: DIDDocument, for did: String, now: Date = Date()) {
        lock.withLock {
            if entries[did] == nil { order.append(did) }
            entries[did] = (document, now.addingTimeInterval(timeToLive))
            while order.count > maxEntries {
                entries[order.removeFirst()] = nil
            }
        }
    }

    /// The number of entries (fresh or not yet evicted).
    public var count: Int { lock.withLock { entries.count } }
}
