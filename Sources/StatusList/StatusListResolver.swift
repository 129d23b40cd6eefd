import Caching
import CredentialJSON
import Foundation
import SecureFetch

/// Where status list credentials come from.
///
/// Verifiers never phone home by default: the local mirror is the default source, and HTTP(S)
/// is a separate source a deployment must switch on.
public protocol StatusListSource: Sendable {
    /// The raw bytes of the status list credential at `url`.
    func fetch(url: String) async throws(StatusListError) -> [UInt8]

    /// The lists at `urls` read together, each answer the document ``fetch(url:)`` would give, for a source where
    /// one read of several lists costs about what one list does (a database: a credential's revocation and
    /// suspension entries name two lists), or that has its lists as JSON already. `nil`, the default, leaves every
    /// list to ``fetch(url:)``, one at a time and only when it is needed; so does a URL the answer leaves out.
    func fetchTogether(urls: [String]) async -> [String: Result<FetchedStatusList, StatusListError>]?
}

extension StatusListSource {
    public func fetchTogether(urls: [String]) async -> [String: Result<FetchedStatusList, StatusListError>]? { nil }
}

/// A status list document as a source hands it over.
public enum FetchedStatusList: Sendable {
    /// The document's bytes, as a file or the network gives them.
    case bytes([UInt8])
    /// The document as JSON, from a source that builds its lists in process (the service's registry): what its
    /// bytes would parse to, without writing them out to be parsed again for every verification. Only a document
    /// that is JSON as published: a list published as a JWT is `bytes` (a JSON string here is read as its text).
    case json(JSONValue)
}

/// Status list credentials from a directory, laid out as `DIR/<host>/<path>` (with `.json`
/// appended when the path has no extension), which is what `skillcred status publish` writes
/// and what `wget -x` or a CDN sync produces.
///
/// The URL comes from the credential being verified, so it is hostile input: a host or path that
/// could name anything outside `DIR` (`..`, `.`, encoded dots or slashes, backslashes, NUL) is refused,
/// the built path is checked to stay inside `DIR` after symlinks are resolved, and errors name the URL,
/// never the absolute path on this machine.
public struct LocalStatusListMirror: StatusListSource {
    public let directory: URL
    /// Files larger than this are refused (a status list of 16 KiB compresses to well under 1 KiB).
    public var maximumFileBytes: Int

    public init(directory: URL, maximumFileBytes: Int = 4 * 1024 * 1024) {
        self.directory = directory
        self.maximumFileBytes = maximumFileBytes
    }

    /// The path of `url`'s file relative to the mirror directory (`issuer.example/status/3.json`), or `nil`
    /// when `url` is not an http(s) URL whose host and path map safely onto a file inside the directory.
    public static func relativePath(for url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "https" || scheme == "http", let rawHost = components.percentEncodedHost
        else { return nil }
        // The host becomes a directory name: only the characters of DNS names and IP literals, and never a
        // name made of dots alone. Percent escapes are refused rather than decoded (`%2e%2e` is `..`).
        let host = rawHost.lowercased()
        guard !host.isEmpty, host.contains(where: { $0 != "." }),
            host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-_[]:".contains($0)) })
        else { return nil }
        var segments: [String] = []
        for raw in components.percentEncodedPath.split(separator: "/") {
            // Decode each segment on its own, so an encoded slash stays inside the segment and is caught here.
            guard !raw.contains("\\"), let segment = String(raw).removingPercentEncoding,
                segment != ".", segment != "..", !segment.isEmpty,
                !segment.contains("/"), !segment.contains("\\"), !segment.contains("\0")
            else { return nil }
            segments.append(segment)
        }
        guard let last = segments.last else { return nil }  // a bare host names a directory, not a list
        var path = ([host] + segments).joined(separator: "/")
        if (last as NSString).pathExtension.isEmpty { path += ".json" }
        return path
    }

    /// The file that holds `url`'s list, or `nil` when `url` cannot name a file inside the directory
    /// (see ``relativePath(for:)``).
    public func fileURL(for url: String) -> URL? {
        guard let relative = Self.relativePath(for: url) else { return nil }
        var file = directory
        for part in relative.split(separator: "/") { file.appendPathComponent(String(part)) }
        // Belt and braces: the lexical path must still be inside the directory.
        guard Self.isInside(file.standardizedFileURL.path, directory.standardizedFileURL.path) else { return nil }
        return file
    }

    public func fetch(url: String) async throws(StatusListError) -> [UInt8] {
        guard let relative = Self.relativePath(for: url), let file = fileURL(for: url) else {
            throw StatusListError(
                .retrieval,
                "\(url) cannot name a file in a local mirror (only http(s) URLs whose host and path have no "
                    + "dot-only, encoded-slash, backslash or NUL parts)")
        }
        let missing = StatusListError(.retrieval, "the mirror has no file for \(url) (expected \(relative) in the mirror directory)")
        // Symlinks inside the mirror may not lead out of it.
        let root = directory.standardizedFileURL.resolvingSymlinksInPath().path
        let resolved = file.standardizedFileURL.resolvingSymlinksInPath().path
        guard Self.isInside(resolved, root) else {
            throw StatusListError(.retrieval, "the mirror's file for \(url) leads outside the mirror directory")
        }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: resolved) else { throw missing }
        // A directory, FIFO or device is not a published list (and a FIFO would block the read forever).
        guard (attributes[.type] as? FileAttributeType) == .typeRegular else { throw missing }
        if let size = (attributes[.size] as? NSNumber)?.intValue, size > maximumFileBytes {
            throw StatusListError(.retrieval, "status list \(url) is \(size) bytes, more than the limit of \(maximumFileBytes)")
        }
        // Read at most one byte past the cap, so a file that grew since the size check is still bounded.
        guard let handle = FileHandle(forReadingAtPath: resolved) else {
            throw StatusListError(.retrieval, "the mirror's file for \(url) cannot be read")
        }
        defer { try? handle.close() }
        let data: Data
        do { data = try handle.read(upToCount: maximumFileBytes + 1) ?? Data() } catch {
            throw StatusListError(.retrieval, "the mirror's file for \(url) cannot be read")
        }
        guard data.count <= maximumFileBytes else {
            throw StatusListError(.retrieval, "status list \(url) is more than the limit of \(maximumFileBytes) bytes")
        }
        return Array(data)
    }

    private static func isInside(_ path: String, _ root: String) -> Bool {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return path.hasPrefix(prefix) && path.count > prefix.count
    }
}

/// Status list credentials over HTTPS through a ``SecureFetch/HTTPFetching`` fetcher. Only used when enabled.
///
/// The network rules (https only, public addresses only, redirects re-checked, the byte cap and the
/// deadline) belong to the fetcher and its ``SecureFetch/FetchPolicy``; this type only says what it accepts.
public struct HTTPStatusListSource: StatusListSource {
    /// The transport (``SecureFetch/SecureFetcher`` unless a test or deployment injects its own).
    public let fetcher: any HTTPFetching
    /// The rules for each fetch.
    public var policy: FetchPolicy

    /// The fetch policy for status lists: production rules, 4 MiB, 10 s, and the media types issuers use
    /// (EDC issuers' lists come sealed with JAdES, a JWS JSON document, `application/jose+json`).
    public static let defaultPolicy = FetchPolicy(
        maxBytes: 4 * 1024 * 1024,
        deadline: .seconds(10),
        accept: "application/vc+ld+json, application/statuslist+jwt, application/jose+json, application/ld+json;q=0.9, application/json;q=0.8")

    /// Creates the source with an injected fetcher and policy.
    public init(fetcher: any HTTPFetching = SecureFetcher(), policy: FetchPolicy = HTTPStatusListSource.defaultPolicy) {
        self.fetcher = fetcher
        self.policy = policy
    }

    /// Creates the source with the default policy but another deadline (seconds) and byte cap.
    public init(timeout: TimeInterval, maximumBytes: Int = 4 * 1024 * 1024, fetcher: any HTTPFetching = SecureFetcher()) {
        var policy = Self.defaultPolicy
        policy.deadline = .milliseconds(Int64((timeout * 1000).rounded()))
        policy.maxBytes = maximumBytes
        self.init(fetcher: fetcher, policy: policy)
    }

    /// The deadline for one fetch, in seconds.
    public var timeout: TimeInterval {
        get {
            let (seconds, attoseconds) = policy.deadline.components
            return Double(seconds) + Double(attoseconds) / 1e18
        }
        set { policy.deadline = .milliseconds(Int64((newValue * 1000).rounded())) }
    }

    /// The largest list accepted, in bytes.
    public var maximumBytes: Int {
        get { policy.maxBytes }
        set { policy.maxBytes = newValue }
    }

    public func fetch(url: String) async throws(StatusListError) -> [UInt8] {
        do {
            return try await fetcher.fetch(url, policy: policy).bytes
        } catch {
            let detail = error.url == url ? error.message : "\(error.message) (at \(error.url))"
            throw StatusListError(.retrieval, "fetching \(url) failed [\(error.code)]: \(detail)")
        }
    }
}

/// Tries sources in order; the first that has the list wins.
///
/// It reads lists one at a time (no ``StatusListSource/fetchTogether(urls:)``): one source's failure for a URL must
/// not keep the next source from being asked.
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
        var sealedBy: String?
    }

    private let entries: BoundedCache<String, Entry>
    /// How long a list without `ttl` is kept.
    public let defaultTTL: TimeInterval
    /// The most lists kept; expired ones are dropped first, then the oldest stored.
    public var capacity: Int { entries.capacity }

    public init(defaultTTL: TimeInterval = 300, capacity: Int = 1024) {
        self.defaultTTL = defaultTTL
        self.entries = BoundedCache(capacity: capacity)
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
        entries.value(for: url, now: now).map { ($0.credential, $0.sealedBy) }
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
        if let until = credential["validUntil"]?.stringValue, let date = XSDDateTime.parse(until, syntax: .dateTime), date < expires {
            expires = date
        }
        guard expires > now else { return }
        entries.store(Entry(credential: credential, sealedBy: sealedBy), for: url, expires: expires, now: now)
    }
}
