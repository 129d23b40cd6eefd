import CredentialJSON
import CredentialVerification
import Foundation
import KeyManagement
import SDJWT
import StatusList
import TestSupport
import Testing

/// A status list source holding one token, for the tests (no network).
struct OneTokenSource: StatusListSource {
    let url: String
    let token: String
    func fetch(url: String) async throws(StatusListError) -> [UInt8] {
        guard url == self.url else { throw StatusListError(.retrieval, "no list \(url)") }
        return Array(token.utf8)
    }
}

/// SD-JWT VCs that skillcred issues (``SDJWTVCIssuer``) verify with skillcred's own verifier, status included, and
/// with the reference implementation (PyPI `sd-jwt` 0.10.4, `tools/sdjwt-check-issued.py`), key binding included.
@Suite("SD-JWT VCs skillcred issues verify here and in the reference implementation")
struct SDJWTIssuingCrossTests {
    static let vct = "https://issuer.example/vct/learning-achievement/v1"
    static let listURI = "https://issuer.example/status-lists/token/1"

    static func claims() -> [SDMember] {
        [
            SDMember("given_name", .string("Bram")),
            SDMember("family_name", .string("Janssens")),
            SDMember(
                "achievement",
                .object([
                    SDMember("title", .string("Data Analysis")),
                    SDMember(
                        "learning_outcomes",
                        .array([
                            SDElement(
                                .object([
                                    SDMember("title", .string("Applies statistics")),
                                    SDMember(
                                        "esco_skill",
                                        .object([
                                            SDMember(
                                                "uri", .string("http://data.europa.eu/esco/skill/382c11ed-20d5-4ae7-b60e-15fec527fa6c"), disclosable: false)
                                        ])),
                                ])),
                            SDElement(.string("Publishes content")),
                        ]), disclosable: false),
                ])),
        ]
    }

    struct Issued {
        let token: String
        let key: PrivateKey
        let holder: PrivateKey
        let did: String
    }

    static func issue(_ type: KeyType, index: Int = 7, decoys: Int = 2) throws -> Issued {
        let key = try PrivateKey.generate(type)
        let holder = try PrivateKey.generate(.p256)
        let did = try key.publicKey.didKey()
        let issuer = SDJWTVCIssuer(
            key: key, issuer: did, keyID: try key.publicKey.didKeyVerificationMethod(),
            payloadBuilder: SDJWTPayloadBuilder(decoysPerObject: decoys))
        let token = try issuer.issue(
            vct: vct, claims: claims(), holderKey: holder.publicKey.jwk, status: .init(index: index, uri: listURI),
            issuedAt: Date().addingTimeInterval(-10), expiresAt: Date().addingTimeInterval(3600))
        return Issued(token: token, key: key, holder: holder, did: did)
    }

    static func statusToken(_ issued: Issued, revoked: [Int]) throws -> String {
        var list = try TokenStatusList(bits: 1, count: 1024)
        for i in revoked { try list.setStatus(1, at: i) }
        return try SDJWTIssuing.statusListToken(
            uri: listURI, bits: 1, lst: try list.encoded(), issuedAt: Date(), expiresAt: Date().addingTimeInterval(600),
            ttl: 300, key: issued.key, keyID: try issued.key.publicKey.didKeyVerificationMethod(), issuer: issued.did)
    }

    static func verifier(_ issued: Issued, revoked: [Int] = [], challenge: String? = nil) throws -> CredentialVerifier {
        CredentialVerifier(
            policy: VerificationPolicy(
                trustedIssuers: TrustedIssuerList(entries: [.init(id: issued.did, name: "test issuer")]),
                statusSource: OneTokenSource(url: listURI, token: try statusToken(issued, revoked: revoked)),
                challenge: challenge, domain: challenge.map { _ in ["https://verifier.example"] }))
    }

    @Test func skillcredsVerifierAcceptsItsOwnSDJWTVCsWithStatusAndKeyBinding() async throws {
        for type in [KeyType.ed25519, .p256] {
            let issued = try Self.issue(type)
            let report = try #require(await Self.verifier(issued).verify(bytes: Array(issued.token.utf8), source: "issued").first)
            let lines = report.checks.map { "\($0.name.rawValue) \($0.status.rawValue): \($0.reason)" }.joined(separator: "\n")
            #expect(report.kind == .sdJWT)
            #expect(report.status == .verified, "\(type):\n\(lines)")
            #expect(report.check(.revocation)?.status == .ok, "\(lines)")

            let kb = try SDJWTIssuing.keyBinding(
                presented: issued.token, nonce: "c-1", audience: "https://verifier.example", issuedAt: Date(), key: issued.holder)
            let bound = try #require(await Self.verifier(issued, challenge: "c-1").verify(bytes: Array((issued.token + kb).utf8), source: "presented").first)
            #expect(bound.status == .verified, "\(bound.checks.map { "\($0.name.rawValue) \($0.status.rawValue): \($0.reason)" }.joined(separator: "\n"))")
        }
    }

    @Test func aRevokedEntryInTheTokenStatusListFailsTheRevocationCheck() async throws {
        let issued = try Self.issue(.ed25519, index: 7)
        let report = try #require(await Self.verifier(issued, revoked: [7]).verify(bytes: Array(issued.token.utf8), source: "issued").first)
        #expect(report.status == .failed)
        #expect(report.check(.revocation)?.status == .error)
        // Another entry revoked leaves this one valid.
        let other = try #require(await Self.verifier(issued, revoked: [6, 8]).verify(bytes: Array(issued.token.utf8), source: "issued").first)
        #expect(other.check(.revocation)?.status == .ok)
    }

    @Test func theReferenceImplementationVerifiesSkillcredsSDJWTVCs() throws {
        guard let python = ProcessInfo.processInfo.environment["SKILLCRED_SDJWT_PYTHON"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            print("SKIPPED: SKILLCRED_SDJWT_PYTHON is not set; skillcred's SD-JWT VCs were not checked by the sd-jwt reference implementation")
            return
        }
        var cases: [JSONValue] = []
        var expected: [String: Bool] = [:]
        for type in [KeyType.ed25519, .p256] {
            let issued = try Self.issue(type)
            let jwk = JSONValue.object(issued.key.publicKey.jwk)
            cases.append(.object(["name": .string("\(type) all disclosed"), "token": .string(issued.token), "issuer_jwk": jwk]))
            expected["\(type) all disclosed"] = true
            let kb = try SDJWTIssuing.keyBinding(
                presented: issued.token, nonce: "n-1", audience: "https://verifier.example", issuedAt: Date(), key: issued.holder)
            cases.append(
                .object([
                    "name": .string("\(type) key bound"), "token": .string(issued.token + kb), "issuer_jwk": jwk,
                    "nonce": "n-1", "aud": "https://verifier.example",
                ]))
            expected["\(type) key bound"] = true
            // Forgeries the reference implementation must refuse too.
            let stranger = try PrivateKey.generate(type)
            cases.append(
                .object([
                    "name": .string("\(type) wrong issuer key"), "token": .string(issued.token),
                    "issuer_jwk": .object(stranger.publicKey.jwk),
                ]))
            expected["\(type) wrong issuer key"] = false
            cases.append(
                .object([
                    "name": .string("\(type) wrong nonce"), "token": .string(issued.token + kb), "issuer_jwk": jwk,
                    "nonce": "n-2", "aud": "https://verifier.example",
                ]))
            expected["\(type) wrong nonce"] = false
            let strangerKB = try SDJWTIssuing.keyBinding(
                presented: issued.token, nonce: "n-1", audience: "https://verifier.example", issuedAt: Date(),
                key: try PrivateKey.generate(.p256))
            cases.append(
                .object([
                    "name": .string("\(type) key binding by another key"), "token": .string(issued.token + strangerKB), "issuer_jwk": jwk,
                    "nonce": "n-1", "aud": "https://verifier.example",
                ]))
            expected["\(type) key binding by another key"] = false
        }
        let checked = try ChildProcess.run(
            URL(fileURLWithPath: python), [SharedData.packageRoot.appendingPathComponent("tools/sdjwt-check-issued.py").path],
            input: .bytes(JSONWriter.data(.object(["cases": .array(cases)]))))
        try #require(checked.status == 0, "\(checked.stderrText)")
        let answer = try JSONParser.parse(checked.stdout)
        let results = answer["results"]?.arrayValue ?? []
        #expect(results.count == cases.count)
        var agreed = 0
        for r in results {
            let name = r["name"]?.stringValue ?? "?"
            let ok = r["ok"]?.boolValue ?? false
            #expect(ok == expected[name], "\(name): \(r["error"]?.stringValue ?? "verified")")
            if ok == expected[name] { agreed += 1 }
            if ok {
                #expect(r["typ"]?.stringValue == "dc+sd-jwt")
                let claims = r["claims"]
                #expect(claims?["given_name"]?.stringValue == "Bram", "\(name)")
                #expect(claims?["achievement"]?["learning_outcomes"]?.arrayValue?.count == 2, "\(name)")
                #expect(
                    claims?["achievement"]?["learning_outcomes"]?.arrayValue?.first?["esco_skill"]?["uri"]?.stringValue?.contains("esco/skill") == true,
                    "\(name)")
                #expect(claims?["status"]?["status_list"]?["idx"]?.numberValue?.intValue == 7)
            }
        }
        print("sd-jwt reference implementation (\(answer["library"]?.stringValue ?? "?")) on skillcred's SD-JWT VCs: \(agreed)/\(cases.count) verdicts agree")
    }
}
