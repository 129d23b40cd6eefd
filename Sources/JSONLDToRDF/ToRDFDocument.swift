import CredentialJSON
import JSONLD
import RDF

extension RDFConversion {
    /// Expands a JSON-LD document (``JSONLDProcessor/expand(_:documentURL:options:)``) and returns its RDF dataset.
    ///
    /// Safe mode is two switches: `jsonld.safeMode` guards expansion (undefined terms, relative
    /// `@id`s with source paths), `options.safeMode` guards the RDF step; keep both on for signing.
    /// - Throws: ``JSONLDError`` from expansion or ``JSONLDToRDFError`` from the RDF step; the
    ///   latter's path points into `document` when the offending value occurs there as written.
    public static func toRDF(
        document: JSONValue, documentURL: String? = nil, jsonld: JSONLDOptions,
        options: ToRDFOptions = ToRDFOptions()
    ) throws -> RDFDataset {
        let expanded = try JSONLDProcessor.expand(document, documentURL: documentURL, options: jsonld)
        do {
            return try toRDF(expanded: expanded, options: options)
        } catch {
            throw ErrorLocator.locateInSource(error, document: document)
        }
    }
}
