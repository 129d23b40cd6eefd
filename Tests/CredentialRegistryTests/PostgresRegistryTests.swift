import CredentialRegistry
import Foundation
import RegistryPostgres
import RegistrySQLite
import RegistryStores
import Testing

/// The PostgreSQL server the tests use: `SKILLCRED_TEST_POSTGRES_URL` (`.ci/run` starts one and sets it).
///
/// Without it the PostgreSQL suites skip with a loud message; with `SKILLCRED_REQUIRE_POSTGRES=1` (set by
/// `.ci/run`) a missing server fails the run instead. Each store gets its own random schema, so tests never see
/// each other's rows and can run in parallel against one database.
enum PostgresTestServer {
    static let url: String? = {
        let value = ProcessInfo.processInfo.environment["SKILLCRED_TEST_POSTGRES_URL"]
        return value?.isEmpty == false ? value : nil
    }()

    static let isRequired = ProcessInfo.processInfo.environment["SKILLCRED_REQUIRE_POSTGRES"] == "1"

    /// Whether the PostgreSQL suites run; prints why not when they are skipped.
    static let enabled: Bool = {
        if url != nil || isRequired { return true }
        print(
            """
            ************************************************************************************
            POSTGRESQL TESTS SKIPPED: SKILLCRED_TEST_POSTGRES_URL is not set.
            Set it to postgres://user:pass@host:port/db (each test uses its own schema), or run
            .ci/run, which starts a throwaway server. SKILLCRED_REQUIRE_POSTGRES=1 makes this a failure.
            ************************************************************************************
            """)
        return false
    }()

    /// The server URL with a fresh, random schema.
    static func freshSpec() throws -> String {
        let base = try #require(url, "SKILLCRED_REQUIRE_POSTGRES=1 but SKILLCRED_TEST_POSTGRES_URL is not set: no PostgreSQL server to test against")
        let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        return base + (base.contains("?") ? "&" : "?") + "schema=" + schema
    }
}

@Suite("PostgreSQL registry", .enabled(if: PostgresTestServer.enabled, "SKILLCRED_TEST_POSTGRES_URL is not set"))
struct PostgresRegistryTests {
    let behaviour = RegistryBehaviour { try PostgresRegistryStore(url: try PostgresTestServer.freshSpec()) }

    @Test func serverIsReachable() async throws {
        let store = try PostgresRegistryStore(url: try PostgresTestServer.freshSpec())
        try await store.waitUntilReady()
        #expect(try await store.statusLists(issuer: nil).isEmpty)
    }

    @Test func twoInstancesOnOneDatabaseNeverShareAnIndex() async throws {
        let spec = try PostgresTestServer.freshSpec()
        let a = try PostgresRegistryStore(url: spec)
        let b = try PostgresRegistryStore(url: spec)
        try await behaviour.concurrentReservationsNeverShareAnIndex(a, b)
        #expect(try await a.consistencyProblems() == [])
    }

    @Test func twoInstancesRacingForTheSameRowsAgreeOnOneCredentialEach() async throws {
        let spec = try PostgresTestServer.freshSpec()
        let a = try PostgresRegistryStore(url: spec)
        let b = try PostgresRegistryStore(url: spec)
        try await behaviour.racingForTheSameRowsGivesOneCredentialPerRow(a, b)
    }

    @Test func twoInstancesOnOneDatabaseShareTokensAndAgreeOnAName() async throws {
        let spec = try PostgresTestServer.freshSpec()
        let a = try PostgresRegistryStore(url: spec)
        let b = try PostgresRegistryStore(url: spec)
        let hash = String(repeating: "f", count: 64)
        try await a.insertAPIToken(behaviour.token("shared", [.issue], hash: hash))
        #expect(try await b.activeAPIToken(hash: hash)?.name == "shared")
        try await b.revokeAPIToken(name: "shared", at: Date())
        #expect(try await a.activeAPIToken(hash: hash) == nil)

        // Both instances create the same name at once: exactly one wins, the other is told the name is taken.
        @Sendable func insert(_ store: PostgresRegistryStore, _ scope: TokenScope) async -> RegistryError? {
            do { try await store.insertAPIToken(behaviour.token("race", [scope])) } catch { return error }
            return nil
        }
        async let first = insert(a, .issue)
        async let second = insert(b, .status)
        let outcomes = await [first, second]
        #expect(outcomes.filter { $0 == nil }.count == 1)
        #expect(outcomes.compactMap { $0?.code } == [.alreadyExists])
    }

    @Test func reopeningKeepsEverything() async throws {
        let spec = try PostgresTestServer.freshSpec()
        let id = try await {
            let store = try PostgresRegistryStore(url: spec)
            let id = try await store.reserve([behaviour.request(1)], policy: StatusAllocationPolicy())[0].id
            _ = try await store.changeStatus(credentialID: id, action: .revoke, reason: nil, actor: "op")
            return id
        }()
        let reopened = try RegistryConnection.open(spec)
        #expect(try await reopened.statusState(credentialID: id).revoked)
    }

    @Test func badURLsAreNamed() throws {
        #expect(throws: RegistryError.self) { try PostgresRegistryURL("postgres://host/db") }  // no user
        #expect(throws: RegistryError.self) { try PostgresRegistryURL("postgres://u@host") }  // no database
        #expect(throws: RegistryError.self) { try PostgresRegistryURL("postgres://u@host/db?schema=x;drop") }
        let parsed = try PostgresRegistryURL("postgresql://u:secret@db.example:6543/reg?schema=s1")
        #expect(parsed.port == 6543 && parsed.password == "secret" && parsed.database == "reg" && parsed.schema == "s1")
        #expect(parsed.sslMode == "prefer")
        #expect(PostgresRegistryURL.redacted("postgres://u:secret@h/db").contains("secret") == false)
    }

    @Test func anUnreachableServerIsReportedAsAStorageError() async throws {
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        let store = try PostgresRegistryStore(url: "postgres://nobody@127.0.0.1:1/none", connectTimeout: 1)
        let error = await #expect(throws: RegistryError.self) { try await store.waitUntilReady() }
        #expect(error?.code == .storage)
        #expect(error?.message.contains("127.0.0.1:1") == true)
    }
}

@Suite("Registry specs")
struct RegistryConnectionTests {
    @Test func specSelectsTheEngine() throws {
        #expect(RegistryConnection.isPostgres("postgres://u@h/db"))
        #expect(RegistryConnection.isPostgres("POSTGRESQL://u@h/db"))
        #expect(!RegistryConnection.isPostgres("skillcred-data/registry.sqlite"))
        let path = SQLiteRegistryTests.temporaryPath()
        #expect(try RegistryConnection.open(path) is SQLiteRegistryStore)
        #expect(try RegistryConnection.open("postgres://u@127.0.0.1:1/db") is PostgresRegistryStore)
        let error = #expect(throws: RegistryError.self) { try RegistryConnection.open("mysql://u@h/db") }
        #expect(error?.message.contains("unsupported") == true)
    }

    @Test func explicitSpecBeatsTheEnvironmentWhichBeatsTheDefault() {
        #expect(RegistryConnection.resolvedSpec("a.sqlite", dataDirectory: "/d", environment: ["SKILLCRED_DATABASE": "b.sqlite"]) == "a.sqlite")
        #expect(RegistryConnection.resolvedSpec(nil, dataDirectory: "/d", environment: ["SKILLCRED_DATABASE": "b.sqlite"]) == "b.sqlite")
        #expect(RegistryConnection.resolvedSpec(nil, dataDirectory: "/d", environment: [:]) == "/d/registry.sqlite")
    }
}
