import Caching
import CredentialJSON
import Foundation
import KeyManagement
import SecureFetch
import StatusList

/// Why an issuer's JWT VC Issuer Metadata gave no key.
public struct IssuerMetadataError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure, which decides the verdict.
    public enum Kind: Sendable, Hashable {
        /// The document could not be obtained (no mirror file, fetching switched off, network failure): the key is
        /// unknown, so the signature is not checked (Partially verified).
        case unavailable
        /// The issuer's origin answered, and what it published does not back this token (another `issuer`, no key
        /// under the `kid`, an off-origin `jwks_uri`, too large, malformed): the signature fails (Failed).
        case refused
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

/// Finds an SD-JWT VC issuer's key in its JWT VC Issuer Metadata (draft-ietf-oauth-sd-jwt-vc, "JWT VC Issuer
/// Metadata"): for `iss` = `https://host[:port]/path`, the document at `https://host[:port]/.well-known/jwt-vc-issuer/path`,
/// whose `issuer` must equal `iss` exactly and which carries the issuer's keys as `jwks` or `jwks_uri`.
///
/// What this proves is what did:web proves: the key is the one the web origin of `iss` serves over TLS. Whether that
/// issuer is *trusted* is the trusted-issuer list's business (the Accreditation check), not this resolver's.
///
/// Two sources, tried in order:
/// - a local folder mirroring the HTTPS documents as the status list mirror does (`DIR/<host>/<path>`, `.json`
///   appended when the last segment has none), so `https://issuer.example/tenants/7` is read from
///   `DIR/issuer.example/.well-known/jwt-vc-issuer/tenants/7.json` and a `jwks_uri` of
///   `https://issuer.example/jwks.json` from `DIR/issuer.example/jwks.json`;
/// - HTTPS through a ``SecureFetch/HTTPFetching`` fetcher, only when one is given (the deployment's network opt-in):
///   the fetcher's rules (public addresses only, pinned DNS, byte cap, deadline) and no redirects at all, so the
///   documents come from the issuer's origin and nowhere else.
///
/// A `jwks_uri` must be on the same origin as `iss` (scheme, host and port): the draft allows any https URL, but a key
/// served by another origin is not bound to the issuer's origin by that origin's TLS, and following it would let a
/// token's issuer send the verifier to any host. Fetched key sets are cached for ``timeToLive`` seconds, and a failed
/// fetch for a minute (or ``timeToLive`` when shorter).
public struct JWTIssuerMetadataResolver: Sendable {
    /// The local folder of mirrored documents, or `nil`.
    public let directory: URL?
    /// The HTTPS transport, or `nil` when fetching is not enabled.
    public let fetcher: (any HTTPFetching)?
    /// The rules for each fetch (``defaultPolicy`` unless a test or closed deployment loosens them). Its
    /// ``SecureFetch/FetchPolicy/allowPlainHTTP`` also admits an `http` issuer, which only a loopback test needs.
    public let policy: FetchPolicy
    /// How long fetched keys are reused, in seconds.
    public let timeToLive: TimeInterval
    private let cache: BoundedCache<String, [JSONObject]>
    private let failures: BoundedCache<String, IssuerMetadataError>

    /// The fetch rules for metadata and key sets: production rules, 256 KiB (a key set of a few dozen RSA keys is
    /// under 32 KiB), 10 s, no redirects, JSON.
    public static let defaultPolicy = FetchPolicy(
        maxBytes: 256 * 1024, deadline: .seconds(10), maxRedirects: 0,
        accept: "application/json, application/jwk-set+json;q=0.9")

    /// Creates a resolver; without a `directory` and a `fetcher` it finds nothing, and says why.
    public init(
        directory: URL? = nil, fetcher: (any HTTPFetching)? = nil, policy: FetchPolicy = JWTIssuerMetadataResolver.defaultPolicy,
        timeToLive: TimeInterval = 300, maxEntries: Int = 256
    ) {
        self.directory = directory
        self.fetcher = fetcher
        var policy = policy
        // Redirects could lead the fetch off the issuer's origin; the well-known document has one address.
        policy.maxRedirects = 0
        self.policy = policy
        self.timeToLive = timeToLive
        self.cache = BoundedCache(capacity: maxEntries)
        self.failures = BoundedCache(capacity: maxEntries)
    }

    /// The metadata URL for `iss`: `/.well-known/jwt-vc-issuer` inserted between the origin and the path (a
    /// trailing `/` of the path dropped). Only an `https` issuer without query, fragment or user information has one.
    public func metadataURL(for issuer: String) throws(IssuerMetadataError) -> String {
        guard let components = URLComponents(string: issuer), let scheme = components.scheme?.lowercased(),
            scheme == "https" || (scheme == "http" && policy.allowPlainHTTP)
        else {
            throw IssuerMetadataError(
                .unavailable, "the issuer \(issuer) is not an https URL, so it has no JWT VC Issuer Metadata (only TLS binds a key to a web origin)")
        }
        guard components.percentEncodedHost?.isEmpty == false, components.query == nil, components.fragment == nil, components.user == nil,
            components.password == nil
        else {
            throw IssuerMetadataError(.unavailable, "the issuer \(issuer) is not a plain https URL (host and path only), so it has no JWT VC Issuer Metadata")
        }
        var path = components.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        return Self.origin(components) + "/.well-known/jwt-vc-issuer" + path
    }

    /// The issuer's public keys (JWKs), from the mirror or, when enabled, fetched; `issuer` checked against `iss`.
    public func keys(for issuer: String) async throws(IssuerMetadataError) -> (keys: [JSONObject], source: String) {
        let url = try metadataURL(for: issuer)
        // Keyed by the issuer, not the URL: `…/x` and `…/x/` share a URL, and each must pass the issuer comparison.
        if let hit = cache.value(for: issuer) { return (hit, url + " (cached)") }
        // A failed fetch is remembered for a minute, so a batch of tokens from an unreachable issuer waits once.
        if let failure = failures.value(for: issuer) { throw failure }
        do {
            let keys = try await fetchKeys(issuer, url)
            if fetcher != nil { cache.store(keys, for: issuer, expires: Date().addingTimeInterval(timeToLive)) }
            return (keys, url)
        } catch {
            if fetcher != nil { failures.store(error, for: issuer, expires: Date().addingTimeInterval(min(60, timeToLive))) }
            throw error
        }
    }

    private func fetchKeys(_ issuer: String, _ url: String) async throws(IssuerMetadataError) -> [JSONObject] {
        let metadata = try await document(url, what: "JWT VC Issuer Metadata")
        guard let stated = metadata["issuer"]?.stringValue else {
            throw IssuerMetadataError(.refused, "the JWT VC Issuer Metadata at \(url) has no issuer string")
        }
        guard stated == issuer else {
            // Exact comparison (no normalisation): the draft requires the identical string.
            throw IssuerMetadataError(.refused, "the JWT VC Issuer Metadata at \(url) is for the issuer \(stated), not \(issuer)")
        }
        let jwkSet: JSONValue
        switch (metadata["jwks"], metadata["jwks_uri"]) {
        case (let inline?, nil):
            jwkSet = inline
        case (nil, let reference?):
            guard let uri = reference.stringValue else {
                throw IssuerMetadataError(.refused, "the JWT VC Issuer Metadata at \(url) has a jwks_uri that is not a string")
            }
            guard let target = URLComponents(string: uri), let source = URLComponents(string: url),
                target.scheme != nil, target.percentEncodedHost?.isEmpty == false, target.user == nil, target.password == nil,
                Self.origin(target) == Self.origin(source)
            else {
                throw IssuerMetadataError(
                    .refused,
                    "the jwks_uri \(uri) is not on the issuer's origin \(URLComponents(string: url).map(Self.origin) ?? "?"); keys served by another origin are not bound to this issuer"
                )
            }
            jwkSet = try await document(uri, what: "JWK set")
        case (nil, nil):
            throw IssuerMetadataError(.refused, "the JWT VC Issuer Metadata at \(url) has neither jwks nor jwks_uri")
        case (_?, _?):
            throw IssuerMetadataError(.refused, "the JWT VC Issuer Metadata at \(url) has both jwks and jwks_uri, which the draft forbids")
        }
        guard let entries = jwkSet["keys"]?.arrayValue else {
            throw IssuerMetadataError(.refused, "the issuer's JWK set (\(url)) has no keys array")
        }
        let keys = entries.compactMap(\.objectValue)
        guard keys.count == entries.count, !keys.isEmpty, keys.count <= 100 else {
            throw IssuerMetadataError(.refused, "the issuer's JWK set (\(url)) must hold 1–100 JWK objects")
        }
        return keys
    }

    /// The key for a JWS: the JWK whose `kid` is the header's, or the only key when the header names none. A key
    /// marked for another use (`use` other than `sig`) or another algorithm (`alg`) is not used.
    public static func select(_ keys: [JSONObject], kid: String?, alg: String?) throws(IssuerMetadataError) -> (PublicKey, kid: String?) {
        let candidates = kid.map { k in keys.filter { $0["kid"]?.stringValue == k } } ?? keys
        guard candidates.count == 1, let jwk = candidates.first else {
            if let kid {
                throw IssuerMetadataError(
                    .refused,
                    candidates.isEmpty
                        ? "the issuer's metadata publishes no key with kid \(kid)" : "the issuer's metadata publishes \(candidates.count) keys with kid \(kid)")
            }
            throw IssuerMetadataError(.refused, "the token names no kid and the issuer's metadata publishes \(keys.count) keys, so none can be chosen")
        }
        if let use = jwk["use"]?.stringValue, use != "sig" {
            throw IssuerMetadataError(.refused, "the issuer's key \(kid ?? "(only key)") is published for use \(use), not signing")
        }
        if let keyAlg = jwk["alg"]?.stringValue, keyAlg != alg {
            throw IssuerMetadataError(.refused, "the issuer's key \(kid ?? "(only key)") is published for \(keyAlg), not \(alg ?? "(none)")")
        }
        do { return (try PublicKey(jwk: jwk), jwk["kid"]?.stringValue) } catch {
            throw IssuerMetadataError(.refused, "the issuer's key \(kid ?? "(only key)") is not a usable public JWK: \(error.message)")
        }
    }

    /// One JSON object from the mirror, else (when enabled) from the issuer's origin.
    private func document(_ url: String, what: String) async throws(IssuerMetadataError) -> JSONValue {
        var bytes: [UInt8]?
        var missing = "no --issuer-metadata-dir holds it"
        if let directory {
            let mirror = LocalStatusListMirror(directory: directory, maximumFileBytes: policy.maxBytes)
            do { bytes = try await mirror.fetch(url: url) } catch {
                // A file that is there but cannot be used (too large, leads outside the folder) is the issuer's
                // published answer as far as this verifier knows: refused, not looked for elsewhere.
                if let file = mirror.fileURL(for: url), FileManager.default.fileExists(atPath: file.path) {
                    throw IssuerMetadataError(.refused, "the mirrored \(what) for \(url) cannot be used (limit \(policy.maxBytes) bytes): \(error.message)")
                }
                missing = error.message
            }
        }
        if bytes == nil {
            guard let fetcher else {
                throw IssuerMetadataError(.unavailable, "the \(what) \(url) is not available: \(missing), and fetching is not enabled (--allow-http-status)")
            }
            do { bytes = try await fetcher.fetch(url, policy: policy).bytes } catch {
                switch error.code {
                case .tooLarge: throw IssuerMetadataError(.refused, "the \(what) \(url) is larger than \(policy.maxBytes) bytes")
                case .tooManyRedirects: throw IssuerMetadataError(.refused, "the \(what) \(url) redirects elsewhere; it must be served at its own address")
                default: throw IssuerMetadataError(.unavailable, "fetching the \(what) \(url) failed [\(error.code)]: \(error.message)")
                }
            }
        }
        let value: JSONValue
        do { value = try JSONParser.parse(bytes ?? []) } catch {
            throw IssuerMetadataError(.refused, "the \(what) \(url) is not JSON: \(error.message)")
        }
        guard value.isObject else { throw IssuerMetadataError(.refused, "the \(what) \(url) is not a JSON object") }
        return value
    }

    /// `scheme://host[:port]`, lower-cased, the default port dropped.
    static func origin(_ components: URLComponents) -> String {
        let scheme = components.scheme?.lowercased() ?? ""
        let host = components.percentEncodedHost?.lowercased() ?? ""
        let port = components.port.flatMap { (scheme == "https" && $0 == 443) || (scheme == "http" && $0 == 80) ? nil : $0 }
        return scheme + "://" + host + (port.map { ":\($0)" } ?? "")
    }
}
