import CredentialJSON
import Crypto
import DataIntegrity
import Foundation
import JAdES
import KeyManagement
import SDJWT
import X509

/// What verifying an SD-JWT VC found, shared by the six checks (the SD-JWT logic itself is in the `SDJWT` target).
public struct SDJWTVerification: Sendable {
    /// How the issuer's key was found.
    public enum IssuerKey: Sendable {
        /// A DID's verification method (`kid`), controlled by `iss`.
        case did(keyID: String, controller: String)
        /// The `x5c` chain, judged against the policy's trust anchors; `bound` says whether `iss` is named in the leaf.
        case x5c(chain: JAdESChainValidation, leafSubject: String, bound: Bool)
        /// A key from the JWT VC Issuer Metadata of an https `iss` (`issuer` equal to `iss`): bound to the issuer's web
        /// origin by TLS, as a did:web key is. `keyID` is the JWK's `kid`; `source` where the metadata was found.
        case issuerMetadata(keyID: String?, issuer: String, source: String)
    }

    /// The parsed SD-JWT (nil when it could not be parsed).
    public var sdJWT: SelectiveDisclosureJWT?
    /// The rebuilt claims (nil when the disclosures do not check out).
    public var claims: SDJWTClaims?
    /// Problems with the form: parsing, `typ`, limits, a missing `vct` (the Format check).
    public var formatErrors: [ProblemDetail] = []
    /// Problems with integrity: `alg`, the signature, disclosures the issuer did not sign (the Seal check).
    public var sealErrors: [ProblemDetail] = []
    /// Why the signature could not be checked at all (no trustworthy way to the issuer's key); limits trust.
    public var unverifiedReason: String?
    /// The issuer's key, when found and the signature verified with it.
    public var issuerKey: IssuerKey?
    /// The key binding: nil when there is none and none was required.
    public var keyBinding: Result<KeyBindingResult, SDJWTError>?
    /// Facts for the Seal details.
    public var details: [String] = []

    /// The signature verified with a key bound to the issuer.
    public var signatureVerified: Bool { sealErrors.isEmpty && formatErrors.isEmpty && issuerKey != nil }
}

/// The SD-JWT VC `typ` values accepted: `dc+sd-jwt` (current draft) and `vc+sd-jwt` (drafts before 06).
let sdJWTVCTypes: Set<String> = ["dc+sd-jwt", "vc+sd-jwt", "application/dc+sd-jwt", "application/vc+sd-jwt"]

extension ProblemDetail {
    /// An SD-JWT problem with the VC 2.0 error type that fits its kind.
    static func sdJWT(_ error: SDJWTError) -> ProblemDetail {
        let code: VCErrorCode
        switch error.code {
        case .malformed, .limitExceeded: code = .parsingError
        case .claimNameCollision, .invalidDisclosure: code = .malformedValueError
        default: code = .cryptographicSecurityError
        }
        return ProblemDetail(
            code: code.rawValue, type: "https://www.w3.org/TR/vc-data-model#" + code.rawValue,
            title: "SD-JWT", detail: error.message)
    }
}

/// Finds an SD-JWT issuer's (or status list signer's) key by the issuer rules: the `x5c` chain judged against the
/// trust anchors, or a DID `kid` controlled by `iss`. A `jwk` header or `cnf` key says nothing about who issued.
struct SDJWTKeyFinder {
    let policy: VerificationPolicy
    let resolver: any VerificationMethodResolving

    enum Outcome {
        case verified(SDJWTVerification.IssuerKey, detail: String)
        case failed(ProblemDetail)
        case unverifiable(String)
    }

    func check(_ jws: CompactJWS, issuer: String?) async -> Outcome {
        let alg = jws.algorithm ?? "?"
        if let x5c = jws.header["x5c"] {
            let texts = x5c.arrayValue?.compactMap(\.stringValue) ?? []
            guard !texts.isEmpty, texts.count == x5c.arrayValue?.count, texts.count <= 10 else {
                return .failed(.vc(.parsingError, "x5c is not an array of 1–10 base64 certificates"))
            }
            var certificates: [Certificate] = []
            for text in texts {
                guard let der = Data(base64Encoded: text), let certificate = try? CertificateMemo.certificate(derEncoded: Array(der)) else {
                    return .failed(.vc(.parsingError, "an x5c entry is not a base64 DER certificate"))
                }
                certificates.append(certificate)
            }
            let leaf = certificates[0]
            guard let key = Self.publicKey(of: leaf) else {
                return .failed(.vc(.cryptographicSecurityError, "the x5c certificate's key is not one this verifier uses"))
            }
            guard jws.isSigned(by: key) else {
                return .failed(.vc(.cryptographicSecurityError, "the signature (\(alg)) does not verify with the x5c certificate's key"))
            }
            // SD-JWT VC: with x5c, iss must be a URI the leaf names (a URI SAN, or an https host as a DNS SAN).
            let bound = issuer.map { Self.certificate(leaf, names: $0) } ?? false
            let chain = await JAdESChainValidator(trustAnchors: policy.trustAnchors).validate(
                leaf: leaf, intermediates: Array(certificates.dropFirst()), validationTime: policy.now)
            let subject = leaf.subject.text
            return .verified(
                .x5c(chain: chain, leafSubject: subject, bound: bound),
                detail: "JWS \(alg), x5c certificate \(subject) (chain \(chain))")
        }
        guard let issuer, issuer.hasPrefix("did:") else {
            let carried = jws.header["jwk"] != nil ? "; the jwk in its header is a key the token carries about itself, which proves nothing" : ""
            let kid = jws.header["kid"]?.stringValue
            // An http(s) iss whose kid is not a DID URL names its key in its JWT VC Issuer Metadata (SD-JWT VC draft).
            if let issuer, let scheme = URLComponents(string: issuer)?.scheme?.lowercased(), scheme == "https" || scheme == "http",
                !(kid?.hasPrefix("did:") ?? false)
            {
                guard let metadata = policy.issuerMetadata else {
                    return .unverifiable(
                        "the issuer \(issuer) publishes its keys as JWT VC Issuer Metadata, which this verifier does not consult (give --issuer-metadata-dir, or enable fetching with --allow-http-status) and the token has no x5c\(carried)"
                    )
                }
                return await fromMetadata(jws, issuer: issuer, kid: kid, metadata: metadata)
            }
            if let kid, kid.hasPrefix("did:") {
                // A DID key says nothing about a web issuer: only its own metadata (without a DID kid) would.
                return .unverifiable(
                    "the kid \(kid) is a DID URL, but the issuer \(issuer ?? "(no iss)") is not that DID, so no trusted way leads from the issuer to the key\(carried)"
                )
            }
            return .unverifiable(
                "the issuer \(issuer ?? "(no iss)") is not a DID or an https URL and the token has no x5c, so no trusted way leads to its key\(carried)")
        }
        var kid = jws.header["kid"]?.stringValue ?? Self.defaultKeyID(issuer)
        if kid.hasPrefix("#") { kid = issuer + kid }
        let method: ProofVerificationMethod
        do { method = try await resolver.resolve(verificationMethod: kid, relationship: .assertionMethod) } catch {
            return .failed(.vc(.cryptographicSecurityError, "kid \(kid) cannot be resolved: \(error.message)"))
        }
        guard method.controller == issuer else {
            return .failed(.vc(.cryptographicSecurityError, "the key \(kid) is controlled by \(method.controller), not the issuer \(issuer)"))
        }
        let fits: Bool
        switch (jws.algorithm, method.key) {
        case ("ES256"?, .p256), ("ES384"?, .p384), ("EdDSA"?, .ed25519): fits = true
        default: fits = false
        }
        guard fits else { return .failed(.vc(.cryptographicSecurityError, "algorithm \(alg) does not fit the \(method.key.algorithmName) key \(kid)")) }
        guard method.key.isValidSignature(jws.signature, for: jws.signingInput) else {
            return .failed(.vc(.cryptographicSecurityError, "the signature (\(alg)) does not verify with the issuer's key \(kid)"))
        }
        return .verified(.did(keyID: kid, controller: method.controller), detail: "JWS \(alg), key \(kid) controlled by \(method.controller)")
    }

    /// The key from the issuer's JWT VC Issuer Metadata: missing metadata leaves the signature unchecked; metadata
    /// that does not back the token (another issuer, no such kid, a bad signature) fails it.
    private func fromMetadata(_ jws: CompactJWS, issuer: String, kid: String?, metadata: JWTIssuerMetadataResolver) async -> Outcome {
        let alg = jws.algorithm ?? "?"
        do {
            let (keys, source) = try await metadata.keys(for: issuer)
            let (key, keyID) = try JWTIssuerMetadataResolver.select(keys, kid: kid, alg: jws.algorithm)
            let name = keyID.map { "key \($0)" } ?? "the only key"
            guard jws.isSigned(by: key) else {
                return .failed(
                    .vc(.cryptographicSecurityError, "the signature (\(alg)) does not verify with \(name) of the issuer's JWT VC Issuer Metadata (\(source))"))
            }
            return .verified(
                .issuerMetadata(keyID: keyID, issuer: issuer, source: source),
                detail: "JWS \(alg), \(name) from the JWT VC Issuer Metadata of \(issuer) (\(source))")
        } catch {
            switch error.kind {
            case .unavailable: return .unverifiable(error.message)
            case .refused: return .failed(.vc(.cryptographicSecurityError, error.message, path: "$.iss"))
            }
        }
    }

    /// The leaf's key as a KeyManagement key (the JOSE algorithms: P-256, P-384, Ed25519).
    static func publicKey(of certificate: Certificate) -> PublicKey? {
        if let key = P256.Signing.PublicKey(certificate.publicKey) { return try? PublicKey(.p256(key)) }
        if let key = P384.Signing.PublicKey(certificate.publicKey) { return try? PublicKey(.p384(key)) }
        if let key = Curve25519.Signing.PublicKey(certificate.publicKey) { return try? PublicKey(.ed25519(key)) }
        return nil
    }

    /// A did:jwk has one key, `#0`; a did:key's key is named by its own identifier.
    static func defaultKeyID(_ did: String) -> String {
        if did.hasPrefix("did:jwk:") { return did + "#0" }
        if did.hasPrefix("did:key:") { return did + "#" + did.dropFirst("did:key:".count) }
        return did
    }

    static func certificate(_ leaf: Certificate, names issuer: String) -> Bool {
        guard let names = try? leaf.extensions.subjectAlternativeNames else { return false }
        let host = URLComponents(string: issuer).flatMap { $0.scheme == "https" ? $0.host?.lowercased() : nil }
        return names.contains { name in
            switch name {
            case .uniformResourceIdentifier(let uri): return uri == issuer
            case .dnsName(let dns): return host != nil && dns.lowercased() == host
            default: return false
            }
        }
    }
}

extension CredentialVerifier {
    /// Parses, rebuilds and verifies an SD-JWT VC under the policy (see ``SDJWTVerification``).
    func verifySDJWT(_ text: String) async -> SDJWTVerification {
        var out = SDJWTVerification()
        let sd: SelectiveDisclosureJWT
        var limits = SDJWTLimits.default
        limits.json = policy.jsonLimits
        do { sd = try SelectiveDisclosureJWT(parsing: text, limits: limits) } catch {
            // An unknown _sd_alg means the digests cannot be checked: integrity, not form.
            if error.code == .unsupportedAlgorithm { out.sealErrors.append(.sdJWT(error)) } else { out.formatErrors.append(.sdJWT(error)) }
            return out
        }
        out.sdJWT = sd
        let typ = sd.type ?? "(missing)"
        if !sdJWTVCTypes.contains(typ) {
            out.formatErrors.append(.vc(.parsingError, "typ \(typ) is not dc+sd-jwt (nor the earlier vc+sd-jwt)"))
        }
        do { try sd.issuerJWT.requireAllowedAlgorithm(what: "issuer-signed JWT") } catch {
            out.sealErrors.append(.sdJWT(error))
            return out
        }
        // RFC 7515 §4.1.11: a critical header this verifier does not process makes the JWS invalid.
        if let crit = sd.issuerJWT.header["crit"] {
            let names = crit.arrayValue?.compactMap(\.stringValue).joined(separator: ", ") ?? ""
            out.sealErrors.append(
                .vc(
                    .cryptographicSecurityError,
                    "the issuer-signed JWT marks \(names.isEmpty ? "(malformed crit)" : names) critical, which this verifier does not process"))
            return out
        }
        do { out.claims = try sd.processedClaims() } catch {
            if error.code == .malformed || error.code == .limitExceeded { out.formatErrors.append(.sdJWT(error)) } else { out.sealErrors.append(.sdJWT(error)) }
        }
        if let claims = out.claims?.claims, claims["vct"]?.stringValue == nil {
            out.formatErrors.append(.vc(.malformedValueError, "an SD-JWT VC needs a vct (its credential type) string", path: "$.vct"))
        }
        let issuer = sd.issuerJWT.payload["iss"]?.stringValue
        switch await SDJWTKeyFinder(policy: policy, resolver: context.dataIntegrity.resolver).check(sd.issuerJWT, issuer: issuer) {
        case .verified(let key, let detail):
            out.issuerKey = key
            out.details.append(detail)
            if case .x5c(_, let subject, let bound) = key, !bound {
                out.sealErrors.append(
                    .vc(
                        .cryptographicSecurityError,
                        "the issuer \(issuer ?? "(no iss)") is not named in the x5c certificate \(subject) (a URI, or an https host as a DNS name)",
                        path: "$.iss"))
            }
        case .failed(let problem): out.sealErrors.append(problem)
        case .unverifiable(let why): out.unverifiedReason = why
        }
        let required = policy.challenge != nil || policy.domain != nil
        if sd.keyBindingJWT != nil || required {
            let expected = KeyBindingExpectations(nonce: policy.challenge, audience: policy.domain, now: policy.now, clockSkew: policy.clockSkew)
            do { out.keyBinding = .success(try sd.verifyKeyBinding(expected)) } catch {
                let what = policy.challenge != nil ? "a challenge" : "a domain"
                out.keyBinding = .failure(
                    sd.keyBindingJWT == nil
                        ? SDJWTError(.keyBinding, "\(what) was required, but the SD-JWT has no key binding JWT to answer it") : error)
            }
        }
        return out
    }
}

/// The SD-JWT VC forms of the checks, called by ``FormatCheck``, ``SealCheck``, ``OwnerCheck``, ``RevocationCheck`` and ``ValidityCheck``.
enum SDJWTChecks {
    static func format(_ verification: SDJWTVerification, subject: VerificationSubject) -> CheckResult {
        if let problem = subject.input.problem, verification.sdJWT == nil { return .error(.format, "The SD-JWT is not readable: \(problem.detail)", [problem]) }
        if let first = verification.formatErrors.first {
            return .error(.format, "The SD-JWT VC is not in the correct format: \(first.detail)", verification.formatErrors)
        }
        guard let claims = verification.claims else {
            return .skipped(.format, "The disclosures could not be put back (see Seal), so the claims are not known", limitsTrust: true)
        }
        let vct = claims.claims["vct"]?.stringValue ?? "?"
        var details = ["Type (vct): \(vct)", "Typ: \(verification.sdJWT?.type ?? "?"), digests \(verification.sdJWT?.hashAlgorithm.rawValue ?? "?")"]
        for disclosure in claims.disclosed.prefix(64) {
            var text = JSONWriter.string(disclosure.value)
            if text.count > 120 { text = String(text.prefix(120)) + "…" }
            details.append("Disclosed \(disclosure.path) = \(text)")
        }
        if claims.disclosed.count > 64 { details.append("… and \(claims.disclosed.count - 64) more disclosed claims") }
        details.append(
            "Not disclosed: \(claims.undisclosedDigests) digest\(claims.undisclosedDigests == 1 ? "" : "s") (claims the holder withheld, or the issuer's decoys)"
        )
        return .ok(
            .format,
            "The SD-JWT VC (\(vct)) is well formed: \(claims.disclosed.count) claim\(claims.disclosed.count == 1 ? "" : "s") disclosed, \(claims.undisclosedDigests) digest\(claims.undisclosedDigests == 1 ? "" : "s") not disclosed",
            details: details)
    }

    static func seal(_ verification: SDJWTVerification) -> CheckResult {
        if let first = verification.sealErrors.first {
            return .error(.seal, "The SD-JWT does not verify: \(first.detail)", verification.sealErrors, details: verification.details)
        }
        if let why = verification.unverifiedReason {
            return .skipped(.seal, "The issuer's signature was not checked: \(why)", limitsTrust: true, details: verification.details)
        }
        guard verification.formatErrors.isEmpty, let key = verification.issuerKey else {
            return .skipped(.seal, "The SD-JWT could not be read, so its signature was not checked", limitsTrust: true, details: verification.details)
        }
        let alg = verification.sdJWT?.issuerJWT.algorithm ?? "?"
        let disclosures = "every disclosure presented was signed by the issuer (its digest is in the signed payload)"
        switch key {
        case .did(let kid, let controller):
            return .ok(
                .seal, "The issuer's signature (\(alg)) verifies with its key \(kid) (controlled by \(controller)); \(disclosures)",
                details: verification.details)
        case .x5c(.trusted(let chain), let subject, _):
            let anchor = chain.last.map { $0.subject.text } ?? "?"
            let demo = chain.last.map(DemoMaterial.isDemo) ?? false
            return .ok(
                .seal,
                "\(demo ? "DEMO: " : "")The issuer's signature (\(alg)) verifies with the certificate \(subject), which chains to the trust anchor \(anchor); \(disclosures)",
                details: verification.details)
        case .issuerMetadata(let kid, let issuer, _):
            // Bound to the origin by TLS, like did:web; trust in the issuer is the Accreditation check's.
            return .ok(
                .seal,
                "The issuer's signature (\(alg)) verifies with \(kid.map { "the key \($0)" } ?? "the key") that \(issuer) publishes in its JWT VC Issuer Metadata; \(disclosures)",
                details: verification.details)
        case .x5c(.untrusted(let reason), let subject, _):
            return CheckResult(
                .seal, .ok, "The SD-JWT is intact (signed with the certificate \(subject)), but its certificate is not trusted: \(reason)",
                details: verification.details, limitsTrust: true)
        }
    }

    static func owner(_ verification: SDJWTVerification) -> CheckResult {
        switch verification.keyBinding {
        case .success(let kb)?:
            return .ok(
                .owner,
                "The holder proved possession of the credential's key (cnf) with a key binding JWT (\(kb.algorithm), nonce \(kb.nonce), audience \(kb.audience))"
            )
        case .failure(let error)?:
            return .error(.owner, "The key binding does not verify: \(error.message)", [.sdJWT(error)])
        case nil:
            let bound = verification.sdJWT?.issuerJWT.payload["cnf"] != nil
            return .skipped(
                .owner,
                bound
                    ? "Not presented: the SD-JWT carries no key binding JWT, so nothing shows its holder has the key in cnf"
                    : "The SD-JWT is not bound to a holder key (no cnf), so anyone holding it can present it", limitsTrust: false)
        }
    }

    static func validity(_ document: JSONValue, context: VerificationContext) -> CheckResult {
        let now = context.policy.now.timeIntervalSince1970
        let skew = context.policy.clockSkew
        var dates: [String: Double] = [:]
        for key in ["iat", "nbf", "exp"] {
            guard let value = document[key] else { continue }
            guard let seconds = value.numberValue?.doubleValue, seconds.isFinite else {
                return .error(.validity, "\(key) is not a NumericDate", [.vc(.malformedValueError, "\(key) is not a NumericDate", path: "$.\(key)")])
            }
            dates[key] = seconds
        }
        func text(_ seconds: Double) -> String { XSDDateTime.format(Date(timeIntervalSince1970: seconds)) }
        if let exp = dates["exp"], exp < now - skew {
            return .error(.validity, "Expired on \(text(exp))", [.vc(.rangeError, "exp \(text(exp)) has passed", path: "$.exp")])
        }
        if let nbf = dates["nbf"], nbf > now + skew {
            return .error(.validity, "Not yet valid: valid from \(text(nbf))", [.vc(.rangeError, "nbf \(text(nbf)) is in the future", path: "$.nbf")])
        }
        if let iat = dates["iat"], iat > now + skew {
            return .error(.validity, "Issued in the future (\(text(iat)))", [.vc(.rangeError, "iat \(text(iat)) is in the future", path: "$.iat")])
        }
        let from = dates["nbf"] ?? dates["iat"]
        switch (from, dates["exp"]) {
        case (let start?, let end?): return .ok(.validity, "Valid from \(text(start)) until \(text(end))")
        case (let start?, nil): return .ok(.validity, "Valid since \(text(start)), with no end date")
        case (nil, let end?): return .ok(.validity, "Valid until \(text(end))")
        default: return .ok(.validity, "The credential states no validity period, so it does not expire")
        }
    }
}
