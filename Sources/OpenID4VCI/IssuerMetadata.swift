import CredentialJSON
import Foundation

/// The credential configurations skillcred offers, one per format, all built from one template and learner record.
public enum CredentialConfiguration: String, Sendable, Hashable, CaseIterable {
    /// SD-JWT VC (`dc+sd-jwt`), holder-bound by `cnf.jwk`, status in an IETF Token Status List.
    case sdJWT = "learning_achievement_dc_sd_jwt"
    /// W3C VC 2.0 with an eddsa-rdfc-2022 Data Integrity proof (`ldp_vc`), the holder's DID as subject.
    case ldpVC = "learning_achievement_ldp_vc"
    /// A VC Data Model 1.1 credential as a JWT (`jwt_vc_json`, the `vc` claim, no JSON-LD processing), EdDSA, the
    /// holder's DID as `sub` and subject.
    case jwtVC = "learning_achievement_jwt_vc_json"

    /// The `format` the configuration has.
    public var format: String {
        switch self {
        case .sdJWT: return "dc+sd-jwt"
        case .ldpVC: return "ldp_vc"
        case .jwtVC: return "jwt_vc_json"
        }
    }

    /// The configuration for a `--format` name: the format (`dc+sd-jwt`, `ldp_vc`) or the configuration id.
    public init?(name: String) {
        if let configuration = CredentialConfiguration(rawValue: name) { self = configuration; return }
        guard let configuration = Self.allCases.first(where: { $0.format == name }) else { return nil }
        self = configuration
    }
}

/// The endpoints and documents of the credential issuer (OpenID4VCI 1.0 §12.2) and of its authorization server
/// (RFC 8414), both at the issuer identifier (the service's public base URL).
public struct CredentialIssuerDescription: Sendable {
    /// The credential issuer identifier: the public base URL, no trailing slash.
    public let issuer: String

    public init(issuer: String) {
        var identifier = issuer
        while identifier.hasSuffix("/") { identifier.removeLast() }
        self.issuer = identifier
    }

    public var tokenEndpoint: String { issuer + "/openid4vci/token" }
    public var nonceEndpoint: String { issuer + "/openid4vci/nonce" }
    public var credentialEndpoint: String { issuer + "/openid4vci/credential" }
    /// `credential_offer_uri` of an offer.
    public func offerURI(_ id: String) -> String { issuer + "/openid4vci/offers/" + id }
    /// The page that shows an offer as a QR code with its link.
    public func offerPage(_ id: String) -> String { issuer + "/offers/" + id }

    /// The issuer identifier's path ("" for an origin, "/tenant" for `https://host/tenant`).
    public var issuerPath: String {
        guard let components = URLComponents(string: issuer) else { return "" }
        let path = components.percentEncodedPath
        return path == "/" ? "" : path
    }

    /// Where a well-known document lives for this issuer: the well-known segment goes between the host and the
    /// issuer's path (RFC 8414 §3.1, OpenID4VCI 1.0 §12.2.2), e.g. `https://host/.well-known/openid-credential-issuer/tenant`.
    public func wellKnownURL(_ name: String) -> String {
        guard var components = URLComponents(string: issuer) else { return issuer + "/.well-known/" + name }
        components.percentEncodedPath = "/.well-known/" + name + issuerPath
        return components.string ?? issuer + "/.well-known/" + name
    }

    /// Credential issuer metadata.
    public func metadata(issuerName: String = "skillcred") -> JSONValue {
        var configurations = JSONObject()
        let proofTypes: JSONValue = .object(["jwt": .object(["proof_signing_alg_values_supported": .array(KeyProofVerifier.algorithms.map(JSONValue.string))])])
        let display: JSONValue = .array([
            .object(["name": "Learning achievement", "locale": "en", "description": "A learning achievement with its ESCO skills"]),
            .object(["name": "Acquis d’apprentissage", "locale": "fr"]),
        ])
        configurations[CredentialConfiguration.sdJWT.rawValue] = .object([
            "format": "dc+sd-jwt",
            "scope": "learning_achievement_sd_jwt",
            "vct": .string(LearningAchievementSDJWT.vct(issuer: issuer)),
            "cryptographic_binding_methods_supported": ["jwk"],
            "credential_signing_alg_values_supported": ["EdDSA"],
            "proof_types_supported": proofTypes,
            "credential_metadata": .object(["display": display, "claims": LearningAchievementSDJWT.claimsMetadata]),
        ])
        configurations[CredentialConfiguration.ldpVC.rawValue] = .object([
            "format": "ldp_vc",
            "scope": "learning_achievement_ldp_vc",
            "credential_definition": .object([
                "@context": ["https://www.w3.org/ns/credentials/v2", "https://skillcred.example/contexts/elm-vc2/v1"],
                "type": ["VerifiableCredential", "VerifiableAttestation", "EuropeanDigitalCredential"],
            ]),
            "cryptographic_binding_methods_supported": ["did:key", "did:jwk"],
            "credential_signing_alg_values_supported": ["eddsa-rdfc-2022"],
            "proof_types_supported": proofTypes,
            "credential_metadata": .object(["display": display]),
        ])
        configurations[CredentialConfiguration.jwtVC.rawValue] = .object([
            "format": "jwt_vc_json",
            "scope": "learning_achievement_jwt_vc_json",
            "credential_definition": .object(["type": .array(LearningAchievementSDJWT.jwtVCTypes.map(JSONValue.string))]),
            "cryptographic_binding_methods_supported": ["did:key", "did:jwk"],
            "credential_signing_alg_values_supported": ["EdDSA"],
            "proof_types_supported": proofTypes,
            "credential_metadata": .object(["display": display, "claims": LearningAchievementSDJWT.claimsMetadata(prefix: ["credentialSubject"])]),
        ])
        return .object([
            "credential_issuer": .string(issuer),
            "credential_endpoint": .string(credentialEndpoint),
            "nonce_endpoint": .string(nonceEndpoint),
            "display": .array([.object(["name": .string(issuerName), "locale": "en"])]),
            "credential_configurations_supported": .object(configurations),
        ])
    }

    /// OAuth 2.0 authorization server metadata (RFC 8414) of the issuer's own authorization server: the
    /// pre-authorized code grant only, with anonymous access (no client authentication).
    public var authorizationServerMetadata: JSONValue {
        .object([
            "issuer": .string(issuer),
            "token_endpoint": .string(tokenEndpoint),
            "grant_types_supported": ["urn:ietf:params:oauth:grant-type:pre-authorized_code"],
            "pre-authorized_grant_anonymous_access_supported": true,
            "token_endpoint_auth_methods_supported": ["none"],
            "response_types_supported": [],
        ])
    }

    /// The pre-authorized code grant type.
    public static let preAuthorizedGrant = "urn:ietf:params:oauth:grant-type:pre-authorized_code"

    /// The credential offer (OpenID4VCI 1.0 §4.1.1) for a stored offer.
    public func offer(configurations: [String], preAuthorizedCode: String, txCodeLength: Int?) -> JSONValue {
        var grant: JSONObject = ["pre-authorized_code": .string(preAuthorizedCode)]
        if let txCodeLength {
            grant["tx_code"] = .object([
                "input_mode": "numeric", "length": .number(JSONNumber(txCodeLength)),
                "description": "The code your school sent you apart from this link",
            ])
        }
        return .object([
            "credential_issuer": .string(issuer),
            "credential_configuration_ids": .array(configurations.map(JSONValue.string)),
            "grants": .object([Self.preAuthorizedGrant: .object(grant)]),
        ])
    }

    /// The link a wallet opens: `openid-credential-offer://?credential_offer_uri=<encoded URI>`.
    public func offerLink(_ id: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let encoded = offerURI(id).addingPercentEncoding(withAllowedCharacters: allowed) ?? offerURI(id)
        return "openid-credential-offer://?credential_offer_uri=" + encoded
    }
}
