import CredentialJSON
import CredentialVerification
import DataIntegrity
import Foundation
import KeyManagement
import LearningModel
import StatusList
import TestSupport
import Testing

/// The ESCO demo catalogue of samples/esco (English), for the alignment labels.
func sampleESCOCatalog() throws -> ESCOCatalog {
    var catalog = ESCOCatalog()
    let file = SharedData.packageRoot.appendingPathComponent("samples/esco/skills_en.csv")
    try catalog.load(csv: Data(contentsOf: file), language: "en", source: file.lastPathComponent)
    return catalog
}

/// Runs `tools/ob3-crosscheck.py` with openbadgeslib's Python.
private func crosscheck(_ arguments: [String]) throws -> ExternalTool.Outcome {
    let python = try #require(OpenBadgesLib.python, "SKILLCRED_OPENBADGESLIB_PYTHON must name a Python with openbadgeslib[ldp]==4.6.3")
    return try ExternalTool.capture(
        URL(fileURLWithPath: python),
        [SharedData.packageRoot.appendingPathComponent("tools/ob3-crosscheck.py").path] + arguments)
}

/// Open Badges 3.0 credentials issued by openbadgeslib 4.6.3 (an independent implementation, PyPI, LGPL) through its
/// own API: VC-JWT signed EdDSA (issuer did:key) and ES256 (issuer did:jwk) with the key as a `jwk` header and no
/// `kid`, Data Integrity eddsa-rdfc-2022 over PyLD, the `AchievementCredential` alias, a CLR 2.0 `ClrCredential`,
/// and Bitstring Status Lists published as VC-JWTs. skillcred must verify the intact ones (the issuers on a
/// trusted-issuer list, so the verdict can be Verified) and fail the changed, wrongly keyed, expired and revoked
/// ones on the check that concerns them. The other way, openbadgeslib must accept what `skillcred sign` makes.
@Suite(
    "Open Badges 3.0 agrees with openbadgeslib",
    .enabled(if: OpenBadgesLib.enabled, "set SKILLCRED_OPENBADGESLIB_PYTHON to a Python with openbadgeslib[ldp]==4.6.3"))
struct OpenBadgesCrossTests {
    @Test func openbadgeslibCredentialsVerifyAndChangedOnesFail() async throws {
        let issued = try crosscheck(["issue"])
        try #require(issued.status == 0, "ob3-crosscheck.py issue: \(issued.stderr)")
        let vectors = try JSONParser.parse(issued.stdout)
        let mirror = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: mirror) }
        for (url, token) in vectors["statusLists"]?.objectValue ?? [:] {
            let path = try #require(LocalStatusListMirror.relativePath(for: url))
            let file = mirror.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(try #require(token.stringValue).utf8).write(to: file)
        }
        let issuers = vectors["issuers"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(issuers.count == 3)
        let trusted = TrustedIssuerList(entries: issuers.map { .init(id: $0, name: "openbadgeslib cross-check issuer") })
        let verifier = CredentialVerifier(
            policy: VerificationPolicy(
                trustedIssuers: trusted, statusSource: LocalStatusListMirror(directory: mirror),
                escoCatalog: try sampleESCOCatalog()))
        let cases = vectors["cases"]?.arrayValue ?? []
        #expect(cases.count >= 23)
        var passed = 0
        for c in cases {
            let name = c["name"]?.stringValue ?? "?"
            let bytes: [UInt8] = try c["token"]?.stringValue.map { Array($0.utf8) } ?? JSONWriter.data(try #require(c["document"], "\(name)"))
            let report = try await verifyOne(verifier, bytes, source: name)
            let lines = report.checks.map { "\($0.name.rawValue) \($0.status.rawValue): \($0.reason) \($0.problems.map(\.detail))" }.joined(separator: "\n")
            #expect(report.kind == (c["token"] != nil ? .envelopedJWT : .dataIntegrityCredential), "\(name)")
            if c["expect"]?.stringValue == "verified" {
                #expect(report.status == .verified, "\(name):\n\(lines)")
                if report.status == .verified { passed += 1 }
                if let members = c["members"]?.arrayValue?.compactMap(\.stringValue) {
                    // A CLR: each credential inside is verified on its own, and the summary lists their achievements.
                    #expect(report.embedded.count == members.count && report.embedded.allSatisfy { $0.status == .verified }, "\(name):\n\(lines)")
                    #expect(report.summary?.memberAchievements == members, "\(name): \(report.summary?.memberAchievements ?? [])")
                }
                guard report.summary?.types.contains("ClrCredential") == false else { continue }
                // What an employer reads: the achievement, its criteria and its alignments, ESCO's own label beside one.
                let summary = try #require(report.summary, "\(name)")
                #expect(summary.achievement == "Data Analysis with Python", "\(name)")
                #expect(summary.achievementDescription == "Cleans, analyses and visualises tabular data with pandas.", "\(name)")
                #expect(summary.criteria?.hasPrefix("Completed the four graded notebooks") == true, "\(name)")
                #expect(summary.alignments.map(\.targetName) == ["Digital content creation", "Data literacy"], "\(name)")
                #expect(summary.alignments.map(\.escoLabel) == ["develop digital content", nil], "\(name)")
                #expect(summary.alignments.first?.targetFramework == "ESCO", "\(name)")
            } else {
                let check = try #require(c["check"]?.stringValue.flatMap(CheckName.init(rawValue:)), "\(name)")
                #expect(report.status == .failed, "\(name):\n\(lines)")
                // A CLR whose member was changed: the CLR's own proof holds; the member fails, named by its position.
                var failing = report
                if let index = c["failedMember"]?.numberValue?.intValue {
                    #expect(report.check(.seal)?.status == .ok, "\(name): the CLR's own proof is intact:\n\(lines)")
                    try #require(report.embedded.count > index, "\(name): \(report.embedded.count) members reported")
                    failing = report.embedded[index]
                    #expect(failing.source.hasSuffix("credentialSubject.verifiableCredential[\(index)]"), "\(failing.source)")
                    #expect(report.embedded.enumerated().allSatisfy { $0.offset == index || $0.element.status == .verified }, "\(name)")
                }
                #expect(failing.check(check)?.status == .error, "\(name) should fail on \(check.rawValue):\n\(lines)")
                if report.status == .failed && failing.check(check)?.status == .error { passed += 1 }
            }
        }
        print("openbadgeslib cross-test (\(vectors["library"]?.stringValue ?? "?")): \(passed) passed, \(cases.count - passed) failed, 0 skipped")
    }

    /// skillcred signs (eddsa-rdfc-2022, `skillcred sign`'s default) an OpenBadgeCredential; openbadgeslib's
    /// OB3LdpVerifier accepts it, and refuses it once the achievement's name is changed.
    @Test func openbadgeslibVerifiesWhatSkillcredSigns() async throws {
        let issuer = try DemoIssuer()
        let signed = try issuer.sign(openBadge(issuer: issuer.did))
        let folder = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("badge.json")
        try Data(JSONWriter.data(signed)).write(to: file)
        let accepted = try crosscheck(["verify", file.path])
        #expect(accepted.status == 0, "openbadgeslib refused skillcred's badge: \(accepted.stderr)")
        #expect(accepted.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "Data Analysis with Python")

        try Data(JSONWriter.data(try renamingAchievement(signed))).write(to: file)
        let refused = try crosscheck(["verify", file.path])
        #expect(refused.status == 1, "openbadgeslib accepted a changed achievement name")
    }
}

/// The credential with its achievement renamed (a proof over it no longer holds).
func renamingAchievement(_ credential: JSONValue, to name: String = "Advanced Data Science (Distinction)") throws -> JSONValue {
    guard case .object(var root) = credential, case .object(var subject)? = root["credentialSubject"],
        case .object(var achievement)? = subject["achievement"]
    else { throw BadgeTestError("not an OpenBadgeCredential") }
    achievement["name"] = .string(name)
    subject["achievement"] = .object(achievement)
    root["credentialSubject"] = .object(subject)
    return .object(root)
}

/// An unsigned OpenBadgeCredential as the OB 3.0 specification's examples shape it (VC 2.0, context 3.0.3, a
/// Profile issuer, an AchievementSubject with an Achievement that has criteria and alignments).
func openBadge(issuer: String, type: String = "OpenBadgeCredential") -> JSONValue {
    [
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:2c3b5e8a-6f1d-4c2e-9b7a-0d1e2f3a4b5c",
        "type": ["VerifiableCredential", .string(type)],
        "name": "Data Analysis with Python",
        "issuer": ["id": .string(issuer), "type": ["Profile"], "name": "Example Academy", "url": "https://academy.example"],
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": [
            "id": "did:example:learner-ada",
            "type": ["AchievementSubject"],
            "achievement": [
                "id": "https://academy.example/achievements/data-analysis",
                "type": ["Achievement"],
                "name": "Data Analysis with Python",
                "description": "Cleans, analyses and visualises tabular data with pandas.",
                "criteria": ["narrative": "Completed the four graded notebooks and the final project with at least 70%."],
                "alignment": [
                    [
                        "type": ["Alignment"], "targetName": "Digital content creation",
                        "targetUrl": "http://data.europa.eu/esco/skill/5fd5c985-eaaa-47aa-8314-62359c54505a", "targetFramework": "ESCO",
                    ],
                    [
                        "type": ["Alignment"], "targetName": "Data literacy", "targetUrl": "https://example.org/frameworks/digcomp/1.1",
                        "targetFramework": "DigComp 2.2",
                    ],
                ],
            ],
        ],
    ]
}

/// A test input that is not what the test builds on.
struct BadgeTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
