import CredentialJSON
import CredentialVerification
import Foundation
import JAdES
import TestSupport
import Testing
import X509

// The Seal check with seal-certificate revocation and long-term validation data: openssl-made CRLs and time-stamps
// (back-dated with faketime) around the proven time, supplied CRLs, --require-revocation-data, and the EU samples.

private let day = 86_400.0

/// An openssl CA that issues a seal certificate and a TSA, both trusted by the policy it gives.
private struct RevocationWorld {
    let pki: OpenSSLPKI
    let ca: Certificate
    let sealer: JAdESSealer
    let now = Date()
    let payload = Array(
        #"{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"credentialSubject":{"id":"did:example:learner"}}"#.utf8)

    static func make() throws -> RevocationWorld? {
        guard let pki = try OpenSSLPKI.make(name: "Test Qualified CA for revocation") else { return nil }
        let now = Date()
        try pki.issue(
            "seal", subject: "/CN=Test Academy e-seal/O=Test Academy/organizationIdentifier=NTRBE-0123456789/C=BE", extensions: "seal_ext",
            from: now - 365 * day, until: now + 365 * day)
        try pki.issue("tsa", subject: "/CN=Test TSA unit", extensions: "tsa_ext", from: now - 365 * day, until: now + 365 * day)
        return RevocationWorld(
            pki: pki, ca: try Certificate(pemEncoded: try pki.text("ca.pem")),
            sealer: try JAdESSealer(privateKeyPEM: try pki.text("seal.key"), certificateChainPEM: try pki.text("seal.pem")))
    }

    var policy: VerificationPolicy { VerificationPolicy(trustAnchors: [ca], timeStampAnchors: [ca]) }

    /// A seal made at `signingTime`, time-stamped a minute later when `stamped`, with `crls` embedded as rVals.
    func seal(at signingTime: Date, stamped: Bool, crls: [[UInt8]] = []) throws -> [UInt8] {
        var sealed = try sealer.seal(payload: payload, signingTime: signingTime)
        if stamped {
            let signature = Array((sealed["signatures"]?.arrayValue?.first?["signature"]?.stringValue ?? "").utf8)
            let token = try pki.timeStampToken(over: signature, tsa: "tsa", at: signingTime + 60)
            sealed = try JAdESTimeStamps.addSignatureTimeStamp(token, to: sealed)
        }
        if !crls.isEmpty {
            sealed = try JAdESLongTermData.add(
                to: sealed, certificates: [ca], revocationData: crls.map { RevocationInput(.crl, bytes: $0, origin: .embedded) })
        }
        return JSONWriter.data(sealed)
    }

    func sealCheck(_ bytes: [UInt8], policy: VerificationPolicy? = nil) async -> CheckResult? {
        await CredentialVerifier(policy: policy ?? self.policy).verify(bytes: bytes, source: "test").first?.check(.seal)
    }
}

@Suite("Seal check: seal certificate revocation around the proven time")
struct SealRevocationVerificationTests {
    @Test("Revoked after the seal's trusted time-stamp: the seal is not Failed, and the report says so")
    func revokedAfterTheTimeStampStands() async throws {
        guard let world = try RevocationWorld.make() else { return }
        try world.pki.revoke("seal", at: world.now - 10 * day)
        let sealed = try world.seal(at: world.now - 20 * day, stamped: true, crls: [try world.pki.crl(at: world.now - day)])
        let seal = await world.sealCheck(sealed)
        #expect(seal?.status == .ok, "\(seal?.reason ?? "")")
        #expect(seal?.details.contains { $0.contains("after the seal was proven made") } == true, "\(seal?.details ?? [])")
        #expect(seal?.details.contains { $0.hasPrefix("sigTst: time-stamp at") && $0.contains("the TSA is trusted") } == true)
    }

    @Test("Revoked before the seal's trusted time-stamp: Failed, with the date and reason")
    func revokedBeforeTheTimeStampFails() async throws {
        guard let world = try RevocationWorld.make() else { return }
        try world.pki.revoke("seal", reason: "keyCompromise", at: world.now - 30 * day)
        let sealed = try world.seal(at: world.now - 20 * day, stamped: true, crls: [try world.pki.crl(at: world.now - day)])
        let seal = await world.sealCheck(sealed)
        #expect(seal?.status == .error)
        #expect(seal?.reason.contains("revoked on") == true && seal?.reason.contains("keyCompromise") == true, "\(seal?.reason ?? "")")
    }

    @Test("Without a trusted time-stamp the seal is judged now: any past revocation fails it")
    func revokedWithoutTimeStampFails() async throws {
        guard let world = try RevocationWorld.make() else { return }
        try world.pki.revoke("seal", at: world.now - 10 * day)
        let sealed = try world.seal(at: world.now - 20 * day, stamped: false, crls: [try world.pki.crl(at: world.now - day)])
        #expect(await world.sealCheck(sealed)?.status == .error)
        // The same seal time-stamped by a TSA the verifier does not trust proves nothing either.
        let stamped = try world.seal(at: world.now - 20 * day, stamped: true, crls: [try world.pki.crl(at: world.now - day)])
        var untrustedTSA = world.policy
        untrustedTSA.timeStampAnchors = []
        #expect(await world.sealCheck(stamped, policy: untrustedTSA)?.status == .error)
    }

    @Test("A supplied CRL counts like an embedded one; a forged one (another CA's key) is refused and changes nothing")
    func suppliedCRL() async throws {
        guard let world = try RevocationWorld.make(), let impostor = try OpenSSLPKI.make(name: "Test Qualified CA for revocation") else { return }
        let sealed = try world.seal(at: world.now - day, stamped: false)
        var policy = world.policy
        policy.sealRevocation.supplied = [RevocationInput(.crl, bytes: try world.pki.crl(at: world.now - 60), origin: .supplied("ca.crl"))]
        let good = await world.sealCheck(sealed, policy: policy)
        #expect(good?.status == .ok)
        #expect(good?.details.contains { $0.hasPrefix("Revocation: not revoked") } == true, "\(good?.details ?? [])")

        try world.pki.revoke("seal", at: world.now - 3600)
        policy.sealRevocation.supplied = [RevocationInput(.crl, bytes: try world.pki.crl(at: world.now - 60), origin: .supplied("ca.crl"))]
        #expect(await world.sealCheck(sealed, policy: policy)?.status == .error)

        policy.sealRevocation.supplied = [RevocationInput(.crl, bytes: try impostor.crl(at: world.now - 60), origin: .supplied("forged.crl"))]
        let forged = await world.sealCheck(sealed, policy: policy)
        #expect(forged?.status == .ok)
        #expect(forged?.details.contains { $0.contains("forged.crl") && $0.contains("refused") } == true, "\(forged?.details ?? [])")
    }

    @Test("Revocations of the seal certificate's serial injected into rVals by another CA, or under its CA's name with another key, fail nothing")
    func injectedForeignRevocationsFailNothing() async throws {
        guard let world = try RevocationWorld.make(), let other = try OpenSSLPKI.make(name: "Another Test CA"),
            let sameName = try OpenSSLPKI.make(name: "Test Qualified CA for revocation")
        else { return }
        var injected: [[UInt8]] = []
        for impostor in [other, sameName] {
            // The impostor's first certificate has the seal certificate's serial (both databases start at 0x1000).
            try impostor.issue("victim", subject: "/CN=Test Academy e-seal", extensions: "seal_ext", from: world.now - 40 * day, until: world.now + day)
            try impostor.revoke("victim", at: world.now - 30 * day)
            injected.append(try impostor.crl(at: world.now - 60))
        }
        let seal = await world.sealCheck(try world.seal(at: world.now - 20 * day, stamped: true, crls: injected))
        #expect(seal?.status == .ok, "\(seal?.reason ?? "")")
        #expect(seal?.details.contains { $0.hasPrefix("rVals: ") && $0.contains("refused") } == true, "\(seal?.details ?? [])")
        #expect(seal?.details.contains { $0.hasPrefix("Revocation: REVOKED") } == false)
        // The seal's own CA revoking it before the time-stamp, injected the same way, does fail it.
        try world.pki.revoke("seal", at: world.now - 30 * day)
        let revoked = await world.sealCheck(try world.seal(at: world.now - 20 * day, stamped: true, crls: injected + [try world.pki.crl(at: world.now - 60)]))
        #expect(revoked?.status == .error, "\(revoked?.reason ?? "")")
    }

    @Test("--require-revocation-data: no verified, current data fails the seal; without it, 'not checked' is reported")
    func requiredRevocationData() async throws {
        guard let world = try RevocationWorld.make() else { return }
        let sealed = try world.seal(at: world.now - day, stamped: false)
        let plain = await world.sealCheck(sealed)
        #expect(plain?.status == .ok)
        #expect(plain?.details.contains("Revocation: not checked — no revocation data (no rVals in the seal, none given)") == true)
        var policy = world.policy
        policy.sealRevocation.requireRevocationData = true
        let required = await world.sealCheck(sealed, policy: policy)
        #expect(required?.status == .error)
        #expect(required?.reason.contains("Revocation data is required") == true)
        let stale = try world.seal(at: world.now - day, stamped: false, crls: [try world.pki.crl(at: world.now - 10 * day)])
        #expect(await world.sealCheck(stale, policy: policy)?.status == .error)
    }
}

@Suite("Seal check: the EU samples' B-LTA elements are validated and reported", .needsSharedData)
struct EUSampleLongTermReportTests {
    @Test(
        "sigTst, xVals, rVals and arcTst are each reported; the test PKI is validated cryptographically but not trusted",
        arguments: [
            "edc-samples/ec-elm/v3.1-master/Sample-CertOfPart-signed.jsonld",
            "edc-samples/ec-elm/v3.1-master/Sample-MC-Annex1-signed.jsonld",
            "edc-samples/mynextid/edc-dc-signed.jsonld",
            "edc-samples/mynextid/edc-mc-signed.jsonld",
            "edc-samples/ec-edci-code/json_to_seal-signed-jades-baseline-lta.json",
            "edc-samples/ec-edci-code/credential-signed.jsonld",
        ])
    func elementsReported(path: String) async throws {
        guard let bytes = try sharedBytes(path) else { return }
        let seal = try await verifyOne(CredentialVerifier(), bytes).check(.seal)
        // credential-signed's payload names an issuer its test seal does not bind to (an older, separate finding).
        #expect(seal?.status == .ok || seal?.reason.contains("does not bind to the issuer") == true, "\(seal?.reason ?? "")")
        let details = seal?.details ?? []
        #expect(details.contains("Level: JAdES B-LTA"))
        #expect(details.contains { $0.hasPrefix("sigTst: time-stamp at") && $0.contains("validated cryptographically, but the TSA is not trusted") })
        #expect(details.contains { $0.hasPrefix("xVals: ") })
        #expect(details.contains { $0.hasPrefix("rVals: ") && $0.contains("signature verified") }, "\(details)")
        #expect(details.contains { $0.hasPrefix("arcTst: archive time-stamp at") && $0.contains("imprint verified") }, "\(details)")
        #expect(details.contains { $0.hasPrefix("Revocation: not checked") && $0.contains("not current") }, "\(details)")
        #expect(!details.contains { $0.contains("REFUSED") || $0.contains("refused") }, "\(details)")
    }
}
