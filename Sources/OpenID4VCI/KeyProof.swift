import CredentialJSON
import DIDResolution
import Foundation
import KeyManagement
import Multiformats
import SDJWT

/// The holder's key a valid `jwt` key proof (OpenID4VCI 1.0 Appendix F.1) was signed with.
public struct ProvenHolderKey: Sendable {
    /// The public key.
    public let key: PublicKey
    /// Its public JWK (for `cnf.jwk`).
    public let jwk: JSONObject
    /// The holder's DID when the proof named its key by a did:key/did:jwk `kid`; otherwise the did:jwk of the `jwk`.
    public let did: String
    /// The proof's `nonce` (the caller consumes it in the registry).
    public let nonce: String
}

/// Checks `jwt` key proofs: `typ` `openid4vci-proof+jwt`, `alg` ES256 or EdDSA (never `none`, never HMAC), the key as
/// exactly one of `jwk` (public only) or a did:key/did:jwk `kid`, the signature, `aud` = the credential issuer
/// identifier, a fresh `iat`, and a `nonce`. No network: did:web is not resolved for proofs.
public struct KeyProofVerifier: Sendable {
    /// The credential issuer identifier the proof's `aud` must equal.
    public let issuerIdentifier: String
    /// Most bytes a proof JWT may have (default 8 KiB: a did:jwk kid and a P-256 signature fit in well under 2).
    public var maximumProofBytes: Int = 8 * 1024
    /// How old a proof's `iat` may be (default 300 s).
    public var maximumAge: TimeInterval = 300
    /// How far in the future `iat` may be, for clock skew (default 60 s).
    public var clockSkew: TimeInterval = 60

    /// The signing algorithms accepted, as the issuer metadata lists them.
    public static let algorithms = ["ES256", "EdDSA"]
    /// The proof JWT's `typ`.
    public static let proofType = "openid4vci-proof+jwt"

    public init(issuerIdentifier: String) {
        self.issuerIdentifier = issuerIdentifier
    }

    /// Verifies one proof JWT at `now`; every refusal is `invalid_proof`, naming what is wrong.
    public func verify(_ proof: String, now: Date) async throws(OpenID4VCIError) -> ProvenHolderKey {
        func refuse(_ why: String) -> OpenID4VCIError { OpenID4VCIError(.invalidProof, why) }
        guard proof.utf8.count <= maximumProofBytes else { throw refuse("the proof JWT is larger than \(maximumProofBytes) bytes") }
        let jws: CompactJWS
        do { jws = try CompactJWS(proof, what: "proof JWT", limits: JSONParseLimits(maxDepth: 16, maxBytes: maximumProofBytes)) } catch {
            throw refuse(error.message)
        }
        guard jws.header["typ"]?.stringValue == Self.proofType else {
            throw refuse("the proof JWT's typ is \(jws.header["typ"]?.stringValue ?? "(missing)"), not \(Self.proofType)")
        }
        guard let alg = jws.algorithm, Self.algorithms.contains(alg) else {
            throw refuse("the proof JWT's alg \(jws.algorithm ?? "(missing)") is not one of \(Self.algorithms.joined(separator: ", "))")
        }
        if jws.header["crit"] != nil { throw refuse("the proof JWT marks header parameters critical, which this issuer does not process") }
        if jws.header["x5c"] != nil { throw refuse("x5c key proofs are not accepted; give the key as jwk or a did:key/did:jwk kid") }
        let jwkHeader = jws.header["jwk"], kidHeader = jws.header["kid"]
        let key: PublicKey, jwk: JSONObject, did: String
        switch (jwkHeader, kidHeader) {
        case (.some, .some): throw refuse("the proof JWT names its key twice (jwk and kid); give exactly one")
        case (nil, nil): throw refuse("the proof JWT names no key (jwk or kid)")
        case (let jwkValue?, nil):
            guard let object = jwkValue.objectValue else { throw refuse("the proof JWT's jwk is not an object") }
            do { key = try PublicKey(jwk: object) } catch { throw refuse("the proof JWT's jwk is not a usable public key: \(error.message)") }
            jwk = key.jwk
            did = DIDJWKResolver.did(for: key)
        case (nil, let kidValue?):
            guard let kid = kidValue.stringValue, kid.hasPrefix("did:key:") || kid.hasPrefix("did:jwk:") else {
                throw refuse("the proof JWT's kid must be a did:key or did:jwk URL")
            }
            let base = String(kid.prefix { $0 != "#" })
            let resolver: any DIDResolver = base.hasPrefix("did:key:") ? DIDKeyResolver() : DIDJWKResolver()
            do {
                let method = try await VerificationMethodResolver(resolver: resolver).resolve(
                    kid.contains("#") ? kid : kid + "#" + Self.fragment(base),
                    relationship: .authentication, expectedController: base)
                key = method.publicKey
            } catch { throw refuse("the proof JWT's kid \(kid) cannot be resolved: \(error)") }
            jwk = key.jwk
            did = base
        }
        guard jws.isSigned(by: key) else { throw refuse("the proof JWT's signature (\(alg)) does not verify with its key") }
        let claims = jws.payload
        guard let aud = claims["aud"] else { throw refuse("the proof JWT has no aud") }
        let audiences = aud.stringValue.map { [$0] } ?? aud.arrayValue?.compactMap(\.stringValue) ?? []
        guard audiences.contains(issuerIdentifier) else {
            throw refuse("the proof JWT is for \(audiences.joined(separator: ", ")), not this credential issuer \(issuerIdentifier)")
        }
        guard let iat = claims["iat"]?.numberValue?.doubleValue else { throw refuse("the proof JWT has no numeric iat") }
        let nowSeconds = now.timeIntervalSince1970
        if iat > nowSeconds + clockSkew { throw refuse("the proof JWT's iat is in the future") }
        if iat < nowSeconds - maximumAge { throw refuse("the proof JWT was made \(Int(nowSeconds - iat)) s ago, more than the \(Int(maximumAge)) s allowed") }
        guard let nonce = claims["nonce"]?.stringValue, !nonce.isEmpty else {
            throw OpenID4VCIError(.invalidNonce, "the proof JWT has no nonce; fetch a c_nonce from the nonce endpoint")
        }
        return ProvenHolderKey(key: key, jwk: jwk, did: did, nonce: nonce)
    }

    /// A did:jwk's one key is `#0`; a did:key's is named by its multibase.
    static func fragment(_ did: String) -> String {
        did.hasPrefix("did:jwk:") ? "0" : String(did.dropFirst("did:key:".count))
    }
}
