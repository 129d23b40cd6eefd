import ArgumentParser
import CredentialRegistry

extension Skillcred {
    /// `skillcred revoke CREDENTIAL-ID`: Revoke a credential: set its revocation bit. Revocation is final.
    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a credential: set its revocation bit. Revocation is final.",
            discussion: "The change and its reason go to the registry's audit log; it is reported only once durably committed."
        )

        @Argument(help: "The credential's id (urn:uuid:…), as issued.")
        var credentialID: String

        @Option(help: "Why, for the audit log.")
        var reason: String?

        @OptionGroup var actor: ActorOptions
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            await runStatusChange(.revoke, credentialID: credentialID, reason: reason, actor: actor, database: database)
        }
    }
}
