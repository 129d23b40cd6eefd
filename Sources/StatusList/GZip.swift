import CZlib

/// GZIP (RFC 1952) through the system zlib, with decompression bounded in advance.
enum GZip {
    /// Compresses with the gzip wrapper; the header has no name and mtime 0, so output is deterministic.
    static func compress(_ input: [UInt8], level: Int32 = 9) throws(StatusListError) -> [UInt8] {
        // 15 window bits + 16 selects the gzip wrapper instead of zlib's.
        try deflate(input, windowBits: 15 + 16, level: level)
    }

    /// Deflates `input` in one pass with the wrapper `windowBits` selects (15: zlib, RFC 1950; 15 + 16: gzip).
    static func deflate(_ input: [UInt8], windowBits: Int32, level: Int32 = 9) throws(StatusListError) -> [UInt8] {
        var stream = z_stream()
        guard
            deflateInit2_(
                &stream, level, Z_DEFLATED, windowBits, 9, Z_DEFAULT_STRATEGY, zlibVersion(),
                Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else { throw StatusListError(.encodingFailed, "zlib could not start compressing") }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(input.count))) + 32
        var output = [UInt8](repeating: 0, count: bound)
        let result = finish(&stream, input: input, output: &output) { CZlib.deflate(&$0, Z_FINISH) }
        guard result == Z_STREAM_END else { throw StatusListError(.encodingFailed, "zlib could not compress the list") }
        output.removeSubrange(Int(stream.total_out)...)
        return output
    }

    /// Decompresses a single gzip member whose size, declared in its trailer, must be at most `maxBytes`.
    ///
    /// The declared size is checked before inflating and the output buffer never grows past it,
    /// so a decompression bomb costs at most `maxBytes` of memory and one pass over its input.
    static func decompress(_ input: [UInt8], maxBytes: Int) throws(StatusListError) -> [UInt8] {
        guard input.count >= 18, input[0] == 0x1F, input[1] == 0x8B else {
            throw StatusListError(.malformedValue, "the encoded list is not GZIP data")
        }
        let count = input.count
        let declared = Int(input[count - 4]) | Int(input[count - 3]) << 8 | Int(input[count - 2]) << 16 | Int(input[count - 1]) << 24
        guard declared <= maxBytes else {
            throw StatusListError(.listTooLarge, "the list declares \(declared) bytes, more than the limit of \(maxBytes)")
        }
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw StatusListError(.malformedValue, "zlib could not start decompressing")
        }
        defer { inflateEnd(&stream) }
        // One spare byte reveals output beyond the declared size.
        var output = [UInt8](repeating: 0, count: declared + 1)
        let result = finish(&stream, input: input, output: &output) { inflate(&$0, Z_FINISH) }
        guard result == Z_STREAM_END else {
            if result == Z_BUF_ERROR || stream.avail_out == 0 {
                throw StatusListError(.malformedValue, "the list decompresses to more than its declared \(declared) bytes")
            }
            throw StatusListError(.malformedValue, "the encoded list is corrupt GZIP data")
        }
        guard Int(stream.total_out) == declared else {
            throw StatusListError(.malformedValue, "the list decompresses to \(stream.total_out) bytes, not the declared \(declared)")
        }
        guard stream.avail_in == 0 else {
            throw StatusListError(.malformedValue, "unexpected data after the GZIP member")
        }
        output.removeLast()
        return output
    }

    /// Runs one zlib call over all of `input` into `output`'s room: both buffers stay pinned for the call only.
    private static func finish(
        _ stream: inout z_stream, input: [UInt8], output: inout [UInt8], _ step: (inout z_stream) -> Int32
    ) -> Int32 {
        var input = input
        return input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = uInt(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = uInt(outBuffer.count)
                return step(&stream)
            }
        }
    }
}
