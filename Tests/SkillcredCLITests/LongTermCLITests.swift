import CredentialJSON
import Foundation
import TestSupport
import Testing

@testable import skillcred

// skillcred seal --level b-lt/b-lta and skillcred verify --crl/--ocsp-response/--require-revocation-data, with an
// openssl CA (TestSupport's OpenSSLPKI) and a loopback TSA.

@Suite("CLI: long-term levels and seal-certificate revocation")
struct LongTermCLITests {
    @Test("--level needs --tsa-url, and b-lt/b-lta need revocation data; bad --crl files are named")
    func optionValidation() async throws {
        let cases: [([String], String)] = [
            (["seal", "--key", "k.pem", "--cert", "c.pem", "--level", "b-t", "credential.json"], "--tsa-url"),
            (
                ["seal", "--key", "k.pem", "--cert", "c.pem", "--level", "b-lt", "--tsa-url", "https://tsa.example/", "credential.json"],
                "revocation data"
            ),
            (["seal", "--key", "k.pem", "--cert", "c.pem", "--crl", "ca.crl", "credential.json"], "b-lt"),
            (["seal", "--tsa-reply", "r.tsr", "--add-to", "s.json", "--level", "b-t"], "--level"),
        ]
        for (arguments, expected) in cases {
            let out = try await SkillcredCLI.run(arguments)
            #expect(out.status != 0, "\(arguments)")
            #expect(out.stderr.contains(expected), "\(arguments): \(out.stderr)")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-lt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let notACRL = directory.appendingPathComponent("not.crl")
        try Data("not a CRL".utf8).write(to: notACRL)
        let out = try await SkillcredCLI.run(["verify", "--crl", notACRL.path, notACRL.path])
        #expect(out.status == 2)
        #expect(out.stderr.contains("--crl \(notACRL.path)"), "\(out.stderr)")
    }

    @Test("serve --crl / --require-revocation-data go into the service's verification policy; an unreadable CRL stops the start")
    func serveTakesRevocationOptions() async throws {
        guard let pki = try OpenSSLPKI.make(name: "CLI serve CRL CA") else { return }
        try Data(try pki.crl(at: Date() - 60)).write(to: pki.url("ca.crl"))
        let data = pki.url("data-\(UUID().uuidString)").path
        let serve = try Skillcred.Serve.parse(["--data-dir", data, "--crl", pki.url("ca.crl").path, "--require-revocation-data"])
        let policy = try serve.configuration().sealRevocation
        #expect(policy.supplied.count == 1 && policy.requireRevocationData && policy.fetcher == nil)
        #expect(try Skillcred.Serve.parse(["--data-dir", data]).configuration().sealRevocation.supplied.isEmpty)
        try Data("not a CRL".utf8).write(to: pki.url("bad.crl"))
        let refused = try await SkillcredCLI.run(["serve", "--data-dir", data, "--crl", pki.url("bad.crl").path])
        #expect(refused.status != 0 && refused.stderr.contains("--crl \(pki.url("bad.crl").path)"), "\(refused.stderr)")
    }

    @Test("seal --level b-lta embeds sigTst, xVals, rVals, arcTst; verify reports each; a CRL revoking the certificate before the time-stamp fails it")
    func ltaRoundTrip() async throws {
        guard let pki = try OpenSSLPKI.make(name: "CLI LT CA") else { return }
        let now = Date()
        try pki.issue(
            "seal", subject: "/CN=CLI Academy e-seal/O=CLI Academy/organizationIdentifier=NTRBE-0999999999/C=BE", extensions: "seal_ext",
            from: now - 30 * 86_400, until: now + 30 * 86_400)
        try pki.issue("tsa", subject: "/CN=CLI TSA unit", extensions: "tsa_ext", from: now - 30 * 86_400, until: now + 30 * 86_400)
        try Data(#"{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"credentialSubject":{"id":"urn:person:1"}}"#.utf8)
            .write(to: pki.url("credential.json"))
        try Data(try pki.crl(at: now - 60)).write(to: pki.url("ca.crl"))
        // The chain (seal certificate, then its CA): the CA's certificate verifies the CRL and goes into xVals.
        try Data((try pki.text("seal.pem") + pki.text("ca.pem")).utf8).write(to: pki.url("chain.pem"))
        let server = try LoopbackHTTPServer { request in
            guard let reply = try? pki.timeStampReply(query: request.body, tsa: "tsa") else {
                return LoopbackHTTPServer.response(status: "500 Internal Server Error", headers: [], body: [])
            }
            return LoopbackHTTPServer.response(status: "200 OK", headers: ["Content-Type: application/timestamp-reply"], body: reply)
        }
        defer { server.stop() }
        let sealed = try await SkillcredCLI.run([
            "seal", "--key", pki.url("seal.key").path, "--cert", pki.url("chain.pem").path, "--tsa-url", "http://127.0.0.1:\(server.port)/",
            "--level", "b-lta", "--crl", pki.url("ca.crl").path, "-o", pki.url("sealed.json").path, pki.url("credential.json").path,
        ])
        #expect(sealed.status == 0, "\(sealed.stderr)")
        #expect(server.requests.count == 2)

        let anchors = pki.url("ca.pem").path
        let verified = try await SkillcredCLI.run([
            "verify", "--json", "--trust-anchors", anchors, "--tsa-anchors", anchors, pki.url("sealed.json").path,
        ])
        for line in [
            "Level: JAdES B-LTA", "sigTst: time-stamp at", "xVals: 2 certificate(s)", "rVals: CRL from", "arcTst: archive time-stamp at",
            "the TSA is trusted", "Revocation: not revoked",
        ] {
            #expect(verified.stdout.contains(line), "missing \(line): \(verified.stdout)")
        }
        #expect(!verified.stdout.contains("REFUSED"))

        // Revoked an hour before the seal's time-stamp: a newer CRL given with --crl fails the seal.
        try pki.revoke("seal", at: now - 3600)
        try Data(try pki.crl(at: Date())).write(to: pki.url("revoked.crl"))
        let revoked = try await SkillcredCLI.run([
            "verify", "--trust-anchors", anchors, "--tsa-anchors", anchors, "--crl", pki.url("revoked.crl").path, pki.url("sealed.json").path,
        ])
        #expect(revoked.status == 1, "\(revoked.stdout)")
        #expect(revoked.stdout.contains("revoked on"), "\(revoked.stdout)")
    }
}
