import ArgumentParser
import CredentialRegistry

extension Skillcred {
    /// `skillcred revoke CREDENTIAL-ID`: Revoke a credential: set its revocation bit. Revocation is final.
    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a credential: set its revocation bit. Revocation is final.",
            discussion: "The change and its reason go to the registry's audit log; it is reported only once durably committed."
        )

        @OptionGroup var arguments: StatusChangeArguments

        func run() async throws {
            try await arguments.apply(.revoke)
        }
    }
}
