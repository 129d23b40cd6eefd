import CredentialJSON
import Foundation
import KeyManagement
import Multiformats
import SDJWT
import Testing

/// The SD-JWT VC issuer: what it signs, what it hides, and what it refuses.
@Suite("SD-JWT VC issuing")
struct SDJWTVCIssuerTests {
    static let now = Date(timeIntervalSince1970: 1_780_000_000)

    static func claims() -> [SDMember] {
        [
            SDMember("given_name", .string("Amira")),
            SDMember("family_name", .string("Haddad")),
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
                                    SDMember("esco_skill", .string("http://data.europa.eu/esco/skill/382c11ed-20d5-4ae7-b60e-15fec527fa6c")),
                                ])),
                            SDElement(.object([SDMember("title", .string("Publishes content"))])),
                        ]), disclosable: false),
                ])),
            SDMember("country", .string("BEL"), disclosable: false),
        ]
    }

    static func issue(_ type: KeyType = .ed25519, decoys: Int = 0, holder: PrivateKey? = nil) throws -> (String, PrivateKey, PrivateKey) {
        let key = try PrivateKey.generate(type)
        let holder = try holder ?? PrivateKey.generate(.p256)
        let did = try key.publicKey.didKey()
        let issuer = SDJWTVCIssuer(
            key: key, issuer: did, keyID: try key.publicKey.didKeyVerificationMethod(),
            payloadBuilder: SDJWTPayloadBuilder(decoysPerObject: decoys))
        let token = try issuer.issue(
            vct: "https://issuer.example/vct/learning-achievement/v1", claims: claims(),
            holderKey: holder.publicKey.jwk, status: .init(index: 42, uri: "https://issuer.example/status-lists/token/1"),
            issuedAt: now, expiresAt: now.addingTimeInterval(3600))
        return (token, key, holder)
    }

    @Test func theIssuerJWTIsTypedSignedAndCarriesTheRegisteredClaimsInTheClear() throws {
        for type in [KeyType.ed25519, .p256] {
            let (token, key, holder) = try Self.issue(type)
            let sd = try SelectiveDisclosureJWT(parsing: token)
            #expect(sd.type == "dc+sd-jwt")
            #expect(sd.issuerJWT.algorithm == (type == .ed25519 ? "EdDSA" : "ES256"))
            #expect(sd.issuerJWT.isSigned(by: key.publicKey))
            #expect(!sd.issuerJWT.isSigned(by: holder.publicKey))
            let p = sd.issuerJWT.payload
            #expect(p["vct"]?.stringValue == "https://issuer.example/vct/learning-achievement/v1")
            #expect(p["iat"]?.numberValue?.intValue == 1_780_000_000)
            #expect(p["exp"]?.numberValue?.intValue == 1_780_003_600)
            #expect(p["cnf"]?["jwk"]?.objectValue == holder.publicKey.jwk)
            #expect(p["status"]?["status_list"]?["idx"]?.numberValue?.intValue == 42)
            #expect(p["_sd_alg"]?.stringValue == "sha-256")
            #expect(p["country"]?.stringValue == "BEL")
            // Disclosable claims are hidden: their names are nowhere in the signed payload.
            let text = JSONWriter.string(p)
            for hidden in ["given_name", "Amira", "\"achievement\"", "learning_outcomes", "esco"] { #expect(!text.contains(hidden)) }
            #expect(sd.keyBindingJWT == nil)
            #expect(token.hasSuffix("~"))
        }
    }

    @Test func everyDisclosureHasAFresh128BitSaltAndTheDigestsAreSorted() throws {
        let (token, _, _) = try Self.issue()
        let sd = try SelectiveDisclosureJWT(parsing: token)
        // given, family, achievement, title, two outcome elements, two outcome titles, one esco skill = 9
        #expect(sd.disclosures.count == 9)
        let salts = sd.disclosures.map(\.salt)
        #expect(Set(salts).count == salts.count)
        for salt in salts { #expect(try Base64URL.decode(salt).count == 16) }
        let digests = sd.issuerJWT.payload["_sd"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(digests == digests.sorted())
        // Another issuance of the same claims shares no digest: the salts differ.
        let (again, _, _) = try Self.issue()
        #expect(Set(try SelectiveDisclosureJWT(parsing: again).disclosures.map(\.digest)).isDisjoint(with: sd.disclosures.map(\.digest)))
    }

    @Test func allDisclosuresRebuildTheClaimsIncludingArrayElements() throws {
        let (token, _, _) = try Self.issue(decoys: 3)
        let claims = try SelectiveDisclosureJWT(parsing: token).processedClaims()
        #expect(claims.claims["given_name"]?.stringValue == "Amira")
        let outcomes = claims.claims["achievement"]?["learning_outcomes"]?.arrayValue ?? []
        #expect(outcomes.count == 2)
        #expect(outcomes.first?["esco_skill"]?.stringValue?.hasPrefix("http://data.europa.eu/esco/skill/") == true)
        // Three decoys at each of the four objects with disclosable members.
        #expect(claims.undisclosedDigests == 12)
        #expect(claims.claims["_sd"] == nil)
    }

    @Test func theHolderCanWithholdAnArrayElementAndTheRestStillVerifies() throws {
        let (token, _, holder) = try Self.issue()
        let sd = try SelectiveDisclosureJWT(parsing: token)
        // Withhold the second outcome: its array-element disclosure and the title nested in it.
        let title = try #require(sd.disclosures.first { $0.name == "title" && $0.value.stringValue == "Publishes content" })
        let element = try #require(sd.disclosures.first { $0.name == nil && ($0.value["_sd"]?.arrayValue ?? []).contains(.string(title.digest)) })
        let kept = sd.disclosures.filter { $0.digest != title.digest && $0.digest != element.digest }
        let presented = SDJWTIssuing.combine(issuerJWT: sd.issuerJWT.text, disclosures: kept.map(\.encoded))
        let kb = try SDJWTIssuing.keyBinding(presented: presented, nonce: "n", audience: "https://verifier.example", issuedAt: Self.now, key: holder)
        let withKB = try SelectiveDisclosureJWT(parsing: presented + kb)
        let claims = try withKB.processedClaims()
        #expect(claims.claims["achievement"]?["learning_outcomes"]?.arrayValue?.count == 1)
        let result = try withKB.verifyKeyBinding(KeyBindingExpectations(nonce: "n", audience: ["https://verifier.example"], now: Self.now))
        #expect(result.nonce == "n")
    }

    @Test func aClaimNamedLikeARegisteredClaimIsRefused() throws {
        let key = try PrivateKey.generate(.ed25519)
        let issuer = SDJWTVCIssuer(key: key, issuer: "did:example:1", keyID: nil)
        for name in ["iss", "vct", "cnf", "status", "exp", "_sd"] {
            #expect(throws: SDJWTError.self) {
                try issuer.issue(vct: "x", claims: [SDMember(name, .string("forged"))], holderKey: nil, status: nil, issuedAt: Self.now, expiresAt: nil)
            }
        }
    }

    @Test func aTamperedPayloadNoLongerVerifies() throws {
        let (token, key, _) = try Self.issue()
        let parts = token.split(separator: "~", omittingEmptySubsequences: false)
        let jwt = parts[0].split(separator: ".").map(String.init)
        var payload = try JSONParser.parse(try Base64URL.decode(jwt[1])).objectValue!
        payload["vct"] = "https://attacker.example/vct"
        let forged = jwt[0] + "." + Base64URL.encode(JSONWriter.data(.object(payload))) + "." + jwt[2]
        let sd = try SelectiveDisclosureJWT(parsing: ([forged] + parts.dropFirst().map(String.init)).joined(separator: "~"))
        #expect(!sd.issuerJWT.isSigned(by: key.publicKey))
    }
}
