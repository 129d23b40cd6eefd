import CredentialJSON
import Foundation
import KeyManagement

/// What the verifier expects of a key binding JWT (RFC 9901 §7.3).
public struct KeyBindingExpectations: Sendable {
    /// The verifier's challenge; `nil` accepts any `nonce` (there must still be one).
    public var nonce: String?
    /// The audiences the verifier answers to; `nil` accepts any `aud` (there must still be one).
    public var audience: [String]?
    /// The verification time.
    public var now: Date
    /// Tolerance for clock differences: `iat` may be at most this far in the future.
    public var clockSkew: TimeInterval
    /// How old `iat` may be: a key binding JWT is an answer to one request, and an old one is a replay.
    public var maxAge: TimeInterval

    /// Creates expectations; `maxAge` defaults to the clock skew, so only a fresh key binding passes.
    public init(nonce: String? = nil, audience: [String]? = nil, now: Date, clockSkew: TimeInterval = 300, maxAge: TimeInterval? = nil) {
        self.nonce = nonce
        self.audience = audience
        self.now = now
        self.clockSkew = clockSkew
        self.maxAge = maxAge ?? clockSkew
    }
}

/// A verified key binding JWT.
public struct KeyBindingResult: Sendable, Hashable {
    /// Its `nonce`.
    public let nonce: String
    /// Its `aud`.
    public let audience: String
    /// Its `iat`.
    public let issuedAt: Date
    /// Its `alg`.
    public let algorithm: String
}

extension SelectiveDisclosureJWT {
    /// The holder's key: the issuer-signed payload's `cnf.jwk` (RFC 7800), or `nil` when there is none.
    ///
    /// The key says who may present the credential; it proves nothing about who issued it.
    public func confirmationKey() throws(SDJWTError) -> PublicKey? {
        guard let cnf = issuerJWT.payload["cnf"] else { return nil }
        guard let jwk = cnf["jwk"]?.objectValue else {
            throw SDJWTError(.keyBinding, "cnf holds no jwk (only cnf.jwk is supported)")
        }
        do { return try PublicKey(jwk: jwk) } catch {
            throw SDJWTError(.keyBinding, "cnf.jwk is not a usable public key: \(error)")
        }
    }

    /// Verifies the key binding JWT: `typ` `kb+jwt`, an allowed `alg`, a signature by the `cnf.jwk` key, `sd_hash`
    /// over exactly the presented SD-JWT, a fresh `iat`, and the expected `nonce` and `aud`.
    public func verifyKeyBinding(_ expected: KeyBindingExpectations) throws(SDJWTError) -> KeyBindingResult {
        guard let kb = keyBindingJWT else { throw SDJWTError(.keyBinding, "the SD-JWT carries no key binding JWT") }
        guard kb.header["typ"]?.stringValue == "kb+jwt" else {
            throw SDJWTError(.keyBinding, "the key binding JWT's typ is \(kb.header["typ"]?.stringValue ?? "(missing)"), not kb+jwt")
        }
        try kb.requireAllowedAlgorithm(what: "key binding JWT")
        guard let holderKey = try confirmationKey() else {
            throw SDJWTError(.keyBinding, "the issuer-signed JWT has no cnf key, so a key binding JWT binds to no one")
        }
        guard kb.isSigned(by: holderKey) else {
            throw SDJWTError(.keyBinding, "the key binding JWT's signature does not verify with the cnf key")
        }
        let claims = kb.payload
        guard let sdHash = claims["sd_hash"]?.stringValue else { throw SDJWTError(.keyBinding, "the key binding JWT has no sd_hash") }
        // sd_hash pins the issuer JWT and the very disclosures presented: none can be added, dropped or swapped.
        guard sdHash == hashAlgorithm.digest(of: presentedSDJWT) else {
            throw SDJWTError(.keyBinding, "the key binding JWT's sd_hash does not match the presented SD-JWT (disclosures added, removed or changed)")
        }
        guard let iatNumber = claims["iat"]?.numberValue?.doubleValue, iatNumber.isFinite else {
            throw SDJWTError(.keyBinding, "the key binding JWT has no numeric iat")
        }
        let now = expected.now.timeIntervalSince1970
        if iatNumber > now + expected.clockSkew {
            throw SDJWTError(.keyBinding, "the key binding JWT's iat is in the future")
        }
        if iatNumber < now - expected.maxAge {
            throw SDJWTError(
                .keyBinding, "the key binding JWT was made \(Int(now - iatNumber)) s ago, more than the \(Int(expected.maxAge)) s a fresh presentation may be")
        }
        guard let nonce = claims["nonce"]?.stringValue else { throw SDJWTError(.keyBinding, "the key binding JWT has no nonce") }
        if let wanted = expected.nonce, nonce != wanted {
            throw SDJWTError(.keyBinding, "the key binding JWT answers another challenge (nonce)")
        }
        guard let aud = claims["aud"]?.stringValue else { throw SDJWTError(.keyBinding, "the key binding JWT has no aud string") }
        if let audiences = expected.audience, !audiences.contains(aud) {
            throw SDJWTError(.keyBinding, "the key binding JWT is for the audience \(aud), not \(audiences.joined(separator: ", "))")
        }
        return KeyBindingResult(nonce: nonce, audience: aud, issuedAt: Date(timeIntervalSince1970: iatNumber), algorithm: kb.algorithm ?? "")
    }
}
