import CredentialDataModel
import CredentialJSON
import CredentialVerification
import Foundation
import JAdES
import TestSupport
import Testing
import X509

@Suite("EU signed samples through the verifier")
struct SealedSampleTests {
    @Test("Every signed sample's seal is intact (Seal OK)", arguments: signedSamples)
    func sealIsIntact(path: String) async throws {
        guard let bytes = try sharedBytes(path) else { return }
        let report = try await verifyOne(Verifier(), bytes)
        #expect(report.kind == .jadesSealed)
        #expect(report.check(.seal)?.status == .ok, "\(report.check(.seal)?.reason ?? "")")
    }

    @Test("A sealed sample given already parsed gets the same checks as from its bytes", arguments: officialSamples)
    func parsedInputIsVerifiedLikeBytes(path: String) async throws {
        guard let bytes = try sharedBytes(path) else { return }
        let fromBytes = try await verifyOne(Verifier(), bytes)
        let parsed = try #require(await Verifier().verify(json: try JSONParser.parse(bytes), source: "test").first)
        #expect(parsed.kind == .jadesSealed)
        #expect(parsed.checks.map(\.status) == fromBytes.checks.map(\.status))
        #expect(parsed.checks.map(\.reason) == fromBytes.checks.map(\.reason))
        // A parsed envelope whose signature cannot be read still reports a seal error (no bytes to fall back on).
        guard case .object(var envelope) = try JSONParser.parse(bytes) else { Issue.record("not an object"); return }
        envelope["signatures"] = .array([.string("not a signature")])
        let broken = try #require(await Verifier().verify(json: .object(envelope), source: "test").first)
        #expect(broken.status == .failed)
        #expect(broken.check(.seal)?.status == .error)
    }

    @Test("The official EU samples are partially verified: seal intact, chain not trusted", arguments: officialSamples)
    func officialSamplesArePartiallyVerified(path: String) async throws {
        guard let bytes = try sharedBytes(path) else { return }
        let report = try await verifyOne(Verifier(), bytes)
        #expect(report.status == .partiallyVerified, "\(report.checks.map { "\($0.name.rawValue) \($0.status.rawValue) \($0.reason)" })")
        #expect(report.check(.format)?.status == .ok)
        #expect(report.check(.seal)?.details.contains { $0.hasPrefix("Certificate chain: not trusted") } == true)
        #expect(report.check(.accreditation)?.status == .skipped)
        #expect(report.check(.accreditation)?.limitsTrust == true)
        #expect(report.summary?.learner == "Ana Andromeda")
        // The EU's test seal certificate states QcCompliance and the e-seal QcType.
        #expect(report.check(.seal)?.details.contains { $0.hasPrefix("Qualification: qualified") && $0.contains("e-seal") } == true)
    }

    @Test("With the issuing CA (from the seal's own xVals) as anchor, the chain check passes", arguments: officialSamples)
    func chainPassesWithTheirCA(path: String) async throws {
        guard let bytes = try sharedBytes(path) else { return }
        let signature = try #require(JAdESVerifier().verify(bytes).signatures.first)
        let leaf = try #require(signature.signingCertificate)
        let anchors = signature.unsignedCertificates.filter { $0.subject == leaf.issuer }
        guard !anchors.isEmpty else {
            print("SKIPPED \(path): the seal carries no issuing CA certificate to use as an anchor")
            return
        }
        let report = try await verifyOne(Verifier(policy: VerificationPolicy(trustAnchors: anchors)), bytes)
        #expect(report.check(.seal)?.details.contains { $0.hasPrefix("Certificate chain: trusted") } == true)
        #expect(report.check(.accreditation)?.status == .ok, "\(report.check(.accreditation)?.reason ?? "")")
        // Anchor from a different PKI: still not trusted.
        let demoCA = try JAdESPEM.certificates(contentsOf: SharedData.packageRoot.appendingPathComponent("samples/demo-seal/demo-ca.pem"))
        let other = try await verifyOne(Verifier(policy: VerificationPolicy(trustAnchors: demoCA)), bytes)
        #expect(other.check(.accreditation)?.status == .skipped)
        #expect(other.status == .partiallyVerified)
    }

    @Test("A seal whose organisation identifier is in the trusted-issuer list is accredited within its EQF scope")
    func trustedIssuerByOrganisationIdentifier() async throws {
        guard let bytes = try sharedBytes(officialSamples[0]) else { return }
        let trusted = TrustedIssuerList(entries: [.init(organizationIdentifier: "VATES-A00000000", name: "Organización Test")])
        let report = try await verifyOne(Verifier(policy: VerificationPolicy(trustedIssuers: trusted)), bytes)
        #expect(report.check(.accreditation)?.status == .ok)
        #expect(report.status == .verified, "\(report.checks.map { "\($0.name.rawValue) \($0.status.rawValue) \($0.reason)" })")
        let expired = TrustedIssuerList(entries: [.init(organizationIdentifier: "VATES-A00000000", name: "Organización Test",
                                                         validUntil: XSDDateTimeHelper.parse("2020-01-01T00:00:00Z"))])
        let late = try await verifyOne(Verifier(policy: VerificationPolicy(trustedIssuers: expired)), bytes)
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
        let verifier = Verifier(policy: VerificationPolicy(jsonLDFormatCheck: false))
        var tried = 0, failedAsExpected = 0
        for lexeme in stride(from: 0, to: leaves.count, by: step).map({ leaves[$0] }) {
            guard let range = payload.range(of: lexeme) ?? payload.range(of: lexeme.replacingOccurrences(of: ":", with: ": ")) else { continue }
            let mutated = payload.replacingCharacters(in: range, with: mutate(String(payload[range])))
            document["payload"] = .string(encoded ? base64URLEncode(Array(mutated.utf8)) : mutated)
            let report = try await verifyOne(verifier, JSONWriter.data(.object(document)))
            tried += 1
            if report.status == .failed && report.check(.seal)?.status == .error { failedAsExpected += 1 } else {
                Issue.record("\(path): changing \(lexeme.prefix(60)) was not detected")
            }
        }
        summary("tamper \(path.split(separator: "/").last!)", passed: failedAsExpected, failed: tried - failedAsExpected, skipped: 0)
        #expect(tried > 0 && tried == failedAsExpected)
    }
}

enum XSDDateTimeHelper {
    static func parse(_ s: String) -> XSDDateTime? { XSDDateTime(dateTimeStamp: s) }
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
