import ArgumentParser
import CredentialJSON
import CredentialRegistry
import CredentialService
import Foundation
import RegistryStores

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

extension TokenScope: ExpressibleByArgument {}

extension Skillcred.TokensCommand {
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token and print it once.")

        @Option(help: "What the token may do (repeat for both).")
        var scope: [TokenScope] = []

        @Option(help: "A unique name (A–Z a–z 0–9 . _ -), used to revoke it.")
        var name: String

        @OptionGroup var storage: StorageOptions

        func validate() throws {
            guard !scope.isEmpty else {
                throw ValidationError("--scope: give \(TokenScope.allCases.map(\.rawValue).joined(separator: " or "))")
            }
            do { try APIToken.validate(name: name) } catch { throw ValidationError("--name: \(error.message)") }
        }

        func run() async throws {
            let scopes = Set(scope)
            let registry = try await storage.openRegistry()
            let secret = Tokens.generateSecret()
            do {
                try await registry.insertAPIToken(APIToken(name: name, scopes: scopes, hash: Tokens.hash(secret), createdAt: Date()))
            } catch {
                throw CLIFailure(error.message, status: error.code == .alreadyExists ? 1 : 2)
            }
            say(secret)
            let listed = scopes.map(\.rawValue).sorted().joined(separator: ", ")
            note("token \(name) (\(listed)) created; it is shown only now")
        }
    }

    struct RevokeToken: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke a token by name (takes effect on the next request).")

        @Argument(help: "The token's name.")
        var name: String

        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let registry = try await storage.openRegistry()
            do { try await registry.revokeAPIToken(name: name, at: Date()) } catch {
                throw CLIFailure(error.message, status: error.code == .notFound ? 1 : 2)
            }
            say("revoked token \(name)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens: name, scopes, created, revoked (never the secret).")

        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let registry = try await storage.openRegistry()
            let tokens: [APIToken]
            do { tokens = try await registry.apiTokens() } catch { throw CLIFailure(error.message) }
            for token in tokens {
                say(
                    "\(token.name)\t\(token.storedScopes)\tcreated \(XSDDateTime.format(token.createdAt))\t\(token.revokedAt.map { "revoked " + XSDDateTime.format($0) } ?? "active")"
                )
            }
        }
    }
}
