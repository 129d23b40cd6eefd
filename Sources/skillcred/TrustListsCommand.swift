import ArgumentParser
import CredentialJSON
import Foundation
import SecureFetch
import TrustedLists

/// `skillcred trust-lists`: get and inspect the EU trusted lists that `verify` and `serve` qualify seals against.
struct TrustLists: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trust-lists",
        abstract: "Download and inspect the EU trusted lists (ETSI TS 119 612) used to qualify e-seals.",
        discussion: "See docs/trusted-lists.md.",
        subcommands: [TrustListsUpdate.self, TrustListsShow.self]
    )
}

/// `skillcred trust-lists update`: fetch the LOTL and the national lists it points to, verify, write.
struct TrustListsUpdate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Download the EU list of trusted lists and the national lists it points to, verify their signatures, and write them with a manifest.",
        discussion: """
            Fetches over https only, with a size limit per list and a deadline, through skillcred's bounded fetcher. \
            The LOTL must verify against --lotl-signer before anything it points to is fetched; each national list must \
            be signed by a certificate its LOTL pointer announces. Only verified lists are written to --out, with \
            manifest.json naming each list's URL, sequence number and SHA-256, and what was left out and why.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The folder to write the lists and manifest.json into (created when missing).", valueName: "DIR"))
    var out: String

    @Option(
        name: .customLong("lotl-signer"),
        help: ArgumentHelp("The certificate(s) allowed to sign the LOTL (a PEM file or folder), as published in the Official Journal.", valueName: "PEM"))
    var lotlSigner: String

    @Option(name: .customLong("lotl-url"), help: ArgumentHelp("Where the LOTL is published.", valueName: "URL"))
    var lotlURL: String = TrustedListDownload.euListOfListsURL

    @Option(name: .customLong("max-list-bytes"), help: ArgumentHelp("The largest list accepted, in bytes.", valueName: "BYTES"))
    var maxListBytes: Int = TrustedListLimits().maxBytes

    @Option(name: .long, help: ArgumentHelp("Seconds allowed for each list's download.", valueName: "SECONDS"))
    var timeout: Int = 60

    func validate() throws {
        guard lotlURL.lowercased().hasPrefix("https://") else { throw ValidationError("--lotl-url \(lotlURL): only https URLs are fetched") }
        guard maxListBytes > 0 else { throw ValidationError("--max-list-bytes must be positive") }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
    }

    func run() async throws {
        let signers = try TrustedListOptions.signers(lotlSigner)
        let outcome: TrustedListDownload.Outcome
        do {
            outcome = try await TrustedListDownload.update(
                listOfListsURL: lotlURL, lotlSigners: signers, into: URL(fileURLWithPath: out), fetcher: SecureFetcher(),
                // Fetching is not deciding: an expired list is written with a warning, and refused when it is used.
                limits: TrustedListLimits(maxBytes: maxListBytes, expiredListGrace: nil), deadline: .seconds(timeout))
        } catch {
            throw CLIFailure("trust-lists update: \(error.message)")
        }
        say("Wrote \(outcome.written.count) files to \(out): \(outcome.written.joined(separator: ", "))")
        TrustListsShow.describe(outcome.lists)
    }
}

/// `skillcred trust-lists show DIR`: load a folder as `verify` would, and say what was used and what was not.
struct TrustListsShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Load a folder of trusted lists as verify would, and list what verified, the CA/QC services, and what was ignored and why."
    )

    @Argument(help: ArgumentHelp("The folder of trusted lists.", valueName: "DIR"))
    var directory: String

    @Option(
        name: .customLong("lotl-signer"),
        help: ArgumentHelp("The certificate(s) allowed to sign the LOTL (a PEM file or folder).", valueName: "PEM"))
    var lotlSigner: String

    @Flag(name: .long, help: "Also list every CA/QC service with its current status.")
    var services = false

    func run() throws {
        let signers = try TrustedListOptions.signers(lotlSigner)
        let lists: TrustedListSet
        // Showing is not deciding: expired lists are shown, with a warning each.
        do {
            lists = try TrustedListSet.load(
                directory: URL(fileURLWithPath: directory), lotlSigners: signers, limits: TrustedListLimits(expiredListGrace: nil))
        } catch {
            throw CLIFailure("\(directory): \(error.message)")
        }
        Self.describe(lists, services: services)
    }

    /// Prints a loaded set: the LOTL, each national list, what was ignored, and warnings.
    static func describe(_ lists: TrustedListSet, services: Bool = false) {
        let lotl = lists.listOfLists
        say(
            "LOTL: \(lists.listOfListsSource) — \(lotl.label), issued \(lotl.issued.map(XSDDateTime.format) ?? "?"), next update \(lotl.nextUpdate.map(XSDDateTime.format) ?? "none"), \(lotl.pointers.count) pointers"
        )
        for loaded in lists.lists {
            let list = loaded.list
            say(
                "Loaded: \(loaded.source) — \(list.label), \(list.operatorName), \(list.services.count) CA/QC service\(list.services.count == 1 ? "" : "s"), signed by \(loaded.signer.subject)"
            )
            guard services else { continue }
            for service in list.services {
                let now = service.period(at: Date())
                say("  \(service.providerName): \(service.name) — \(now?.statusName ?? "no status") since \(now.map { XSDDateTime.format($0.start) } ?? "?")")
            }
        }
        for ignored in lists.ignored { say("Ignored: \(ignored.source) — \(ignored.reason)") }
        for warning in lists.warnings { say("Warning: \(warning)") }
    }
}
