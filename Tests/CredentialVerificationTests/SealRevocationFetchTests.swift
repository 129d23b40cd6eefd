import CredentialJSON
import CredentialVerification
import Foundation
import JAdES
import SecureFetch
import Synchronization
import TestSupport
import Testing
import X509

// --fetch-revocation: OCSP requests to a real `openssl ocsp` responder on loopback, a loopback server that lies
// (garbage, another serial, a replayed nonce, a stale answer, an oversized body, a redirect, a forged signer), the CRL
// fallback, and the revocation of intermediate CAs.

private let day = 86_400.0
/// The test suites run openssl synchronously, which can hold Swift's few cooperative threads for seconds on a loaded
/// 2-core machine; a long deadline keeps that from reading as a responder timeout. Refusals need no time anyway.
private let testFetchTimeout = Duration.seconds(120)

/// The production fetcher with loopback allowed: the test servers live on 127.0.0.1.
private struct LoopbackFetcher: HTTPFetching {
    func fetch(_ url: String, policy: FetchPolicy) async throws(FetchError) -> FetchedDocument {
        var policy = policy
        policy.allowLoopbackAndPrivate = true
        return try await SecureFetcher().fetch(url, policy: policy)
    }

    func post(_ url: String, body: [UInt8], contentType: String, policy: FetchPolicy) async throws(FetchError) -> FetchedDocument {
        var policy = policy
        policy.allowLoopbackAndPrivate = true
        return try await SecureFetcher().post(url, body: body, contentType: contentType, policy: policy)
    }
}

private let payload = Array(
    #"{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"credentialSubject":{"id":"did:example:learner"}}"#.utf8)

/// A seal made with `key`/`chain` PEM at `signingTime`, time-stamped a minute later by `tsa` of `tsaPKI` when given.
private func makeSeal(key: String, chain: String, at signingTime: Date, tsaPKI: OpenSSLPKI?) throws -> [UInt8] {
    let sealer = try JAdESSealer(privateKeyPEM: key, certificateChainPEM: chain)
    var sealed = try sealer.seal(payload: payload, signingTime: signingTime)
    if let tsaPKI {
        let signature = Array((sealed["signatures"]?.arrayValue?.first?["signature"]?.stringValue ?? "").utf8)
        sealed = try JAdESTimeStamps.addSignatureTimeStamp(try tsaPKI.timeStampToken(over: signature, tsa: "tsa", at: signingTime + 60), to: sealed)
    }
    return JSONWriter.data(sealed)
}

private func sealCheck(_ bytes: [UInt8], policy: VerificationPolicy) async -> CheckResult? {
    await CredentialVerifier(policy: policy).verify(bytes: bytes, source: "test").first?.check(.seal)
}

/// A CA whose seal certificate names an OCSP responder (and optionally a CRL distribution point) at given URLs.
private struct FetchWorld {
    let pki: OpenSSLPKI
    let ca: Certificate
    let now = Date()

    static func make(ocspURL: String?, crlURL: String? = nil) throws -> FetchWorld? {
        guard let pki = try OpenSSLPKI.make(name: "Test CA with an OCSP responder") else { return nil }
        let now = Date()
        try pki.issue(
            "seal", subject: "/CN=Test Academy e-seal/O=Test Academy/C=BE", extensions: "seal_ext", from: now - 365 * day, until: now + 365 * day,
            ocspURL: ocspURL, crlURL: crlURL)
        try pki.issue("ocsp", subject: "/CN=Test OCSP responder", extensions: "ocsp_ext", from: now - 365 * day, until: now + 365 * day)
        try pki.issue("tsa", subject: "/CN=Test TSA unit", extensions: "tsa_ext", from: now - 365 * day, until: now + 365 * day)
        return FetchWorld(pki: pki, ca: try Certificate(pemEncoded: try pki.text("ca.pem")))
    }

    func seal(at signingTime: Date, stamped: Bool) throws -> [UInt8] {
        try makeSeal(key: try pki.text("seal.key"), chain: try pki.text("seal.pem"), at: signingTime, tsaPKI: stamped ? pki : nil)
    }

    var policy: VerificationPolicy {
        var policy = VerificationPolicy(trustAnchors: [ca], timeStampAnchors: [ca])
        policy.sealRevocation.fetcher = LoopbackFetcher()
        policy.sealRevocation.fetchTimeout = testFetchTimeout
        return policy
    }
}

@Suite("--fetch-revocation: answers that lie are refused with their reason, never 'good'")
struct FetchedOCSPRefusalTests {
    enum Lie: String, CaseIterable, Sendable {
        case garbage, otherSerial, replayedNonce, staleWithoutNonce, oversized, tryLater, redirect, forgedSigner
    }

    /// The bytes the lying server answers with, and the words the refusal must contain.
    fileprivate static func answer(_ lie: Lie, world: FetchWorld) throws -> (response: [UInt8], reason: String) {
        let pki = world.pki
        func ok(_ body: [UInt8]) -> [UInt8] {
            LoopbackHTTPServer.response(status: "200 OK", headers: ["Content-Type: application/ocsp-response"], body: body)
        }
        switch lie {
        case .garbage:
            return (ok(Array("<html>not an OCSP response</html>".utf8)), "refused: OCSP response")
        case .otherSerial:
            try pki.issue("other", subject: "/CN=Another seal", extensions: "seal_ext", from: world.now - day, until: world.now + day)
            return (ok(try pki.ocspResponse(for: "other", responder: "ocsp", at: world.now)), "does not answer the CertID asked")
        case .replayedNonce:
            // A genuine, current answer about this very certificate, made for an earlier request with its own nonce.
            return (ok(try pki.ocspResponse(for: "seal", responder: "ocsp", at: world.now, nonce: true)), "its nonce is not the one sent")
        case .staleWithoutNonce:
            // Genuine and still within its validity (a day), but produced an hour ago and echoing no nonce: a replay.
            return (ok(try pki.ocspResponse(for: "seal", responder: "ocsp", at: world.now - 3600)), "echoes no nonce")
        case .oversized:
            return (ok(Array(repeating: 0x30, count: 100_000)), "the limit is 65536")
        case .tryLater:
            return (ok([0x30, 0x03, 0x0A, 0x01, 0x03]), "tryLater")
        case .redirect:
            return (LoopbackHTTPServer.response(status: "302 Found", headers: ["Location: http://127.0.0.1:9/"], body: []), "not followed")
        case .forgedSigner:
            // Right CertID, fresh, but signed by a responder an impostor CA of the same name issued.
            let impostor = try #require(try OpenSSLPKI.make(name: pki.caName))
            try impostor.issue("rogue", subject: "/CN=Test OCSP responder", extensions: "ocsp_ext", from: world.now - day, until: world.now + day)
            try Data(try impostor.bytes("rogue.pem")).write(to: pki.url("rogue.pem"))
            try Data(try impostor.bytes("rogue.key")).write(to: pki.url("rogue.key"))
            return (ok(try pki.ocspResponse(for: "seal", responder: "rogue", at: world.now)), "not authorised by the issuing CA")
        }
    }

    @Test("Each lie is refused, the status stays 'not checked', and --require-revocation-data fails the seal", arguments: Lie.allCases)
    func lieRefused(lie: Lie) async throws {
        let answers = Mutex<[UInt8]>([])
        let server = try LoopbackHTTPServer { _ in answers.withLock { $0 } }
        defer { server.stop() }
        guard let world = try FetchWorld.make(ocspURL: "http://127.0.0.1:\(server.port)/") else { return }
        let (response, reason) = try Self.answer(lie, world: world)
        answers.withLock { $0 = response }
        let sealed = try world.seal(at: world.now - day, stamped: false)
        let seal = await sealCheck(sealed, policy: world.policy)
        let details = seal?.details ?? []
        #expect(server.requests.count == 1, "\(lie): one request")
        #expect(seal?.status == .ok, "\(lie): \(seal?.reason ?? "")")
        #expect(details.contains { $0.contains("fetched from http://127.0.0.1:\(server.port)/") && $0.contains(reason) }, "\(lie): \(details)")
        #expect(details.contains { $0.hasPrefix("Revocation: not checked") }, "\(lie): \(details)")
        #expect(!details.contains { $0.hasPrefix("Revocation: not revoked") }, "\(lie): \(details)")
        var required = world.policy
        required.sealRevocation.requireRevocationData = true
        #expect(await sealCheck(sealed, policy: required)?.status == .error, "\(lie)")
    }

    @Test("A refused OCSP answer is not cached: the responder is asked again after the back-off, and its verified answer is kept")
    func refusedOCSPAnswerNotCached() async throws {
        let answers = Mutex<[UInt8]>([])
        let server = try LoopbackHTTPServer { _ in answers.withLock { $0 } }
        defer { server.stop() }
        guard let world = try FetchWorld.make(ocspURL: "http://127.0.0.1:\(server.port)/") else { return }
        // A forged answer valid for a day: cached, it would have kept the real one out until then.
        answers.withLock { $0 = (try? Self.answer(.forgedSigner, world: world).response) ?? [] }
        let sealed = try world.seal(at: world.now - day, stamped: false)
        var policy = world.policy
        policy.at = world.now
        _ = await sealCheck(sealed, policy: policy)
        #expect(server.requests.count == 1)
        // Within the back-off the responder is not asked again, and the report says so.
        policy.at = world.now + 30
        let waiting = await sealCheck(sealed, policy: policy)?.details ?? []
        #expect(server.requests.count == 1)
        #expect(waiting.contains { $0.contains("not asked again before") && $0.contains("not authorised") }, "\(waiting)")
        // After it, the responder (now answering truthfully) is asked again; its verified answer counts and is cached.
        let later = world.now + 2 * SealRevocationPolicy().refusedFetchBackoff
        let genuine = try world.pki.ocspResponse(for: "seal", responder: "ocsp", at: later)
        answers.withLock { $0 = LoopbackHTTPServer.response(status: "200 OK", headers: ["Content-Type: application/ocsp-response"], body: genuine) }
        policy.at = later
        let good = await sealCheck(sealed, policy: policy)?.details ?? []
        #expect(server.requests.count == 2)
        #expect(good.contains { $0.hasPrefix("Revocation: not revoked") }, "\(good)")
        _ = await sealCheck(sealed, policy: policy)
        #expect(server.requests.count == 2, "a verified answer is taken from the cache")
    }

    @Test("A fetched CRL its CA did not sign is not cached: the distribution point is asked again after the back-off")
    func refusedFetchedCRLNotCached() async throws {
        let documents = try LoopbackDocumentServer()
        defer { documents.stop() }
        guard let world = try FetchWorld.make(ocspURL: nil, crlURL: "\(documents.origin)/ca.crl"),
            let impostor = try OpenSSLPKI.make(name: world.pki.caName)
        else { return }
        func serve(_ body: [UInt8]) {
            documents.serve("/ca.crl", LoopbackDocumentServer.Response(headers: ["Content-Type: application/pkix-crl"], body: body))
        }
        serve(try impostor.crl(at: world.now - 60))
        let sealed = try world.seal(at: world.now - day, stamped: false)
        var policy = world.policy
        policy.at = world.now
        let forged = await sealCheck(sealed, policy: policy)?.details ?? []
        #expect(forged.contains { $0.contains("ca.crl") && $0.contains("does not verify") }, "\(forged)")
        policy.at = world.now + 30
        _ = await sealCheck(sealed, policy: policy)
        #expect(documents.requests.count == 1, "within the back-off: \(documents.requests)")
        serve(try world.pki.crl(at: world.now - 60))
        policy.at = world.now + 2 * SealRevocationPolicy().refusedFetchBackoff
        let good = await sealCheck(sealed, policy: policy)?.details ?? []
        #expect(documents.requests.count == 2)
        #expect(good.contains { $0.hasPrefix("Revocation: not revoked") && $0.contains("CRL from") }, "\(good)")
        _ = await sealCheck(sealed, policy: policy)
        #expect(documents.requests.count == 2, "a verified CRL is taken from the cache")
    }

    @Test("Without --fetch-revocation nothing is asked, however the certificate names its responder")
    func nothingFetchedWithoutOptIn() async throws {
        let server = try LoopbackHTTPServer { _ in LoopbackHTTPServer.response(status: "500 Internal Server Error", headers: [], body: []) }
        defer { server.stop() }
        guard let world = try FetchWorld.make(ocspURL: "http://127.0.0.1:\(server.port)/") else { return }
        var policy = world.policy
        policy.sealRevocation.fetcher = nil
        let seal = await sealCheck(try world.seal(at: world.now - day, stamped: false), policy: policy)
        #expect(seal?.status == .ok)
        #expect(server.requests.isEmpty)
    }

    @Test("The production fetcher refuses a responder on loopback (the URL is the certificate's, not the user's)")
    func loopbackResponderRefusedInProduction() async throws {
        let server = try LoopbackHTTPServer { _ in LoopbackHTTPServer.response(status: "500 Internal Server Error", headers: [], body: []) }
        defer { server.stop() }
        guard let world = try FetchWorld.make(ocspURL: "http://127.0.0.1:\(server.port)/") else { return }
        var policy = world.policy
        policy.sealRevocation.fetcher = SecureFetcher()
        let details = await sealCheck(try world.seal(at: world.now - day, stamped: false), policy: policy)?.details ?? []
        #expect(details.contains { $0.contains("refused") && $0.contains("loopback") }, "\(details)")
        #expect(server.requests.isEmpty)
    }
}

@Suite("--fetch-revocation against a real openssl ocsp responder on loopback")
struct FetchedOCSPResponderTests {
    @Test("Good when not revoked; revoked before the proven time fails; revoked after it stands; the responses come from the responder")
    func responderAnswers() async throws {
        let port = try OpenSSLPKI.freePort()
        guard let world = try FetchWorld.make(ocspURL: "http://127.0.0.1:\(port)/") else { return }
        let good = try world.seal(at: world.now - 20 * day, stamped: true)
        do {
            let responder = try world.pki.startOCSPResponder(responder: "ocsp", port: port)
            defer { responder.stop() }
            let seal = await sealCheck(good, policy: world.policy)
            #expect(seal?.status == .ok, "\(seal?.reason ?? "")")
            #expect(
                seal?.details.contains { $0.hasPrefix("Revocation: not revoked") && $0.contains("fetched from http://127.0.0.1:\(port)/") } == true,
                "\(seal?.details ?? [])")
        }
        // openssl reads its index when it starts: revoke, then ask a new responder (a new world: a new cache key).
        let port2 = try OpenSSLPKI.freePort()
        guard let revokedWorld = try FetchWorld.make(ocspURL: "http://127.0.0.1:\(port2)/") else { return }
        try revokedWorld.pki.revoke("seal", reason: "keyCompromise", at: revokedWorld.now - 10 * day)
        let responder = try revokedWorld.pki.startOCSPResponder(responder: "ocsp", port: port2)
        defer { responder.stop() }
        let stands = await sealCheck(try revokedWorld.seal(at: revokedWorld.now - 20 * day, stamped: true), policy: revokedWorld.policy)
        #expect(stands?.status == .ok, "\(stands?.reason ?? "")")
        #expect(stands?.details.contains { $0.contains("after the seal was proven made") } == true, "\(stands?.details ?? [])")
        let fails = await sealCheck(try revokedWorld.seal(at: revokedWorld.now - 20 * day, stamped: false), policy: revokedWorld.policy)
        #expect(fails?.status == .error)
        #expect(fails?.reason.contains("revoked on") == true && fails?.reason.contains("keyCompromise") == true, "\(fails?.reason ?? "")")
    }

    @Test("A SHA-256 CertID with a nonce: openssl reads the request as such, answers it, and the answer checks out", arguments: OCSPRequest.CertIDHash.allCases)
    func requestEncoding(hash: OCSPRequest.CertIDHash) async throws {
        let port = try OpenSSLPKI.freePort()
        guard let world = try FetchWorld.make(ocspURL: "http://127.0.0.1:\(port)/") else { return }
        let seal = try Certificate(pemEncoded: try world.pki.text("seal.pem"))
        let request = try OCSPRequest(for: seal, issuer: world.ca, hash: hash)
        // The independent reading: openssl's own request parser.
        try Data(request.derEncoded).write(to: world.pki.url("asked.req"))
        let text = try world.pki.openssl(["ocsp", "-reqin", "asked.req", "-req_text"])
        #expect(text.contains("Hash Algorithm: \(hash == .sha1 ? "sha1" : "sha256")"), "\(text)")
        #expect(text.contains("Serial Number: \(seal.serialNumber.bytes.map { String(format: "%02X", $0) }.joined())"), "\(text)")
        #expect(text.contains("OCSP Nonce"), "\(text)")

        let responder = try world.pki.startOCSPResponder(responder: "ocsp", port: port)
        defer { responder.stop() }
        let document = try await LoopbackFetcher().post(
            responder.url, body: request.derEncoded, contentType: "application/ocsp-request",
            policy: FetchPolicy(maxBytes: 65_536, deadline: testFetchTimeout, allowPlainHTTP: true))
        let response = try OCSPBasicResponse(derEncoded: document.bytes)
        #expect(request.problem(with: response, now: Date(), maximumAge: 300, clockSkew: 300) == nil)
        #expect(response.nonceExtensionValue == request.nonceExtensionValue)
        let check = await SealRevocationChecker().check(
            seal, candidates: [world.ca], inputs: [RevocationInput(.ocsp, bytes: document.bytes, origin: .fetched(responder.url))], at: Date(),
            proven: false)
        guard case .good = check.status else {
            Issue.record("expected good: \(check.status) \(check.findings)")
            return
        }
        // Another request's nonce is not this one's.
        let other = try OCSPRequest(for: seal, issuer: world.ca, hash: hash)
        #expect(other.problem(with: response, now: Date(), maximumAge: 300, clockSkew: 300)?.contains("nonce") == true)
    }

    @Test("OCSP is preferred (the CRL is not fetched when it answers); when the responder fails, the CRL is fetched and used")
    func ocspPreferredCRLFallback() async throws {
        let documents = try LoopbackDocumentServer()
        defer { documents.stop() }
        let port = try OpenSSLPKI.freePort()
        guard let world = try FetchWorld.make(ocspURL: "http://127.0.0.1:\(port)/", crlURL: "\(documents.origin)/ca.crl") else { return }
        documents.serve(
            "/ca.crl", LoopbackDocumentServer.Response(headers: ["Content-Type: application/pkix-crl"], body: try world.pki.crl(at: world.now - 60)))
        let sealed = try world.seal(at: world.now - day, stamped: false)
        do {
            let responder = try world.pki.startOCSPResponder(responder: "ocsp", port: port)
            defer { responder.stop() }
            let seal = await sealCheck(sealed, policy: world.policy)
            #expect(seal?.details.contains { $0.hasPrefix("Revocation: not revoked") && $0.contains("OCSP response") } == true, "\(seal?.details ?? [])")
            #expect(documents.requests.isEmpty)
        }
        // A responder that answers tryLater (another world: another cache key): the CRL is fetched, and the refusal
        // is reported.
        let busy = try LoopbackHTTPServer { _ in LoopbackHTTPServer.response(status: "200 OK", headers: [], body: [0x30, 0x03, 0x0A, 0x01, 0x03]) }
        defer { busy.stop() }
        guard let fallback = try FetchWorld.make(ocspURL: "http://127.0.0.1:\(busy.port)/", crlURL: "\(documents.origin)/fallback.crl") else { return }
        documents.serve(
            "/fallback.crl", LoopbackDocumentServer.Response(headers: ["Content-Type: application/pkix-crl"], body: try fallback.pki.crl(at: fallback.now - 60))
        )
        let seal = await sealCheck(try fallback.seal(at: fallback.now - day, stamped: false), policy: fallback.policy)
        let details = seal?.details ?? []
        #expect(details.contains { $0.hasPrefix("Revocation: not revoked") && $0.contains("CRL from") && $0.contains("fallback.crl") }, "\(details)")
        #expect(details.contains { $0.contains("fetched from http://127.0.0.1:\(busy.port)/") && $0.contains("tryLater") }, "\(details)")
        #expect(documents.requests == ["/fallback.crl"])
    }
}

/// A root CA, an intermediate ("Test Issuing CA") it certified, and a seal certificate the intermediate issued.
private struct IntermediateWorld {
    let root: OpenSSLPKI
    let issuing: OpenSSLPKI
    let rootCertificate: Certificate
    let now = Date()

    static func make(intermediateOCSP: String? = nil) throws -> IntermediateWorld? {
        guard let root = try OpenSSLPKI.make(name: "Test Root CA"), let issuing = try OpenSSLPKI.make(name: "Test Issuing CA") else { return nil }
        let now = Date()
        try root.certify(issuing, as: "issuing", from: now - 5 * 365 * day, until: now + 5 * 365 * day, ocspURL: intermediateOCSP)
        try root.issue("ocsp", subject: "/CN=Test Root OCSP responder", extensions: "ocsp_ext", from: now - 365 * day, until: now + 365 * day)
        try root.issue("tsa", subject: "/CN=Test TSA unit", extensions: "tsa_ext", from: now - 365 * day, until: now + 365 * day)
        try issuing.issue("seal", subject: "/CN=Test Academy e-seal/O=Test Academy/C=BE", extensions: "seal_ext", from: now - 365 * day, until: now + 365 * day)
        return IntermediateWorld(root: root, issuing: issuing, rootCertificate: try Certificate(pemEncoded: try root.text("ca.pem")))
    }

    func seal(at signingTime: Date, stamped: Bool) throws -> [UInt8] {
        try makeSeal(
            key: try issuing.text("seal.key"), chain: try issuing.text("seal.pem") + "\n" + (try issuing.text("ca.pem")), at: signingTime,
            tsaPKI: stamped ? root : nil)
    }

    /// Anchored at the root, with the issuing CA's current CRL (the seal certificate is good) and `rootCRLs`.
    func policy(rootCRLs: [[UInt8]]) throws -> VerificationPolicy {
        var policy = VerificationPolicy(trustAnchors: [rootCertificate], timeStampAnchors: [rootCertificate])
        policy.sealRevocation.supplied =
            [RevocationInput(.crl, bytes: try issuing.crl(at: now - 60), origin: .supplied("issuing.crl"))]
            + rootCRLs.map { RevocationInput(.crl, bytes: $0, origin: .supplied("root.crl")) }
        return policy
    }
}

@Suite("Revocation of intermediate CA certificates")
struct IntermediateRevocationTests {
    @Test("An intermediate revoked before the proven time fails the seal, naming it; revoked after, the seal stands")
    func intermediateRevokedAroundTheProvenTime() async throws {
        guard let world = try IntermediateWorld.make() else { return }
        let sealed = try world.seal(at: world.now - 20 * day, stamped: true)
        let clean = await sealCheck(sealed, policy: try world.policy(rootCRLs: [try world.root.crl(at: world.now - 60)]))
        #expect(clean?.status == .ok, "\(clean?.reason ?? "")")
        #expect(clean?.details.contains { $0.hasPrefix("Revocation of intermediate CA Test Issuing CA: not revoked") } == true, "\(clean?.details ?? [])")

        try world.root.revoke("issuing", reason: "cACompromise", at: world.now - 10 * day)
        let after = await sealCheck(sealed, policy: try world.policy(rootCRLs: [try world.root.crl(at: world.now - 60)]))
        #expect(after?.status == .ok, "\(after?.reason ?? "")")
        #expect(after?.details.contains { $0.hasPrefix("Revocation of intermediate CA Test Issuing CA: revoked on") && $0.contains("the seal stands") } == true)

        let unstamped = try world.seal(at: world.now - 20 * day, stamped: false)
        let failed = await sealCheck(unstamped, policy: try world.policy(rootCRLs: [try world.root.crl(at: world.now - 60)]))
        #expect(failed?.status == .error)
        #expect(failed?.reason.contains("intermediate CA certificate CN=Test Issuing CA was revoked on") == true, "\(failed?.reason ?? "")")
        #expect(failed?.reason.contains("cACompromise") == true, "\(failed?.reason ?? "")")
    }

    @Test("A root CRL forged by an impostor of the same name is refused and fails nothing; --require-revocation-data then fails the seal")
    func forgedRootCRLRefused() async throws {
        guard let world = try IntermediateWorld.make(), let impostor = try OpenSSLPKI.make(name: "Test Root CA") else { return }
        try impostor.issue("issuing", subject: "/CN=Test Issuing CA", extensions: "ca_ext", from: world.now - day, until: world.now + day)
        try impostor.revoke("issuing", at: world.now - 30 * day)
        let sealed = try world.seal(at: world.now - 20 * day, stamped: false)
        var policy = try world.policy(rootCRLs: [try impostor.crl(at: world.now - 60)])
        let seal = await sealCheck(sealed, policy: policy)
        #expect(seal?.status == .ok, "\(seal?.reason ?? "")")
        let details = seal?.details ?? []
        #expect(details.contains { $0.contains("Test Issuing CA, given root.crl") && $0.contains("refused") }, "\(details)")
        #expect(details.contains { $0.hasPrefix("Revocation of intermediate CA Test Issuing CA: not checked") }, "\(details)")
        policy.sealRevocation.requireRevocationData = true
        let required = await sealCheck(sealed, policy: policy)
        #expect(required?.status == .error)
        #expect(required?.reason.contains("intermediate CA certificate CN=Test Issuing CA is not established") == true, "\(required?.reason ?? "")")
    }

    @Test("The intermediate's status is fetched from the OCSP responder it names (the root's): revoked before → Failed")
    func intermediateFetchedByOCSP() async throws {
        let port = try OpenSSLPKI.freePort()
        guard let world = try IntermediateWorld.make(intermediateOCSP: "http://127.0.0.1:\(port)/") else { return }
        try world.root.revoke("issuing", reason: "cACompromise", at: world.now - 30 * day)
        let responder = try world.root.startOCSPResponder(responder: "ocsp", port: port)
        defer { responder.stop() }
        var policy = try world.policy(rootCRLs: [])
        policy.sealRevocation.fetcher = LoopbackFetcher()
        policy.sealRevocation.fetchTimeout = testFetchTimeout
        let seal = await sealCheck(try world.seal(at: world.now - 20 * day, stamped: true), policy: policy)
        #expect(seal?.status == .error)
        #expect(seal?.reason.contains("intermediate CA certificate CN=Test Issuing CA was revoked on") == true, "\(seal?.reason ?? "")")
        #expect(seal?.reason.contains("fetched from http://127.0.0.1:\(port)/") == true, "\(seal?.reason ?? "")")
    }
}
