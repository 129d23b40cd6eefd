import CredentialJSON
import Foundation
import KeyManagement
import SDJWT
import TestSupport
import Testing

/// `skillcred verify --issuer-metadata-dir`: an SD-JWT VC by an https issuer whose key is in a folder mirroring its
/// JWT VC Issuer Metadata. Nothing is fetched (no --allow-http-status).
@Suite("skillcred verify --issuer-metadata-dir")
struct IssuerMetadataCLITests {
    @Test("With the metadata folder and the issuer listed: exit 0; a forged signature: exit 1; without the folder: exit 3; a folder that is not one: exit 2")
    func metadataFolder() async throws {
        let dir = TestDirectories.path("issuer-metadata")
        defer { try? FileManager.default.removeItem(at: dir) }
        let key = try PrivateKey.generate(.p256)
        var jwk = key.publicKey.jwk
        jwk["kid"] = "k1"
        let metadata = dir.appendingPathComponent("meta/issuer.example/.well-known/jwt-vc-issuer/school.json")
        try FileManager.default.createDirectory(at: metadata.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(JSONWriter.data(["issuer": "https://issuer.example/school", "jwks": ["keys": [.object(jwk)]]])).write(to: metadata)
        let trusted = dir.appendingPathComponent("trusted.json")
        try Data(JSONWriter.data(["trustedIssuers": [["id": "https://issuer.example/school", "name": "School"]]])).write(to: trusted)
        func token(_ signer: PrivateKey) throws -> URL {
            let now = Int(Date().timeIntervalSince1970)
            let jwt = try SDJWTIssuing.sign(
                header: ["typ": "dc+sd-jwt", "kid": "k1"],
                payload: [
                    "iss": "https://issuer.example/school", "vct": "https://credentials.example/diploma",
                    "iat": .number(JSONNumber(now - 60)), "given_name": "Ada",
                ], key: signer)
            let file = dir.appendingPathComponent("\(UUID().uuidString).sd-jwt")
            try Data(SDJWTIssuing.combine(issuerJWT: jwt, disclosures: []).utf8).write(to: file)
            return file
        }
        let good = try token(key)
        let folder = ["--issuer-metadata-dir", dir.appendingPathComponent("meta").path, "--trusted-issuers", trusted.path]
        let verified = try await SkillcredCLI.run(["verify"] + folder + [good.path])
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        #expect(verified.stdout.contains("the key k1 that https://issuer.example/school publishes in its JWT VC Issuer Metadata"), "\(verified.stdout)")
        let forged = try await SkillcredCLI.run(["verify"] + folder + [try token(try PrivateKey.generate(.p256)).path])
        #expect(forged.status == 1, "\(forged.stdout)")
        let without = try await SkillcredCLI.run(["verify", "--trusted-issuers", trusted.path, good.path])
        #expect(without.status == 3 && without.stdout.contains("--issuer-metadata-dir"), "\(without.stdout)")
        let missing = try await SkillcredCLI.run(["verify", "--issuer-metadata-dir", dir.appendingPathComponent("nowhere").path, good.path])
        #expect(missing.status == 2 && missing.stderr.contains("not a directory"), "\(missing.stderr)")
    }
}
