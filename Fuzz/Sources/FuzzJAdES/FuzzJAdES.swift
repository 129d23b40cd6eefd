import JAdES

let verifier = JAdESVerifier()

/// JAdESVerifier().verify(bytes) on arbitrary bytes: it must return a result, never trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJAdES(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    _ = verifier.verify(bytes)
    return 0
}
