/// A failure to resolve a DID, read a DID document, or bind a verification method to a controller.
///
/// Errors compare by ``code`` only. Each rule of verification-method binding has its own code,
/// so a verifier can report exactly which rule a proof broke.
public struct DIDError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure; new codes can be added without breaking callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The code's stable name.
        public let name: String
        public var description: String { name }

        /// The text is not a syntactically valid DID (or DID URL) for its method.
        public static let invalidDID = Code(name: "invalidDID")
        /// The DID method is not one this resolver handles.
        public static let methodNotSupported = Code(name: "methodNotSupported")
        /// No document exists for the DID (e.g. no `did.json` in the did:web directory).
        public static let notFound = Code(name: "notFound")
        /// Resolution over HTTPS was needed but is not enabled or not available.
        public static let networkNotEnabled = Code(name: "networkNotEnabled")
        /// The DID document is not valid JSON or breaks the DID/CID data model.
        public static let invalidDocument = Code(name: "invalidDocument")
        /// The DID document is larger than the configured limit.
        public static let documentTooLarge = Code(name: "documentTooLarge")
        /// The resolved document's `id` is not the DID that was resolved.
        public static let documentIDMismatch = Code(name: "documentIDMismatch")
        /// A verification method object is malformed or of an unsupported type.
        public static let invalidVerificationMethod = Code(name: "invalidVerificationMethod")
        /// The key in a verification method is malformed or of the wrong type.
        public static let invalidKey = Code(name: "invalidKey")
        /// The controller document does not contain the verification method.
        public static let verificationMethodNotFound = Code(name: "verificationMethodNotFound")
        /// The verification method is not listed under the required relationship.
        public static let relationshipNotAuthorized = Code(name: "relationshipNotAuthorized")
        /// The verification method's `controller` is not the document it was found in.
        public static let controllerDocumentMismatch = Code(name: "controllerDocumentMismatch")
        /// The verification method's controller is not the expected one (issuer or holder).
        public static let controllerMismatch = Code(name: "controllerMismatch")
    }

    /// The kind of failure.
    public let code: Code
    /// A human-readable explanation naming the DID, method or member concerned.
    public let message: String
    /// Where the failure is: a DID, a DID URL, a file path or a JSON path.
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

    public static func == (lhs: DIDError, rhs: DIDError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
