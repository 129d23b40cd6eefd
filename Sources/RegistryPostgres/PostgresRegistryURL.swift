import CredentialRegistry
import Foundation

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
        guard var components = URLComponents(string: text), components.password != nil else { return text }
        components.password = "***"
        return components.string ?? text
    }

    static func isPlainIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !(48...57).contains(first.value), name.utf8.count <= 63 else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
    }
}
