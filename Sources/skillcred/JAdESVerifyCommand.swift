import ArgumentParser
import Foundation
import JAdES

extension Skillcred {
    /// `skillcred jades-verify`: a diagnostic view of a JAdES seal's checks (the full `verify` command
    /// adds the credential-level checks).
    struct JAdESVerify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "jades-verify",
            abstract: "Check a JAdES-sealed file's seal and print each check (diagnostics; exit 0 valid, 1 invalid).",
            discussion: "Without --trust-anchors the certificate chain is reported as untrusted."
        )

        @Option(
            name: .long,
            help: ArgumentHelp(
                "A folder of PEM trust-anchor certificates (*.pem, *.crt, *.cer), or one PEM file, to validate the seal certificate's chain against.",
                valueName: "DIR"))
        var trustAnchors: String?

        @Argument(help: ArgumentHelp("The sealed JWS JSON file, or - for standard input.", valueName: "FILE"))
        var file: String

        func run() async throws {
            try await verify()
        }

        private func verify() async throws(CLIFailure) {
            let validator: JAdESChainValidator
            if let trustAnchors {
                do {
                    validator = try JAdESChainValidator(trustAnchorDirectory: URL(fileURLWithPath: trustAnchors))
                } catch {
                    throw CLIFailure("\(error)")
                }
            } else {
                validator = JAdESChainValidator(trustAnchors: [])
            }
            let bytes = try readInput(file)
            let result = JAdESVerifier().verify(bytes)
            var lines: [String] = []
            for check in result.documentChecks {
                lines.append("\(check.status.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) \(check.code): \(check.reason)")
            }
            var trusted = true
            for signature in result.signatures {
                lines.append("signature \(signature.index):")
                for check in signature.checks {
                    lines.append("  \(check.status.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) \(check.code): \(check.reason)")
                }
                if let signer = signature.signer {
                    lines.append("  signer: \(signer.subject)")
                    lines.append("  organizationIdentifier: \(signer.organizationIdentifier ?? "-"), serial \(signer.serialNumber), issuer \(signer.issuer)")
                }
                let chain = await validator.validate(signature)
                trusted = trusted && chain.isTrusted
                lines.append("  chain: \(chain)")
            }
            lines.append(result.isValid ? "seal: valid" + (trusted ? "" : " (certificate not trusted)") : "seal: INVALID")
            say(lines.joined(separator: "\n"))
            if !result.isValid {
                throw CLIFailure("\(file): seal invalid: \(result.firstError.map { "\($0.code): \($0.reason)" } ?? "no signature")", status: 1)
            }
        }
    }
}
