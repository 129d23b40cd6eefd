import ArgumentParser
import BundledContexts
import CredentialIssuance
import CredentialJSON
import DataIntegrity
import Foundation
import KeyManagement

extension Skillcred {
    /// `skillcred sign --key NAME FILE|-`: adds a Data Integrity proof and prints the secured credential.
    struct Sign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a Data Integrity proof to a credential and print the secured credential.",
            discussion: """
                The verification method is the key's did:key (did:key:z…#z…) unless --verification-method is given. \
                A credential without `issuer` (a presentation without `holder`) gets the key's DID there. Contexts come only from the bundled \
                copies; a term the contexts do not define is an error, never silently dropped.
                """
        )

        @Option(help: "Name of the signing key in the keys folder (made with `skillcred keys generate`), or a key on a PKCS#11 token, pkcs11:token=…;object=… (docs/pkcs11.md).")
        var key: String

        @OptionGroup var pkcs11: PKCS11Options

        @Option(help: "Folder holding NAME.pem and NAME.pub.json.")
        var keysDir = KeyStore.defaultDirectory

        @Option(help: "Cryptosuite: eddsa-rdfc-2022 (default for Ed25519), eddsa-jcs-2022, ecdsa-rdfc-2019 (default for P-256/P-384), ecdsa-jcs-2019.")
        var suite: String?

        @Flag(help: "Refuse to sign when the credential's issuer is not the key's controller (its DID).")
        var issuerCheck = false

        @Flag(help: "Sign even when the credential breaks a VC data model rule (for diagnostics only; an issuer must refuse such a credential).")
        var noCheck = false

        @Option(help: "Verification method URL to put in the proof (default: the key's did:key verification method).")
        var verificationMethod: String?

        @Option(help: "Proof purpose (default: assertionMethod; use authentication for presentations).")
        var purpose = "assertionMethod"

        @Option(help: "Security domain the proof is for (repeat for several; presentations).")
        var domain: [String] = []

        @Option(help: "The verifier's challenge to include (presentations).")
        var challenge: String?

        @Option(help: "Id of an existing proof this proof chains to (repeat for several); without it a second proof joins a proof set.")
        var previousProof: [String] = []

        @Option(help: "An id (URL) for the new proof, so later proofs can chain to it.")
        var proofId: String?

        @Option(help: "Folder of extra JSON-LD contexts (manifest.json mapping URLs to files), used besides the bundled ones.")
        var contextDir: String?

        @Argument(help: "Credential JSON file, or '-' for standard input.")
        var file: String

        func run() async throws {
            let privateKey: any SigningKey
            if PKCS11Options.isTokenKey(key) {
                do { privateKey = try pkcs11.signingKey(key) } catch { error.exit() }
            } else {
                do {
                    privateKey = try KeyStore(path: keysDir).load(key)
                } catch {
                    CLIFailure("key \(key): \(error)").exit()
                }
            }
            let choice = ProofKeyChoice(privateKey, suite: suite, label: "key \(key)")
            let (signingKey, did, defaultMethod, cryptosuite) = (choice.signingKey, choice.did, choice.defaultMethod, choice.cryptosuite)

            var document: JSONObject
            do {
                let value = try JSONParser.parse(try readInput(file))
                guard let object = value.objectValue else {
                    throw CLIFailure("\(file): $: the credential must be a JSON object, found \(value.kindName)")
                }
                document = object
            } catch let failure as CLIFailure {
                failure.exit()
            } catch let error as JSONParseError {
                CLIFailure("\(file): line \(error.line):\(error.column): \(error.message)").exit()
            } catch {
                CLIFailure("\(file): \(error)").exit()
            }

            // A presentation is bound to its holder, a credential to its issuer.
            let isPresentation = document["type"]?.asArray.contains(.string("VerifiablePresentation")) ?? false
            let role = isPresentation ? "holder" : "issuer"
            if let party = document[role] {
                let partyID = party.stringValue ?? party["id"]?.stringValue
                if issuerCheck, partyID != did {
                    CLIFailure("\(file): $.\(role): `\(partyID ?? party.kindName)` is not the key's controller `\(did)`", status: 1).exit()
                }
            } else {
                document[role] = .string(did)
            }

            let canonicalizer = makeCanonicalizer(contextDir: contextDir)
            if !isPresentation, !noCheck {
                do throws(IssuerChecks.Refusal) {
                    try IssuerChecks.check(.object(document), cryptosuite: cryptosuite, canonicalizer: canonicalizer)
                } catch {
                    let lines = error.problems.map { "\(file): \($0.path): \($0.message)" }
                    CLIFailure("refused to sign (an issuer must not secure this credential; --no-check signs it anyway):\n" + lines.joined(separator: "\n"), status: 1).exit()
                }
            }
            let signer = DataIntegritySigner(canonicalizer: canonicalizer)
            let options = ProofOptions(
                cryptosuite: cryptosuite, verificationMethod: verificationMethod ?? defaultMethod,
                proofPurpose: ProofPurpose(rawValue: purpose), domain: domain.isEmpty ? nil : domain,
                challenge: challenge, id: proofId, previousProof: previousProof.isEmpty ? nil : previousProof)
            do {
                let secured = try signer.addProof(to: .object(document), options: options, key: signingKey)
                print(JSONWriter.string(secured, style: .pretty))
            } catch {
                CLIFailure("\(file): \(error)").exit()
            }
        }
    }
}

/// A Data Integrity key as `sign` and `status publish` use it: the signing key, its did:key and verification
/// method, and the suite from `--suite` (the key type's default when absent). Exits with status 2 on a bad key or suite.
struct ProofKeyChoice {
    let signingKey: ProofSigningKey
    let did: String
    let defaultMethod: String
    let cryptosuite: Cryptosuite

    init(_ privateKey: any SigningKey, suite: String?, label: String) {
        do {
            signingKey = try ProofSigningKey(signingKey: privateKey)
            did = try privateKey.publicKey.didKey()
            defaultMethod = try privateKey.publicKey.didKeyVerificationMethod()
        } catch {
            CLIFailure("\(label): \(error)").exit()
        }
        if let suite {
            guard let s = Cryptosuite(rawValue: suite) else {
                CLIFailure("--suite: unknown cryptosuite `\(suite)` (use \(Cryptosuite.allCases.map(\.rawValue).joined(separator: ", ")))").exit()
            }
            cryptosuite = s
        } else {
            cryptosuite = signingKey.defaultCryptosuite
        }
    }
}
