/// An error from reading JAdES input: a seal document, a certificate, a key, or a trust-anchor folder.
///
/// Verification itself never throws: it reports each check in a ``JAdESVerificationResult``.
/// Errors are for inputs the caller hands over (PEM files, payloads to seal) that cannot be used at all.
/// Like `CertificateError` in swift-certificates, equality compares the ``code`` only, so messages can improve
/// without breaking callers that match on codes.
public struct JAdESError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, machine-matchable error kind.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The code's stable name.
        public let name: String
        public var description: String { name }

        /// The document is not JSON, or not a JWS JSON serialization.
        public static let malformedDocument = Code(name: "malformedDocument")
        /// A header member is missing, of the wrong type, or not decodable.
        public static let malformedHeader = Code(name: "malformedHeader")
        /// A certificate could not be decoded (PEM, DER or base64).
        public static let invalidCertificate = Code(name: "invalidCertificate")
        /// A private key could not be decoded or is of an unsupported kind.
        public static let invalidKey = Code(name: "invalidKey")
        /// The private key does not belong to the seal certificate, or does not suit the algorithm.
        public static let keyMismatch = Code(name: "keyMismatch")
        /// The requested algorithm is not on the allow-list.
        public static let unsupportedAlgorithm = Code(name: "unsupportedAlgorithm")
        /// The payload cannot be carried unencoded (it is not valid UTF-8 text).
        public static let invalidPayload = Code(name: "invalidPayload")
        /// The signing primitive failed.
        public static let signingFailed = Code(name: "signingFailed")
        /// A file or folder could not be read.
        public static let unreadable = Code(name: "unreadable")
    }

    /// What went wrong.
    public let code: Code
    /// A human-readable explanation naming the offending field or file.
    public let message: String
    /// Where in the input the problem is (a JSON path such as `$.signatures[0].protected`, or a file path), if known.
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

    public static func == (lhs: JAdESError, rhs: JAdESError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
