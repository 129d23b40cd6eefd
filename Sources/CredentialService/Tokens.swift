import Crypto
import Foundation
import GRDB

/// What a bearer token may do.
public enum TokenScope: String, Sendable, Hashable, CaseIterable, Codable {
    /// `POST /credentials/issue`.
    case issue
    /// `POST /credentials/status` (revoke, suspend, reinstate).
    case status
}

/// A stored API token: its name, scopes and the SHA-256 of the secret (the secret itself is never stored).
public struct APIToken: Sendable, Hashable {
    public var name: String
    public var scopes: Set<TokenScope>
    /// Lower-case hex SHA-256 of the token string.
    public var hash: String
    public var createdAt: Date
    public var revokedAt: Date?

    public init(name: String, scopes: Set<TokenScope>, hash: String, createdAt: Date, revokedAt: Date? = nil) {
        self.name = name
        self.scopes = scopes
        self.hash = hash
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

/// A token problem with a stable code (duplicate names, unknown names, storage failures).
public struct TokenError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable { case duplicateName, notFound, invalidName, storage }
    public let code: Code
    public let message: String
    public init(_ code: Code, _ message: String) { self.code = code; self.message = message }
    public var description: String { message }
}

/// Where tokens live. The SQLite registry keeps them in its own database file (table `api_tokens`);
/// other engines keep them in `tokens.json` (mode 0600) in the data directory.
public protocol TokenStore: Sendable {
    func all() throws(TokenError) -> [APIToken]
    func insert(_ token: APIToken) throws(TokenError)
    func revoke(name: String, at: Date) throws(TokenError)
}

/// Creating, hashing and checking tokens.
public enum Tokens {
    /// A fresh token: `sc_` + 32 random bytes in base64url (256 bits from the system CSPRNG).
    public static func generateSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let b64 = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return "sc_" + b64
    }

    /// Lower-case hex SHA-256 of a token string.
    public static func hash(_ secret: String) -> String {
        SHA256.hash(data: Array(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Compares two equal-length strings without an early exit, so timing does not reveal how much matched.
    public static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }

    /// The active token matching `secret`, checked against every active hash (no early exit on a match).
    public static func authenticate(_ secret: String, in tokens: [APIToken]) -> APIToken? {
        let h = hash(secret)
        var found: APIToken?
        for t in tokens where t.revokedAt == nil {
            if constantTimeEqual(t.hash, h) { found = t }
        }
        return found
    }

    /// Token names: 1–64 of `A–Z a–z 0–9 . _ -`.
    public static func validate(name: String) throws(TokenError) {
        let ok = !name.isEmpty && name.count <= 64 && name.unicodeScalars.allSatisfy {
            ($0.value < 128) && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0))
        }
        if !ok { throw TokenError(.invalidName, "a token name is 1–64 characters from A–Z a–z 0–9 . _ -") }
    }

    /// The token store for a registry spec: the SQLite file itself, or `tokens.json` in `dataDirectory`.
    public static func store(databaseSpec: String, dataDirectory: URL) throws(TokenError) -> any TokenStore {
        let isPostgres = databaseSpec.hasPrefix("postgres://") || databaseSpec.hasPrefix("postgresql://")
        if isPostgres { return FileTokenStore(file: dataDirectory.appendingPathComponent("tokens.json")) }
        return try SQLiteTokenStore(path: databaseSpec)
    }
}

/// Tokens in the registry's SQLite file, in their own table, created on first use.
public final class SQLiteTokenStore: TokenStore {
    private let queue: DatabaseQueue

    public init(path: String) throws(TokenError) {
        do {
            try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
            var config = Configuration()
            config.busyMode = .timeout(5)
            queue = try DatabaseQueue(path: path, configuration: config)
            try queue.write { db in
                try db.execute(sql: """
                    CREATE TABLE IF NOT EXISTS api_tokens (
                        name TEXT PRIMARY KEY NOT NULL,
                        scopes TEXT NOT NULL,
                        hash TEXT NOT NULL,
                        created_at REAL NOT NULL,
                        revoked_at REAL)
                    """)
            }
        } catch {
            throw TokenError(.storage, "cannot open the token table in \(path)")
        }
    }

    public func all() throws(TokenError) -> [APIToken] {
        do {
            return try queue.read { db in
                try Row.fetchAll(db, sql: "SELECT name, scopes, hash, created_at, revoked_at FROM api_tokens ORDER BY name").map { row in
                    let scopes = Set((row["scopes"] as String).split(separator: ",").compactMap { TokenScope(rawValue: String($0)) })
                    let revoked: Double? = row["revoked_at"]
                    return APIToken(name: row["name"], scopes: scopes, hash: row["hash"],
                                    createdAt: Date(timeIntervalSince1970: row["created_at"]),
                                    revokedAt: revoked.map { Date(timeIntervalSince1970: $0) })
                }
            }
        } catch {
            throw TokenError(.storage, "cannot read the token table")
        }
    }

    public func insert(_ token: APIToken) throws(TokenError) {
        let exists: Bool
        do {
            exists = try queue.write { db -> Bool in
                if try Row.fetchOne(db, sql: "SELECT 1 FROM api_tokens WHERE name = ?", arguments: [token.name]) != nil { return true }
                try db.execute(sql: "INSERT INTO api_tokens (name, scopes, hash, created_at) VALUES (?, ?, ?, ?)",
                               arguments: [token.name, token.scopes.map(\.rawValue).sorted().joined(separator: ","), token.hash,
                                           token.createdAt.timeIntervalSince1970])
                return false
            }
        } catch {
            throw TokenError(.storage, "cannot write the token table")
        }
        if exists { throw TokenError(.duplicateName, "a token named \(token.name) already exists") }
    }

    public func revoke(name: String, at: Date) throws(TokenError) {
        let changed: Int
        do {
            changed = try queue.write { db -> Int in
                try db.execute(sql: "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE name = ?",
                               arguments: [at.timeIntervalSince1970, name])
                return db.changesCount
            }
        } catch {
            throw TokenError(.storage, "cannot write the token table")
        }
        if changed == 0 { throw TokenError(.notFound, "no token named \(name)") }
    }
}

/// Tokens in a JSON file (mode 0600), for registries on engines the service does not open itself.
public final class FileTokenStore: TokenStore {
    private let file: URL
    private let lock = NSLock()

    public init(file: URL) { self.file = file }

    private struct Stored: Codable {
        var name: String, scopes: [TokenScope], hash: String, createdAt: Date, revokedAt: Date?
    }

    private func load() throws(TokenError) -> [Stored] {
        guard FileManager.default.fileExists(atPath: file.path) else { return [] }
        do { return try JSONDecoder().decode([Stored].self, from: Data(contentsOf: file)) } catch {
            throw TokenError(.storage, "cannot read \(file.path)")
        }
    }

    private func save(_ items: [Stored]) throws(TokenError) {
        do {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            let data = try JSONEncoder().encode(items)
            let tmp = file.appendingPathExtension("tmp")
            FileManager.default.createFile(atPath: tmp.path, contents: data, attributes: [.posixPermissions: 0o600])
            _ = try FileManager.default.replaceItemAt(file, withItemAt: tmp)
        } catch {
            throw TokenError(.storage, "cannot write \(file.path)")
        }
    }

    public func all() throws(TokenError) -> [APIToken] {
        lock.lock(); defer { lock.unlock() }
        return try load().map { APIToken(name: $0.name, scopes: Set($0.scopes), hash: $0.hash, createdAt: $0.createdAt, revokedAt: $0.revokedAt) }
    }

    public func insert(_ token: APIToken) throws(TokenError) {
        lock.lock(); defer { lock.unlock() }
        var items = try load()
        if items.contains(where: { $0.name == token.name }) { throw TokenError(.duplicateName, "a token named \(token.name) already exists") }
        items.append(Stored(name: token.name, scopes: token.scopes.sorted { $0.rawValue < $1.rawValue }, hash: token.hash, createdAt: token.createdAt, revokedAt: nil))
        try save(items)
    }

    public func revoke(name: String, at: Date) throws(TokenError) {
        lock.lock(); defer { lock.unlock() }
        var items = try load()
        guard let i = items.firstIndex(where: { $0.name == name }) else { throw TokenError(.notFound, "no token named \(name)") }
        if items[i].revokedAt == nil { items[i].revokedAt = at }
        try save(items)
    }
}
