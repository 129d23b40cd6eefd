import CredentialRegistry
import Foundation
import RegistryPostgres
import RegistrySQLite
import StatusList
import TestSupport
import Testing

/// The behaviour every registry engine must have. Each test takes a fresh store from `makeStore`,
/// so the PostgreSQL engine runs the same checks.
struct RegistryBehaviour {
    let makeStore: @Sendable () async throws -> any RegistryStore

    func request(_ row: Int, batch: String = "batch-1", issuer: String = "did:example:issuer") -> ReservationRequest {
        ReservationRequest(issuer: issuer, batch: batch, rowKey: "row-\(row)", format: "vc2", newCredentialID: "urn:uuid:\(UUID().uuidString.lowercased())")
    }

    func reservesOneEntryPerPurposeInDistinctLists() async throws {
        let store = try await makeStore()
        let records = try await store.reserve([request(1), request(2)], policy: StatusAllocationPolicy())
        #expect(records.count == 2)
        for r in records {
            #expect(r.state == .reserved)
            #expect(r.statuses.map(\.purpose).sorted() == ["revocation", "suspension"])
            #expect(r.status(for: "revocation")?.listURL == "http://localhost:8080/status-lists/revocation/1")
            #expect(r.statuses.allSatisfy { (0..<131_072).contains($0.index) })
        }
        #expect(records[0].status(for: "revocation")?.index != records[1].status(for: "revocation")?.index)
    }

    /// What an SD-JWT VC's Token Status List is built from: the revocation list, and which of its credentials are
    /// suspended — found through each credential's own suspension entry (a different list, a different index),
    /// more of them than one query names, and none of another issuer's.
    func aRevocationListCarriesItsCredentialsSuspensions() async throws {
        let store = try await makeStore()
        let records = try await store.reserve((0..<620).map { request($0) }, policy: StatusAllocationPolicy())
        let other = try await store.reserve(
            [request(0, batch: "batch-2", issuer: "did:example:other")], policy: StatusAllocationPolicy(statusBaseURL: "http://other.example/status-lists"))[0]
        let suspended = Array(records.prefix(SuspensionMirror.queryChunk + 10))
        for record in suspended { _ = try await store.changeStatus(credentialID: record.id, action: .suspend, reason: nil, actor: "op") }
        _ = try await store.changeStatus(credentialID: other.id, action: .suspend, reason: nil, actor: "op")
        // Revoked while suspended: the token says revoked (final), not suspended.
        _ = try await store.changeStatus(credentialID: records[0].id, action: .revoke, reason: nil, actor: "op")
        _ = try await store.changeStatus(credentialID: records[619].id, action: .revoke, reason: nil, actor: "op")

        let url = try #require(records[0].status(for: "revocation")?.listURL)
        let view = try #require(try await store.revocationListWithSuspensions(url: url))
        #expect(view.revocation == (try await store.statusList(url: url)))
        let revocationIndex = { (record: CredentialRecord) in record.status(for: "revocation")!.index }
        #expect(view.suspendedIndexes == suspended.map(revocationIndex).sorted())
        #expect(view.tokenStatus(at: revocationIndex(records[0])) == 1)
        #expect(view.tokenStatus(at: revocationIndex(records[1])) == 2)
        #expect(view.tokenStatus(at: revocationIndex(records[600])) == 0)
        #expect(view.tokenStatus(at: revocationIndex(records[619])) == 1)
        _ = try await store.changeStatus(credentialID: records[1].id, action: .reinstate, reason: nil, actor: "op")
        #expect(try await store.revocationListWithSuspensions(url: url)?.tokenStatus(at: revocationIndex(records[1])) == 0)

        let otherURL = try #require(other.status(for: "revocation")?.listURL)
        #expect(try await store.revocationListWithSuspensions(url: otherURL)?.suspendedIndexes == [revocationIndex(other)])
        #expect(try await store.revocationListWithSuspensions(url: url + "-missing") == nil)
    }

    func reReservingARowReturnsTheSameCredential() async throws {
        let store = try await makeStore()
        let first = try await store.reserve([request(1)], policy: StatusAllocationPolicy())
        let again = try await store.reserve([request(1), request(2)], policy: StatusAllocationPolicy())
        #expect(again[0].id == first[0].id)
        #expect(again[0].statuses == first[0].statuses)
        #expect(again[1].id != first[0].id)
        let lists = try await store.statusLists(issuer: nil)
        #expect(lists.first { $0.purpose == "revocation" }?.allocatedCount == 2)
    }

    func completingStoresTheDocument() async throws {
        let store = try await makeStore()
        let r = try await store.reserve([request(1)], policy: StatusAllocationPolicy())[0]
        try await store.complete([(credentialID: r.id, document: Array("{}".utf8))], actor: "test")
        let stored = try #require(try await store.credential(id: r.id))
        #expect(stored.state == .issued)
        #expect(stored.document == Array("{}".utf8))
        let unknown = await #expect(throws: RegistryError.self) {
            try await store.complete([(credentialID: "urn:uuid:none", document: [])], actor: "test")
        }
        #expect(unknown?.code == .notFound)
    }

    func revocationIsFinalAndSuspensionRoundTrips() async throws {
        let store = try await makeStore()
        let r = try await store.reserve([request(1), request(2)], policy: StatusAllocationPolicy())
        let suspended = try await store.changeStatus(credentialID: r[0].id, action: .suspend, reason: "inquiry", actor: "op")
        #expect(suspended.changed)
        #expect(try await store.statusState(credentialID: r[0].id).suspended)
        _ = try await store.changeStatus(credentialID: r[0].id, action: .reinstate, reason: "cleared", actor: "op")
        #expect(try await store.statusState(credentialID: r[0].id).suspended == false)

        let revoked = try await store.changeStatus(credentialID: r[1].id, action: .revoke, reason: "fraud", actor: "op")
        #expect(revoked.changed)
        let twice = try await store.changeStatus(credentialID: r[1].id, action: .revoke, reason: nil, actor: "op")
        #expect(twice.changed == false)
        let error = await #expect(throws: RegistryError.self) {
            try await store.changeStatus(credentialID: r[1].id, action: .reinstate, reason: nil, actor: "op")
        }
        #expect(error?.code == .notAllowed)
        let state = try await store.statusState(credentialID: r[1].id)
        #expect(state.revoked && !state.suspended)

        let list = try #require(try await store.statusLists(issuer: "did:example:issuer").first { $0.purpose == "revocation" })
        let bits = Bitstring(bytes: list.bits)
        #expect(bits.bit(at: try #require(r[1].status(for: "revocation")).index) == true)
        #expect(bits.bit(at: try #require(r[0].status(for: "revocation")).index) == false)
        // The single-list read a verifier uses sees the same bits; an unknown URL is nil, not an error.
        #expect(try await store.statusList(url: list.url) == list)
        #expect(try await store.statusList(url: list.url + "-missing") == nil)
        // Read together (a credential's entries): the same snapshots, each list once, unknown URLs left out.
        let suspension = try #require(try await store.statusLists(issuer: "did:example:issuer").first { $0.purpose == "suspension" })
        let together = try await store.statusLists(urls: [suspension.url, list.url + "-missing", list.url, suspension.url])
        #expect(together.sorted { $0.url < $1.url } == [list, suspension].sorted { $0.url < $1.url })
        #expect(try await store.statusLists(urls: [list.url + "-missing"]).isEmpty)
        #expect(try await store.statusLists(urls: []).isEmpty)

        let audit = try await store.auditLog(credentialID: r[1].id).map(\.action)
        #expect(audit == ["revoke", "revoke (no change)"])
        #expect(try await store.auditLog(credentialID: r[0].id).map(\.reason) == ["inquiry", "cleared"])
    }

    func unknownCredentialIsNamed() async throws {
        let store = try await makeStore()
        let error = await #expect(throws: RegistryError.self) {
            try await store.changeStatus(credentialID: "urn:uuid:missing", action: .revoke, reason: nil, actor: "op")
        }
        #expect(error?.code == .notFound)
        #expect(error?.message.contains("urn:uuid:missing") == true)
    }

    func fullListsRollOverAndNoIndexRepeats() async throws {
        let store = try await makeStore()
        let policy = StatusAllocationPolicy(purposes: ["revocation"], listSize: 64, fillThreshold: 0.5)
        var seen = Set<String>()
        for chunk in 0..<5 {
            let records = try await store.reserve((0..<20).map { request(chunk * 20 + $0) }, policy: policy)
            for r in records {
                let s = try #require(r.status(for: "revocation"))
                #expect(seen.insert("\(s.listURL)#\(s.index)").inserted, "index used twice: \(s)")
            }
        }
        let lists = try await store.statusLists(issuer: nil)
        #expect(lists.count == 4)  // 100 credentials, 32 per list
        #expect(lists.allSatisfy { $0.allocatedCount <= 32 })
        #expect(lists.map(\.allocatedCount).reduce(0, +) == 100)
    }

    func reservationsLeaveTheAllocationConsistent() async throws {
        let store = try await makeStore()
        let policy = StatusAllocationPolicy(listSize: 256, fillThreshold: 0.5)
        for chunk in 0..<4 {
            _ = try await store.reserve((0..<50).map { request(chunk * 50 + $0) }, policy: policy)
        }
        let allocations = try await store.allocations()
        #expect(allocations.count == 2 * 2)  // 200 credentials, 128 per list, two purposes
        #expect(allocations.map(\.usedIndexes.count).reduce(0, +) == 400)
        #expect(try await store.consistencyProblems() == [])
    }

    func token(_ name: String, _ scopes: Set<TokenScope>, hash: String? = nil) -> APIToken {
        // Whole seconds, so every engine's time type round-trips the value exactly.
        APIToken(name: name, scopes: scopes, hash: hash ?? String(repeating: "ab", count: 32), createdAt: Date(timeIntervalSince1970: 1_760_000_000))
    }

    func apiTokensAreStoredAndListedByName() async throws {
        let store = try await makeStore()
        #expect(try await store.apiTokens().isEmpty)
        try await store.insertAPIToken(token("sis", [.issue], hash: String(repeating: "1", count: 64)))
        try await store.insertAPIToken(token("registrar", [.issue, .status], hash: String(repeating: "2", count: 64)))
        let listed = try await store.apiTokens()
        #expect(
            listed == [
                token("registrar", [.issue, .status], hash: String(repeating: "2", count: 64)),
                token("sis", [.issue], hash: String(repeating: "1", count: 64)),
            ])
    }

    func aDuplicateTokenNameIsRefused() async throws {
        let store = try await makeStore()
        try await store.insertAPIToken(token("sis", [.issue], hash: String(repeating: "1", count: 64)))
        let error = await #expect(throws: RegistryError.self) {
            try await store.insertAPIToken(token("sis", [.status], hash: String(repeating: "2", count: 64)))
        }
        #expect(error?.code == .alreadyExists)
        #expect(error?.message.contains("sis") == true)
        #expect(try await store.apiTokens().map(\.scopes) == [[.issue]])
    }

    func aBadTokenNameIsRefused() async throws {
        let store = try await makeStore()
        for name in ["", "has space", "semi;colon", "ünï", String(repeating: "a", count: 65)] {
            let error = await #expect(throws: RegistryError.self) { try await store.insertAPIToken(token(name, [.issue])) }
            #expect(error?.code == .invalidInput)
        }
        #expect(try await store.apiTokens().isEmpty)
    }

    func aTokenIsFoundByHashUntilRevoked() async throws {
        let store = try await makeStore()
        let hash = String(repeating: "c", count: 64)
        try await store.insertAPIToken(token("ci", [.issue], hash: hash))
        try await store.insertAPIToken(token("other", [.status], hash: String(repeating: "d", count: 64)))
        #expect(try await store.activeAPIToken(hash: hash)?.name == "ci")
        #expect(try await store.activeAPIToken(hash: String(repeating: "e", count: 64)) == nil)

        let revokedAt = Date(timeIntervalSince1970: 1_760_000_100)
        try await store.revokeAPIToken(name: "ci", at: revokedAt)
        #expect(try await store.activeAPIToken(hash: hash) == nil)
        #expect(try await store.activeAPIToken(hash: String(repeating: "d", count: 64))?.name == "other")
        // Revoking again keeps the first time.
        try await store.revokeAPIToken(name: "ci", at: revokedAt.addingTimeInterval(60))
        let listed = try await store.apiTokens()
        #expect(listed.first { $0.name == "ci" }?.revokedAt == revokedAt)
        #expect(listed.first { $0.name == "other" }?.isActive == true)

        let unknown = await #expect(throws: RegistryError.self) { try await store.revokeAPIToken(name: "nobody", at: revokedAt) }
        #expect(unknown?.code == .notFound)
    }

    func racingForTheSameRowsGivesOneCredentialPerRow(_ first: any RegistryStore, _ second: any RegistryStore) async throws {
        let policy = StatusAllocationPolicy(purposes: ["revocation"], listSize: 1024, fillThreshold: 1)
        let rows = (0..<30).map { request($0, batch: "race") }
        async let a = first.reserve(rows, policy: policy)
        async let b = second.reserve(
            rows.map {
                var r = $0; r.newCredentialID = "urn:uuid:\(UUID().uuidString.lowercased())"; return r
            }, policy: policy)
        let (ra, rb) = try await (a, b)
        #expect(ra.map(\.id) == rb.map(\.id))
        #expect(ra.map(\.statuses) == rb.map(\.statuses))
        #expect(try await first.consistencyProblems() == [])
        #expect(try await first.allocations().first?.allocatedCount == 30)
    }

    func concurrentReservationsNeverShareAnIndex(_ second: any RegistryStore, _ first: any RegistryStore) async throws {
        let policy = StatusAllocationPolicy(purposes: ["revocation"], listSize: 4096, fillThreshold: 1)
        let results = try await withThrowingTaskGroup(of: [CredentialRecord].self) { group in
            for worker in 0..<8 {
                let store = worker.isMultiple(of: 2) ? first : second
                group.addTask {
                    var out: [CredentialRecord] = []
                    for k in 0..<10 {
                        out += try await store.reserve((0..<20).map { self.request(worker * 1000 + k * 20 + $0, batch: "w") }, policy: policy)
                    }
                    return out
                }
            }
            var all: [CredentialRecord] = []
            for try await part in group { all += part }
            return all
        }
        #expect(results.count == 1600)
        #expect(Set(results.compactMap { $0.status(for: "revocation")?.index }).count == 1600)
    }
}

/// The engines under test: SQLite always, PostgreSQL when a server is given (required under CI).
enum RegistryEngine: String, CaseIterable, Sendable {
    case sqlite
    case postgres

    static var available: [RegistryEngine] { PostgresTestServer.enabled ? allCases : [.sqlite] }

    func makeStore() async throws -> any RegistryStore {
        switch self {
        case .sqlite: return try SQLiteRegistryStore(path: SQLiteRegistryTests.temporaryPath())
        case .postgres: return try PostgresRegistryStore(url: try PostgresTestServer.freshSpec())
        }
    }
}

/// Each behaviour every engine must have, run against every available engine.
@Suite("Registry engines: one behaviour")
struct RegistryEngineTests {
    enum Behaviour: String, CaseIterable, Sendable {
        case reservesOneEntryPerPurposeInDistinctLists
        case reReservingARowReturnsTheSameCredential
        case completingStoresTheDocument
        case revocationIsFinalAndSuspensionRoundTrips
        case unknownCredentialIsNamed
        case fullListsRollOverAndNoIndexRepeats
        case reservationsLeaveTheAllocationConsistent
        case apiTokensAreStoredAndListedByName
        case aDuplicateTokenNameIsRefused
        case aBadTokenNameIsRefused
        case aTokenIsFoundByHashUntilRevoked
        case aRevocationListCarriesItsCredentialsSuspensions

        func run(_ behaviour: RegistryBehaviour) async throws {
            switch self {
            case .reservesOneEntryPerPurposeInDistinctLists: try await behaviour.reservesOneEntryPerPurposeInDistinctLists()
            case .reReservingARowReturnsTheSameCredential: try await behaviour.reReservingARowReturnsTheSameCredential()
            case .completingStoresTheDocument: try await behaviour.completingStoresTheDocument()
            case .revocationIsFinalAndSuspensionRoundTrips: try await behaviour.revocationIsFinalAndSuspensionRoundTrips()
            case .unknownCredentialIsNamed: try await behaviour.unknownCredentialIsNamed()
            case .fullListsRollOverAndNoIndexRepeats: try await behaviour.fullListsRollOverAndNoIndexRepeats()
            case .reservationsLeaveTheAllocationConsistent: try await behaviour.reservationsLeaveTheAllocationConsistent()
            case .apiTokensAreStoredAndListedByName: try await behaviour.apiTokensAreStoredAndListedByName()
            case .aDuplicateTokenNameIsRefused: try await behaviour.aDuplicateTokenNameIsRefused()
            case .aBadTokenNameIsRefused: try await behaviour.aBadTokenNameIsRefused()
            case .aTokenIsFoundByHashUntilRevoked: try await behaviour.aTokenIsFoundByHashUntilRevoked()
            case .aRevocationListCarriesItsCredentialsSuspensions: try await behaviour.aRevocationListCarriesItsCredentialsSuspensions()
            }
        }
    }

    @Test(arguments: RegistryEngine.available, Behaviour.allCases)
    func behaves(_ engine: RegistryEngine, _ behaviour: Behaviour) async throws {
        try await behaviour.run(RegistryBehaviour { try await engine.makeStore() })
    }
}

@Suite("SQLite registry")
struct SQLiteRegistryTests {
    static func temporaryPath() -> String {
        TestDirectories.path("skillcred-registry").appendingPathComponent("registry.sqlite").path
    }

    let behaviour = RegistryBehaviour { try SQLiteRegistryStore(path: SQLiteRegistryTests.temporaryPath()) }

    /// Learners' data and token hashes: a new registry and its WAL are for the owner only, its folder too.
    @Test func aNewRegistryIsReadableByItsOwnerOnly() async throws {
        let path = Self.temporaryPath()
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteRegistryStore(path: path)
        _ = try await store.reserve([behaviour.request(1)], policy: StatusAllocationPolicy())
        func mode(_ p: String) throws -> Int {
            try #require((try FileManager.default.attributesOfItem(atPath: p)[.posixPermissions] as? NSNumber)?.intValue)
        }
        #expect(try mode(path) == 0o600)
        #expect(try mode(path + "-wal") & 0o077 == 0)
        #expect(try mode(folder.path) == 0o700)
    }

    @Test func twoConnectionsToOneFileNeverShareAnIndex() async throws {
        let path = Self.temporaryPath()
        let a = try SQLiteRegistryStore(path: path)
        let b = try SQLiteRegistryStore(path: path)
        try await behaviour.concurrentReservationsNeverShareAnIndex(a, b)
        #expect(try await a.consistencyProblems() == [])
    }

    @Test func twoConnectionsRacingForTheSameRowsAgreeOnOneCredentialEach() async throws {
        let path = Self.temporaryPath()
        try await behaviour.racingForTheSameRowsGivesOneCredentialPerRow(try SQLiteRegistryStore(path: path), try SQLiteRegistryStore(path: path))
    }

    @Test func aBitmapThatDisagreesWithTheRowsIsReported() {
        var bitmap = [UInt8](repeating: 0, count: 2)
        bitmap[0] = 0b1100_0000  // 0 and 1 drawn
        let broken = ListAllocation(url: "u", size: 16, allocated: bitmap, allocatedCount: 2, usedIndexes: [1, 5, 5])
        let problems = broken.problems
        #expect(problems.contains("u: index 5 is used twice"))
        #expect(problems.contains("u: index 5 is used but free in the allocation bitmap"))
        #expect(problems.contains { $0.contains("2 indexes marked drawn but 2 held") } == false)
        #expect(ListAllocation(url: "u", size: 16, allocated: bitmap, allocatedCount: 2, usedIndexes: [0, 1]).problems == [])
        #expect(
            ListAllocation(url: "u", size: 16, allocated: bitmap, allocatedCount: 2, usedIndexes: [0]).problems
                == ["u: 2 indexes marked drawn but 1 held by credentials"])
    }

    /// `statusList(url:)` reads without BEGIN … COMMIT (one statement is its own snapshot): every status change, made on
    /// the same connection or on another one to the file, shows in the very next lookup, exactly as the transactional
    /// read of `statusLists(issuer:)` shows it.
    @Test func aStatusListLookupSeesEachChangeAtOnceLikeATransactionalRead() async throws {
        let path = Self.temporaryPath()
        let a = try SQLiteRegistryStore(path: path)
        let b = try SQLiteRegistryStore(path: path)
        let records = try await a.reserve((1...6).map { behaviour.request($0) }, policy: StatusAllocationPolicy())
        for (n, record) in records.enumerated() {
            let writer = n.isMultiple(of: 2) ? a : b
            let action: StatusAction = n.isMultiple(of: 3) ? .suspend : .revoke
            _ = try await writer.changeStatus(credentialID: record.id, action: action, reason: nil, actor: "op")
            for reader in [a, b] {
                let plain = try await reader.statusLists(issuer: nil)
                for list in plain {
                    #expect(try await reader.statusList(url: list.url) == list)
                }
                let changed = try #require(record.statuses.first { $0.purpose == (action == .suspend ? "suspension" : "revocation") })
                let bits = try #require(try await reader.statusList(url: changed.listURL)).bits
                #expect(bits[changed.index / 8] & (0x80 >> UInt8(changed.index % 8)) != 0)
            }
        }
        #expect(try await a.statusList(url: "https://nowhere.example/none") == nil)
    }

    @Test func reopeningKeepsEverything() async throws {
        let path = Self.temporaryPath()
        let id: String
        do {
            let store = try SQLiteRegistryStore(path: path)
            id = try await store.reserve([behaviour.request(1)], policy: StatusAllocationPolicy())[0].id
            _ = try await store.changeStatus(credentialID: id, action: .revoke, reason: nil, actor: "op")
        }
        let reopened = try SQLiteRegistryStore(path: path)
        #expect(try await reopened.statusState(credentialID: id).revoked)
    }
}

@Suite("Index allocation")
struct IndexAllocatorTests {
    @Test func drawsDistinctUnusedIndexesUntilFull() {
        var bitmap = [UInt8](repeating: 0, count: 2)
        bitmap[0] = 0b1010_0000  // 0 and 2 already used
        let drawn = IndexAllocator.draw(20, size: 16, allocated: &bitmap)
        #expect(drawn.count == 14)
        #expect(Set(drawn).count == 14)
        #expect(!drawn.contains(0) && !drawn.contains(2))
        #expect(bitmap == [0xFF, 0xFF])
    }

    @Test func indexesDoNotRevealIssueOrder() {
        var bitmap = [UInt8](repeating: 0, count: 131_072 / 8)
        let drawn = IndexAllocator.draw(1000, size: 131_072, allocated: &bitmap)
        #expect(drawn != drawn.sorted())
        // Spread over the whole list, not clustered at its start.
        #expect(drawn.contains { $0 > 100_000 } && drawn.contains { $0 < 30_000 })
    }

    @Test func respectsASizeThatIsNotAMultipleOfEight() {
        var bitmap = [UInt8](repeating: 0, count: 2)
        let drawn = IndexAllocator.draw(100, size: 11, allocated: &bitmap)
        #expect(drawn.sorted() == Array(0..<11))
    }
}
