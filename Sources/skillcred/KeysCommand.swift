import ArgumentParser
import CredentialJSON
import Foundation
import KeyManagement

extension Skillcred {
    /// `skillcred keys …`: create, import and inspect signing keys in a key directory.
    struct Keys: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "keys",
            abstract: "Generate, import and show signing keys (NAME.pem is PKCS#8 with mode 0600; NAME.pub.json holds the public parts).",
            subcommands: [Generate.self, Show.self, Import.self]
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
        var name: String

        @OptionGroup var options: KeyDirectoryOptions

        @Flag(help: "Replace an existing key with the same name.")
        var force = false

        func run() async throws {
            let keyType = type
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
