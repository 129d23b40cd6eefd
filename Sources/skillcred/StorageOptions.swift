import ArgumentParser
import CredentialIssuance
import CredentialRegistry
import Foundation
import JAdES
import KeyManagement
import RegistryStores

/// `--data-dir DIR` and `--database SPEC`: the one place every command finds the issuer's state — the registry,
/// which lives in the data directory unless `--database` puts it elsewhere, and the default issuer key and e-seal.
/// `issue`, `status`, `revoke`, `tokens` and `serve` resolve them the same way, so `--data-dir X` alone moves
/// everything.
struct StorageOptions: ParsableArguments {
    @OptionGroup var data: DataDirectoryOptions

    @Option(
        name: .customLong("database"),
        help: ArgumentHelp(
            "The registry: a SQLite file or postgres://user:pass@host:port/db (env SKILLCRED_DATABASE; default DATA_DIR/registry.sqlite).", valueName: "SPEC"))
    var database: String?

    /// The registry spec in force: `--database`, else the environment, else the data directory's SQLite file.
    var spec: String { RegistryConnection.resolvedSpec(database, dataDirectory: data.path) }

    /// Opens the registry (either engine), migrated; a failure names the option and never shows the password.
    func openRegistry() async throws(CLIFailure) -> any RegistryStore {
        do { return try await RegistryConnection.openReady(spec) } catch { throw CLIFailure("--database: \(error.message)") }
    }
}

/// `--data-dir DIR`: where the default issuer key and e-seal live — those of `skillcred serve`, made as DEMO material
/// at first use and reused afterwards. No key is committed to the repository: every clone makes its own.
struct DataDirectoryOptions: ParsableArguments {
    @Option(
        name: .customLong("data-dir"),
        help: ArgumentHelp(
            "Where the issuer's state lives: the registry and the default issuer key and e-seal (made as DEMO material at first use, files 0600, folders 0700) (env SKILLCRED_DATA_DIR; default skillcred-data).",
            valueName: "DIR"))
    var dataDir: String?

    /// The data directory in force after the environment and the default are applied.
    var path: String {
        if let dataDir, !dataDir.isEmpty { return dataDir }
        if let fromEnvironment = ProcessInfo.processInfo.environment["SKILLCRED_DATA_DIR"], !fromEnvironment.isEmpty { return fromEnvironment }
        return "skillcred-data"
    }

    var directory: IssuingDataDirectory { IssuingDataDirectory(URL(fileURLWithPath: path)) }

    /// The data directory's e-seal; a demo one (announced on standard error) when it has none.
    func seal() throws(CLIFailure) -> IssuingDataDirectory.Seal {
        let data = directory
        let seal: IssuingDataDirectory.Seal
        do { seal = try data.loadOrCreateSeal() } catch { throw CLIFailure(error.description) }
        if let made = seal.created {
            announce(
                """
                skillcred: DEMO — first use: made a demo e-seal in \(path), for trying things out, never for real credentials:
                  seal key:     \(display(seal.keyPath)) (P-256, mode 0600)
                  certificate:  \(display(seal.chainURL.path)) (\(made.sealSubject))
                  demo CA:      \(display(data.demoCAURL.path)) (\(made.caSubject); its private key was discarded)
                  Nobody trusts it: verifiers say DEMO and at most "Partially verified"; to try trust, pass
                  --trust-anchors \(display(data.demoCAURL.path)) (still labelled DEMO). It is reused on later runs.
                """)
        }
        return seal
    }

    /// The data directory's Ed25519 issuer key; a new one (announced on standard error) when it has none.
    func issuerKey() throws(CLIFailure) -> IssuingDataDirectory.Key {
        let key: IssuingDataDirectory.Key
        do { key = try directory.loadOrCreateKey(IssuingDataDirectory.issuerKeyName, type: .ed25519) } catch {
            throw CLIFailure(error.description)
        }
        if key.created {
            let did = (try? key.key.publicKey.didKey()) ?? "?"
            announce(
                """
                skillcred: DEMO — first use: made an issuer key in \(path), for trying things out:
                  issuer key:   \(display(key.path)) (Ed25519, mode 0600)
                  issuer:       \(did) (trusted by nobody unless a trusted-issuer list names it)
                  It is reused on later runs; --key NAME signs with keys/NAME.pem instead.
                """)
        }
        return key
    }

    /// The data directory's Ed25519 issuer key when it has one; nothing is made.
    func existingIssuerKey() throws(CLIFailure) -> IssuingDataDirectory.Key? {
        do { return try directory.existingKey(IssuingDataDirectory.issuerKeyName) } catch { throw CLIFailure(error.description) }
    }

    /// A path as the user gave it (relative paths stay relative).
    private func display(_ absolute: String) -> String {
        let base = URL(fileURLWithPath: path).path
        guard absolute.hasPrefix(base + "/") else { return absolute }
        return (path.hasSuffix("/") ? String(path.dropLast()) : path) + absolute.dropFirst(base.count)
    }

    private func announce(_ text: String) {
        note(text)
    }
}
