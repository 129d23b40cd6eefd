import CredentialJSON

/// A failure to resolve a DID, read a DID document, or bind a verification method to a controller.
///
/// Errors compare by ``code`` only. Each rule of verification-method binding has its own code,
/// so a verifier can report exactly which rule a proof broke.
public typealias DIDError = LocatedError<DIDErrors>

/// The codes of ``DIDError``.
public enum DIDErrors: ErrorDomain {}

extension LocatedError.Code where Domain == DIDErrors {
    /// The text is not a syntactically valid DID (or DID URL) for its method.
    public static var invalidDID: Self { Self(name: "invalidDID") }
    /// The DID method is not one this resolver handles.
    public static var methodNotSupported: Self { Self(name: "methodNotSupported") }
    /// No document exists for the DID (e.g. no `did.json` in the did:web directory).
    public static var notFound: Self { Self(name: "notFound") }
    /// Resolution over HTTPS was needed but is not enabled or not available.
    public static var networkNotEnabled: Self { Self(name: "networkNotEnabled") }
    /// The DID document is not valid JSON or breaks the DID/CID data model.
    public static var invalidDocument: Self { Self(name: "invalidDocument") }
    /// The DID document is larger than the configured limit.
    public static var documentTooLarge: Self { Self(name: "documentTooLarge") }
    /// The resolved document's `id` is not the DID that was resolved.
    public static var documentIDMismatch: Self { Self(name: "documentIDMismatch") }
    /// A verification method object is malformed or of an unsupported type.
    public static var invalidVerificationMethod: Self { Self(name: "invalidVerificationMethod") }
    /// The key in a verification method is malformed or of the wrong type.
    public static var invalidKey: Self { Self(name: "invalidKey") }
    /// The controller document does not contain the verification method.
    public static var verificationMethodNotFound: Self { Self(name: "verificationMethodNotFound") }
    /// The verification method is not listed under the required relationship.
    public static var relationshipNotAuthorized: Self { Self(name: "relationshipNotAuthorized") }
    /// The verification method's `controller` is not the document it was found in.
    public static var controllerDocumentMismatch: Self { Self(name: "controllerDocumentMismatch") }
    /// The verification method's controller is not the expected one (issuer or holder).
    public static var controllerMismatch: Self { Self(name: "controllerMismatch") }
}
