import CredentialJSON
import CredentialVerification
import Crypto
import Foundation
import JAdES
import KeyManagement
import Testing
import X509

/// Rules found by attacking the verifier: JWT time claims and critical headers, every EQF level, CA key usage.
@Suite("Trust rules: JWT claims, EQF scope, CA key usage")
struct TrustRuleTests {
    /// A VC-JOSE compact JWS (EdDSA, did:key) over `claims` with extra header members.
    static func jwt(_ claims: JSONObject, header extra: JSONObject = [:]) throws -> (token: String, issuer: String) {
        let key = Curve25519.Signing.PrivateKey()
        let wrapped = try PrivateKey(.ed25519(key))
        let did = try wrapped.publicKey.didKey()
        let method = try wrapped.publicKey.didKeyVerificationMethod()
        var header: JSONObject = ["alg": "EdDSA", "typ": "vc+jwt", "kid": .string(method)]
        for m in extra { header[m.key] = m.value }
        var body = claims
        let isPresentation = claims["type"]?.asArray.contains("VerifiablePresentation") ?? false
        body[isPresentation ? "holder" : "issuer"] = .string(did)
        func b64(_ bytes: [UInt8]) -> String {
            Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
        let input = b64(JSONWriter.data(.object(header))) + "." + b64(JSONWriter.data(.object(body)))
        let signature = try key.signature(for: Array(input.utf8))
        return (input + "." + b64(Array(signature)), did)
    }

    static let credential: JSONObject = [
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
        "type": ["VerifiableCredential", "ExampleDegreeCredential"],
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": ["id": "did:example:learner", "degree": ["type": "ExampleBachelorDegree", "name": "Bachelor of Science"]],
    ]

    @Test("A JWT credential is refused when expired, not yet valid, or carrying a critical header")
    func jwtTimeClaimsAndCrit() async throws {
        let good = try Self.jwt(Self.credential)
        let ok = try #require(await CredentialVerifier().verify(bytes: Array(good.token.utf8), source: "good").first)
        #expect(ok.check(.seal)?.status == .ok, "\(ok.check(.seal)?.reason ?? "")")
        var expired = Self.credential
        expired["exp"] = 1_600_000_000
        var early = Self.credential
        early["nbf"] = 4_000_000_000
        let cases: [(String, JSONObject, JSONObject, String)] = [
            ("expired", expired, [:], "expired at 2020-09-13"),
            ("not yet valid", early, [:], "not valid before 2096"),
            ("critical header", Self.credential, ["crit": ["x-unknown"], "x-unknown": true], "marks x-unknown critical"),
        ]
        for (name, claims, header, reason) in cases {
            let token = try Self.jwt(claims, header: header).token
            let report = try #require(await CredentialVerifier().verify(bytes: Array(token.utf8), source: name).first)
            #expect(report.status == .failed, "\(name)")
            #expect(report.check(.seal)?.reason.contains(reason) == true, "\(name): \(report.check(.seal)?.reason ?? "")")
        }
    }

    @Test("A presentation JWT must answer a required challenge (nonce) and domain (aud)")
    func presentationJWTChallenge() async throws {
        let vp: JSONObject = ["@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"]]
        let unanswered = try Self.jwt(vp).token
        let policy = VerificationPolicy(challenge: "c-1", domain: ["verifier.example"])
        let refused = try #require(await CredentialVerifier(policy: policy).verify(bytes: Array(unanswered.utf8), source: "vp").first)
        #expect(refused.status == .failed)
        #expect(
            refused.check(.seal)?.reason.contains("a challenge was required, but the presentation has no nonce") == true,
            "\(refused.check(.seal)?.reason ?? "")")
        var answered = vp
        answered["nonce"] = "c-1"
        answered["aud"] = "verifier.example"
        let token = try Self.jwt(answered).token
        let accepted = try #require(await CredentialVerifier(policy: policy).verify(bytes: Array(token.utf8), source: "vp").first)
        #expect(accepted.check(.seal)?.status == .ok, "\(accepted.check(.seal)?.reason ?? "")")
    }

    @Test("Every EQF level a credential states must be within the issuer's accreditation; an unreadable one fails it")
    func everyEQFLevelCounts() async throws {
        let issuer = try DemoIssuer()
        let trusted = TrustedIssuerList(entries: [.init(id: issuer.did, name: "Level-5 college", eqfLevels: [5])])
        let verifier = CredentialVerifier(policy: VerificationPolicy(trustedIssuers: trusted))
        func report(_ level: JSONValue) async throws -> VerificationReport {
            let credential = try issuer.sign(issuer.credential(extra: ["eqfLevel": level]))
            return try await verifyOne(verifier, credential)
        }
        let five = try await report("http://data.europa.eu/snb/eqf/5")
        #expect(five.check(.accreditation)?.status == .ok, "\(five.check(.accreditation)?.reason ?? "")")
        for level: JSONValue in [
            ["http://data.europa.eu/snb/eqf/5", "http://data.europa.eu/snb/eqf/8"],
            "http://data.europa.eu/snb/eqf/8#", "http://data.europa.eu/snb/eqf/8/x", "http://data.europa.eu/snb/eqf/08",
        ] {
            let r = try await report(level)
            #expect(r.check(.accreditation)?.status == .error, "\(level): \(r.check(.accreditation)?.reason ?? "")")
        }
    }

    @Test("A chain through a CA certificate whose key usage lacks keyCertSign is not trusted")
    func caWithoutKeyCertSign() async throws {
        let rootKey = P256.Signing.PrivateKey(), intermediateKey = P256.Signing.PrivateKey(), leafKey = P256.Signing.PrivateKey()
        let start = Date().addingTimeInterval(-3600), end = Date().addingTimeInterval(86_400)
        let rootName = try DistinguishedName { CommonName("Root") }
        let root = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(rootKey.publicKey), notValidBefore: start, notValidAfter: end,
            issuer: rootName, subject: rootName, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil)); Critical(KeyUsage(keyCertSign: true))
            },
            issuerPrivateKey: .init(rootKey))
        func intermediate(keyCertSign: Bool) throws -> Certificate {
            let name = try DistinguishedName { CommonName("Intermediate") }
            return try Certificate(
                version: .v3, serialNumber: .init(), publicKey: .init(intermediateKey.publicKey), notValidBefore: start, notValidAfter: end,
                issuer: rootName, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                    Critical(keyCertSign ? KeyUsage(keyCertSign: true) : KeyUsage(digitalSignature: true))
                },
                issuerPrivateKey: .init(rootKey))
        }
        let leaf = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(leafKey.publicKey), notValidBefore: start, notValidAfter: end,
            issuer: try DistinguishedName { CommonName("Intermediate") }, subject: try DistinguishedName { CommonName("Seal") },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions { Critical(KeyUsage(digitalSignature: true, nonRepudiation: true)) },
            issuerPrivateKey: .init(intermediateKey))
        let validator = JAdESChainValidator(trustAnchors: [root])
        #expect(await validator.validate(leaf: leaf, intermediates: [try intermediate(keyCertSign: true)]).isTrusted)
        let refused = await validator.validate(leaf: leaf, intermediates: [try intermediate(keyCertSign: false)])
        #expect(!refused.isTrusted)
        #expect(refused.description.contains("keyCertSign"), "\(refused)")
    }
}
