import CredentialRegistry
import Foundation
import GRDB
import StatusList

/// The registry in a SQLite file (GRDB): WAL journal, full-sync commits, and a busy timeout so that
/// the CLI and a running server can share one database.
public final class SQLiteRegistryStore: RegistryStore {
    private let pool: DatabasePool

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    ///
    /// - Parameter busyTimeout: how long a writer waits for another process's transaction.
    public init(path: String, busyTimeout: TimeInterval = 10) throws(RegistryError) {
        var config = Configuration()
        config.busyMode = .timeout(busyTimeout)
        config.foreignKeysEnabled = true
        config.prepareDatabase { db in
            // FULL makes each commit durable on power loss, not only on a process crash: a revocation
            // reported done must survive both.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            if !FileManager.default.fileExists(atPath: directory.path) {
                try FileManager.default.createDirectory(
                    at: directory, withIntermediateDirectories: true,
                    attributes: [.posixPermissions: 0o700])
            }
            // The registry holds learners' personal data and token hashes: a new file is for its owner only, whatever
            // the umask, and SQLite gives its -wal and -shm files the database file's mode. An empty file is an
            // empty database. O_EXCL: two processes creating it at once both find one file.
            if !FileManager.default.fileExists(atPath: path) {
                let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
                if fd >= 0 { close(fd) }
            }
            pool = try Self.openMigrated(path: path, configuration: config)
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError(.storage, "cannot open the registry at \(path): \(error)")
        }
    }

    /// Opens the pool and brings the schema up to date, also when several processes open a new or older file at once.
    ///
    /// Two first opens race in two places: switching a new file to WAL needs a lock the busy timeout does not
    /// wait for, and GRDB's migrator reads which migrations are applied before it takes the write lock, so the
    /// loser fails on a table (or migration row) the winner has just committed. Each migration is its own
    /// transaction, so trying again after a short pause sees the winner's work and applies only what is left.
    static func openMigrated(path: String, configuration: Configuration, attempts: Int = 5) throws -> DatabasePool {
        var attempt = 0
        while true {
            attempt += 1
            do {
                let pool = try DatabasePool(path: path, configuration: configuration)
                try migrator.migrate(pool)
                return pool
            } catch {
                if attempt >= attempts { throw error }
                usleep(UInt32.random(in: 5_000...(20_000 * UInt32(attempt))))
            }
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: credentials, status lists, audit log") { db in
            try db.execute(
                sql: """
                    CREATE TABLE status_list (
                        url TEXT PRIMARY KEY,
                        issuer TEXT NOT NULL,
                        purpose TEXT NOT NULL,
                        sequence INTEGER NOT NULL,
                        size INTEGER NOT NULL,
                        allocated BLOB NOT NULL,
                        allocated_count INTEGER NOT NULL,
                        bits BLOB NOT NULL,
                        updated_at DATETIME NOT NULL,
                        UNIQUE (issuer, purpose, sequence)
                    );
                    CREATE TABLE credential (
                        id TEXT PRIMARY KEY,
                        issuer TEXT NOT NULL,
                        batch TEXT NOT NULL,
                        row_key TEXT NOT NULL,
                        format TEXT NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('reserved', 'issued')),
                        document BLOB,
                        created_at DATETIME NOT NULL,
                        UNIQUE (batch, row_key, format)
                    );
                    CREATE TABLE credential_status (
                        credential_id TEXT NOT NULL REFERENCES credential(id),
                        purpose TEXT NOT NULL,
                        list_url TEXT NOT NULL REFERENCES status_list(url),
                        list_index INTEGER NOT NULL,
                        PRIMARY KEY (credential_id, purpose),
                        UNIQUE (list_url, list_index)
                    );
                    CREATE TABLE audit_log (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        at DATETIME NOT NULL,
                        credential_id TEXT NOT NULL,
                        action TEXT NOT NULL,
                        reason TEXT,
                        actor TEXT NOT NULL
                    );
                    CREATE INDEX audit_log_credential ON audit_log(credential_id);
                    """)
        }
        // Before this migration the service kept tokens in an `api_tokens` table it created itself, with exactly
        // these columns (times as Unix seconds); IF NOT EXISTS adopts that table so its tokens keep working.
        migrator.registerMigration(apiTokensMigration) { db in
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS api_tokens (
                        name TEXT PRIMARY KEY NOT NULL,
                        scopes TEXT NOT NULL,
                        hash TEXT NOT NULL,
                        created_at REAL NOT NULL,
                        revoked_at REAL
                    );
                    CREATE INDEX IF NOT EXISTS api_tokens_hash ON api_tokens(hash);
                    """)
        }
        migrator.registerMigration(offersMigration) { db in
            try db.execute(
                sql: """
                    CREATE TABLE openid4vci_offer (
                        id TEXT PRIMARY KEY NOT NULL,
                        issuer TEXT NOT NULL,
                        batch TEXT NOT NULL,
                        row_key TEXT NOT NULL,
                        credential_id TEXT NOT NULL REFERENCES credential(id),
                        configurations TEXT NOT NULL,
                        template BLOB NOT NULL,
                        recipient BLOB NOT NULL,
                        pre_authorized_code TEXT NOT NULL UNIQUE,
                        tx_code_hash TEXT,
                        tx_code_length INTEGER,
                        expires_at DATETIME NOT NULL,
                        redeemed_at DATETIME,
                        failed_attempts INTEGER NOT NULL DEFAULT 0,
                        created_at DATETIME NOT NULL,
                        UNIQUE (issuer, batch, row_key)
                    );
                    CREATE TABLE openid4vci_access_token (
                        hash TEXT PRIMARY KEY NOT NULL,
                        offer_id TEXT NOT NULL REFERENCES openid4vci_offer(id),
                        expires_at DATETIME NOT NULL
                    );
                    CREATE TABLE openid4vci_nonce (
                        nonce TEXT PRIMARY KEY NOT NULL,
                        expires_at DATETIME NOT NULL
                    );
                    CREATE INDEX openid4vci_nonce_expiry ON openid4vci_nonce(expires_at);
                    """)
        }
        return migrator
    }

    /// The identifier of the migration that adds API tokens (the PostgreSQL engine records the same one).
    static let apiTokensMigration = "v2: api tokens"
    /// The identifier of the migration that adds OpenID4VCI offers, access tokens and nonces (both engines).
    static let offersMigration = "v3: openid4vci offers, access tokens, nonces"

    // MARK: - RegistryStore

    public func reserve(_ requests: [ReservationRequest], policy: StatusAllocationPolicy) async throws(RegistryError) -> [CredentialRecord] {
        try await write { db in try Self.reserve(db, requests, policy: policy) }
    }

    public func complete(_ documents: [(credentialID: String, document: [UInt8])], actor: String) async throws(RegistryError) {
        let docs = documents.map { (id: $0.credentialID, doc: Data($0.document)) }
        try await write { db in
            let now = Date()
            for document in docs {
                try db.cachedStatement(sql: "UPDATE credential SET document = ?, state = 'issued' WHERE id = ?").execute(arguments: [document.doc, document.id])
                guard db.changesCount == 1 else { throw RegistryError(.notFound, "no reserved credential \(document.id)") }
                try db.cachedStatement(sql: "INSERT INTO audit_log (at, credential_id, action, reason, actor) VALUES (?, ?, 'issue', NULL, ?)")
                    .execute(arguments: [now, document.id, actor])
            }
        }
    }

    public func credential(id: String) async throws(RegistryError) -> CredentialRecord? {
        try await read { db in try Self.fetchCredential(db, where: "id = ?", [id]) }
    }

    public func statusState(credentialID: String) async throws(RegistryError) -> CredentialStatusState {
        try await read { db in
            guard let record = try Self.fetchCredential(db, where: "id = ?", [credentialID]) else {
                throw RegistryError(.notFound, "no credential \(credentialID) in the registry")
            }
            return try StatusChangeRules.state(of: record) { entry in try Self.bits(db, url: entry.listURL)?.bit(at: entry.index) }
        }
    }

    public func changeStatus(credentialID: String, action: StatusAction, reason: String?, actor: String) async throws(RegistryError) -> StatusChangeResult {
        try await write { db in
            let record = try Self.fetchCredential(db, where: "id = ?", [credentialID])
            let entry = try StatusChangeRules.entry(for: action, of: record, credentialID: credentialID)
            if let record, let revocation = StatusChangeRules.revocationToCheck(before: action, of: record) {
                let revoked = try Self.bits(db, url: revocation.listURL)?.bit(at: revocation.index) ?? false
                try StatusChangeRules.check(revoked: revoked, before: action, credentialID: credentialID)
            }
            // The write transaction is the lock: SQLite runs one writer at a time.
            guard var bits = try Self.bits(db, url: entry.listURL) else {
                throw RegistryError(.storage, "status list \(entry.listURL) is missing")
            }
            let changed = try StatusChangeRules.apply(action, to: &bits, at: entry)
            let now = Date()
            if changed {
                try db.execute(
                    sql: "UPDATE status_list SET bits = ?, updated_at = ? WHERE url = ?",
                    arguments: [Data(bits.bytes), now, entry.listURL])
            }
            try db.execute(
                sql: "INSERT INTO audit_log (at, credential_id, action, reason, actor) VALUES (?, ?, ?, ?, ?)",
                arguments: [now, credentialID, StatusChangeRules.auditAction(action, changed: changed), reason, actor])
            return StatusChangeRules.result(action, credentialID: credentialID, entry: entry, changed: changed)
        }
    }

    public func statusLists(issuer: String?) async throws(RegistryError) -> [StatusListSnapshot] {
        try await read { db in
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT \(Self.snapshotColumns) FROM status_list
                    WHERE ? IS NULL OR issuer = ? ORDER BY issuer, purpose, sequence
                    """, arguments: [issuer, issuer])
            var lists: [StatusListSnapshot] = []
            while let row = try rows.next() { lists.append(try Self.snapshot(row)) }
            return lists
        }
    }

    public func statusList(url: String) async throws(RegistryError) -> StatusListSnapshot? {
        // Read on the calling thread: an indexed lookup in WAL mode takes microseconds, and the hop to GRDB's queue
        // and back cost a verification twice as much (two lists each: 625 → 450 µs of server CPU per VC 2.0 request).
        try readHere { db in
            try Self.firstSnapshot(Row.fetchCursor(Self.statusListStatement(db), arguments: [url]))
        }
    }

    public func statusLists(urls: [String]) async throws(RegistryError) -> [StatusListSnapshot] {
        // One reader connection for all, each list by the single-list statement: what a read costs is mostly
        // taking the connection and SQLite's locks, not the lookup. (`WHERE url IN (…)` saved the second
        // connection but cost about as much again in SQLite, which builds a table of the values for the IN.)
        // Each statement reads its own snapshot, as separate `statusList(url:)` calls would.
        let wanted = Array(Set(urls))
        return try readHere { db in
            let statement = try Self.statusListStatement(db)
            return try wanted.compactMap { url in try Self.firstSnapshot(Row.fetchCursor(statement, arguments: [url])) }
        }
    }

    public func revocationListWithSuspensions(url: String) async throws(RegistryError) -> RevocationListWithSuspensions? {
        try await read { db in
            guard
                let revocation = try Self.firstSnapshot(
                    Row.fetchCursor(db, sql: "SELECT \(Self.snapshotColumns) FROM status_list WHERE url = ?", arguments: [url]))
            else { return nil }
            var suspended: [Int] = []
            let lists = try Row.fetchAll(
                db, sql: "SELECT url, bits FROM status_list WHERE issuer = ? AND purpose = 'suspension'", arguments: [revocation.issuer])
            for list in lists {
                let set = SuspensionMirror.setIndexes(Array(list["bits"] as Data))
                for start in stride(from: 0, to: set.count, by: SuspensionMirror.queryChunk) {
                    let chunk = set[start..<min(start + SuspensionMirror.queryChunk, set.count)]
                    let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
                    var arguments: [(any DatabaseValueConvertible)?] = [url, list["url"] as String]
                    arguments += chunk.map { $0 }
                    suspended += try Int.fetchAll(
                        db,
                        sql: """
                            SELECT r.list_index FROM credential_status s
                            JOIN credential_status r ON r.credential_id = s.credential_id AND r.purpose = 'revocation' AND r.list_url = ?
                            WHERE s.purpose = 'suspension' AND s.list_url = ? AND s.list_index IN (\(marks))
                            """, arguments: StatementArguments(arguments))
                }
            }
            return RevocationListWithSuspensions(revocation: revocation, suspendedIndexes: suspended.sorted())
        }
    }

    public func auditLog(credentialID: String) async throws(RegistryError) -> [AuditEntry] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT at, credential_id, action, reason, actor FROM audit_log WHERE credential_id = ? ORDER BY id",
                arguments: [credentialID]
            ).map { r in
                AuditEntry(at: r["at"], credentialID: r["credential_id"], action: r["action"], reason: r["reason"], actor: r["actor"])
            }
        }
    }

    public func allocations() async throws(RegistryError) -> [ListAllocation] {
        try await read { db in
            let used = Dictionary(
                grouping: try Row.fetchAll(db, sql: "SELECT list_url, list_index FROM credential_status"),
                by: { $0["list_url"] as String })
            return try Row.fetchAll(db, sql: "SELECT url, size, allocated, allocated_count FROM status_list ORDER BY url").map { r in
                let url: String = r["url"]
                return ListAllocation(
                    url: url, size: r["size"], allocated: Array(r["allocated"] as Data),
                    allocatedCount: r["allocated_count"], usedIndexes: (used[url] ?? []).map { $0["list_index"] })
            }
        }
    }

    // MARK: - API tokens

    public func apiTokens() async throws(RegistryError) -> [APIToken] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT name, scopes, hash, created_at, revoked_at FROM api_tokens ORDER BY name").map(Self.apiToken)
        }
    }

    public func activeAPIToken(hash: String) async throws(RegistryError) -> APIToken? {
        try await read { db in
            try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT name, scopes, hash, created_at, revoked_at FROM api_tokens WHERE hash = ? AND revoked_at IS NULL LIMIT 1
                        """), arguments: [hash]
            ).map(Self.apiToken)
        }
    }

    public func insertAPIToken(_ token: APIToken) async throws(RegistryError) {
        try APIToken.validate(name: token.name)
        try await write { db in
            if try Row.fetchOne(db, sql: "SELECT 1 FROM api_tokens WHERE name = ?", arguments: [token.name]) != nil {
                throw RegistryError(.alreadyExists, "a token named \(token.name) already exists")
            }
            try db.execute(
                sql: "INSERT INTO api_tokens (name, scopes, hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [
                    token.name, token.storedScopes, token.hash, token.createdAt.timeIntervalSince1970,
                    token.revokedAt?.timeIntervalSince1970,
                ])
        }
    }

    public func revokeAPIToken(name: String, at: Date) async throws(RegistryError) {
        try await write { db in
            try db.execute(
                sql: "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE name = ?",
                arguments: [at.timeIntervalSince1970, name])
            if db.changesCount == 0 { throw RegistryError(.notFound, "no token named \(name)") }
        }
    }

    /// Times are Unix seconds (REAL), as the service's own table stored them before the registry owned it.
    private static func apiToken(_ row: Row) -> APIToken {
        let revoked: Double? = row["revoked_at"]
        return APIToken(
            name: row["name"], scopes: APIToken.scopes(stored: row["scopes"]), hash: row["hash"],
            createdAt: Date(timeIntervalSince1970: row["created_at"]), revokedAt: revoked.map { Date(timeIntervalSince1970: $0) })
    }

    // MARK: - Transactions

    private static func reserve(_ db: Database, _ requests: [ReservationRequest], policy: StatusAllocationPolicy) throws -> [CredentialRecord] {
        let found = try requests.map { r in
            try fetchCredential(db, where: "batch = ? AND row_key = ? AND format = ?", [r.batch, r.rowKey, r.format])
        }
        var plan = ReservationPlan(requests, existing: found, policy: policy)
        let now = Date()
        for step in plan.steps {
            while plan.needsEntries(step) {
                var list = try openList(db, issuer: step.issuer, purpose: step.purpose, policy: policy, now: now)
                let drawn = plan.draw(step, from: &list, policy: policy)
                try db.execute(
                    sql: "UPDATE status_list SET allocated = ?, allocated_count = ?, updated_at = ? WHERE url = ?",
                    arguments: [Data(list.allocated), list.allocatedCount, now, list.url])
                if drawn == 0 { throw RegistryError(.conflict, "status list \(list.url) has room by its count but no free index") }
            }
        }
        for (_, record) in plan.newRecords(now: now) {
            try db.cachedStatement(
                sql: """
                    INSERT INTO credential (id, issuer, batch, row_key, format, state, document, created_at)
                    VALUES (?, ?, ?, ?, ?, 'reserved', NULL, ?)
                    """
            ).execute(arguments: [record.id, record.issuer, record.batch, record.rowKey, record.format, now])
            for status in record.statuses {
                try db.cachedStatement(sql: "INSERT INTO credential_status (credential_id, purpose, list_url, list_index) VALUES (?, ?, ?, ?)")
                    .execute(arguments: [record.id, status.purpose, status.listURL, status.index])
            }
        }
        return plan.records(now: now)
    }

    /// The newest list for (issuer, purpose) that still has room, creating the next one when it is full.
    private static func openList(_ db: Database, issuer: String, purpose: String, policy: StatusAllocationPolicy, now: Date) throws -> OpenStatusList {
        var sequence = 1
        if let row = try Row.fetchOne(
            db,
            sql: """
                SELECT url, size, allocated, allocated_count, sequence FROM status_list
                WHERE issuer = ? AND purpose = ? ORDER BY sequence DESC LIMIT 1
                """, arguments: [issuer, purpose])
        {
            let list = OpenStatusList(url: row["url"], size: row["size"], allocated: Array(row["allocated"] as Data), allocatedCount: row["allocated_count"])
            if list.hasRoom(under: policy) { return list }
            sequence = (row["sequence"] as Int) + 1
        }
        let list = OpenStatusList.empty(url: policy.listURL(purpose: purpose, sequence: sequence), policy: policy)
        try db.execute(
            sql: """
                INSERT INTO status_list (url, issuer, purpose, sequence, size, allocated, allocated_count, bits, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)
                """, arguments: [list.url, issuer, purpose, sequence, list.size, Data(list.allocated), Data(policy.emptyBitmap), now])
        return list
    }

    private static func bits(_ db: Database, url: String) throws -> Bitstring? {
        try Data.fetchOne(db, sql: "SELECT bits FROM status_list WHERE url = ?", arguments: [url]).map { Bitstring(bytes: Array($0)) }
    }

    private static func fetchCredential(_ db: Database, where condition: String, _ arguments: StatementArguments) throws -> CredentialRecord? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT id, issuer, batch, row_key, format, state, document, created_at FROM credential WHERE \(condition)
                        """), arguments: arguments)
        else { return nil }
        let id: String = row["id"]
        let statuses = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT purpose, list_url, list_index FROM credential_status WHERE credential_id = ? ORDER BY purpose"),
            arguments: [id]
        ).map { StatusAssignment(purpose: $0["purpose"], listURL: $0["list_url"], index: $0["list_index"]) }
        let document: Data? = row["document"]
        return CredentialRecord(
            id: id, issuer: row["issuer"], batch: row["batch"], rowKey: row["row_key"], format: row["format"],
            state: CredentialRecord.State(rawValue: row["state"]) ?? .reserved, statuses: statuses,
            document: document.map { Array($0) }, createdAt: row["created_at"])
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(RegistryError) -> T {
        do {
            return try await pool.write(body)
        } catch let error as RegistryError {
            throw error
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw RegistryError(.conflict, "the registry refused a change that would break its consistency: \(error.message ?? "\(error)")")
        } catch {
            throw RegistryError(.storage, "registry write failed: \(error)")
        }
    }

    /// The columns ``snapshot(_:)`` reads, in its order.
    static let snapshotColumns = "url, issuer, purpose, size, bits, allocated_count, updated_at"

    /// The one-list lookup, cached: verification runs it per status list, and preparing costs more than the lookup.
    static func statusListStatement(_ db: Database) throws -> Statement {
        try db.cachedStatement(sql: "SELECT \(snapshotColumns) FROM status_list WHERE url = ?")
    }

    /// The first row of `rows` as a status list (the cursor's row is valid only while the cursor lives and stays put).
    static func firstSnapshot(_ rows: RowCursor) throws -> StatusListSnapshot? {
        try withExtendedLifetime(rows) { rows in try rows.next().map(snapshot) }
    }

    /// A status list from a cursor's current row of ``snapshotColumns``, read by position and in place.
    ///
    /// Every verification of a credential this service issued reads its lists here: `Row.fetchOne` copied the row
    /// (the 16 KB bitstring with it) before `Array(_:)` copied the bits again, and each lookup by column name
    /// lowercased the name; that was half of the read, 2.5 % of the server's CPU per VC 2.0 verification (`perf`).
    static func snapshot(_ row: Row) throws -> StatusListSnapshot {
        let bits = try row.withUnsafeData(atIndex: 4) { data in data.map { Array($0) } }
        guard let bits else { throw RegistryError(.storage, "status list \(row[0] as String? ?? "?") has no bits") }
        return StatusListSnapshot(
            url: row[0], issuer: row[1], purpose: row[2], size: row[3], bits: bits, allocatedCount: row[5], updatedAt: row[6])
    }

    /// A read on the calling thread (GRDB's blocking read), for lookups short enough that handing them to GRDB's
    /// queue costs more than doing them: it blocks the caller while it waits for a reader connection, never for a writer.
    ///
    /// Only for a body whose statements need no common snapshot: SQLite reads each statement from one snapshot in
    /// its own implicit transaction, so for a single statement GRDB's `read`, which wraps the body in BEGIN
    /// DEFERRED … COMMIT (two more statements on each call), would isolate nothing more. That wrapping was a third
    /// of a status list lookup, and a VC 2.0 verification makes two lookups.
    func readHere<T>(_ body: (Database) throws -> T) throws(RegistryError) -> T {
        do {
            return try pool.unsafeRead(body)
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError(.storage, "registry read failed: \(error)")
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(RegistryError) -> T {
        do {
            return try await pool.read(body)
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError(.storage, "registry read failed: \(error)")
        }
    }
}
