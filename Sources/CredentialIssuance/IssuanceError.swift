import CredentialJSON

/// A failure of the issuing pipeline, with a stable code and where it happened.
public struct IssuanceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, stable across releases.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let name: String
        public var description: String { name }
        /// The template is not JSON, or a member is missing or has the wrong shape.
        public static let invalidTemplate = Code(name: "invalidTemplate")
        /// The recipients file cannot be read as CSV or lacks a required column.
        public static let invalidRecipients = Code(name: "invalidRecipients")
        /// More row problems than `maxErrors`: nothing was issued.
        public static let tooManyRowErrors = Code(name: "tooManyRowErrors")
        /// The key or seal certificate cannot be used.
        public static let invalidKey = Code(name: "invalidKey")
        /// A built credential failed the EDC profile rules (a template problem).
        public static let profileViolation = Code(name: "profileViolation")
        /// Signing or sealing failed.
        public static let securing = Code(name: "securing")
        /// The registry refused or failed.
        public static let registry = Code(name: "registry")
        /// An output file could not be written.
        public static let output = Code(name: "output")
    }

    public let code: Code
    public let message: String
    /// Where: a file name, optionally with a JSON path (`template.json: $.learningOutcomes[1].escoSkill`)
    /// or a line (`recipients.csv:12`).
    public let location: String?

    public init(_ code: Code, _ message: String, location: String? = nil) {
        self.code = code
        self.message = message
        self.location = location
    }

    public var description: String {
        if let location { return "\(location): \(message)" }
        return message
    }
}
