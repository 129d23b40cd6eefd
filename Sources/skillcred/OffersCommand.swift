import ArgumentParser
import CredentialIssuance
import CredentialJSON
import Foundation
import OpenID4VCI
import QRCode

extension Skillcred {
    /// `skillcred offers create`: OpenID4VCI credential offers, one per learner.
    struct OffersCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "offers",
            abstract: "Credential offers for wallets (OpenID4VCI 1.0, pre-authorized code): one per learner, as a link and a QR code.",
            subcommands: [Create.self]
        )
    }
}

extension CredentialConfiguration: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { allCases.map(\.format) }
}

extension Skillcred.OffersCommand {
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write one credential offer per recipients row into the registry, and its link and QR code.",
            discussion: """
                Each valid row gets an offer that `skillcred serve` (same --data-dir/--database, same --public-url) \
                answers: the link openid-credential-offer://?credential_offer_uri=… is printed per learner, and with \
                --out DIR its QR code is written as DIR/<id>.png and DIR/<id>.svg (the service also shows it at \
                /offers/<offer id>). Running it again gives each learner the same offer: nothing new is made. \
                Every format a wallet receives from one offer shares the learner's registry record, so \
                `skillcred revoke` of that record revokes them all.
                """
        )

        @OptionGroup var learners: LearnerBatchOptions
        private var template: String { learners.template }
        private var recipients: String { learners.recipients }

        @Option(
            name: .long,
            help: ArgumentHelp(
                "A format the wallet may ask for (repeat for several; default all): dc+sd-jwt (SD-JWT VC), ldp_vc (VC 2.0, eddsa-rdfc-2022), jwt_vc_json (VC 1.1 as a JWT).",
                valueName: "FORMAT"))
        var format: [CredentialConfiguration] = []

        @Flag(name: .long, help: "Protect each offer with a 6-digit transaction code, printed once here for you to send the learner apart from the link.")
        var txCode = false

        @Option(name: .long, help: ArgumentHelp("Days the pre-authorized codes stay valid.", valueName: "DAYS"))
        var validDays: Double = 7

        @Option(
            name: .customLong("public-url"),
            help: ArgumentHelp(
                "The service's public URL, the credential issuer identifier (env SKILLCRED_PUBLIC_URL; default http://127.0.0.1:8080, as serve).",
                valueName: "URL"))
        var publicURL: String?

        @Option(name: .long, help: ArgumentHelp("A folder for the QR codes: <id>.png and <id>.svg per learner.", valueName: "DIR"))
        var out: String?

        @OptionGroup var storage: StorageOptions

        func validate() throws {
            guard validDays > 0, validDays <= 366 else { throw ValidationError("--valid-days must be more than 0 and at most 366") }
            if let publicURL, URLComponents(string: publicURL)?.host == nil {
                throw ValidationError("--public-url must be an absolute http(s) URL")
            }
        }

        func run() async throws {
            let tpl: CredentialTemplate
            let templateBytes: [UInt8]
            do { (tpl, templateBytes) = try CredentialTemplate.loadWithSource(path: template) } catch { throw CLIFailure(error.description) }
            let stored: [UInt8]
            do { stored = try OpenID4VCIIssuer.templateForStorage(tpl, json: templateBytes) } catch { throw CLIFailure("\(template): \(error.message)") }
            let csv = try readInput(recipients)
            let validation: RecipientValidation
            do { validation = try Recipients.validate(csv: csv, name: recipients, template: tpl) } catch { throw CLIFailure(error.description) }
            for problem in validation.problems {
                note("\(recipients):\(problem.line): \(problem.rowID.map { "id \($0), " } ?? "")column \(problem.column): \(problem.reason)")
            }
            let base = publicURL ?? ProcessInfo.processInfo.environment["SKILLCRED_PUBLIC_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? "http://127.0.0.1:8080"
            var trimmed = base
            while trimmed.hasSuffix("/") { trimmed.removeLast() }
            let key = try storage.data.issuerKey()
            let registry = try await storage.openRegistry()
            var limits = OpenID4VCILimits()
            limits.offerLifetime = validDays * 86_400
            let issuer: OpenID4VCIIssuer
            do {
                issuer = try OpenID4VCIIssuer(issuer: trimmed, registry: registry, key: key.key, statusBaseURL: trimmed + "/status-lists", limits: limits)
            } catch {
                throw CLIFailure("the issuer key cannot be used: \(error.message)")
            }
            if let out {
                do { try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true) } catch {
                    throw CLIFailure("\(out): cannot create the folder")
                }
            }
            let configurations = format.isEmpty ? CredentialConfiguration.allCases : format
            var created = 0, existing = 0
            for row in validation.validRows {
                let made: OpenID4VCIIssuer.CreatedOffer
                do {
                    made = try await issuer.createOffer(template: tpl, templateJSON: stored, row: row, configurations: configurations, withTxCode: txCode)
                } catch {
                    throw CLIFailure("row \(row.id): \(error.message)")
                }
                if made.created { created += 1 } else { existing += 1 }
                let link = issuer.description.offerLink(made.record.id)
                var line = "\(row.id)  \(link)"
                if let tx = made.txCode { line += "  tx-code \(tx)" }
                if !made.created { line += made.record.redeemedAt != nil ? "  (received by a wallet)" : "  (offered before)" }
                say(line)
                if let out {
                    let code: QRCode
                    do { code = try QRCode(link) } catch { throw CLIFailure("row \(row.id): \(error.description)") }
                    let folder = URL(fileURLWithPath: out)
                    do {
                        try Data(code.png()).write(to: folder.appendingPathComponent(row.id + ".png"), options: .atomic)
                        try Data(code.svg().utf8).write(to: folder.appendingPathComponent(row.id + ".svg"), options: .atomic)
                    } catch { throw CLIFailure("\(out): cannot write the QR code of \(row.id)") }
                }
            }
            note(
                "\(recipients): \(created) offer(s) made, \(existing) already offered; formats \(configurations.map(\.format).joined(separator: ", ")); issuer \(trimmed)"
            )
            if validation.invalidRowCount > 0 {
                throw CLIFailure("\(validation.invalidRowCount) row(s) skipped because of the problems above", status: 1)
            }
        }
    }
}
