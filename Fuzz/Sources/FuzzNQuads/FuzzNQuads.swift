import RDF

/// NQuads.parse(utf8:) (strict and generalized); on success the serializer's output must re-parse to an equal
/// dataset.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNQuads(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    // The first byte picks the mode so both grammars are reached from one corpus.
    let generalized = size > 0 && data[0] & 1 == 1 && data[0] < 0x20
    guard let dataset = try? NQuads.parse(utf8: bytes, allowBlankNodePredicates: generalized) else { return 0 }
    let text = NQuads.serialize(dataset)
    let reparsed: RDFDataset
    do {
        reparsed = try NQuads.parse(text, allowBlankNodePredicates: generalized)
    } catch {
        fatalError("N-Quads serializer output does not re-parse: \(error); text=\(text)")
    }
    guard reparsed == dataset else { fatalError("N-Quads round trip changed the dataset: \(text)") }
    return 0
}
