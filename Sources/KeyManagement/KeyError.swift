import Multiformats

/// A failure to create, parse, store, load or use a key.
///
/// Errors compare by ``code`` only. Messages are written for people and are safe to log:
/// they name files, key types and lengths, but never contain key material (not even a
/// fragment of a PEM body or a JWK `d` value).
public struct KeyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure; new codes can be added without breaking callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The code's stable name.
        public let name: String
        public var description: String { name }

        /// The key type is not one this project supports (or not for this operation).
        public static let unsupportedKeyType = Code(name: "unsupportedKeyType")
        /// The PEM text is malformed, has an unsupported label, or holds an unsupported algorithm.
        public static let invalidPEM = Code(name: "invalidPEM")
        /// The DER (PKCS#8, SEC1, PKCS#1, SPKI) structure is malformed or inconsistent.
        public static let invalidDER = Code(name: "invalidDER")
        /// The PEM is encrypted; it must be decrypted first.
        public static let encryptedKey = Code(name: "encryptedKey")
        /// Key bytes are the wrong length or not a valid key for their curve.
        public static let invalidKey = Code(name: "invalidKey")
        /// The RSA modulus size is not 2048, 3072 or 4096 bits.
        public static let unsupportedKeySize = Code(name: "unsupportedKeySize")
        /// A Multikey value is malformed or uses an unexpected codec.
        public static let invalidMultikey = Code(name: "invalidMultikey")
        /// A JWK is malformed, incomplete or of an unsupported kind.
        public static let invalidJWK = Code(name: "invalidJWK")
        /// A public JWK carries private members (`d`, `p`, `q`, …).
        public static let privateMaterialInPublicJWK = Code(name: "privateMaterialInPublicJWK")
        /// A signature algorithm was requested that does not fit the key.
        public static let algorithmMismatch = Code(name: "algorithmMismatch")
        /// The underlying library refused to sign.
        public static let signingFailed = Code(name: "signingFailed")
        /// A key name is not usable as a file name.
        public static let invalidName = Code(name: "invalidName")
        /// The named key does not exist in the store.
        public static let keyNotFound = Code(name: "keyNotFound")
        /// A key with that name exists and overwriting was not requested.
        public static let keyExists = Code(name: "keyExists")
        /// The private key file is readable by group or others.
        public static let insecurePermissions = Code(name: "insecurePermissions")
        /// A file could not be read or written.
        public static let fileError = Code(name: "fileError")
    }

    /// The kind of failure.
    public let code: Code
    /// A human-readable explanation, safe to log.
    public let message: String
    /// The file or field the failure concerns, when known (a path, or a JWK member name).
    public let location: String?

    /// Creates an error.
    public init(_ code: Code, _ message: String, location: String? = nil) {
        self.code = code
        self.message = message
        self.location = location
    }

    public var description: String {
        if let location { return "\(location): \(message)" }
        return message
    }

    public static func == (lhs: KeyError, rhs: KeyError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// Wraps a multiformats failure; its message holds no key bytes.
    init(multikey error: MultiformatsError, location: String? = nil) {
        self.init(.invalidMultikey, error.message, location: location)
    }
}
