import CredentialJSON
import CredentialVerification
import Foundation
import StatusList
import TestSupport
import Testing

/// SD-JWT VCs made by the reference implementation, PyPI `sd-jwt` 0.10.4 (draft-ietf-oauth-selective-disclosure-jwt
/// 07/08 era: `sd_hash` key binding, `typ: kb+jwt`, kept unchanged by RFC 9901), through `tools/sdjwt-vectors.py`:
/// with and without key binding, nested and array disclosures, decoys, and a tampered set. skillcred must verify the
/// good ones and fail the bad ones on the check that concerns them.
///
/// Runs only when `SKILLCRED_SDJWT_PYTHON` names a Python with sd-jwt installed (`scripts/sdjwt-vectors.sh` makes
/// `.venv-sdjwt`); otherwise it says SKIPPED, as the pyshacl comparisons do.
@Suite("SD-JWT VC agrees with the reference implementation", .needsSharedData)
struct SDJWTCrossTests {
    @Test func referenceVectors() async throws {
        guard let python = ProcessInfo.processInfo.environment["SKILLCRED_SDJWT_PYTHON"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            print("SKIPPED: SKILLCRED_SDJWT_PYTHON is not set; the sd-jwt reference vectors did not run (see docs/sd-jwt.md)")
            return
        }
        let made = try ChildProcess.run(
            URL(fileURLWithPath: python), [SharedData.packageRoot.appendingPathComponent("tools/sdjwt-vectors.py").path])
        try #require(made.status == 0, "\(made.stderrText)")
        let vectors = try JSONParser.parse(made.stdout)
        let issuer = try #require(vectors["issuer"]?.stringValue)
        let webIssuer = try #require(vectors["webIssuer"]?.stringValue)
        let trusted = TrustedIssuerList(entries: [.init(id: issuer, name: "sd-jwt reference issuer"), .init(id: webIssuer, name: "sd-jwt https issuer")])
        // The https issuer's JWT VC Issuer Metadata, as the library's key was published: a folder mirroring the
        // HTTPS layout, /.well-known/jwt-vc-issuer inserted before the issuer's path (nothing is fetched).
        let metadataFolder = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: metadataFolder) }
        let resolver = JWTIssuerMetadataResolver(directory: metadataFolder)
        let metadataURL = try resolver.metadataURL(for: webIssuer)
        let file = metadataFolder.appendingPathComponent(try #require(LocalStatusListMirror.relativePath(for: metadataURL)))
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(JSONWriter.data(try #require(vectors["issuerMetadata"]))).write(to: file)
        var challengedPolicy = VerificationPolicy(
            trustedIssuers: trusted, challenge: vectors["nonce"]?.stringValue,
            domain: vectors["aud"]?.stringValue.map { [$0] })
        challengedPolicy.issuerMetadata = resolver
        let challenged = CredentialVerifier(policy: challengedPolicy)
        let plain = CredentialVerifier(policy: VerificationPolicy(trustedIssuers: trusted))
        let cases = vectors["cases"]?.arrayValue ?? []
        #expect(cases.count >= 10)
        var passed = 0
        for c in cases {
            let name = c["name"]?.stringValue ?? "?"
            let token = try #require(c["token"]?.stringValue)
            let expect = c["expect"]?.stringValue ?? ""
            let verifier = expect == "verified-without-challenge" ? plain : challenged
            let report = try #require(await verifier.verify(bytes: Array(token.utf8), source: name).first)
            let lines = report.checks.map { "\($0.name.rawValue) \($0.status.rawValue): \($0.reason)" }.joined(separator: "\n")
            #expect(report.kind == .sdJWT, "\(name)")
            if c["issuerMetadata"]?.boolValue == true, expect.hasPrefix("verified") {
                #expect(report.check(.seal)?.reason.contains("JWT VC Issuer Metadata") == true, "\(name):\n\(lines)")
            }
            if expect.hasPrefix("verified") {
                #expect(report.status == .verified, "\(name):\n\(lines)")
                if report.status == .verified { passed += 1 }
            } else {
                let check = c["check"]?.stringValue.flatMap(CheckName.init(rawValue:))
                #expect(report.status == .failed, "\(name):\n\(lines)")
                if let check { #expect(report.check(check)?.status == .error, "\(name) should fail on \(check.rawValue):\n\(lines)") }
                if report.status == .failed && (check.map { report.check($0)?.status == .error } ?? true) { passed += 1 }
            }
        }
        print("sd-jwt reference vectors (\(vectors["library"]?.stringValue ?? "?")): \(passed) passed, \(cases.count - passed) failed, 0 skipped")
    }
}
