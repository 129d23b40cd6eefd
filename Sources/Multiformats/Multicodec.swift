/// Unsigned LEB128 varints as multiformats uses them (at most 9 bytes, minimal encoding only).
public enum UnsignedVarint {
    /// The varint bytes of a value.
    public static func encode(_ value: UInt64) -> [UInt8] {
        var remaining = value
        var out: [UInt8] = []
        repeat {
            var byte = UInt8(remaining & 0x7f)
            remaining >>= 7
            if remaining != 0 { byte |= 0x80 }
            out.append(byte)
        } while remaining != 0
        return out
    }

    /// Reads a varint from the start of `bytes`, returning the value and how many bytes it took.
    ///
    /// Non-minimal forms (a trailing `0x00` continuation, e.g. `0x81 0x00` for 1) are rejected:
    /// the multiformats spec requires minimal encoding, and accepting both would give one key
    /// two distinct multibase strings.
    public static func decode<Bytes: RandomAccessCollection>(_ bytes: Bytes) throws(MultiformatsError) -> (value: UInt64, length: Int)
    where Bytes.Element == UInt8, Bytes.Index == Int {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        var count = 0
        for byte in bytes {
            count += 1
            if count > 9 {
                throw MultiformatsError(.invalidVarint, "varint is longer than 9 bytes", offset: 0)
            }
            value |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 {
                if byte == 0 && count > 1 {
                    throw MultiformatsError(.invalidVarint, "varint is not minimally encoded", offset: count - 1)
                }
                return (value, count)
            }
            shift += 7
        }
        throw MultiformatsError(.invalidVarint, "varint is truncated", offset: count)
    }
}

/// The multicodec key types that Multikey (and so did:key, eddsa-* and ecdsa-*) use.
///
/// Each codec fixes the exact length of the key that follows its header; see
/// ``expectedKeyLength``. Public EC keys are always in compressed SEC1 form.
public enum KeyCodec: UInt64, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `ed25519-pub`, header `0xed 0x01`, 32-byte key.
    case ed25519Public = 0xed
    /// `p256-pub`, header `0x80 0x24`, 33-byte compressed point.
    case p256Public = 0x1200
    /// `p384-pub`, header `0x81 0x24`, 49-byte compressed point.
    case p384Public = 0x1201
    /// `ed25519-priv`, header `0x80 0x26`, 32-byte seed.
    case ed25519Secret = 0x1300
    /// `p256-priv`, header `0x86 0x26`, 32-byte scalar.
    case p256Secret = 0x1306
    /// `p384-priv`, header `0x87 0x26`, 48-byte scalar.
    case p384Secret = 0x1307

    /// The number of key bytes that must follow the header.
    public var expectedKeyLength: Int {
        switch self {
        case .ed25519Public, .ed25519Secret, .p256Secret: return 32
        case .p256Public: return 33
        case .p384Public: return 49
        case .p384Secret: return 48
        }
    }

    /// The varint header bytes.
    public var header: [UInt8] { UnsignedVarint.encode(rawValue) }

    /// Whether this codec carries secret key material.
    public var isSecret: Bool {
        switch self {
        case .ed25519Secret, .p256Secret, .p384Secret: return true
        case .ed25519Public, .p256Public, .p384Public: return false
        }
    }

    /// The multicodec table name, e.g. `ed25519-pub`.
    public var name: String {
        switch self {
        case .ed25519Public: return "ed25519-pub"
        case .p256Public: return "p256-pub"
        case .p384Public: return "p384-pub"
        case .ed25519Secret: return "ed25519-priv"
        case .p256Secret: return "p256-priv"
        case .p384Secret: return "p384-priv"
        }
    }

    public var description: String { name }
}

/// A key wrapped in its multicodec header, as carried by `publicKeyMultibase` and
/// `secretKeyMultibase` (Controlled Identifiers §2.2.2, Multikey).
///
/// The ``description`` of a secret key never shows the key bytes.
public struct MulticodecKey: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The key's codec.
    public let codec: KeyCodec
    /// The raw key bytes after the header (length equals `codec.expectedKeyLength`).
    public let keyBytes: [UInt8]

    /// Wraps raw key bytes, checking their length against the codec.
    public init<Bytes: Collection>(codec: KeyCodec, keyBytes: Bytes) throws(MultiformatsError) where Bytes.Element == UInt8 {
        let bytes = Array(keyBytes)
        guard bytes.count == codec.expectedKeyLength else {
            throw MultiformatsError(
                .wrongKeyLength,
                "\(codec.name) key must be \(codec.expectedKeyLength) bytes, found \(bytes.count)"
            )
        }
        self.codec = codec
        self.keyBytes = bytes
    }

    /// Parses header-plus-key bytes; an unknown header or a wrong length is an error.
    public init<Bytes: Collection>(bytes: Bytes) throws(MultiformatsError) where Bytes.Element == UInt8 {
        let all = Array(bytes)
        guard !all.isEmpty else { throw MultiformatsError(.emptyInput, "multicodec value is empty") }
        let (value, length) = try UnsignedVarint.decode(all)
        guard let codec = KeyCodec(rawValue: value) else {
            let hex = all.prefix(length).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
            throw MultiformatsError(
                .unsupportedMulticodec,
                "multicodec header 0x\(hex) is not a supported key type "
                    + "(ed25519-pub 0xed01, p256-pub 0x8024, p384-pub 0x8124, ed25519-priv 0x8026, p256-priv 0x8626, p384-priv 0x8726)",
                offset: 0
            )
        }
        try self.init(codec: codec, keyBytes: all[length...])
    }

    /// Parses a multibase string (`z` or `u`) holding header-plus-key bytes.
    ///
    /// Multikey requires base58btc, so pass `requiring: .base58btc` (the default) for
    /// `publicKeyMultibase` / `secretKeyMultibase`.
    public init(multibase: String, requiring encoding: Multibase.Encoding? = .base58btc) throws(MultiformatsError) {
        let bytes: [UInt8]
        if let encoding {
            bytes = try Multibase.decode(multibase, requiring: encoding)
        } else {
            bytes = try Multibase.decode(multibase).bytes
        }
        try self.init(bytes: bytes)
    }

    /// Header followed by the key bytes.
    public var bytes: [UInt8] { codec.header + keyBytes }

    /// The base58btc multibase form (`z…`), as `publicKeyMultibase` and `secretKeyMultibase` use.
    public var multibase: String { Multibase.encode(bytes, as: .base58btc) }

    public var description: String {
        codec.isSecret ? "MulticodecKey(\(codec.name), <redacted>)" : "MulticodecKey(\(codec.name), \(multibase))"
    }

    public var debugDescription: String { description }
}
