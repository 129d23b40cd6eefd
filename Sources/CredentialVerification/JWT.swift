import CredentialJSON
import DataIntegrity
import Foundation
import KeyManagement

/// The outcome of checking a VC-JOSE compact JWS (`application/vc+jwt`).
public struct JWTVerification: Sendable {
    /// The header's `alg`.
    public var algorithm: String?
    /// The resolved `kid` (absolute).
    public var keyID: String?
    /// Why the JWS does not verify; empty when it does.
    public var errors: [ProblemDetail]
    /// Facts for the report (algorithm, key, controller).
    public var details: [String]
}

/// Verifies VC-JOSE-COSE §3 compact JWS credentials: `alg` on an allow-list (never `none`), `kid` resolved
/// through the DID resolver to a key the issuer controls (without a `kid`, the one key of a did:key or did:jwk
/// issuer, as Open Badges 3.0 platforms that send a `jwk` header instead are read; a header `jwk` must be that key), `iss` (when present) equal to `issuer`, no `vc`/`vp` claims.
///
/// ``CredentialVerifier`` uses it for every ``InputKind/envelopedJWT`` item (its Seal check); it is public so the token
/// handling can be exercised on its own (the libFuzzer harness `FuzzJWT` does, after ``InputDetector/detect(_:source:limits:)``).
public struct JWTVerifier: Sendable {
    /// The `alg` values accepted (never `none`).
    /// `RS256` (RSASSA-PKCS1-v1_5 with SHA-256, RSA keys of 2048–4096 bits) is here because Open Badges 3.0 §8.2.3
    /// makes it the one algorithm every verifier must accept, and badge platforms (openbadgeslib by default) issue it.
    public static let allowedAlgorithms: Set<String> = ["ES256", "ES384", "EdDSA", "Ed25519", "RS256"]
    /// Resolves the header's `kid` to a key and its controller.
    public let resolver: any VerificationMethodResolving
    /// The verification time and the tolerance for `exp` and `nbf` (RFC 7519 §4.1.4, §4.1.5).
    public var now = Date()
    public var clockSkew: TimeInterval = 300
    /// What a presentation must answer: the verifier's challenge in `nonce`, its domain in `aud`.
    public var challenge: String?
    public var domain: [String]?
    /// Limits for the header and payload JSON (a service sets its request-body limits).
    public var limits: JSONParseLimits = .default

    /// A verifier resolving `kid`s with `resolver`, as of now, with 300 s of clock skew and no challenge or domain.
    public init(resolver: any VerificationMethodResolving) {
        self.resolver = resolver
    }

    /// Checks a compact JWS (`header.payload.signature`). Never throws: every problem is in
    /// ``JWTVerification/errors``, and the token verified when that is empty.
    ///
    /// The payload is decoded and parsed from `token` itself, never taken from the caller: the claims judged are the
    /// ones the signature covers.
    public func verify(_ token: String) async -> JWTVerification {
        var out = JWTVerification(algorithm: nil, keyID: nil, errors: [], details: [])
        func fail(_ code: VCErrorCode, _ text: String) -> JWTVerification {
            out.errors.append(.vc(code, text))
            return out
        }
        let parts = Self.compactParts(token)
        guard parts.count == 3, let headerBytes = Base64URLText.decode(parts[0]), let payloadBytes = Base64URLText.decode(parts[1]),
            let signature = Base64URLText.decode(parts[2])
        else {
            return fail(.parsingError, "not a compact JWS (three base64url parts)")
        }
        guard let header = try? JSONParser.parse(headerBytes, limits: limits), header.isObject else {
            return fail(.parsingError, "the JWS header is not a JSON object")
        }
        let claims: JSONValue
        do { claims = try JSONParser.parse(payloadBytes, limits: limits) } catch {
            return fail(.parsingError, "the JWS payload is not a JSON object: \(error.message)")
        }
        guard claims.isObject else { return fail(.parsingError, "the JWS payload is not a JSON object") }
        let alg = header["alg"]?.stringValue
        out.algorithm = alg
        guard let alg, Self.allowedAlgorithms.contains(alg) else {
            return fail(.cryptographicSecurityError, "algorithm \(alg ?? "(missing)") is not allowed (allowed: ES256, ES384, EdDSA, RS256; never none)")
        }
        if let typ = header["typ"]?.stringValue, !["vc+jwt", "vp+jwt", "application/vc+jwt", "application/vp+jwt", "JWT"].contains(typ) {
            return fail(.parsingError, "typ \(typ) is not vc+jwt")
        }
        // RFC 7515 §4.1.11: a critical header this verifier does not process makes the JWS invalid.
        if let crit = header["crit"] {
            let names = crit.arrayValue?.compactMap(\.stringValue) ?? []
            return fail(
                .cryptographicSecurityError,
                names.isEmpty
                    ? "the JWS header's crit is malformed"
                    : "the JWS header marks \(names.joined(separator: ", ")) critical, which this verifier does not process")
        }
        if let exp = claims["exp"] {
            guard let seconds = exp.numberValue?.doubleValue, seconds.isFinite else { return fail(.malformedValueError, "exp is not a NumericDate") }
            if seconds < now.timeIntervalSince1970 - clockSkew {
                return fail(.rangeError, "the JWT expired at \(XSDDateTime.format(Date(timeIntervalSince1970: seconds))) (exp)")
            }
        }
        if let nbf = claims["nbf"] {
            guard let seconds = nbf.numberValue?.doubleValue, seconds.isFinite else { return fail(.malformedValueError, "nbf is not a NumericDate") }
            if seconds > now.timeIntervalSince1970 + clockSkew {
                return fail(.rangeError, "the JWT is not valid before \(XSDDateTime.format(Date(timeIntervalSince1970: seconds))) (nbf)")
            }
        }
        if claims["vc"] != nil || claims["vp"] != nil {
            return fail(.malformedValueError, "the payload uses the VC-JWT 1.1 \"vc\"/\"vp\" claims, which VC-JOSE-COSE forbids")
        }
        // A presentation is bound to its holder as a credential is to its issuer (VC-JOSE-COSE §3.1.2).
        let isPresentation = claims["type"]?.asArray.contains("VerifiablePresentation") ?? false
        let role = isPresentation ? "holder" : "issuer"
        let issuer = isPresentation ? CredentialText.id(of: claims["holder"]) : CredentialText.issuerID(claims)
        if let iss = claims["iss"]?.stringValue, iss != issuer {
            return fail(.malformedValueError, "iss \(iss) differs from the \(role) \(issuer ?? "(none)")")
        }
        if isPresentation, let challenge, claims["nonce"]?.stringValue != challenge {
            let found = claims["nonce"] == nil ? "has no nonce" : "answers another challenge (nonce)"
            return fail(.cryptographicSecurityError, "a challenge was required, but the presentation \(found)")
        }
        if isPresentation, let domain {
            let audience = claims["aud"]?.asArray.compactMap(\.stringValue) ?? []
            if !audience.contains(where: domain.contains) {
                return fail(
                    .cryptographicSecurityError,
                    "a domain was required, but the presentation's aud \(audience.isEmpty ? "is missing" : audience.joined(separator: ", ") + " does not name it")"
                )
            }
        }
        let relationship: ProofPurpose = isPresentation ? .authentication : .assertionMethod
        var kid: String
        if let named = header["kid"]?.stringValue {
            kid = named
            if kid.hasPrefix("#"), let issuer { kid = issuer + kid }
        } else if let issuer, issuer.hasPrefix("did:key:") || issuer.hasPrefix("did:jwk:") {
            // Open Badges 3.0 §8.2.3 lets a VC-JWT carry its key as a `jwk` header instead of a `kid` (openbadgeslib
            // does). A key a token carries about itself proves nothing; a self-certifying issuer DID does, so its one
            // key is used, and a header jwk must be that same key (checked below).
            kid = SDJWTKeyFinder.defaultKeyID(issuer)
        } else {
            let carried = header["jwk"] != nil ? "; the jwk in its header is a key the token carries about itself, which proves nothing" : ""
            return fail(
                .cryptographicSecurityError,
                "the JWS header has no kid to find the \(role)'s key, and the \(role) \(issuer ?? "(none)") is not a did:key or did:jwk\(carried)")
        }
        out.keyID = kid
        let method: JOSEVerificationMethod
        do { method = try await resolver.resolveJOSE(verificationMethod: kid, relationship: relationship) } catch {
            return fail(.cryptographicSecurityError, "kid \(kid) cannot be resolved: \(error.message)")
        }
        if let issuer, method.controller != issuer {
            return fail(.cryptographicSecurityError, "the key \(kid) is controlled by \(method.controller), not the \(role) \(issuer)")
        }
        // The header's alg must fit the resolved key's type, so alg cannot be swapped (RS256 only over an RSA key).
        let algorithm = SignatureAlgorithm(rawValue: alg == "Ed25519" ? "EdDSA" : alg)
        guard let algorithm, algorithm.isCompatible(with: method.key.type) else {
            return fail(.cryptographicSecurityError, "algorithm \(alg) does not fit the \(method.key.type) key \(kid)")
        }
        // A header jwk that is not the key used would let the token show one key and be checked with another.
        if let carried = header["jwk"] {
            guard let object = carried.objectValue, let key = try? PublicKey(jwk: object), key == method.key else {
                return fail(.cryptographicSecurityError, "the jwk in the JWS header is not the \(role)'s key \(kid)")
            }
        }
        guard method.key.isValidSignature(signature, for: Array((parts[0] + "." + parts[1]).utf8), algorithm: algorithm) else {
            return fail(.cryptographicSecurityError, "the JWS signature does not verify")
        }
        out.details.append("JWS \(alg), key \(kid) controlled by \(method.controller)")
        return out
    }

    /// The claims of a compact JWS (the credential), without verifying it.
    public static func claims(_ token: String, limits: JSONParseLimits = .default) -> JSONValue? {
        try? payload(token, limits: limits).get()
    }

    /// Why a token's payload cannot be read, for ``payload(_:limits:)``.
    struct PayloadProblem: Error, CustomStringConvertible {
        let description: String
    }

    /// The token's payload parsed within `limits` (any JSON value), or why it cannot be.
    static func payload(_ token: String, limits: JSONParseLimits) -> Result<JSONValue, PayloadProblem> {
        let parts = compactParts(token)
        guard parts.count == 3, let bytes = Base64URLText.decode(parts[1]) else { return .failure(PayloadProblem(description: "not three base64url parts")) }
        do { return .success(try JSONParser.parse(bytes, limits: limits)) } catch {
            return .failure(PayloadProblem(description: error.message))
        }
    }

    /// The dot-separated parts of a compact JWS, split on its UTF-8 bytes: splitting the `String` walked it a
    /// grapheme at a time, a second of a 10 MB token's verification.
    static func compactParts(_ token: String) -> [String] {
        token.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).map { String(Substring($0)) }
    }
}
