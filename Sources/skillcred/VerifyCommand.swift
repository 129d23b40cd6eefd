import ArgumentParser
import BundledContexts
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

        @Option(help: "A controller (DID) document JSON file to take verification methods from before any DID method (repeatable).")
        var controllerDocument: [String] = []

        @Option(help: "Folder of extra JSON-LD contexts (manifest.json mapping URLs to files), used besides the bundled ones.")
        var contextDir: String?

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
            var controllerDocuments: [JSONObject] = []
            for path in controllerDocument {
                do {
                    let value = try JSONParser.parse(try readInput(path))
                    guard let object = value.objectValue else {
                        throw CLIFailure("\(path): $: a controller document must be a JSON object")
                    }
                    controllerDocuments.append(object)
                } catch let failure as CLIFailure {
                    failure.exit()
                } catch let error as JSONParseError {
                    CLIFailure("\(path): line \(error.line):\(error.column): \(error.message)").exit()
                } catch {
                    CLIFailure("\(path): \(error)").exit()
                }
            }
            let resolver: DIDVerificationMethodResolver
            do {
                resolver = try DIDVerificationMethodResolver(
                    didWebDirectory: didWebDir.map { URL(fileURLWithPath: $0) }, controllerDocumentsJSON: controllerDocuments)
            } catch {
                CLIFailure("--controller-document: \(error.message)").exit()
            }
            let verifier = DataIntegrityVerifier(canonicalizer: makeCanonicalizer(contextDir: contextDir), resolver: resolver)
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

/// The RDFC canonicalizer for `--context-dir`: bundled contexts only (with the shared cache), or bundled
/// plus the directory's (with a cache of its own, since a cache is valid for one loader).
func makeCanonicalizer(contextDir: String?) -> JSONLDCanonicalizer {
    guard let contextDir else { return JSONLDCanonicalizer() }
    do {
        let loader = try BundledContexts.loader(contextDirectory: URL(fileURLWithPath: contextDir))
        return JSONLDCanonicalizer(documentLoader: loader)
    } catch {
        CLIFailure("--context-dir: \(error)").exit()
    }
}
