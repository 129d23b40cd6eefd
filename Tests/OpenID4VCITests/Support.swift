import CredentialIssuance
import CredentialJSON
import CredentialRegistry
import Foundation
import KeyManagement
import Multiformats
import OpenID4VCI
import RegistrySQLite
import SDJWT
import TestSupport
import Testing

/// An issuer on a fresh SQLite registry, a sample template, and a wallet key.
struct Fixture {
    static let issuerID = "https://issuer.example/tenant"
    let issuer: OpenID4VCIIssuer
    let registry: SQLiteRegistryStore
    let template: CredentialTemplate
    let templateJSON: [UInt8]
    let row: RecipientRow

    init(limits: OpenID4VCILimits = OpenID4VCILimits()) throws {
        let dir = TestDirectories.path("oid4vci")
        registry = try SQLiteRegistryStore(path: dir.appendingPathComponent("registry.sqlite").path)
        let key = try PrivateKey.generate(.ed25519)
        issuer = try OpenID4VCIIssuer(issuer: Self.issuerID, registry: registry, key: key, statusBaseURL: Self.issuerID + "/status-lists", limits: limits)
        let path = SharedData.packageRoot.appendingPathComponent("samples/templates/micro-credential.json").path
        template = try CredentialTemplate.load(path: path)
        templateJSON = try OpenID4VCIIssuer.templateForStorage(template, json: Array(FileManager.default.contents(atPath: path)!))
        let validation = Recipients.validate(
            values: [
                "id": "L-0001", "givenName": "Amira", "familyName": "Haddad", "dateOfBirth": "1985-03-13",
                "email": "amira.1@learner.example", "grade": "Merit", "date": "2026-06-11",
                "project": "Library loans forecast",
            ], template: template)
        row = validation.validRows[0]
    }

    func offer(
        txCode: Bool = false, configurations: [CredentialConfiguration] = CredentialConfiguration.allCases, now: Date = Date()
    ) async throws -> OpenID4VCIIssuer.CreatedOffer {
        try await issuer.createOffer(template: template, templateJSON: templateJSON, row: row, configurations: configurations, withTxCode: txCode, now: now)
    }

    func accessToken(_ offer: OpenID4VCIIssuer.CreatedOffer, now: Date = Date()) async throws -> String {
        var form = ["grant_type": CredentialIssuerDescription.preAuthorizedGrant, "pre-authorized_code": offer.record.preAuthorizedCode]
        if let tx = offer.txCode { form["tx_code"] = tx }
        let answer = try await issuer.token(form, now: now)
        return answer["access_token"]!.stringValue!
    }

    /// An ldp_vc delivered through the whole flow (offer, access token, nonce, did:key proof) to `wallet`.
    func deliveredLdpVC(to wallet: Wallet) async throws -> (credential: JSONValue, credentialID: String) {
        let token = try await accessToken(try await offer())
        let delivered = try await issuer.credential(
            accessToken: token, body: wallet.request(.ldpVC, proof: try wallet.proof(nonce: try await issuer.nonce(), keyHeader: .didKey)))
        return (try #require(delivered.response["credentials"]?.arrayValue?.first?["credential"]), delivered.credentialID)
    }
}

/// A wallet's key and its proofs.
struct Wallet {
    let key: PrivateKey
    init(_ type: KeyType = .p256) throws { key = try PrivateKey.generate(type) }

    func proof(
        nonce: String?, audience: String = Fixture.issuerID, iat: Date = Date(), typ: String = "openid4vci-proof+jwt",
        keyHeader: KeyHeader = .jwk, extraHeader: JSONObject = [:], signer: PrivateKey? = nil
    ) throws -> String {
        var header: JSONObject = ["typ": .string(typ)]
        switch keyHeader {
        case .jwk: header["jwk"] = .object(key.publicKey.jwk)
        case .didKey: header["kid"] = .string(try key.publicKey.didKeyVerificationMethod())
        case .didJWK: header["kid"] = .string(DIDJWK.did(key.publicKey) + "#0")
        case .none: break
        }
        for m in extraHeader { header[m.key] = m.value }
        var payload: JSONObject = ["aud": .string(audience), "iat": .number(JSONNumber(Int(iat.timeIntervalSince1970)))]
        if let nonce { payload["nonce"] = .string(nonce) }
        return try SDJWTIssuing.sign(header: header, payload: .object(payload), key: signer ?? key)
    }

    enum KeyHeader { case jwk, didKey, didJWK, none }

    func request(_ configuration: CredentialConfiguration, proof: String) -> JSONValue {
        .object(["credential_configuration_id": .string(configuration.rawValue), "proofs": .object(["jwt": .array([.string(proof)])])])
    }
}

/// did:jwk of a key, as a wallet computes it.
enum DIDJWK {
    static func did(_ key: PublicKey) -> String {
        "did:jwk:" + Base64URL.encode(JSONWriter.data(.object(key.jwk)))
    }
}

/// Awaits `body` and returns the OpenID4VCI error code it threw (nil when it did not throw).
func errorCode(_ body: () async throws -> Void) async -> String? {
    do { try await body() } catch let e as OpenID4VCIError { return e.code.name } catch { return "other: \(error)" }
    return nil
}
