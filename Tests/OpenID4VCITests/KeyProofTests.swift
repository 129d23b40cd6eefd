import CredentialJSON
import Foundation
import KeyManagement
import OpenID4VCI
import Testing

/// `jwt` key proofs: forgeries and abuse first, then the key forms a wallet may use.
@Suite("OpenID4VCI key proofs")
struct KeyProofTests {
    let verifier = KeyProofVerifier(issuerIdentifier: Fixture.issuerID)

    func refusal(_ proof: String, now: Date = Date()) async -> String? {
        await errorCode { _ = try await verifier.verify(proof, now: now) }
    }

    @Test func aProofForAnotherIssuerIsRefused() async throws {
        let w = try Wallet()
        #expect(await refusal(try w.proof(nonce: "n", audience: "https://other.example")) == "invalid_proof")
    }

    @Test func anOldOrFutureProofIsRefused() async throws {
        let w = try Wallet()
        #expect(await refusal(try w.proof(nonce: "n", iat: Date().addingTimeInterval(-3600))) == "invalid_proof")
        #expect(await refusal(try w.proof(nonce: "n", iat: Date().addingTimeInterval(3600))) == "invalid_proof")
    }

    @Test func algNoneAndHMACAreRefused() async throws {
        let w = try Wallet()
        let good = try w.proof(nonce: "n")
        let parts = good.split(separator: ".").map(String.init)
        for alg in ["none", "HS256"] {
            var header = try JSONParser.parse(Array(Data(base64URL: parts[0])!)).objectValue!
            header["alg"] = .string(alg)
            let forged = Base64URLCoding.encode(JSONWriter.data(.object(header))) + "." + parts[1] + "." + (alg == "none" ? "" : parts[2])
            #expect(await refusal(forged) == "invalid_proof", "\(alg)")
        }
    }

    @Test func aWrongTypIsRefused() async throws {
        let w = try Wallet()
        #expect(await refusal(try w.proof(nonce: "n", typ: "JWT")) == "invalid_proof")
    }

    @Test func anOversizedProofIsRefusedBeforeParsing() async throws {
        let w = try Wallet()
        let big = try w.proof(nonce: String(repeating: "x", count: 20_000))
        #expect(await refusal(big) == "invalid_proof")
    }

    @Test func aProofSignedByAnotherKeyThanItNamesIsRefused() async throws {
        let w = try Wallet(), stranger = try Wallet()
        #expect(await refusal(try w.proof(nonce: "n", signer: stranger.key)) == "invalid_proof")
        #expect(await refusal(try w.proof(nonce: "n", keyHeader: .didKey, signer: stranger.key)) == "invalid_proof")
    }

    @Test func aKeyNamedTwiceOrNotAtAllIsRefused() async throws {
        let w = try Wallet()
        #expect(
            await refusal(try w.proof(nonce: "n", keyHeader: .jwk, extraHeader: ["kid": .string(try w.key.publicKey.didKeyVerificationMethod())]))
                == "invalid_proof")
        #expect(await refusal(try w.proof(nonce: "n", keyHeader: .none)) == "invalid_proof")
        #expect(await refusal(try w.proof(nonce: "n", keyHeader: .none, extraHeader: ["kid": "https://attacker.example/key"])) == "invalid_proof")
        #expect(await refusal(try w.proof(nonce: "n", keyHeader: .none, extraHeader: ["x5c": ["MIIB"]])) == "invalid_proof")
    }

    @Test func aJWKWithPrivateMaterialIsRefused() async throws {
        let w = try Wallet(.ed25519)
        var jwk = w.key.publicKey.jwk
        jwk["d"] = "AAAA"
        #expect(await refusal(try w.proof(nonce: "n", keyHeader: .none, extraHeader: ["jwk": .object(jwk)])) == "invalid_proof")
    }

    @Test func aProofWithoutNonceIsAnInvalidNonce() async throws {
        let w = try Wallet()
        #expect(await refusal(try w.proof(nonce: nil)) == "invalid_nonce")
    }

    @Test func es256AndEdDSAProofsWithJWKDidKeyAndDidJWKAreAccepted() async throws {
        for type in [KeyType.p256, .ed25519] {
            let w = try Wallet(type)
            let viaJWK = try await verifier.verify(try w.proof(nonce: "n1"), now: Date())
            #expect(viaJWK.nonce == "n1")
            #expect(viaJWK.key == w.key.publicKey)
            #expect(viaJWK.did.hasPrefix("did:jwk:"))
            let viaDIDKey = try await verifier.verify(try w.proof(nonce: "n2", keyHeader: .didKey), now: Date())
            #expect(viaDIDKey.did == (try w.key.publicKey.didKey()))
            let viaDIDJWK = try await verifier.verify(try w.proof(nonce: "n3", keyHeader: .didJWK), now: Date())
            #expect(viaDIDJWK.key == w.key.publicKey)
        }
    }
}

extension Data {
    init?(base64URL: String) {
        var s = base64URL.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        self.init(base64Encoded: s)
    }
}

enum Base64URLCoding {
    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(
            of: "=", with: "")
    }
}
