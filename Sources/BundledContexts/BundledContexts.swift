import CredentialJSON

/// One JSON-LD context document compiled into the binary from the project's `contexts/` folder.
public struct BundledContext: Sendable, Hashable {
    /// The URL that documents use to refer to the context, e.g. `https://www.w3.org/ns/credentials/v2`.
    public let url: String
    /// The file in `contexts/` the text comes from.
    public let fileName: String
    /// Lowercase hex SHA-256 of ``text``'s UTF-8 bytes, for provenance; it is our rendering's digest,
    /// not the digest some specifications publish for their own serialization.
    public let sha256: String
    /// The document's exact text.
    public let text: String
}

/// The JSON-LD contexts that skillcred resolves without any network access.
///
/// The documents live in the binary itself (see `tools/embed-contexts`), so a copied `skillcred`
/// executable needs no resource files. Users can add more contexts from a directory with
/// ``ContextDirectory``.
public enum ContextBundle {
    /// Every bundled context, sorted by URL.
    public static var contexts: [BundledContext] { embedded }

    /// The URLs of the bundled contexts, sorted.
    public static let urls: [String] = embedded.map(\.url)

    private static let byURL: [String: BundledContext] = Dictionary(
        uniqueKeysWithValues: embedded.map { ($0.url, $0) })

    // Parsed once per process: every credential that names these contexts shares the values.
    private static let parsed: [String: JSONValue] = {
        var result: [String: JSONValue] = [:]
        for context in embedded {
            do {
                result[context.url] = try JSONParser.parse(context.text)
            } catch {
                // contexts/ is checked by tools/embed-contexts and by BundledContextsTests, so a
                // parse failure here means the binary was built from a corrupted source tree.
                fatalError("bundled context \(context.fileName) does not parse: \(error)")
            }
        }
        return result
    }()

    /// The bundled context for `url`, or `nil` when none is bundled. The match is exact.
    public static func context(for url: String) -> BundledContext? { byURL[url] }

    /// The parsed context document for `url`, or `nil` when none is bundled.
    public static func document(for url: String) -> JSONValue? { parsed[url] }

    /// The parsed documents keyed by URL, for building a document loader.
    public static var documents: [String: JSONValue] { parsed }
}
