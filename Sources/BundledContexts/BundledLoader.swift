import CredentialJSON
import Foundation
import JSONLD

extension ContextBundle {
    private static let sharedLoader = StaticDocumentLoader(documents)

    /// A document loader that answers every bundled URL from memory and fails, naming the URL, for
    /// any other. Its documents are parsed once per process.
    public static var loader: StaticDocumentLoader { sharedLoader }

    /// The bundled contexts plus the documents of a user's context directory.
    ///
    /// A directory entry replaces a bundled one only if the directory was read with
    /// `allowOverridingBundled: true`; otherwise reading it already failed.
    public static func loader(adding directory: ContextDirectory) -> StaticDocumentLoader {
        var loader = sharedLoader
        for (url, document) in directory.documents { loader.add(url: url, document: document) }
        return loader
    }

    /// The loader for the CLI's `--context-dir`: the bundled contexts, plus the directory's when one
    /// is given.
    public static func loader(
        contextDirectory: URL?, allowOverridingBundled: Bool = false
    ) throws(ContextDirectoryError) -> StaticDocumentLoader {
        guard let contextDirectory else { return sharedLoader }
        return loader(adding: try ContextDirectory(directory: contextDirectory, allowOverridingBundled: allowOverridingBundled))
    }
}

extension ContextBundle {
    /// One context cache for the process, valid with ``loader`` alone: the bundled documents never
    /// change, so every credential naming them pays for context processing once. Do not use it with a
    /// loader that adds a context directory (a cache filled through one loader would answer for another).
    public static let sharedCache = ContextCache()

    /// JSON-LD options that resolve contexts from the bundled set only, with ``sharedCache``.
    ///
    /// - Parameters:
    ///   - safeMode: fail instead of silently dropping data (on by default; see ``JSONLDOptions``).
    ///   - base: the base IRI for relative references, if any.
    public static func options(safeMode: Bool = true, base: String? = nil) -> JSONLDOptions {
        JSONLDOptions(documentLoader: sharedLoader, base: base, safeMode: safeMode, contextCache: sharedCache)
    }
}
