import Multiformats

/// A Bitstring Status List: a fixed-length sequence of status entries, each `statusSize` bits wide.
///
/// Bit 0 is the most significant bit of byte 0 (Bitstring Status List §2.2, §7.1): the
/// left-most bit when the list is written out, which is what every other implementation reads.
public struct Bitstring: Sendable, Hashable {
    /// The raw bytes, most significant bit first.
    public private(set) var bytes: [UInt8]

    /// The minimum list length the spec allows: 131,072 bits (16 KiB), for herd privacy.
    public static let minimumBitCount = 131_072

    /// The largest decoded list accepted by default: 16 MiB (134,217,728 bits).
    public static let defaultMaximumBytes = 16 * 1024 * 1024

    /// A list of `bitCount` zero bits; `bitCount` is rounded up to whole bytes.
    public init(bitCount: Int = Bitstring.minimumBitCount) {
        bytes = [UInt8](repeating: 0, count: (max(bitCount, 0) + 7) / 8)
    }

    /// A list over existing bytes.
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// The number of bits.
    public var bitCount: Int { bytes.count * 8 }

    /// Reads one bit; `nil` when the index is out of range.
    public func bit(at index: Int) -> Bool? {
        guard index >= 0, index < bitCount else { return nil }
        return bytes[index >> 3] & (0x80 >> UInt8(index & 7)) != 0
    }

    /// Sets or clears one bit.
    public mutating func setBit(at index: Int, to value: Bool) throws(StatusListError) {
        guard index >= 0, index < bitCount else {
            throw StatusListError(.range, "index \(index) is outside a list of \(bitCount) bits")
        }
        let mask = UInt8(0x80) >> UInt8(index & 7)
        if value { bytes[index >> 3] |= mask } else { bytes[index >> 3] &= ~mask }
    }

    /// Reads the status value of entry `index` when each entry is `statusSize` bits wide.
    ///
    /// The first bit of the entry is the most significant bit of the value.
    public func status(at index: Int, statusSize: Int = 1) throws(StatusListError) -> UInt64 {
        guard statusSize >= 1, statusSize <= 64 else {
            throw StatusListError(.malformedValue, "statusSize \(statusSize) is not between 1 and 64")
        }
        let (start, overflow) = index.multipliedReportingOverflow(by: statusSize)
        guard index >= 0, !overflow, start + statusSize <= bitCount else {
            throw StatusListError(.range, "entry \(index) (statusSize \(statusSize)) is outside a list of \(bitCount) bits")
        }
        var value: UInt64 = 0
        for offset in 0..<statusSize {
            value = value << 1 | (bit(at: start + offset)! ? 1 : 0)
        }
        return value
    }

    /// The `encodedList` form: GZIP, then base64url without padding, with the multibase prefix `u`.
    public func encoded() throws(StatusListError) -> String {
        Multibase.encode(try GZip.compress(bytes), as: .base64url)
    }

    /// Decodes an `encodedList`, refusing lists larger than `maximumBytes` before inflating them.
    ///
    /// The multibase prefix `u` is required by the spec (a StatusList2021 list, which has none, is read with
    /// ``init(base64URLGZip:maximumBytes:)``).
    public init(encoded: String, maximumBytes: Int = Bitstring.defaultMaximumBytes) throws(StatusListError) {
        guard encoded.first == "u" else {
            throw StatusListError(.malformedValue, "encodedList must start with the multibase prefix 'u' (base64url)")
        }
        try self.init(base64URLGZip: String(encoded.dropFirst()), maximumBytes: maximumBytes)
    }

    /// Decodes a StatusList2021 `encodedList`: GZIP, then base64url with no multibase prefix (padding tolerated,
    /// as some 2021 issuers wrote it), refusing lists larger than `maximumBytes` before inflating them.
    public init(base64URLGZip text: String, maximumBytes: Int = Bitstring.defaultMaximumBytes) throws(StatusListError) {
        var unpadded = Substring(text)
        while unpadded.last == "=" { unpadded = unpadded.dropLast() }
        guard let compressed = try? Base64URL.decode(String(unpadded)) else {
            throw StatusListError(.malformedValue, "encodedList is not base64url")
        }
        bytes = try GZip.decompress(compressed, maxBytes: maximumBytes)
    }
}
