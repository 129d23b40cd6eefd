import CredentialRegistry
import Foundation
import Logging
import PostgresNIO
import StatusList

/// The schema: created and migrated at open, under an advisory lock so instances starting together agree.
extension PostgresRegistryStore {

    static let migrationV1 = "v1: credentials, status lists, audit log"
    static let migrationV2 = "v2: api tokens"
    static let migrationV3 = "v3: openid4vci offers, access tokens, nonces"

    /// Every migration in order, with its statements; the identifiers match the SQLite engine's.
    static let migrations: [(id: String, statements: [String])] = [(migrationV1, schemaV1), (migrationV2, schemaV2), (migrationV3, schemaV3)]

    static func migrate(_ client: PostgresClient, schema: String?, logger: Logger) async throws {
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

    /// OpenID4VCI offers, access tokens and nonces (the SQLite engine's v3 in PostgreSQL types).
    static let schemaV3 = [
        """
        CREATE TABLE openid4vci_offer (
            id TEXT PRIMARY KEY,
            issuer TEXT NOT NULL,
            batch TEXT NOT NULL,
            row_key TEXT NOT NULL,
            credential_id TEXT NOT NULL REFERENCES credential(id),
            configurations TEXT NOT NULL,
            template BYTEA NOT NULL,
            recipient BYTEA NOT NULL,
            pre_authorized_code TEXT NOT NULL UNIQUE,
            tx_code_hash TEXT,
            tx_code_length BIGINT,
            expires_at TIMESTAMPTZ NOT NULL,
            redeemed_at TIMESTAMPTZ,
            failed_attempts BIGINT NOT NULL DEFAULT 0,
            created_at TIMESTAMPTZ NOT NULL,
            UNIQUE (issuer, batch, row_key)
        )
        """,
        """
        CREATE TABLE openid4vci_access_token (
            hash TEXT PRIMARY KEY,
            offer_id TEXT NOT NULL REFERENCES openid4vci_offer(id),
            expires_at TIMESTAMPTZ NOT NULL
        )
        """,
        "CREATE TABLE openid4vci_nonce (nonce TEXT PRIMARY KEY, expires_at TIMESTAMPTZ NOT NULL)",
        "CREATE INDEX openid4vci_nonce_expiry ON openid4vci_nonce(expires_at)",
    ]
}
