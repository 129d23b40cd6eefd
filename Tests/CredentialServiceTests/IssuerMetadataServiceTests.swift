import CredentialJSON
import CredentialService
import Foundation
import HummingbirdTesting
import KeyManagement
import SDJWT
import TestSupport
import Testing

/// SD-JWT VCs from another issuer with an `https` `iss`: `serve` fetches nothing, so such an issuer's keys come only
/// from the JWT VC Issuer Metadata folder the operator gives it (`--issuer-metadata-dir`).
@Suite("Service: SD-JWT VC issuer keys from a metadata folder")
struct IssuerMetadataServiceTests {
    static let iss = "https://issuer.example"

    func token(signedBy key: PrivateKey) throws -> String {
        let issuer = SDJWTVCIssuer(key: key, issuer: Self.iss, keyID: "key-1")
        return try issuer.issue(
            vct: Self.iss + "/vct/course", claims: [SDMember("course", .value("Data analysis"))], holderKey: nil, status: nil,
            issuedAt: Date(), expiresAt: nil)
    }

    /// A metadata folder announcing `key` as `key-1` of the issuer.
    func folder(announcing key: PublicKey) throws -> URL {
        let dir = TestDirectories.path("issuer-metadata")
        let file = dir.appendingPathComponent("issuer.example/.well-known/jwt-vc-issuer.json")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        var jwk = key.jwk
        jwk["kid"] = "key-1"
        try Data(JSONWriter.data(["issuer": .string(Self.iss), "jwks": ["keys": [.object(jwk)]]])).write(to: file)
        return dir
    }

    /// The status of the Seal check of verifying `token` through `POST /credentials/verify`, with its reason.
    func seal(_ token: String, folder: URL?) async throws -> (status: String?, reason: String) {
        let s = try await TestService.make { $0.issuerMetadataDirectory = folder }
        return try await s.app.test(.router) { client in
            let result = try await verify(client, .string(token))
            let seal = (result["results"]?.asArray ?? []).first { $0["name"]?.stringValue == "Seal" }
            return (seal?["status"]?.stringValue, seal?["reason"]?.stringValue ?? JSONWriter.string(result))
        }
    }

    @Test func theIssuersKeyFromTheFolderVerifiesItsSDJWTVCAndNothingElseDoes() async throws {
        let key = try PrivateKey.generate(.p256)
        let token = try token(signedBy: key)
        let genuine = try await seal(token, folder: try folder(announcing: key.publicKey))
        #expect(genuine.status == "OK", "\(genuine.reason)")

        // Without the folder the service cannot learn the key (it fetches nothing), so the seal is not proven.
        let unknown = try await seal(token, folder: nil)
        #expect(unknown.status != nil && unknown.status != "OK", "\(unknown.reason)")
        // A token signed by someone else under the issuer's name and kid: the announced key refuses it.
        let forged = try await seal(try self.token(signedBy: try PrivateKey.generate(.p256)), folder: try folder(announcing: key.publicKey))
        #expect(forged.status != nil && forged.status != "OK", "\(forged.reason)")
    }

    @Test func aMissingFolderStopsTheStart() async throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-folder-\(UUID().uuidString)")
        await #expect(throws: ServiceSetupError.self) { _ = try await TestService.make { $0.issuerMetadataDirectory = missing } }
    }
}
