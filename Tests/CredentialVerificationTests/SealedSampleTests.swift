import CredentialDataModel
import CredentialJSON
import CredentialVerification
import Foundation
import JAdES
import TestSupport
import Testing
import X509

@Suite("EU signed samples through the verifier", .needsSharedData)
struct SealedSampleTests {
    @Test("Every signed sample's signature verifies; the EDCs' seals bind to their issuers", arguments: signedSamples)
    func sealIsIntact(path: String) async throws {
        guard let bytes = try sharedBytes(path) else { return }
        let report = try await verifyOne(CredentialVerifier(), bytes)
        #expect(report.kind == .jadesSealed)
        if path.hasSuffix("ec-edci-code/credential-signed.jsonld") {
            // A dev-era file: its issuer claims the eIDAS identifier "eidasIdentifier123", its seal VATES-B00000000.
            #expect(report.check(.seal)?.status == .error)
            #expect(
                report.check(.seal)?.reason.contains(
                    "sealed by Certificado TEST Sello Electronico (VATES-B00000000), but the credential claims to be issued by http://example.org/issuer565049 with eIDAS identifier eidasIdentifier123"
                ) == true,
                "\(report.check(.seal)?.reason ?? "")")
            return
        }
        #expect(report.check(.seal)?.status == .ok, "\(report.check(.seal)?.reason ?? "")")
        // Nothing is trusted without anchors: the seal limits trust and says why on its own line.
        #expect(report.check(.seal)?.limitsTrust == true)
        #expect(report.status != .verified)
    }

    @Test("A genuine third-party EDC (mynextid degree certificate) is not Failed: its sealed extras are a Format warning")
    func mynextidIsNotFailed() async throws {
        guard let bytes = try sharedBytes("edc-samples/mynextid/edc-dc-signed.jsonld") else { return }
        let report = try await verifyOne(CredentialVerifier(), bytes)
        #expect(report.status == .partiallyVerified, "\(report.checks.map { "\($0.name.rawValue) \($0.status.rawValue) \($0.reason)" })")
        let format = try #require(report.check(.format))
        #expect(format.status == .ok)
        #expect(format.reason.contains("warning: sealed, but not part of the EDC model: $.cnf"), "\(format.reason)")
        #expect(format.reason.contains("$.status[0]"))
        #expect(
            report.check(.seal)?.details.contains(
                "Issuer binding: the issuer's eIDAS identifier 17207834 (EST) is the seal's organisation identifier NTREE-17207834") == true)
        #expect(report.check(.seal)?.reason.contains("but its certificate is not trusted: no trust anchors configured") == true)
    }

    @Test("A sealed sample given already parsed gets the same checks as from its bytes", arguments: officialSamples)
    func parsedInputIsVerifiedLikeBytes(path: String) async throws {
        guard let bytes = try sharedBytes(path) else { return }
        let fromBytes = try await verifyOne(CredentialVerifier(), bytes)
        let parsed = try #require(await CredentialVerifier().verify(json: try JSONParser.parse(bytes), source: "test").first)
        #expect(parsed.kind == .jadesSealed)
        #expect(parsed.checks.map(\.status) == fromBytes.checks.map(\.status))
        #expect(parsed.checks.map(\.reason) == fromBytes.checks.map(\.reason))
        // A parsed envelope whose signature cannot be read still reports a seal error (no bytes to fall back on).
        guard case .object(var envelope) = try JSONParser.parse(bytes) else { Issue.record("not an object"); return }
        envelope["signatures"] = .array([.string("not a signature")])
        let broken = try #require(await CredentialVerifier().verify(json: .object(envelope), source: "test").first)
        #expect(broken.status == .failed)
        #expect(broken.check(.seal)?.status == .error)
    }

    @Test("The official EU samples are partially verified: seal intact, chain not trusted", arguments: officialSamples)
    func officialSamplesArePartiallyVerified(path: String) async throws {
        guard let bytes = try sharedBytes(path) else { return }
        let report = try await verifyOne(CredentialVerifier(), bytes)
        #expect(report.status == .partiallyVerified, "\(report.checks.map { "\($0.name.rawValue) \($0.status.rawValue) \($0.reason)" })")
        #expect(report.check(.format)?.status == .ok)
        #expect(report.check(.seal)?.details.contains { $0.hasPrefix("Certificate chain: not trusted") } == true)
        #expect(report.check(.accreditation)?.status == .skipped)
        #expect(report.check(.accreditation)?.limitsTrust == true)
        #expect(report.summary?.learner == "Ana Andromeda")
        // The EU's test seal certificate states QcCompliance and the e-seal QcType.
        #expect(report.check(.seal)?.details.contains { $0.hasPrefix("Qualification: qualified") && $0.contains("e-seal") } == true)
    }

    /// The highest certificates a sealed sample carries (x5c, xVals, its time-stamp tokens), split into the seal's CA
    /// side and the time-stamping side: the anchors a user who trusts those PKIs would configure.
    static func ownAnchors(_ bytes: [UInt8]) throws -> (seal: [Certificate], tsa: [Certificate]) {
        let envelope = try JSONParser.parse(bytes)
        let entry = try #require(try JWSJSONDocument(envelope).signatures.first)
        let signature = try #require(JAdESVerifier().verify(bytes).signatures.first)
        let tokens = try JAdESTimeStamps.signatureTimeStampTokens(in: entry.unprotectedHeader).map { try TimeStampToken(derEncoded: $0) }
        let all = signature.certificateChain + signature.unsignedCertificates
        var current = try #require(signature.signingCertificate)
        while let parent = all.first(where: { $0.subject == current.issuer && $0 != current }) { current = parent }
        let seal = current == signature.signingCertificate ? [] : [current]
        var tsa: [Certificate] = []
        for token in tokens {
            var top = token.signerCertificate
            let pool = token.certificates + signature.unsignedCertificates
            while let parent = pool.first(where: { $0.subject == top.issuer && $0 != top }) { top = parent }
            if !tsa.contains(top) { tsa.append(top) }
        }
        return (seal, tsa)
    }

    @Test("With their own roots as anchors (seal CA and TSA), the EU samples are Verified; with the seal CA alone, partially", arguments: officialSamples)
    func verifiedWithTheirOwnRoots(path: String) async throws {
        guard let bytes = try sharedBytes(path) else { return }
        let anchors = try Self.ownAnchors(bytes)
        try #require(!anchors.seal.isEmpty && !anchors.tsa.isEmpty)
        let report = try await verifyOne(CredentialVerifier(policy: VerificationPolicy(trustAnchors: anchors.seal, timeStampAnchors: anchors.tsa)), bytes)
        #expect(report.status == .verified, "\(report.checks.map { "\($0.name.rawValue) \($0.status.rawValue) \($0.reason)" })")
        #expect(report.check(.seal)?.details.contains { $0.hasPrefix("Certificate chain: trusted, judged at the time-stamp's time") } == true)
        #expect(report.check(.seal)?.details.contains { $0.hasPrefix("Time proven by a time-stamp: 2023-09-27") } == true)
        #expect(report.check(.accreditation)?.status == .ok, "\(report.check(.accreditation)?.reason ?? "")")
        // The seal certificate expired in 2025: without a trusted time-stamp nothing shows it was valid when used.
        let noTSA = try await verifyOne(CredentialVerifier(policy: VerificationPolicy(trustAnchors: anchors.seal)), bytes)
        #expect(noTSA.status == .partiallyVerified)
        #expect(
            noTSA.check(.seal)?.reason.contains(
                "the seal cannot be shown to predate the certificate's expiry on 2025-05-10T14:31:15Z (no time-stamp from a trusted authority)") == true,
            "\(noTSA.check(.seal)?.reason ?? "")")
        // The TSA's anchor alone trusts no seal.
        let tsaOnly = try await verifyOne(CredentialVerifier(policy: VerificationPolicy(trustAnchors: anchors.tsa)), bytes)
        #expect(tsaOnly.status == .partiallyVerified)
        // Anchor from a different PKI: still not trusted.
        let demoCA = try JAdESPEM.certificates(contentsOf: SharedData.packageRoot.appendingPathComponent("samples/demo-seal/demo-ca.pem"))
        let other = try await verifyOne(CredentialVerifier(policy: VerificationPolicy(trustAnchors: demoCA, timeStampAnchors: anchors.tsa)), bytes)
        #expect(other.check(.accreditation)?.status == .skipped)
        #expect(other.status == .partiallyVerified)
    }

    @Test("With a trusted-issuer list, a trusted CA's other customers are not accredited unless the list is not limiting")
    func listedIssuersOnly() async throws {
        guard let bytes = try sharedBytes(officialSamples[0]) else { return }
        let anchors = try Self.ownAnchors(bytes)
        let unrelated = TrustedIssuerList(entries: [.init(id: "did:web:other.example", name: "Someone else")])
        var policy = VerificationPolicy(trustAnchors: anchors.seal, timeStampAnchors: anchors.tsa, trustedIssuers: unrelated)
        let limited = try await verifyOne(CredentialVerifier(policy: policy), bytes)
        #expect(limited.check(.accreditation)?.status == .skipped)
        #expect(limited.status == .partiallyVerified)
        policy.listedIssuersOnly = false
        let open = try await verifyOne(CredentialVerifier(policy: policy), bytes)
        #expect(open.check(.accreditation)?.status == .ok)
        #expect(open.status == .verified)
    }

    @Test("The mynextid degree certificate is Verified under its own Halcom root and DSS test TSA")
    func mynextidVerifiedWithItsOwnRoots() async throws {
        guard let bytes = try sharedBytes("edc-samples/mynextid/edc-dc-signed.jsonld") else { return }
        let anchors = try Self.ownAnchors(bytes)
        let report = try await verifyOne(CredentialVerifier(policy: VerificationPolicy(trustAnchors: anchors.seal, timeStampAnchors: anchors.tsa)), bytes)
        #expect(report.status == .verified, "\(report.checks.map { "\($0.name.rawValue) \($0.status.rawValue) \($0.reason)" })")
        #expect(
            report.check(.seal)?.details.contains { $0.hasPrefix("Time proven by a time-stamp: 2026-01-12") } == true,
            "\(report.check(.seal)?.details ?? [])")
    }

    @Test("A seal whose organisation identifier is in the trusted-issuer list is accredited only under a trusted chain, within its scope")
    func trustedIssuerByOrganisationIdentifier() async throws {
        guard let bytes = try sharedBytes(officialSamples[0]) else { return }
        let trusted = TrustedIssuerList(entries: [.init(organizationIdentifier: "VATES-A00000000", name: "Organización Test")])
        // The certificate merely claims the identifier: without a trusted chain the entry does not match.
        let claimed = try await verifyOne(CredentialVerifier(policy: VerificationPolicy(trustedIssuers: trusted)), bytes)
        #expect(claimed.check(.accreditation)?.status == .skipped)
        #expect(
            claimed.check(.accreditation)?.reason.hasPrefix("Organización Test is a trusted issuer, but the seal does not show it") == true,
            "\(claimed.check(.accreditation)?.reason ?? "")")
        #expect(claimed.status == .partiallyVerified)
        let anchors = try Self.ownAnchors(bytes)
        let report = try await verifyOne(
            CredentialVerifier(policy: VerificationPolicy(trustAnchors: anchors.seal, timeStampAnchors: anchors.tsa, trustedIssuers: trusted)), bytes)
        #expect(report.check(.accreditation)?.status == .ok)
        #expect(report.check(.accreditation)?.reason.contains("organisation identifier VATES-A00000000 in a trusted seal certificate") == true)
        #expect(report.status == .verified, "\(report.checks.map { "\($0.name.rawValue) \($0.status.rawValue) \($0.reason)" })")
        let expired = TrustedIssuerList(entries: [
            .init(
                organizationIdentifier: "VATES-A00000000", name: "Organización Test",
                validUntil: XSDDateTimeHelper.parse("2020-01-01T00:00:00Z"))
        ])
        let late = try await verifyOne(
            CredentialVerifier(policy: VerificationPolicy(trustAnchors: anchors.seal, timeStampAnchors: anchors.tsa, trustedIssuers: expired)), bytes)
        #expect(late.check(.accreditation)?.status == .error)
        #expect(late.status == .failed)
    }

    /// Every leaf value of the sealed payload, changed one at a time inside the signed bytes, breaks the seal.
    @Test("Every signed sample with any single value changed is Failed", arguments: signedSamples)
    func anySingleChangeFails(path: String) async throws {
        guard let bytes = try sharedBytes(path) else { return }
        var document = try #require(try JSONParser.parse(bytes).objectValue)
        let payloadText = try #require(document["payload"]?.stringValue)
        let encoded = (try? JSONParser.parse(Array(payloadText.utf8))) == nil
        let payloadBytes: [UInt8] = encoded ? try #require(base64URLDecode(payloadText)) : Array(payloadText.utf8)
        let payload = String(decoding: payloadBytes, as: UTF8.self)
        let leaves = leafLexemes(try JSONParser.parse(payloadBytes))
        try #require(!leaves.isEmpty)
        // Spread the mutations over the document; every mutated copy must fail.
        let step = max(1, leaves.count / 40)
        let verifier = CredentialVerifier(policy: VerificationPolicy(jsonLDFormatCheck: false))
        var tried = 0, failedAsExpected = 0
        for lexeme in stride(from: 0, to: leaves.count, by: step).map({ leaves[$0] }) {
            guard let range = payload.range(of: lexeme) ?? payload.range(of: lexeme.replacingOccurrences(of: ":", with: ": ")) else { continue }
            let mutated = payload.replacingCharacters(in: range, with: mutate(String(payload[range])))
            document["payload"] = .string(encoded ? base64URLEncode(Array(mutated.utf8)) : mutated)
            let report = try await verifyOne(verifier, JSONWriter.data(.object(document)))
            tried += 1
            if report.status == .failed && report.check(.seal)?.status == .error {
                failedAsExpected += 1
            } else {
                Issue.record("\(path): changing \(lexeme.prefix(60)) was not detected")
            }
        }
        summary("tamper \(path.split(separator: "/").last!)", passed: failedAsExpected, failed: tried - failedAsExpected, skipped: 0)
        #expect(tried > 0 && tried == failedAsExpected)
    }
}

enum XSDDateTimeHelper {
    static func parse(_ s: String) -> XSDDateTime? { XSDDateTime(s, syntax: .dateTimeStamp) }
}

/// The JSON lexeme of each string and number leaf (strings quoted, as they appear in compact JSON).
func leafLexemes(_ value: JSONValue) -> [String] {
    var out: [String] = []
    func walk(_ v: JSONValue) {
        switch v {
        case .object(let o): for m in o { walk(m.value) }
        case .array(let a): for e in a { walk(e) }
        case .string(let s) where s.count >= 2 && !s.contains("\\") && !s.contains("\"") && !s.contains("/"): out.append("\"\(s)\"")
        case .number(let n): out.append(":" + n.lexeme)
        case .bool(let b): out.append(":\(b)")
        default: break
        }
    }
    walk(value)
    return out
}

/// Changes one character of a lexeme, keeping it the same kind of JSON value.
func mutate(_ lexeme: String) -> String {
    var chars = Array(lexeme)
    if lexeme.hasPrefix("\"") {
        chars[1] = chars[1] == "X" ? "Y" : "X"
    } else if lexeme.hasSuffix("true") {
        return lexeme.replacingOccurrences(of: "true", with: "false")
    } else if lexeme.hasSuffix("false") {
        return lexeme.replacingOccurrences(of: "false", with: "true")
    } else if let last = chars.last, let d = last.wholeNumberValue {
        chars[chars.count - 1] = Character(String((d + 1) % 10))
    }
    return String(chars)
}

func base64URLDecode(_ s: String) -> [UInt8]? {
    var t = s.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while t.count % 4 != 0 { t += "=" }
    return Data(base64Encoded: t).map(Array.init)
}

func base64URLEncode(_ bytes: [UInt8]) -> String {
    Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
        .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
}
