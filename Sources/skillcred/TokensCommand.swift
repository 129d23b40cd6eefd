import ArgumentParser
import CredentialService
import Foundation
import RegistryStores

/// Where the service keeps its tokens: `--data-dir` and `--database`, as `serve` takes them.
struct ServiceStorageOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "The service's data directory (env SKILLCRED_DATA_DIR; default skillcred-data).")
    var dataDir: String?

    @Option(help: "Registry: SQLite path or postgres:// URL (env SKILLCRED_DATABASE; default DATA_DIR/registry.sqlite).")
    var database: String?

    var dataDirectory: URL { URL(fileURLWithPath: dataDir ?? ProcessInfo.processInfo.environment["SKILLCRED_DATA_DIR"] ?? "skillcred-data") }
    var spec: String {
        database ?? ProcessInfo.processInfo.environment["SKILLCRED_DATABASE"] ?? dataDirectory.appendingPathComponent("registry.sqlite").path
    }

    func store() -> any TokenStore {
        do { return try Tokens.store(databaseSpec: spec, dataDirectory: dataDirectory) } catch { CLIFailure(error.message).exit() }
    }
}

extension Skillcred {
    /// `skillcred tokens create|revoke|list`: the service's API tokens.
    struct TokensCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tokens",
            abstract: "Create, revoke and list the service's API tokens (stored only as SHA-256 hashes).",
            subcommands: [Create.self, RevokeToken.self, List.self]
        )
    }
}

extension Skillcred.TokensCommand {
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token and print it once.")

        @Option(help: "What the token may do: issue or status (repeat for both).")
        var scope: [TokenScope] = []

        @Option(help: "A unique name (A–Z a–z 0–9 . _ -), used to revoke it.")
        var name: String

        @OptionGroup var storage: ServiceStorageOptions

        func run() async throws {
            guard !scope.isEmpty else { CLIFailure("--scope: give issue or status").exit() }
            do { try Tokens.validate(name: name) } catch { CLIFailure("--name: \(error.message)").exit() }
            let secret = Tokens.generateSecret()
            do {
                try storage.store().insert(APIToken(name: name, scopes: Set(scope), hash: Tokens.hash(secret), createdAt: Date()))
            } catch {
                CLIFailure(error.message, status: error.code == .duplicateName ? 1 : 2).exit()
            }
            print(secret)
            FileHandle.standardError.write(Data("token \(name) (\(scope.map(\.rawValue).sorted().joined(separator: ", "))) created; it is shown only now\n".utf8))
        }
    }

    struct RevokeToken: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke a token by name (takes effect on the next request).")

        @Argument(help: "The token's name.")
        var name: String

        @OptionGroup var storage: ServiceStorageOptions

        func run() async throws {
            do { try storage.store().revoke(name: name, at: Date()) } catch {
                CLIFailure(error.message, status: error.code == .notFound ? 1 : 2).exit()
            }
            print("revoked token \(name)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens: name, scopes, created, revoked (never the secret).")

        @OptionGroup var storage: ServiceStorageOptions

        func run() async throws {
            let tokens: [APIToken]
            do { tokens = try storage.store().all() } catch { CLIFailure(error.message).exit() }
            let f = ISO8601DateFormatter()
            for t in tokens {
                print("\(t.name)\t\(t.scopes.map(\.rawValue).sorted().joined(separator: ","))\tcreated \(f.string(from: t.createdAt))\t\(t.revokedAt.map { "revoked " + f.string(from: $0) } ?? "active")")
            }
        }
    }
}

extension TokenScope: ExpressibleByArgument {}
