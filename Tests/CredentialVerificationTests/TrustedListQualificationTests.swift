import CredentialJSON
import CredentialVerification
import Foundation
import JAdES
import TestSupport
import Testing
import TrustedLists

/// Seals made under the test trusted lists (TrustedListFixture: a LOTL, BE and NL lists signed by xmlsec1; the NL
/// service withdrawn ten days ago), verified with the lists loaded.
@Suite("Seal qualification against the EU trusted lists")
struct TrustedListQualificationTests {
    struct Setup: Sendable {
        let fixture: TrustedListFixture
        let lists: TrustedListSet
    }

    static let setup: Result<Setup, any Error> = Result {
        let fixture = try TrustedListFixture.make()
        let lists = try TrustedListSet.load(directory: fixture.lists, lotlSigners: try JAdESPEM.certificates(contentsOf: fixture.lotlSigner))
        return Setup(fixture: fixture, lists: lists)
    }

    static let organization = "VATBE-0123456789"

    /// An EDC sealed by a new seal certificate of `ca`, time-stamped at `stampedAt` when given (by `tsa`, else the
    /// fixture's trusted TSA).
    func sealedEDC(ca: String, qscd: Bool = true, stampedAt: Date?, tsa: String? = nil) throws -> JSONValue {
        let setup = try Self.setup.get()
        let identity = try setup.fixture.sealIdentity(ca: ca, organization: "University of Example", identifier: Self.organization, qscd: qscd)
        let sealer = try JAdESSealer(privateKeyPEM: identity.privateKeyPEM, certificateChainPEM: identity.chainPEM)
        let signingTime = (stampedAt ?? Date()).addingTimeInterval(-60)
        var document = try sealer.seal(payload: JSONWriter.data(try Self.edcPayload()), signingTime: signingTime)
        if let stampedAt {
            let signature = Array((document["signatures"]?.arrayValue?.first?["signature"]?.stringValue ?? "").utf8)
            let token = try setup.fixture.timeStampToken(over: signature, at: stampedAt, tsa: tsa)
            document = try Self.adding(token, to: document)
        }
        return document
    }

    func verify(_ document: JSONValue, lists: Bool = true) async throws -> VerificationReport {
        let setup = try Self.setup.get()
        var policy = VerificationPolicy(timeStampAnchors: try JAdESPEM.certificates(contentsOf: setup.fixture.tsaRoot))
        if lists { policy.trustedLists = setup.lists }
        return try await verifyOne(CredentialVerifier(policy: policy), document)
    }

    func qualification(_ report: VerificationReport) -> String {
        report.check(.seal)?.details.first { $0.hasPrefix("Qualification: ") }.map { String($0.dropFirst(15)) } ?? "(none)"
    }

    @Test("A time-stamped seal under the granted BE service is a qualified e-seal with QSCD, trusted with no anchor of the user's")
    func qualifiedUnderGrantedService() async throws {
        let setup = try Self.setup.get()
        let report = try await verify(try sealedEDC(ca: "be-ca", stampedAt: setup.fixture.now.addingTimeInterval(-3 * 86_400)))
        let text = qualification(report)
        #expect(text.hasPrefix("qualified e-seal with QSCD"), "\(text)")
        #expect(text.contains("Test BE Qualified CA for e-seals"), "\(text)")
        #expect(text.contains("BE trusted list (sequence 12)"), "\(text)")
        let seal = try #require(report.check(.seal))
        #expect(seal.status == .ok && !seal.limitsTrust, "\(seal.reason)")
        #expect(seal.reason.contains("chains to the trust anchor"), "\(seal.reason)")
        let accreditation = try #require(report.check(.accreditation))
        #expect(accreditation.status == .ok, "\(accreditation.reason)")
    }

    @Test("A verifier holding lists loaded at its start stops qualifying seals when the lists go out of date, and says why")
    func listsThatWentOutOfDateWhileLoadedQualifyNothing() async throws {
        let setup = try Self.setup.get()
        let document = try sealedEDC(ca: "be-ca", stampedAt: setup.fixture.now.addingTimeInterval(-3 * 86_400))
        var policy = VerificationPolicy(timeStampAnchors: try JAdESPEM.certificates(contentsOf: setup.fixture.tsaRoot))
        policy.trustedLists = setup.lists
        // The fixture's LOTL is due 180 days after its time, plus the 7-day grace.
        policy.at = setup.fixture.now.addingTimeInterval(188 * 86_400)
        let report = try await verifyOne(CredentialVerifier(policy: policy), document)
        let text = qualification(report)
        #expect(text.hasPrefix("not qualified"), "\(text)")
        #expect(text.contains("out of date: BE.xml, NL.xml"), "\(text)")
        #expect(report.check(.seal)?.reason.contains("chains to the trust anchor") == false)
    }

    @Test("A seal time-stamped before the NL service's withdrawal is qualified")
    func withdrawnAfterTheSeal() async throws {
        let setup = try Self.setup.get()
        let report = try await verify(try sealedEDC(ca: "nl-ca", stampedAt: setup.fixture.withdrawal.addingTimeInterval(-5 * 86_400)))
        let text = qualification(report)
        #expect(text.hasPrefix("qualified e-seal with QSCD"), "\(text)")
        #expect(text.contains("NL trusted list (sequence 7)"), "\(text)")
        #expect(report.check(.seal)?.limitsTrust == false)
    }

    @Test("A seal time-stamped after the NL service's withdrawal is not qualified, and its chain is not trusted")
    func withdrawnBeforeTheSeal() async throws {
        let setup = try Self.setup.get()
        let report = try await verify(try sealedEDC(ca: "nl-ca", stampedAt: setup.fixture.withdrawal.addingTimeInterval(5 * 86_400)))
        let text = qualification(report)
        #expect(text.hasPrefix("not qualified"), "\(text)")
        #expect(text.contains("is withdrawn since \(TrustedListFixture.xsd(setup.fixture.withdrawal))"), "\(text)")
        #expect(report.check(.seal)?.limitsTrust == true)
        #expect(report.status != .verified)
    }

    @Test("Without a time-stamp the seal is judged now: under the withdrawn NL service it is not qualified")
    func unstampedJudgedNow() async throws {
        let report = try await verify(try sealedEDC(ca: "nl-ca", stampedAt: nil))
        #expect(qualification(report).hasPrefix("not qualified"), "\(qualification(report))")
        let be = try await verify(try sealedEDC(ca: "be-ca", stampedAt: nil))
        #expect(qualification(be).hasPrefix("qualified e-seal with QSCD"), "\(qualification(be))")
    }

    @Test("A qualified certificate for e-seals without the QSCD statement (policy QCP-l) gives an advanced e-seal with a qualified certificate")
    func withoutQSCD() async throws {
        let report = try await verify(try sealedEDC(ca: "be-ca", qscd: false, stampedAt: nil))
        #expect(qualification(report).hasPrefix("advanced e-seal with a qualified certificate"), "\(qualification(report))")
    }

    @Test("Without trusted lists nothing changes: the certificate's own claim, not checked against the lists, and no anchor")
    func withoutLists() async throws {
        let report = try await verify(try sealedEDC(ca: "be-ca", stampedAt: nil), lists: false)
        #expect(qualification(report).contains("not checked against the EU trusted lists"), "\(qualification(report))")
        #expect(report.check(.seal)?.limitsTrust == true)
    }

    @Test("A time-stamp from a TSA nobody trusts, claiming a time before the NL withdrawal, is not believed: judged now, not qualified")
    func untrustedTimeStampNotBelieved() async throws {
        let setup = try Self.setup.get()
        try setup.fixture.makeUntrustedTSA("rogue-tsa-q")
        let report = try await verify(try sealedEDC(ca: "nl-ca", stampedAt: setup.fixture.withdrawal.addingTimeInterval(-5 * 86_400), tsa: "rogue-tsa-q"))
        let text = qualification(report)
        #expect(text.hasPrefix("not qualified") && text.contains("withdrawn"), "\(text)")
        let seal = try #require(report.check(.seal))
        #expect(seal.details.contains { $0.hasPrefix("Time-stamp: ") && $0.contains("does not prove the time") }, "\(seal.details)")
        #expect(!seal.details.contains { $0.hasPrefix("Time proven by a time-stamp") })
        #expect(seal.limitsTrust && report.status != .verified)
    }

    @Test("A forger's CA with the BE CA's subject name and key identifier: its seal is neither qualified nor trusted")
    func forgedCAWithListedNameNotQualified() async throws {
        let setup = try Self.setup.get()
        try setup.fixture.forgeCA("forged-be-ca-v", like: "be-ca")
        let report = try await verify(try sealedEDC(ca: "forged-be-ca-v", stampedAt: setup.fixture.now.addingTimeInterval(-86_400)))
        let text = qualification(report)
        #expect(text.hasPrefix("not qualified (issuer not on the trusted lists"), "\(text)")
        let seal = try #require(report.check(.seal))
        #expect(seal.limitsTrust && seal.reason.contains("not trusted"), "\(seal.reason)")
        #expect(report.status != .verified)
    }

    @Test("A seal certificate stating QcCompliance, QcSSCD and QcType e-seal from a CA on no list is not qualified")
    func qcStatementsFromUnlistedCA() async throws {
        // The fixture's TSA root is a CA on no trusted list.
        let report = try await verify(try sealedEDC(ca: "tsa-root", stampedAt: nil))
        let text = qualification(report)
        #expect(text.hasPrefix("not qualified (issuer not on the trusted lists"), "\(text)")
        #expect(report.check(.seal)?.limitsTrust == true)
    }

    @Test("The EU's and MyNextID's signed samples are not qualified under the test lists: their issuer is not on them", .needsSharedData)
    func samplesNotOnTheLists() async throws {
        let paths = [
            "edc-samples/ec-elm/v3.1-master/Sample-CertOfPart-signed.jsonld",
            "edc-samples/ec-elm/v3.1-master/Sample-MC-Annex1-signed.jsonld",
            "edc-samples/mynextid/edc-dc-signed.jsonld",
            "edc-samples/mynextid/edc-mc-signed.jsonld",
        ]
        let setup = try Self.setup.get()
        var policy = VerificationPolicy()
        policy.trustedLists = setup.lists
        let verifier = CredentialVerifier(policy: policy)
        for path in paths {
            guard let bytes = try sharedBytes(path) else { continue }
            let report = try await verifyOne(verifier, bytes, source: path)
            let text = qualification(report)
            #expect(text.hasPrefix("not qualified (issuer not on the trusted lists"), "\(path): \(text)")
        }
    }

    /// A real EDC payload (samples/issued) re-addressed to ``organization``, its status entry removed.
    static func edcPayload() throws -> JSONValue {
        let file = SharedData.packageRoot.appendingPathComponent("samples/issued/edc/micro-credential/L-0001.json")
        let sealed = try JSONParser.parse(Array(try Data(contentsOf: file)))
        let payload = try JSONParser.parse(Array((sealed["payload"]?.stringValue ?? "").utf8))
        guard case .object(var o) = payload, case .object(var issuer)? = o["issuer"], case .object(var legal)? = issuer["eIDASIdentifier"] else {
            throw ShapeError(description: "unexpected sample shape")
        }
        legal["notation"] = .string(organization)
        issuer["eIDASIdentifier"] = .object(legal)
        issuer["id"] = .string("urn:epass:org:6f1f7d3c-0000-4000-8000-00000000beef")
        o["issuer"] = .object(issuer)
        o["credentialStatus"] = nil
        return .object(o)
    }

    /// The document with a signature time-stamp token in its unprotected header (`etsiU` → `sigTst`).
    static func adding(_ token: [UInt8], to document: JSONValue) throws -> JSONValue {
        guard case .object(var o) = document, case .array(var signatures)? = o["signatures"], case .object(var entry)? = signatures.first else {
            throw ShapeError(description: "not a general JWS JSON document")
        }
        let item: JSONValue = ["sigTst": ["tstTokens": [["val": .string(Data(token).base64EncodedString())]]]]
        entry["header"] = ["etsiU": [item]]
        signatures[0] = .object(entry)
        o["signatures"] = .array(signatures)
        return .object(o)
    }
}

/// A sample that does not have the shape the test expects.
struct ShapeError: Error, CustomStringConvertible {
    let description: String
}
