import CredentialRegistry
import Foundation
import Logging
import PostgresNIO
import StatusList

/// The ``RegistryStore`` operations: each one transaction; the rules come from CredentialRegistry.
extension PostgresRegistryStore {

    public func reserve(_ requests: [ReservationRequest], policy: StatusAllocationPolicy) async throws(RegistryError) -> [CredentialRecord] {
        try await transaction("reserve credentials", retryOnUniqueViolation: true) { conn, log in
            try await Self.reserve(conn, log, requests, policy: policy)
        }
    }

    public func complete(_ documents: [(credentialID: String, document: [UInt8])], actor: String) async throws(RegistryError) {
        let docs = documents.map { (id: $0.credentialID, doc: Data($0.document)) }
        try await transaction("store issued credentials") { conn, log in
            let now = Date()
            for document in docs {
                let updated = try await conn.query(
                    "UPDATE credential SET document = \(document.doc), state = 'issued' WHERE id = \(document.id) RETURNING id", logger: log
                ).collect()
                guard updated.count == 1 else { throw RegistryError(.notFound, "no reserved credential \(document.id)") }
                try await conn.query(
                    """
                    INSERT INTO audit_log (at, credential_id, action, reason, actor) VALUES (\(now), \(document.id), 'issue', NULL, \(actor))
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
            var lists: [String: Bitstring] = [:]
            for entry in record.statuses where lists[entry.listURL] == nil {
                lists[entry.listURL] = try await Self.bits(conn, log, url: entry.listURL, lock: false)
            }
            return StatusChangeRules.state(of: record) { entry in lists[entry.listURL]?.bit(at: entry.index) }
        }
    }

    public func changeStatus(credentialID: String, action: StatusAction, reason: String?, actor: String) async throws(RegistryError) -> StatusChangeResult {
        try await transaction("change a credential's status") { conn, log in
            let record = try await Self.fetchCredential(conn, log, id: credentialID)
            let entry = try StatusChangeRules.entry(for: action, of: record, credentialID: credentialID)
            if let record, let revocation = StatusChangeRules.revocationToCheck(before: action, of: record) {
                let revoked = try await Self.bits(conn, log, url: revocation.listURL, lock: false)?.bit(at: revocation.index) ?? false
                try StatusChangeRules.check(revoked: revoked, before: action, credentialID: credentialID)
            }
            // The row lock keeps two instances changing bits of one list from overwriting each other's blob.
            guard var bits = try await Self.bits(conn, log, url: entry.listURL, lock: true) else {
                throw RegistryError(.storage, "status list \(entry.listURL) is missing")
            }
            let changed = try StatusChangeRules.apply(action, to: &bits, at: entry)
            let now = Date()
            if changed {
                try await conn.query(
                    "UPDATE status_list SET bits = \(Data(bits.bytes)), updated_at = \(now) WHERE url = \(entry.listURL)",
                    logger: log)
            }
            let recorded = StatusChangeRules.auditAction(action, changed: changed)
            try await conn.query(
                """
                INSERT INTO audit_log (at, credential_id, action, reason, actor) VALUES (\(now), \(credentialID), \(recorded), \(reason), \(actor))
                """, logger: log)
            return StatusChangeRules.result(action, credentialID: credentialID, entry: entry, changed: changed)
        }
    }

    public func statusLists(issuer: String?) async throws(RegistryError) -> [StatusListSnapshot] {
        let query: PostgresQuery =
            issuer.map { "SELECT \(unescaped: Self.snapshotColumns) FROM status_list WHERE issuer = \($0) ORDER BY issuer, purpose, sequence" }
            ?? "SELECT \(unescaped: Self.snapshotColumns) FROM status_list ORDER BY issuer, purpose, sequence"
        return try await snapshots("read status lists", query)
    }

    public func statusList(url: String) async throws(RegistryError) -> StatusListSnapshot? {
        try await snapshots("read a status list", "SELECT \(unescaped: Self.snapshotColumns) FROM status_list WHERE url = \(url)").first
    }

    public func statusLists(urls: [String]) async throws(RegistryError) -> [StatusListSnapshot] {
        let wanted = Array(Set(urls))
        guard !wanted.isEmpty else { return [] }
        return try await snapshots(
            "read status lists by URL", "SELECT \(unescaped: Self.snapshotColumns) FROM status_list WHERE url = ANY(\(wanted))")
    }

    static let snapshotColumns = "url, issuer, purpose, size, bits, allocated_count, updated_at"

    /// The status lists `query` selects (``snapshotColumns``), read in one transaction.
    private func snapshots(_ what: String, _ query: PostgresQuery) async throws(RegistryError) -> [StatusListSnapshot] {
        try await transaction(what) { conn, log in
            var out: [StatusListSnapshot] = []
            for try await (url, issuer, purpose, size, bits, count, updated) in try await conn.query(query, logger: log)
                .decode((String, String, String, Int, Data, Int, Date).self)
            {
                out.append(
                    StatusListSnapshot(
                        url: url, issuer: issuer, purpose: purpose, size: size, bits: Array(bits), allocatedCount: count, updatedAt: updated))
            }
            return out
        }
    }

    public func revocationListWithSuspensions(url: String) async throws(RegistryError) -> RevocationListWithSuspensions? {
        try await transaction("read a revocation list with its suspensions", isolation: "REPEATABLE READ") { conn, log in
            var found: StatusListSnapshot?
            for try await (url, issuer, purpose, size, bits, count, updated) in try await conn.query(
                "SELECT url, issuer, purpose, size, bits, allocated_count, updated_at FROM status_list WHERE url = \(url)", logger: log
            )
            .decode((String, String, String, Int, Data, Int, Date).self) {
                found = StatusListSnapshot(
                    url: url, issuer: issuer, purpose: purpose, size: size, bits: Array(bits), allocatedCount: count, updatedAt: updated)
            }
            guard let revocation = found else { return nil }
            var suspensionLists: [(url: String, set: [Int])] = []
            for try await (listURL, bits) in try await conn.query(
                "SELECT url, bits FROM status_list WHERE issuer = \(revocation.issuer) AND purpose = 'suspension'", logger: log
            )
            .decode((String, Data).self) {
                suspensionLists.append((listURL, SuspensionMirror.setIndexes(Array(bits))))
            }
            var suspended: [Int] = []
            for list in suspensionLists {
                for start in stride(from: 0, to: list.set.count, by: SuspensionMirror.queryChunk) {
                    let chunk = Array(list.set[start..<min(start + SuspensionMirror.queryChunk, list.set.count)])
                    for try await index in try await conn.query(
                        """
                        SELECT r.list_index FROM credential_status s
                        JOIN credential_status r ON r.credential_id = s.credential_id AND r.purpose = 'revocation' AND r.list_url = \(url)
                        WHERE s.purpose = 'suspension' AND s.list_url = \(list.url) AND s.list_index = ANY(\(chunk))
                        """, logger: log
                    )
                    .decode(Int.self) {
                        suspended.append(index)
                    }
                }
            }
            return RevocationListWithSuspensions(revocation: revocation, suspendedIndexes: suspended.sorted())
        }
    }

    public func auditLog(credentialID: String) async throws(RegistryError) -> [AuditEntry] {
        try await transaction("read the audit log") { conn, log in
            var out: [AuditEntry] = []
            for try await (at, id, action, reason, actor) in try await conn.query(
                "SELECT at, credential_id, action, reason, actor FROM audit_log WHERE credential_id = \(credentialID) ORDER BY id", logger: log
            )
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
                .decode((String, Int).self)
            {
                used[url, default: []].append(index)
            }
            var out: [ListAllocation] = []
            for try await (url, size, allocated, count) in try await conn.query(
                "SELECT url, size, allocated, allocated_count FROM status_list ORDER BY url", logger: log
            ).decode((String, Int, Data, Int).self) {
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
            try await Self.apiTokens(
                conn, log,
                """
                SELECT name, scopes, hash, created_at, revoked_at FROM api_tokens WHERE hash = \(hash) AND revoked_at IS NULL LIMIT 1
                """
            ).first
        }
    }

    public func insertAPIToken(_ token: APIToken) async throws(RegistryError) {
        try APIToken.validate(name: token.name)
        try await transaction("store an API token") { conn, log in
            // ON CONFLICT instead of a prior SELECT: two instances creating the same name cannot both succeed.
            let inserted = try await conn.query(
                """
                INSERT INTO api_tokens (name, scopes, hash, created_at, revoked_at)
                VALUES (\(token.name), \(token.storedScopes), \(token.hash), \(token.createdAt), \(token.revokedAt))
                ON CONFLICT (name) DO NOTHING RETURNING name
                """, logger: log
            ).collect()
            if inserted.isEmpty { throw RegistryError(.alreadyExists, "a token named \(token.name) already exists") }
        }
    }

    public func revokeAPIToken(name: String, at: Date) async throws(RegistryError) {
        try await transaction("revoke an API token") { conn, log in
            let updated = try await conn.query(
                """
                UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, \(at)) WHERE name = \(name) RETURNING name
                """, logger: log
            ).collect()
            if updated.isEmpty { throw RegistryError(.notFound, "no token named \(name)") }
        }
    }

    static func apiTokens(_ conn: PostgresConnection, _ log: Logger, _ query: PostgresQuery) async throws -> [APIToken] {
        var out: [APIToken] = []
        for try await (name, scopes, hash, created, revoked) in try await conn.query(query, logger: log)
            .decode((String, String, String, Date, Date?).self)
        {
            out.append(APIToken(name: name, scopes: APIToken.scopes(stored: scopes), hash: hash, createdAt: created, revokedAt: revoked))
        }
        return out
    }
}
