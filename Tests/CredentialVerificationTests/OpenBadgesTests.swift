import CredentialJSON
import CredentialVerification
import Crypto
import DataIntegrity
import Foundation
import KeyManagement
import Multiformats
import StatusList
import TestSupport
import Testing

/// Open Badges 3.0 as badge platforms send it, made here (the openbadgeslib cross-test does the same with credentials
/// from another implementation when its Python is configured): VC-JWTs that carry their key as a `jwk` header and no
/// `kid`, Data Integrity badges, status lists published as VC-JWTs, and what the summary shows of the achievement.
@Suite("Open Badges 3.0: VC-JWT key rules, Data Integrity badges, JWT status lists, the achievement summary")
struct OpenBadgesTests {
    /// A VC-JWT the way openbadgeslib's OB3Signer makes one: the credential at the top of the payload, `iss`/`jti`/
    /// `nbf` beside it, the header naming `alg` and carrying `jwk`, without `kid`.
    static func badgeJWT(
        _ credential: JSONValue, signedBy signer: PrivateKey, headerKey: PublicKey? = nil,
        kid: String? = nil
    ) throws -> String {
        var header: JSONObject = ["alg": "EdDSA", "typ": "JWT", "jwk": .object((headerKey ?? signer.publicKey).jwk)]
        if let kid { header["kid"] = .string(kid) }
        guard case .object(var payload) = credential else { throw BadgeTestError("not an object") }
        payload["iss"] = credential["issuer"]?["id"] ?? credential["issuer"]
        payload["jti"] = credential["id"]
        payload["nbf"] = 1_735_689_600
        let input = base64URLEncode(JSONWriter.data(.object(header))) + "." + base64URLEncode(JSONWriter.data(.object(payload)))
        guard case .ed25519(let key) = signer.material else { throw BadgeTestError("not Ed25519") }
        return input + "." + base64URLEncode(Array(try key.signature(for: Array(input.utf8))))
    }

    // MARK: Forgeries first

    /// A VC-JWT badge signed with `alg` by `signer`, its issuer `issuer` (a did:jwk), the key in a `jwk` header.
    static func joseBadge(issuer: String, alg: String, signedBy signer: PrivateKey, headerKey: PublicKey? = nil) throws -> String {
        let header: JSONObject = ["alg": .string(alg), "typ": "JWT", "jwk": .object((headerKey ?? signer.publicKey).jwk)]
        guard case .object(var payload) = openBadge(issuer: issuer) else { throw BadgeTestError("not an object") }
        payload["iss"] = .string(issuer)
        let input = base64URLEncode(JSONWriter.data(.object(header))) + "." + base64URLEncode(JSONWriter.data(.object(payload)))
        let algorithm = SignatureAlgorithm(rawValue: alg) ?? signer.type.defaultAlgorithm
        return input + "." + base64URLEncode(try signer.signature(for: Array(input.utf8), algorithm: algorithm))
    }

    static func didJWK(_ key: PublicKey) -> String {
        "did:jwk:" + base64URLEncode(JSONWriter.data(.object(key.jwk)))
    }

    @Test(
        "RS256 VC-JWT badges: another RSA key, an alg swapped to fit another key type, a changed payload and a header jwk that is not the issuer's key all fail the Seal; an RSA key never checks a Data Integrity proof"
    )
    func rs256Forgeries() async throws {
        let rsa = try PrivateKey.generate(.rsa2048), other = try PrivateKey.generate(.rsa2048), ec = try PrivateKey.generate(.p256)
        let issuer = Self.didJWK(rsa.publicKey)
        let verifier = CredentialVerifier(policy: VerificationPolicy(trustedIssuers: TrustedIssuerList(entries: [.init(id: issuer, name: "RSA Academy")])))
        func seal(_ token: String) async throws -> CheckResult? { try await verifyOne(verifier, Array(token.utf8)).check(.seal) }
        let good = try Self.joseBadge(issuer: issuer, alg: "RS256", signedBy: rsa)
        let verified = try await verifyOne(verifier, Array(good.utf8))
        #expect(verified.status == .verified, "\(verified.checks.map(\.reason))")
        #expect(try await seal(Self.joseBadge(issuer: issuer, alg: "RS256", signedBy: other, headerKey: rsa.publicKey))?.status == .error)
        #expect(try await seal(Self.joseBadge(issuer: issuer, alg: "RS256", signedBy: other))?.reason.contains("not the issuer's key") == true)
        // RS256 over a P-256 issuer, ES256 over the RSA issuer: the header's alg must fit the issuer's key type.
        #expect(
            try await seal(Self.joseBadge(issuer: Self.didJWK(ec.publicKey), alg: "RS256", signedBy: rsa, headerKey: ec.publicKey))?.reason.contains(
                "does not fit") == true)
        #expect(try await seal(Self.joseBadge(issuer: issuer, alg: "ES256", signedBy: ec, headerKey: rsa.publicKey))?.reason.contains("does not fit") == true)
        // PS256 and RS512 are not on the list.
        #expect(try await seal(Self.joseBadge(issuer: issuer, alg: "PS256", signedBy: rsa))?.reason.contains("not allowed") == true)
        let parts = good.split(separator: ".").map(String.init)
        guard case .object(var payload) = try JSONParser.parse(Array(try Base64URL.decode(parts[1]))) else { throw BadgeTestError("payload") }
        payload["name"] = "Advanced Data Science (Distinction)"
        let changed = parts[0] + "." + base64URLEncode(JSONWriter.data(.object(payload))) + "." + parts[2]
        #expect(try await seal(changed)?.reason.contains("does not verify") == true)
        // Data Integrity has no RSA cryptosuite: a proof naming the RSA did:jwk's key is refused, not checked with RSA.
        let resolver = DIDVerificationMethodResolver()
        await #expect(throws: DataIntegrityError.self) { try await resolver.resolve(verificationMethod: issuer + "#0", relationship: .assertionMethod) }
        #expect(try await resolver.resolveJOSE(verificationMethod: issuer + "#0", relationship: .assertionMethod).key == rsa.publicKey)
    }

    /// A CLR 2.0 `ClrCredential` by `issuer` holding `members` (signed badges, objects or JWT strings), signed by it.
    static func clr(_ members: [JSONValue], issuer: DemoIssuer) throws -> JSONValue {
        try issuer.sign([
            "@context": [
                "https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
                "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
            ],
            "id": "urn:uuid:7d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
            "type": ["VerifiableCredential", "ClrCredential"],
            "issuer": ["id": .string(issuer.did), "type": ["Profile"], "name": "Example Academy"],
            "name": "Ada's learner record",
            "validFrom": "2025-01-01T00:00:00Z",
            "credentialSubject": [
                "type": ["ClrSubject"],
                "identifier": [["type": "IdentityObject", "hashed": false, "identityHash": "ada@example.org", "identityType": "emailAddress"]],
                "verifiableCredential": .array(members),
            ],
        ])
    }

    @Test("A CLR whose inner badge was changed after its issuer signed it is Failed, naming that badge, though the CLR's own proof holds")
    func clrWithTamperedMemberFails() async throws {
        let school = try DemoIssuer()
        let first = try school.sign(openBadge(issuer: school.did))
        let second = try renamingAchievement(try school.sign(openBadge(issuer: school.did)))
        let report = try await verifyOne(CredentialVerifier(), try Self.clr([first, second], issuer: school))
        let lines = report.checks.map { "\($0.name.rawValue) \($0.status.rawValue): \($0.reason)" }.joined(separator: "\n")
        #expect(report.status == .failed, "\(lines)")
        #expect(report.check(.seal)?.status == .ok, "the CLR's own proof: \(lines)")
        #expect(report.embedded.count == 2)
        #expect(report.embedded[0].check(.seal)?.status == .ok)
        #expect(report.embedded[1].status == .failed && report.embedded[1].check(.seal)?.status == .error)
        #expect(report.embedded[1].source.hasSuffix("› credentialSubject.verifiableCredential[1]"), "\(report.embedded[1].source)")
        // The terminal report shows which member failed, under the CLR's one verdict.
        let text = TerminalRenderer(colour: false).render([report])
        #expect(text.contains("credentialSubject.verifiableCredential[1]"), "\(text)")
        // The CLR's summary marks the changed member as failed, never as an achievement the CLR vouches for.
        #expect(report.summary?.members.map(\.verdict) == [.partiallyVerified, .failed])
        #expect(text.contains("Includes:       Advanced Data Science (Distinction) (Failed)"), "\(text)")
    }

    @Test("A CLR whose inner VC-JWT badge was signed by another key than its issuer's is Failed on that member's Seal")
    func clrWithForgedJWTMemberFails() async throws {
        let school = try DemoIssuer()
        let forger = try PrivateKey.generate(.ed25519)
        let forged = try Self.badgeJWT(openBadge(issuer: school.did), signedBy: forger)
        let report = try await verifyOne(CredentialVerifier(), try Self.clr([.string(forged)], issuer: school))
        #expect(report.status == .failed && report.embedded.first?.kind == .envelopedJWT, "\(report.embedded.first?.checks.map(\.reason) ?? [])")
        #expect(report.embedded.first?.check(.seal)?.status == .error)
    }

    @Test("A CLR with more than 256 members, or nested more than 3 deep, is never Verified: the rest is reported as not opened")
    func clrLimits() async throws {
        let school = try DemoIssuer()
        let badge = openBadge(issuer: school.did)
        func unsignedCLR(_ members: [JSONValue]) throws -> JSONValue {
            guard case .object(var clr) = try Self.clr(members, issuer: school) else { throw BadgeTestError("not an object") }
            clr["proof"] = nil
            return .object(clr)
        }
        // Members without proofs keep this cheap; the count is what is tested.
        let wide = try await verifyOne(CredentialVerifier(), try unsignedCLR(Array(repeating: badge, count: 257)))
        #expect(wide.embedded.count == 257)
        #expect(wide.embedded.last?.check(.format)?.reason.contains("the 1 after the first 256 were not verified") == true)
        #expect(wide.embedded.last?.check(.format)?.limitsTrust == true && wide.status != .verified)
        var nested = try unsignedCLR([badge])
        for _ in 0..<3 { nested = try unsignedCLR([nested]) }
        let deep = try await verifyOne(CredentialVerifier(), nested)
        let innermost = deep.embedded.first?.embedded.first?.embedded.first?.embedded.first
        #expect(innermost?.check(.format)?.reason.contains("nested more than 3 deep") == true, "\(innermost?.checks.map(\.reason) ?? [])")
    }

    @Test("A CLR's inner badges (Data Integrity and VC-JWT) are each verified with their own issuers, and the summary lists their achievements")
    func clrMembersVerified() async throws {
        let school = try DemoIssuer(), other = try DemoIssuer()
        let statistics = try school.sign(try renamingAchievement(openBadge(issuer: school.did), to: "Statistics for Data Science"))
        let jwt = try Self.badgeJWT(try renamingAchievement(openBadge(issuer: other.did), to: "Machine Learning Basics"), signedBy: other.key)
        let clr = try Self.clr([statistics, .string(jwt)], issuer: school)
        let both = TrustedIssuerList(entries: [.init(id: school.did, name: "Example Academy"), .init(id: other.did, name: "Other Academy")])
        let report = try await verifyOne(CredentialVerifier(policy: VerificationPolicy(trustedIssuers: both)), clr)
        let lines = ([report] + report.embedded).flatMap { r in r.checks.map { "\(r.source) \($0.name.rawValue) \($0.status.rawValue): \($0.reason)" } }
        #expect(report.status == .verified, "\(lines.joined(separator: "\n"))")
        #expect(report.summary?.memberAchievements == ["Statistics for Data Science", "Machine Learning Basics"])
        #expect(JSONReportRenderer.json(report)["credential"]?["members"]?.arrayValue?.compactMap { $0["verdict"]?.stringValue } == ["Verified", "Verified"])
        // The inner badge's own issuer is judged: trusting only the CLR's issuer leaves the other badge unaccredited.
        let onlySchool = TrustedIssuerList(entries: [.init(id: school.did, name: "Example Academy")])
        let partial = try await verifyOne(CredentialVerifier(policy: VerificationPolicy(trustedIssuers: onlySchool)), clr)
        #expect(partial.status == .partiallyVerified && partial.embedded[1].check(.accreditation)?.status == .skipped)
    }

    @Test("A kid-less VC-JWT signed by another key than the issuer's did:key fails, whatever jwk its header shows")
    func kidlessJWTByAnotherKeyFails() async throws {
        let issuer = try DemoIssuer(), mallory = try DemoIssuer()
        let badge = openBadge(issuer: issuer.did)
        // Mallory's key in the header, and a signature that matches it: the issuer's DID names another key.
        let ownKey = try Self.badgeJWT(badge, signedBy: mallory.key)
        let report = try await verifyOne(CredentialVerifier(), Array(ownKey.utf8))
        #expect(report.kind == .envelopedJWT)
        #expect(report.check(.seal)?.status == .error, "\(report.check(.seal)?.reason ?? "")")
        #expect(report.status == .failed)
        // The issuer's key shown in the header, Mallory's signature.
        let shownKey = try Self.badgeJWT(badge, signedBy: mallory.key, headerKey: issuer.key.publicKey)
        #expect(try await verifyOne(CredentialVerifier(), Array(shownKey.utf8)).check(.seal)?.status == .error)
    }

    @Test("A VC-JWT whose header jwk is not the key its kid resolves to fails, though the signature fits the kid")
    func headerJWKOtherThanTheIssuersKeyFails() async throws {
        let issuer = try DemoIssuer(), other = try DemoIssuer()
        let token = try Self.badgeJWT(openBadge(issuer: issuer.did), signedBy: issuer.key, headerKey: other.key.publicKey, kid: issuer.method)
        let seal = try await verifyOne(CredentialVerifier(), Array(token.utf8)).check(.seal)
        #expect(seal?.status == .error)
        #expect(seal?.problems.first?.detail.contains("jwk in the JWS header is not the issuer's key") == true, "\(seal?.problems.map(\.detail) ?? [])")
    }

    @Test("A kid-less VC-JWT by an https issuer fails: a jwk the token carries about itself proves no issuer")
    func kidlessJWTByAnHTTPSIssuerFails() async throws {
        let key = try PrivateKey.generate(.ed25519)
        let token = try Self.badgeJWT(openBadge(issuer: "https://academy.example/issuer"), signedBy: key)
        let seal = try await verifyOne(CredentialVerifier(), Array(token.utf8)).check(.seal)
        #expect(seal?.status == .error)
        #expect(seal?.problems.first?.detail.contains("proves nothing") == true)
    }

    @Test("A changed achievement name fails a Data Integrity badge's Seal")
    func changedAchievementNameFailsTheProof() async throws {
        let issuer = try DemoIssuer()
        let changed = try renamingAchievement(try issuer.sign(openBadge(issuer: issuer.did)))
        let report = try await verifyOne(CredentialVerifier(), changed)
        #expect(report.check(.seal)?.status == .error)
        #expect(report.status == .failed)
    }

    // MARK: What verifies

    @Test("A kid-less VC-JWT by a did:key issuer verifies with the DID's key, and the header jwk is that key")
    func kidlessJWTByTheIssuersDIDKeyVerifies() async throws {
        let issuer = try DemoIssuer()
        let token = try Self.badgeJWT(openBadge(issuer: issuer.did), signedBy: issuer.key)
        let report = try await verifyOne(CredentialVerifier(), Array(token.utf8))
        #expect(report.check(.seal)?.status == .ok, "\(report.check(.seal)?.problems.map(\.detail) ?? [])")
        #expect(report.check(.format)?.status == .ok, "\(report.check(.format)?.problems.map(\.detail) ?? [])")
    }

    @Test(
        "OpenBadgeCredential and AchievementCredential with eddsa-rdfc-2022 verify, the OB 3.0.3 context bundled",
        arguments: ["OpenBadgeCredential", "AchievementCredential"])
    func dataIntegrityBadgeVerifies(type: String) async throws {
        let issuer = try DemoIssuer()
        let signed = try issuer.sign(openBadge(issuer: issuer.did, type: type))
        let trusted = TrustedIssuerList(entries: [.init(id: issuer.did, name: "Example Academy")])
        let report = try await verifyOne(CredentialVerifier(policy: VerificationPolicy(trustedIssuers: trusted, escoCatalog: try sampleESCOCatalog())), signed)
        let lines = report.checks.map { "\($0.name.rawValue) \($0.status.rawValue): \($0.reason) \($0.problems.map(\.detail))" }
        #expect(report.status == .verified, "\(lines.joined(separator: "\n"))")
    }

    @Test("The committed sample badge (scripts/make-open-badge-sample.sh) verifies: well formed, its proof by its issuer's did:key")
    func committedSampleVerifies() async throws {
        let url = SharedData.packageRoot.appendingPathComponent("samples/open-badges/data-analysis.json")
        let report = try await verifyOne(CredentialVerifier(), Array(try Data(contentsOf: url)), source: "data-analysis.json")
        #expect(report.check(.format)?.status == .ok, "\(report.check(.format)?.problems.map(\.detail) ?? [])")
        #expect(report.check(.seal)?.status == .ok, "\(report.check(.seal)?.problems.map(\.detail) ?? [])")
        #expect(report.summary?.types == ["VerifiableCredential", "OpenBadgeCredential"])
    }

    @Test("The summary shows the achievement, its description and criteria, and each alignment, ESCO's label beside an ESCO one")
    func summaryShowsTheAchievement() async throws {
        let issuer = try DemoIssuer()
        let report = try await verifyOne(
            CredentialVerifier(policy: VerificationPolicy(escoCatalog: try sampleESCOCatalog())), try issuer.sign(openBadge(issuer: issuer.did)))
        let summary = try #require(report.summary)
        #expect(summary.achievement == "Data Analysis with Python")
        #expect(summary.achievementDescription == "Cleans, analyses and visualises tabular data with pandas.")
        #expect(summary.criteria == "Completed the four graded notebooks and the final project with at least 70%.")
        #expect(summary.alignments.map(\.escoLabel) == ["develop digital content", nil])
        #expect(summary.alignments.map(\.targetFramework) == ["ESCO", "DigComp 2.2"])
        let text = TerminalRenderer(colour: false).render([report])
        #expect(text.contains("Criteria:       Completed the four graded notebooks"))
        #expect(
            text.contains(
                "Aligned to:     Digital content creation (ESCO) → ESCO “develop digital content” http://data.europa.eu/esco/skill/5fd5c985-eaaa-47aa-8314-62359c54505a"
            ))
        #expect(text.contains("Aligned to:     Data literacy (DigComp 2.2) https://example.org/frameworks/digcomp/1.1"))
        #expect(summary.jsonValue["alignments"]?.arrayValue?.first?["escoLabel"] == "develop digital content")
        #expect(summary.jsonValue["criteria"] == .string("Completed the four graded notebooks and the final project with at least 70%."))
        #expect(HTMLReportRenderer.render([report]).contains("<dt>Criteria</dt><dd>Completed the four graded notebooks"))

        // A criteria page instead of a narrative is shown by its URL.
        var badge = openBadge(issuer: issuer.did)
        if case .object(var root) = badge, case .object(var subject)? = root["credentialSubject"], case .object(var achievement)? = subject["achievement"] {
            achievement["criteria"] = ["id": "https://academy.example/criteria/data-analysis"]
            subject["achievement"] = .object(achievement)
            root["credentialSubject"] = .object(subject)
            badge = .object(root)
        }
        #expect(CredentialSummary(credential: badge).criteria == "https://academy.example/criteria/data-analysis")
    }

    @Test(
        "A status list published as a VC-JWT by the issuer: the revoked entry fails on Revocation, its neighbour passes; a list signed by another key is not used"
    )
    func jwtStatusList() async throws {
        let issuer = try DemoIssuer(), mallory = try DemoIssuer()
        let listURL = "https://academy.example/status/1"
        var bits = Bitstring()
        try bits.setBit(at: 7, to: true)
        let list: JSONValue = [
            "@context": ["https://www.w3.org/ns/credentials/v2"], "id": .string(listURL),
            "type": ["VerifiableCredential", "BitstringStatusListCredential"], "issuer": .string(issuer.did),
            "validFrom": "2025-01-01T00:00:00Z",
            "credentialSubject": [
                "id": .string(listURL + "#list"), "type": "BitstringStatusList", "statusPurpose": "revocation",
                "encodedList": .string(try bits.encoded()),
            ],
        ]
        let mirror = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: mirror) }
        let file = mirror.appendingPathComponent(try #require(LocalStatusListMirror.relativePath(for: listURL)))
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        func badge(index: Int) throws -> JSONValue {
            guard case .object(var o) = openBadge(issuer: issuer.did) else { throw BadgeTestError("not an object") }
            o["credentialStatus"] = [
                "id": .string("\(listURL)#\(index)"), "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
                "statusListIndex": .string(String(index)), "statusListCredential": .string(listURL),
            ]
            return try issuer.sign(.object(o))
        }
        let verifier = CredentialVerifier(policy: VerificationPolicy(statusSource: LocalStatusListMirror(directory: mirror)))

        // Signed by Mallory, claiming the issuer: not used, so the status is unknown rather than "not revoked".
        try Data(try Self.badgeJWT(list, signedBy: mallory.key).utf8).write(to: file)
        let forged = try await verifyOne(verifier, try badge(index: 3))
        #expect(forged.check(.revocation)?.status == .skipped, "\(forged.check(.revocation)?.reason ?? "")")
        #expect(forged.check(.revocation)?.reason.contains("does not verify") == true, "\(forged.check(.revocation)?.reason ?? "")")

        try Data(try Self.badgeJWT(list, signedBy: issuer.key).utf8).write(to: file)
        let revoked = try await verifyOne(
            CredentialVerifier(policy: VerificationPolicy(statusSource: LocalStatusListMirror(directory: mirror))), try badge(index: 7))
        #expect(revoked.check(.revocation)?.status == .error, "\(revoked.check(.revocation)?.reason ?? "")")
        #expect(revoked.status == .failed)
        let neighbour = try await verifyOne(
            CredentialVerifier(policy: VerificationPolicy(statusSource: LocalStatusListMirror(directory: mirror))), try badge(index: 3))
        #expect(neighbour.check(.revocation)?.status == .ok, "\(neighbour.check(.revocation)?.reason ?? "")")
    }
}
