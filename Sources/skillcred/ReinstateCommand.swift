import ArgumentParser
import CredentialRegistry

extension Skillcred {
    /// `skillcred reinstate CREDENTIAL-ID`: Lift a suspension. A revoked credential cannot be reinstated (exit status 1).
    struct Reinstate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lift a suspension. A revoked credential cannot be reinstated (exit status 1).",
            discussion: "The change and its reason go to the registry's audit log; it is reported only once durably committed."
        )

        @Argument(help: "The credential's id (urn:uuid:…), as issued.")
        var credentialID: String

        @Option(help: "Why, for the audit log.")
        var reason: String?

        @OptionGroup var actor: ActorOptions
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            await runStatusChange(.reinstate, credentialID: credentialID, reason: reason, actor: actor, database: database)
        }
    }
}
