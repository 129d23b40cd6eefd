import BundledContexts
import CredentialJSON
import JSONLD
import JSONLDToRDF
import RDF
import RDFCanonicalization

/// RDFC-1.0 canonical N-Quads of JSON-LD documents, with the checks Data Integrity requires.
///
/// Expansion and RDF conversion run in safe mode with a null base (DI §2.4.3), so an undefined term, a
/// dropped value or a relative IRI is a ``DataIntegrityError/Code/dataLossDetectionError`` naming the
/// JSON path, never a claim silently left out of the signature. A base direction (`@direction`) is carried
/// with `rdfDirection: i18n-datatype`. Contexts come only from the document
/// loader (by default the bundled, hash-pinned copies); processed contexts are cached across calls.
public struct JSONLDCanonicalizer: DocumentCanonicalizer {
    /// The JSON-LD options used for expansion (safe mode on, base null).
    public let jsonldOptions: JSONLDOptions
    /// Work bounds for RDFC-1.0 against "poison" graphs.
    public let limits: CanonicalizationLimits

    /// A canonicalizer over the bundled contexts, sharing the process-wide context cache so repeated
    /// signing and verification process each context once.
    public init(limits: CanonicalizationLimits = .default) {
        self.jsonldOptions = ContextBundle.options(safeMode: true, base: nil)
        self.limits = limits
    }

    /// A canonicalizer over another loader (for example `ContextBundle.loader(adding:)` for an
    /// application's own contexts); give it its own cache, since a cache is valid for one loader only.
    public init(documentLoader: any DocumentLoader, contextCache: ContextCache = ContextCache(), limits: CanonicalizationLimits = .default) {
        self.jsonldOptions = JSONLDOptions(documentLoader: documentLoader, base: nil, safeMode: true, contextCache: contextCache)
        self.limits = limits
    }

    /// Expands `document` (safe mode, null base), converts it to RDF and canonicalizes it with RDFC-1.0.
    public func canonicalNQuads(of document: JSONValue, hashAlgorithm: ProofHashAlgorithm) throws(DataIntegrityError) -> String {
        let dataset = try self.dataset(of: document)
        do {
            return try canonicalizer(hashAlgorithm).canonicalNQuads(dataset)
        } catch {
            throw DataIntegrityError(.proofTransformationError, "RDFC-1.0: \(error.message)")
        }
    }

    /// ``canonicalNQuads(of:hashAlgorithm:)`` as UTF-8 bytes, without the `String` (what a verifier hashes).
    public func canonicalNQuadsUTF8(of document: JSONValue, hashAlgorithm: ProofHashAlgorithm) throws(DataIntegrityError) -> [UInt8] {
        let dataset = try self.dataset(of: document)
        do {
            return try canonicalizer(hashAlgorithm).canonicalNQuadsUTF8(dataset)
        } catch {
            throw DataIntegrityError(.proofTransformationError, "RDFC-1.0: \(error.message)")
        }
    }

    private func canonicalizer(_ hashAlgorithm: ProofHashAlgorithm) -> RDFCanonicalizer {
        RDFCanonicalizer(hashAlgorithm: hashAlgorithm == .sha384 ? .sha384 : .sha256, limits: limits)
    }

    /// Expansion (safe mode, null base) and RDF conversion, with Data Integrity's error codes.
    private func dataset(of document: JSONValue) throws(DataIntegrityError) -> InternedDataset {
        let dataset: InternedDataset
        // i18n-datatype, as Digital Bazaar's stack behind the W3C suites canonicalizes: a value's @direction is
        // part of what is signed, never dropped (safe mode refuses what it cannot carry). Through the task's
        // DatasetMemo: a verifier's Format check has usually just converted this very document with these options.
        switch DatasetMemo.internedDataset(of: document, jsonld: jsonldOptions, options: ToRDFOptions(rdfDirection: .i18nDatatype, safeMode: true)) {
        case .success(let converted):
            dataset = converted
        case .failure(.expansion(let error)):
            let code: DataIntegrityError.Code = error.code.isSafeMode ? .dataLossDetectionError : .proofTransformationError
            throw DataIntegrityError(code, "JSON-LD expansion: \(error)")
        case .failure(.conversion(let error)):
            let dataLoss: Set<JSONLDToRDFError.Code> = [
                .relativeSubjectReference, .relativePredicateReference, .relativeObjectReference,
                .relativeTypeReference, .relativeDatatypeReference, .relativeGraphReference,
                .blankNodePredicate, .malformedIRI, .invalidLanguageTag,
            ]
            throw DataIntegrityError(
                dataLoss.contains(error.code) ? .dataLossDetectionError : .proofTransformationError,
                "JSON-LD to RDF: \(error)", path: error.path)
        }
        return dataset
    }
}
