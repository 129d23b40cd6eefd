import ArgumentParser
import CredentialRegistry

extension Skillcred {
    /// `skillcred suspend CREDENTIAL-ID`: Suspend a credential: set its suspension bit (lift it with `skillcred reinstate`).
    struct Suspend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Suspend a credential: set its suspension bit (lift it with `skillcred reinstate`).",
            discussion: "The change and its reason go to the registry's audit log; it is reported only once durably committed."
        )

        @Argument(help: "The credential's id (urn:uuid:…), as issued.")
        var credentialID: String

        @Option(help: "Why, for the audit log.")
        var reason: String?

        @OptionGroup var actor: ActorOptions
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            await runStatusChange(.suspend, credentialID: credentialID, reason: reason, actor: actor, database: database)
        }
    }
}
