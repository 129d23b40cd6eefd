import CredentialJSON
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// skillcred seal --tsa-query-out / --tsa-reply --add-to / --tsa-url, with a throwaway openssl TSA.

/// /usr/bin/openssl, or nil; a missing openssl fails the test under SKILLCRED_REQUIRE_SHARED=1.
private func openSSL(sourceLocation: SourceLocation = #_sourceLocation) -> URL? {
    let url = URL(fileURLWithPath: "/usr/bin/openssl")
    if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    if SharedData.isRequired {
        Issue.record("/usr/bin/openssl is missing but SKILLCRED_REQUIRE_SHARED=1", sourceLocation: sourceLocation)
    } else {
        print("SKIPPED: /usr/bin/openssl not found")
    }
    return nil
}

private struct OpenSSLError: Error, CustomStringConvertible { let description: String }

/// A temporary folder with an openssl TSA (root CA + TSA certificate with critical EKU timeStamping) and a credential.
private final class TSAWorkspace: Sendable {
    let openssl: URL
    let dir: URL

    static func make() throws -> TSAWorkspace? {
        guard let openssl = openSSL() else { return nil }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-seal-tsa-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let workspace = TSAWorkspace(openssl: openssl, dir: dir)
        try Data(
            """
            [ tsa ]
            default_tsa = tsa_config
            [ tsa_config ]
            serial = ./tsaserial
            crypto_device = builtin
            default_policy = 1.2.3.4.1
            other_policies = 1.2.3.4.2
            digests = sha256
            ordering = no
            tsa_name = no
            ess_cert_id_chain = no
            ess_cert_id_alg = sha256
            signer_digest = sha256
            [ tsa_ext ]
            basicConstraints = critical, CA:false
            keyUsage = critical, digitalSignature
            extendedKeyUsage = critical, timeStamping
            [ ca_ext ]
            basicConstraints = critical, CA:true
            keyUsage = critical, keyCertSign, cRLSign

            """.utf8
        ).write(to: dir.appendingPathComponent("tsa.cnf"))
        try Data("01\n".utf8).write(to: dir.appendingPathComponent("tsaserial"))
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        try workspace.openssl(
            ["req", "-x509"] + ec + [
                "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=CLI TSA Root",
                "-days", "2", "-config", "tsa.cnf", "-extensions", "ca_ext",
            ])
        try workspace.openssl(["req", "-new"] + ec + ["-keyout", "tsa.key", "-out", "tsa.csr", "-subj", "/CN=CLI TSA"])
        try workspace.openssl([
            "x509", "-req", "-in", "tsa.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial", "4242",
            "-out", "tsa.pem", "-days", "1", "-extfile", "tsa.cnf", "-extensions", "tsa_ext",
        ])
        try Data(
            #"{"@context":["https://www.w3.org/2018/credentials/v1"],"id":"urn:credential:tsa-cli","type":["VerifiableCredential"],"credentialSubject":{"id":"urn:person:1"}}"#
                .utf8
        )
        .write(to: dir.appendingPathComponent("credential.json"))
        return workspace
    }

    private init(openssl: URL, dir: URL) {
        self.openssl = openssl
        self.dir = dir
    }

    deinit { try? FileManager.default.removeItem(at: dir) }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    @discardableResult
    func openssl(_ arguments: [String]) throws -> String {
        try ExternalTool.run(openssl, arguments, in: dir)
    }

    /// Answers a query file with the TSA, writing the reply file.
    func reply(query: String, out: String) throws {
        try openssl([
            "ts", "-reply", "-queryfile", query, "-config", "tsa.cnf", "-inkey", "tsa.key", "-signer", "tsa.pem",
            "-chain", "ca.pem", "-out", out,
        ])
    }

    /// Seals credential.json with the workspace data directory's demo seal (made at first use), writing the query too.
    func seal(to sealed: String, query: String, extra: [String] = []) async throws -> CLIOutput {
        try await SkillcredCLI.run(
            ["seal", "--data-dir", path("data"), "--tsa-query-out", path(query), "-o", path(sealed)] + extra + [path("credential.json")])
    }

    func json(_ name: String) throws -> JSONValue {
        try JSONParser.parse(Array(try Data(contentsOf: dir.appendingPathComponent(name))))
    }
}

/// The first signature's sigTst token values.
private func sigTstValues(_ document: JSONValue) -> [String] {
    guard let items = document["signatures"]?.arrayValue?.first?["header"]?["etsiU"]?.arrayValue else { return [] }
    return items.compactMap { $0["sigTst"]?["tstTokens"]?.arrayValue?.first?["val"]?.stringValue }
}

@Suite("skillcred seal: RFC 3161 time-stamps (B-T)")
struct SealTimeStampCLITests {
    @Test("--tsa-query-out, openssl ts -reply, then --tsa-reply --add-to embeds the token")
    func offlineRoundTrip() async throws {
        guard let ws = try TSAWorkspace.make() else { return }
        let sealedRun = try await ws.seal(to: "sealed.json", query: "query.tsq")
        #expect(sealedRun.status == 0, "\(sealedRun.stderr)")
        let queryText = try ws.openssl(["ts", "-query", "-in", "query.tsq", "-text"])
        #expect(queryText.contains("Hash Algorithm: sha256"))
        #expect(queryText.contains("Certificate required: yes"))
        #expect(queryText.contains("Nonce: 0x"))
        try ws.reply(query: "query.tsq", out: "reply.tsr")

        let added = try await SkillcredCLI.run([
            "seal", "--tsa-reply", ws.path("reply.tsr"), "--add-to", ws.path("sealed.json"),
            "-o", ws.path("stamped.json"),
        ])
        #expect(added.status == 0, "\(added.stderr)")
        let sealed = try ws.json("sealed.json")
        let stamped = try ws.json("stamped.json")
        #expect(stamped["payload"] == sealed["payload"])
        let before = try #require(sealed["signatures"]?.arrayValue?.first)
        let after = try #require(stamped["signatures"]?.arrayValue?.first)
        #expect(after["protected"] == before["protected"])
        #expect(after["signature"] == before["signature"])
        let values = sigTstValues(stamped)
        #expect(values.count == 1)

        // The embedded token is the TSA's token.
        try ws.openssl(["ts", "-reply", "-in", "reply.tsr", "-token_out", "-out", "token.der"])
        let token = try Data(contentsOf: ws.dir.appendingPathComponent("token.der"))
        #expect(values.first.flatMap { Data(base64Encoded: $0) } == token)

        // Standard output when no -o; a second reply appends.
        let again = try await SkillcredCLI.run(["seal", "--tsa-reply", ws.path("reply.tsr"), "--add-to", ws.path("stamped.json")])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(sigTstValues(try JSONParser.parse(Array(again.stdoutData))).count == 2)

        // The stamped seal still verifies (etsiU is unsigned).
        let verify = try await SkillcredCLI.run(["jades-verify", ws.path("stamped.json")])
        #expect(verify.stdout.contains("seal: valid"), "\(verify.stdout)\(verify.stderr)")
    }

    @Test("A reply for another seal is refused with exit status 1")
    func replyForAnotherSeal() async throws {
        guard let ws = try TSAWorkspace.make() else { return }
        #expect(try await ws.seal(to: "one.json", query: "one.tsq").status == 0)
        #expect(try await ws.seal(to: "two.json", query: "two.tsq").status == 0)
        try ws.reply(query: "one.tsq", out: "one.tsr")
        let wrong = try await SkillcredCLI.run(["seal", "--tsa-reply", ws.path("one.tsr"), "--add-to", ws.path("two.json")])
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("imprint"), "\(wrong.stderr)")
        let garbage = try await SkillcredCLI.run(["seal", "--tsa-reply", ws.path("credential.json"), "--add-to", ws.path("two.json")])
        #expect(garbage.status == 1)
        #expect(garbage.stderr.contains("time-stamp"), "\(garbage.stderr)")
    }

    @Test("Option combinations are checked with clear errors")
    func optionValidation() async throws {
        let cases: [([String], String)] = [
            (["seal", "--tsa-reply", "reply.tsr"], "--add-to"),
            (["seal", "--add-to", "sealed.json"], "--tsa-reply"),
            (["seal", "--key", "seal.pem", "credential.json"], "--cert"),
            (["seal", "--cert", "seal-cert.pem", "credential.json"], "--key"),
            (["seal", "--data-dir", "data", "--key", "seal.pem", "--cert", "seal-cert.pem", "credential.json"], "contradict"),
            (["seal", "--key", "seal.pem", "--cert", "seal-cert.pem"], "FILE"),
            (["seal", "--tsa-reply", "r.tsr", "--add-to", "s.json", "--key", "seal.pem"], "--key"),
            (["seal", "--tsa-reply", "r.tsr", "--add-to", "s.json", "--data-dir", "data"], "--data-dir"),
            (
                [
                    "seal", "--key", "seal.pem", "--cert", "seal-cert.pem",
                    "--tsa-url", "http://tsa.example.com/", "credential.json",
                ], "https"
            ),
            (
                [
                    "seal", "--key", "seal.pem", "--cert", "seal-cert.pem",
                    "--tsa-url", "ftp://127.0.0.1/", "credential.json",
                ], "https"
            ),
        ]
        for (arguments, expected) in cases {
            let out = try await SkillcredCLI.run(arguments)
            #expect(out.status != 0, "\(arguments)")
            #expect(out.stderr.contains(expected), "\(arguments): \(out.stderr)")
        }
        let help = try await SkillcredCLI.run(["seal", "--help"])
        for option in ["--tsa-query-out", "--tsa-url", "--tsa-reply", "--add-to", "B-T"] {
            #expect(help.stdout.contains(option), "help lacks \(option)")
        }
    }

    @Test("--tsa-url posts the query to a loopback TSA and embeds its reply; redirects are refused")
    func onlineLoopback() async throws {
        guard let ws = try TSAWorkspace.make() else { return }
        let server = try LoopbackHTTPServer { request in
            let name = UUID().uuidString
            try? Data(request.body).write(to: ws.dir.appendingPathComponent("\(name).tsq"))
            guard (try? ws.reply(query: "\(name).tsq", out: "\(name).tsr")) != nil,
                let reply = try? Data(contentsOf: ws.dir.appendingPathComponent("\(name).tsr"))
            else {
                return LoopbackHTTPServer.response(status: "500 Internal Server Error", headers: [], body: [])
            }
            return LoopbackHTTPServer.response(status: "200 OK", headers: ["Content-Type: application/timestamp-reply"], body: Array(reply))
        }
        defer { server.stop() }
        let out = try await SkillcredCLI.run([
            "seal", "--data-dir", ws.path("data"),
            "--tsa-url", "http://127.0.0.1:\(server.port)/tsa", ws.path("credential.json"),
        ])
        #expect(out.status == 0, "\(out.stderr)")
        let request = try #require(server.requests.first)
        #expect(request.head.lowercased().contains("content-type: application/timestamp-query"))
        #expect(request.head.hasPrefix("POST /tsa "))
        #expect(sigTstValues(try JSONParser.parse(Array(out.stdoutData))).count == 1)

        let redirecting = try LoopbackHTTPServer { _ in
            LoopbackHTTPServer.response(status: "302 Found", headers: ["Location: http://127.0.0.1:\(server.port)/tsa"], body: [])
        }
        defer { redirecting.stop() }
        let redirected = try await SkillcredCLI.run([
            "seal", "--data-dir", ws.path("data"),
            "--tsa-url", "http://127.0.0.1:\(redirecting.port)/", ws.path("credential.json"),
        ])
        #expect(redirected.status != 0)
        #expect(redirected.stderr.contains("redirect"), "\(redirected.stderr)")
        #expect(server.requests.count == 1)
    }
}
