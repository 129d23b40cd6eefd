import CredentialJSON

/// JSONParser.parse with the default limits; on success the compact writer's output must re-parse to an
/// equal value, and writing that value again must give the same bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let value = try? JSONParser.parse(bytes) else { return 0 }
    let written = JSONWriter.data(value)
    let reparsed: JSONValue
    do {
        reparsed = try JSONParser.parse(written)
    } catch {
        fatalError("JSONWriter output does not re-parse: \(error); written=\(String(decoding: written, as: UTF8.self))")
    }
    guard reparsed == value else {
        fatalError("JSONWriter round trip changed the value: \(String(decoding: written, as: UTF8.self))")
    }
    let again = JSONWriter.data(reparsed)
    guard again == written else {
        fatalError("JSONWriter is not stable: \(String(decoding: written, as: UTF8.self)) vs \(String(decoding: again, as: UTF8.self))")
    }
    return 0
}
