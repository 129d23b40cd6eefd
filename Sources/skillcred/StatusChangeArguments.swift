import ArgumentParser
import CredentialRegistry
import Foundation

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
    @OptionGroup var storage: StorageOptions

    /// Runs one status change and reports it. The message is printed only after the store returns, which is
    /// after the change is durably committed.
    func apply(_ action: StatusAction) async throws(CLIFailure) {
        let store = try await storage.openRegistry()
        let result: StatusChangeResult
        do {
            result = try await store.changeStatus(credentialID: credentialID, action: action, reason: reason, actor: actor.resolved)
        } catch {
            throw CLIFailure(error.message, status: error.code == .notAllowed ? 1 : 2)
        }
        let slot = "\(result.listURL) index \(result.index)"
        switch (action, result.changed) {
        case (.revoke, true): say("revoked \(credentialID) (\(slot)); revocation is final. Run `skillcred status publish` to update the published list.")
        case (.revoke, false): say("\(credentialID) was already revoked (\(slot)); nothing changed.")
        case (.suspend, true): say("suspended \(credentialID) (\(slot)). Run `skillcred status publish` to update the published list.")
        case (.suspend, false): say("\(credentialID) was already suspended (\(slot)); nothing changed.")
        case (.reinstate, true): say("reinstated \(credentialID): suspension lifted (\(slot)). Run `skillcred status publish` to update the published list.")
        case (.reinstate, false): say("\(credentialID) was not suspended (\(slot)); nothing changed.")
        }
    }
}
