import ArgumentParser
import CredentialRegistry

extension Skillcred {
    /// `skillcred reinstate CREDENTIAL-ID`: Lift a suspension. A revoked credential cannot be reinstated (exit status 1).
    struct Reinstate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lift a suspension. A revoked credential cannot be reinstated (exit status 1).",
            discussion: "The change and its reason go to the registry's audit log; it is reported only once durably committed."
        )

        @OptionGroup var arguments: StatusChangeArguments

        func run() async throws {
            try await arguments.apply(.reinstate)
        }
    }
}
