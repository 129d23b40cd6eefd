import ArgumentParser
import CredentialJSON
import Foundation
import JAdES
import KeyManagement
import PKCS11Keys

extension Skillcred {
    /// `skillcred keys …`: create, import and inspect signing keys in a key directory.
    struct Keys: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "keys",
            abstract:
                "Generate, import and show signing keys (NAME.pem is PKCS#8 with mode 0600; NAME.pub.json holds the public parts), or keys on a PKCS#11 token.",
            subcommands: [Generate.self, Show.self, Import.self, List.self]
        )
    }
}

/// `--keys-dir DIR`: the key folder, under one name in every command that reads or writes named keys
/// (`keys …`, `sign`, `issue`, `status publish`).
struct KeyDirectoryOptions: ParsableArguments {
    @Option(name: .customLong("keys-dir"), help: ArgumentHelp("The folder holding NAME.pem (mode 0600) and NAME.pub.json.", valueName: "DIR"))
    var directory: String = KeyStore.defaultDirectory

    var store: KeyStore { KeyStore(path: directory) }
}

private func printPublicParts(_ key: PublicKey, name: String) {
    say(JSONWriter.string(.object(key.publicParts(name: name)), style: .pretty))
}

extension KeyType: ExpressibleByArgument {}

extension Skillcred.Keys {
    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate a key and write NAME.pem (mode 0600) and NAME.pub.json; prints the public parts."
        )

        @Option(help: "Key type.")
        var type: KeyType

        @Option(help: "Key name (A–Z a–z 0–9 . _ -); files are NAME.pem and NAME.pub.json.")
        var name: String?

        @OptionGroup var options: KeyDirectoryOptions

        @Flag(help: "Replace an existing key with the same name.")
        var force = false

        @Option(
            help: ArgumentHelp(
                "Generate the key on a PKCS#11 token instead, sensitive and non-extractable: pkcs11:token=LABEL;object=LABEL[;id=%XX…] (docs/pkcs11.md).",
                valueName: "URI"))
        var pkcs11: String?

        @OptionGroup var token: PKCS11Options

        @Option(
            help: ArgumentHelp(
                "With --pkcs11: also store on the token a DEMO seal certificate for the new key (under a demo CA whose key is discarded) and write the demo CA certificate here, for --trust-anchors.",
                valueName: "CA.pem"))
        var demoSeal: String?

        func validate() throws {
            if demoSeal != nil && pkcs11 == nil { throw ValidationError("--demo-seal goes with --pkcs11") }
            if pkcs11 == nil && name == nil { throw ValidationError("--name NAME is required (or --pkcs11 URI to generate on a token)") }
        }

        func run() async throws {
            let keyType = type
            if let pkcs11 {
                try generateOnToken(keyType, reference: pkcs11)
                return
            }
            guard let name else { throw ValidationError("--name NAME is required (or --pkcs11 URI to generate on a token)") }
            let store = options.store
            do {
                try KeyStore.validate(name: name)
                if !force && store.contains(name) {
                    throw KeyError(.keyExists, "a key named \"\(name)\" already exists; use --force to replace it", location: store.privateKeyPath(name))
                }
                let key = try PrivateKey.generate(keyType)
                try store.save(key, name: name, overwrite: force)
                note("wrote \(store.privateKeyPath(name)) (mode 0600) and \(store.publicPartsPath(name))")
                printPublicParts(key.publicKey, name: name)
            } catch let error as KeyError {
                throw CLIFailure(error.description)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a key's public parts (type, publicKeyMultibase, did:key, JWK) as JSON."
        )

        @Argument(help: "Key name.")
        var name: String

        @OptionGroup var options: KeyDirectoryOptions

        func run() async throws {
            do {
                printPublicParts(try options.store.loadPublic(name), name: name)
            } catch {
                throw CLIFailure(error.description)
            }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a PEM private key made by OpenSSL (PKCS#8, SEC1 EC or PKCS#1 RSA) into the key directory."
        )

        @Option(help: "Key name to store it under.")
        var name: String

        @Option(help: "PEM file with the private key, or - for standard input.")
        var pem: String

        @OptionGroup var options: KeyDirectoryOptions

        @Flag(help: "Replace an existing key with the same name.")
        var force = false

        func run() async throws {
            guard let text = String(validating: try readInput(pem), as: UTF8.self) else {
                throw CLIFailure("\(pem): not a text PEM file")
            }
            let store = options.store
            do {
                let key: PrivateKey
                do { key = try PrivateKey(pem: text) } catch {
                    throw KeyError(error.code, error.message, location: pem)
                }
                try store.save(key, name: name, overwrite: force)
                note("imported \(key.type) key as \(store.privateKeyPath(name)) (mode 0600)")
                printPublicParts(key.publicKey, name: name)
            } catch let error as KeyError {
                throw CLIFailure(error.description)
            }
        }
    }
}

extension Skillcred.Keys.Generate {
    /// Generates the key pair on the token (the private key never exists outside it) and prints its public parts.
    private func generateOnToken(_ type: KeyType, reference: String) throws(CLIFailure) {
        do {
            let uri = try PKCS11URI(reference)
            guard let label = uri.object else { throw CLIFailure("--pkcs11 \(reference): name the new key with object=LABEL") }
            let tokenHandle = try PKCS11KeyReference.openToken(uri, modulePath: token.module, pinSource: token.pinSource, readWrite: true)
            // Refuse to make a second key with the same label: `--key pkcs11:…;object=LABEL` would become ambiguous.
            if try tokenHandle.objects().contains(where: { $0.label == label && $0.kind == "private key" }) {
                throw CLIFailure("\(tokenHandle.name) already has a private key labelled \(label)")
            }
            var id = uri.id ?? []
            if id.isEmpty {
                // A random CKA_ID ties the key, its public key and its certificate together.
                var generator = SystemRandomNumberGenerator()
                id = (0..<8).map { _ in UInt8.random(in: 0...255, using: &generator) }
            }
            let key = try tokenHandle.generateKey(type, label: label, id: id)
            note("generated \(type) key \(label) on \(tokenHandle.name) (sensitive, non-extractable): \(key.uri)")
            if let demoSeal {
                let publicKey = JAdESPrivateKey.signingKey(key).publicKey
                let made = try { () throws(CLIFailure) in
                    do { return try DemoSeal.certificates(for: publicKey) } catch { throw CLIFailure("cannot make the demo seal certificate: \(error)") }
                }()
                try tokenHandle.storeCertificate(made.seal, label: label, id: id)
                try tokenHandle.storeCertificate(made.ca, label: label + " DEMO CA", id: [])
                try writeOutput(Array(made.caPEM.utf8), to: demoSeal)
                note("stored a DEMO seal certificate (\(made.seal.subject)) and its demo CA on the token; demo CA certificate: \(demoSeal)")
            }
            printPublicParts(key.publicKey, name: label)
        } catch let error as PKCS11Error {
            throw CLIFailure(error.description)
        } catch let error as CLIFailure {
            throw error
        } catch {
            throw CLIFailure("\(error)")
        }
    }
}

extension Skillcred.Keys {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the keys and certificates on a PKCS#11 token (labels, ids, types, URIs); private keys only with --pin-source."
        )

        @OptionGroup var token: PKCS11Options

        @Option(help: ArgumentHelp("The token: a pkcs11: URI (token=LABEL…) or a bare token label; default: the module's only token.", valueName: "TOKEN"))
        var tokenLabel: String?

        func run() async throws {
            do {
                var uri = PKCS11URI()
                if let tokenLabel {
                    if PKCS11URI.isPKCS11URI(tokenLabel) { uri = try PKCS11URI(tokenLabel) } else { uri.token = tokenLabel }
                }
                let opened = try PKCS11KeyReference.openToken(uri, modulePath: token.module, pinSource: token.pinSource)
                let objects = try opened.objects()
                say(
                    "\(opened.name) (\(opened.info.manufacturer) \(opened.info.model), serial \(opened.info.serial))\(token.pinSource == nil ? "; private keys need --pin-source" : "")"
                )
                for object in objects {
                    var line =
                        "  \(object.kind.padding(toLength: 11, withPad: " ", startingAt: 0))  \(object.keyType ?? "-")  label=\(object.label ?? "-")  id=\(object.idHex.isEmpty ? "-" : object.idHex)"
                    if let extractable = object.extractable { line += extractable ? "  EXTRACTABLE" : "  non-extractable" }
                    if let subject = object.subject { line += "  subject=\(subject)" }
                    say(line)
                    say("      \(object.uri)")
                }
                if objects.isEmpty { say("  (no objects)") }
            } catch {
                throw CLIFailure(error.description)
            }
        }
    }
}
