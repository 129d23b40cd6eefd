import RDF
import RDFCanonicalization

let canonicalizer = RDFCanonicalizer()  // SHA-256, CanonicalizationLimits.default

/// RDFC-1.0 of a parsed N-Quads dataset with the default work limit. On success the canonical N-Quads must
/// parse back and canonicalize to the same text (canonicalization is idempotent).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRDFC(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let dataset = try? NQuads.parse(utf8: bytes) else { return 0 }
    guard let result = try? canonicalizer.canonicalize(dataset) else { return 0 }
    let reparsed: RDFDataset
    do {
        reparsed = try NQuads.parse(result.nquads)
    } catch {
        fatalError("canonical N-Quads do not parse: \(error); text=\(result.nquads)")
    }
    guard reparsed.count == dataset.count else {
        fatalError("canonical form has \(reparsed.count) quads, input had \(dataset.count)")
    }
    if let again = try? canonicalizer.canonicalize(reparsed), again.nquads != result.nquads {
        fatalError("RDFC-1.0 is not idempotent:\n\(result.nquads)\n---\n\(again.nquads)")
    }
    return 0
}
