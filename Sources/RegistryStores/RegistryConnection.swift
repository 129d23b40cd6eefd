import CredentialRegistry
import Foundation
import RegistryPostgres
import RegistrySQLite

/// Opens the registry a spec names, so that every command and service takes one `--database` value.
public enum RegistryConnection {
    /// The environment variable that names the registry when no `--database` is given.
    public static let environmentVariable = "SKILLCRED_DATABASE"

    /// The spec to use: the explicit one, else `$SKILLCRED_DATABASE`, else `registry.sqlite` in the data directory
    /// — so that moving the data directory moves the registry with it, in every command and in the service.
    public static func resolvedSpec(
        _ explicit: String?, dataDirectory: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnvironment = environment[environmentVariable], !fromEnvironment.isEmpty { return fromEnvironment }
        return URL(fileURLWithPath: dataDirectory).appendingPathComponent("registry.sqlite").path
    }

    /// The spec as it may be shown (logs, start-up lines, errors): a PostgreSQL URL's password replaced by `***`.
    public static func redacted(_ spec: String) -> String {
        guard isPostgres(spec), let at = spec.range(of: "@"), let scheme = spec.range(of: "://"),
            scheme.upperBound < at.lowerBound
        else { return spec }
        let userInfo = spec[scheme.upperBound..<at.lowerBound]
        guard let colon = userInfo.firstIndex(of: ":") else { return spec }
        return String(spec[..<spec.index(after: colon)]) + "***" + String(spec[at.lowerBound...])
    }

    /// `text` (an error message, say) with the password of `spec`, if it has one, replaced by `***` wherever it appears.
    public static func redact(_ text: String, spec: String) -> String {
        let shown = redacted(spec)
        guard shown != spec, let scheme = spec.range(of: "://"), let at = spec.range(of: "@"),
            let colon = spec[scheme.upperBound..<at.lowerBound].firstIndex(of: ":")
        else { return text }
        let password = String(spec[spec.index(after: colon)..<at.lowerBound])
        guard !password.isEmpty else { return text }
        return text.replacingOccurrences(of: spec, with: shown).replacingOccurrences(of: password, with: "***")
    }

    /// Whether a spec selects PostgreSQL rather than a SQLite file.
    public static func isPostgres(_ spec: String) -> Bool {
        let lower = spec.lowercased()
        return lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://")
    }

    /// Opens a registry: `postgres://user:pass@host:port/db[?schema=NAME]` selects PostgreSQL, anything else is
    /// a SQLite file path (`sqlite:` prefix optional), created with its directory when missing.
    ///
    /// A PostgreSQL store connects lazily: a bad URL fails here, an unreachable server on first use.
    public static func open(_ spec: String) throws(RegistryError) -> any RegistryStore {
        if isPostgres(spec) {
            return try PostgresRegistryStore(url: spec)
        }
        var path = spec
        if path.hasPrefix("sqlite:") { path.removeFirst("sqlite:".count) }
        guard !path.isEmpty else { throw RegistryError(.storage, "the registry spec is empty (give a SQLite path or a postgres:// URL)") }
        if path.contains("://") {
            throw RegistryError(.storage, "unsupported registry URL \(PostgresRegistryURL.redacted(spec)): use a SQLite path or postgres://")
        }
        return try SQLiteRegistryStore(path: path)
    }

    /// Opens and, for PostgreSQL, waits until the server answers and the schema is current, so a
    /// command fails at once with a clear message instead of on its first write.
    public static func openReady(_ spec: String) async throws(RegistryError) -> any RegistryStore {
        let store = try open(spec)
        if let postgres = store as? PostgresRegistryStore { try await postgres.waitUntilReady() }
        return store
    }
}
