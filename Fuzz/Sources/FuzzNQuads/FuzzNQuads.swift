import RDF

/// NQuads.parse(utf8:) (strict, or generalized after a 0x01 byte); on success the serializer's output must re-parse to an equal
/// dataset.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNQuads(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    // A leading 0x01 byte (never valid N-Quads) selects generalized RDF for the rest, so both grammars are
    // reached from one corpus.
    let generalized = size > 0 && data[0] == 0x01
    let bytes = generalized ? UnsafeBufferPointer(start: data + 1, count: size - 1) : UnsafeBufferPointer(start: data, count: size)
    guard let dataset = try? NQuads.parse(utf8: bytes, allowBlankNodePredicates: generalized) else { return 0 }
    let text = NQuads.serialize(dataset.quads)
    let reparsed: RDFDataset
    do {
        reparsed = try NQuads.parse(text, allowBlankNodePredicates: generalized)
    } catch {
        fatalError("N-Quads serializer output does not re-parse: \(error); text=\(text)")
    }
    guard reparsed.quads == dataset.quads else { fatalError("N-Quads round trip changed the dataset: \(text)") }
    return 0
}
