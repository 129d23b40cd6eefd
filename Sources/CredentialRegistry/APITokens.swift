import Foundation

/// What an API bearer token may do.
public enum TokenScope: String, Sendable, Hashable, CaseIterable, Codable {
    /// `POST /credentials/issue`.
    case issue
    /// `POST /credentials/status` (revoke, suspend, reinstate).
    case status
}

/// An API token as the registry stores it: its name, scopes and the SHA-256 of the secret (never the secret).
///
/// Tokens live in the registry, not beside it, so that every service instance sharing one database
/// accepts the same tokens and sees a revocation on its next request.
public struct APIToken: Sendable, Hashable {
    /// Unique; the handle for `skillcred tokens revoke`.
    public var name: String
    public var scopes: Set<TokenScope>
    /// Lower-case hex SHA-256 of the token string.
    public var hash: String
    public var createdAt: Date
    /// Set once, when the token is revoked; a revoked token never authenticates again.
    public var revokedAt: Date?

    public init(name: String, scopes: Set<TokenScope>, hash: String, createdAt: Date, revokedAt: Date? = nil) {
        self.name = name
        self.scopes = scopes
        self.hash = hash
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }

    /// Whether the token still authenticates.
    public var isActive: Bool { revokedAt == nil }

    /// The longest token name.
    public static let maximumNameLength = 64

    /// Refuses a name that is not 1–64 characters from `A–Z a–z 0–9 . _ -` (code `invalidInput`), so names
    /// stay safe to print in one line of `tokens list` and in logs.
    public static func validate(name: String) throws(RegistryError) {
        let ok =
            !name.isEmpty && name.utf8.count <= maximumNameLength
            && name.utf8.allSatisfy {
                ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D
            }
        if !ok { throw RegistryError(.invalidInput, "a token name is 1–64 characters from A–Z a–z 0–9 . _ -") }
    }

    /// The scopes as stored: comma-separated raw values in a fixed order.
    public var storedScopes: String { scopes.map(\.rawValue).sorted().joined(separator: ",") }

    /// Scopes from their stored form; names this version does not know are dropped (they grant nothing).
    public static func scopes(stored: String) -> Set<TokenScope> {
        Set(stored.split(separator: ",").compactMap { TokenScope(rawValue: $0.trimmingCharacters(in: .whitespaces)) })
    }
}
