import CredentialJSON
import Multiformats

/// A failure to create, parse, store, load or use a key.
///
/// Errors compare by ``code`` only. Messages are written for people and are safe to log:
/// they name files, key types and lengths, but never contain key material (not even a
/// fragment of a PEM body or a JWK `d` value).
public typealias KeyError = LocatedError<KeyErrors>

/// The codes of ``KeyError``.
public enum KeyErrors: ErrorDomain {}

extension LocatedError.Code where Domain == KeyErrors {
    /// The key type is not one this project supports (or not for this operation).
    public static var unsupportedKeyType: Self { Self(name: "unsupportedKeyType") }
    /// The PEM text is malformed, has an unsupported label, or holds an unsupported algorithm.
    public static var invalidPEM: Self { Self(name: "invalidPEM") }
    /// The DER (PKCS#8, SEC1, PKCS#1, SPKI) structure is malformed or inconsistent.
    public static var invalidDER: Self { Self(name: "invalidDER") }
    /// The PEM is encrypted; it must be decrypted first.
    public static var encryptedKey: Self { Self(name: "encryptedKey") }
    /// Key bytes are the wrong length or not a valid key for their curve.
    public static var invalidKey: Self { Self(name: "invalidKey") }
    /// The RSA modulus size is not 2048, 3072 or 4096 bits.
    public static var unsupportedKeySize: Self { Self(name: "unsupportedKeySize") }
    /// A Multikey value is malformed or uses an unexpected codec.
    public static var invalidMultikey: Self { Self(name: "invalidMultikey") }
    /// A JWK is malformed, incomplete or of an unsupported kind.
    public static var invalidJWK: Self { Self(name: "invalidJWK") }
    /// A public JWK carries private members (`d`, `p`, `q`, …).
    public static var privateMaterialInPublicJWK: Self { Self(name: "privateMaterialInPublicJWK") }
    /// A signature algorithm was requested that does not fit the key.
    public static var algorithmMismatch: Self { Self(name: "algorithmMismatch") }
    /// The underlying library refused to sign.
    public static var signingFailed: Self { Self(name: "signingFailed") }
    /// A key name is not usable as a file name.
    public static var invalidName: Self { Self(name: "invalidName") }
    /// The named key does not exist in the store.
    public static var keyNotFound: Self { Self(name: "keyNotFound") }
    /// A key with that name exists and overwriting was not requested.
    public static var keyExists: Self { Self(name: "keyExists") }
    /// The private key file is readable by group or others.
    public static var insecurePermissions: Self { Self(name: "insecurePermissions") }
    /// A file could not be read or written.
    public static var fileError: Self { Self(name: "fileError") }
}

extension LocatedError where Domain == KeyErrors {
    /// Wraps a multiformats failure; its message holds no key bytes.
    init(multikey error: MultiformatsError, location: String? = nil) {
        self.init(.invalidMultikey, error.message, location: location)
    }
}
