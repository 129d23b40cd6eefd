import CredentialJSON

/// An error from reading JAdES input: a seal document, a certificate, a key, or a trust-anchor folder.
///
/// Verification itself never throws: it reports each check in a ``JAdESVerificationResult``.
/// Errors are for inputs the caller hands over (PEM files, payloads to seal) that cannot be used at all.
/// Like `CertificateError` in swift-certificates, equality compares the ``code`` only, so messages can improve
/// without breaking callers that match on codes.
public typealias JAdESError = LocatedError<JAdESErrors>

/// The codes of ``JAdESError``.
public enum JAdESErrors: ErrorDomain {}

extension LocatedError.Code where Domain == JAdESErrors {
    /// The document is not JSON, or not a JWS JSON serialization.
    public static var malformedDocument: Self { Self(name: "malformedDocument") }
    /// A header member is missing, of the wrong type, or not decodable.
    public static var malformedHeader: Self { Self(name: "malformedHeader") }
    /// A certificate could not be decoded (PEM, DER or base64).
    public static var invalidCertificate: Self { Self(name: "invalidCertificate") }
    /// A private key could not be decoded or is of an unsupported kind.
    public static var invalidKey: Self { Self(name: "invalidKey") }
    /// The private key does not belong to the seal certificate, or does not suit the algorithm.
    public static var keyMismatch: Self { Self(name: "keyMismatch") }
    /// The requested algorithm is not on the allow-list.
    public static var unsupportedAlgorithm: Self { Self(name: "unsupportedAlgorithm") }
    /// The payload cannot be carried unencoded (it is not valid UTF-8 text).
    public static var invalidPayload: Self { Self(name: "invalidPayload") }
    /// The signing primitive failed.
    public static var signingFailed: Self { Self(name: "signingFailed") }
    /// A file or folder could not be read.
    public static var unreadable: Self { Self(name: "unreadable") }
    /// An RFC 3161 time-stamp token or reply is malformed, does not verify, or does not fit the signature it stamps.
    public static var invalidTimeStamp: Self { Self(name: "invalidTimeStamp") }
}
