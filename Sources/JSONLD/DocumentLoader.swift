import CredentialJSON
import Foundation

/// A document retrieved for JSON-LD processing (the spec's `RemoteDocument`).
public struct RemoteDocument: Sendable {
    /// The final URL of the document (after any redirection); relative IRIs in it resolve against this.
    public var documentURL: String
    /// The parsed document.
    public var document: JSONValue
    /// A context URL supplied out of band (an HTTP `Link` header in the spec); nil offline.
    public var contextURL: String?

    /// A document retrieved from `documentURL`.
    public init(documentURL: String, document: JSONValue, contextURL: String? = nil) {
        self.documentURL = documentURL
        self.document = document
        self.contextURL = contextURL
    }
}

/// Supplies documents (mainly remote contexts) by URL.
///
/// The project never fetches from the network: loaders answer from memory or from a local folder.
/// A loader throws a ``JSONLDError`` with code ``JSONLDError/Code/loadingDocumentFailed`` naming the
/// URL when it has no such document; context processing reports that as
/// ``JSONLDError/Code/loadingRemoteContextFailed``.
public protocol DocumentLoader: Sendable {
    /// The document at `url`, or a ``JSONLDError`` naming the URL.
    func loadDocument(url: String) throws(JSONLDError) -> RemoteDocument
}

/// A loader over an in-memory table of URL → document.
///
/// Raw bytes are parsed on first use of each load (pair the loader with a ``ContextCache`` so each
/// document is parsed once).
public struct StaticDocumentLoader: DocumentLoader {
    enum Entry: Sendable {
        case parsed(JSONValue)
        case raw([UInt8])
    }

    private var entries: [String: Entry]

    /// A loader over parsed documents.
    public init(_ documents: [String: JSONValue]) {
        entries = documents.mapValues { .parsed($0) }
    }

    /// A loader over unparsed JSON bytes, parsed lazily when requested.
    public init(rawDocuments: [String: [UInt8]]) {
        entries = rawDocuments.mapValues { .raw($0) }
    }

    /// The URLs this loader knows.
    public var urls: [String] { Array(entries.keys) }

    /// Adds or replaces a parsed document.
    public mutating func add(url: String, document: JSONValue) { entries[url] = .parsed(document) }

    /// Adds or replaces a document given as JSON bytes.
    public mutating func add(url: String, rawDocument: [UInt8]) { entries[url] = .raw(rawDocument) }

    /// The document registered for `url`, parsing raw bytes now.
    public func loadDocument(url: String) throws(JSONLDError) -> RemoteDocument {
        switch entries[url] {
        case .parsed(let doc):
            return RemoteDocument(documentURL: url, document: doc)
        case .raw(let bytes):
            do {
                return RemoteDocument(documentURL: url, document: try JSONParser.parse(bytes))
            } catch {
                throw JSONLDError(.loadingDocumentFailed, "document \(url) is not valid JSON: \(error)")
            }
        case nil:
            throw JSONLDError(.loadingDocumentFailed, "no document is available offline for \(url)")
        }
    }
}

/// A loader over files in a local folder, mapped from URLs by a manifest.
///
/// The manifest is a JSON object. Each member maps a URL to a path relative to the folder:
///
/// ```json
/// {
///   "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
///   "https://w3c.github.io/json-ld-api/tests/": "json-ld-api/"
/// }
/// ```
///
/// A key ending in `/` maps every URL under that prefix to the same relative path under the value
/// (a folder, `""` for the folder itself). Exact keys win over prefixes; the longest prefix wins
/// among prefixes. Paths may not be absolute or contain `..` segments, so a URL cannot read files
/// outside the folder. Files larger than ``maxDocumentBytes`` are refused.
public struct DirectoryDocumentLoader: DocumentLoader {
    /// The folder the paths are relative to.
    public let directory: String
    /// URL (or URL prefix ending in `/`) → relative path.
    public let mappings: [String: String]
    /// Largest file accepted, in bytes (default 4 MiB).
    public var maxDocumentBytes: Int = 4 * 1024 * 1024

    private let prefixes: [(String, String)]

    /// A loader with explicit mappings (same form as the manifest's members).
    public init(directory: String, mappings: [String: String]) {
        self.directory = directory
        self.mappings = mappings
        self.prefixes = mappings.filter { $0.key.hasSuffix("/") }.map { ($0.key, $0.value) }
            .sorted { $0.0.utf8.count > $1.0.utf8.count }
    }

    /// A loader whose mappings are read from a manifest file in the folder (`manifest.json` by default).
    public init(directory: String, manifestName: String = "manifest.json") throws(JSONLDError) {
        let manifestPath = (directory as NSString).appendingPathComponent(manifestName)
        guard let data = FileManager.default.contents(atPath: manifestPath) else {
            throw JSONLDError(.loadingDocumentFailed, "cannot read document loader manifest \(manifestPath)")
        }
        let parsed: JSONValue
        do { parsed = try JSONParser.parse(data) } catch {
            throw JSONLDError(.loadingDocumentFailed, "manifest \(manifestPath) is not valid JSON: \(error)")
        }
        guard case .object(let object) = parsed else {
            throw JSONLDError(
                .loadingDocumentFailed, "manifest \(manifestPath) must be a JSON object of URL → path",
                path: .root)
        }
        var mappings: [String: String] = [:]
        for (url, value) in object {
            guard case .string(let path) = value else {
                throw JSONLDError(
                    .loadingDocumentFailed, "manifest \(manifestPath): the path for \(url) must be a string",
                    path: JSONPath.root.appending(url))
            }
            mappings[url] = path
        }
        self.init(directory: directory, mappings: mappings)
    }

    /// The file path a URL maps to, or nil.
    public func filePath(for url: String) -> String? {
        var relative: String?
        if let exact = mappings[url] {
            relative = exact
        } else {
            for (prefix, folder) in prefixes where url.hasPrefix(prefix) {
                relative = folder + url.dropFirst(prefix.utf8.count)
                break
            }
        }
        guard let relative, !relative.isEmpty, !relative.hasPrefix("/"), !relative.contains("\\") else { return nil }
        if relative.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0 == ".." }) { return nil }
        return (directory as NSString).appendingPathComponent(relative)
    }

    /// The parsed file `url` maps to.
    public func loadDocument(url: String) throws(JSONLDError) -> RemoteDocument {
        guard let path = filePath(for: url) else {
            throw JSONLDError(.loadingDocumentFailed, "no document is available offline for \(url)")
        }
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if let size = attributes?[.size] as? Int, size > maxDocumentBytes {
            throw JSONLDError(
                .loadingDocumentFailed,
                "document for \(url) (\(path)) is \(size) bytes, over the limit of \(maxDocumentBytes)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw JSONLDError(.loadingDocumentFailed, "no document is available offline for \(url) (missing file \(path))")
        }
        do {
            return RemoteDocument(documentURL: url, document: try JSONParser.parse(data))
        } catch {
            throw JSONLDError(.loadingDocumentFailed, "document for \(url) (\(path)) is not valid JSON: \(error)")
        }
    }
}

/// Tries several loaders in order; the first that has the document wins.
public struct ChainedDocumentLoader: DocumentLoader {
    /// The loaders, in the order they are asked.
    public let loaders: [any DocumentLoader]

    /// A loader asking `loaders` in order.
    public init(_ loaders: [any DocumentLoader]) { self.loaders = loaders }

    /// The first successful load; when all fail, an error listing every loader's reason.
    public func loadDocument(url: String) throws(JSONLDError) -> RemoteDocument {
        var reasons: [String] = []
        for loader in loaders {
            do { return try loader.loadDocument(url: url) } catch { reasons.append(error.message) }
        }
        if reasons.count == 1 { throw JSONLDError(.loadingDocumentFailed, reasons[0]) }
        throw JSONLDError(
            .loadingDocumentFailed,
            "no loader has \(url)" + (reasons.isEmpty ? "" : " (" + reasons.joined(separator: "; ") + ")"))
    }
}
