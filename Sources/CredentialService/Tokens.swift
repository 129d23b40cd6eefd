import CredentialRegistry
import Crypto
import Foundation
import Multiformats

/// Creating, hashing and checking API tokens. The tokens themselves (``APIToken``, ``TokenScope``) live in the
/// registry, so every instance sharing one database accepts the same tokens.
public enum Tokens {
    /// A fresh token: `sc_` + 32 random bytes in base64url (256 bits from the system CSPRNG).
    public static func generateSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return "sc_" + Base64URL.encode(bytes)
    }

    /// Lower-case hex SHA-256 of a token string.
    public static func hash(_ secret: String) -> String {
        SHA256.hash(data: Array(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The active token matching `secret`, checked against every active hash (no early exit on a match).
    public static func authenticate(_ secret: String, in tokens: [APIToken]) -> APIToken? {
        let wanted = hash(secret)
        var found: APIToken?
        for token in tokens where token.isActive {
            if SecretComparison.equal(token.hash, wanted) { found = token }
        }
        return found
    }

    /// The active token matching `secret`, found by its hash in the registry.
    ///
    /// Looking the hash up in an index leaks nothing useful: it is the SHA-256 of a 256-bit random secret, so
    /// timing can at most reveal whether a guessed hash exists. The row found is still compared in constant time.
    public static func authenticate(_ secret: String, registry: any RegistryStore) async throws(RegistryError) -> APIToken? {
        let candidate = try await registry.activeAPIToken(hash: hash(secret))
        return authenticate(secret, in: candidate.map { [$0] } ?? [])
    }
}
