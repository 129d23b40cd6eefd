import CPKCS11
import CredentialJSON

/// A failure to load a PKCS#11 module, find a token or key on it, log in, or sign with it.
///
/// Every message is one line naming the cause, and the PKCS#11 return value (`CKR_…`) when the token gave one.
/// Messages never contain the PIN: the PIN is passed to `C_Login` and nowhere else.
public typealias PKCS11Error = LocatedError<PKCS11Errors>

/// The codes of ``PKCS11Error``.
public enum PKCS11Errors: ErrorDomain {}

extension LocatedError.Code where Domain == PKCS11Errors {
    /// The module file does not exist or cannot be read.
    public static var moduleNotFound: Self { Self(name: "moduleNotFound") }
    /// The file is not a shared library, or has no `C_GetFunctionList`: not a PKCS#11 module.
    public static var notAPKCS11Module: Self { Self(name: "notAPKCS11Module") }
    /// The module refused to initialise or answered a basic query with an error.
    public static var moduleFailed: Self { Self(name: "moduleFailed") }
    /// No module was named (`--pkcs11-module`, `SKILLCRED_PKCS11_MODULE` or the URI's `module-path`).
    public static var noModule: Self { Self(name: "noModule") }
    /// The key reference is not a usable RFC 7512 `pkcs11:` URI.
    public static var invalidURI: Self { Self(name: "invalidURI") }
    /// The PIN source is missing, malformed or unreadable.
    public static var pinSource: Self { Self(name: "pinSource") }
    /// No token matches the URI, or no token is present.
    public static var tokenNotFound: Self { Self(name: "tokenNotFound") }
    /// Several tokens match the URI.
    public static var ambiguousToken: Self { Self(name: "ambiguousToken") }
    /// `CKR_PIN_INCORRECT`.
    public static var wrongPIN: Self { Self(name: "wrongPIN") }
    /// `CKR_PIN_LOCKED`: too many wrong PINs; the security officer must unblock it.
    public static var pinLocked: Self { Self(name: "pinLocked") }
    /// `CKR_PIN_EXPIRED`, `CKR_PIN_INVALID`, `CKR_PIN_LEN_RANGE`, `CKR_USER_PIN_NOT_INITIALIZED`.
    public static var pinUnusable: Self { Self(name: "pinUnusable") }
    /// No private key (or certificate) matches the URI.
    public static var objectNotFound: Self { Self(name: "objectNotFound") }
    /// Several private keys match the URI.
    public static var ambiguousObject: Self { Self(name: "ambiguousObject") }
    /// The key is of a type skillcred does not sign with (e.g. RSA-1024, secp256k1).
    public static var unsupportedKeyType: Self { Self(name: "unsupportedKeyType") }
    /// The token (or this key) does not offer the mechanism the signature algorithm needs.
    public static var mechanismNotSupported: Self { Self(name: "mechanismNotSupported") }
    /// The token was removed or is not present.
    public static var tokenRemoved: Self { Self(name: "tokenRemoved") }
    /// The token is read-only (generating or storing objects).
    public static var writeProtected: Self { Self(name: "writeProtected") }
    /// The device reported a failure (`CKR_DEVICE_ERROR`, `CKR_GENERAL_ERROR`, memory, …).
    public static var deviceError: Self { Self(name: "deviceError") }
    /// Any other `CKR_…` value.
    public static var tokenError: Self { Self(name: "tokenError") }
}

/// A PKCS#11 return value: its `CKR_…` name, what it means, and the ``PKCS11Error`` code it maps to.
public struct PKCS11ReturnValue: Sendable, Hashable, CustomStringConvertible {
    /// The raw `CK_RV`.
    public let rawValue: UInt

    public init(_ rawValue: UInt) { self.rawValue = rawValue }

    /// `CKR_…` name, or `CKR_0x…` for values the header does not name (vendor codes).
    public var name: String { Self.table[rawValue]?.name ?? "CKR_0x" + String(rawValue, radix: 16) }

    /// A short explanation for people.
    public var reason: String {
        if let reason = Self.table[rawValue]?.reason { return reason }
        return rawValue >= 0x8000_0000 ? "a vendor-defined error; see the token's documentation" : "an error the PKCS#11 2.40 header does not name"
    }

    /// The error code a caller can match on.
    public var code: PKCS11Error.Code { Self.table[rawValue]?.code ?? .tokenError }

    public var description: String { "\(name) (\(reason))" }

    private typealias Entry = (name: String, reason: String, code: PKCS11Error.Code)

    // Every CKR_ value of the p11-kit header (PKCS#11 2.40): the name as the standard spells it, what it means
    // for someone signing credentials, and the code a caller matches on.
    private static let table: [UInt: Entry] = {
        let entries: [(CK_RV, String, String, PKCS11Error.Code)] = [
            (CK_RV(CKR_OK), "CKR_OK", "success", .tokenError),
            (CK_RV(CKR_CANCEL), "CKR_CANCEL", "the operation was cancelled", .tokenError),
            (CK_RV(CKR_HOST_MEMORY), "CKR_HOST_MEMORY", "the module ran out of memory", .deviceError),
            (CK_RV(CKR_SLOT_ID_INVALID), "CKR_SLOT_ID_INVALID", "the slot does not exist", .tokenNotFound),
            (CK_RV(CKR_GENERAL_ERROR), "CKR_GENERAL_ERROR", "the module failed unrecoverably", .deviceError),
            (CK_RV(CKR_FUNCTION_FAILED), "CKR_FUNCTION_FAILED", "the function failed", .deviceError),
            (CK_RV(CKR_ARGUMENTS_BAD), "CKR_ARGUMENTS_BAD", "the module rejected the arguments", .tokenError),
            (CK_RV(CKR_NO_EVENT), "CKR_NO_EVENT", "no slot event", .tokenError),
            (CK_RV(CKR_NEED_TO_CREATE_THREADS), "CKR_NEED_TO_CREATE_THREADS", "the module needs to create threads", .moduleFailed),
            (CK_RV(CKR_CANT_LOCK), "CKR_CANT_LOCK", "the module cannot use the requested locking", .moduleFailed),
            (CK_RV(CKR_ATTRIBUTE_READ_ONLY), "CKR_ATTRIBUTE_READ_ONLY", "an attribute cannot be set", .tokenError),
            (CK_RV(CKR_ATTRIBUTE_SENSITIVE), "CKR_ATTRIBUTE_SENSITIVE", "the attribute is sensitive and cannot be read", .tokenError),
            (CK_RV(CKR_ATTRIBUTE_TYPE_INVALID), "CKR_ATTRIBUTE_TYPE_INVALID", "the object has no such attribute", .tokenError),
            (CK_RV(CKR_ATTRIBUTE_VALUE_INVALID), "CKR_ATTRIBUTE_VALUE_INVALID", "an attribute value is invalid", .tokenError),
            (CK_RV(CKR_ACTION_PROHIBITED), "CKR_ACTION_PROHIBITED", "the token's policy prohibits the action", .mechanismNotSupported),
            (CK_RV(CKR_DATA_INVALID), "CKR_DATA_INVALID", "the data to sign is invalid for the mechanism", .tokenError),
            (CK_RV(CKR_DATA_LEN_RANGE), "CKR_DATA_LEN_RANGE", "the data to sign has a length the mechanism does not accept", .tokenError),
            (CK_RV(CKR_DEVICE_ERROR), "CKR_DEVICE_ERROR", "the device reported an error", .deviceError),
            (CK_RV(CKR_DEVICE_MEMORY), "CKR_DEVICE_MEMORY", "the device is out of memory", .deviceError),
            (CK_RV(CKR_DEVICE_REMOVED), "CKR_DEVICE_REMOVED", "the device was removed", .tokenRemoved),
            (CK_RV(CKR_ENCRYPTED_DATA_INVALID), "CKR_ENCRYPTED_DATA_INVALID", "the ciphertext is invalid", .tokenError),
            (CK_RV(CKR_ENCRYPTED_DATA_LEN_RANGE), "CKR_ENCRYPTED_DATA_LEN_RANGE", "the ciphertext length is out of range", .tokenError),
            (CK_RV(CKR_FUNCTION_CANCELED), "CKR_FUNCTION_CANCELED", "the function was cancelled", .tokenError),
            (CK_RV(CKR_FUNCTION_NOT_PARALLEL), "CKR_FUNCTION_NOT_PARALLEL", "no function is running in parallel", .tokenError),
            (CK_RV(CKR_FUNCTION_NOT_SUPPORTED), "CKR_FUNCTION_NOT_SUPPORTED", "the module does not implement this function", .mechanismNotSupported),
            (CK_RV(CKR_KEY_HANDLE_INVALID), "CKR_KEY_HANDLE_INVALID", "the key handle is no longer valid", .objectNotFound),
            (CK_RV(CKR_KEY_SIZE_RANGE), "CKR_KEY_SIZE_RANGE", "the token does not support this key size", .unsupportedKeyType),
            (CK_RV(CKR_KEY_TYPE_INCONSISTENT), "CKR_KEY_TYPE_INCONSISTENT", "the key's type does not fit the mechanism", .mechanismNotSupported),
            (CK_RV(CKR_KEY_NOT_NEEDED), "CKR_KEY_NOT_NEEDED", "a key was given where none is needed", .tokenError),
            (CK_RV(CKR_KEY_CHANGED), "CKR_KEY_CHANGED", "the key changed", .tokenError),
            (CK_RV(CKR_KEY_NEEDED), "CKR_KEY_NEEDED", "a key is needed", .tokenError),
            (CK_RV(CKR_KEY_INDIGESTIBLE), "CKR_KEY_INDIGESTIBLE", "the key cannot be digested", .tokenError),
            (
                CK_RV(CKR_KEY_FUNCTION_NOT_PERMITTED), "CKR_KEY_FUNCTION_NOT_PERMITTED", "the key is not allowed to sign (CKA_SIGN is false)",
                .mechanismNotSupported
            ),
            (CK_RV(CKR_KEY_NOT_WRAPPABLE), "CKR_KEY_NOT_WRAPPABLE", "the key cannot be wrapped", .tokenError),
            (CK_RV(CKR_KEY_UNEXTRACTABLE), "CKR_KEY_UNEXTRACTABLE", "the key cannot leave the token", .tokenError),
            (CK_RV(CKR_MECHANISM_INVALID), "CKR_MECHANISM_INVALID", "the token does not support the mechanism for this key", .mechanismNotSupported),
            (CK_RV(CKR_MECHANISM_PARAM_INVALID), "CKR_MECHANISM_PARAM_INVALID", "the token does not accept the mechanism's parameters", .mechanismNotSupported),
            (CK_RV(CKR_OBJECT_HANDLE_INVALID), "CKR_OBJECT_HANDLE_INVALID", "the object handle is no longer valid", .objectNotFound),
            (CK_RV(CKR_OPERATION_ACTIVE), "CKR_OPERATION_ACTIVE", "another operation is active in the session", .tokenError),
            (CK_RV(CKR_OPERATION_NOT_INITIALIZED), "CKR_OPERATION_NOT_INITIALIZED", "the operation was not initialised", .tokenError),
            (CK_RV(CKR_PIN_INCORRECT), "CKR_PIN_INCORRECT", "the PIN is wrong", .wrongPIN),
            (CK_RV(CKR_PIN_INVALID), "CKR_PIN_INVALID", "the PIN has characters the token does not accept", .pinUnusable),
            (CK_RV(CKR_PIN_LEN_RANGE), "CKR_PIN_LEN_RANGE", "the PIN is too long or too short for the token", .pinUnusable),
            (CK_RV(CKR_PIN_EXPIRED), "CKR_PIN_EXPIRED", "the PIN has expired; change it with the token's tools", .pinUnusable),
            (CK_RV(CKR_PIN_LOCKED), "CKR_PIN_LOCKED", "the PIN is locked after too many wrong attempts; the security officer must unblock it", .pinLocked),
            (CK_RV(CKR_SESSION_CLOSED), "CKR_SESSION_CLOSED", "the session was closed", .tokenError),
            (CK_RV(CKR_SESSION_COUNT), "CKR_SESSION_COUNT", "the token has no more sessions free", .deviceError),
            (CK_RV(CKR_SESSION_HANDLE_INVALID), "CKR_SESSION_HANDLE_INVALID", "the session is no longer valid", .tokenError),
            (CK_RV(CKR_SESSION_PARALLEL_NOT_SUPPORTED), "CKR_SESSION_PARALLEL_NOT_SUPPORTED", "the token does not support parallel sessions", .tokenError),
            (CK_RV(CKR_SESSION_READ_ONLY), "CKR_SESSION_READ_ONLY", "the session is read-only", .writeProtected),
            (CK_RV(CKR_SESSION_EXISTS), "CKR_SESSION_EXISTS", "a session is open", .tokenError),
            (CK_RV(CKR_SESSION_READ_ONLY_EXISTS), "CKR_SESSION_READ_ONLY_EXISTS", "a read-only session exists", .tokenError),
            (CK_RV(CKR_SESSION_READ_WRITE_SO_EXISTS), "CKR_SESSION_READ_WRITE_SO_EXISTS", "a security officer session exists", .tokenError),
            (CK_RV(CKR_SIGNATURE_INVALID), "CKR_SIGNATURE_INVALID", "the signature is invalid", .tokenError),
            (CK_RV(CKR_SIGNATURE_LEN_RANGE), "CKR_SIGNATURE_LEN_RANGE", "the signature has the wrong length", .tokenError),
            (CK_RV(CKR_TEMPLATE_INCOMPLETE), "CKR_TEMPLATE_INCOMPLETE", "the token needs attributes that were not given", .tokenError),
            (CK_RV(CKR_TEMPLATE_INCONSISTENT), "CKR_TEMPLATE_INCONSISTENT", "the token refuses this combination of attributes", .tokenError),
            (CK_RV(CKR_TOKEN_NOT_PRESENT), "CKR_TOKEN_NOT_PRESENT", "no token is in the slot", .tokenRemoved),
            (CK_RV(CKR_TOKEN_NOT_RECOGNIZED), "CKR_TOKEN_NOT_RECOGNIZED", "the module does not recognise the token", .tokenNotFound),
            (CK_RV(CKR_TOKEN_WRITE_PROTECTED), "CKR_TOKEN_WRITE_PROTECTED", "the token is write-protected", .writeProtected),
            (CK_RV(CKR_UNWRAPPING_KEY_HANDLE_INVALID), "CKR_UNWRAPPING_KEY_HANDLE_INVALID", "the unwrapping key handle is invalid", .tokenError),
            (CK_RV(CKR_UNWRAPPING_KEY_SIZE_RANGE), "CKR_UNWRAPPING_KEY_SIZE_RANGE", "the unwrapping key size is out of range", .tokenError),
            (CK_RV(CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT), "CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT", "the unwrapping key type does not fit", .tokenError),
            (CK_RV(CKR_USER_ALREADY_LOGGED_IN), "CKR_USER_ALREADY_LOGGED_IN", "already logged in", .tokenError),
            (CK_RV(CKR_USER_NOT_LOGGED_IN), "CKR_USER_NOT_LOGGED_IN", "the key needs a login (give --pin-source)", .pinUnusable),
            (CK_RV(CKR_USER_PIN_NOT_INITIALIZED), "CKR_USER_PIN_NOT_INITIALIZED", "the token's user PIN was never set", .pinUnusable),
            (CK_RV(CKR_USER_TYPE_INVALID), "CKR_USER_TYPE_INVALID", "the user type is invalid", .tokenError),
            (CK_RV(CKR_USER_ANOTHER_ALREADY_LOGGED_IN), "CKR_USER_ANOTHER_ALREADY_LOGGED_IN", "another user is logged in to the token", .tokenError),
            (CK_RV(CKR_USER_TOO_MANY_TYPES), "CKR_USER_TOO_MANY_TYPES", "too many user types are logged in", .tokenError),
            (CK_RV(CKR_WRAPPED_KEY_INVALID), "CKR_WRAPPED_KEY_INVALID", "the wrapped key is invalid", .tokenError),
            (CK_RV(CKR_WRAPPED_KEY_LEN_RANGE), "CKR_WRAPPED_KEY_LEN_RANGE", "the wrapped key length is out of range", .tokenError),
            (CK_RV(CKR_WRAPPING_KEY_HANDLE_INVALID), "CKR_WRAPPING_KEY_HANDLE_INVALID", "the wrapping key handle is invalid", .tokenError),
            (CK_RV(CKR_WRAPPING_KEY_SIZE_RANGE), "CKR_WRAPPING_KEY_SIZE_RANGE", "the wrapping key size is out of range", .tokenError),
            (CK_RV(CKR_WRAPPING_KEY_TYPE_INCONSISTENT), "CKR_WRAPPING_KEY_TYPE_INCONSISTENT", "the wrapping key type does not fit", .tokenError),
            (CK_RV(CKR_RANDOM_SEED_NOT_SUPPORTED), "CKR_RANDOM_SEED_NOT_SUPPORTED", "the token's generator cannot be seeded", .tokenError),
            (CK_RV(CKR_RANDOM_NO_RNG), "CKR_RANDOM_NO_RNG", "the token has no random number generator", .deviceError),
            (CK_RV(CKR_DOMAIN_PARAMS_INVALID), "CKR_DOMAIN_PARAMS_INVALID", "the token does not support these domain parameters (curve)", .unsupportedKeyType),
            (CK_RV(CKR_CURVE_NOT_SUPPORTED), "CKR_CURVE_NOT_SUPPORTED", "the token does not support this curve", .unsupportedKeyType),
            (CK_RV(CKR_BUFFER_TOO_SMALL), "CKR_BUFFER_TOO_SMALL", "the output buffer is too small", .tokenError),
            (CK_RV(CKR_SAVED_STATE_INVALID), "CKR_SAVED_STATE_INVALID", "the saved state is invalid", .tokenError),
            (CK_RV(CKR_INFORMATION_SENSITIVE), "CKR_INFORMATION_SENSITIVE", "the information is sensitive", .tokenError),
            (CK_RV(CKR_STATE_UNSAVEABLE), "CKR_STATE_UNSAVEABLE", "the state cannot be saved", .tokenError),
            (CK_RV(CKR_CRYPTOKI_NOT_INITIALIZED), "CKR_CRYPTOKI_NOT_INITIALIZED", "the module was not initialised", .moduleFailed),
            (CK_RV(CKR_CRYPTOKI_ALREADY_INITIALIZED), "CKR_CRYPTOKI_ALREADY_INITIALIZED", "the module was already initialised", .moduleFailed),
            (CK_RV(CKR_MUTEX_BAD), "CKR_MUTEX_BAD", "a bad mutex was given", .moduleFailed),
            (CK_RV(CKR_MUTEX_NOT_LOCKED), "CKR_MUTEX_NOT_LOCKED", "the mutex was not locked", .moduleFailed),
            (CK_RV(CKR_NEW_PIN_MODE), "CKR_NEW_PIN_MODE", "the token wants a new PIN", .pinUnusable),
            (CK_RV(CKR_NEXT_OTP), "CKR_NEXT_OTP", "the token wants the next one-time password", .pinUnusable),
            (CK_RV(CKR_EXCEEDED_MAX_ITERATIONS), "CKR_EXCEEDED_MAX_ITERATIONS", "too many iterations", .tokenError),
            (CK_RV(CKR_FIPS_SELF_TEST_FAILED), "CKR_FIPS_SELF_TEST_FAILED", "the token's FIPS self-test failed", .deviceError),
            (CK_RV(CKR_LIBRARY_LOAD_FAILED), "CKR_LIBRARY_LOAD_FAILED", "the module could not load a library it needs", .moduleFailed),
            (CK_RV(CKR_PIN_TOO_WEAK), "CKR_PIN_TOO_WEAK", "the PIN is too weak", .pinUnusable),
            (CK_RV(CKR_PUBLIC_KEY_INVALID), "CKR_PUBLIC_KEY_INVALID", "the public key is invalid", .tokenError),
            (CK_RV(CKR_FUNCTION_REJECTED), "CKR_FUNCTION_REJECTED", "the token's user rejected the function", .tokenError),
        ]
        var table: [UInt: Entry] = [:]
        for (value, name, reason, code) in entries { table[UInt(value)] = (name, reason, code) }
        return table
    }()
}

extension LocatedError where Domain == PKCS11Errors {
    /// The error for a failed PKCS#11 call: `C_Login: CKR_PIN_INCORRECT (the PIN is wrong)`.
    init(_ function: String, returned rv: CK_RV, location: String? = nil) {
        let value = PKCS11ReturnValue(UInt(rv))
        self.init(value.code, "\(function): \(value)", location: location)
    }
}
