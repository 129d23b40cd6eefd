import ArgumentParser
import CredentialIssuance
import CredentialJSON
import CredentialRegistry
import DataIntegrity
import Foundation
import JAdES
import KeyManagement
import StatusList

extension Skillcred {
    /// `skillcred status show|publish`: a credential's status, and the status list credentials verifiers read.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Show a credential's revocation and suspension status, or publish the status lists.",
            subcommands: [Show.self, Publish.self]
        )
    }
}

extension Skillcred.Status {
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a credential's status entries (list and index), whether it is revoked or suspended, and its audit log, as JSON."
        )

        @Argument(help: "The credential's id (urn:uuid:…).")
        var credentialID: String

        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let store = try await storage.openRegistry()
            let state: CredentialStatusState
            let audit: [AuditEntry]
            do {
                state = try await store.statusState(credentialID: credentialID)
                audit = try await store.auditLog(credentialID: credentialID)
            } catch {
                throw CLIFailure(error.message)
            }
            let record = state.record
            var report: JSONObject = [
                "id": .string(record.id),
                "issuer": .string(record.issuer),
                "state": .string(record.state.rawValue),
                "batch": .string(record.batch),
                "row": .string(record.rowKey),
                "format": .string(record.format),
                "revoked": .bool(state.revoked),
                "suspended": .bool(state.suspended),
            ]
            report["credentialStatus"] = .array(
                record.statuses.map {
                    ["statusPurpose": .string($0.purpose), "statusListCredential": .string($0.listURL), "statusListIndex": .string(String($0.index))]
                })
            report["audit"] = .array(
                audit.map { e in
                    var entry: JSONObject = ["at": .string(StatusListPublisher.timestamp(e.at)), "action": .string(e.action), "actor": .string(e.actor)]
                    if let reason = e.reason { entry["reason"] = .string(reason) }
                    return .object(entry)
                })
            say(JSONWriter.string(.object(report), style: .pretty))
        }
    }

    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write every status list as a BitstringStatusListCredential to DIR/<host>/<path>.json, each file replaced atomically.",
            discussion: """
                A DID issuer's lists are signed with --key (a Data Integrity proof; the key's did:key must be the list's \
                issuer unless --verification-method names the issuer's method); without --key, with the data \
                directory's issuer key (--data-dir) when the lists are its own. An EDC issuer's lists (issuer \
                urn:epass:org:…) are sealed with JAdES by the organisation's e-seal, --seal-key and --seal-cert, as its \
                EDCs are (default: the data directory's e-seal, a DEMO one made at first use, as skillcred issue \
                does): the file is then the JWS JSON document whose payload is the list credential. Publishing \
                unsigned lists needs --unsigned, since verifiers reject them. Serve DIR as it is, or sync it to the host \
                the list URLs name.
                """
        )

        @Option(help: "Directory to write the lists into (the layout a local mirror reads).")
        var out: String

        @Option(help: "Publish only the lists whose URL starts with this base (default: all lists).")
        var statusBaseURL: String?

        @Option(
            help:
                "Name of the issuer's signing key in the keys folder, or a pkcs11: URI of a key on a token (for DID issuers' lists; default: the data directory's issuer key, for its own lists)."
        )
        var key: String?

        @OptionGroup var keys: KeyDirectoryOptions

        @OptionGroup var pkcs11: PKCS11Options

        @Option(help: "Cryptosuite (default: the key type's: eddsa-rdfc-2022 for Ed25519, ecdsa-rdfc-2019 for P-256/P-384).")
        var suite: Cryptosuite?

        @Option(help: "Verification method URL for the proof (default: the key's did:key method).")
        var verificationMethod: String?

        @Option(
            help: ArgumentHelp(
                "EDC issuers' lists: the e-seal key, keys/NAME.pem, with --seal-cert, or a pkcs11: URI (default: the data directory's e-seal, made as DEMO material at first use).",
                valueName: "NAME|URI"))
        var sealKey: String?

        @Option(help: ArgumentHelp("EDC issuers' lists: the seal certificate chain of --seal-key, PEM, seal certificate first.", valueName: "PEM"))
        var sealCert: String?

        @OptionGroup var storage: StorageOptions

        @Flag(help: "Publish without a proof or seal (verifiers that check lists will reject them).")
        var unsigned = false

        @Option(help: "Seconds each list stays valid (validUntil = now + this).")
        var validFor: Int = 7 * 24 * 3600

        @Option(help: "Cache lifetime advertised to verifiers, in milliseconds (the list's ttl).")
        var ttl: Int = 300_000

        func validate() throws {
            guard validFor > 0 else { throw ValidationError("--valid-for: must be a positive number of seconds") }
            guard ttl >= 0 else { throw ValidationError("--ttl: must not be negative") }
            if unsigned {
                if key != nil { throw ValidationError("--key and --unsigned contradict each other") }
                if sealKey != nil || sealCert != nil { throw ValidationError("--seal-key/--seal-cert and --unsigned contradict each other") }
            }
            if (sealKey == nil) != (sealCert == nil) && !PKCS11Options.isTokenKey(sealKey) {
                throw ValidationError("--seal-key and --seal-cert go together (without both, the data directory's e-seal is used)")
            }
        }

        func run() async throws {
            let store = try await storage.openRegistry()
            var lists: [StatusListSnapshot]
            do {
                lists = try await store.statusLists(issuer: nil)
            } catch {
                throw CLIFailure(error.message)
            }
            if let base = statusBaseURL { lists = lists.filter { $0.url.hasPrefix(base) } }
            let sealedCount = lists.filter { StatusListSealing.isSealedIssuer($0.issuer) }.count
            let provedCount = lists.count - sealedCount
            var signer: StatusListPublisher.Signer?
            if !unsigned {
                var chosen = try key.map { name throws(CLIFailure) in try makeSigner(keyName: name) }
                if provedCount > 0 && key == nil {
                    let issuers = Set(lists.map(\.issuer).filter { !StatusListSealing.isSealedIssuer($0) }).sorted()
                    // The data directory's issuer key signs its own lists (those `skillcred issue --format vc2` made).
                    if let own = try dataDirectoryIssuerKey(), issuers == [own.did] {
                        chosen = try makeSigner(own.key.key, label: own.key.path, keyName: own.key.path)
                    } else {
                        throw CLIFailure(
                            "the lists of \(issuers.joined(separator: ", ")) need a Data Integrity proof: give --key NAME to sign them, or --unsigned to publish without a proof"
                        )
                    }
                }
                let prove = chosen
                let seal = sealedCount > 0 ? StatusListSealing.sealingSigner(try makeSealer()) : nil
                signer = { unsigned, list in
                    // Checked above: every list has the signer its issuer needs.
                    if StatusListSealing.isSealedIssuer(list.issuer), let seal { return try seal(unsigned, list) }
                    guard let prove else { throw RegistryError(.publishing, "no --key for the lists of \(list.issuer)") }
                    return try prove(unsigned, list)
                }
            }
            let publisher = StatusListPublisher(directory: URL(fileURLWithPath: out), validity: TimeInterval(validFor), ttl: ttl, signer: signer)
            do {
                for written in try publisher.publish(lists) {
                    say("\(written.url) -> \(written.file.path) (\(written.bytes) bytes)")
                }
            } catch {
                throw CLIFailure(error.message)
            }
            let how: String
            if signer == nil {
                how = " (unsigned)"
            } else {
                how =
                    " ("
                    + [sealedCount > 0 ? "\(sealedCount) sealed with JAdES" : nil, provedCount > 0 ? "\(provedCount) with a Data Integrity proof" : nil]
                    .compactMap { $0 }.joined(separator: ", ") + ")"
            }
            say("published \(lists.count) status list\(lists.count == 1 ? "" : "s")\(lists.isEmpty ? "" : how)")
        }

        /// The data directory's issuer key and its did:key, when it has one.
        private func dataDirectoryIssuerKey() throws(CLIFailure) -> (key: IssuingDataDirectory.Key, did: String)? {
            guard let found = try storage.data.existingIssuerKey(), let did = try? found.key.publicKey.didKey() else { return nil }
            return (found, did)
        }

        /// The e-seal for EDC issuers' lists: the same key and certificate chain `skillcred issue` seals EDCs with.
        private func makeSealer() throws(CLIFailure) -> JAdESSealer {
            if let name = sealKey, PKCS11Options.isTokenKey(name) {
                return try pkcs11.sealer(name, chainPEMPath: sealCert)
            }
            guard let name = sealKey, let certPath = sealCert else {
                return try storage.data.seal().sealer
            }
            do { try KeyStore.validate(name: name) } catch { throw CLIFailure("--seal-key \(name): \(error)") }
            let keyPath = keys.store.privateKeyPath(name)
            guard let pem = String(validating: try readInput(keyPath), as: UTF8.self) else { throw CLIFailure("\(keyPath): not UTF-8 PEM text") }
            guard let chain = String(validating: try readInput(certPath), as: UTF8.self) else { throw CLIFailure("\(certPath): not UTF-8 PEM text") }
            do { return try JAdESSealer(privateKeyPEM: pem, certificateChainPEM: chain) } catch {
                throw CLIFailure("\(error.code == .invalidKey ? keyPath : certPath): \(error.message)")
            }
        }

        private func makeSigner(keyName: String) throws(CLIFailure) -> StatusListPublisher.Signer {
            let privateKey: any SigningKey
            if PKCS11Options.isTokenKey(keyName) {
                privateKey = try pkcs11.signingKey(keyName)
            } else {
                do { privateKey = try keys.store.load(keyName) } catch { throw CLIFailure("--key \(keyName): \(error)") }
            }
            return try makeSigner(privateKey, label: "--key \(keyName)", keyName: keyName)
        }

        private func makeSigner(_ privateKey: any SigningKey, label: String, keyName: String) throws(CLIFailure) -> StatusListPublisher.Signer {
            let choice = try ProofKeyChoice(privateKey, suite: suite, label: label)
            let (signingKey, did, defaultMethod, cryptosuite) = (choice.signingKey, choice.did, choice.defaultMethod, choice.cryptosuite)
            let method = verificationMethod ?? defaultMethod
            let explicitMethod = verificationMethod != nil
            let options = ProofOptions(cryptosuite: cryptosuite, verificationMethod: method, proofPurpose: ProofPurpose(rawValue: "assertionMethod"))
            return { unsigned, list in
                // A verifier requires the list's issuer to be the credential's issuer, so a list signed by a key
                // the issuer does not control would be rejected; refuse rather than publish it.
                if !explicitMethod && list.issuer != did {
                    throw RegistryError(
                        .publishing,
                        "status list \(list.url) belongs to issuer \(list.issuer), but key `\(keyName)` is \(did); "
                            + "pass --verification-method with the issuer's method, or use the issuer's key")
                }
                return try DataIntegritySigner(canonicalizer: JSONLDCanonicalizer()).addProof(to: unsigned, options: options, key: signingKey)
            }
        }
    }
}
