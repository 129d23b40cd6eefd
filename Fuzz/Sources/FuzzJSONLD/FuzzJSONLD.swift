import BundledContexts
import CredentialJSON
import DataIntegrity
import JSONLD
import JSONLDToRDF
import RDFCanonicalization

// Bundled contexts only: the shared loader never touches the network.
let options = ContextBundle.options(safeMode: true, base: nil)
let canonicalizer = JSONLDCanonicalizer()

/// Parse JSON, then JSON-LD expansion and toRDF in safe mode, as FormatCheck.jsonLDProblem does; then the
/// canonical form a Data Integrity proof signs (expansion writing RDF as it goes, when it takes the document)
/// against expand-then-convert-then-canonicalize: a difference, or one side failing alone, is a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONLD(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard var document = try? JSONParser.parse(bytes) else { return 0 }
    if case .object(var o) = document, o["proof"] != nil {
        o["proof"] = nil
        document = .object(o)
    }
    let signed = try? canonicalizer.canonicalNQuadsUTF8(of: document, hashAlgorithm: .sha256)
    var ordinary: [UInt8]?
    if let expanded = try? JSONLDProcessor.expand(document, documentURL: nil, options: options),
        let dataset = try? RDFConversion.toRDF(expanded: expanded, options: ToRDFOptions(rdfDirection: .i18nDatatype, safeMode: true))
    {
        ordinary = try? RDFCanonicalizer().canonicalNQuadsUTF8(dataset)
    }
    if signed != ordinary {
        fatalError(
            "the canonical form differs from expand-then-convert: \(signed.map { String(decoding: $0, as: UTF8.self) } ?? "refused") / \(ordinary.map { String(decoding: $0, as: UTF8.self) } ?? "refused")"
        )
    }
    return 0
}
