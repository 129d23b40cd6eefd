import BundledContexts
import CredentialJSON
import JSONLD
import JSONLDToRDF

// Bundled contexts only: the shared loader never touches the network.
let options = ContextBundle.options(safeMode: true, base: nil)

/// Parse JSON, then JSON-LD expansion and toRDF in safe mode, as FormatCheck.jsonLDProblem does.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONLD(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard var document = try? JSONParser.parse(bytes) else { return 0 }
    if case .object(var o) = document, o["proof"] != nil {
        o["proof"] = nil
        document = .object(o)
    }
    guard let expanded = try? JSONLDProcessor.expand(document, documentURL: nil, options: options) else { return 0 }
    _ = try? RDFConversion.toRDF(expanded: expanded, options: ToRDFOptions(rdfDirection: .i18nDatatype, safeMode: true))
    return 0
}
