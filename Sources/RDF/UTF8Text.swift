/// Strings from UTF-8 bytes that are mostly ASCII, as N-Quads documents are.
///
/// `String(decoding:as:)` checks a buffer for ASCII eight bytes at a time, but once it finds one non-ASCII
/// byte it validates the whole buffer a scalar at a time: about eleven instructions per byte, 0.44 M for the
/// 40 KB canonical form of `samples/vc2-large.json`, which has six non-ASCII bytes. Converting the ASCII
/// runs and the non-ASCII runs separately keeps the fast path for almost every byte and validates exactly
/// as much: a UTF-8 sequence never contains an ASCII byte, so no run boundary can split one, and ill-formed
/// bytes are repaired to U+FFFD exactly as `String(decoding:as:)` repairs them.
package enum UTF8Text {
    /// The string of `bytes` (ill-formed sequences repaired to U+FFFD, as `String(decoding:as:)` does).
    package static func string(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBufferPointer { string($0) }
    }

    /// The string of `bytes` (ill-formed sequences repaired to U+FFFD, as `String(decoding:as:)` does).
    package static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let count = bytes.count
        // Short buffers gain nothing from splitting.
        guard count >= 256, var position = nextHigh(bytes, from: 0) else {
            return String(decoding: bytes, as: UTF8.self)
        }
        var result = String()
        result.reserveCapacity(count)
        var runStart = 0
        while true {
            // [runStart, position) is ASCII; a non-ASCII run starts at position.
            if runStart < position { result.append(piece(bytes, runStart, position)) }
            var end = position + 1
            while end < count && bytes[end] >= 0x80 { end += 1 }
            result.append(piece(bytes, position, end))
            runStart = end
            guard let next = nextHigh(bytes, from: end) else { break }
            position = next
        }
        if runStart < count { result.append(piece(bytes, runStart, count)) }
        return result
    }

    @inline(__always)
    private static func piece(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }

    /// The index of the first byte ≥ 0x80 at or after `start`, eight bytes at a time.
    private static func nextHigh(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        let raw = UnsafeRawPointer(base)
        let count = bytes.count
        var position = start
        while position + 8 <= count {
            let word = raw.loadUnaligned(fromByteOffset: position, as: UInt64.self)
            if word & 0x8080_8080_8080_8080 != 0 { break }
            position += 8
        }
        while position < count {
            if bytes[position] >= 0x80 { return position }
            position += 1
        }
        return nil
    }
}
