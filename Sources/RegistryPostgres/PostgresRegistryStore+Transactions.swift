import CredentialRegistry
import Foundation
import Logging
import PostgresNIO
import StatusList

/// The reads and writes the operations are made of, and the transaction wrapper.
extension PostgresRegistryStore {

    static func reserve(
        _ conn: PostgresConnection, _ log: Logger, _ requests: [ReservationRequest],
        policy: StatusAllocationPolicy
    ) async throws -> [CredentialRecord] {
        var found: [CredentialRecord?] = []
        for request in requests {
            found.append(try await fetchCredential(conn, log, batch: request.batch, rowKey: request.rowKey, format: request.format))
        }
        var plan = ReservationPlan(requests, existing: found, policy: policy)
        let now = Date()
        for step in plan.steps {
            while plan.needsEntries(step) {
                var list = try await openList(conn, log, issuer: step.issuer, purpose: step.purpose, policy: policy, now: now)
                let drawn = plan.draw(step, from: &list, policy: policy)
                try await conn.query(
                    """
                    UPDATE status_list SET allocated = \(Data(list.allocated)), allocated_count = \(list.allocatedCount),
                    updated_at = \(now) WHERE url = \(list.url)
                    """, logger: log)
                if drawn == 0 { throw RegistryError(.conflict, "status list \(list.url) has room by its count but no free index") }
            }
        }
        for (_, record) in plan.newRecords(now: now) {
            try await conn.query(
                """
                INSERT INTO credential (id, issuer, batch, row_key, format, state, document, created_at)
                VALUES (\(record.id), \(record.issuer), \(record.batch), \(record.rowKey), \(record.format), 'reserved', NULL, \(now))
                """, logger: log)
            for status in record.statuses {
                try await conn.query(
                    """
                    INSERT INTO credential_status (credential_id, purpose, list_url, list_index)
                    VALUES (\(record.id), \(status.purpose), \(status.listURL), \(status.index))
                    """, logger: log)
            }
        }
        return plan.records(now: now)
    }

    /// The newest list for (issuer, purpose) with room, locked for this transaction; starts the next list when full.
    ///
    /// Creating uses `ON CONFLICT DO NOTHING` and then locks whatever row won, so two instances that both find
    /// the list full agree on one new list instead of failing.
    static func openList(
        _ conn: PostgresConnection, _ log: Logger, issuer: String, purpose: String,
        policy: StatusAllocationPolicy, now: Date
    ) async throws -> OpenStatusList {
        var attempts = 0
        while true {
            attempts += 1
            var newest: (url: String, size: Int, allocated: Data, count: Int, sequence: Int)?
            for try await row in try await conn.query(
                """
                SELECT url, size, allocated, allocated_count, sequence FROM status_list
                WHERE issuer = \(issuer) AND purpose = \(purpose) ORDER BY sequence DESC LIMIT 1 FOR UPDATE
                """, logger: log
            ).decode((String, Int, Data, Int, Int).self) {
                newest = (row.0, row.1, row.2, row.3, row.4)
            }
            if let newest {
                let list = OpenStatusList(url: newest.url, size: newest.size, allocated: Array(newest.allocated), allocatedCount: newest.count)
                if list.hasRoom(under: policy) { return list }
            }
            guard attempts <= 3 else {
                throw RegistryError(.conflict, "cannot start a new \(purpose) list for \(issuer): its URL is taken by another list")
            }
            let sequence = (newest?.sequence ?? 0) + 1
            let url = policy.listURL(purpose: purpose, sequence: sequence)
            let empty = Data(policy.emptyBitmap)
            let inserted = try await conn.query(
                """
                INSERT INTO status_list (url, issuer, purpose, sequence, size, allocated, allocated_count, bits, updated_at)
                VALUES (\(url), \(issuer), \(purpose), \(sequence), \(policy.listSize), \(empty), 0, \(empty), \(now))
                ON CONFLICT DO NOTHING RETURNING url
                """, logger: log
            ).collect()
            if inserted.isEmpty {
                // Another instance created it (fine: the loop locks it), or the URL belongs to another issuer.
                let same = try await conn.query(
                    """
                    SELECT url FROM status_list WHERE issuer = \(issuer) AND purpose = \(purpose) AND sequence = \(sequence)
                    """, logger: log
                ).collect()
                if same.isEmpty {
                    throw RegistryError(.conflict, "status list URL \(url) is already used by another issuer or purpose")
                }
            }
        }
    }

    static func bits(_ conn: PostgresConnection, _ log: Logger, url: String, lock: Bool) async throws -> Bitstring? {
        let query: PostgresQuery = lock ? "SELECT bits FROM status_list WHERE url = \(url) FOR UPDATE" : "SELECT bits FROM status_list WHERE url = \(url)"
        for try await (blob) in try await conn.query(query, logger: log).decode(Data.self) {
            return Bitstring(bytes: Array(blob))
        }
        return nil
    }

    static func fetchCredential(_ conn: PostgresConnection, _ log: Logger, id: String) async throws -> CredentialRecord? {
        try await fetchCredential(
            conn, log,
            query: """
                SELECT id, issuer, batch, row_key, format, state, document, created_at FROM credential WHERE id = \(id)
                """)
    }

    static func fetchCredential(
        _ conn: PostgresConnection, _ log: Logger, batch: String, rowKey: String,
        format: String
    ) async throws -> CredentialRecord? {
        try await fetchCredential(
            conn, log,
            query: """
                SELECT id, issuer, batch, row_key, format, state, document, created_at FROM credential
                WHERE batch = \(batch) AND row_key = \(rowKey) AND format = \(format)
                """)
    }

    static func fetchCredential(_ conn: PostgresConnection, _ log: Logger, query: PostgresQuery) async throws -> CredentialRecord? {
        var found: CredentialRecord?
        for try await (id, issuer, batch, rowKey, format, state, document, created) in try await conn.query(query, logger: log)
            .decode((String, String, String, String, String, String, Data?, Date).self)
        {
            found = CredentialRecord(
                id: id, issuer: issuer, batch: batch, rowKey: rowKey, format: format,
                state: CredentialRecord.State(rawValue: state) ?? .reserved, statuses: [],
                document: document.map { Array($0) }, createdAt: created)
        }
        guard var record = found else { return nil }
        for try await (purpose, url, index) in try await conn.query(
            "SELECT purpose, list_url, list_index FROM credential_status WHERE credential_id = \(record.id) ORDER BY purpose", logger: log
        )
        .decode((String, String, Int).self) {
            record.statuses.append(StatusAssignment(purpose: purpose, listURL: url, index: index))
        }
        return record
    }

    /// Runs `body` in one transaction on a pooled connection: COMMIT returns only once PostgreSQL has made the
    /// change durable (synchronous_commit is on by default). Lost races are retried with a short random backoff.
    func transaction<T: Sendable>(
        _ what: String, isolation: String = "READ COMMITTED", retryOnUniqueViolation: Bool = false,
        _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T
    ) async throws(RegistryError) -> T {
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
