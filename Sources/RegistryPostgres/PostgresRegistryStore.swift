import CredentialRegistry
import Foundation
import Logging
import PostgresNIO
import StatusList

/// The registry in PostgreSQL, for issuers that run several skillcred instances against one database.
///
/// The schema matches the SQLite engine's table for table (bytea for blobs, timestamptz for times, and the same
/// `grdb_migrations` table so both report the same schema version). Each method is one transaction; reservations
/// lock the open list's row (`SELECT … FOR UPDATE`) before drawing, so two instances never draw the same index,
/// and the unique constraint on `(list_url, list_index)` backs that up. Deadlocks, serialization failures and a
/// lost race to reserve the same batch row are retried.
public final class PostgresRegistryStore: RegistryStore {
    let client: PostgresClient
    let runner: Task<Void, Never>
    let ready: Task<Void, any Error>
    let logger = Logger(label: "skillcred.registry.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
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
        var config = PostgresClient.Configuration(
            host: location.host, port: location.port, username: location.user,
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

}
