import CredentialJSON
import Foundation
import JAdES
import TestSupport
import Testing
import X509

// B-LT / B-LTA: revocation data (CRLs from `openssl ca -gencrl`, OCSP responses from `openssl ocsp`, back-dated with
// faketime), archive time-stamps, and the EU samples' sigTst/xVals/rVals/arcTst as oracles.

let day = 86_400.0

func base64Decode(_ text: String) -> [UInt8]? { Data(base64Encoded: text).map { Array($0) } }
func base64Encode(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }

/// A seal certificate, an OCSP responder, a TSA and two impostors under one openssl CA.
struct RevocationFixture {
    let pki: OpenSSLPKI
    let ca: Certificate
    let seal: Certificate
    let now = Date()

    /// Nil when openssl or faketime is missing.
    static func make() throws -> RevocationFixture? {
        guard let pki = try OpenSSLPKI.make() else { return nil }
        let now = Date()
        try pki.issue(
            "seal", subject: "/CN=Test Academy e-seal/O=Test Academy/organizationIdentifier=NTRBE-0123456789/C=BE", extensions: "seal_ext",
            from: now - 365 * day, until: now + 365 * day)
        try pki.issue("responder", subject: "/CN=Test OCSP responder", extensions: "ocsp_ext", from: now - 365 * day, until: now + 365 * day)
        try pki.issue("plain", subject: "/CN=Test plain signer", extensions: "plain_ext", from: now - 365 * day, until: now + 365 * day)
        try pki.issue("tsa", subject: "/CN=Test TSA unit", extensions: "tsa_ext", from: now - 365 * day, until: now + 365 * day)
        return RevocationFixture(
            pki: pki, ca: try Certificate(pemEncoded: try pki.text("ca.pem")), seal: try Certificate(pemEncoded: try pki.text("seal.pem")))
    }

    func certificate(_ name: String) throws -> Certificate { try Certificate(pemEncoded: try pki.text("\(name).pem")) }

    /// Issues `name`, an OCSP responder the CA did not mark id-pkix-ocsp-nocheck, valid from `from` to `until`.
    func uncheckedResponder(_ name: String, from: Date, until: Date) throws -> Certificate {
        try pki.issue(name, subject: "/CN=Test OCSP responder \(name) without nocheck", extensions: "ocsp_checked_ext", from: from, until: until)
        return try certificate(name)
    }

    func check(_ inputs: [RevocationInput], at time: Date, proven: Bool = true, candidates: [Certificate]? = nil) async -> SealRevocationCheck {
        await SealRevocationChecker().check(seal, candidates: candidates ?? [ca], inputs: inputs, at: time, proven: proven)
    }
}

func crl(_ bytes: [UInt8]) -> RevocationInput { RevocationInput(.crl, bytes: bytes, origin: .embedded) }
func ocsp(_ bytes: [UInt8]) -> RevocationInput { RevocationInput(.ocsp, bytes: bytes, origin: .embedded) }
/// The report line of a check's (first) OCSP response.
func ocspFinding(_ outcome: SealRevocationCheck) -> String { outcome.findings.first { $0.kind == .ocsp }?.text ?? "" }

@Suite("Seal certificate revocation (openssl ca -gencrl, openssl ocsp, faketime)")
struct SealRevocationTests {
    @Test("A certificate revoked before the judging time is revoked-before; after it, revoked-after (CRL)")
    func crlRevocationAroundTheProvenTime() async throws {
        guard let fixture = try RevocationFixture.make() else { return }
        try fixture.pki.revoke("seal", at: fixture.now - 30 * day)
        let list = try fixture.pki.crl(at: fixture.now - day)
        let before = await fixture.check([crl(list)], at: fixture.now - 10 * day)
        guard case .revokedBefore(let date, let reason, _) = before.status else {
            Issue.record("expected revokedBefore, got \(before.status)")
            return
        }
        #expect(abs(date.timeIntervalSince(fixture.now - 30 * day)) < 5)
        #expect(reason?.description == "keyCompromise")
        #expect(before.status.isFailure)
        let after = await fixture.check([crl(list)], at: fixture.now - 40 * day)
        guard case .revokedAfter = after.status else {
            Issue.record("expected revokedAfter, got \(after.status)")
            return
        }
        #expect(!after.status.isFailure)
    }

    @Test("OCSP: revoked before fails, after stands; good when current; by the CA itself or its delegated responder")
    func ocspRevocationAroundTheProvenTime() async throws {
        guard let fixture = try RevocationFixture.make() else { return }
        let good = try fixture.pki.ocspResponse(for: "seal", responder: "responder", at: fixture.now - 60)
        let goodNow = await fixture.check([ocsp(good)], at: fixture.now, proven: false)
        guard case .good = goodNow.status else {
            Issue.record("expected good, got \(goodNow.status): \(goodNow.findings)")
            return
        }
        let byCA = try fixture.pki.ocspResponse(for: "seal", responder: "ca", at: fixture.now - 60)
        guard case .good = await fixture.check([ocsp(byCA)], at: fixture.now, proven: false).status else {
            Issue.record("a response signed by the CA itself should count")
            return
        }
        try fixture.pki.revoke("seal", reason: "superseded", at: fixture.now - 5 * day)
        let revoked = try fixture.pki.ocspResponse(for: "seal", responder: "responder", at: fixture.now - 60)
        #expect(await fixture.check([ocsp(revoked)], at: fixture.now - 2 * day).status.isFailure)
        let after = await fixture.check([ocsp(revoked)], at: fixture.now - 9 * day)
        guard case .revokedAfter(_, let reason, _) = after.status else {
            Issue.record("expected revokedAfter, got \(after.status)")
            return
        }
        #expect(reason?.description == "superseded")
    }

    @Test("A CRL with the CA's name but signed by another CA's key is refused")
    func crlFromAnotherCARefused() async throws {
        guard let fixture = try RevocationFixture.make(), let impostor = try OpenSSLPKI.make(name: fixture.pki.caName) else { return }
        try impostor.issue("victim", subject: "/CN=victim", extensions: "plain_ext", from: fixture.now - day, until: fixture.now + day)
        let forged = try impostor.crl(at: fixture.now - 60)
        let outcome = await fixture.check([crl(forged)], at: fixture.now, proven: false)
        guard case .notChecked = outcome.status else {
            Issue.record("a forged CRL must not establish anything, got \(outcome.status)")
            return
        }
        #expect(outcome.findings.first?.text.contains("refused") == true)
        #expect(outcome.findings.first?.text.contains("does not verify") == true)
    }

    @Test("An OCSP response from a responder without id-kp-OCSPSigning, or from another CA's responder, is refused")
    func unauthorisedResponderRefused() async throws {
        guard let fixture = try RevocationFixture.make(), let other = try OpenSSLPKI.make(name: "Other CA") else { return }
        let plain = try fixture.pki.ocspResponse(for: "seal", responder: "plain", at: fixture.now - 60)
        let candidates = [fixture.ca, try fixture.certificate("plain")]
        let outcome = await fixture.check([ocsp(plain)], at: fixture.now, proven: false, candidates: candidates)
        guard case .notChecked = outcome.status else {
            Issue.record("expected notChecked, got \(outcome.status)")
            return
        }
        #expect(outcome.findings.first?.text.contains("OCSPSigning") == true)

        // Another CA's genuine OCSP responder answering about our certificate (its index says nothing, so the
        // response is for its own request): copy the seal certificate into the other CA's folder to ask about it.
        try other.issue("responder", subject: "/CN=Other responder", extensions: "ocsp_ext", from: fixture.now - day, until: fixture.now + day)
        try FileManager.default.copyItem(at: fixture.pki.url("seal.pem"), to: other.url("seal.pem"))
        try FileManager.default.removeItem(at: other.url("ca.pem"))
        try FileManager.default.copyItem(at: fixture.pki.url("ca.pem"), to: other.url("ca.pem"))
        let foreign = try other.ocspResponse(for: "seal", responder: "responder", at: fixture.now - 60)
        let refused = await fixture.check([ocsp(foreign)], at: fixture.now, proven: false)
        #expect(!refused.status.isFailure)
        guard case .notChecked = refused.status else {
            Issue.record("expected notChecked, got \(refused.status)")
            return
        }
        #expect(refused.findings.first?.text.contains("refused") == true)
    }

    @Test("A stale CRL is reported and does not count as 'not revoked'; a current one does")
    func staleCRLReported() async throws {
        guard let fixture = try RevocationFixture.make() else { return }
        let stale = try fixture.pki.crl(at: fixture.now - 10 * day, hours: 24)
        let outcome = await fixture.check([crl(stale)], at: fixture.now, proven: false)
        guard case .notChecked(let why) = outcome.status else {
            Issue.record("expected notChecked, got \(outcome.status)")
            return
        }
        #expect(why.contains("not current"))
        #expect(outcome.findings.first?.text.contains("stale") == true)
        let current = try fixture.pki.crl(at: fixture.now - 3600, hours: 24)
        guard case .good = await fixture.check([crl(current)], at: fixture.now, proven: false).status else {
            Issue.record("a current CRL should establish 'not revoked'")
            return
        }
        // A stale CRL that lists the certificate still proves the revocation.
        try fixture.pki.revoke("seal", at: fixture.now - 20 * day)
        let old = try fixture.pki.crl(at: fixture.now - 15 * day, hours: 24)
        #expect(await fixture.check([crl(old)], at: fixture.now, proven: false).status.isFailure)
    }

    @Test("Tampered or truncated revocation data is refused with a reason, never trusted")
    func tamperedRevocationDataRefused() async throws {
        guard let fixture = try RevocationFixture.make() else { return }
        var list = try fixture.pki.crl(at: fixture.now - 60)
        list[list.count - 3] ^= 0x01
        let outcome = await fixture.check([crl(list)], at: fixture.now, proven: false)
        #expect(outcome.findings.first?.text.contains("refused") == true)
        var response = try fixture.pki.ocspResponse(for: "seal", responder: "responder", at: fixture.now - 60)
        response = Array(response.prefix(response.count / 2))
        let truncated = await fixture.check([ocsp(response)], at: fixture.now, proven: false)
        #expect(truncated.findings.first?.text.contains("refused") == true)
        guard case .notChecked = truncated.status else {
            Issue.record("expected notChecked, got \(truncated.status)")
            return
        }
        #expect(await fixture.check([], at: fixture.now, proven: false).status == .notChecked("no revocation data (no rVals in the seal, none given)"))
    }
}

@Suite("B-LTA seals made here: xVals, rVals, arcTst")
struct ArchiveTimeStampTests {
    /// A B-LTA seal of a small payload: sigTst, xVals (the CA and TSA), rVals (a CRL and an OCSP response), arcTst.
    static func ltaSeal(_ fixture: RevocationFixture) throws -> JSONValue {
        let sealer = try JAdESSealer(privateKeyPEM: try fixture.pki.text("seal.key"), certificateChainPEM: try fixture.pki.text("seal.pem"))
        var sealed = try sealer.seal(payload: Array(#"{"type":["VerifiableCredential"],"name":"B-LTA test"}"#.utf8))
        let query = try JAdESTimeStamps.request(forSealed: sealed)
        sealed = try JAdESTimeStamps.addSignatureTimeStamp(
            try fixture.pki.timeStampReply(query: query.der, tsa: "tsa"), to: sealed, expectedNonce: query.nonce)
        sealed = try JAdESLongTermData.add(
            to: sealed, certificates: [fixture.ca, try fixture.certificate("tsa")],
            revocationData: [
                crl(try fixture.pki.crl(at: fixture.now - 60)),
                ocsp(try fixture.pki.ocspResponse(for: "seal", responder: "responder", at: fixture.now - 60)),
            ])
        let archive = try JAdESArchiveTimeStamps.request(forSealed: sealed)
        return try JAdESArchiveTimeStamps.addArchiveTimeStamp(
            try fixture.pki.timeStampReply(query: archive.der, tsa: "tsa"), to: sealed, expectedNonce: archive.nonce)
    }

    static func check(_ sealed: JSONValue) throws -> [JAdESArchiveTimeStampCheck] {
        let document = try JWSJSONDocument(sealed)
        let entry = document.signatures[0]
        return JAdESArchiveTimeStamps.check(
            payloadMember: document.payloadMember, entry: entry, properties: JAdESUnsignedProperties(unprotectedHeader: entry.unprotectedHeader))
    }

    /// The sealed document with its `etsiU` item `index` (base64url JSON) rewritten by `change`.
    static func changingItem(_ sealed: JSONValue, at index: Int, _ change: (inout JSONValue) -> Void) throws -> JSONValue {
        guard case .object(var root) = sealed, case .array(var signatures)? = root["signatures"], case .object(var entry)? = signatures.first,
            case .object(var header)? = entry["header"], case .array(var etsiU)? = header["etsiU"],
            let text = etsiU[index].stringValue, let bytes = base64URLDecode(text)
        else { throw JAdESError(.malformedDocument, "unexpected shape") }
        var item = try JSONParser.parse(bytes)
        change(&item)
        etsiU[index] = .string(base64URLEncode(JSONWriter.data(item)))
        header["etsiU"] = .array(etsiU)
        entry["header"] = .object(header)
        signatures[0] = .object(entry)
        root["signatures"] = .array(signatures)
        return .object(root)
    }

    @Test("skillcred's B-LTA seal: the signature still verifies and the arcTst covers sigTst, xVals and rVals")
    func ownLTASealVerifies() async throws {
        guard let fixture = try RevocationFixture.make() else { return }
        let sealed = try Self.ltaSeal(fixture)
        #expect(JAdESVerifier().verify(JSONWriter.data(sealed)).isValid)
        let checks = try Self.check(sealed)
        #expect(checks.count == 1)
        #expect(checks.first?.problem == nil)
        #expect(checks.first?.covered == ["sigTst", "xVals", "rVals"])
        let document = try JWSJSONDocument(sealed)
        let properties = JAdESUnsignedProperties(unprotectedHeader: document.signatures[0].unprotectedHeader)
        #expect(properties.encoding == .base64url)
        #expect(JAdESValidationValues.certificates(in: properties).certificates.count == 2)
        let embedded = RevocationInput.embedded(in: document.signatures[0].unprotectedHeader)
        #expect(embedded.map(\.kind) == [.crl, .ocsp])
        guard case .good = await fixture.check(embedded, at: fixture.now, proven: false).status else {
            Issue.record("the embedded revocation data should establish 'not revoked'")
            return
        }
    }

    @Test("Changing rVals or xVals after the archive time-stamp breaks its imprint; a spoiled token is refused")
    func tamperedArchiveTimeStampRefused() async throws {
        guard let fixture = try RevocationFixture.make() else { return }
        let sealed = try Self.ltaSeal(fixture)
        let stripped = try Self.changingItem(sealed, at: 2) { item in
            // Drop the OCSP response from rVals, keeping the CRL.
            if case .object(var o) = item, case .object(var values)? = o["rVals"] {
                values["ocspVals"] = nil
                o["rVals"] = .object(values)
                item = .object(o)
            }
        }
        #expect(try Self.check(stripped).first?.problem?.contains("was changed") == true)
        let extraCertificate = try Self.changingItem(sealed, at: 1) { item in
            if case .object(var o) = item, case .array(var values)? = o["xVals"] {
                values.append(values[0])
                o["xVals"] = .array(values)
                item = .object(o)
            }
        }
        #expect(try Self.check(extraCertificate).first?.problem != nil)
        let spoiled = try Self.changingItem(sealed, at: 3) { item in
            guard let text = item["arcTst"]?["tstTokens"]?.arrayValue?.first?["val"]?.stringValue, var der = base64Decode(text) else { return }
            der[der.count / 3] ^= 0x40
            item = ["arcTst": ["tstTokens": [["val": .string(base64Encode(der))]]]]
        }
        #expect(try Self.check(spoiled).first?.problem != nil)
    }

    @Test("Adding an archive time-stamp answered for another document is refused")
    func archiveReplyForAnotherSealRefused() throws {
        guard let fixture = try RevocationFixture.make() else { return }
        let sealed = try Self.ltaSeal(fixture)
        let other = try JAdESLongTermData.add(to: sealed, certificates: [fixture.seal], revocationData: [])
        let query = try JAdESArchiveTimeStamps.request(forSealed: sealed)
        let reply = try fixture.pki.timeStampReply(query: query.der, tsa: "tsa")
        #expect(throws: JAdESError.self) { try JAdESArchiveTimeStamps.addArchiveTimeStamp(reply, to: other, expectedNonce: query.nonce) }
        #expect(throws: JAdESError.self) { try JAdESArchiveTimeStamps.addArchiveTimeStamp(reply, to: sealed, expectedNonce: [1, 2, 3]) }
    }
}

@Suite("EU samples: sigTst, xVals, rVals, arcTst made by DSS", .needsSharedData)
struct EUSampleLongTermTests {
    static let samples = [
        "edc-samples/ec-elm/v3.1-master/Sample-CertOfPart-signed.jsonld",
        "edc-samples/ec-elm/v3.1-master/Sample-MC-Annex1-signed.jsonld",
        "edc-samples/mynextid/edc-dc-signed.jsonld",
        "edc-samples/mynextid/edc-mc-signed.jsonld",
        "edc-samples/ec-edci-code/json_to_seal-signed-jades-baseline-lta.json",
        "edc-samples/ec-edci-code/credential-signed.jsonld",
    ]

    static func load(_ path: String) throws -> (JWSJSONDocument, JAdESSignatureVerification)? {
        guard let url = SharedData.shared(path) else { return nil }
        let bytes = Array(try Data(contentsOf: url))
        let document = try JWSJSONDocument(parsing: bytes)
        let result = JAdESVerifier().verify(document)
        #expect(result.isValid)
        guard let signature = result.signatures.first else { return nil }
        return (document, signature)
    }

    @Test("Each sample's arcTst imprint is what skillcred computes over payload, header, signature, sigTst, xVals, rVals", arguments: samples)
    func archiveTimeStampCovers(path: String) throws {
        guard let (document, _) = try Self.load(path) else { return }
        let entry = document.signatures[0]
        let checks = JAdESArchiveTimeStamps.check(
            payloadMember: document.payloadMember, entry: entry, properties: JAdESUnsignedProperties(unprotectedHeader: entry.unprotectedHeader))
        #expect(checks.count == 1)
        #expect(checks.first?.problem == nil, "\(checks.first?.problem ?? "")")
        #expect(checks.first?.covered == ["sigTst", "xVals", "rVals"])
    }

    @Test("The verifier's once-read etsiU gives each reader what reading the header again gives", arguments: samples)
    func unsignedPropertiesReadOnce(path: String) throws {
        guard let (document, signature) = try Self.load(path) else { return }
        let header = document.signatures[0].unprotectedHeader
        let again = JAdESUnsignedProperties(unprotectedHeader: header)
        let once = signature.unsignedProperties
        #expect(once.components.map(\.name) == ["sigTst", "xVals", "rVals", "arcTst"])
        #expect(once.components.map(\.name) == again.components.map(\.name))
        #expect(once.components.map(\.encodedText) == again.components.map(\.encodedText))
        #expect(once.objects == again.objects)
        #expect(once.encoding == again.encoding && once.unreadable == again.unreadable && once.notRead == again.notRead)
        let tokens = JAdESTimeStamps.signatureTimeStampTokens(in: once)
        #expect(tokens.count == 1)
        #expect(tokens == JAdESTimeStamps.signatureTimeStampTokens(in: header))
        #expect(RevocationInput.embedded(in: once).map(\.bytes) == RevocationInput.embedded(in: header).map(\.bytes))
        #expect(!RevocationInput.embedded(in: once).isEmpty)
        #expect(signature.unsignedCertificates == JAdESValidationValues.certificates(in: once).certificates)
    }

    @Test("Each sample's embedded CRL/OCSP verifies against the issuing CA from xVals and says 'good' at the claimed time", arguments: samples)
    func revocationDataVerifies(path: String) async throws {
        guard let (document, signature) = try Self.load(path), let leaf = signature.signingCertificate, let sigT = signature.signingTime else { return }
        let header = document.signatures[0].unprotectedHeader
        let values = JAdESValidationValues.certificates(in: JAdESUnsignedProperties(unprotectedHeader: header))
        #expect(values.unreadable == 0)
        let inputs = RevocationInput.embedded(in: header)
        #expect(!inputs.isEmpty)
        let checker = SealRevocationChecker()
        let atSigning = await checker.check(leaf, candidates: signature.certificateChain + values.certificates, inputs: inputs, at: sigT, proven: true)
        guard case .good = atSigning.status else {
            Issue.record("\(path): expected good at sigT, got \(atSigning.status); \(atSigning.findings.map(\.text))")
            return
        }
        #expect(atSigning.findings.allSatisfy { !$0.text.contains("refused") }, "\(atSigning.findings.map(\.text))")
        // Judged now, without a trusted time-stamp, the same data is stale: reported, not a failure.
        let now = await checker.check(leaf, candidates: signature.certificateChain + values.certificates, inputs: inputs, at: Date(), proven: false)
        guard case .notChecked(let why) = now.status else {
            Issue.record("\(path): expected notChecked now, got \(now.status)")
            return
        }
        #expect(why.contains("not current"))
    }

    @Test("A flipped byte in the sample's CRL is refused and breaks its arcTst")
    func tamperedSampleCRL() async throws {
        guard let (document, signature) = try Self.load("edc-samples/mynextid/edc-dc-signed.jsonld"), let leaf = signature.signingCertificate,
            let sigT = signature.signingTime
        else { return }
        let sealed = try JSONParser.parse(Array(try Data(contentsOf: SharedData.shared("edc-samples/mynextid/edc-dc-signed.jsonld")!)))
        let index = JAdESUnsignedProperties(unprotectedHeader: document.signatures[0].unprotectedHeader).components.firstIndex { $0.name == "rVals" }!
        let tampered = try ArchiveTimeStampTests.changingItem(sealed, at: index) { item in
            guard let text = item["rVals"]?["crlVals"]?.arrayValue?.first?["val"]?.stringValue, var der = base64Decode(text) else { return }
            der[der.count - 2] ^= 0x01
            item = ["rVals": ["crlVals": [["val": .string(base64Encode(der))]]]]
        }
        #expect(try ArchiveTimeStampTests.check(tampered).first?.problem != nil)
        let header = try JWSJSONDocument(tampered).signatures[0].unprotectedHeader
        let values = JAdESValidationValues.certificates(in: JAdESUnsignedProperties(unprotectedHeader: header)).certificates
        let outcome = await SealRevocationChecker().check(
            leaf, candidates: values, inputs: RevocationInput.embedded(in: header), at: sigT, proven: true)
        guard case .notChecked = outcome.status else {
            Issue.record("a tampered CRL must establish nothing, got \(outcome.status)")
            return
        }
        #expect(outcome.findings.first?.text.contains("does not verify") == true)
    }
}

/// Revocation data a hostile party controls: anyone can add CRLs and OCSP responses to a seal's unsigned `rVals`, so
/// only data the seal certificate's CA (or its authorised responder) signed may decide, and only for what it says.
@Suite("Seal certificate revocation: forged, misleading and oversized data")
struct RevocationForgeryTests {
    @Test("An OCSP response of the same CA about another certificate's serial says nothing about the seal certificate")
    func ocspAboutAnotherSerial() async throws {
        guard let fixture = try RevocationFixture.make() else { return }
        try fixture.pki.issue("other", subject: "/CN=Other e-seal", extensions: "seal_ext", from: fixture.now - day, until: fixture.now + day)
        try fixture.pki.revoke("other", at: fixture.now - 10 * day)
        let response = try fixture.pki.ocspResponse(for: "other", responder: "responder", at: fixture.now - 60)
        let outcome = await fixture.check([ocsp(response)], at: fixture.now, proven: false)
        #expect(outcome.status == .notChecked("none of the revocation data is about the seal certificate"), "\(outcome.status)")
        #expect(outcome.findings.first?.text.contains("about other certificates") == true)
    }

    @Test("'Not revoked' dated in the future (OCSP thisUpdate/producedAt, CRL thisUpdate) is not believed")
    func futureDatedGoodRefused() async throws {
        guard let fixture = try RevocationFixture.make() else { return }
        let future = fixture.now + 10 * day
        let response = try fixture.pki.ocspResponse(for: "seal", responder: "responder", at: future)
        let list = try fixture.pki.crl(at: future)
        for input in [ocsp(response), crl(list)] {
            let outcome = await SealRevocationChecker(now: fixture.now).check(
                fixture.seal, candidates: [fixture.ca], inputs: [input], at: fixture.now, proven: false)
            guard case .notChecked = outcome.status else {
                Issue.record("\(input.kind) from the future must not establish 'not revoked', got \(outcome.status)")
                continue
            }
            #expect(outcome.findings.first?.text.contains("in the future") == true, "\(outcome.findings.map(\.text))")
        }
        // A revocation stays a revocation, whenever the CA says it.
        try fixture.pki.revoke("seal", at: fixture.now - 2 * day)
        let revoked = try fixture.pki.crl(at: future)
        #expect(
            await SealRevocationChecker(now: fixture.now).check(fixture.seal, candidates: [fixture.ca], inputs: [crl(revoked)], at: fixture.now, proven: false)
                .status.isFailure)
    }

    @Test("An OCSP response signed by a responder whose certificate had expired when it was produced is refused")
    func expiredResponderRefused() async throws {
        guard let fixture = try RevocationFixture.make() else { return }
        try fixture.pki.issue(
            "old-responder", subject: "/CN=Expired OCSP responder", extensions: "ocsp_ext", from: fixture.now - 100 * day, until: fixture.now - 50 * day)
        let response = try fixture.pki.ocspResponse(for: "seal", responder: "old-responder", at: fixture.now - 60)
        let outcome = await fixture.check([ocsp(response)], at: fixture.now, proven: false, candidates: [fixture.ca, try fixture.certificate("old-responder")])
        guard case .notChecked = outcome.status else {
            Issue.record("expected notChecked, got \(outcome.status)")
            return
        }
        #expect(outcome.findings.first?.text.contains("not authorised") == true, "\(outcome.findings.map(\.text))")
    }

    @Test("An OCSP response by a responder the CA's own CRL lists as revoked before it was produced is refused")
    func revokedResponderRefused() async throws {
        guard let fixture = try RevocationFixture.make() else { return }
        try fixture.pki.revoke("responder", at: fixture.now - 5 * day)
        let list = try fixture.pki.crl(at: fixture.now - 3 * day, hours: 24)  // stale now: only its listing of the responder counts
        let response = try fixture.pki.ocspResponse(for: "seal", responder: "responder", at: fixture.now - 60)
        let outcome = await fixture.check(
            [ocsp(response), crl(list)], at: fixture.now, proven: false, candidates: [fixture.ca, try fixture.certificate("responder")])
        guard case .notChecked = outcome.status else {
            Issue.record("a revoked responder's 'good' must not count, got \(outcome.status)")
            return
        }
        #expect(outcome.findings.first?.text.contains("revoked") == true, "\(outcome.findings.map(\.text))")
    }

    @Test("A delegated responder not marked id-pkix-ocsp-nocheck counts only beside a current CRL of the CA that does not list it")
    func responderWithoutNoCheckNeedsTheCAsCRL() async throws {
        guard let fixture = try RevocationFixture.make() else { return }
        let responder = try fixture.uncheckedResponder("checked-responder", from: fixture.now - 365 * day, until: fixture.now + 365 * day)
        #expect(!SealRevocationChecker.isMarkedNoCheck(responder))
        #expect(SealRevocationChecker.isMarkedNoCheck(try fixture.certificate("responder")))
        let response = try fixture.pki.ocspResponse(for: "seal", responder: "checked-responder", at: fixture.now - 60)
        let candidates = [fixture.ca, responder]

        // Alone, its "good" is not believed: its own certificate could have been revoked.
        let alone = await fixture.check([ocsp(response)], at: fixture.now, proven: false, candidates: candidates)
        guard case .notChecked = alone.status else {
            Issue.record("an unchecked responder's 'good' must not count, got \(alone.status)")
            return
        }
        #expect(ocspFinding(alone).contains("id-pkix-ocsp-nocheck"), "\(alone.findings.map(\.text))")

        // A CRL of the CA that had expired before the response was produced does not vouch for the responder.
        let stale = try fixture.pki.crl(at: fixture.now - 3 * day, hours: 24)
        let withStale = await fixture.check([ocsp(response), crl(stale)], at: fixture.now, proven: false, candidates: candidates)
        #expect(ocspFinding(withStale).contains("id-pkix-ocsp-nocheck"), "\(withStale.findings.map(\.text))")
        guard case .notChecked = withStale.status else {
            Issue.record("expected notChecked with a stale CRL, got \(withStale.status)")
            return
        }

        // A CRL that was current when an answer was produced but is not now does not vouch either: a leaked key can
        // backdate producedAt into any old CRL's window.
        let tenDaysAgo = fixture.now - 10 * day
        let old = try fixture.pki.ocspResponse(for: "seal", responder: "checked-responder", at: tenDaysAgo, days: 30)
        let thenCurrent = try fixture.pki.crl(at: tenDaysAgo + 3600)
        let withThen = await fixture.check([ocsp(old), crl(thenCurrent)], at: tenDaysAgo + 7200, proven: true, candidates: candidates)
        #expect(ocspFinding(withThen).contains("id-pkix-ocsp-nocheck"), "\(withThen.findings.map(\.text))")

        // A current CRL of the CA that does not list the responder: its answer is used.
        let current = try fixture.pki.crl(at: fixture.now - 30 * 60)
        let withCurrent = await fixture.check([ocsp(response), crl(current)], at: fixture.now, proven: false, candidates: candidates)
        #expect(ocspFinding(withCurrent).contains("signature verified; good"), "\(withCurrent.findings.map(\.text))")
        guard case .good = withCurrent.status else {
            Issue.record("expected good, got \(withCurrent.status)")
            return
        }

        // The same responder marked id-pkix-ocsp-nocheck needs no CRL.
        let marked = try fixture.pki.ocspResponse(for: "seal", responder: "responder", at: fixture.now - 60)
        let trusted = await fixture.check([ocsp(marked)], at: fixture.now, proven: false, candidates: [fixture.ca, try fixture.certificate("responder")])
        guard case .good = trusted.status else {
            Issue.record("a nocheck responder's current 'good' should count, got \(trusted.status)")
            return
        }
    }

    @Test("A CRL issued after an unchecked responder's certificate expired does not vouch for its 'good'; its 'revoked' is taken")
    func uncheckedResponderRevokedAndLateCRL() async throws {
        guard let fixture = try RevocationFixture.make() else { return }
        // A responder valid from 100 to 50 days ago, not marked nocheck, answering 60 days ago.
        let candidates = [fixture.ca, try fixture.uncheckedResponder("past-responder", from: fixture.now - 100 * day, until: fixture.now - 50 * day)]
        let produced = fixture.now - 60 * day
        let good = try fixture.pki.ocspResponse(for: "seal", responder: "past-responder", at: produced)
        // A CRL from today lists neither: CAs drop expired certificates, so its silence says nothing of the responder.
        let late = try fixture.pki.crl(at: fixture.now - 60)
        let withLate = await fixture.check([ocsp(good), crl(late)], at: produced + 3600, proven: true, candidates: candidates)
        #expect(ocspFinding(withLate).contains("id-pkix-ocsp-nocheck"), "\(withLate.findings.map(\.text))")
        // One issued while the responder's certificate was valid, current at the answer, vouches for it.
        let inTime = try fixture.pki.crl(at: produced + 3600, hours: 24 * 30)
        let withInTime = await fixture.check([ocsp(good), crl(inTime)], at: produced + 3600, proven: true, candidates: candidates)
        #expect(ocspFinding(withInTime).contains("signature verified; good"), "\(withInTime.findings.map(\.text))")

        // Its "revoked" needs no CRL (none at hand lists the responder): taking it errs on the safe side.
        let checked = try fixture.uncheckedResponder("checked-responder", from: fixture.now - 365 * day, until: fixture.now + 365 * day)
        try fixture.pki.revoke("seal", reason: "superseded", at: fixture.now - 5 * day)
        let revoked = try fixture.pki.ocspResponse(for: "seal", responder: "checked-responder", at: fixture.now - 60)
        let outcome = await fixture.check([ocsp(revoked)], at: fixture.now, proven: false, candidates: [fixture.ca, checked])
        guard case .revokedBefore = outcome.status else {
            Issue.record("expected revokedBefore, got \(outcome.status): \(outcome.findings.map(\.text))")
            return
        }
    }

    @Test("A responder revoked for key compromise, or for no stated reason, is refused even for answers dated before its revocation")
    func compromisedResponderRefusedWhateverItsDates() async throws {
        // An answer from three days ago by the (nocheck) responder, which the CA revoked yesterday for `reason`, checked
        // as of two days ago beside the CA's CRL that says so.
        func answerOfResponderRevoked(for reason: String) async throws -> SealRevocationCheck? {
            guard let fixture = try RevocationFixture.make() else { return nil }
            let response = try fixture.pki.ocspResponse(for: "seal", responder: "responder", at: fixture.now - 3 * day, days: 7)
            try fixture.pki.revoke("responder", reason: reason, at: fixture.now - day)
            let list = try fixture.pki.crl(at: fixture.now - 3600)
            return await fixture.check(
                [ocsp(response), crl(list)], at: fixture.now - 2 * day, proven: true, candidates: [fixture.ca, try fixture.certificate("responder")])
        }
        // For key compromise: whoever holds the key could have written any producedAt.
        guard let outcome = try await answerOfResponderRevoked(for: "keyCompromise") else { return }
        #expect(ocspFinding(outcome).contains("any producedAt could be forged"), "\(outcome.findings.map(\.text))")
        // Likewise with no reason given.
        let refused = try #require(try await answerOfResponderRevoked(for: "unspecified"))
        #expect(ocspFinding(refused).contains("any producedAt could be forged"), "\(refused.findings.map(\.text))")
        // Revoked for another reason after it answered: its answer stands.
        let kept = try #require(try await answerOfResponderRevoked(for: "superseded"))
        #expect(ocspFinding(kept).contains("signature verified; good"), "\(kept.findings.map(\.text))")
    }

    @Test("A stale CRL is neither a failure nor 'good'")
    func staleCRLIsNeither() async throws {
        guard let fixture = try RevocationFixture.make() else { return }
        let stale = try fixture.pki.crl(at: fixture.now - 30 * day, hours: 24)
        let outcome = await fixture.check([crl(stale)], at: fixture.now - 10 * day, proven: true)
        #expect(!outcome.status.isFailure)
        guard case .notChecked = outcome.status else {
            Issue.record("expected notChecked, got \(outcome.status)")
            return
        }
    }

    @Test("A key compromised (invalidityDate) before the proven time fails the seal even when revoked after it")
    func invalidityDateBeforeTheProvenTime() async throws {
        guard let fixture = try RevocationFixture.make() else { return }
        try fixture.pki.revoke("seal", at: fixture.now - 5 * day, compromisedAt: fixture.now - 30 * day)
        let list = try fixture.pki.crl(at: fixture.now - day)
        let parsed = try CertificateRevocationList(derEncoded: list)
        let entry = try #require(parsed.entry(for: fixture.seal.serialNumber))
        #expect(entry.invalidityDate.map { abs($0.timeIntervalSince(fixture.now - 30 * day)) < 5 } == true)
        let outcome = await fixture.check([crl(list)], at: fixture.now - 20 * day, proven: true)
        guard case .revokedBefore(let date, _, _) = outcome.status else {
            Issue.record("a seal made after its key was compromised must fail, got \(outcome.status)")
            return
        }
        #expect(abs(date.timeIntervalSince(fixture.now - 30 * day)) < 5)
        #expect(outcome.findings.first?.text.contains("compromised") == true, "\(outcome.findings.map(\.text))")
        // Made before the compromise, it stands.
        guard case .revokedAfter = await fixture.check([crl(list)], at: fixture.now - 40 * day, proven: true).status else {
            Issue.record("a seal proven made before the compromise stands")
            return
        }
    }

    @Test("A hold (certificateHold) counts only while the CRL listing it is current: an old one proves nothing later")
    func heldCertificate() async throws {
        guard let fixture = try RevocationFixture.make() else { return }
        try fixture.pki.revoke("seal", at: fixture.now - 30 * day, hold: true)
        let old = try fixture.pki.crl(at: fixture.now - 29 * day, hours: 24)
        let later = await fixture.check([crl(old)], at: fixture.now - 10 * day, proven: true)
        #expect(!later.status.isFailure, "\(later.status)")
        #expect(later.findings.first?.text.contains("hold") == true, "\(later.findings.map(\.text))")
        // While the CRL is current, the hold is in force: the seal fails.
        #expect(await fixture.check([crl(old)], at: fixture.now - 28.5 * day, proven: true).status.isFailure)
        // A CRL issued after the judged time that still lists the hold shows it held throughout.
        let current = try fixture.pki.crl(at: fixture.now - 60)
        #expect(await fixture.check([crl(current)], at: fixture.now - 10 * day, proven: true).status.isFailure)
    }

    // MARK: - Limits

    @Test("A CRL over 16 MiB is refused before it is parsed")
    func oversizedCRLRefused() {
        #expect {
            _ = try CertificateRevocationList(derEncoded: [UInt8](repeating: 0x30, count: CertificateRevocationList.maximumSize + 1))
        } throws: { error in
            (error as? JAdESError)?.message.contains("over the 16 MiB limit") == true
        }
    }

    /// An unprotected header whose `etsiU` holds `items` (clear JSON).
    func header(_ items: [JSONValue]) -> JSONObject {
        var object = JSONObject()
        object["etsiU"] = .array(items)
        return object
    }

    @Test("rVals with 10,000 items: at most 32 of each kind are read, and the user's own data is never crowded out")
    func stuffedRVals() async throws {
        guard let fixture = try RevocationFixture.make() else { return }
        let piece: JSONValue = ["val": "MAA="]
        let junk = Array(repeating: piece, count: 10_000)
        let stuffed = header([["rVals": ["crlVals": .array(junk), "ocspVals": .array(junk)]]])
        #expect(RevocationInput.embedded(in: stuffed).count == 64)
        let many = header(Array(repeating: ["rVals": ["crlVals": .array(junk)]], count: 1_000))
        #expect(RevocationInput.embedded(in: many).count <= 64)
        // 64 junk pieces in the seal, then the user's own revoking CRL: the revocation is still found.
        try fixture.pki.revoke("seal", at: fixture.now - 5 * day)
        let supplied = RevocationInput(.crl, bytes: try fixture.pki.crl(at: fixture.now - 60), origin: .supplied("ca.crl"))
        let crowded = Array(repeating: crl([0x30, 0x00]), count: 200) + [supplied]
        let outcome = await fixture.check(crowded, at: fixture.now, proven: false)
        #expect(outcome.status.isFailure, "\(outcome.status)")
        #expect(outcome.findings.contains { $0.text.contains("136 further pieces of the seal's revocation data were not examined") })
    }

    @Test("xVals with 10,000 certificates: at most 32 are read")
    func stuffedXVals() throws {
        guard let fixture = try RevocationFixture.make() else { return }
        // A PEM body is the base64 of the DER.
        let base64 = try fixture.pki.text("ca.pem").split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        let value: JSONValue = ["x509Cert": ["val": .string(base64)]]
        let properties = JAdESUnsignedProperties(unprotectedHeader: header([["xVals": .array(Array(repeating: value, count: 10_000))]]))
        #expect(JAdESValidationValues.certificates(in: properties).certificates.count == 32)
    }

    @Test("A deeply nested etsiU item is unreadable, not a crash")
    func deeplyNestedItem() {
        let depth = 100_000
        let nested = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let item = JSONValue.string(base64URLEncode(Array(#"{"xVals":"#.utf8) + Array(nested.utf8) + [UInt8(ascii: "}")]))
        let properties = JAdESUnsignedProperties(unprotectedHeader: header([item]))
        #expect(properties.unreadable == 1)
        #expect(properties.components.isEmpty)
    }

    @Test("1,000 archive time-stamps: only the first 64 etsiU items are read, and the rest are counted, not ignored silently")
    func manyArchiveTimeStamps() {
        let item: JSONValue = ["arcTst": ["tstTokens": [["val": "MAA="]]]]
        let properties = JAdESUnsignedProperties(unprotectedHeader: header(Array(repeating: item, count: 1_000)))
        #expect(properties.components.count == JAdESUnsignedProperties.maximumItems)
        #expect(properties.notRead == 1_000 - JAdESUnsignedProperties.maximumItems)
    }
}
