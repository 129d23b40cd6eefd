import ArgumentParser
import DataIntegrity
import Foundation
import JAdES
import KeyManagement
import PKCS11Keys

/// `--pkcs11-module` and `--pin-source`: how a `--key pkcs11:…` reference (RFC 7512) reaches its token.
///
/// Every command that takes a key takes these too; only a reference starting with `pkcs11:` uses them. The PIN
/// itself is never an option: it would show in `ps` and in shell histories.
struct PKCS11Options: ParsableArguments {
    @Option(
        name: .customLong("pkcs11-module"),
        help: ArgumentHelp(
            "The PKCS#11 module (.so) of the token holding a --key pkcs11:… key (env SKILLCRED_PKCS11_MODULE; SoftHSM: /usr/lib/softhsm/libsofthsm2.so).",
            valueName: "PATH"))
    var module: String?

    @Option(
        name: .customLong("pin-source"),
        help: ArgumentHelp("Where the token's user PIN is: file:PATH (its first line) or env:NAME. Never the PIN itself.", valueName: "SOURCE"))
    var pinSource: String?

    /// Whether a key reference names a key on a token.
    static func isTokenKey(_ reference: String?) -> Bool { reference.map(PKCS11URI.isPKCS11URI) ?? false }

    /// The token key `reference` names, checked by one test signature with `algorithm` (so a missing mechanism
    /// or a mismatched public key is found before anything is written).
    func signingKey(_ reference: String, checking algorithm: SignatureAlgorithm? = nil, readWrite: Bool = false) throws(CLIFailure) -> PKCS11SigningKey {
        let key: PKCS11SigningKey
        do {
            key = try PKCS11KeyReference.open(reference, modulePath: module, pinSource: pinSource, readWrite: readWrite)
        } catch {
            throw CLIFailure(error.description)
        }
        do {
            try key.checkSigning(algorithm ?? key.type.defaultAlgorithm)
        } catch {
            throw CLIFailure("\(error)")
        }
        return key
    }

    /// A JAdES sealer over a token key: the certificate chain from `chainPEMPath`, else from the token (the
    /// certificate with the key's CKA_ID and the CA certificates on the token it chains to).
    func sealer(_ reference: String, chainPEMPath: String?, algorithm: JAdESAlgorithm? = nil) throws(CLIFailure) -> JAdESSealer {
        if let algorithm, algorithm.signatureAlgorithm == nil {
            throw CLIFailure("--alg \(algorithm.rawValue): a token key seals with RS256, PS256, ES256, ES384 or EdDSA")
        }
        let key = try signingKey(reference, checking: algorithm?.signatureAlgorithm)
        if let chainPEMPath {
            guard let text = String(validating: try readInput(chainPEMPath), as: UTF8.self) else { throw CLIFailure("\(chainPEMPath): not UTF-8 PEM text") }
            do {
                return try JAdESSealer(
                    privateKey: .signingKey(key), certificateChain: JAdESPEM.certificates(fromPEM: text, source: chainPEMPath), algorithm: algorithm)
            } catch {
                throw CLIFailure("\(error.location ?? chainPEMPath): \(error.message)")
            }
        }
        let chain = try { () throws(CLIFailure) in
            do { return try key.certificateChain() } catch { throw CLIFailure("\(error)") }
        }()
        guard !chain.isEmpty else {
            throw CLIFailure("\(key.token.name): no certificate with the key's CKA_ID; store the seal certificate on the token or give its chain as PEM")
        }
        do {
            return try JAdESSealer(privateKey: .signingKey(key), certificateChain: chain, algorithm: algorithm)
        } catch {
            throw CLIFailure("\(reference): \(error.message)")
        }
    }
}
