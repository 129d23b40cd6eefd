import ArgumentParser
import CredentialRegistry

extension Skillcred {
    /// `skillcred suspend CREDENTIAL-ID`: Suspend a credential: set its suspension bit (lift it with `skillcred reinstate`).
    struct Suspend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Suspend a credential: set its suspension bit (lift it with `skillcred reinstate`).",
            discussion: "The change and its reason go to the registry's audit log; it is reported only once durably committed."
        )

        @OptionGroup var arguments: StatusChangeArguments

        func run() async throws {
            try await arguments.apply(.suspend)
        }
    }
}
