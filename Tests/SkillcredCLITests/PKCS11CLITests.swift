import CredentialJSON
import Foundation
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `skillcred` with keys on a SoftHSM token, end to end: each test makes its own SoftHSM set-up in a temporary
/// directory and hands it to the CLI through `SOFTHSM2_CONF` and `SKILLCRED_PKCS11_MODULE`.
@Suite("skillcred with keys on a PKCS#11 token (SoftHSM)", .enabled(if: SoftHSMFixture.shouldRun, "SoftHSM 2 is not installed (apt-get install softhsm2)"))
struct PKCS11CLITests {
    static let token = "cli"

    /// A SoftHSM set-up with one token, a working folder inside it, and a way to run the CLI against both.
    struct Bench {
        let fixture: SoftHSMFixture
        var folder: URL { fixture.directory }
        var pinSource: String { "file:" + fixture.pinFile.path }

        init(mechanisms: String = "ALL") throws {
            fixture = try SoftHSMFixture.make(tokens: [PKCS11CLITests.token], mechanisms: mechanisms)
        }

        func run(_ arguments: [String], environment: [String: String] = [:]) throws -> CLIOutput {
            try SkillcredCLI.run(arguments, in: folder, environment: fixture.environment.merging(environment) { $1 })
        }

        /// `keys generate --pkcs11` of a key labelled `label`, with a DEMO seal certificate on the token when `seal`.
        func generate(_ type: String, label: String, seal: Bool = true) throws -> String {
            let reference = "pkcs11:token=\(PKCS11CLITests.token);object=\(label)"
            var arguments = ["keys", "generate", "--type", type, "--pkcs11", reference, "--pin-source", pinSource]
            if seal { arguments += ["--demo-seal", "\(label)-ca.pem"] }
            let out = try run(arguments)
            #expect(out.status == 0, "\(out.stderr)")
            return reference
        }

        /// A sample EDC (the payload of a sealed sample) in the folder.
        func edc() throws -> String {
            let sealed = SharedData.packageRoot.appendingPathComponent("samples/issued/edc/micro-credential/L-0001.json")
            let payload = try #require(try JSONParser.parse(Array(try Data(contentsOf: sealed)))["payload"]?.stringValue)
            try Data(payload.utf8).write(to: folder.appendingPathComponent("edc.json"))
            return "edc.json"
        }

        func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path) }
    }

    @Test("keys generate --pkcs11 makes a non-extractable key and keys list shows it with its certificate; private keys only after a login")
    func generateAndList() throws {
        guard SkillcredCLI.binary != nil else { return }
        let bench = try Bench()
        defer { bench.fixture.remove() }
        _ = try bench.generate("p256", label: "seal")
        let listed = try bench.run(["keys", "list", "--pin-source", bench.pinSource])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains("private key  p256  label=seal"))
        #expect(listed.stdout.contains("non-extractable"))
        #expect(listed.stdout.contains("certificate  -  label=seal"))
        #expect(listed.stdout.contains("pkcs11:token=cli;object=seal;id="))
        let anonymous = try bench.run(["keys", "list"])
        #expect(anonymous.status == 0, "\(anonymous.stderr)")
        #expect(!anonymous.stdout.contains("  private key  "))
        #expect(anonymous.stdout.contains("public key"))
    }

    @Test(
        "seal with a token key (certificate read from the token) gives a seal jades-verify and verify accept",
        arguments: ["p256", "p384", "rsa3072", "ed25519"])
    func sealWithTokenKey(type: String) throws {
        guard SkillcredCLI.binary != nil else { return }
        let bench = try Bench()
        defer { bench.fixture.remove() }
        let key = try bench.generate(type, label: "seal")
        let sealed = try bench.run(["seal", "--key", key, "--pin-source", bench.pinSource, "-o", "sealed.json", try bench.edc()])
        #expect(sealed.status == 0, "\(sealed.stderr)")
        let checked = try bench.run(["jades-verify", "--trust-anchors", "seal-ca.pem", "sealed.json"])
        #expect(checked.status == 0, "\(checked.stdout)\(checked.stderr)")
        #expect(checked.stdout.contains("seal: valid"))
        #expect(checked.stdout.contains("chain: trusted"))
        let verified = try bench.run(["verify", "--trust-anchors", "seal-ca.pem", "sealed.json"])
        #expect(verified.stdout.contains("✓ Seal"), "\(verified.stdout)\(verified.stderr)")
        #expect(!verified.stdout.contains("✗ Failed"))
        if type == "rsa3072" {
            let pss = try bench.run(["seal", "--key", key, "--pin-source", bench.pinSource, "--alg", "PS256", "-o", "pss.json", "edc.json"])
            #expect(pss.status == 0, "\(pss.stderr)")
            #expect(try bench.run(["jades-verify", "pss.json"]).stdout.contains("seal: valid"))
        }
    }

    @Test("sign with a token key adds a Data Integrity proof verify accepts", arguments: ["ed25519", "p256", "p384"])
    func signWithTokenKey(type: String) throws {
        guard SkillcredCLI.binary != nil else { return }
        let bench = try Bench()
        defer { bench.fixture.remove() }
        let key = try bench.generate(type, label: "issuer", seal: false)
        // Without an issuer, so that sign makes the key's did:key the issuer.
        var credential = try #require(
            try JSONParser.parse(Array(try Data(contentsOf: SharedData.packageRoot.appendingPathComponent("samples/vc2-small.json")))).objectValue)
        credential.removeValue(forKey: "issuer")
        try Data(JSONWriter.data(.object(credential))).write(to: bench.folder.appendingPathComponent("vc.json"))
        // The PIN from an environment variable this time.
        let signed = try bench.run(
            ["sign", "--key", key, "--pin-source", "env:TEST_TOKEN_PIN", "vc.json"],
            environment: ["TEST_TOKEN_PIN": SoftHSMFixture.pin])
        #expect(signed.status == 0, "\(signed.stderr)")
        try Data(signed.stdoutData).write(to: bench.folder.appendingPathComponent("signed.json"))
        let verified = try bench.run(["verify", "signed.json"])
        #expect(verified.status == 3, "\(verified.stdout)\(verified.stderr)")
        #expect(verified.stdout.contains("✓ Seal"))
    }

    @Test("issue seals the 20-learner sample with the seal key on the token; each EDC verifies")
    func issueWithTokenKey() throws {
        guard SkillcredCLI.binary != nil else { return }
        let bench = try Bench()
        defer { bench.fixture.remove() }
        let key = try bench.generate("p256", label: "seal")
        let root = SharedData.packageRoot.appendingPathComponent("samples").path
        let issued = try bench.run([
            "issue", "--template", root + "/templates/micro-credential.json", "--recipients", root + "/recipients.csv",
            "--out", "out", "--database", "registry.sqlite", "--key", key, "--pin-source", bench.pinSource,
        ])
        #expect(issued.status == 0, "\(issued.stderr)")
        #expect(issued.stdout.contains("20 issued"))
        let files = try FileManager.default.contentsOfDirectory(atPath: bench.folder.appendingPathComponent("out").path).filter { $0.hasSuffix(".json") }
        #expect(files.count == 20)
        let verified = try bench.run(["verify", "--trust-anchors", "seal-ca.pem", "out/L-0007.json"])
        #expect(verified.stdout.contains("✓ Seal"), "\(verified.stdout)\(verified.stderr)")
    }

    @Test("status publish signs a DID issuer's lists with a token key and seals an EDC issuer's lists with a token seal")
    func statusPublishWithTokenKeys() throws {
        guard SkillcredCLI.binary != nil else { return }
        let bench = try Bench()
        defer { bench.fixture.remove() }
        let seal = try bench.generate("p256", label: "seal")
        let issuerKey = try bench.generate("ed25519", label: "issuer", seal: false)
        let root = SharedData.packageRoot.appendingPathComponent("samples").path
        for (format, key) in [("edc-jades", seal), ("vc2", issuerKey)] {
            let issued = try bench.run([
                "issue", "--format", format, "--template", root + "/templates/micro-credential.json",
                "--recipients", root + "/recipients.csv", "--out", format, "--database", "registry.sqlite",
                "--key", key, "--pin-source", bench.pinSource,
            ])
            #expect(issued.status == 0, "\(issued.stderr)")
        }
        let published = try bench.run([
            "status", "publish", "--out", "lists", "--database", "registry.sqlite",
            "--key", issuerKey, "--seal-key", seal, "--pin-source", bench.pinSource,
        ])
        #expect(published.status == 0, "\(published.stderr)")
        #expect(published.stdout.contains("published 3 status lists (1 sealed with JAdES, 2 with a Data Integrity proof)"), "\(published.stdout)")
    }

    @Test("serve seals the EDCs it issues with the token's seal key and makes no demo seal")
    func serveWithTokenSeal() async throws {
        guard let binary = SkillcredCLI.binary else { return }
        let bench = try Bench()
        defer { bench.fixture.remove() }
        let seal = try bench.generate("p256", label: "seal")
        let process = try ChildProcess.start(
            binary,
            [
                "serve", "--port", "0", "--data-dir", bench.folder.appendingPathComponent("data").path,
                "--seal-key", seal, "--pin-source", bench.pinSource,
            ], in: SharedData.packageRoot, environment: ChildProcess.environment(adding: bench.fixture.environment), errors: .standardOutput)
        defer { process.stop() }
        // The banner: the demo API token, then the port (waited for off the cooperative pool).
        _ = try await ExternalTool.offThePool {
            process.waitForOutput(limit: .seconds(60)) { String(decoding: $0, as: UTF8.self).contains("listening on") }
        }
        let banner = String(decoding: process.standardOutput, as: UTF8.self)
        let tokenLine = banner.split(separator: "\n").first { $0.contains("demo token:") }
        let token = try #require(tokenLine?.split(separator: " ").last.map(String.init), "\(banner)")
        let address = banner.range(of: #"127\.0\.0\.1:[0-9]+"#, options: .regularExpression).map { String(banner[$0]) }
        let port = try #require(address?.split(separator: ":").last.map(String.init), "\(banner)")
        #expect(!banner.contains("demo e-seal"), "a demo seal was made beside the token's: \(banner)")
        #expect(!FileManager.default.fileExists(atPath: bench.folder.appendingPathComponent("data/seal").path))
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/credentials/issue")!)
        request.httpMethod = "POST"
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(
            #"{"template": "micro-credential", "recipient": {"id": "L-0001", "givenName": "Amira", "familyName": "Haddad", "dateOfBirth": "1985-03-13", "email": "amira.1@learner.example", "grade": "Merit", "date": "2026-06-11", "project": "Library loans forecast"}, "options": {"format": "edc-jades"}}"#
                .utf8)
        let (body, response) = try await URLSession.shared.data(for: request)
        #expect(
            (response as? HTTPURLResponse)?.statusCode == 201 || (response as? HTTPURLResponse)?.statusCode == 200, "\(String(decoding: body, as: UTF8.self))")
        let sealed = try #require(try JSONParser.parse(Array(body))["verifiableCredential"])
        try Data(JSONWriter.data(sealed)).write(to: bench.folder.appendingPathComponent("served.json"))
        let checked = try bench.run(["jades-verify", "--trust-anchors", "seal-ca.pem", "served.json"])
        #expect(checked.stdout.contains("seal: valid") && checked.stdout.contains("chain: trusted"), "\(checked.stdout)\(checked.stderr)")
    }

    @Test("A wrong PIN is one line naming CKR_PIN_INCORRECT, shows no PIN, and nothing is written")
    func wrongPIN() throws {
        guard SkillcredCLI.binary != nil else { return }
        let bench = try Bench()
        defer { bench.fixture.remove() }
        let key = try bench.generate("p256", label: "seal")
        let edc = try bench.edc()
        let wrong = "wrong-pin-5521"
        let sealed = try bench.run(["seal", "--key", key, "--pin-source", "env:BAD_PIN", "-o", "sealed.json", edc], environment: ["BAD_PIN": wrong])
        #expect(sealed.status == 2)
        #expect(sealed.stderr.contains("CKR_PIN_INCORRECT"), "\(sealed.stderr)")
        #expect(sealed.stderr.split(separator: "\n").count == 1)
        #expect(!sealed.stderr.contains(wrong))
        #expect(!bench.exists("sealed.json"))
        let root = SharedData.packageRoot.appendingPathComponent("samples").path
        let issued = try bench.run(
            [
                "issue", "--template", root + "/templates/micro-credential.json", "--recipients", root + "/recipients.csv",
                "--out", "out", "--database", "registry.sqlite", "--key", key, "--pin-source", "env:BAD_PIN",
            ],
            environment: ["BAD_PIN": wrong])
        #expect(issued.status == 2)
        #expect(issued.stderr.contains("CKR_PIN_INCORRECT"), "\(issued.stderr)")
        #expect(!bench.exists("out") && !bench.exists("registry.sqlite"))
    }

    @Test("A missing key names what was looked for and what the token has; nothing is written")
    func missingObject() throws {
        guard SkillcredCLI.binary != nil else { return }
        let bench = try Bench()
        defer { bench.fixture.remove() }
        _ = try bench.generate("p256", label: "seal")
        let out = try bench.run(["seal", "--key", "pkcs11:token=cli;object=absent", "--pin-source", bench.pinSource, "-o", "sealed.json", try bench.edc()])
        #expect(out.status == 2)
        #expect(out.stderr.contains("no private key object=absent"), "\(out.stderr)")
        #expect(out.stderr.contains("\"seal\""))
        #expect(out.stderr.split(separator: "\n").count == 1)
        #expect(!bench.exists("sealed.json"))
    }

    @Test("A mechanism the token does not offer is named before anything is signed or written")
    func unsupportedMechanism() throws {
        guard SkillcredCLI.binary != nil else { return }
        // This token has no RSA-PSS, so PS256 cannot be made on it.
        // SoftHSM 2.6.1 ignores a "-CKM_…" exclusion list, so the token gets an inclusion list without PSS.
        let bench = try Bench(mechanisms: "CKM_RSA_PKCS_KEY_PAIR_GEN,CKM_RSA_PKCS")
        defer { bench.fixture.remove() }
        let key = try bench.generate("rsa2048", label: "seal")
        let out = try bench.run(["seal", "--key", key, "--pin-source", bench.pinSource, "--alg", "PS256", "-o", "sealed.json", try bench.edc()])
        #expect(out.status == 2)
        #expect(out.stderr.contains("CKM_RSA_PKCS_PSS") && out.stderr.contains("PS256"), "\(out.stderr)")
        #expect(out.stderr.split(separator: "\n").count == 1)
        #expect(!bench.exists("sealed.json"))
        // RS256 on the same key works.
        let rs = try bench.run(["seal", "--key", key, "--pin-source", bench.pinSource, "-o", "sealed.json", "edc.json"])
        #expect(rs.status == 0, "\(rs.stderr)")
    }

    @Test("A missing module, a non-module and a PIN given as the source are refused in one line each")
    func badModuleAndPINSource() throws {
        guard SkillcredCLI.binary != nil else { return }
        let bench = try Bench()
        defer { bench.fixture.remove() }
        let edc = try bench.edc()
        let absent = try bench.run([
            "seal", "--key", "pkcs11:token=cli;object=seal", "--pkcs11-module", "/nonexistent/libp11.so",
            "--pin-source", bench.pinSource, edc,
        ])
        #expect(absent.status == 2)
        #expect(absent.stderr.contains("/nonexistent/libp11.so: no PKCS#11 module at this path"), "\(absent.stderr)")
        let notModule = try bench.run([
            "seal", "--key", "pkcs11:token=cli;object=seal", "--pkcs11-module", bench.fixture.configuration.path,
            "--pin-source", bench.pinSource, edc,
        ])
        #expect(notModule.status == 2)
        #expect(notModule.stderr.contains("not a loadable shared library"), "\(notModule.stderr)")
        let bare = try bench.run(["seal", "--key", "pkcs11:token=cli;object=seal", "--pin-source", "246810", edc])
        #expect(bare.status == 2)
        #expect(bare.stderr.contains("file:PATH or env:NAME"))
        #expect(!bare.stderr.contains("246810"))
    }
}
