import CredentialJSON
import Foundation
import KeyManagement
import Multiformats
import SDJWT
import Testing

/// A credential made at test time: object, nested and array disclosures, a decoy digest, and a holder key in cnf.
struct Made {
    let issuerKey: PrivateKey
    let holderKey: PrivateKey
    let disclosures: [Disclosure]
    let issuerJWT: String
    let payload: JSONObject
    var presented: String { SDJWTIssuing.combine(issuerJWT: issuerJWT, disclosures: disclosures.map(\.encoded)) }

    init(header: JSONObject = ["typ": "dc+sd-jwt"], edit: (inout JSONObject, [Disclosure]) -> Void = { _, _ in }) throws {
        issuerKey = try PrivateKey.generate(.p256)
        holderKey = try PrivateKey.generate(.p256)
        let given = SDJWTIssuing.disclosure(name: "given_name", value: "Ada")
        let street = SDJWTIssuing.disclosure(name: "street", value: "1 Loop Road")
        // The address object is itself disclosable and holds a disclosable member: a nested disclosure.
        let address = SDJWTIssuing.disclosure(name: "address", value: .object(["country": "BE", "_sd": [.string(street.digest)]]))
        let fr = SDJWTIssuing.disclosure(name: nil, value: "FR")
        disclosures = [given, address, street, fr]
        var payload: JSONObject = [
            "iss": "https://issuer.example", "vct": "https://credentials.example/diploma", "iat": 1_700_000_000,
            "_sd": [.string(given.digest), .string(address.digest), .string(SDHashAlgorithm.sha256.digest(of: "decoy"))],
            "nationalities": [["...": .string(fr.digest)], "DE"],
            "cnf": ["jwk": .object(holderKey.publicKey.jwk)],
            "_sd_alg": "sha-256",
        ]
        edit(&payload, disclosures)
        self.payload = payload
        issuerJWT = try SDJWTIssuing.sign(header: header, payload: .object(payload), key: issuerKey)
    }

    func withKB(
        nonce: String = "n-1", audience: String = "https://verifier.example", at: Date = Date(timeIntervalSince1970: 1_700_000_100),
        presented override: String? = nil
    ) throws -> String {
        let p = override ?? presented
        return p + (try SDJWTIssuing.keyBinding(presented: p, nonce: nonce, audience: audience, issuedAt: at, key: holderKey))
    }
}

@Suite("SD-JWT parsing and disclosures")
struct SDJWTProcessingTests {
    @Test func rebuildsObjectNestedAndArrayDisclosures() throws {
        let made = try Made()
        let sd = try SelectiveDisclosureJWT(parsing: made.presented)
        #expect(sd.keyBindingJWT == nil)
        #expect(sd.issuerJWT.isSigned(by: made.issuerKey.publicKey))
        let claims = try sd.processedClaims()
        #expect(claims.claims["given_name"] == "Ada")
        #expect(claims.claims["address"]?["street"] == "1 Loop Road")
        #expect(claims.claims["address"]?["country"] == "BE")
        #expect(claims.claims["nationalities"] == ["FR", "DE"])
        #expect(claims.claims["_sd"] == nil && claims.claims["_sd_alg"] == nil && claims.claims["address"]?["_sd"] == nil)
        #expect(Set(claims.disclosed.map(\.path)) == ["$.given_name", "$.address", "$.address.street", "$.nationalities[0]"])
        #expect(claims.undisclosedDigests == 1)  // the decoy
    }

    @Test func withheldDisclosuresAreLeftOut() throws {
        let made = try Made()
        let sd = try SelectiveDisclosureJWT(parsing: SDJWTIssuing.combine(issuerJWT: made.issuerJWT, disclosures: [made.disclosures[0].encoded]))
        let claims = try sd.processedClaims()
        #expect(claims.claims["address"] == nil)
        #expect(claims.claims["nationalities"] == ["DE"])
        #expect(claims.undisclosedDigests == 3)
    }

    @Test func tamperedDisclosureIsNotReferenced() throws {
        let made = try Made()
        let forged = SDJWTIssuing.disclosure(name: "given_name", value: "Eve", salt: made.disclosures[0].salt)
        let sd = try SelectiveDisclosureJWT(parsing: SDJWTIssuing.combine(issuerJWT: made.issuerJWT, disclosures: [forged.encoded]))
        let err = try #require(throws: SDJWTError.self) { try sd.processedClaims() }
        #expect(err.code == .unreferencedDisclosure)
    }

    @Test func droppedDigestMakesItsDisclosureUnreferenced() throws {
        // The issuer's payload without the given_name digest: its disclosure then proves nothing and is refused.
        let made = try Made { payload, d in payload["_sd"] = [.string(d[1].digest)] }
        let sd = try SelectiveDisclosureJWT(parsing: SDJWTIssuing.combine(issuerJWT: made.issuerJWT, disclosures: [made.disclosures[0].encoded]))
        let err = try #require(throws: SDJWTError.self) { try sd.processedClaims() }
        #expect(err.code == .unreferencedDisclosure)
    }

    @Test func duplicatedDigestIsRefused() throws {
        let made = try Made { payload, d in payload["_sd"] = [.string(d[0].digest), .string(d[0].digest)] }
        let sd = try SelectiveDisclosureJWT(parsing: SDJWTIssuing.combine(issuerJWT: made.issuerJWT, disclosures: [made.disclosures[0].encoded]))
        #expect((try #require(throws: SDJWTError.self) { try sd.processedClaims() }).code == .duplicateDigest)
        // The same disclosure presented twice.
        let twice = try SelectiveDisclosureJWT(
            parsing: SDJWTIssuing.combine(issuerJWT: try Made().issuerJWT, disclosures: [made.disclosures[0].encoded, made.disclosures[0].encoded]))
        #expect((try #require(throws: SDJWTError.self) { try twice.processedClaims() }).code == .duplicateDigest)
    }

    @Test func reservedNamesAndCollisionsAreRefused() throws {
        let reserved = SDJWTIssuing.encodedArray(["salt", "_sd", "x"])
        #expect((try #require(throws: SDJWTError.self) { try Disclosure(encoded: reserved, algorithm: .sha256) }).code == .invalidDisclosure)
        let dots = SDJWTIssuing.encodedArray(["salt", "...", "x"])
        #expect((try #require(throws: SDJWTError.self) { try Disclosure(encoded: dots, algorithm: .sha256) }).code == .invalidDisclosure)
        let clash = SDJWTIssuing.disclosure(name: "vct", value: "https://evil.example")
        let made = try Made { payload, _ in payload["_sd"] = [.string(clash.digest)] }
        let sd = try SelectiveDisclosureJWT(parsing: SDJWTIssuing.combine(issuerJWT: made.issuerJWT, disclosures: [clash.encoded]))
        #expect((try #require(throws: SDJWTError.self) { try sd.processedClaims() }).code == .claimNameCollision)
        // An array-element disclosure referenced from an object.
        let element = SDJWTIssuing.disclosure(name: nil, value: "x")
        let wrongPlace = try Made { payload, _ in payload["_sd"] = [.string(element.digest)] }
        let sd2 = try SelectiveDisclosureJWT(parsing: SDJWTIssuing.combine(issuerJWT: wrongPlace.issuerJWT, disclosures: [element.encoded]))
        #expect((try #require(throws: SDJWTError.self) { try sd2.processedClaims() }).code == .invalidDisclosure)
    }

    @Test func malformedPartsAndLimits() throws {
        let made = try Made()
        for bad in [
            "eyJhbGciOiJFUzI1NiJ9.e30", made.issuerJWT + "~!!~", made.issuerJWT + "~~", "eyJ4~",
            made.issuerJWT + "~" + Base64URL.encode(Array("{}".utf8)) + "~",
        ] {
            #expect(throws: SDJWTError.self) { try SelectiveDisclosureJWT(parsing: bad).processedClaims() }
        }
        var limits = SDJWTLimits.default
        limits.maxDisclosures = 2
        #expect((try #require(throws: SDJWTError.self) { try SelectiveDisclosureJWT(parsing: made.presented, limits: limits) }).code == .limitExceeded)
        limits = .default
        limits.maxDepth = 1
        #expect(
            (try #require(throws: SDJWTError.self) { try SelectiveDisclosureJWT(parsing: made.presented).processedClaims(limits: limits) }).code
                == .limitExceeded)
        let unknownHash = try Made { payload, _ in payload["_sd_alg"] = "md5" }
        #expect((try #require(throws: SDJWTError.self) { try SelectiveDisclosureJWT(parsing: unknownHash.presented) }).code == .unsupportedAlgorithm)
    }

    @Test func algNoneAndWrongKeyDoNotVerify() throws {
        let made = try Made()
        let parts = made.issuerJWT.split(separator: ".")
        let none = Base64URL.encode(Array(#"{"alg":"none","typ":"dc+sd-jwt"}"#.utf8)) + "." + parts[1] + "."
        let sd = try SelectiveDisclosureJWT(parsing: none + "~")
        #expect(!sd.issuerJWT.isSigned(by: made.issuerKey.publicKey))
        #expect((try #require(throws: SDJWTError.self) { try sd.issuerJWT.requireAllowedAlgorithm(what: "issuer-signed JWT") }).code == .unsupportedAlgorithm)
        #expect(try !SelectiveDisclosureJWT(parsing: made.presented).issuerJWT.isSigned(by: made.holderKey.publicKey))
        // One changed payload byte breaks the signature.
        let tampered =
            String(parts[0]) + "." + Base64URL.encode(Array(JSONWriter.data(.object(made.payload.replacing("iss", with: "https://evil.example"))))) + "."
            + String(parts[2])
        #expect(try !SelectiveDisclosureJWT(parsing: tampered + "~").issuerJWT.isSigned(by: made.issuerKey.publicKey))
    }
}

@Suite("SD-JWT key binding")
struct SDJWTKeyBindingTests {
    let now = Date(timeIntervalSince1970: 1_700_000_120)

    @Test func verifiesNonceAudienceAndSDHash() throws {
        let made = try Made()
        let sd = try SelectiveDisclosureJWT(parsing: try made.withKB())
        let result = try sd.verifyKeyBinding(KeyBindingExpectations(nonce: "n-1", audience: ["https://verifier.example"], now: now))
        #expect(result.nonce == "n-1" && result.audience == "https://verifier.example")
    }

    @Test func wrongNonceAudienceStaleOrFuture() throws {
        let made = try Made()
        let sd = try SelectiveDisclosureJWT(parsing: try made.withKB())
        for expected in [
            KeyBindingExpectations(nonce: "other", now: now),
            KeyBindingExpectations(audience: ["https://other.example"], now: now),
            KeyBindingExpectations(now: now.addingTimeInterval(3600)),
            KeyBindingExpectations(now: now.addingTimeInterval(-3600)),
        ] {
            #expect((try #require(throws: SDJWTError.self) { try sd.verifyKeyBinding(expected) }).code == .keyBinding)
        }
    }

    @Test func sdHashPinsTheDisclosures() throws {
        let made = try Made()
        // A KB over fewer disclosures, then one more disclosure slipped in front of it.
        let fewer = SDJWTIssuing.combine(issuerJWT: made.issuerJWT, disclosures: [made.disclosures[0].encoded])
        let kb = try made.withKB(presented: fewer).dropFirst(fewer.count)
        let swapped = try SelectiveDisclosureJWT(parsing: made.presented + kb)
        let err = try #require(throws: SDJWTError.self) { try swapped.verifyKeyBinding(KeyBindingExpectations(now: now)) }
        #expect(err.message.contains("sd_hash"))
    }

    @Test func signedByAnotherKeyOrMissing() throws {
        let made = try Made()
        let stranger = try PrivateKey.generate(.p256)
        let kb = try SDJWTIssuing.keyBinding(presented: made.presented, nonce: "n-1", audience: "a", issuedAt: now, key: stranger)
        let sd = try SelectiveDisclosureJWT(parsing: made.presented + kb)
        #expect(throws: SDJWTError.self) { try sd.verifyKeyBinding(KeyBindingExpectations(now: now)) }
        #expect(throws: SDJWTError.self) { try SelectiveDisclosureJWT(parsing: made.presented).verifyKeyBinding(KeyBindingExpectations(now: now)) }
    }
}

extension SDJWTIssuing {
    static func encodedArray(_ items: [JSONValue]) -> String { Base64URL.encode(JSONWriter.data(.array(items))) }
}

extension JSONObject {
    func replacing(_ key: String, with value: JSONValue) -> JSONObject {
        var copy = self
        copy[key] = value
        return copy
    }
}
