import CQRencode
import CZlib

/// A QR code made by libqrencode (the maintained C library Debian ships), rendered as SVG or PNG.
///
/// Only the rendering is here: the encoding (mode selection, Reed–Solomon, masking) is libqrencode's.
public struct QRCode: Sendable, Hashable {
    /// Modules per side.
    public let size: Int
    /// Row-major, `true` for a dark module.
    public let modules: [Bool]

    /// Error correction level.
    public enum Correction: Sendable {
        case low, medium, quartile, high
        var level: QRecLevel {
            switch self {
            case .low: return QR_ECLEVEL_L
            case .medium: return QR_ECLEVEL_M
            case .quartile: return QR_ECLEVEL_Q
            case .high: return QR_ECLEVEL_H
            }
        }
    }

    /// Why a text cannot become a QR code.
    public struct EncodingError: Error, Sendable, Hashable, CustomStringConvertible {
        public let description: String
    }

    /// The longest text accepted (a version-40 code at level M holds 2,331 bytes; offers are far shorter).
    public static let maximumBytes = 2048

    /// Encodes `text` as 8-bit data (case-sensitive, as URLs need).
    public init(_ text: String, correction: Correction = .medium) throws(EncodingError) {
        guard text.utf8.count <= Self.maximumBytes else { throw EncodingError(description: "the text is longer than \(Self.maximumBytes) bytes") }
        guard let code = QRcode_encodeString8bit(text, 0, correction.level) else {
            throw EncodingError(description: "libqrencode could not encode the text")
        }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        var modules = [Bool](repeating: false, count: width * width)
        for index in 0..<(width * width) { modules[index] = code.pointee.data[index] & 1 == 1 }
        self.size = width
        self.modules = modules
    }

    /// Whether the module at column `x`, row `y` is dark.
    public func isDark(x: Int, y: Int) -> Bool { modules[y * size + x] }

    /// An SVG image: one path of unit squares, a 4-module quiet zone, `scale` pixels per module.
    public func svg(scale: Int = 8) -> String {
        let quiet = 4, side = size + 2 * quiet
        var path = ""
        for row in 0..<size {
            for column in 0..<size where isDark(x: column, y: row) { path += "M\(column + quiet) \(row + quiet)h1v1h-1z" }
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(side) \(side)" width="\(side * scale)" height="\(side * scale)" shape-rendering="crispEdges">\
            <rect width="100%" height="100%" fill="#fff"/><path fill="#000" d="\(path)"/></svg>
            """
    }

    /// A PNG image (8-bit greyscale), a 4-module quiet zone, `scale` pixels per module; compressed with zlib.
    public func png(scale: Int = 8) -> [UInt8] {
        let quiet = 4, pixels = (size + 2 * quiet) * scale
        var raw: [UInt8] = []
        raw.reserveCapacity((pixels + 1) * pixels)
        for py in 0..<pixels {
            raw.append(0)  // filter: none
            let row = py / scale - quiet
            for px in 0..<pixels {
                let column = px / scale - quiet
                let dark = column >= 0 && row >= 0 && column < size && row < size && isDark(x: column, y: row)
                raw.append(dark ? 0 : 255)
            }
        }
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header: [UInt8] = []
        header += Self.bigEndian(UInt32(pixels)) + Self.bigEndian(UInt32(pixels))
        header += [8, 0, 0, 0, 0]  // bit depth 8, greyscale, deflate, adaptive filtering, no interlace
        Self.chunk("IHDR", header, into: &out)
        Self.chunk("IDAT", Self.zlibCompress(raw), into: &out)
        Self.chunk("IEND", [], into: &out)
        return out
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] { [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)] }

    static func chunk(_ type: String, _ data: [UInt8], into out: inout [UInt8]) {
        let typeBytes = Array(type.utf8)
        out += bigEndian(UInt32(data.count)) + typeBytes + data
        let body = typeBytes + data
        let crc = body.withUnsafeBufferPointer { CZlib.crc32(0, $0.baseAddress, uInt($0.count)) }
        out += bigEndian(UInt32(truncatingIfNeeded: crc))
    }

    static func zlibCompress(_ input: [UInt8]) -> [UInt8] {
        var length = compressBound(uLong(input.count))
        var output = [UInt8](repeating: 0, count: Int(length))
        let status = output.withUnsafeMutableBufferPointer { out in
            input.withUnsafeBufferPointer { inp in compress2(out.baseAddress, &length, inp.baseAddress, uLong(inp.count), 9) }
        }
        precondition(status == Z_OK, "zlib compress2 failed with an output buffer of compressBound size")
        return Array(output.prefix(Int(length)))
    }
}
