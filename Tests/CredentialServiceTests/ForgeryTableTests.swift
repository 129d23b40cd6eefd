import CredentialJSON
import CredentialService
import CredentialVerification
import DataIntegrity
import Foundation
import Hummingbird
import HummingbirdTesting
import JAdES
import KeyManagement
import Logging
import TestSupport
import Testing
import X509

/// One input and the verdict every interface must give it.
struct ForgeryCase: Sendable {
    let name: String
    let document: JSONValue
    let isPresentation: Bool
    let challenge: String?
    let verdict: String
    /// The check that decides the verdict: the first Error when Failed, the first check that limits trust when partial.
    let decidingCheck: String?
    let reasonContains: String?
    /// The web page takes no challenge, so it has no say on the cases that need one.
    var onWebPage: Bool { challenge == nil }
}

/// The forgeries of the trust issue, and the genuine credentials beside them, made fresh at test time.
func forgeryCases(_ pki: ForgeryPKI) throws -> [ForgeryCase] {
    var cases: [ForgeryCase] = []
    let university = try pki.seal(organization: "University of Example", identifier: ForgeryPKI.universityOrg)
    let genuine = try edcPayload(eIDASIdentifier: ForgeryPKI.universityOrg)
    cases.append(
        ForgeryCase(
            name: "genuine EDC sealed under the trusted CA", document: try university.seal(payload: JSONWriter.data(genuine)),
            isPresentation: false, challenge: nil, verdict: "Verified", decidingCheck: nil, reasonContains: nil))

    let evil = try pki.seal(organization: "Evil Corp", identifier: "VATBE-0999999999", selfSigned: true)
    cases.append(
        ForgeryCase(
            name: "self-signed seal over a VC naming a trusted issuer by id",
            document: try evil.seal(payload: JSONWriter.data(vc2Payload(issuer: ForgeryPKI.universityDID))),
            isPresentation: false, challenge: nil, verdict: "Failed", decidingCheck: "Seal",
            reasonContains: "sealed by Evil Corp (VATBE-0999999999), but the credential claims to be issued by did:web:university.example"))

    let impostor = try pki.seal(organization: "University of Example", identifier: ForgeryPKI.universityOrg, selfSigned: true)
    cases.append(
        ForgeryCase(
            name: "self-signed certificate claiming a trusted organisationIdentifier, EDC naming it",
            document: try impostor.seal(payload: JSONWriter.data(genuine)),
            isPresentation: false, challenge: nil, verdict: "Partially verified", decidingCheck: "Seal",
            reasonContains: "but its certificate is not trusted"))
    cases.append(
        ForgeryCase(
            name: "self-signed certificate claiming a trusted organisationIdentifier, VC naming the trusted id",
            document: try impostor.seal(payload: JSONWriter.data(vc2Payload(issuer: ForgeryPKI.universityDID))),
            isPresentation: false, challenge: nil, verdict: "Failed", decidingCheck: "Seal",
            reasonContains: "The seal does not bind to the issuer"))

    cases.append(
        ForgeryCase(
            name: "trusted chain, but the EDC names another organisation",
            document: try university.seal(payload: JSONWriter.data(try edcPayload(eIDASIdentifier: "VATBE-0555555555"))),
            isPresentation: false, challenge: nil, verdict: "Failed", decidingCheck: "Seal",
            reasonContains:
                "but the credential claims to be issued by urn:epass:org:6f1f7d3c-0000-4000-8000-00000000beef with eIDAS identifier VATBE-0555555555"))

    // Another customer of the same trusted CA: its own seal and eIDAS identifier, but University's derived issuer id.
    let other = try pki.seal(organization: "Evil Corp", identifier: "VATBE-0999999999")
    var spoofed = try edcPayload(eIDASIdentifier: "VATBE-0999999999")
    if case .object(var o) = spoofed, case .object(var issuer)? = o["issuer"] {
        issuer["id"] = .string(EIDASOrganizationIdentifier.stableIssuerID(organizationIdentifier: ForgeryPKI.universityOrg))
        o["issuer"] = .object(issuer)
        spoofed = .object(o)
    }
    cases.append(
        ForgeryCase(
            name: "another customer of the trusted CA claiming the listed organisation's issuer id",
            document: try other.seal(payload: JSONWriter.data(spoofed)),
            isPresentation: false, challenge: nil, verdict: "Failed", decidingCheck: "Seal",
            reasonContains: "which the trusted-issuer list gives to University of Example (e-seal) (VATBE-0123456789)"))
    cases.append(
        ForgeryCase(
            name: "another customer of the trusted CA, not in the trusted-issuer list",
            document: try other.seal(payload: JSONWriter.data(try edcPayload(eIDASIdentifier: "VATBE-0999999999"))),
            isPresentation: false, challenge: nil, verdict: "Partially verified", decidingCheck: "Accreditation",
            reasonContains: "Issuer not trusted: urn:epass:org:6f1f7d3c-0000-4000-8000-00000000beef is not in the trusted-issuer list"))

    // The demo seal a fresh data directory gets at first use (`skillcred issue`, `seal`, `status publish`, `serve`): its
    // own demo CA, whose key is discarded. Nobody trusts it by default, and the verdict says DEMO (checked below).
    let demo = try DemoSeal.make().sealer()
    cases.append(
        ForgeryCase(
            name: "sealed with a generated demo seal (a data directory's first use) under default settings",
            document: try demo.seal(payload: JSONWriter.data(try edcPayload(eIDASIdentifier: "NTRBE-0000000000"))),
            isPresentation: false, challenge: nil, verdict: "Partially verified", decidingCheck: "Seal",
            reasonContains: "but its certificate is not trusted"))

    // Expired certificate: valid from 5 to 3 years ago, sigT back-dated into it.
    let year = ForgeryPKI.year
    let expired = try pki.seal(
        organization: "University of Example", identifier: ForgeryPKI.universityOrg,
        from: pki.now.addingTimeInterval(-5 * year), until: pki.now.addingTimeInterval(-3 * year))
    let backdated = pki.now.addingTimeInterval(-4 * year)
    let expiredSeal = try expired.seal(payload: JSONWriter.data(genuine), signingTime: backdated)
    cases.append(
        ForgeryCase(
            name: "expired certificate, back-dated sigT, no time-stamp", document: expiredSeal,
            isPresentation: false, challenge: nil, verdict: "Partially verified", decidingCheck: "Seal",
            reasonContains: "the seal cannot be shown to predate the certificate's expiry"))
    let rogue = try pki.tsa(named: "rogue", rogue: true)
    let trustedTSA = try pki.tsa(named: "trusted", rogue: false)
    let stampTime = backdated.addingTimeInterval(60)
    cases.append(
        ForgeryCase(
            name: "expired certificate, time-stamp from an untrusted TSA",
            document: try addingSignatureTimeStamp(try pki.timeStampToken(over: signatureValue(expiredSeal), by: rogue, at: stampTime), to: expiredSeal),
            isPresentation: false, challenge: nil, verdict: "Partially verified", decidingCheck: "Seal",
            reasonContains: "no time-stamp from a trusted authority"))
    // Anyone may add to a seal's unsigned header: junk there proves nothing, and does not fail a genuine seal.
    cases.append(
        ForgeryCase(
            name: "expired certificate, time-stamp whose imprint does not match",
            document: try addingSignatureTimeStamp(
                try pki.timeStampToken(over: Array("another signature".utf8), by: trustedTSA, at: stampTime), to: expiredSeal),
            isPresentation: false, challenge: nil, verdict: "Partially verified", decidingCheck: "Seal",
            reasonContains: "is not over this seal's signature (its message imprint differs), so it proves nothing"))
    cases.append(
        ForgeryCase(
            name: "expired certificate, trusted time-stamp inside its validity",
            document: try addingSignatureTimeStamp(try pki.timeStampToken(over: signatureValue(expiredSeal), by: trustedTSA, at: stampTime), to: expiredSeal),
            isPresentation: false, challenge: nil, verdict: "Verified", decidingCheck: nil, reasonContains: nil))

    // A presentation with no proof, where the verifier requires a challenge.
    let holder = try PrivateKey.generate(.ed25519)
    let issuerDID = try holder.publicKey.didKey()
    let selfIssued = try DataIntegritySigner(canonicalizer: JSONLDCanonicalizer()).addProof(
        to: vc2Payload(issuer: issuerDID),
        options: ProofOptions(cryptosuite: .eddsaRdfc2022, verificationMethod: try holder.publicKey.didKeyVerificationMethod()),
        key: try ProofSigningKey(holder))
    let presentation: JSONValue = [
        "@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
        "holder": .string(issuerDID), "verifiableCredential": [selfIssued],
    ]
    cases.append(
        ForgeryCase(
            name: "unsigned presentation where a challenge is required", document: presentation,
            isPresentation: true, challenge: "c-8f3a", verdict: "Failed", decidingCheck: "Seal",
            reasonContains: "The presentation carries no proof, but a challenge was required"))

    // A document typed both as a presentation and a credential, signed by its "holder".
    var both = vc2Payload(issuer: ForgeryPKI.universityDID)
    if case .object(var o) = both { o["type"] = ["VerifiablePresentation", "VerifiableCredential"]; o["holder"] = .string(issuerDID); both = .object(o) }
    let signedBoth = try DataIntegritySigner(canonicalizer: JSONLDCanonicalizer()).addProof(
        to: both,
        options: ProofOptions(
            cryptosuite: .eddsaRdfc2022, verificationMethod: try holder.publicKey.didKeyVerificationMethod(),
            proofPurpose: .authentication),
        key: try ProofSigningKey(holder))
    cases.append(
        ForgeryCase(
            name: "a document typed both VerifiablePresentation and VerifiableCredential", document: signedBoth,
            isPresentation: false, challenge: nil, verdict: "Failed", decidingCheck: "Format",
            reasonContains: "typed both VerifiablePresentation and VerifiableCredential"))

    // A proof over a document that does not say it is a credential: the key binds to no issuer.
    var untyped = vc2Payload(issuer: ForgeryPKI.universityDID)
    if case .object(var o) = untyped { o["type"] = ["ExampleDegreeCredential"]; untyped = .object(o) }
    let attacker = try PrivateKey.generate(.ed25519)
    let signedUntyped = try DataIntegritySigner(canonicalizer: JSONLDCanonicalizer()).addProof(
        to: untyped, options: ProofOptions(cryptosuite: .eddsaRdfc2022, verificationMethod: try attacker.publicKey.didKeyVerificationMethod()),
        key: try ProofSigningKey(attacker))
    cases.append(
        ForgeryCase(
            name: "Data Integrity proof over a document without the credential type, naming a trusted issuer",
            document: signedUntyped, isPresentation: false, challenge: nil, verdict: "Failed", decidingCheck: "Format",
            reasonContains: "VerifiableCredential"))

    // Terminal escapes in credential text: the verdict is whatever the evidence says (an unknown issuer: partial).
    let escapes = "\r\u{1B}[2K\u{1B}[1;32m✓ Verified\u{1B}]0;pwned\u{07}\u{1B}[8m\u{202E}"
    let shouting = try DataIntegritySigner(canonicalizer: JSONLDCanonicalizer()).addProof(
        to: vc2Payload(issuer: issuerDID, name: "Course \(escapes)"),
        options: ProofOptions(cryptosuite: .eddsaRdfc2022, verificationMethod: try holder.publicKey.didKeyVerificationMethod()),
        key: try ProofSigningKey(holder))
    cases.append(
        ForgeryCase(
            name: "terminal escapes in the credential's name", document: shouting,
            isPresentation: false, challenge: nil, verdict: "Partially verified", decidingCheck: "Accreditation",
            reasonContains: "Issuer not trusted"))
    return cases
}

/// The deciding check of a VC API VerificationResult: the first Error when failed, the first trust-limiting check when partial.
func decidingCheck(_ result: JSONValue, verdict: String) -> (name: String, reason: String)? {
    let checks = result["results"]?.arrayValue ?? []
    let pick: JSONValue?
    switch verdict {
    case "Failed": pick = checks.first { $0["status"]?.stringValue == "Error" }
    case "Partially verified": pick = checks.first { $0["limitsTrust"]?.boolValue == true }
    default: pick = nil
    }
    guard let pick, let name = pick["name"]?.stringValue, let reason = pick["reason"]?.stringValue else { return nil }
    return (name, reason)
}

@Suite("Forgeries: one verdict from the library, the CLI, the API and the web page", .needsSharedData)
struct ForgeryTableTests {
    @Test("Every forgery gets the exact verdict, deciding check and reason, and the four interfaces agree")
    func forgeryTable() async throws {
        guard
            ProcessInfo.processInfo.environment["SKILLCRED_REQUIRE_SHARED"] == "1"
                || FileManager.default.isExecutableFile(atPath: "/usr/bin/faketime")
        else {
            print("SKIPPED forgery table: faketime is not installed (.ci/run installs it)")
            return
        }
        let pki = try ForgeryPKI()
        defer { try? FileManager.default.removeItem(at: pki.directory) }
        let cases = try forgeryCases(pki)
        let trusted = try TrustedIssuerList(contentsOf: pki.trustedIssuersFile)
        let config = ServiceConfiguration(
            dataDirectory: pki.url("service"), maxBodyBytes: 10 * 1024 * 1024, maxJSONDepth: 64,
            verifyRatePerSecond: 1000, verifyBurst: 1000, trustAnchorDirectory: pki.anchorDirectory,
            templateSeedDirectory: SharedData.packageRoot.appendingPathComponent("samples/templates"),
            timeStampAnchorDirectory: pki.tsaAnchorDirectory, trustedIssuersFile: pki.trustedIssuersFile)
        let state = try await ServiceSetup.prepare(config).state
        var logger = Logger(label: "skillcred-forgery-test")
        logger.logLevel = .warning
        let app = Application(router: CredentialServiceRoutes.router(state: state), logger: logger)
        let agreed = try await app.test(.router) { client -> Int in
            var agreed = 0
            for c in cases {
                // The library.
                let policy = VerificationPolicy(
                    trustAnchors: [pki.ca], timeStampAnchors: [pki.tsaRoot], trustedIssuers: trusted,
                    challenge: c.challenge)
                let report = try #require(await CredentialVerifier(policy: policy).verify(json: c.document, source: c.name).first)
                let library = JSONReportRenderer.json(report)
                #expect(
                    report.status.rawValue == c.verdict,
                    "\(c.name): library says \(report.status.rawValue): \(report.checks.map { "\($0.name.rawValue) \($0.status.rawValue) \($0.reason)" })")
                let deciding = decidingCheck(library, verdict: report.status.rawValue)
                if let name = c.decidingCheck { #expect(deciding?.name == name, "\(c.name): deciding check \(deciding?.name ?? "none")") }
                if let text = c.reasonContains { #expect(deciding?.reason.contains(text) == true, "\(c.name): reason \(deciding?.reason ?? "none")") }
                if c.name.hasPrefix("sealed with a generated demo seal") {
                    #expect(deciding?.reason.hasPrefix("DEMO: ") == true && report.restsOnDemo, "\(deciding?.reason ?? "")")
                }
                if c.name.hasPrefix("Data Integrity proof over a document without") {
                    // Besides the data model, the proof itself binds to nobody.
                    #expect(
                        report.check(.seal)?.status == .error && report.check(.seal)?.reason.contains("was not bound to an issuer") == true,
                        "\(report.check(.seal)?.reason ?? "")")
                }

                // The API.
                let member = c.isPresentation ? "verifiablePresentation" : "verifiableCredential"
                var body: JSONObject = [member: c.document]
                if let challenge = c.challenge { body["options"] = ["challenge": .string(challenge)] }
                let api = try await client.execute(
                    uri: c.isPresentation ? "/presentations/verify" : "/credentials/verify", method: .post,
                    headers: jsonHeaders, body: ByteBuffer(bytes: JSONWriter.data(.object(body)))
                ) { r in
                    (r.status, try parse(r.body))
                }
                let apiVerdict = api.0 == .unprocessableContent ? "Failed" : (api.1["verdict"]?.stringValue ?? "?")
                #expect(apiVerdict == c.verdict, "\(c.name): API says \(apiVerdict) (\(api.0))")
                let apiDeciding = decidingCheck(api.1, verdict: apiVerdict)
                #expect(
                    apiDeciding?.name == deciding?.name && apiDeciding?.reason == deciding?.reason, "\(c.name): API decides by \(apiDeciding?.reason ?? "none")"
                )

                // The web page.
                if c.onWebPage {
                    let (h, b) = OpenAPIAndPageTests.multipart(file: JSONWriter.string(c.document))
                    let html = try await client.execute(uri: "/", method: .post, headers: h, body: b) { String(buffer: $0.body) }
                    #expect(html.contains("id=\"overall\">Result: \(c.verdict)"), "\(c.name): web page verdict differs")
                    if let deciding { #expect(html.contains(HTMLReportRenderer.escape(deciding.reason)), "\(c.name): web page lacks the reason") }
                }

                // The CLI.
                let file = pki.url("case-\(agreed).json")
                try Data(JSONWriter.data(c.document)).write(to: file)
                var arguments = [
                    "verify", "--json", "--trust-anchors", pki.anchorDirectory.path, "--tsa-anchors", pki.tsaAnchorDirectory.path,
                    "--trusted-issuers", pki.trustedIssuersFile.path,
                ]
                if let challenge = c.challenge { arguments += ["--challenge", challenge] }
                let cliArguments = arguments + [file.path]
                let cli = try await offPool { Result { try CLIProcess.run(cliArguments) } }.get()
                let cliResult = try JSONParser.parse(Array(cli.stdout.utf8))
                #expect(cliResult["verdict"]?.stringValue == c.verdict, "\(c.name): CLI says \(cliResult["verdict"]?.stringValue ?? cli.stderr)")
                #expect(cli.status == (c.verdict == "Verified" ? 0 : c.verdict == "Failed" ? 1 : 3))
                let cliDeciding = decidingCheck(cliResult, verdict: c.verdict)
                #expect(
                    cliDeciding?.name == deciding?.name && cliDeciding?.reason == deciding?.reason, "\(c.name): CLI decides by \(cliDeciding?.reason ?? "none")"
                )
                if c.name.contains("terminal escapes") {
                    let terminalArguments = arguments.filter { $0 != "--json" } + [file.path]
                    let terminal = try await offPool { Result { try CLIProcess.run(terminalArguments) } }.get()
                    #expect(
                        !terminal.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x0D || $0.value == 0x202E },
                        "control characters reached the terminal")
                    #expect(terminal.stdout.contains("␛[1;32m✓ Verified") && terminal.stdout.contains("\\u{202E}"))
                    #expect(terminal.stdout.hasPrefix("◐ Partially verified"))
                }
                agreed += 1
            }
            return agreed
        }
        print("forgery table: \(agreed) passed, 0 failed, 0 skipped")
    }
}

/// Runs the built `skillcred` executable (SwiftPM puts it beside the test bundle).
enum CLIProcess {
    struct Output { let status: Int32; let stdout: String; let stderr: String }

    static func run(_ arguments: [String]) throws -> Output {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var binary: URL?
        for _ in 0..<4 where binary == nil {
            let candidate = folder.appendingPathComponent("skillcred")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { binary = candidate }
            folder.deleteLastPathComponent()
        }
        let fallback = SharedData.packageRoot.appendingPathComponent(".build/debug/skillcred")
        guard let executable = binary ?? (FileManager.default.isExecutableFile(atPath: fallback.path) ? fallback : nil) else {
            throw ForgeryPKI.ToolFailure(description: "the skillcred executable is not built next to the tests (run swift build)")
        }
        let ended = try ChildProcess.run(executable, arguments, in: FileManager.default.temporaryDirectory)
        return Output(status: ended.status, stdout: ended.stdoutText, stderr: ended.stderrText)
    }
}
