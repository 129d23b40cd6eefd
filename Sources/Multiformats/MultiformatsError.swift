/// A failure to decode or encode a multiformats value.
///
/// Errors compare by ``code`` only, so callers and tests can match on the kind of failure
/// while the message stays free to improve. Messages never echo the decoded bytes: these
/// routines also decode secret keys.
public struct MultiformatsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure; new codes can be added without breaking callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The code's stable name.
        public let name: String
        public var description: String { name }

        /// A character outside the encoding's alphabet.
        public static let invalidCharacter = Code(name: "invalidCharacter")
        /// Input that is empty where something is required.
        public static let emptyInput = Code(name: "emptyInput")
        /// A base64url string with `=` padding, an impossible length, or non-zero trailing bits.
        public static let nonCanonicalEncoding = Code(name: "nonCanonicalEncoding")
        /// A multibase prefix other than `z` (base58btc) or `u` (base64url).
        public static let unsupportedMultibase = Code(name: "unsupportedMultibase")
        /// A multibase value whose prefix is not the one the caller requires.
        public static let unexpectedMultibase = Code(name: "unexpectedMultibase")
        /// A truncated, overlong or non-minimal unsigned varint.
        public static let invalidVarint = Code(name: "invalidVarint")
        /// A multicodec header that is not one of the supported key codecs.
        public static let unsupportedMulticodec = Code(name: "unsupportedMulticodec")
        /// A key whose length does not match its multicodec.
        public static let wrongKeyLength = Code(name: "wrongKeyLength")
        /// Input longer than the configured limit.
        public static let tooLong = Code(name: "tooLong")
    }

    /// The kind of failure.
    public let code: Code
    /// A human-readable explanation, safe to log.
    public let message: String
    /// The character or byte offset in the input where the failure was found, when known.
    public let offset: Int?

    /// Creates an error.
    public init(_ code: Code, _ message: String, offset: Int? = nil) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    public var description: String {
        if let offset { return "\(message) (at offset \(offset))" }
        return message
    }

    public static func == (lhs: MultiformatsError, rhs: MultiformatsError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
