import ArgumentParser
import CredentialJSON
import CredentialRegistry
import CredentialService
import Foundation
import RegistryStores

/// Which registry holds the service's tokens: `--data-dir` and `--database`, resolved as `serve` resolves them.
struct ServiceStorageOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "The service's data directory (env SKILLCRED_DATA_DIR; default skillcred-data).")
    var dataDir: String?

    @Option(help: "Registry: SQLite path or postgres:// URL (env SKILLCRED_DATABASE; default DATA_DIR/registry.sqlite).")
    var database: String?

    var dataDirectory: URL { URL(fileURLWithPath: dataDir ?? ProcessInfo.processInfo.environment["SKILLCRED_DATA_DIR"] ?? "skillcred-data") }
    var spec: String {
        database ?? ProcessInfo.processInfo.environment["SKILLCRED_DATABASE"] ?? dataDirectory.appendingPathComponent("registry.sqlite").path
    }

    /// Opens the registry (either engine), or exits with status 2 naming the option.
    func open() async -> any RegistryStore {
        do { return try await RegistryConnection.openReady(spec) } catch { CLIFailure("--database: \(error.message)").exit() }
    }
}

extension Skillcred {
    /// `skillcred tokens create|revoke|list`: the service's API tokens.
    struct TokensCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tokens",
            abstract: "Create, revoke and list the service's API tokens (kept in the registry, only as SHA-256 hashes).",
            subcommands: [Create.self, RevokeToken.self, List.self]
        )
    }
}

extension Skillcred.TokensCommand {
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token and print it once.")

        // Parsed here rather than by ArgumentParser, so that a bad value exits 2 like every other bad input.
        @Option(help: "What the token may do: issue or status (repeat for both).")
        var scope: [String] = []

        @Option(help: "A unique name (A–Z a–z 0–9 . _ -), used to revoke it.")
        var name: String

        @OptionGroup var storage: ServiceStorageOptions

        func run() async throws {
            let allowed = TokenScope.allCases.map(\.rawValue).joined(separator: " or ")
            guard !scope.isEmpty else { CLIFailure("--scope: give \(allowed)").exit() }
            var scopes = Set<TokenScope>()
            for value in scope {
                guard let parsed = TokenScope(rawValue: value) else { CLIFailure("--scope: unknown scope `\(value)` (use \(allowed))").exit() }
                scopes.insert(parsed)
            }
            do { try APIToken.validate(name: name) } catch { CLIFailure("--name: \(error.message)").exit() }
            let registry = await storage.open()
            let secret = Tokens.generateSecret()
            do {
                try await registry.insertAPIToken(APIToken(name: name, scopes: scopes, hash: Tokens.hash(secret), createdAt: Date()))
            } catch {
                CLIFailure(error.message, status: error.code == .alreadyExists ? 1 : 2).exit()
            }
            print(secret)
            let listed = scopes.map(\.rawValue).sorted().joined(separator: ", ")
            FileHandle.standardError.write(Data("token \(name) (\(listed)) created; it is shown only now\n".utf8))
        }
    }

    struct RevokeToken: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke a token by name (takes effect on the next request).")

        @Argument(help: "The token's name.")
        var name: String

        @OptionGroup var storage: ServiceStorageOptions

        func run() async throws {
            let registry = await storage.open()
            do { try await registry.revokeAPIToken(name: name, at: Date()) } catch {
                CLIFailure(error.message, status: error.code == .notFound ? 1 : 2).exit()
            }
            print("revoked token \(name)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens: name, scopes, created, revoked (never the secret).")

        @OptionGroup var storage: ServiceStorageOptions

        func run() async throws {
            let registry = await storage.open()
            let tokens: [APIToken]
            do { tokens = try await registry.apiTokens() } catch { CLIFailure(error.message).exit() }
            for t in tokens {
                print("\(t.name)\t\(t.storedScopes)\tcreated \(XSDDateTime.format(t.createdAt))\t\(t.revokedAt.map { "revoked " + XSDDateTime.format($0) } ?? "active")")
            }
        }
    }
}
