import CredentialJSON
import CredentialVerification
import Crypto
import DataIntegrity
import Foundation
import KeyManagement
import StatusList
import Synchronization
import Testing

@Suite("Data Integrity credentials through the verifier", .needsSharedData)
struct DataIntegrityCredentialTests {
    let issuer: DemoIssuer
    init() throws { issuer = try DemoIssuer() }

    func trustingIssuer(_ extra: VerificationPolicy = VerificationPolicy()) -> VerificationPolicy {
        var p = extra
        p.trustedIssuers = TrustedIssuerList(entries: [.init(id: issuer.did, name: "Demo University")])
        return p
    }

    @Test("A signed VC 2.0 credential from an unknown issuer is partially verified; trusted, it is verified")
    func signedCredential() async throws {
        let signed = try issuer.sign(issuer.credential())
        let unknown = try await verifyOne(CredentialVerifier(), signed)
        #expect(unknown.kind == .dataIntegrityCredential)
        #expect(unknown.check(.format)?.status == .ok, "\(unknown.check(.format)?.reason ?? "")")
        #expect(unknown.check(.seal)?.status == .ok)
        #expect(unknown.status == .partiallyVerified)
        let trusted = try await verifyOne(CredentialVerifier(policy: trustingIssuer()), signed)
        #expect(trusted.status == .verified, "\(trusted.checks.map { "\($0.name.rawValue) \($0.status.rawValue) \($0.reason)" })")
    }

    @Test("Every single value changed in a signed credential makes it Failed on Seal")
    func anySingleChangeFails() async throws {
        let signed = try issuer.sign(issuer.credential())
        let text = JSONWriter.string(signed)
        let proofStart = try #require(text.range(of: "\"proof\""))
        let leaves = leafLexemes(signed).filter { text.range(of: $0).map { $0.lowerBound < proofStart.lowerBound } ?? false }
        let verifier = CredentialVerifier(policy: trustingIssuer())
        var passed = 0
        for lexeme in leaves {
            let range = try #require(text.range(of: lexeme))
            let mutated = text.replacingCharacters(in: range, with: mutate(lexeme))
            let report = try await verifyOne(verifier, Array(mutated.utf8))
            if report.status == .failed { passed += 1 } else { Issue.record("changing \(lexeme) was not detected") }
        }
        summary("tamper DI credential", passed: passed, failed: leaves.count - passed, skipped: 0)
        #expect(passed == leaves.count && passed >= 5)
    }

    @Test("A key that is not the issuer's fails the Seal check")
    func wrongIssuerKey() async throws {
        let other = try DemoIssuer()
        let signed = try other.sign(issuer.credential())
        let report = try await verifyOne(CredentialVerifier(), signed)
        #expect(report.check(.seal)?.status == .error)
        #expect(report.problems.contains { $0.code == "ISSUER_MISMATCH" }, "\(report.problems)")
    }

    /// Builds a signed revocation list with `revoked` set, in a temporary mirror, and a credential pointing at `index`.
    func revocationSetup(index: Int, revoked: Int, purpose: String = "revocation") throws -> (mirror: URL, credential: JSONValue) {
        let url = "https://status.example/lists/1"
        var bits = Bitstring()
        try bits.setBit(at: revoked, to: true)
        let list = try StatusListCredentialBuilder(url: url, issuer: issuer.did, statusPurpose: purpose).credential(for: bits)
        let signedList = try issuer.sign(list)
        let mirror = try temporaryDirectory()
        let file = try #require(LocalStatusListMirror(directory: mirror).fileURL(for: url))
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(JSONWriter.data(signedList)).write(to: file)
        let entry = StatusListEntry(id: url + "#\(index)", statusPurpose: purpose, statusListIndex: index, statusListCredential: url)
        let credential = try issuer.sign(issuer.credential(extra: ["credentialStatus": entry.json]))
        return (mirror, credential)
    }

    @Test("A revoked credential is Failed on Revocation; one not revoked passes")
    func revocation() async throws {
        let (mirror, revoked) = try revocationSetup(index: 42, revoked: 42)
        defer { try? FileManager.default.removeItem(at: mirror) }
        let policy = trustingIssuer(VerificationPolicy(statusSource: LocalStatusListMirror(directory: mirror)))
        let report = try await verifyOne(CredentialVerifier(policy: policy), revoked)
        #expect(report.check(.revocation)?.status == .error, "\(report.check(.revocation)?.reason ?? "")")
        #expect(report.status == .failed)
        #expect(report.check(.revocation)?.reason.contains("revoked") == true)

        let (mirror2, fine) = try revocationSetup(index: 7, revoked: 42)
        defer { try? FileManager.default.removeItem(at: mirror2) }
        let ok = try await verifyOne(
            CredentialVerifier(policy: trustingIssuer(VerificationPolicy(statusSource: LocalStatusListMirror(directory: mirror2)))), fine)
        #expect(ok.check(.revocation)?.status == .ok, "\(ok.check(.revocation)?.reason ?? "")")
        #expect(ok.status == .verified)

        // No source configured, or the list missing from the mirror: status unknown → partially verified.
        let unknown = try await verifyOne(CredentialVerifier(policy: trustingIssuer()), fine)
        #expect(unknown.check(.revocation)?.status == .skipped)
        #expect(unknown.status == .partiallyVerified)
        let empty = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: empty) }
        let missing = try await verifyOne(
            CredentialVerifier(policy: trustingIssuer(VerificationPolicy(statusSource: LocalStatusListMirror(directory: empty)))), fine)
        #expect(missing.check(.revocation)?.status == .skipped)
        #expect(missing.check(.revocation)?.problems.first?.code == "STATUS_RETRIEVAL_ERROR")
    }

    @Test("A VC 1.1 credential with a StatusList2021 entry: revoked is Failed on Revocation, its neighbour passes")
    func statusList2021() async throws {
        let url = "https://status.example/2021/3"
        var bits = Bitstring()
        try bits.setBit(at: 42, to: true)
        let v1Contexts: JSONValue = [
            "https://www.w3.org/2018/credentials/v1", "https://w3id.org/vc/status-list/2021/v1",
            "https://w3id.org/security/data-integrity/v2",
        ]
        // The 2021 form: base64url GZIP with no multibase prefix.
        let list: JSONValue = [
            "@context": v1Contexts, "id": .string(url), "type": ["VerifiableCredential", "StatusList2021Credential"],
            "issuer": .string(issuer.did), "issuanceDate": "2024-01-01T00:00:00Z",
            "credentialSubject": [
                "id": .string(url + "#list"), "type": "StatusList2021", "statusPurpose": "revocation",
                "encodedList": .string(String(try bits.encoded().dropFirst())),
            ],
        ]
        let mirror = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: mirror) }
        let file = try #require(LocalStatusListMirror(directory: mirror).fileURL(for: url))
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(JSONWriter.data(try issuer.sign(list))).write(to: file)
        func credential(index: Int) throws -> JSONValue {
            try issuer.sign([
                "@context": [
                    "https://www.w3.org/2018/credentials/v1", "https://www.w3.org/2018/credentials/examples/v1",
                    "https://w3id.org/vc/status-list/2021/v1", "https://w3id.org/security/data-integrity/v2",
                ],
                "id": "urn:uuid:0b5f6a4e-0000-4000-8000-000000002021", "type": ["VerifiableCredential", "UniversityDegreeCredential"],
                "issuer": .string(issuer.did), "issuanceDate": "2025-01-01T00:00:00Z",
                "credentialSubject": ["id": "did:example:learner", "alumniOf": "Example University"],
                "credentialStatus": [
                    "id": .string("\(url)#\(index)"), "type": "StatusList2021Entry", "statusPurpose": "revocation",
                    "statusListIndex": .string(String(index)), "statusListCredential": .string(url),
                ],
            ])
        }
        let verifier = CredentialVerifier(policy: trustingIssuer(VerificationPolicy(statusSource: LocalStatusListMirror(directory: mirror))))
        let revoked = try await verifyOne(verifier, try credential(index: 42))
        #expect(revoked.check(.revocation)?.status == .error, "\(revoked.check(.revocation)?.reason ?? "")")
        #expect(revoked.check(.revocation)?.reason.contains("revoked") == true)
        #expect(revoked.status == .failed)
        let neighbour = try await verifyOne(verifier, try credential(index: 43))
        #expect(neighbour.check(.revocation)?.status == .ok, "\(neighbour.check(.revocation)?.reason ?? "")")
        #expect(neighbour.check(.seal)?.status == .ok, "\(neighbour.check(.seal)?.reason ?? "")")
        #expect(neighbour.check(.format)?.status == .ok, "\(neighbour.check(.format)?.reason ?? "")")
    }

    @Test("A suspended credential is Failed on Revocation with the word suspended")
    func suspension() async throws {
        let (mirror, suspended) = try revocationSetup(index: 3, revoked: 3, purpose: "suspension")
        defer { try? FileManager.default.removeItem(at: mirror) }
        let report = try await verifyOne(
            CredentialVerifier(policy: trustingIssuer(VerificationPolicy(statusSource: LocalStatusListMirror(directory: mirror)))), suspended)
        #expect(report.check(.revocation)?.status == .error)
        #expect(report.check(.revocation)?.reason.contains("suspended") == true)
    }

    /// A credential's revocation list (nothing set) and suspension list (index 5 set), signed by the issuer, and
    /// the credential with an entry in each at index 5.
    func twoListSetup() throws -> (lists: [String: [UInt8]], credential: JSONValue) {
        var lists: [String: [UInt8]] = [:]
        var entries: [JSONValue] = []
        for purpose in ["revocation", "suspension"] {
            let url = "https://status.example/lists/\(purpose)"
            var bits = Bitstring()
            if purpose == "suspension" { try bits.setBit(at: 5, to: true) }
            let list = try StatusListCredentialBuilder(url: url, issuer: issuer.did, statusPurpose: purpose).credential(for: bits)
            lists[url] = JSONWriter.data(try issuer.sign(list))
            entries.append(StatusListEntry(id: url + "#5", statusPurpose: purpose, statusListIndex: 5, statusListCredential: url).json)
        }
        return (lists, try issuer.sign(issuer.credential(extra: ["credentialStatus": .array(entries)])))
    }

    @Test("A source that reads lists together is asked once for all of a credential's lists, and what it leaves out is fetched alone")
    func listsReadTogether() async throws {
        let (lists, credential) = try twoListSetup()
        let together = CountingStatusSource(lists: lists, answersTogether: true)
        let report = try await verifyOne(CredentialVerifier(policy: trustingIssuer(VerificationPolicy(statusSource: together))), credential)
        #expect(report.check(.revocation)?.status == .error, "\(report.check(.revocation)?.reason ?? "")")
        #expect(report.check(.revocation)?.reason.contains("suspended") == true)
        #expect(together.calls == .init(together: 1, alone: 0))

        // A source that answers for the revocation list only: the suspension list is fetched on its own, and
        // still decides.
        let partial = CountingStatusSource(lists: lists, answersTogether: true, leavesOut: "https://status.example/lists/suspension")
        let partly = try await verifyOne(CredentialVerifier(policy: trustingIssuer(VerificationPolicy(statusSource: partial))), credential)
        #expect(partly.check(.revocation)?.reason.contains("suspended") == true)
        #expect(partial.calls == .init(together: 1, alone: 1))

        // One list the source could not read: status unknown, never "not revoked".
        var missing = lists
        missing["https://status.example/lists/suspension"] = nil
        let failing = CountingStatusSource(lists: missing, answersTogether: true)
        let unknown = try await verifyOne(CredentialVerifier(policy: trustingIssuer(VerificationPolicy(statusSource: failing))), credential)
        #expect(unknown.check(.revocation)?.status == .skipped, "\(unknown.check(.revocation)?.reason ?? "")")
        #expect(unknown.check(.revocation)?.problems.first?.code == "STATUS_RETRIEVAL_ERROR")
        #expect(unknown.status == .partiallyVerified)

        // Lists handed over as JSON are held to the same rules: a list whose bits were changed under its proof is
        // not believed (the credential is not called suspended, nor "not suspended").
        let asJSON = CountingStatusSource(lists: lists, answersTogether: true, asJSON: true)
        let fromJSON = try await verifyOne(CredentialVerifier(policy: trustingIssuer(VerificationPolicy(statusSource: asJSON))), credential)
        #expect(fromJSON.check(.revocation)?.reason.contains("suspended") == true)
        #expect(asJSON.calls == .init(together: 1, alone: 0))
        var forged = lists
        let suspensionURL = "https://status.example/lists/suspension"
        let original = try #require(lists[suspensionURL])
        var tampered = try #require(try JSONParser.parse(original).objectValue)
        var subject = try #require(tampered["credentialSubject"]?.objectValue)
        subject["encodedList"] = .string(try Bitstring().encoded())
        tampered["credentialSubject"] = .object(subject)
        forged[suspensionURL] = JSONWriter.data(.object(tampered))
        let tamperedJSON = CountingStatusSource(lists: forged, answersTogether: true, asJSON: true)
        let notBelieved = try await verifyOne(CredentialVerifier(policy: trustingIssuer(VerificationPolicy(statusSource: tamperedJSON))), credential)
        #expect(notBelieved.check(.revocation)?.status == .skipped, "\(notBelieved.check(.revocation)?.reason ?? "")")
        #expect(notBelieved.status != .verified)
        // A document's text in a JSON string is read as that text, not taken for a list.
        let asText = CountingStatusSource(lists: lists, answersTogether: true, asText: true)
        let fromText = try await verifyOne(CredentialVerifier(policy: trustingIssuer(VerificationPolicy(statusSource: asText))), credential)
        #expect(fromText.check(.revocation)?.reason.contains("suspended") == true, "\(fromText.check(.revocation)?.reason ?? "")")

        // A source that reads one list at a time (the default) is asked per list, as before.
        let alone = CountingStatusSource(lists: lists, answersTogether: false)
        let one = try await verifyOne(CredentialVerifier(policy: trustingIssuer(VerificationPolicy(statusSource: alone))), credential)
        #expect(one.check(.revocation)?.reason.contains("suspended") == true)
        #expect(alone.calls == .init(together: 0, alone: 2))
    }

    @Test("Two entries naming one list: the list is read once, and each entry's own bit decides")
    func twoEntriesOneList() async throws {
        let url = "https://status.example/lists/shared"
        var bits = Bitstring()
        try bits.setBit(at: 9, to: true)
        let list = try StatusListCredentialBuilder(url: url, issuer: issuer.did, statusPurpose: "revocation").credential(for: bits)
        let lists = [url: JSONWriter.data(try issuer.sign(list))]
        func credential(_ indexes: [Int]) throws -> JSONValue {
            let entries = indexes.map { StatusListEntry(id: url + "#\($0)", statusPurpose: "revocation", statusListIndex: $0, statusListCredential: url).json }
            return try issuer.sign(issuer.credential(extra: ["credentialStatus": .array(entries)]))
        }
        for answersTogether in [true, false] {
            // The second entry's bit is set: revoked, though the first entry's is not.
            let source = CountingStatusSource(lists: lists, answersTogether: answersTogether)
            let revoked = try await verifyOne(CredentialVerifier(policy: trustingIssuer(VerificationPolicy(statusSource: source))), try credential([4, 9]))
            #expect(revoked.check(.revocation)?.status == .error, "\(revoked.check(.revocation)?.reason ?? "")")
            #expect(revoked.check(.revocation)?.reason.contains("revoked") == true)
            #expect(source.calls == (answersTogether ? .init(together: 1, alone: 0) : .init(together: 0, alone: 1)))
            // Neither bit set: not revoked, both entries reported.
            let clear = CountingStatusSource(lists: lists, answersTogether: answersTogether)
            let fine = try await verifyOne(CredentialVerifier(policy: trustingIssuer(VerificationPolicy(statusSource: clear))), try credential([4, 5]))
            #expect(fine.check(.revocation)?.status == .ok, "\(fine.check(.revocation)?.reason ?? "")")
            #expect(fine.check(.revocation)?.details.filter { $0.hasPrefix("revocation: not set") }.count == 2)
            #expect(clear.calls == (answersTogether ? .init(together: 1, alone: 0) : .init(together: 0, alone: 1)))
        }
    }

    @Test("A status list signed by someone else is not believed")
    func foreignStatusList() async throws {
        let (mirror, credential) = try revocationSetup(index: 7, revoked: 42)
        defer { try? FileManager.default.removeItem(at: mirror) }
        let url = "https://status.example/lists/1"
        let file = try #require(LocalStatusListMirror(directory: mirror).fileURL(for: url))
        let list = try StatusListCredentialBuilder(url: url, issuer: issuer.did, statusPurpose: "revocation").credential(for: Bitstring())
        try Data(JSONWriter.data(try DemoIssuer().sign(list))).write(to: file)
        let report = try await verifyOne(
            CredentialVerifier(policy: trustingIssuer(VerificationPolicy(statusSource: LocalStatusListMirror(directory: mirror)))), credential)
        #expect(report.check(.revocation)?.status != .ok)
        #expect(report.status != .verified)
    }

    @Test("An expired credential is Failed on Validity; --at before expiry and clock skew are honoured")
    func validity() async throws {
        let expired = try issuer.sign(issuer.credential(extra: ["validUntil": "2025-06-01T00:00:00Z"]))
        let report = try await verifyOne(CredentialVerifier(policy: trustingIssuer()), expired)
        #expect(report.check(.validity)?.status == .error)
        #expect(report.check(.validity)?.reason.hasPrefix("Expired") == true)
        #expect(report.status == .failed)
        let then = try await verifyOne(
            CredentialVerifier(policy: trustingIssuer(VerificationPolicy(at: ISO8601DateFormatter().date(from: "2025-03-01T00:00:00Z")))), expired)
        #expect(then.check(.validity)?.status == .ok)
        #expect(then.status == .verified)
        // 100 s after expiry: within the default 300 s skew, outside a 10 s one.
        let justAfter = ISO8601DateFormatter().date(from: "2025-06-01T00:01:40Z")
        #expect(try await verifyOne(CredentialVerifier(policy: trustingIssuer(VerificationPolicy(at: justAfter))), expired).check(.validity)?.status == .ok)
        #expect(
            try await verifyOne(CredentialVerifier(policy: trustingIssuer(VerificationPolicy(at: justAfter, clockSkew: 10))), expired).check(.validity)?.status
                == .error)
        let future = try issuer.sign(issuer.credential(extra: ["validFrom": "2099-01-01T00:00:00Z"]))
        #expect(try await verifyOne(CredentialVerifier(policy: trustingIssuer()), future).check(.validity)?.reason.hasPrefix("Not yet valid") == true)
    }

    @Test("Accreditation scope: an EQF level or type outside the trusted issuer's entry is an Error")
    func accreditationScope() async throws {
        let signed = try issuer.sign(
            issuer.credential(extra: [
                "credentialSubject": [
                    "id": "did:example:learner",
                    "achievement": ["type": "Achievement", "name": "Master of Data", "eqfLevel": "http://data.europa.eu/snb/eqf/7"],
                ]
            ]))
        let narrow = TrustedIssuerList(entries: [.init(id: issuer.did, name: "Demo College", eqfLevels: [4, 5])])
        let report = try await verifyOne(CredentialVerifier(policy: VerificationPolicy(trustedIssuers: narrow)), signed)
        #expect(report.check(.accreditation)?.status == .error, "\(report.check(.accreditation)?.reason ?? "")")
        #expect(report.summary?.eqfLevel == 7)
        let typed = TrustedIssuerList(entries: [.init(id: issuer.did, name: "Demo College", credentialTypes: ["OtherCredential"])])
        #expect(try await verifyOne(CredentialVerifier(policy: VerificationPolicy(trustedIssuers: typed)), signed).check(.accreditation)?.status == .error)
    }

    @Test("A wallet export (signed presentation with a DI credential, a sealed EDC and a self-asserted one) is one report")
    func walletExport() async throws {
        let holder = try DemoIssuer()
        let vc = try issuer.sign(issuer.credential(subject: holder.did))
        var members: [JSONValue] = [vc]
        if let sealed = try sharedBytes(officialSamples[0]) { members.append(try JSONParser.parse(sealed)) }
        members.append([
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
            "type": ["VerifiableCredential", "ExampleSelfCredential"],
            "issuer": .string(holder.did),
            "credentialSubject": ["id": .string(holder.did), "name": "Alex Example"],
        ])
        let vp: JSONValue = [
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiablePresentation"],
            "holder": .string(holder.did),
            "verifiableCredential": .array(members),
        ]
        let signedVP = try holder.sign(vp, suite: .eddsaJcs2022, purpose: .authentication, challenge: "c-123", domain: ["employer.example"])
        let policy = VerificationPolicy(
            trustedIssuers: TrustedIssuerList(entries: [.init(id: issuer.did, name: "Demo University")]),
            challenge: "c-123", domain: ["employer.example"])
        let report = try await verifyOne(CredentialVerifier(policy: policy), signedVP)
        #expect(report.kind == .presentation)
        #expect(report.check(.seal)?.status == .ok, "\(report.check(.seal)?.reason ?? "")")
        #expect(report.check(.owner)?.status == .ok)
        #expect(report.embedded.count == members.count)
        #expect(report.embedded[0].check(.owner)?.status == .ok, "\(report.embedded[0].check(.owner)?.reason ?? "")")
        #expect(report.embedded[0].status == .verified)
        #expect(report.embedded.last?.check(.owner)?.status == .ok)
        if members.count == 3 { #expect(report.embedded[1].kind == .jadesSealed && report.embedded[1].check(.seal)?.status == .ok) }
        #expect(report.status == .partiallyVerified)  // the EDC's seal certificate and the self-asserted issuer are not trusted

        // A wrong challenge fails the presentation's proof, and with it every Owner check.
        var wrong = policy
        wrong.challenge = "other"
        let refused = try await verifyOne(CredentialVerifier(policy: wrong), signedVP)
        #expect(refused.check(.seal)?.status == .error)
        #expect(refused.embedded[0].check(.owner)?.status == .error)
        #expect(refused.status == .failed)

        // Presented by someone who is not the subject.
        let stranger = try DemoIssuer()
        let stolen = try stranger.sign(
            [
                "@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
                "holder": .string(stranger.did), "verifiableCredential": [vc],
            ],
            suite: .eddsaJcs2022, purpose: .authentication)
        let theft = try await verifyOne(CredentialVerifier(policy: VerificationPolicy()), stolen)
        #expect(theft.embedded[0].check(.owner)?.status == .error)
        #expect(theft.status == .failed)
    }

    @Test("VC-JOSE compact JWS: ES256 with a did:key kid verifies; alg none and a changed payload fail")
    func compactJWS() async throws {
        let p256 = try DemoIssuer(.p256)
        guard case .p256(let key) = p256.key.material else { Issue.record("not P-256"); return }
        let claims = JSONWriter.data(p256.credential())
        func token(header: JSONValue, payload: [UInt8]) throws -> String {
            let h = base64URLEncode(JSONWriter.data(header)), p = base64URLEncode(payload)
            let sig = try key.signature(for: Array((h + "." + p).utf8))
            return h + "." + p + "." + base64URLEncode(Array(sig.rawRepresentation))
        }
        let good = try token(header: ["alg": "ES256", "typ": "vc+jwt", "kid": .string(p256.method)], payload: claims)
        let report = try await verifyOne(CredentialVerifier(), Array(good.utf8))
        #expect(report.kind == .envelopedJWT)
        #expect(report.check(.seal)?.status == .ok, "\(report.check(.seal)?.reason ?? "")")
        #expect(report.check(.format)?.status == .ok, "\(report.check(.format)?.reason ?? "")")
        let enveloped: JSONValue = [
            "@context": ["https://www.w3.org/ns/credentials/v2"], "type": "EnvelopedVerifiableCredential",
            "id": .string("data:application/vc+jwt," + good),
        ]
        #expect(try await verifyOne(CredentialVerifier(), enveloped).check(.seal)?.status == .ok)
        let parts = good.split(separator: ".")
        let none = base64URLEncode(JSONWriter.data(["alg": "none"])) + "." + parts[1] + "."
        let noneReport = try await verifyOne(CredentialVerifier(), Array((none + "x").utf8))
        #expect(noneReport.status == .failed)
        let changed = parts[0] + "." + base64URLEncode(JSONWriter.data(p256.credential(subject: "did:example:mallory"))) + "." + parts[2]
        #expect(try await verifyOne(CredentialVerifier(), Array(changed.utf8)).check(.seal)?.status == .error)
    }
}

/// Status lists from memory, counting how it is asked: together (``fetchTogether(urls:)``) or one at a time.
final class CountingStatusSource: StatusListSource {
    struct Calls: Equatable { var together = 0, alone = 0 }
    let lists: [String: [UInt8]]
    let answersTogether: Bool
    let leavesOut: String?
    private let counts = Mutex(Calls())
    var calls: Calls { counts.withLock { $0 } }

    /// Whether ``fetchTogether(urls:)`` answers with parsed JSON, as the service's registry does, instead of bytes.
    let asJSON: Bool

    /// Whether it answers with the document's text in a JSON string (what a careless source might do).
    let asText: Bool

    init(lists: [String: [UInt8]], answersTogether: Bool, leavesOut: String? = nil, asJSON: Bool = false, asText: Bool = false) {
        self.lists = lists
        self.answersTogether = answersTogether
        self.leavesOut = leavesOut
        self.asJSON = asJSON
        self.asText = asText
    }

    func fetch(url: String) async throws(StatusListError) -> [UInt8] {
        counts.withLock { $0.alone += 1 }
        guard let bytes = lists[url] else { throw StatusListError(.retrieval, "no status list \(url)") }
        return bytes
    }

    func fetchTogether(urls: [String]) async -> [String: Result<FetchedStatusList, StatusListError>]? {
        guard answersTogether else { return nil }
        counts.withLock { $0.together += 1 }
        var answers: [String: Result<FetchedStatusList, StatusListError>] = [:]
        for url in urls where url != leavesOut {
            guard let bytes = lists[url] else {
                answers[url] = .failure(StatusListError(.retrieval, "no status list \(url)"))
                continue
            }
            if asText {
                answers[url] = .success(.json(.string(String(decoding: bytes, as: UTF8.self))))
            } else if asJSON {
                answers[url] = (try? JSONParser.parse(bytes)).map { .success(.json($0)) } ?? .failure(StatusListError(.retrieval, "not JSON"))
            } else {
                answers[url] = .success(.bytes(bytes))
            }
        }
        return answers
    }
}
