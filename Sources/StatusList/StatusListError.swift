/// A status-list problem, with the Bitstring Status List error type where the spec names one.
public struct StatusListError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable problem codes; ``problemType`` gives the spec's RFC 9457 type where there is one.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let name: String
        public var description: String { name }
        /// The list credential could not be fetched or read (STATUS_RETRIEVAL_ERROR).
        public static let retrieval = Code(name: "STATUS_RETRIEVAL_ERROR")
        /// The list credential's proof, issuer or purpose did not check out (STATUS_VERIFICATION_ERROR).
        public static let verification = Code(name: "STATUS_VERIFICATION_ERROR")
        /// The list is shorter than the minimum length (STATUS_LIST_LENGTH_ERROR).
        public static let listLength = Code(name: "STATUS_LIST_LENGTH_ERROR")
        /// The index points outside the list (RANGE_ERROR).
        public static let range = Code(name: "RANGE_ERROR")
        /// A value does not have the form the spec requires (MALFORMED_VALUE_ERROR).
        public static let malformedValue = Code(name: "MALFORMED_VALUE_ERROR")
        /// The list is larger than this verifier accepts (a decompression-bomb guard).
        public static let listTooLarge = Code(name: "STATUS_LIST_TOO_LARGE")
        /// zlib failed while encoding.
        public static let encodingFailed = Code(name: "STATUS_LIST_ENCODING_FAILED")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The RFC 9457 problem `type` URL the spec defines for this code, when it defines one.
    public var problemType: String? {
        switch code {
        case .retrieval, .verification, .listLength, .range, .malformedValue:
            return "https://www.w3.org/ns/credentials/status-list#" + code.name
        default:
            return nil
        }
    }

    public var description: String { "\(code.name): \(message)" }

    public static func == (lhs: StatusListError, rhs: StatusListError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
