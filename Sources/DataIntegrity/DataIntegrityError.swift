import CredentialJSON

/// A Data Integrity failure with a stable code, a message and, where known, the JSON path it concerns.
///
/// Codes follow VC Data Integrity 1.0 §4.7 (their `type` URL is ``typeURL``); the few that the
/// specification leaves unnamed (issuer binding, unusable verification method) have project codes.
/// Equality compares only the code, as swift-certificates' errors do.
public struct DataIntegrityError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable error code; new codes can be added without breaking callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The code's name as the specification spells it, e.g. `PROOF_VERIFICATION_ERROR`.
        public let name: String
        public var description: String { name }
        public init(name: String) { self.name = name }

        /// The secured document or its `proof` is not a map (DI §4.4 step 2).
        public static let parsingError = Code(name: "PARSING_ERROR")
        /// A proof could not be created from the given document, options or key (DI §4.2).
        public static let proofGenerationError = Code(name: "PROOF_GENERATION_ERROR")
        /// A proof is missing required members, names an unknown proof, or its signature does not verify (DI §4.4).
        public static let proofVerificationError = Code(name: "PROOF_VERIFICATION_ERROR")
        /// The document could not be transformed (canonicalized) for this cryptosuite.
        public static let proofTransformationError = Code(name: "PROOF_TRANSFORMATION_ERROR")
        /// A proof member has the wrong shape (e.g. `proofValue` not base58btc multibase, a bad dateTimeStamp).
        public static let malformedProofError = Code(name: "MALFORMED_PROOF_ERROR")
        /// `proofPurpose` is not the purpose the verifier expects.
        public static let mismatchedProofPurposeError = Code(name: "MISMATCHED_PROOF_PURPOSE_ERROR")
        /// The proof's `domain` differs from the expected domain.
        public static let invalidDomainError = Code(name: "INVALID_DOMAIN_ERROR")
        /// The proof's `challenge` differs from the expected challenge.
        public static let invalidChallengeError = Code(name: "INVALID_CHALLENGE_ERROR")
        /// JSON-LD processing would drop data (an undefined term, a relative IRI) (DI §2.4.3).
        public static let dataLossDetectionError = Code(name: "DATA_LOSS_DETECTION_ERROR")
        /// The proof's `expires` is in the past.
        public static let proofExpiredError = Code(name: "PROOF_EXPIRED_ERROR")
        /// The verification method cannot be resolved, has an unusable key, or is not authorized for the purpose.
        public static let invalidVerificationMethod = Code(name: "INVALID_VERIFICATION_METHOD")
        /// The verification method's controller is not the credential's issuer (or the presentation's holder).
        public static let issuerMismatch = Code(name: "ISSUER_MISMATCH")
    }

    /// What went wrong, as a stable code.
    public let code: Code
    /// A readable explanation naming the field or value concerned (never key material).
    public let message: String
    /// The JSON location concerned, e.g. `$.proof[1].created`, when there is one.
    public let path: JSONPath?

    public init(_ code: Code, _ message: String, path: JSONPath? = nil) {
        self.code = code
        self.message = message
        self.path = path
    }

    /// The error's `type` URL as DI §4.7 defines it (`https://w3id.org/security#` + code).
    public var typeURL: String { "https://w3id.org/security#" + code.name }

    public var description: String {
        if let path { return "\(code.name) at \(path): \(message)" }
        return "\(code.name): \(message)"
    }

    public static func == (lhs: DataIntegrityError, rhs: DataIntegrityError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
