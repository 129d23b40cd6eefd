import CredentialJSON
import Foundation
import TestSupport
import Testing

@testable import skillcred

/// `verify --eu-trusted-lists`, `trust-lists show`, on the test lists of TrustedListFixture (LOTL, BE, NL).
@Suite("CLI: EU trusted lists")
struct TrustedListsCLITests {
    static let fixture: Result<TrustedListFixture, any Error> = Result { try TrustedListFixture.make() }

    /// An EDC (samples/issued) re-addressed to the seal's organisation and sealed with `skillcred seal` by a new BE seal
    /// certificate; returns the sealed file's path.
    func sealedByBE() async throws -> String {
        let fixture = try Self.fixture.get()
        let identity = try fixture.sealIdentity(ca: "be-ca", organization: "University of Example", identifier: "VATBE-0123456789", qscd: true)
        let work = fixture.url("cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try Data(identity.privateKeyPEM.utf8).write(to: work.appendingPathComponent("seal.key"))
        try Data(identity.chainPEM.utf8).write(to: work.appendingPathComponent("chain.pem"))
        let sample = try JSONParser.parse(
            Array(try Data(contentsOf: SharedData.packageRoot.appendingPathComponent("samples/issued/edc/micro-credential/L-0001.json"))))
        var payload = try JSONParser.parse(Array((sample["payload"]?.stringValue ?? "").utf8))
        if case .object(var o) = payload, case .object(var issuer)? = o["issuer"], case .object(var legal)? = issuer["eIDASIdentifier"] {
            legal["notation"] = "VATBE-0123456789"
            issuer["eIDASIdentifier"] = .object(legal)
            issuer["id"] = "urn:epass:org:6f1f7d3c-0000-4000-8000-00000000beef"
            o["issuer"] = .object(issuer)
            o["credentialStatus"] = nil
            payload = .object(o)
        }
        try Data(JSONWriter.data(payload)).write(to: work.appendingPathComponent("edc.json"))
        let sealed = work.appendingPathComponent("sealed.json").path
        let result = try await SkillcredCLI.run([
            "seal", "--key", work.appendingPathComponent("seal.key").path, "--cert", work.appendingPathComponent("chain.pem").path,
            "-o", sealed, work.appendingPathComponent("edc.json").path,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        return sealed
    }

    @Test("verify --eu-trusted-lists reports a qualified e-seal and trusts its chain with no --trust-anchors")
    func verifyQualified() async throws {
        let fixture = try Self.fixture.get()
        let sealed = try await sealedByBE()
        let result = try await SkillcredCLI.run(["verify", "--eu-trusted-lists", fixture.lists.path, "--lotl-signer", fixture.lotlSigner.path, sealed])
        #expect(result.stdout.contains("Qualification: qualified e-seal with QSCD"), "\(result.stdout)")
        #expect(result.stdout.contains("BE trusted list (sequence 12)"), "\(result.stdout)")
        #expect(result.stdout.contains("chains to the trust anchor"), "\(result.stdout)")
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        let without = try await SkillcredCLI.run(["verify", sealed])
        #expect(without.stdout.contains("not checked against the EU trusted lists"), "\(without.stdout)")
    }

    @Test("A national list that does not verify is named on standard error, and the others are still used")
    func verifyReportsIgnoredList() async throws {
        let fixture = try Self.fixture.get()
        try fixture.writeLists(into: "cli-tampered-be", variants: ["BE": .tampered])
        let sealed = try await sealedByBE()
        let result = try await SkillcredCLI.run([
            "verify", "--eu-trusted-lists", fixture.url("cli-tampered-be").path, "--lotl-signer", fixture.lotlSigner.path, sealed,
        ])
        #expect(result.stderr.contains("trusted lists: ignored BE.xml: its signature does not verify"), "\(result.stderr)")
        #expect(result.stdout.contains("Qualification: not qualified (issuer not on the trusted lists"), "\(result.stdout)")
    }

    @Test("--eu-trusted-lists needs --lotl-signer (a usage error), and an unpinned LOTL stops verify with status 2")
    func optionErrors() async throws {
        let fixture = try Self.fixture.get()
        let usage = try await SkillcredCLI.run(["verify", "--eu-trusted-lists", fixture.lists.path, "x.json"])
        #expect(usage.status == 64, "\(usage.stderr)")
        #expect(usage.stderr.contains("--lotl-signer"), "\(usage.stderr)")
        let wrongSigner = try await SkillcredCLI.run([
            "verify", "--eu-trusted-lists", fixture.lists.path, "--lotl-signer", fixture.url("pki/be-signer.pem").path, "x.json",
        ])
        #expect(wrongSigner.status == 2)
        #expect(wrongSigner.stderr.contains("no list of trusted lists verified against the pinned LOTL signer"), "\(wrongSigner.stderr)")
    }

    @Test("trust-lists show lists what verified, the services, and what was ignored with the reason")
    func show() async throws {
        let fixture = try Self.fixture.get()
        try fixture.writeLists(into: "cli-rogue-nl", variants: ["NL": .rogueSigner])
        let result = try await SkillcredCLI.run([
            "trust-lists", "show", fixture.url("cli-rogue-nl").path, "--lotl-signer", fixture.lotlSigner.path, "--services",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("LOTL: eu-lotl.xml — EU list of trusted lists, sequence 300"), "\(result.stdout)")
        #expect(result.stdout.contains("Loaded: BE.xml — BE trusted list, sequence 12"), "\(result.stdout)")
        #expect(result.stdout.contains("Test QTSP BE: Test BE Qualified CA for e-seals — granted since 2016-07-01T00:00:00Z"), "\(result.stdout)")
        #expect(result.stdout.contains("Ignored: NL.xml — signed by"), "\(result.stdout)")
        #expect(result.stdout.contains("which the LOTL pointer for NL does not announce"), "\(result.stdout)")
    }

    @Test("serve --eu-trusted-lists loads and verifies the lists once, into the service's configuration")
    func serveLoadsLists() async throws {
        let fixture = try Self.fixture.get()
        let data = fixture.url("serve-\(UUID().uuidString)").path
        let serve = try Skillcred.Serve.parse([
            "--data-dir", data, "--eu-trusted-lists", fixture.lists.path, "--lotl-signer", fixture.lotlSigner.path,
        ])
        let lists = try #require(try serve.configuration().trustedLists)
        #expect(lists.lists.map(\.list.territory) == ["BE", "NL"])
        let plain = try Skillcred.Serve.parse(["--data-dir", data])
        #expect(try plain.configuration().trustedLists == nil)
        let usage = try await SkillcredCLI.run(["serve", "--data-dir", data, "--eu-trusted-lists", fixture.lists.path])
        #expect(usage.status == 64, "\(usage.stderr)")
    }
}
