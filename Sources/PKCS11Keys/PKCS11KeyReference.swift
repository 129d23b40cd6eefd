import Foundation

/// Opening the key a `pkcs11:` reference names: the module from the option, the URI's `module-path` or
/// `SKILLCRED_PKCS11_MODULE`; the PIN from the PIN source (the option's, else the URI's `pin-source`).
public enum PKCS11KeyReference {
    /// The environment variable naming the module when no option does.
    public static let moduleEnvironmentVariable = "SKILLCRED_PKCS11_MODULE"

    /// The module path in force: `option`, else the URI's `module-path`, else `SKILLCRED_PKCS11_MODULE`.
    public static func modulePath(
        option: String?, uri: PKCS11URI?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(PKCS11Error) -> String {
        if let option, !option.isEmpty { return option }
        if let path = uri?.modulePath, !path.isEmpty { return path }
        if let path = environment[moduleEnvironmentVariable], !path.isEmpty { return path }
        throw PKCS11Error(
            .noModule,
            "a pkcs11: key needs the token's PKCS#11 module: --pkcs11-module PATH or \(moduleEnvironmentVariable) (SoftHSM: /usr/lib/softhsm/libsofthsm2.so)")
    }

    /// Loads the module, opens the token (logging in with the PIN source's PIN) and finds the key.
    ///
    /// - Parameter readWrite: open read-write sessions (for ``PKCS11Token/storeCertificate(_:label:id:)``).
    public static func open(
        _ reference: String, modulePath option: String?, pinSource: String?, readWrite: Bool = false
    ) throws(PKCS11Error) -> PKCS11SigningKey {
        let uri = try PKCS11URI(reference)
        let token = try openToken(uri, modulePath: option, pinSource: pinSource, readWrite: readWrite)
        return try PKCS11SigningKey(token: token, uri: uri)
    }

    /// Loads the module and opens (and logs in to) the token the URI selects.
    public static func openToken(_ uri: PKCS11URI, modulePath option: String?, pinSource: String?, readWrite: Bool = false) throws(PKCS11Error) -> PKCS11Token {
        let module = try PKCS11Module.load(path: try modulePath(option: option, uri: uri))
        let source = try (pinSource ?? uri.pinSource).map { (text) throws(PKCS11Error) in try PINSource(text) }
        return try PKCS11Token(module: module, uri: uri, pin: try source?.read(), readWrite: readWrite)
    }
}
