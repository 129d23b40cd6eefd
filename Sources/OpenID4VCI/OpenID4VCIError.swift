import CredentialJSON

/// An error answer of the token, nonce or credential endpoint, with the codes OpenID4VCI 1.0 and RFC 6749/6750 define.
///
/// Domain only: the HTTP status is a property, the HTTP module turns it into a response.
public struct OpenID4VCIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The `error` code.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let name: String
        /// The HTTP status the code is answered with.
        public let status: Int
        public var description: String { name }

        // RFC 6749 §5.2 (token endpoint); OpenID4VCI 1.0 §6.3.
        public static let invalidRequest = Code(name: "invalid_request", status: 400)
        public static let invalidGrant = Code(name: "invalid_grant", status: 400)
        public static let unsupportedGrantType = Code(name: "unsupported_grant_type", status: 400)
        public static let invalidClient = Code(name: "invalid_client", status: 401)
        // RFC 6750 §3.1 (credential endpoint's bearer token).
        public static let invalidToken = Code(name: "invalid_token", status: 401)
        // OpenID4VCI 1.0 §8.3.1.2 (credential error response).
        public static let invalidCredentialRequest = Code(name: "invalid_credential_request", status: 400)
        public static let unknownCredentialConfiguration = Code(name: "unknown_credential_configuration", status: 400)
        public static let unknownCredentialIdentifier = Code(name: "unknown_credential_identifier", status: 400)
        public static let invalidProof = Code(name: "invalid_proof", status: 400)
        public static let invalidNonce = Code(name: "invalid_nonce", status: 400)
        public static let credentialRequestDenied = Code(name: "credential_request_denied", status: 400)
    }

    public let code: Code
    /// `error_description`: what exactly is wrong (never a secret).
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.name): \(message)" }

    /// The JSON error body.
    public var json: JSONValue { .object(["error": .string(code.name), "error_description": .string(message)]) }
}
