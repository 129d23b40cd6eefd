import CredentialRegistry
import Foundation
import Logging
import PostgresNIO
import StatusList

/// Where and how to reach a PostgreSQL registry, parsed from `postgres://user:pass@host:port/db`.
///
/// The query may name a schema (`?schema=NAME`): the store creates it and sets `search_path` on every
/// connection, so several registries (or test runs) can share one database. `sslmode=disable|prefer|require`
/// picks TLS; the default is `prefer`, and loopback hosts default to `disable`.
public struct PostgresRegistryURL: Sendable, Hashable {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var schema: String?
    public var sslMode: String

    /// Parses a `postgres://` or `postgresql://` URL, naming what is wrong with it.
    public init(_ text: String) throws(RegistryError) {
        guard let components = URLComponents(string: text),
              let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql"
        else {
            throw RegistryError(.storage, "not a PostgreSQL URL (expected postgres://user:pass@host:port/db): \(Self.redacted(text))")
        }
        guard let host = components.host, !host.isEmpty else {
            throw RegistryError(.storage, "the PostgreSQL URL has no host: \(Self.redacted(text))")
        }
        guard let user = components.user, !user.isEmpty else {
            throw RegistryError(.storage, "the PostgreSQL URL has no user name: \(Self.redacted(text))")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw RegistryError(.storage, "the PostgreSQL URL must name one database (…/db): \(Self.redacted(text))")
        }
        self.host = host
        self.port = components.port ?? 5432
        self.user = user
        self.password = components.password
        self.database = database
        let items = components.queryItems ?? []
        self.schema = items.first { $0.name == "schema" }?.value
        if let schema, !Self.isPlainIdentifier(schema) {
            throw RegistryError(.storage, "schema name `\(schema)` must be letters, digits and underscores, not starting with a digit")
        }
        let loopback = host == "localhost" || host.hasPrefix("127.") || host == "::1"
        self.sslMode = items.first { $0.name == "sslmode" }?.value ?? (loopback ? "disable" : "prefer")
        guard ["disable", "prefer", "require"].contains(sslMode) else {
            throw RegistryError(.storage, "sslmode must be disable, prefer or require, not `\(sslMode)`")
        }
    }

    /// The URL with its password hidden, for messages.
    public static func redacted(_ text: String) -> String {
        guard var c = URLComponents(string: text), c.password != nil else { return text }
        c.password = "***"
        return c.string ?? text
    }

    static func isPlainIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, !(48...57).contains(first.value), s.utf8.count <= 63 else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
    }
}

/// The registry in PostgreSQL, for issuers that run several skillcred instances against one database.
///
/// The schema matches the SQLite engine's table for table (bytea for blobs, timestamptz for times, and the same
/// `grdb_migrations` table so both report the same schema version). Each method is one transaction; reservations
/// lock the open list's row (`SELECT … FOR UPDATE`) before drawing, so two instances never draw the same index,
/// and the unique constraint on `(list_url, list_index)` backs that up. Deadlocks, serialization failures and a
/// lost race to reserve the same batch row are retried.
public final class PostgresRegistryStore: RegistryStore {
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let ready: Task<Void, any Error>
    private let logger = Logger(label: "skillcred.registry.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
    /// How often a transaction that lost a race is retried before the error is reported.
    public let maximumAttempts = 8

    /// Connects (lazily; the first call waits for the connection and the schema) to the database at `url`.
    ///
    /// - Parameter connectTimeout: how long the first call waits for the server before reporting it unreachable.
    public convenience init(url: String, maximumConnections: Int = 8, connectTimeout: TimeInterval = 10) throws(RegistryError) {
        try self.init(location: PostgresRegistryURL(url), maximumConnections: maximumConnections, connectTimeout: connectTimeout)
    }

    /// Connects to a parsed location; see ``init(url:maximumConnections:connectTimeout:)``.
    public init(location: PostgresRegistryURL, maximumConnections: Int = 8, connectTimeout: TimeInterval = 10) {
        let tls: PostgresClient.Configuration.TLS
        switch location.sslMode {
        case "disable": tls = .disable
        case "require": tls = .require(.makeClientConfiguration())
        default: tls = .prefer(.makeClientConfiguration())
        }
        var config = PostgresClient.Configuration(host: location.host, port: location.port, username: location.user,
                                                  password: location.password, database: location.database, tls: tls)
        config.options.maximumConnections = max(1, maximumConnections)
        config.options.connectTimeout = .milliseconds(Int64(max(0.1, connectTimeout) * 1000))
        if let schema = location.schema {
            config.options.additionalStartupParameters = [("search_path", schema)]
        }
        let client = PostgresClient(configuration: config)
        self.client = client
        runner = Task { await client.run() }
        let logger = self.logger
        let schema = location.schema
        let endpoint = "\(location.host):\(location.port)"
        ready = Task {
            // The pool retries refused connections forever; bound the wait so a wrong URL fails promptly. Only
            // reaching the server is bounded: migrations take turns under an advisory lock, so on a busy
            // database a migration may wait for others well past the connect timeout without anything being wrong.
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await client.withConnection { conn in _ = try await conn.query("SELECT 1", logger: logger) } }
                group.addTask {
                    try await Task.sleep(nanoseconds: UInt64(max(0.1, connectTimeout) * 1e9))
                    throw RegistryError(.storage, "cannot reach PostgreSQL at \(endpoint) within \(Int(connectTimeout.rounded(.up))) s")
                }
                defer { group.cancelAll() }
                try await group.next()
            }
            try await Self.migrate(client, schema: schema, logger: logger)
        }
    }

    deinit {
        runner.cancel()
    }

    /// Waits until the database is reachable and its schema is current, reporting why not.
    public func waitUntilReady() async throws(RegistryError) {
        do {
            try await ready.value
        } catch {
            throw Self.mapped(error, doing: "open the registry")
        }
    }

    // MARK: - Schema

    static let migrationV1 = "v1: credentials, status lists, audit log"
    static let migrationV2 = "v2: api tokens"

    /// Every migration in order, with its statements; the identifiers match the SQLite engine's.
    static let migrations: [(id: String, statements: [String])] = [(migrationV1, schemaV1), (migrationV2, schemaV2)]

    private static func migrate(_ client: PostgresClient, schema: String?, logger: Logger) async throws {
        try await client.withConnection { conn in
            try await conn.query("BEGIN", logger: logger)
            do {
                // One migrator at a time across all instances; the lock ends with the transaction.
                try await conn.query("SELECT pg_advisory_xact_lock(7259001)", logger: logger)
                if let schema {
                    try await conn.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \"\(schema)\""), logger: logger)
                }
                try await conn.query("CREATE TABLE IF NOT EXISTS grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)", logger: logger)
                var applied = Set<String>()
                for try await (id) in try await conn.query("SELECT identifier FROM grdb_migrations", logger: logger).decode(String.self) {
                    applied.insert(id)
                }
                if let unknown = applied.subtracting(migrations.map(\.id)).first {
                    throw RegistryError(.schema, "the registry was written by a newer skillcred (migration `\(unknown)`)")
                }
                for migration in migrations where !applied.contains(migration.id) {
                    for statement in migration.statements {
                        try await conn.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await conn.query("INSERT INTO grdb_migrations (identifier) VALUES (\(migration.id))", logger: logger)
                }
                try await conn.query("COMMIT", logger: logger)
            } catch {
                _ = try? await conn.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    /// The SQLite engine's v1 schema in PostgreSQL types.
    static let schemaV1 = [
        """
        CREATE TABLE status_list (
            url TEXT PRIMARY KEY,
            issuer TEXT NOT NULL,
            purpose TEXT NOT NULL,
            sequence BIGINT NOT NULL,
            size BIGINT NOT NULL,
            allocated BYTEA NOT NULL,
            allocated_count BIGINT NOT NULL,
            bits BYTEA NOT NULL,
            updated_at TIMESTAMPTZ NOT NULL,
            UNIQUE (issuer, purpose, sequence)
        )
        """,
        """
        CREATE TABLE credential (
            id TEXT PRIMARY KEY,
            issuer TEXT NOT NULL,
            batch TEXT NOT NULL,
            row_key TEXT NOT NULL,
            format TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('reserved', 'issued')),
            document BYTEA,
            created_at TIMESTAMPTZ NOT NULL,
            UNIQUE (batch, row_key, format)
        )
        """,
        """
        CREATE TABLE credential_status (
            credential_id TEXT NOT NULL REFERENCES credential(id),
            purpose TEXT NOT NULL,
            list_url TEXT NOT NULL REFERENCES status_list(url),
            list_index BIGINT NOT NULL,
            PRIMARY KEY (credential_id, purpose),
            UNIQUE (list_url, list_index)
        )
        """,
        """
        CREATE TABLE audit_log (
            id BIGSERIAL PRIMARY KEY,
            at TIMESTAMPTZ NOT NULL,
            credential_id TEXT NOT NULL,
            action TEXT NOT NULL,
            reason TEXT,
            actor TEXT NOT NULL
        )
        """,
        "CREATE INDEX audit_log_credential ON audit_log(credential_id)",
    ]

    /// API tokens, shared by every service instance on the database (the SQLite engine's v2 in PostgreSQL types).
    static let schemaV2 = [
        """
        CREATE TABLE api_tokens (
            name TEXT PRIMARY KEY,
            scopes TEXT NOT NULL,
            hash TEXT NOT NULL,
            created_at TIMESTAMPTZ NOT NULL,
            revoked_at TIMESTAMPTZ
        )
        """,
        "CREATE INDEX api_tokens_hash ON api_tokens(hash)",
    ]

    // MARK: - RegistryStore

    public func reserve(_ requests: [ReservationRequest], policy: StatusAllocationPolicy) async throws(RegistryError) -> [CredentialRecord] {
        try await transaction("reserve credentials", retryOnUniqueViolation: true) { conn, log in
            try await Self.reserve(conn, log, requests, policy: policy)
        }
    }

    public func complete(_ documents: [(credentialID: String, document: [UInt8])], actor: String) async throws(RegistryError) {
        let docs = documents.map { (id: $0.credentialID, doc: Data($0.document)) }
        try await transaction("store issued credentials") { conn, log in
            let now = Date()
            for d in docs {
                let updated = try await conn.query(
                    "UPDATE credential SET document = \(d.doc), state = 'issued' WHERE id = \(d.id) RETURNING id", logger: log).collect()
                guard updated.count == 1 else { throw RegistryError(.notFound, "no reserved credential \(d.id)") }
                try await conn.query("""
                    INSERT INTO audit_log (at, credential_id, action, reason, actor) VALUES (\(now), \(d.id), 'issue', NULL, \(actor))
                    """, logger: log)
            }
        }
    }

    public func credential(id: String) async throws(RegistryError) -> CredentialRecord? {
        try await transaction("read a credential") { conn, log in try await Self.fetchCredential(conn, log, id: id) }
    }

    public func statusState(credentialID: String) async throws(RegistryError) -> CredentialStatusState {
        try await transaction("read a credential's status") { conn, log in
            guard let record = try await Self.fetchCredential(conn, log, id: credentialID) else {
                throw RegistryError(.notFound, "no credential \(credentialID) in the registry")
            }
            func bit(_ purpose: String) async throws -> Bool {
                guard let s = record.status(for: purpose),
                      let bits = try await Self.bits(conn, log, url: s.listURL, lock: false) else { return false }
                return bits.bit(at: s.index) ?? false
            }
            return CredentialStatusState(record: record, revoked: try await bit("revocation"), suspended: try await bit("suspension"))
        }
    }

    public func changeStatus(credentialID: String, action: StatusAction, reason: String?, actor: String) async throws(RegistryError) -> StatusChangeResult {
        try await transaction("change a credential's status") { conn, log in
            guard let record = try await Self.fetchCredential(conn, log, id: credentialID) else {
                throw RegistryError(.notFound, "no credential \(credentialID) in the registry")
            }
            let purpose = action == .revoke ? "revocation" : "suspension"
            guard let assignment = record.status(for: purpose) else {
                throw RegistryError(.noStatusEntry, "credential \(credentialID) has no \(purpose) status entry")
            }
            if action == .reinstate, let rev = record.status(for: "revocation"),
               try await Self.bits(conn, log, url: rev.listURL, lock: false)?.bit(at: rev.index) == true {
                throw RegistryError(.notAllowed, "credential \(credentialID) is revoked; revocation is final and cannot be reinstated")
            }
            // The row lock keeps two instances changing bits of one list from overwriting each other's blob.
            guard var bits = try await Self.bits(conn, log, url: assignment.listURL, lock: true) else {
                throw RegistryError(.storage, "status list \(assignment.listURL) is missing")
            }
            let target = action != .reinstate
            let changed = bits.bit(at: assignment.index) != target
            let now = Date()
            if changed {
                try bits.setBit(at: assignment.index, to: target)
                try await conn.query("UPDATE status_list SET bits = \(Data(bits.bytes)), updated_at = \(now) WHERE url = \(assignment.listURL)",
                                     logger: log)
            }
            let recorded = action.rawValue + (changed ? "" : " (no change)")
            try await conn.query("""
                INSERT INTO audit_log (at, credential_id, action, reason, actor) VALUES (\(now), \(credentialID), \(recorded), \(reason), \(actor))
                """, logger: log)
            return StatusChangeResult(credentialID: credentialID, action: action, changed: changed,
                                      listURL: assignment.listURL, index: assignment.index)
        }
    }

    public func statusLists(issuer: String?) async throws(RegistryError) -> [StatusListSnapshot] {
        try await transaction("read status lists") { conn, log in
            let query: PostgresQuery = issuer.map {
                "SELECT url, issuer, purpose, size, bits, allocated_count, updated_at FROM status_list WHERE issuer = \($0) ORDER BY issuer, purpose, sequence"
            } ?? "SELECT url, issuer, purpose, size, bits, allocated_count, updated_at FROM status_list ORDER BY issuer, purpose, sequence"
            var out: [StatusListSnapshot] = []
            for try await (url, issuer, purpose, size, bits, count, updated) in try await conn.query(query, logger: log)
                .decode((String, String, String, Int, Data, Int, Date).self) {
                out.append(StatusListSnapshot(url: url, issuer: issuer, purpose: purpose, size: size, bits: Array(bits),
                                              allocatedCount: count, updatedAt: updated))
            }
            return out
        }
    }

    public func statusList(url: String) async throws(RegistryError) -> StatusListSnapshot? {
        try await transaction("read a status list") { conn, log in
            for try await (url, issuer, purpose, size, bits, count, updated) in try await conn.query(
                "SELECT url, issuer, purpose, size, bits, allocated_count, updated_at FROM status_list WHERE url = \(url)", logger: log)
                .decode((String, String, String, Int, Data, Int, Date).self) {
                return StatusListSnapshot(url: url, issuer: issuer, purpose: purpose, size: size, bits: Array(bits),
                                          allocatedCount: count, updatedAt: updated)
            }
            return nil
        }
    }

    public func auditLog(credentialID: String) async throws(RegistryError) -> [AuditEntry] {
        try await transaction("read the audit log") { conn, log in
            var out: [AuditEntry] = []
            for try await (at, id, action, reason, actor) in try await conn.query(
                "SELECT at, credential_id, action, reason, actor FROM audit_log WHERE credential_id = \(credentialID) ORDER BY id", logger: log)
                .decode((Date, String, String, String?, String).self) {
                out.append(AuditEntry(at: at, credentialID: id, action: action, reason: reason, actor: actor))
            }
            return out
        }
    }

    public func allocations() async throws(RegistryError) -> [ListAllocation] {
        try await transaction("read allocations", isolation: "REPEATABLE READ") { conn, log in
            var used: [String: [Int]] = [:]
            for try await (url, index) in try await conn.query("SELECT list_url, list_index FROM credential_status", logger: log)
                .decode((String, Int).self) {
                used[url, default: []].append(index)
            }
            var out: [ListAllocation] = []
            for try await (url, size, allocated, count) in try await conn.query(
                "SELECT url, size, allocated, allocated_count FROM status_list ORDER BY url", logger: log).decode((String, Int, Data, Int).self) {
                out.append(ListAllocation(url: url, size: size, allocated: Array(allocated), allocatedCount: count, usedIndexes: used[url] ?? []))
            }
            return out
        }
    }

    // MARK: - API tokens

    public func apiTokens() async throws(RegistryError) -> [APIToken] {
        try await transaction("read API tokens") { conn, log in
            try await Self.apiTokens(conn, log, "SELECT name, scopes, hash, created_at, revoked_at FROM api_tokens ORDER BY name")
        }
    }

    public func activeAPIToken(hash: String) async throws(RegistryError) -> APIToken? {
        try await transaction("look up an API token") { conn, log in
            try await Self.apiTokens(conn, log, """
                SELECT name, scopes, hash, created_at, revoked_at FROM api_tokens WHERE hash = \(hash) AND revoked_at IS NULL LIMIT 1
                """).first
        }
    }

    public func insertAPIToken(_ token: APIToken) async throws(RegistryError) {
        try APIToken.validate(name: token.name)
        try await transaction("store an API token") { conn, log in
            // ON CONFLICT instead of a prior SELECT: two instances creating the same name cannot both succeed.
            let inserted = try await conn.query("""
                INSERT INTO api_tokens (name, scopes, hash, created_at, revoked_at)
                VALUES (\(token.name), \(token.storedScopes), \(token.hash), \(token.createdAt), \(token.revokedAt))
                ON CONFLICT (name) DO NOTHING RETURNING name
                """, logger: log).collect()
            if inserted.isEmpty { throw RegistryError(.alreadyExists, "a token named \(token.name) already exists") }
        }
    }

    public func revokeAPIToken(name: String, at: Date) async throws(RegistryError) {
        try await transaction("revoke an API token") { conn, log in
            let updated = try await conn.query("""
                UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, \(at)) WHERE name = \(name) RETURNING name
                """, logger: log).collect()
            if updated.isEmpty { throw RegistryError(.notFound, "no token named \(name)") }
        }
    }

    private static func apiTokens(_ conn: PostgresConnection, _ log: Logger, _ query: PostgresQuery) async throws -> [APIToken] {
        var out: [APIToken] = []
        for try await (name, scopes, hash, created, revoked) in try await conn.query(query, logger: log)
            .decode((String, String, String, Date, Date?).self) {
            out.append(APIToken(name: name, scopes: APIToken.scopes(stored: scopes), hash: hash, createdAt: created, revokedAt: revoked))
        }
        return out
    }

    // MARK: - Transactions

    private static func reserve(_ conn: PostgresConnection, _ log: Logger, _ requests: [ReservationRequest],
                                policy: StatusAllocationPolicy) async throws -> [CredentialRecord] {
        var result: [CredentialRecord?] = Array(repeating: nil, count: requests.count)
        var fresh: [Int] = []
        for (k, r) in requests.enumerated() {
            if let existing = try await fetchCredential(conn, log, batch: r.batch, rowKey: r.rowKey, format: r.format) {
                result[k] = existing
            } else {
                fresh.append(k)
            }
        }
        let now = Date()
        // Lists are locked in one order (issuer, then the policy's purposes) so two reservations cannot deadlock.
        let byIssuer = Dictionary(grouping: fresh, by: { requests[$0].issuer })
        var assignments: [Int: [StatusAssignment]] = [:]
        for issuer in byIssuer.keys.sorted() {
            let members = byIssuer[issuer]!
            for purpose in policy.purposes {
                var pending = members[...]
                while !pending.isEmpty {
                    var list = try await openList(conn, log, issuer: issuer, purpose: purpose, policy: policy, now: now)
                    let room = policy.capacityPerList - list.allocatedCount
                    let indexes = IndexAllocator.draw(min(room, pending.count), size: list.size, allocated: &list.allocated)
                    for index in indexes {
                        let k = pending.removeFirst()
                        assignments[k, default: []].append(StatusAssignment(purpose: purpose, listURL: list.url, index: index))
                    }
                    try await conn.query("""
                        UPDATE status_list SET allocated = \(Data(list.allocated)), allocated_count = \(list.allocatedCount + indexes.count),
                        updated_at = \(now) WHERE url = \(list.url)
                        """, logger: log)
                }
            }
        }
        for k in fresh {
            let r = requests[k]
            try await conn.query("""
                INSERT INTO credential (id, issuer, batch, row_key, format, state, document, created_at)
                VALUES (\(r.newCredentialID), \(r.issuer), \(r.batch), \(r.rowKey), \(r.format), 'reserved', NULL, \(now))
                """, logger: log)
            let statuses = assignments[k] ?? []
            for s in statuses {
                try await conn.query("""
                    INSERT INTO credential_status (credential_id, purpose, list_url, list_index)
                    VALUES (\(r.newCredentialID), \(s.purpose), \(s.listURL), \(s.index))
                    """, logger: log)
            }
            result[k] = CredentialRecord(id: r.newCredentialID, issuer: r.issuer, batch: r.batch, rowKey: r.rowKey, format: r.format,
                                         state: .reserved, statuses: statuses.sorted { $0.purpose < $1.purpose }, document: nil, createdAt: now)
        }
        return result.map { $0! }
    }

    private struct OpenList {
        var url: String
        var size: Int
        var allocated: [UInt8]
        var allocatedCount: Int
    }

    /// The newest list for (issuer, purpose) with room, locked for this transaction; starts the next list when full.
    ///
    /// Creating uses `ON CONFLICT DO NOTHING` and then locks whatever row won, so two instances that both find
    /// the list full agree on one new list instead of failing.
    private static func openList(_ conn: PostgresConnection, _ log: Logger, issuer: String, purpose: String,
                                 policy: StatusAllocationPolicy, now: Date) async throws -> OpenList {
        var attempts = 0
        while true {
            attempts += 1
            var newest: (url: String, size: Int, allocated: Data, count: Int, sequence: Int)?
            for try await row in try await conn.query("""
                SELECT url, size, allocated, allocated_count, sequence FROM status_list
                WHERE issuer = \(issuer) AND purpose = \(purpose) ORDER BY sequence DESC LIMIT 1 FOR UPDATE
                """, logger: log).decode((String, Int, Data, Int, Int).self) {
                newest = (row.0, row.1, row.2, row.3, row.4)
            }
            if let newest, newest.count < policy.capacityPerList {
                return OpenList(url: newest.url, size: newest.size, allocated: Array(newest.allocated), allocatedCount: newest.count)
            }
            guard attempts <= 3 else {
                throw RegistryError(.conflict, "cannot start a new \(purpose) list for \(issuer): its URL is taken by another list")
            }
            let sequence = (newest?.sequence ?? 0) + 1
            let url = policy.listURL(purpose: purpose, sequence: sequence)
            let empty = Data(count: (policy.listSize + 7) / 8)
            let inserted = try await conn.query("""
                INSERT INTO status_list (url, issuer, purpose, sequence, size, allocated, allocated_count, bits, updated_at)
                VALUES (\(url), \(issuer), \(purpose), \(sequence), \(policy.listSize), \(empty), 0, \(empty), \(now))
                ON CONFLICT DO NOTHING RETURNING url
                """, logger: log).collect()
            if inserted.isEmpty {
                // Another instance created it (fine: the loop locks it), or the URL belongs to another issuer.
                let same = try await conn.query("""
                    SELECT url FROM status_list WHERE issuer = \(issuer) AND purpose = \(purpose) AND sequence = \(sequence)
                    """, logger: log).collect()
                if same.isEmpty {
                    throw RegistryError(.conflict, "status list URL \(url) is already used by another issuer or purpose")
                }
            }
        }
    }

    private static func bits(_ conn: PostgresConnection, _ log: Logger, url: String, lock: Bool) async throws -> Bitstring? {
        let query: PostgresQuery = lock ? "SELECT bits FROM status_list WHERE url = \(url) FOR UPDATE" : "SELECT bits FROM status_list WHERE url = \(url)"
        for try await (blob) in try await conn.query(query, logger: log).decode(Data.self) {
            return Bitstring(bytes: Array(blob))
        }
        return nil
    }

    private static func fetchCredential(_ conn: PostgresConnection, _ log: Logger, id: String) async throws -> CredentialRecord? {
        try await fetchCredential(conn, log, query: """
            SELECT id, issuer, batch, row_key, format, state, document, created_at FROM credential WHERE id = \(id)
            """)
    }

    private static func fetchCredential(_ conn: PostgresConnection, _ log: Logger, batch: String, rowKey: String,
                                        format: String) async throws -> CredentialRecord? {
        try await fetchCredential(conn, log, query: """
            SELECT id, issuer, batch, row_key, format, state, document, created_at FROM credential
            WHERE batch = \(batch) AND row_key = \(rowKey) AND format = \(format)
            """)
    }

    private static func fetchCredential(_ conn: PostgresConnection, _ log: Logger, query: PostgresQuery) async throws -> CredentialRecord? {
        var found: CredentialRecord?
        for try await (id, issuer, batch, rowKey, format, state, document, created) in try await conn.query(query, logger: log)
            .decode((String, String, String, String, String, String, Data?, Date).self) {
            found = CredentialRecord(id: id, issuer: issuer, batch: batch, rowKey: rowKey, format: format,
                                     state: CredentialRecord.State(rawValue: state) ?? .reserved, statuses: [],
                                     document: document.map { Array($0) }, createdAt: created)
        }
        guard var record = found else { return nil }
        for try await (purpose, url, index) in try await conn.query(
            "SELECT purpose, list_url, list_index FROM credential_status WHERE credential_id = \(record.id) ORDER BY purpose", logger: log)
            .decode((String, String, Int).self) {
            record.statuses.append(StatusAssignment(purpose: purpose, listURL: url, index: index))
        }
        return record
    }

    /// Runs `body` in one transaction on a pooled connection: COMMIT returns only once PostgreSQL has made the
    /// change durable (synchronous_commit is on by default). Lost races are retried with a short random backoff.
    private func transaction<T: Sendable>(_ what: String, isolation: String = "READ COMMITTED", retryOnUniqueViolation: Bool = false,
                                          _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T) async throws(RegistryError) -> T {
        try await waitUntilReady()
        var attempt = 0
        while true {
            attempt += 1
            do {
                let log = logger
                return try await client.withConnection { conn in
                    try await conn.query(PostgresQuery(unsafeSQL: "BEGIN ISOLATION LEVEL \(isolation)"), logger: log)
                    do {
                        let value = try await body(conn, log)
                        try await conn.query("COMMIT", logger: log)
                        return value
                    } catch {
                        _ = try? await conn.query("ROLLBACK", logger: log)
                        throw error
                    }
                }
            } catch {
                let state = (error as? PSQLError)?.serverInfo?[.sqlState]
                let retriable = state == "40001" || state == "40P01" || (retryOnUniqueViolation && state == "23505")
                if retriable && attempt < maximumAttempts {
                    try? await Task.sleep(nanoseconds: UInt64.random(in: 1_000_000...(5_000_000 * UInt64(attempt))))
                    continue
                }
                throw Self.mapped(error, doing: what)
            }
        }
    }

    static func mapped(_ error: any Error, doing what: String) -> RegistryError {
        if let error = error as? RegistryError { return error }
        if let error = error as? PSQLError {
            if let info = error.serverInfo {
                let state = info[.sqlState] ?? "?"
                let message = info[.message] ?? "\(error.code)"
                if state.hasPrefix("23") {
                    return RegistryError(.conflict, "the registry refused a change that would break its consistency (\(state)): \(message)")
                }
                return RegistryError(.storage, "cannot \(what): PostgreSQL said \(state): \(message)")
            }
            return RegistryError(.storage, "cannot \(what): \(error.code)")
        }
        return RegistryError(.storage, "cannot \(what): \(error)")
    }
}
