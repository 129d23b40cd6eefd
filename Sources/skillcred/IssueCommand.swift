import ArgumentParser
import CredentialIssuance
import Foundation
import JAdES
import KeyManagement
import LearningModel
import Synchronization

extension Skillcred {
    /// `skillcred issue`: bulk issuing from a template and a recipients CSV, recorded in the registry.
    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "issue",
            abstract: "Issue one credential per recipients row: validate, reserve in the registry, build, seal or sign, write DIR/<id>.json.",
            discussion: """
                Every row is checked first; problems are listed with line, column and reason. Valid rows are \
                issued (exit status 1 if some rows were skipped); more than --max-errors problems stops the \
                run before anything is issued (exit status 2). Running the same template and recipients \
                again issues nothing new: rows the registry has issued are written again from the stored \
                document, and an interrupted run continues where it stopped. A row is issued once the \
                registry has durably recorded it; progress lines and the summary come after that. Each file is \
                written under DIR/.skillcred-partial and renamed into place, so a killed run never leaves a \
                partial or temporary file among the credentials (the next run removes what is left in that \
                folder, and writes every issued row's file again); the run's files are flushed to disk \
                before the summary.
                Without --key the data directory's material is used (--data-dir, default skillcred-data, the \
                same as skillcred serve's): its e-seal for edc-jades (keys/seal.pem + seal/seal-cert.pem), its \
                Ed25519 issuer key for vc2 (keys/issuer.pem). What is missing is made at first use as DEMO \
                material — a demo e-seal under its own demo CA, whose key is discarded; a new did:key issuer — \
                announced on standard error and reused afterwards. Never use it for real credentials.
                """
        )

        @OptionGroup var learners: LearnerBatchOptions
        private var template: String { learners.template }
        private var recipients: String { learners.recipients }

        @Option(name: .long, help: ArgumentHelp("The folder for the issued credentials (one <id>.json per row).", valueName: "DIR"))
        var out: String?

        @Option(name: .long, help: ArgumentHelp("edc-jades: a Europass EDC with a JAdES e-seal; vc2: VC 2.0 with an eddsa-rdfc-2022 proof."))
        var format: IssueFormat = .edcJAdES

        @Option(
            name: .long,
            help: ArgumentHelp(
                "The signing key: keys/NAME.pem, or a key on a PKCS#11 token, pkcs11:token=…;object=… (docs/pkcs11.md) (default: the data directory's e-seal for edc-jades, its issuer key for vc2, made as DEMO material at first use).",
                valueName: "NAME|URI"))
        var key: String?

        @OptionGroup var keys: KeyDirectoryOptions

        @OptionGroup var pkcs11: PKCS11Options

        @Option(
            name: .long,
            help: ArgumentHelp(
                "edc-jades with --key: the seal certificate chain, PEM, seal certificate first (optional for a pkcs11: key whose token holds its certificate).",
                valueName: "PEM"))
        var sealCert: String?

        @OptionGroup var storage: StorageOptions

        @Option(name: .long, help: ArgumentHelp("The URL prefix of the status lists (<URL>/<purpose>/<n>).", valueName: "URL"))
        var statusBaseURL: String = "https://skillcred.example/status-lists"

        @Option(name: .long, help: ArgumentHelp("Stop after this many row problems and issue nothing.", valueName: "N"))
        var maxErrors: Int = 100

        @Option(name: .long, help: ArgumentHelp("An ESCO skills export (skills_<lang>.csv, repeatable): every template skill must be in it.", valueName: "CSV"))
        var esco: [String] = []

        @Flag(name: .long, help: "Only validate the rows; write nothing.")
        var dryRun = false

        func validate() throws {
            guard maxErrors >= 1 else { throw ValidationError("--max-errors must be at least 1") }
            guard dryRun || out != nil else { throw ValidationError("--out DIR is required unless --dry-run is given") }
            if key == nil, let sealCert {
                throw ValidationError("--seal-cert \(sealCert) needs --key NAME, its private key; without --key the data directory's own e-seal is used")
            }
        }

        private func fail(_ error: IssuanceError, status: Int32 = 2) -> CLIFailure {
            CLIFailure(error.description, status: status)
        }

        func run() async throws {
            let chosen = format
            let tpl: CredentialTemplate
            do { tpl = try CredentialTemplate.load(path: template) } catch { throw fail(error) }
            if !esco.isEmpty {
                var catalog = ESCOCatalog()
                for file in esco {
                    let bytes = try readInput(file)
                    do {
                        try catalog.load(csv: bytes, language: ESCOCatalog.language(ofFileName: file) ?? "en", source: file)
                    } catch { throw CLIFailure("\(file):\(error.line):\(error.column): \(error.message)") }
                }
                let missing = tpl.skillsMissing(from: catalog, templateName: template)
                for problem in missing.dropLast() { note("skillcred: \(problem)") }
                if let last = missing.last { throw fail(last) }
            }
            let csv = try readInput(recipients)
            let validation: RecipientValidation
            do {
                validation = try Recipients.validate(csv: csv, name: recipients, template: tpl, maxErrors: maxErrors)
            } catch { throw fail(error) }
            for problem in validation.problems {
                note("\(recipients):\(problem.line): \(problem.rowID.map { "id \($0), " } ?? "")column \(problem.column): \(problem.reason)")
            }
            let tooMany = validation.problems.count >= maxErrors
            if tooMany {
                throw CLIFailure("\(recipients): stopped at \(maxErrors) problems (--max-errors); nothing was issued")
            }
            say("\(recipients): \(validation.rowCount) rows, \(validation.validRows.count) valid, \(validation.invalidRowCount) with problems")
            if dryRun {
                if validation.invalidRowCount > 0 { throw CLIFailure("dry run: fix the rows above before issuing", status: 1) }
                say("dry run: nothing written")
                return
            }
            guard let out else { return }  // validate() requires --out unless --dry-run
            let securing = try makeSecuring(chosen, template: tpl)
            let store = try await storage.openRegistry()
            let issuer = BatchIssuer(
                template: tpl, securing: securing, registry: store,
                outputDirectory: URL(fileURLWithPath: out), statusBaseURL: statusBaseURL)
            let bar = ProgressReporter(total: validation.validRows.count)
            let summary: IssueSummary
            do {
                summary = try await issuer.issue(validation.validRows) { bar.report($0) }
            } catch {
                bar.finish()
                throw fail(error, status: error.code == .profileViolation ? 1 : 2)
            }
            bar.finish()
            let rate = summary.elapsedSeconds > 0 ? Double(summary.issued) / summary.elapsedSeconds : 0
            say(
                "\(out): \(summary.issued) issued (\(summary.resumed) resumed), \(summary.alreadyIssued) already issued (written again from the registry) in \(String(format: "%.1f", summary.elapsedSeconds)) s (\(String(format: "%.0f", rate))/s); registry \(storage.spec.hasPrefix("postgres") ? "postgres" : storage.spec)"
            )
            if validation.invalidRowCount > 0 {
                throw CLIFailure("\(validation.invalidRowCount) row(s) skipped because of the problems above", status: 1)
            }
        }

        private func makeSecuring(_ format: IssueFormat, template: CredentialTemplate) throws(CLIFailure) -> CredentialSecuring {
            guard let name = key else { return try dataDirectorySecuring(format, template: template) }
            if PKCS11Options.isTokenKey(name) {
                // Opened (and test-signed) here, before the registry or the output folder is touched.
                switch format {
                case .edcJAdES:
                    let sealer = try pkcs11.sealer(name, chainPEMPath: sealCert)
                    do { return try CredentialSecuring.jades(sealer) } catch { throw CLIFailure("\(name): \(error.message)") }
                case .vc2:
                    let tokenKey = try pkcs11.signingKey(name)
                    return try proofSecuring(tokenKey, template: template, label: name)
                }
            }
            do { try KeyStore.validate(name: name) } catch { throw CLIFailure("--key \(name): \(error)") }
            let keyPath = keys.store.privateKeyPath(name)
            let keyBytes = try readInput(keyPath)
            guard let pem = String(validating: keyBytes, as: UTF8.self) else { throw CLIFailure("\(keyPath): not UTF-8 PEM text") }
            warnIfReadableByOthers(keyPath)
            switch format {
            case .edcJAdES:
                guard let sealCert else {
                    throw CLIFailure("--key \(name) needs --seal-cert PEM: its seal certificate chain, seal certificate first")
                }
                guard let chain = String(validating: try readInput(sealCert), as: UTF8.self) else { throw CLIFailure("\(sealCert): not UTF-8 PEM text") }
                let sealer: JAdESSealer
                do { sealer = try JAdESSealer(privateKeyPEM: pem, certificateChainPEM: chain) } catch {
                    throw CLIFailure("\(error.code == .invalidKey ? keyPath : sealCert): \(error.message)")
                }
                do { return try CredentialSecuring.jades(sealer) } catch { throw CLIFailure("\(sealCert): \(error.message)") }
            case .vc2:
                let privateKey: PrivateKey
                do { privateKey = try PrivateKey(pem: pem) } catch { throw CLIFailure("\(keyPath): \(error)") }
                return try proofSecuring(privateKey, template: template, label: keyPath)
            }
        }

        /// VC 2.0 securing with a Data Integrity key, the issuer named as the template's awarding body; a failure
        /// names `label` (the key's file or URI).
        private func proofSecuring(_ key: any SigningKey, template: CredentialTemplate, label: String) throws(CLIFailure) -> CredentialSecuring {
            do {
                return try CredentialSecuring.dataIntegrity(
                    key: key, issuerName: template.awardingBody.legalName, country: template.awardingBody.country,
                    eIDASIdentifier: template.awardingBody.eIDASIdentifier)
            } catch { throw CLIFailure("\(label): \(error.message)") }
        }

        /// The data directory's e-seal or issuer key, made as DEMO material at first use.
        private func dataDirectorySecuring(_ format: IssueFormat, template: CredentialTemplate) throws(CLIFailure) -> CredentialSecuring {
            switch format {
            case .edcJAdES:
                let seal = try storage.data.seal()
                do { return try CredentialSecuring.jades(seal.sealer) } catch { throw CLIFailure("\(seal.chainURL.path): \(error.message)") }
            case .vc2:
                let issuer = try storage.data.issuerKey()
                return try proofSecuring(issuer.key, template: template, label: issuer.path)
            }
        }

    }
}

/// A progress bar with rate and ETA on a terminal; plain lines otherwise (logs, CI).
/// The console is taken when the bar is made: progress arrives from the issuer's worker threads, where the
/// command's task-local console is not bound.
final class ProgressReporter: Sendable {
    private struct State { var drewBar = false; var lastLine = Date.distantPast }
    private let total: Int
    private let console = Console.current
    private let state = Mutex(State())

    init(total: Int) { self.total = total }

    func report(_ progress: IssueProgress) {
        state.withLock { state in draw(progress, &state) }
    }

    private func draw(_ progress: IssueProgress, _ state: inout State) {
        let rate = progress.elapsed > 0 ? Double(progress.done) / progress.elapsed : 0
        let eta = rate > 0 ? Double(progress.total - progress.done) / rate : 0
        let figures = "\(progress.done)/\(progress.total)  \(String(format: "%.0f", rate))/s  ETA \(String(format: "%.0f", eta)) s"
        if console.errorIsTerminal {
            let width = 30
            let filled = progress.total > 0 ? width * progress.done / progress.total : width
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            console.writeError(Array("\r[\(bar)] \(figures)   ".utf8))
            state.drewBar = true
        } else if progress.done == progress.total || Date().timeIntervalSince(state.lastLine) >= 2 {
            state.lastLine = Date()
            console.writeError(Array("issued \(figures)\n".utf8))
        }
    }

    func finish() {
        state.withLock { state in
            if state.drewBar { console.writeError([0x0A]); state.drewBar = false }
        }
    }
}

extension IssueFormat: ExpressibleByArgument {}
