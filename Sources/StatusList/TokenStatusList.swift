import CZlib
import Multiformats

/// An IETF Token Status List (draft-ietf-oauth-status-list): the `status_list` of a `statuslist+jwt`, as used by
/// SD-JWT VCs (`status.status_list: {idx, uri}`).
///
/// Unlike a Bitstring Status List, entries are packed from the least significant bit (index 0 is the lowest `bits`
/// bits of byte 0), the compression is zlib (RFC 1950, not GZIP), and the encoding is bare base64url.
public struct TokenStatusList: Sendable, Hashable {
    /// Bits per entry: 1, 2, 4 or 8.
    public let bits: Int
    /// The decompressed bytes.
    public private(set) var bytes: [UInt8]

    /// The largest decompressed list accepted by default (16 MiB), as for Bitstring lists.
    public static let defaultMaximumBytes = 16 * 1024 * 1024

    /// Status values the draft registers.
    public enum Value: UInt8, Sendable {
        case valid = 0
        case invalid = 1
        case suspended = 2
    }

    /// An all-zero list of `count` entries.
    public init(bits: Int, count: Int) throws(StatusListError) {
        guard [1, 2, 4, 8].contains(bits) else { throw StatusListError(.malformedValue, "status_list bits \(bits) is not 1, 2, 4 or 8") }
        self.bits = bits
        self.bytes = [UInt8](repeating: 0, count: (max(count, 0) * bits + 7) / 8)
    }

    /// Decodes `lst` (base64url of zlib-compressed bytes), refusing more than `maximumBytes` of output while inflating.
    public init(bits: Int, lst: String, maximumBytes: Int = TokenStatusList.defaultMaximumBytes) throws(StatusListError) {
        guard [1, 2, 4, 8].contains(bits) else { throw StatusListError(.malformedValue, "status_list bits \(bits) is not 1, 2, 4 or 8") }
        let compressed: [UInt8]
        do { compressed = try Base64URL.decode(lst) } catch {
            throw StatusListError(.malformedValue, "status_list lst is not base64url")
        }
        self.bits = bits
        self.bytes = try ZLib.inflate(compressed, maxBytes: maximumBytes)
    }

    /// The number of entries.
    public var count: Int { bytes.count * 8 / bits }

    /// The status of entry `index`.
    public func status(at index: Int) throws(StatusListError) -> UInt8 {
        guard index >= 0, index < count else {
            throw StatusListError(.range, "idx \(index) is outside a list of \(count) entries")
        }
        let perByte = 8 / bits
        let shift = (index % perByte) * bits
        let mask = UInt8(truncatingIfNeeded: (1 << bits) - 1)
        return (bytes[index / perByte] >> UInt8(shift)) & mask
    }

    /// Sets entry `index` (for issuers and tests).
    public mutating func setStatus(_ value: UInt8, at index: Int) throws(StatusListError) {
        guard index >= 0, index < count else { throw StatusListError(.range, "idx \(index) is outside a list of \(count) entries") }
        let mask = UInt8(truncatingIfNeeded: (1 << bits) - 1)
        guard value <= mask else { throw StatusListError(.malformedValue, "status \(value) does not fit in \(bits) bits") }
        let perByte = 8 / bits
        let shift = UInt8((index % perByte) * bits)
        bytes[index / perByte] = (bytes[index / perByte] & ~(mask << shift)) | (value << shift)
    }

    /// The `lst` form: zlib, then base64url without padding.
    public func encoded() throws(StatusListError) -> String { Base64URL.encode(try ZLib.deflate(bytes)) }
}

/// zlib-wrapped deflate (RFC 1950) through the system zlib; GZIP lives in ``GZip``.
enum ZLib {
    static func deflate(_ input: [UInt8]) throws(StatusListError) -> [UInt8] {
        try GZip.deflate(input, windowBits: 15)
    }

    /// Inflates one zlib stream. zlib declares no size, so the output grows chunk by chunk and stops as soon as it
    /// passes `maxBytes`: a decompression bomb costs at most that much memory.
    static func inflate(_ input: [UInt8], maxBytes: Int) throws(StatusListError) -> [UInt8] {
        var stream = z_stream()
        guard inflateInit_(&stream, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw StatusListError(.malformedValue, "zlib could not start decompressing")
        }
        defer { inflateEnd(&stream) }
        var input = input
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let status: Int32 = input.withUnsafeMutableBufferPointer { inBuf in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = uInt(inBuf.count)
            while true {
                let (code, produced): (Int32, Int) = chunk.withUnsafeMutableBufferPointer { outBuf in
                    stream.next_out = outBuf.baseAddress
                    stream.avail_out = uInt(outBuf.count)
                    let code = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return (code, outBuf.count - Int(stream.avail_out))
                }
                output.append(contentsOf: chunk[0..<produced])
                if output.count > maxBytes { return Z_MEM_ERROR }
                if code == Z_STREAM_END { return code }
                if code != Z_OK || (produced == 0 && stream.avail_in == 0) { return code == Z_OK ? Z_DATA_ERROR : code }
            }
        }
        if status == Z_MEM_ERROR {
            throw StatusListError(.listTooLarge, "the status list decompresses to more than the limit of \(maxBytes) bytes")
        }
        guard status == Z_STREAM_END else { throw StatusListError(.malformedValue, "status_list lst is not zlib data") }
        guard stream.avail_in == 0 else { throw StatusListError(.malformedValue, "unexpected data after the zlib stream") }
        return output
    }
}
