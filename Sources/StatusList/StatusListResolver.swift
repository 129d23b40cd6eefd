import CredentialJSON
import Foundation
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Where status list credentials come from.
///
/// Verifiers never phone home by default: the local mirror is the default source, and HTTP(S)
/// is a separate source a deployment must switch on.
public protocol StatusListSource: Sendable {
    /// The raw bytes of the status list credential at `url`.
    func fetch(url: String) async throws(StatusListError) -> [UInt8]
}

/// Status list credentials from a directory, laid out as `DIR/<host>/<path>` (with `.json`
/// appended when the path has no extension), which is what `skillcred status publish` writes
/// and what `wget -x` or a CDN sync produces.
public struct LocalStatusListMirror: StatusListSource {
    public let directory: URL
    /// Files larger than this are refused (a status list of 16 KiB compresses to well under 1 KiB).
    public var maximumFileBytes: Int

    public init(directory: URL, maximumFileBytes: Int = 4 * 1024 * 1024) {
        self.directory = directory
        self.maximumFileBytes = maximumFileBytes
    }

    /// The file that holds `url`'s list, or `nil` when `url` is not an http(s) URL with a host.
    public func fileURL(for url: String) -> URL? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              scheme == "https" || scheme == "http", let host = components.host, !host.isEmpty
        else { return nil }
        let segments = components.path.split(separator: "/").map(String.init)
        guard !segments.contains(where: { $0 == ".." || $0 == "." }) else { return nil }
        var file = directory.appendingPathComponent(host.lowercased())
        for s in segments { file.appendPathComponent(s) }
        if file.pathExtension.isEmpty { file.appendPathExtension("json") }
        return file
    }

    public func fetch(url: String) async throws(StatusListError) -> [UInt8] {
        guard let file = fileURL(for: url) else {
            throw StatusListError(.retrieval, "\(url) is not an http(s) URL that a local mirror can hold")
        }
        let attributes = try? FileManager.default.attributesOfItem(atPath: file.path)
        guard let size = attributes?[.size] as? Int else {
            throw StatusListError(.retrieval, "status list \(url) is not in the local mirror (\(file.path))")
        }
        guard size <= maximumFileBytes else {
            throw StatusListError(.retrieval, "status list \(url) is \(size) bytes, more than the limit of \(maximumFileBytes)")
        }
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw StatusListError(.retrieval, "cannot read \(file.path)")
        }
        return Array(data)
    }
}

/// Status list credentials over HTTP(S), with a timeout and a size cap. Only used when enabled.
public struct HTTPStatusListSource: StatusListSource {
    public var timeout: TimeInterval
    public var maximumBytes: Int

    public init(timeout: TimeInterval = 10, maximumBytes: Int = 4 * 1024 * 1024) {
        self.timeout = timeout
        self.maximumBytes = maximumBytes
    }

    public func fetch(url: String) async throws(StatusListError) -> [UInt8] {
        guard let target = URL(string: url), let scheme = target.scheme?.lowercased(), scheme == "https" || scheme == "http" else {
            throw StatusListError(.retrieval, "\(url) is not an http(s) URL")
        }
        var request = URLRequest(url: target, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        // EDC issuers' lists come sealed with JAdES (a JWS JSON document, application/jose+json).
        request.setValue("application/vc+ld+json, application/jose+json, application/ld+json;q=0.9, application/json;q=0.8", forHTTPHeaderField: "Accept")
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw StatusListError(.retrieval, "fetching \(url) failed: \(error.localizedDescription)")
        }
        if let http = response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
            throw StatusListError(.retrieval, "fetching \(url) answered HTTP \(http.statusCode)")
        }
        guard data.count <= maximumBytes else {
            throw StatusListError(.retrieval, "\(url) sent \(data.count) bytes, more than the limit of \(maximumBytes)")
        }
        return Array(data)
    }
}

/// Tries sources in order; the first that has the list wins.
public struct ChainedStatusListSource: StatusListSource {
    public let sources: [any StatusListSource]
    public init(_ sources: [any StatusListSource]) { self.sources = sources }

    public func fetch(url: String) async throws(StatusListError) -> [UInt8] {
        var last = StatusListError(.retrieval, "no status list source is configured for \(url)")
        for source in sources {
            do { return try await source.fetch(url: url) } catch { last = error }
        }
        throw last
    }
}

/// A parsed status list credential kept until its `ttl` or `validUntil`, whichever comes first.
///
/// Caching matters twice: a batch of credentials from one issuer shares a list, and not asking the
/// issuer again keeps what verifiers check private (Bitstring Status List §3.1, §3.2).
public final class StatusListCache: Sendable {
    private struct Entry {
        var credential: JSONValue
        var expires: Date
        var sealedBy: String?
    }

    private let entries = Mutex<[String: Entry]>([:])
    /// How long a list without `ttl` is kept.
    public let defaultTTL: TimeInterval
    /// The most lists kept; the oldest-expiring is dropped first.
    public let capacity: Int

    public init(defaultTTL: TimeInterval = 300, capacity: Int = 1024) {
        self.defaultTTL = defaultTTL
        self.capacity = capacity
    }

    /// The cached credential for `url`, when it is still fresh at `now`.
    public func credential(for url: String, now: Date = Date()) -> JSONValue? {
        cached(for: url, now: now)?.credential
    }

    /// The cached credential for `url` with what vouched for it when it was stored, when it is still fresh at `now`.
    ///
    /// A list sealed with JAdES is bound to the credential being checked only through the sealing organisation,
    /// so a cache hit must be judged again for each credential; `sealedBy` carries what that needs.
    public func cached(for url: String, now: Date = Date()) -> (credential: JSONValue, sealedBy: String?)? {
        entries.withLock { table in
            guard let e = table[url] else { return nil }
            if e.expires <= now {
                table[url] = nil
                return nil
            }
            return (e.credential, e.sealedBy)
        }
    }

    /// Stores a credential that was fetched (and proof-checked) at `now`.
    ///
    /// - Parameter sealedBy: for a list that came inside a seal (JAdES), an opaque description of the seal
    ///   that ``cached(for:now:)`` hands back; `nil` for a list that carries its own proof or none.
    public func store(_ credential: JSONValue, for url: String, now: Date = Date(), sealedBy: String? = nil) {
        var expires = now.addingTimeInterval(defaultTTL)
        if let ttl = credential["credentialSubject"]?.asArray.first?["ttl"]?.numberValue?.doubleValue, ttl >= 0 {
            expires = now.addingTimeInterval(ttl / 1000)
        }
        if let until = credential["validUntil"]?.stringValue, let date = DateTimeStamp.parse(until), date < expires {
            expires = date
        }
        guard expires > now else { return }
        entries.withLock { table in
            if table.count >= capacity, table[url] == nil,
               let oldest = table.min(by: { $0.value.expires < $1.value.expires })?.key {
                table[oldest] = nil
            }
            table[url] = Entry(credential: credential, expires: expires, sealedBy: sealedBy)
        }
    }
}
