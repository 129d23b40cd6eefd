import CredentialJSON
import CredentialVerification
import Crypto
import Foundation
import KeyManagement
import Multiformats
import SDJWT
import StatusList
import Testing
import X509

/// An SD-JWT VC issuer made at test time: a P-256 key, its did:jwk, and a holder key for cnf.
struct SDJWTIssuer {
    let key: PrivateKey
    let holder: PrivateKey
    let did: String
    let now = Date(timeIntervalSince1970: Double(Int(Date().timeIntervalSince1970)))

    init() throws {
        key = try PrivateKey.generate(.p256)
        holder = try PrivateKey.generate(.p256)
        did = "did:jwk:" + Base64URL.encode(JSONWriter.data(.object(key.publicKey.jwk)))
    }

    /// `given_name` and `degree` disclosable, `address.locality` nested, one of two nationalities in an array, one decoy.
    func make(
        issuer: String? = nil, header: JSONObject? = nil, key signer: PrivateKey? = nil,
        edit: (inout JSONObject, [Disclosure]) -> Void = { _, _ in }
    ) throws -> (issuerJWT: String, disclosures: [Disclosure]) {
        let given = SDJWTIssuing.disclosure(name: "given_name", value: "Ada")
        let degree = SDJWTIssuing.disclosure(name: "degree", value: "MSc Computing")
        let locality = SDJWTIssuing.disclosure(name: "locality", value: "Leuven")
        let nationality = SDJWTIssuing.disclosure(name: nil, value: "BE")
        var payload: JSONObject = [
            "iss": .string(issuer ?? did), "vct": "https://credentials.example/diploma",
            "iat": .number(JSONNumber(Int(now.timeIntervalSince1970) - 60)),
            "exp": .number(JSONNumber(Int(now.timeIntervalSince1970) + 86_400)),
            "_sd": [.string(given.digest), .string(degree.digest), .string(SDHashAlgorithm.sha256.digest(of: "decoy"))],
            "address": ["country": "BE", "_sd": [.string(locality.digest)]],
            "nationalities": [["...": .string(nationality.digest)], "NL"],
            "cnf": ["jwk": .object(holder.publicKey.jwk)],
            "_sd_alg": "sha-256",
        ]
        edit(&payload, [given, degree, locality, nationality])
        let jwt = try SDJWTIssuing.sign(header: header ?? ["typ": "dc+sd-jwt", "kid": .string(did + "#0")], payload: .object(payload), key: signer ?? key)
        return (jwt, [given, degree, locality, nationality])
    }

    func presented(_ made: (issuerJWT: String, disclosures: [Disclosure])) -> String {
        SDJWTIssuing.combine(issuerJWT: made.issuerJWT, disclosures: made.disclosures.map(\.encoded))
    }

    func withKB(_ presented: String, nonce: String = "challenge-1", audience: String = "https://verifier.example") throws -> String {
        presented + (try SDJWTIssuing.keyBinding(presented: presented, nonce: nonce, audience: audience, issuedAt: now, key: holder))
    }

    func policy(_ p: VerificationPolicy = VerificationPolicy()) -> VerificationPolicy {
        var p = p
        p.at = now
        if p.trustedIssuers == nil { p.trustedIssuers = TrustedIssuerList(entries: [.init(id: did, name: "SD-JWT University")]) }
        return p
    }
}

func verifySD(_ text: String, _ policy: VerificationPolicy) async throws -> VerificationReport {
    try await verifyOne(CredentialVerifier(policy: policy), Array(text.utf8), source: "token.sd-jwt")
}

func why(_ r: VerificationReport) -> String { r.checks.map { "\($0.name.rawValue) \($0.status.rawValue): \($0.reason)" }.joined(separator: "\n") }

@Suite("SD-JWT VC verification")
struct SDJWTVerifierTests {
    @Test("A valid SD-JWT VC from a trusted did:jwk issuer is verified; the report shows vct, disclosed and undisclosed claims")
    func validIsVerified() async throws {
        let issuer = try SDJWTIssuer()
        let report = try await verifySD(issuer.presented(try issuer.make()), issuer.policy())
        #expect(report.kind == .sdJWT)
        #expect(report.status == .verified, "\(why(report))")
        let format = try #require(report.check(.format))
        #expect(format.details.contains("Type (vct): https://credentials.example/diploma"))
        #expect(format.details.contains("Disclosed $.address.locality = \"Leuven\""))
        #expect(format.details.contains("Disclosed $.nationalities[0] = \"BE\""))
        #expect(format.reason.contains("4 claims disclosed, 1 digest not disclosed"), "\(format.reason)")
        // Withholding claims is the holder's right: still verified, with more undisclosed digests.
        let made = try issuer.make()
        let partial = SDJWTIssuing.combine(issuerJWT: made.issuerJWT, disclosures: [made.disclosures[0].encoded])
        let r2 = try await verifySD(partial, issuer.policy())
        #expect(r2.status == .verified, "\(why(r2))")
        #expect(r2.check(.format)?.reason.contains("4 digests not disclosed") == true, "\(r2.check(.format)?.reason ?? "")")
        // An untrusted issuer: intact but only partially verified.
        let r3 = try await verifySD(issuer.presented(made), issuer.policy(VerificationPolicy(trustedIssuers: TrustedIssuerList(entries: []))))
        #expect(r3.status == .partiallyVerified && r3.check(.accreditation)?.status == .skipped, "\(why(r3))")
    }

    @Test("Forgeries fail on Seal: a tampered disclosure, a dropped digest, a duplicated digest, alg none, another key")
    func forgeriesFail() async throws {
        let issuer = try SDJWTIssuer()
        let made = try issuer.make()
        // Tampered disclosure: same salt and name, another value, so another digest the issuer never signed.
        let forged = SDJWTIssuing.disclosure(name: "degree", value: "PhD Computing", salt: made.disclosures[1].salt)
        let tampered = SDJWTIssuing.combine(issuerJWT: made.issuerJWT, disclosures: [made.disclosures[0].encoded, forged.encoded])
        let r1 = try await verifySD(tampered, issuer.policy())
        #expect(r1.status == .failed && r1.check(.seal)?.status == .error, "\(why(r1))")
        #expect(r1.check(.seal)?.reason.contains("not referenced") == true)
        // Dropped digest: the payload edited to forget one digest; the signature no longer verifies.
        let parts = made.issuerJWT.split(separator: ".").map(String.init)
        var payload = try #require(JSONParser.parse(Base64URL.decode(parts[1])).objectValue)
        payload["_sd"] = .array(Array(try #require(payload["_sd"]?.arrayValue).dropFirst()))
        let edited = parts[0] + "." + Base64URL.encode(JSONWriter.data(.object(payload))) + "." + parts[2]
        let r2 = try await verifySD(SDJWTIssuing.combine(issuerJWT: edited, disclosures: []), issuer.policy())
        #expect(r2.status == .failed && r2.check(.seal)?.reason.contains("does not verify") == true, "\(why(r2))")
        // Duplicated digest, even signed by the issuer, is refused.
        let dup = try issuer.make { p, d in p["_sd"] = [.string(d[0].digest), .string(d[0].digest), .string(d[1].digest)] }
        let r3 = try await verifySD(issuer.presented(dup), issuer.policy())
        #expect(r3.status == .failed && r3.check(.seal)?.reason.contains("more than once") == true, "\(why(r3))")
        // alg none.
        let none = Base64URL.encode(Array(#"{"alg":"none","typ":"dc+sd-jwt"}"#.utf8)) + "." + parts[1] + "."
        let r4 = try await verifySD(none + "~", issuer.policy())
        #expect(r4.status == .failed && r4.check(.seal)?.reason.contains("none") == true, "\(why(r4))")
        // Signed by another key under the issuer's kid.
        let stranger = try PrivateKey.generate(.p256)
        let r5 = try await verifySD(issuer.presented(try issuer.make(key: stranger)), issuer.policy())
        #expect(r5.status == .failed && r5.check(.seal)?.status == .error, "\(why(r5))")
        // A disclosed name that already exists in its object.
        let clash = try issuer.make { p, d in p["given_name"] = "Eve" }
        let r6 = try await verifySD(issuer.presented(clash), issuer.policy())
        #expect(r6.status == .failed && r6.check(.seal)?.reason.contains("already exists") == true, "\(why(r6))")
        // A token that says nothing of its issuer's key but a jwk of its own: never trusted.
        let selfKeyed = try issuer.make(issuer: "https://issuer.example", header: ["typ": "dc+sd-jwt", "jwk": .object(issuer.key.publicKey.jwk)])
        let r7 = try await verifySD(issuer.presented(selfKeyed), issuer.policy())
        #expect(r7.status != .verified && r7.check(.seal)?.status == .skipped, "\(why(r7))")
        #expect(r7.check(.seal)?.reason.contains("proves nothing") == true)
        // The wrong typ.
        let typ = try issuer.make(header: ["typ": "JWT", "kid": .string(issuer.did + "#0")])
        let r8 = try await verifySD(issuer.presented(typ), issuer.policy())
        #expect(r8.status == .failed && r8.check(.format)?.status == .error, "\(why(r8))")
    }

    @Test("Key binding: the right nonce and audience pass; a wrong nonce, a wrong sd_hash, or none when a challenge is required fail on Owner")
    func keyBinding() async throws {
        let issuer = try SDJWTIssuer()
        let presented = issuer.presented(try issuer.make())
        let challenged = issuer.policy(VerificationPolicy(challenge: "challenge-1", domain: ["https://verifier.example"]))
        let ok = try await verifySD(try issuer.withKB(presented), challenged)
        #expect(ok.status == .verified && ok.check(.owner)?.status == .ok, "\(why(ok))")
        // Without a challenge, a key binding is still checked.
        let unasked = try await verifySD(try issuer.withKB(presented), issuer.policy())
        #expect(unasked.check(.owner)?.status == .ok, "\(why(unasked))")
        let wrongNonce = try await verifySD(try issuer.withKB(presented, nonce: "old-challenge"), challenged)
        #expect(wrongNonce.status == .failed && wrongNonce.check(.owner)?.reason.contains("nonce") == true, "\(why(wrongNonce))")
        let wrongAud = try await verifySD(try issuer.withKB(presented, audience: "https://other.example"), challenged)
        #expect(wrongAud.status == .failed && wrongAud.check(.owner)?.status == .error, "\(why(wrongAud))")
        // sd_hash over one set of disclosures, presented with another.
        let made = try issuer.make()
        let fewer = SDJWTIssuing.combine(issuerJWT: made.issuerJWT, disclosures: [made.disclosures[0].encoded])
        let kb = try issuer.withKB(fewer).dropFirst(fewer.count)
        let swapped = try await verifySD(issuer.presented(made) + kb, challenged)
        #expect(swapped.status == .failed && swapped.check(.owner)?.reason.contains("sd_hash") == true, "\(why(swapped))")
        let missing = try await verifySD(presented, challenged)
        #expect(missing.status == .failed && missing.check(.owner)?.reason.contains("no key binding") == true, "\(why(missing))")
    }

    @Test("Validity: an expired or not-yet-valid SD-JWT VC fails on Validity")
    func validity() async throws {
        let issuer = try SDJWTIssuer()
        let now = Int(issuer.now.timeIntervalSince1970)
        let expired = try issuer.make { p, _ in p["exp"] = .number(JSONNumber(now - 3600)) }
        let r1 = try await verifySD(issuer.presented(expired), issuer.policy())
        #expect(r1.status == .failed && r1.check(.validity)?.reason.contains("Expired") == true, "\(why(r1))")
        let early = try issuer.make { p, _ in p["nbf"] = .number(JSONNumber(now + 3600)) }
        let r2 = try await verifySD(issuer.presented(early), issuer.policy())
        #expect(r2.status == .failed && r2.check(.validity)?.status == .error, "\(why(r2))")
        // Within the clock skew is still valid.
        let skewed = try issuer.make { p, _ in p["exp"] = .number(JSONNumber(now - 60)) }
        #expect(try await verifySD(issuer.presented(skewed), issuer.policy()).status == .verified)
    }

    @Test("x5c: a certificate under a trust anchor naming iss is verified; a self-signed one outside the anchors is not trusted")
    func x5c() async throws {
        let issuer = try SDJWTIssuer()
        let ca = try TestCA()
        let leafKey = P256.Signing.PrivateKey()
        let leaf = try ca.issue(leafKey, uri: "https://issuer.example")
        let signer = try PrivateKey(.p256(leafKey))
        func header(_ certs: [Certificate]) throws -> JSONObject {
            ["typ": "dc+sd-jwt", "x5c": .array(try certs.map { .string(Data(try $0.derBytes()).base64EncodedString()) })]
        }
        let made = try issuer.make(issuer: "https://issuer.example", header: try header([leaf]), key: signer)
        let anchored = VerificationPolicy(at: issuer.now, trustAnchors: [ca.root])
        let r1 = try await verifySD(issuer.presented(made), anchored)
        #expect(r1.status == .verified, "\(why(r1))")
        // iss not named in the certificate: the certificate vouches for someone else.
        let other = try issuer.make(issuer: "https://other.example", header: try header([leaf]), key: signer)
        let r2 = try await verifySD(issuer.presented(other), anchored)
        #expect(r2.status == .failed && r2.check(.seal)?.reason.contains("not named") == true, "\(why(r2))")
        // A self-signed certificate the attacker made, naming the same iss: intact, not trusted.
        let attackerKey = P256.Signing.PrivateKey()
        let selfSigned = try TestCA.selfSigned(attackerKey, uri: "https://issuer.example")
        let forged = try issuer.make(issuer: "https://issuer.example", header: try header([selfSigned]), key: try PrivateKey(.p256(attackerKey)))
        let r3 = try await verifySD(issuer.presented(forged), anchored)
        #expect(r3.status == .partiallyVerified, "\(why(r3))")
        #expect(r3.check(.seal)?.reason.contains("not trusted") == true && r3.check(.accreditation)?.status != .ok, "\(why(r3))")
    }

    @Test("Token Status List: a revoked entry fails on Revocation, its neighbour is fine; a list signed by another issuer is refused")
    func tokenStatusList() async throws {
        let issuer = try SDJWTIssuer()
        let uri = "https://issuer.example/status/1"
        var list = try TokenStatusList(bits: 2, count: 64)
        try list.setStatus(1, at: 3)
        try list.setStatus(2, at: 5)
        func token(signedBy key: PrivateKey, kid: String) throws -> String {
            try SDJWTIssuing.sign(
                header: ["typ": "statuslist+jwt", "kid": .string(kid)],
                payload: .object([
                    "sub": .string(uri), "iat": .number(JSONNumber(Int(issuer.now.timeIntervalSince1970))),
                    "status_list": ["bits": 2, "lst": .string(try list.encoded())],
                ]), key: key)
        }
        let mirror = FileManager.default.temporaryDirectory.appendingPathComponent("sdjwt-tsl-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: mirror) }
        let file = try #require(LocalStatusListMirror(directory: mirror).fileURL(for: uri))
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(try token(signedBy: issuer.key, kid: issuer.did + "#0").utf8).write(to: file)
        let policy = issuer.policy(VerificationPolicy(statusSource: LocalStatusListMirror(directory: mirror)))
        func credential(_ idx: Int) throws -> String {
            issuer.presented(try issuer.make { p, _ in p["status"] = ["status_list": ["idx": .number(JSONNumber(idx)), "uri": .string(uri)]] })
        }
        let revoked = try await verifySD(try credential(3), policy)
        #expect(revoked.status == .failed && revoked.check(.revocation)?.reason.contains("revoked") == true, "\(why(revoked))")
        let neighbour = try await verifySD(try credential(4), policy)
        #expect(neighbour.status == .verified && neighbour.check(.revocation)?.status == .ok, "\(why(neighbour))")
        let suspended = try await verifySD(try credential(5), policy)
        #expect(suspended.status == .failed && suspended.check(.revocation)?.reason.contains("suspended") == true, "\(why(suspended))")
        let outside = try await verifySD(try credential(64), policy)
        #expect(outside.check(.revocation)?.status == .error, "\(why(outside))")
        // The same list signed by a stranger's did:jwk: it says nothing about this issuer's credentials.
        let stranger = try PrivateKey.generate(.p256)
        let strangerDID = "did:jwk:" + Base64URL.encode(JSONWriter.data(.object(stranger.publicKey.jwk)))
        try Data(try token(signedBy: stranger, kid: strangerDID + "#0").utf8).write(to: file)
        let refused = try await verifySD(try credential(4), policy)
        #expect(refused.status != .verified && refused.check(.revocation)?.status == .error, "\(why(refused))")
        // No source: status unknown, partially verified.
        let unknown = try await verifySD(try credential(4), issuer.policy())
        #expect(unknown.status == .partiallyVerified && unknown.check(.revocation)?.status == .skipped, "\(why(unknown))")
    }

    @Test("Detection: a file with surrounding whitespace, the API's string form, an enveloped VC, and inside a presentation")
    func detection() async throws {
        let issuer = try SDJWTIssuer()
        let text = issuer.presented(try issuer.make())
        let verifier = CredentialVerifier(policy: issuer.policy())
        let file = try await verifyOne(verifier, Array(("\n  " + text + "\n").utf8))
        #expect(file.kind == .sdJWT && file.status == .verified, "\(why(file))")
        #expect(InputDetector.classify(.string(text), source: "api").kind == .sdJWT)
        let enveloped: JSONValue = [
            "@context": ["https://www.w3.org/ns/credentials/v2"], "type": "EnvelopedVerifiableCredential",
            "id": .string("data:application/dc+sd-jwt," + text),
        ]
        let r = try await verifyOne(verifier, enveloped)
        #expect(r.kind == .sdJWT && r.status == .verified, "\(why(r))")
        let vp: JSONValue = [
            "@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
            "verifiableCredential": [enveloped],
        ]
        let p = try await verifyOne(verifier, vp)
        #expect(p.embedded.first?.kind == .sdJWT && p.embedded.first?.status == .verified, "\(p.embedded.map(why))")
        let broken = try await verifyOne(verifier, Array("eyJhbGciOiJFUzI1NiJ9.e30~".utf8))
        #expect(broken.kind == .sdJWT && broken.status == .failed, "\(why(broken))")
    }
}

/// A throwaway CA (swift-certificates) issuing P-256 leaf certificates that name an issuer URI.
struct TestCA {
    let key = P256.Signing.PrivateKey()
    let root: Certificate
    let name: DistinguishedName
    static let start = Date().addingTimeInterval(-3600), end = Date().addingTimeInterval(86_400)

    init() throws {
        name = try DistinguishedName { CommonName("SD-JWT Test CA") }
        root = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey), notValidBefore: Self.start, notValidAfter: Self.end,
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil)); Critical(KeyUsage(keyCertSign: true))
            },
            issuerPrivateKey: .init(key))
    }

    func issue(_ leafKey: P256.Signing.PrivateKey, uri: String) throws -> Certificate {
        try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(leafKey.publicKey), notValidBefore: Self.start, notValidAfter: Self.end,
            issuer: name, subject: try DistinguishedName { CommonName("SD-JWT Issuer") }, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(KeyUsage(digitalSignature: true))
                SubjectAlternativeNames([.uniformResourceIdentifier(uri)])
            },
            issuerPrivateKey: .init(key))
    }

    static func selfSigned(_ key: P256.Signing.PrivateKey, uri: String) throws -> Certificate {
        let name = try DistinguishedName { CommonName("SD-JWT Issuer") }
        return try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey), notValidBefore: start, notValidAfter: end,
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(KeyUsage(digitalSignature: true))
                SubjectAlternativeNames([.uniformResourceIdentifier(uri)])
            },
            issuerPrivateKey: .init(key))
    }
}

extension Certificate {
    func derBytes() throws -> [UInt8] { try serializeAsPEM().derBytes }
}
