import CredentialRegistry
import CredentialService
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import RegistrySQLite
import Testing

/// Tokens live in the registry: a registry file written before the registry owned them keeps its tokens.
@Suite("Service tokens in the registry")
struct TokenRegistryTests {
    /// A data directory whose SQLite registry looks as an earlier skillcred left it: only the v1 migration
    /// recorded, and the `api_tokens` table the service used to create for itself, holding `tokens`.
    func legacyDataDirectory(tokens: [(name: String, scopes: String, secret: String, revokedAt: Double?)]) async throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-legacy-\(UUID().uuidString)")
        let path = dir.appendingPathComponent("registry.sqlite").path
        do { _ = try SQLiteRegistryStore(path: path) }
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            // Later migrations' tables (OpenID4VCI offers) did not exist then either.
            try db.execute(
                sql: """
                    DROP TABLE api_tokens; DROP TABLE openid4vci_access_token; DROP TABLE openid4vci_nonce; DROP TABLE openid4vci_offer;
                    DELETE FROM grdb_migrations WHERE identifier <> 'v1: credentials, status lists, audit log'
                    """)
            // The table exactly as the service's former SQLiteTokenStore created it.
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS api_tokens (
                        name TEXT PRIMARY KEY NOT NULL,
                        scopes TEXT NOT NULL,
                        hash TEXT NOT NULL,
                        created_at REAL NOT NULL,
                        revoked_at REAL)
                    """)
            for t in tokens {
                try db.execute(
                    sql: "INSERT INTO api_tokens (name, scopes, hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?)",
                    arguments: [t.name, t.scopes, Tokens.hash(t.secret), 1_700_000_000.5, t.revokedAt])
            }
        }
        try queue.close()
        return dir
    }

    @Test func tokensFromBeforeTheMigrationStillAuthenticate() async throws {
        let active = Tokens.generateSecret(), revoked = Tokens.generateSecret()
        let dir = try await legacyDataDirectory(tokens: [("old-sis", "issue,status", active, nil), ("old-ci", "issue", revoked, 1_700_000_100)])
        defer { try? FileManager.default.removeItem(at: dir) }
        let prepared = try await ServiceSetup.prepare(ServiceConfiguration(dataDirectory: dir))
        #expect(prepared.demoToken == nil, "the registry already had tokens, so no demo token is made")

        let listed = try await prepared.state.registry.apiTokens()
        #expect(listed.map(\.name) == ["old-ci", "old-sis"])
        let sis = try #require(listed.last)
        #expect(sis.scopes == [.issue, .status] && sis.isActive)
        #expect(sis.createdAt == Date(timeIntervalSince1970: 1_700_000_000.5))
        #expect(listed.first?.revokedAt == Date(timeIntervalSince1970: 1_700_000_100))

        let app = Application(router: CredentialServiceRoutes.router(state: prepared.state))
        try await app.test(.router) { client in
            _ = try await issue(client, token: active)
            try await client.execute(uri: "/credentials/issue", method: .post, headers: bearer(revoked), body: json(issueBody())) { r in
                #expect(r.status == .unauthorized)
            }
        }
    }

    static let postgresURL = ProcessInfo.processInfo.environment["SKILLCRED_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }

    /// The reason tokens moved into the registry: two instances on one PostgreSQL database (each with its own
    /// data directory) accept the same tokens, and a revocation through one is refused by the other.
    @Test(.enabled(if: postgresURL != nil, "SKILLCRED_TEST_POSTGRES_URL is not set"))
    func twoInstancesOnOnePostgreSQLRegistryShareTokens() async throws {
        let base = try #require(Self.postgresURL)
        let spec = base + (base.contains("?") ? "&" : "?") + "schema=t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        func instance() async throws -> ServiceSetup.Prepared {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-pg-service-\(UUID().uuidString)")
            return try await ServiceSetup.prepare(ServiceConfiguration(dataDirectory: dir, databaseSpec: spec))
        }
        let a = try await instance()
        let b = try await instance()
        defer {
            try? FileManager.default.removeItem(at: a.state.configuration.dataDirectory)
            try? FileManager.default.removeItem(at: b.state.configuration.dataDirectory)
        }
        let demo = try #require(a.demoToken)
        #expect(b.demoToken == nil, "the second instance finds the first one's demo token in the database")
        #expect(!FileManager.default.fileExists(atPath: a.state.configuration.dataDirectory.appendingPathComponent("tokens.json").path))

        let appB = Application(router: CredentialServiceRoutes.router(state: b.state))
        try await appB.test(.router) { client in
            _ = try await issue(client, token: demo)
            try await a.state.registry.revokeAPIToken(name: "demo", at: Date())
            try await client.execute(uri: "/credentials/issue", method: .post, headers: bearer(demo), body: json(issueBody())) { r in
                #expect(r.status == .unauthorized)
            }
        }
    }

    @Test func aTokenCreatedThroughOneRegistryConnectionAuthenticatesThroughAnother() async throws {
        let s = try await TestService.make()
        defer { try? FileManager.default.removeItem(at: s.directory) }
        let other = try SQLiteRegistryStore(path: s.state.configuration.databaseSpec)
        let secret = Tokens.generateSecret()
        try await other.insertAPIToken(APIToken(name: "second-instance", scopes: [.status], hash: Tokens.hash(secret), createdAt: Date()))
        #expect(try await Tokens.authenticate(secret, registry: s.state.registry)?.name == "second-instance")
        try await other.revokeAPIToken(name: "second-instance", at: Date())
        #expect(try await Tokens.authenticate(secret, registry: s.state.registry) == nil)
        #expect(try await Tokens.authenticate(secret + "x", registry: s.state.registry) == nil)
    }
}
