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
        ]
    )
}
