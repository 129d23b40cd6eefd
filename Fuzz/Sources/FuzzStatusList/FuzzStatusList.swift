import StatusList

/// Bitstring(encoded:) — multibase base64url + bounded GZIP inflate — on arbitrary text; or, when the first byte's
/// low bit is set, Bitstring(base64URLGZip:) (a StatusList2021 list, no multibase prefix). The first byte's second
/// bit picks a small or the default maximum size.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStatusList(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let mode = data[0]
    let text = String(decoding: UnsafeBufferPointer(start: data + 1, count: size - 1), as: UTF8.self)
    let maximum = mode & 2 == 0 ? Bitstring.defaultMaximumBytes : 4096
    let decoded = mode & 1 == 1 ? try? Bitstring(base64URLGZip: text, maximumBytes: maximum) : try? Bitstring(encoded: text, maximumBytes: maximum)
    guard let list = decoded else { return 0 }
    guard list.bytes.count <= maximum else { fatalError("decoded \(list.bytes.count) bytes, limit \(maximum)") }
    // Exercise bit access at the edges.
    _ = list.bit(at: 0)
    _ = list.bit(at: list.bitCount - 1)
    _ = list.bit(at: list.bitCount)
    for statusSize in [1, 2, 8] { _ = try? list.status(at: 0, statusSize: statusSize) }
    return 0
}
