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

        @Option(
            help:
                "Name of the signing key in the keys folder (made with `skillcred keys generate`), or a key on a PKCS#11 token, pkcs11:token=…;object=… (docs/pkcs11.md)."
        )
        var key: String

        @OptionGroup var keys: KeyDirectoryOptions

        @OptionGroup var pkcs11: PKCS11Options

        @Option(help: "Cryptosuite (default: eddsa-rdfc-2022 for Ed25519 keys, ecdsa-rdfc-2019 for P-256/P-384).")
        var suite: Cryptosuite?

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
                privateKey = try pkcs11.signingKey(key)
            } else {
                do {
                    privateKey = try keys.store.load(key)
                } catch {
                    throw CLIFailure("key \(key): \(error)")
                }
            }
            let choice = try ProofKeyChoice(privateKey, suite: suite, label: "key \(key)")
            let (signingKey, did, defaultMethod, cryptosuite) = (choice.signingKey, choice.did, choice.defaultMethod, choice.cryptosuite)

            let value = try readJSON(file)
            guard var document = value.objectValue else {
                throw CLIFailure("\(file): $: the credential must be a JSON object, found \(value.kindName)")
            }

            // A presentation is bound to its holder, a credential to its issuer.
            let isPresentation = document["type"]?.asArray.contains(.string("VerifiablePresentation")) ?? false
            let role = isPresentation ? "holder" : "issuer"
            if let party = document[role] {
                let partyID = party.stringValue ?? party["id"]?.stringValue
                if issuerCheck, partyID != did {
                    throw CLIFailure("\(file): $.\(role): `\(partyID ?? party.kindName)` is not the key's controller `\(did)`", status: 1)
                }
            } else {
                document[role] = .string(did)
            }

            let canonicalizer = try makeCanonicalizer(contextDir: contextDir)
            if !isPresentation, !noCheck {
                do throws(IssuerChecks.Refusal) {
                    try IssuerChecks.check(.object(document), cryptosuite: cryptosuite, canonicalizer: canonicalizer)
                } catch {
                    let lines = error.problems.map { "\(file): \($0.path): \($0.message)" }
                    throw CLIFailure(
                        "refused to sign (an issuer must not secure this credential; --no-check signs it anyway):\n" + lines.joined(separator: "\n"), status: 1)
                }
            }
            let signer = DataIntegritySigner(canonicalizer: canonicalizer)
            let options = ProofOptions(
                cryptosuite: cryptosuite, verificationMethod: verificationMethod ?? defaultMethod,
                proofPurpose: ProofPurpose(rawValue: purpose), domain: domain.isEmpty ? nil : domain,
                challenge: challenge, id: proofId, previousProof: previousProof.isEmpty ? nil : previousProof)
            do {
                let secured = try signer.addProof(to: .object(document), options: options, key: signingKey)
                say(JSONWriter.string(secured, style: .pretty))
            } catch {
                throw CLIFailure("\(file): \(error)")
            }
        }
    }
}

/// A Data Integrity key as `sign` and `status publish` use it: the signing key, its did:key and verification
/// method, and the suite from `--suite` (the key type's default when absent).
struct ProofKeyChoice {
    let signingKey: ProofSigningKey
    let did: String
    let defaultMethod: String
    let cryptosuite: Cryptosuite

    init(_ privateKey: any SigningKey, suite: Cryptosuite?, label: String) throws(CLIFailure) {
        do {
            signingKey = try ProofSigningKey(signingKey: privateKey)
            did = try privateKey.publicKey.didKey()
            defaultMethod = try privateKey.publicKey.didKeyVerificationMethod()
        } catch {
            throw CLIFailure("\(label): \(error)")
        }
        cryptosuite = suite ?? signingKey.defaultCryptosuite
    }
}

extension Cryptosuite: ExpressibleByArgument {}
