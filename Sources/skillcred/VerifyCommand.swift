import ArgumentParser
import CredentialJSON
import DataIntegrity
import Foundation

extension Skillcred {
    /// `skillcred verify FILE…`: checks every Data Integrity proof of every file.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the Data Integrity proofs of credentials or presentations (exit 0 only if every proof verifies).",
            discussion: """
                Supports eddsa-rdfc-2022, eddsa-jcs-2022, ecdsa-rdfc-2019, ecdsa-jcs-2019 and the legacy \
                Ed25519Signature2020. Contexts come only from the bundled copies; nothing is fetched. \
                Status lists, validity dates and schemas are not checked here.
                """
        )

        @Argument(help: "Files to verify ('-' reads standard input).")
        var files: [String]

        @Flag(inversion: .prefixedNo, help: "Require the key's controller to be the credential's issuer (the presentation's holder).")
        var issuerCheck = true

        @Option(help: "Expected proof purpose (default: authentication for presentations, assertionMethod otherwise).")
        var purpose: String?

        @Option(help: "Expected proof domain (repeat for several).")
        var domain: [String] = []

        @Option(help: "Expected proof challenge.")
        var challenge: String?

        @Option(help: "Folder of did:web documents: did:web:example.com resolves to DIR/example.com/.well-known/did.json.")
        var didWebDir: String?

        func run() async throws {
            let verifier = DataIntegrityVerifier(
                canonicalizer: JSONLDCanonicalizer(),
                resolver: DIDVerificationMethodResolver(didWebDirectory: didWebDir.map { URL(fileURLWithPath: $0) }))
            let options = ProofVerificationOptions(
                expectedProofPurpose: purpose.map { ProofPurpose(rawValue: $0) },
                domain: domain.isEmpty ? nil : domain, challenge: challenge, issuerCheck: issuerCheck)
            var allVerified = true
            for file in files {
                let document: JSONValue
                do {
                    document = try JSONParser.parse(try readInput(file))
                } catch let failure as CLIFailure {
                    failure.exit()
                } catch let error as JSONParseError {
                    CLIFailure("\(file): line \(error.line):\(error.column): \(error.message)").exit()
                } catch {
                    CLIFailure("\(file): \(error)").exit()
                }
                let result = await verifier.verify(document, options: options)
                if result.verified {
                    let suites = result.proofs.compactMap { $0.suite?.description }.joined(separator: ", ")
                    print("✓ \(file): \(result.proofs.count) proof\(result.proofs.count == 1 ? "" : "s") verified (\(suites))")
                } else {
                    allVerified = false
                    print("✗ \(file)")
                    for error in result.errors { print("    \(error)") }
                    for proof in result.proofs {
                        let label = "proof \(proof.path)" + (proof.suite.map { " (\($0))" } ?? "")
                        if proof.verified {
                            print("    \(label): verified")
                        } else {
                            for error in proof.errors { print("    \(label): \(error)") }
                        }
                    }
                }
            }
            if !allVerified { throw ExitCode(1) }
        }
    }
}
