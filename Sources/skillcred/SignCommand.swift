import ArgumentParser
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
                A credential without `issuer` gets the key's DID as issuer. Contexts come only from the bundled \
                copies; a term the contexts do not define is an error, never silently dropped.
                """
        )

        @Option(help: "Name of the signing key in the keys folder (made with `skillcred keys generate`).")
        var key: String

        @Option(help: "Folder holding NAME.pem and NAME.pub.json.")
        var keysDir = KeyStore.defaultDirectory

        @Option(help: "Cryptosuite: eddsa-rdfc-2022 (default for Ed25519), eddsa-jcs-2022, ecdsa-rdfc-2019 (default for P-256/P-384), ecdsa-jcs-2019.")
        var suite: String?

        @Flag(help: "Refuse to sign when the credential's issuer is not the key's controller (its DID).")
        var issuerCheck = false

        @Option(help: "Verification method URL to put in the proof (default: the key's did:key verification method).")
        var verificationMethod: String?

        @Option(help: "Proof purpose (default: assertionMethod).")
        var purpose = "assertionMethod"

        @Argument(help: "Credential JSON file, or '-' for standard input.")
        var file: String

        func run() async throws {
            let privateKey: PrivateKey
            do {
                privateKey = try KeyStore(path: keysDir).load(key)
            } catch {
                CLIFailure("key \(key): \(error)").exit()
            }
            let signingKey: ProofSigningKey
            let did: String
            let defaultMethod: String
            do {
                signingKey = try ProofSigningKey(privateKey)
                did = try privateKey.publicKey.didKey()
                defaultMethod = try privateKey.publicKey.didKeyVerificationMethod()
            } catch {
                CLIFailure("key \(key): \(error)").exit()
            }
            let cryptosuite: Cryptosuite
            if let suite {
                guard let s = Cryptosuite(rawValue: suite) else {
                    CLIFailure("--suite: unknown cryptosuite `\(suite)` (use \(Cryptosuite.allCases.map(\.rawValue).joined(separator: ", ")))").exit()
                }
                cryptosuite = s
            } else {
                cryptosuite = signingKey.defaultCryptosuite
            }

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

            if let issuer = document["issuer"] {
                let issuerID = issuer.stringValue ?? issuer["id"]?.stringValue
                if issuerCheck, issuerID != did {
                    CLIFailure("\(file): $.issuer: `\(issuerID ?? issuer.kindName)` is not the key's controller `\(did)`", status: 1).exit()
                }
            } else {
                document["issuer"] = .string(did)
            }

            let signer = DataIntegritySigner(canonicalizer: JSONLDCanonicalizer())
            let options = ProofOptions(
                cryptosuite: cryptosuite, verificationMethod: verificationMethod ?? defaultMethod,
                proofPurpose: ProofPurpose(rawValue: purpose))
            do {
                let secured = try signer.addProof(to: .object(document), options: options, key: signingKey)
                print(JSONWriter.string(secured, style: .pretty))
            } catch {
                CLIFailure("\(file): \(error)").exit()
            }
        }
    }
}
