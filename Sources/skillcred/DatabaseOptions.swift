import ArgumentParser
import CredentialRegistry
import Foundation
import RegistryStores

/// `--database SPEC`, shared by every command that reads or writes the issuer's registry.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("database"),
            help: "Registry: a SQLite file path or postgres://user:pass@host:port/db (default: $SKILLCRED_DATABASE, else skillcred-data/registry.sqlite).")
    var database: String?

    /// The spec in force after the environment and the default are applied.
    var spec: String { RegistryConnection.resolvedSpec(database) }

    /// Opens the registry, or exits with status 2 and a one-line reason (the password redacted).
    func open() async -> any RegistryStore {
        do {
            return try await RegistryConnection.openReady(spec)
        } catch {
            CLIFailure("--database: \(error.message)").exit()
        }
    }
}

/// `--actor NAME` for commands that write the audit log.
struct ActorOptions: ParsableArguments {
    @Option(help: "Who made the change, for the audit log (default: $SKILLCRED_ACTOR, else $USER, else \"cli\").")
    var actor: String?

    var resolved: String {
        let env = ProcessInfo.processInfo.environment
        for candidate in [actor, env["SKILLCRED_ACTOR"], env["USER"]] {
            if let candidate, !candidate.isEmpty { return candidate }
        }
        return "cli"
    }
}

/// What `revoke`, `suspend` and `reinstate` take: the credential, why, who, and the registry.
struct StatusChangeArguments: ParsableArguments {
    @Argument(help: "The credential's id (urn:uuid:…), as issued.")
    var credentialID: String

    @Option(help: "Why, for the audit log.")
    var reason: String?

    @OptionGroup var actor: ActorOptions
    @OptionGroup var database: DatabaseOptions

    /// Runs one status change and reports it. The message is printed only after the store returns, which is
    /// after the change is durably committed.
    func apply(_ action: StatusAction) async {
        let store = await database.open()
        let result: StatusChangeResult
        do {
            result = try await store.changeStatus(credentialID: credentialID, action: action, reason: reason, actor: actor.resolved)
        } catch {
            switch error.code {
            case .notAllowed: CLIFailure(error.message, status: 1).exit()
            default: CLIFailure(error.message).exit()
            }
        }
        let slot = "\(result.listURL) index \(result.index)"
        switch (action, result.changed) {
        case (.revoke, true): print("revoked \(credentialID) (\(slot)); revocation is final. Run `skillcred status publish` to update the published list.")
        case (.revoke, false): print("\(credentialID) was already revoked (\(slot)); nothing changed.")
        case (.suspend, true): print("suspended \(credentialID) (\(slot)). Run `skillcred status publish` to update the published list.")
        case (.suspend, false): print("\(credentialID) was already suspended (\(slot)); nothing changed.")
        case (.reinstate, true): print("reinstated \(credentialID): suspension lifted (\(slot)). Run `skillcred status publish` to update the published list.")
        case (.reinstate, false): print("\(credentialID) was not suspended (\(slot)); nothing changed.")
        }
    }
}
