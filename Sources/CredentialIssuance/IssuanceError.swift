import CredentialJSON

/// A failure of the issuing pipeline, with a stable code and where it happened.
public typealias IssuanceError = LocatedError<IssuanceErrors>

/// The codes of ``IssuanceError``.
public enum IssuanceErrors: ErrorDomain {}

extension LocatedError.Code where Domain == IssuanceErrors {
    /// The template is not JSON, or a member is missing or has the wrong shape.
    public static var invalidTemplate: Self { Self(name: "invalidTemplate") }
    /// The recipients file cannot be read as CSV or lacks a required column.
    public static var invalidRecipients: Self { Self(name: "invalidRecipients") }
    /// More row problems than `maxErrors`: nothing was issued.
    public static var tooManyRowErrors: Self { Self(name: "tooManyRowErrors") }
    /// The key or seal certificate cannot be used.
    public static var invalidKey: Self { Self(name: "invalidKey") }
    /// A built credential failed the EDC profile rules (a template problem).
    public static var profileViolation: Self { Self(name: "profileViolation") }
    /// A built credential breaks a VC data model rule (a template problem); see ``IssuerChecks``.
    public static var dataModelViolation: Self { Self(name: "dataModelViolation") }
    /// Signing or sealing failed.
    public static var securing: Self { Self(name: "securing") }
    /// The registry refused or failed.
    public static var registry: Self { Self(name: "registry") }
    /// An output file could not be written.
    public static var output: Self { Self(name: "output") }
}
