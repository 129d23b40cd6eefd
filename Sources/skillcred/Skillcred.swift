import ArgumentParser
import Foundation

/// The `skillcred` command: a thin shell over the library targets.
@main
struct Skillcred: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "skillcred",
        abstract: "Issue and verify learning credentials: Europass EDC (JAdES-sealed) and W3C VC 2.0 (Data Integrity).",
        version: "0.1.0",
        // One command type per verb; keep one per line so parallel work merges cleanly.
        subcommands: [
            Keys.self,
            Seal.self,
            JAdESVerify.self,
            Validate.self,
            Canonicalize.self,
            ToRDF.self,
            Sign.self,
            Verify.self,
            Issue.self,
            Revoke.self,
            Suspend.self,
            Reinstate.self,
            Status.self,
            Serve.self,
            TokensCommand.self,
            OffersCommand.self,
            TrustLists.self,
        ]
    )

    /// Runs the command the arguments name and exits with its status: the only place the process exits, so
    /// commands throw (their `defer` blocks run) and tests can run them in-process through ``run(_:)``.
    static func main() async {
        let status = await run(Array(CommandLine.arguments.dropFirst()))
        exit(withError: status == 0 ? nil : ExitCode(status))
    }

    /// Runs a command in this process and returns the status it exits with; output goes to ``Console/current``.
    /// A ``CLIFailure`` becomes its one-line message; every other error is ArgumentParser's to word (usage errors
    /// with the usage line, `--help` and `--version` on standard output).
    static func run(_ arguments: [String]) async -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
            return 0
        } catch let failure as CLIFailure {
            failure.report()
            return failure.status
        } catch {
            let status = exitCode(for: error).rawValue
            let text = fullMessage(for: error)
            if !text.isEmpty { status == 0 ? say(text) : note(text) }
            return status
        }
    }
}
