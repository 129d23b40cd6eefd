import CredentialJSON
import Foundation
import KeyManagement
import Multiformats

/// Turns a DID into its DID document.
///
/// Resolvers never touch the network unless a resolver is explicitly configured to (see ``DIDWebResolver``);
/// resolution is async because that one may wait for a fetch, which must not hold a thread while it waits.
public protocol DIDResolver: Sendable {
    /// Resolves a DID (without fragment) to its document, whose `id` equals `did`.
    func resolve(_ did: String) async throws(DIDError) -> DIDDocument
}

/// The DID method name of `did:METHOD:…`, or an error when the text is not a DID.
func didMethod(_ did: String) throws(DIDError) -> (method: String, specificID: Substring) {
    let parts = did.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0] == "did", !parts[1].isEmpty, !parts[2].isEmpty,
        parts[1].allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber) })
    else {
        throw DIDError(.invalidDID, "not a DID (expected did:METHOD:IDENTIFIER)", location: did)
    }
    if did.contains("#") || did.contains("?") || did.contains("/") {
        throw DIDError(.invalidDID, "a DID to resolve must not contain a path, query or fragment", location: did)
    }
    return (String(parts[1]), parts[2])
}

// MARK: - did:key

/// did:key for Ed25519, P-256 and P-384 Multikeys (did:key v0.7 with Multikey verification methods).
///
/// The document lists one `Multikey` method `did:key:z…#z…` under `authentication`,
/// `assertionMethod`, `capabilityInvocation` and `capabilityDelegation`. No `keyAgreement`
/// X25519 key is derived for Ed25519 (that optional derivation is for encryption, which
/// skillcred does not do).
public struct DIDKeyResolver: DIDResolver {
    /// Creates the resolver.
    public init() {}

    public func resolve(_ did: String) async throws(DIDError) -> DIDDocument {
        let (method, specific) = try didMethod(did)
        guard method == "key" else {
            throw DIDError(.methodNotSupported, "DIDKeyResolver resolves only did:key", location: did)
        }
        let key: PublicKey
        do { key = try PublicKey(multibase: String(specific)) } catch {
            throw DIDError(.invalidDID, "did:key identifier is not a supported Multikey: \(error.message)", location: did)
        }
        return try Self.document(for: key)
    }

    /// The did:key document for a key; RSA keys are refused (no Multikey form).
    public static func document(for key: PublicKey) throws(DIDError) -> DIDDocument {
        let multibase: String
        do { multibase = try key.publicKeyMultibase() } catch {
            throw DIDError(.invalidKey, error.message)
        }
        let did = "did:key:" + multibase
        let vm = did + "#" + multibase
        let json: JSONObject = [
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": .string(did),
            "verificationMethod": [
                ["id": .string(vm), "type": "Multikey", "controller": .string(did), "publicKeyMultibase": .string(multibase)]
            ],
            "authentication": [.string(vm)],
            "assertionMethod": [.string(vm)],
            "capabilityDelegation": [.string(vm)],
            "capabilityInvocation": [.string(vm)],
        ]
        return try DIDDocument(json: json)
    }
}

// MARK: - did:jwk

/// did:jwk: the identifier is the base64url (unpadded) UTF-8 JSON of a public JWK.
///
/// The document has one `JsonWebKey` method `did:jwk:…#0`. It is listed under every signing
/// relationship, or only under `keyAgreement` when the JWK says `"use": "enc"` (did:jwk §2.2).
public struct DIDJWKResolver: DIDResolver {
    /// The longest accepted did:jwk identifier (an RSA-4096 JWK is about 1 KB of base64url).
    public let maxIdentifierLength: Int

    /// Creates the resolver.
    public init(maxIdentifierLength: Int = 8192) {
        self.maxIdentifierLength = maxIdentifierLength
    }

    public func resolve(_ did: String) async throws(DIDError) -> DIDDocument {
        let (method, specific) = try didMethod(did)
        guard method == "jwk" else {
            throw DIDError(.methodNotSupported, "DIDJWKResolver resolves only did:jwk", location: did)
        }
        guard specific.utf8.count <= maxIdentifierLength else {
            throw DIDError(.invalidDID, "did:jwk identifier is longer than \(maxIdentifierLength) characters", location: did)
        }
        let bytes: [UInt8]
        do { bytes = try Base64URL.decode(String(specific)) } catch {
            throw DIDError(.invalidDID, "did:jwk identifier is not unpadded base64url: \(error.message)", location: did)
        }
        let jwk: JSONObject
        do {
            guard let object = try JSONParser.parse(bytes).objectValue else {
                throw DIDError(.invalidDID, "did:jwk identifier does not decode to a JSON object", location: did)
            }
            jwk = object
        } catch let error as DIDError {
            throw error
        } catch {
            throw DIDError(.invalidDID, "did:jwk identifier does not decode to JSON: \(error)", location: did)
        }
        do { _ = try PublicKey(jwk: jwk) } catch {
            throw DIDError(.invalidKey, "did:jwk key is not usable: \(error.message)", location: did)
        }
        let vm = did + "#0"
        let json: JSONObject
        var base: JSONObject = [
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"],
            "id": .string(did),
            "verificationMethod": [["id": .string(vm), "type": "JsonWebKey", "controller": .string(did), "publicKeyJwk": .object(jwk)]],
        ]
        if jwk["use"]?.stringValue == "enc" {
            base["keyAgreement"] = [.string(vm)]
        } else {
            base["assertionMethod"] = [.string(vm)]
            base["authentication"] = [.string(vm)]
            base["capabilityInvocation"] = [.string(vm)]
            base["capabilityDelegation"] = [.string(vm)]
            if jwk["use"]?.stringValue != "sig" { base["keyAgreement"] = [.string(vm)] }
        }
        json = base
        return try DIDDocument(json: json)
    }

    /// The did:jwk of a public key (its JWK in RFC 7638 member order).
    public static func did(for key: PublicKey) -> String {
        "did:jwk:" + Base64URL.encode(Array(JSONWriter.string(.object(key.jwk)).utf8))
    }
}

// MARK: - did:web

/// did:web, resolved from a local directory that mirrors the HTTPS layout and, only when
/// explicitly enabled, over HTTPS.
///
/// Local mapping (did:web §3.2, with the HTTPS origin replaced by the directory):
///
/// | DID | file | HTTPS URL |
/// |---|---|---|
/// | `did:web:example.com` | `DIR/example.com/.well-known/did.json` | `https://example.com/.well-known/did.json` |
/// | `did:web:example.com:issuers:42` | `DIR/example.com/issuers/42/did.json` | `https://example.com/issuers/42/did.json` |
/// | `did:web:example.com%3A8443` | `DIR/example.com:8443/.well-known/did.json` | `https://example.com:8443/.well-known/did.json` |
///
/// Colon-separated parts are percent-decoded; a part that decodes to empty, `.`, `..`, or
/// contains `/`, `\` or NUL is refused, so a DID can never name a file outside the directory.
/// The host must be a DNS name with an optional numeric port.
///
/// The local directory is consulted first. With ``allowHTTPS`` set, a DID not found there is
/// fetched with the ``fetcher`` (HTTPS only, ``timeout`` seconds, at most ``maxDocumentSize``
/// bytes) and kept in the ``cache``. Without it, no network access ever happens. Either way the
/// document must be at most ``maxDocumentSize`` bytes and its `id` must equal the DID.
public struct DIDWebResolver: DIDResolver {
    /// The directory mirroring the web (nil: no local lookup).
    public let directory: URL?
    /// Whether DIDs missing locally may be fetched over HTTPS.
    public let allowHTTPS: Bool
    /// The largest accepted `did.json`, in bytes (default 1 MiB).
    public let maxDocumentSize: Int
    /// The network deadline per document, in seconds (default 10).
    public let timeout: Double
    /// The HTTPS transport.
    public let fetcher: any DIDWebFetcher
    /// Documents fetched over HTTPS, reused until they expire.
    public let cache: DIDDocumentCache

    /// Creates the resolver.
    public init(
        directory: URL?,
        allowHTTPS: Bool = false,
        maxDocumentSize: Int = 1 << 20,
        timeout: Double = 10,
        fetcher: any DIDWebFetcher = URLSessionDIDWebFetcher(),
        cache: DIDDocumentCache = DIDDocumentCache()
    ) {
        self.directory = directory
        self.allowHTTPS = allowHTTPS
        self.maxDocumentSize = maxDocumentSize
        self.timeout = timeout
        self.fetcher = fetcher
        self.cache = cache
    }

    /// The decoded host and path parts of a did:web DID, checked for safety.
    private static func parts(of did: String) throws(DIDError) -> [String] {
        let (method, specific) = try didMethod(did)
        guard method == "web" else {
            throw DIDError(.methodNotSupported, "DIDWebResolver resolves only did:web", location: did)
        }
        var parts: [String] = []
        for raw in specific.split(separator: ":", omittingEmptySubsequences: false) {
            guard let decoded = String(raw).removingPercentEncoding,
                !decoded.isEmpty, decoded != ".", decoded != "..",
                !decoded.contains("/"), !decoded.contains("\\"), !decoded.contains("\0"),
                !decoded.contains("?"), !decoded.contains("#")
            else {
                throw DIDError(.invalidDID, "did:web part \"\(raw)\" is empty or not a safe path segment", location: did)
            }
            parts.append(decoded)
        }
        let host = parts[0]
        let hostOK = host.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).enumerated().allSatisfy { index, piece in
            index == 0
                ? !piece.isEmpty && piece.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }
                : !piece.isEmpty && piece.count <= 5 && piece.allSatisfy { $0.isASCII && $0.isNumber }
        }
        guard hostOK else {
            throw DIDError(.invalidDID, "did:web host \"\(host)\" is not a host name with an optional %3A port", location: did)
        }
        return parts
    }

    /// The `did.json` path of a did:web DID relative to the directory (e.g. `example.com/.well-known/did.json`).
    public static func relativePath(for did: String) throws(DIDError) -> String {
        let parts = try parts(of: did)
        if parts.count == 1 { return parts[0] + "/.well-known/did.json" }
        return parts.joined(separator: "/") + "/did.json"
    }

    /// The HTTPS URL of a did:web DID's document (did:web §3.2 "Read").
    public static func httpsURL(for did: String) throws(DIDError) -> URL {
        let path = try relativePath(for: did)
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        let host = String(parts[0])
        let encodedPath = parts.dropFirst().map { String($0).addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? String($0) }
        guard let url = URL(string: "https://" + host + "/" + encodedPath.joined(separator: "/")) else {
            throw DIDError(.invalidDID, "did:web does not map to a valid HTTPS URL", location: did)
        }
        return url
    }

    public func resolve(_ did: String) async throws(DIDError) -> DIDDocument {
        let relative = try Self.relativePath(for: did)
        if let directory {
            let url = directory.appendingPathComponent(relative)
            if FileManager.default.fileExists(atPath: url.path) {
                return try readLocal(url, did: did)
            }
            guard allowHTTPS else {
                throw DIDError(.notFound, "no DID document at \(url.path) (network resolution is disabled)", location: did)
            }
        }
        guard allowHTTPS else {
            throw DIDError(.networkNotEnabled, "did:web resolution over HTTPS is disabled and no local directory is configured", location: did)
        }
        if let cached = cache.document(for: did) { return cached }
        let url = try Self.httpsURL(for: did)
        let bytes = try await fetcher.fetch(url, maxBytes: maxDocumentSize, timeout: timeout)
        guard bytes.count <= maxDocumentSize else {
            throw DIDError(.documentTooLarge, "\(url.absoluteString) is larger than \(maxDocumentSize) bytes", location: did)
        }
        let document = try parse(bytes, source: url.absoluteString, did: did)
        cache.store(document, for: did)
        return document
    }

    private func readLocal(_ url: URL, did: String) throws(DIDError) -> DIDDocument {
        let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
        if let size = (attributes?[.size] as? NSNumber)?.intValue, size > maxDocumentSize {
            throw DIDError(.documentTooLarge, "\(url.path) is \(size) bytes; the limit is \(maxDocumentSize)", location: did)
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw DIDError(.notFound, "cannot read \(url.path)", location: did)
        }
        guard data.count <= maxDocumentSize else {
            throw DIDError(.documentTooLarge, "\(url.path) is larger than \(maxDocumentSize) bytes", location: did)
        }
        return try parse(Array(data), source: url.path, did: did)
    }

    private func parse(_ bytes: [UInt8], source: String, did: String) throws(DIDError) -> DIDDocument {
        let json: JSONObject
        do {
            guard let object = try JSONParser.parse(bytes).objectValue else {
                throw DIDError(.invalidDocument, "\(source) is not a JSON object", location: did)
            }
            json = object
        } catch let error as DIDError {
            throw error
        } catch {
            throw DIDError(.invalidDocument, "\(source): \(error)", location: did)
        }
        let document: DIDDocument
        do { document = try DIDDocument(json: json) } catch {
            throw DIDError(error.code, "\(source): \(error.message)", location: error.location ?? did)
        }
        guard document.id == did else {
            throw DIDError(.documentIDMismatch, "\(source) has id \"\(document.id)\", not the DID it was resolved for", location: did)
        }
        return document
    }
}

// MARK: - Dispatch by method

/// Dispatches to a resolver per DID method.
///
/// ``offline`` handles did:key and did:jwk; add a ``DIDWebResolver`` for did:web.
public struct MultiMethodDIDResolver: DIDResolver {
    /// Resolvers by method name (`key`, `jwk`, `web`, …).
    public let resolvers: [String: any DIDResolver]

    /// Creates a dispatcher from method names to resolvers.
    public init(_ resolvers: [String: any DIDResolver]) {
        self.resolvers = resolvers
    }

    /// did:key and did:jwk, plus did:web from `webDirectory` when given.
    public init(webDirectory: URL?, allowHTTPS: Bool = false) {
        var resolvers: [String: any DIDResolver] = ["key": DIDKeyResolver(), "jwk": DIDJWKResolver()]
        if webDirectory != nil || allowHTTPS {
            resolvers["web"] = DIDWebResolver(directory: webDirectory, allowHTTPS: allowHTTPS)
        }
        self.resolvers = resolvers
    }

    /// did:key and did:jwk only: needs no files and no network.
    public static let offline = MultiMethodDIDResolver(webDirectory: nil)

    public func resolve(_ did: String) async throws(DIDError) -> DIDDocument {
        let (method, _) = try didMethod(did)
        guard let resolver = resolvers[method] else {
            let known = resolvers.keys.sorted().map { "did:" + $0 }.joined(separator: ", ")
            throw DIDError(.methodNotSupported, "DID method did:\(method) is not supported here (configured: \(known))", location: did)
        }
        return try await resolver.resolve(did)
    }
}
