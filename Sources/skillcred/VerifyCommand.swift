import ArgumentParser
import BundledContexts
import CredentialJSON
import CredentialVerification
import DataIntegrity
import Foundation
import JAdES
import LearningModel
import SecureFetch
import StatusList

extension Skillcred {
    /// `skillcred verify`: the full verifier (Format, Seal, Owner, Revocation, Accreditation, Validity).
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify credentials: JAdES-sealed EDCs, Data Integrity VCs (1.1/2.0), presentations, VC-JOSE JWTs.",
            discussion: """
                Runs the EU viewer's checks on each credential: Format, Seal, Owner, Revocation, Accreditation, \
                Validity, and prints Verified, Partially verified (e.g. the seal is intact but the issuer is not \
                trusted) or Failed. Accepts files, a directory (its *.json, *.jsonld, *.jwt files), or - for \
                standard input; a JSON array is verified item by item. Nothing is fetched from the network unless \
                --allow-http-status is given. Exit status: 0 all verified, 1 some failed, 3 some only partially \
                verified, 2 usage error or unreadable input.
                Large batches: files are read one at a time as their turn comes and each report is printed as \
                soon as it and the ones before it are done, so memory stays flat whatever the number of files. \
                Use --json-lines rather than --json for them: one line per item that a consumer can process as it \
                arrives, instead of one document it has to hold whole. At most --max-files files per run.
                """
        )

        @Flag(
            name: .long,
            help:
                "Print the VC API VerificationResult JSON instead of the terminal report: one document, an object for one item or an array for several (for large batches, use --json-lines)."
        )
        var json = false

        @Flag(
            name: .long,
            help:
                "Print one compact VerificationResult JSON object per line instead of the terminal report, each as soon as its item is done, in input order: the form for large batches."
        )
        var jsonLines = false

        @Option(name: .long, help: ArgumentHelp("Also write a self-contained HTML report to FILE.", valueName: "FILE"))
        var html: String?

        @Option(
            name: .long,
            help: ArgumentHelp(
                "A folder of PEM trust anchors (*.pem, *.crt, *.cer), or one PEM file, for JAdES seal certificates. Nothing is trusted without one.",
                valueName: "DIR"))
        var trustAnchors: String?

        @Option(
            name: .long,
            help: ArgumentHelp(
                "A folder of PEM trust anchors for time-stamping authorities: a seal's RFC 3161 time-stamp proves when it was made only if its authority chains to one.",
                valueName: "DIR"))
        var tsaAnchors: String?

        @Option(name: .long, help: ArgumentHelp("A trusted-issuer list (JSON; see docs/trusted-issuers.md).", valueName: "FILE"))
        var trustedIssuers: String?

        @Option(name: .long, help: ArgumentHelp("A local mirror of status list credentials, laid out DIR/<host>/<path>.", valueName: "DIR"))
        var statusMirror: String?

        @Flag(
            name: .long,
            help: "Fetch status lists, and SD-JWT VC issuers' JWT VC Issuer Metadata, over HTTPS when the local folders lack them (off by default).")
        var allowHttpStatus = false

        @Option(
            name: .long,
            help: ArgumentHelp(
                "Folder of JWT VC Issuer Metadata for SD-JWT VC issuers with an https iss, mirroring the HTTPS layout: https://issuer.example/tenant → DIR/issuer.example/.well-known/jwt-vc-issuer/tenant.json (see docs/sd-jwt.md).",
                valueName: "DIR"))
        var issuerMetadataDir: String?

        @Option(name: .long, help: ArgumentHelp("Verify as of this moment (an RFC 3339 date-time, e.g. 2026-01-01T00:00:00Z).", valueName: "TIME"))
        var at: String?

        @Option(name: .long, help: ArgumentHelp("Clock skew tolerated in validity checks, in seconds.", valueName: "SECONDS"))
        var clockSkew: Double = 300

        @Option(name: .long, help: ArgumentHelp("An ESCO skills CSV export (skills_<lang>.csv) for skill labels; repeat for languages.", valueName: "FILE"))
        var esco: [String] = []

        @Option(name: .long, help: ArgumentHelp("Folder of did:web documents: did:web:example.com → DIR/example.com/.well-known/did.json.", valueName: "DIR"))
        var didWebDir: String?

        @Option(
            name: .long,
            help: ArgumentHelp("A controller (DID) document JSON file to take verification methods from before any DID method (repeatable).", valueName: "FILE")
        )
        var controllerDocument: [String] = []

        @Option(
            name: .long,
            help: ArgumentHelp("Folder of extra JSON-LD contexts (manifest.json mapping URLs to files), used besides the bundled ones.", valueName: "DIR"))
        var contextDir: String?

        @Option(name: .long, help: "The challenge a presentation's proof must carry.")
        var challenge: String?

        @Option(name: .long, help: "The domain a presentation's proof must carry (repeat for several).")
        var domain: [String] = []

        @Flag(name: .long, help: "Colour the terminal report even when standard output is not a terminal.")
        var colour = false

        @OptionGroup var revocation: RevocationOptions
        @OptionGroup var euTrustedLists: TrustedListOptions

        @OptionGroup var inputs: CredentialInputs

        func run() async throws {
            let status = try await verify()
            if status != 0 { throw ExitCode(status) }
        }

        private func policy() throws(CLIFailure) -> VerificationPolicy {
            var policy = VerificationPolicy(clockSkew: clockSkew)
            guard clockSkew >= 0 else { throw CLIFailure("--clock-skew must not be negative") }
            if let at {
                guard let date = XSDDateTime.parse(at, syntax: .dateTimeStamp) else {
                    throw CLIFailure("--at \(at): expected an RFC 3339 date-time such as 2026-01-01T00:00:00Z")
                }
                policy.at = date
            }
            if let trustAnchors {
                do { policy.trustAnchors = try JAdESChainValidator(trustAnchorDirectory: URL(fileURLWithPath: trustAnchors)).trustAnchors } catch {
                    throw CLIFailure("--trust-anchors \(trustAnchors): \(error)")
                }
            }
            if let tsaAnchors {
                do { policy.timeStampAnchors = try JAdESPEM.trustAnchors(directory: URL(fileURLWithPath: tsaAnchors)) } catch {
                    throw CLIFailure("--tsa-anchors \(tsaAnchors): \(error)")
                }
            }
            if let trustedIssuers {
                do { policy.trustedIssuers = try TrustedIssuerList(contentsOf: URL(fileURLWithPath: trustedIssuers)) } catch {
                    throw CLIFailure("--trusted-issuers \(trustedIssuers): \(error.description)")
                }
            }
            var sources: [any StatusListSource] = []
            if let statusMirror {
                var isDir: ObjCBool = false
                guard FileManager.default.fileExists(atPath: statusMirror, isDirectory: &isDir), isDir.boolValue else {
                    throw CLIFailure("--status-mirror \(statusMirror): not a directory")
                }
                sources.append(LocalStatusListMirror(directory: URL(fileURLWithPath: statusMirror)))
            }
            if allowHttpStatus { sources.append(HTTPStatusListSource()) }
            if !sources.isEmpty { policy.statusSource = sources.count == 1 ? sources[0] : ChainedStatusListSource(sources) }
            if let issuerMetadataDir {
                var isDir: ObjCBool = false
                guard FileManager.default.fileExists(atPath: issuerMetadataDir, isDirectory: &isDir), isDir.boolValue else {
                    throw CLIFailure("--issuer-metadata-dir \(issuerMetadataDir): not a directory")
                }
            }
            if issuerMetadataDir != nil || allowHttpStatus {
                // The same network opt-in as status lists: without --allow-http-status nothing is fetched.
                policy.issuerMetadata = JWTIssuerMetadataResolver(
                    directory: issuerMetadataDir.map { URL(fileURLWithPath: $0) },
                    fetcher: allowHttpStatus ? SecureFetcher() : nil)
            }
            if !esco.isEmpty { policy.escoCatalog = try Validate.loadCatalog(esco) }
            policy.trustedLists = try euTrustedLists.load(now: policy.now)
            if let lists = policy.trustedLists {
                // What was left out is worth knowing before any verdict rests on the lists.
                for ignored in lists.ignored { note("skillcred: trusted lists: ignored \(ignored.source): \(ignored.reason)") }
                for warning in lists.warnings { note("skillcred: trusted lists: \(warning)") }
            }
            policy.challenge = challenge
            policy.domain = domain.isEmpty ? nil : domain
            policy.sealRevocation = try revocation.policy()
            return policy
        }

        /// Files named on the command line, with directories expanded (sorted, non-recursive), at most `--max-files`.
        ///
        /// Only names are gathered here; each file is read when its turn comes. A file named on the command line
        /// that does not exist is refused before anything runs (a typo), a directory entry that vanishes or
        /// cannot be read is reported as unreadable in its place.
        /// Verifies everything and returns the exit status (0 verified, 1 failed, 3 partially verified).
        ///
        /// Reports are written as they come (in input order) and then dropped, so a run over 100,000 files
        /// holds a few reports at a time; only counts and the worst status are kept for the exit status.
        private func verify() async throws(CLIFailure) -> Int32 {
            if json && jsonLines { throw CLIFailure("--json and --json-lines: choose one") }
            let policy = try policy()
            var controllerDocuments: [JSONObject] = []
            for path in controllerDocument {
                let bytes = try readInput(path)
                let value: JSONValue
                do { value = try JSONParser.parse(bytes) } catch {
                    throw CLIFailure("\(path): line \(error.line):\(error.column): \(error.message)")
                }
                guard let object = value.objectValue else { throw CLIFailure("\(path): $: a controller document must be a JSON object") }
                controllerDocuments.append(object)
            }
            let resolver: DIDVerificationMethodResolver
            do {
                resolver = try DIDVerificationMethodResolver(
                    didWebDirectory: didWebDir.map { URL(fileURLWithPath: $0) }, controllerDocumentsJSON: controllerDocuments)
            } catch {
                throw CLIFailure("--controller-document: \(error.message)")
            }
            let verifier = CredentialVerifier(policy: policy, resolver: resolver, canonicalizer: try makeCanonicalizer(contextDir: contextDir))
            let paths = try inputs.files()
            let htmlReport = try html.map { path throws(CLIFailure) in try HTMLReportStream(path: path) }
            var output = ReportStream(form: jsonLines ? .jsonLines : json ? .json : .terminal(colour: colour || Console.current.outputIsTerminal))
            let console = Console.current
            var unreadable = 0
            var worst: OverallStatus?
            // Lazy: a source is made (and its file read) only when the stream starts that input.
            let sources = paths.lazy.map { path in
                path == "-" ? CredentialVerifier.StreamSource.standardInput() : CredentialVerifier.StreamSource.file(path)
            }
            await verifier.verifyStream(sources) { _, reports in
                for report in reports {
                    if report.isUnreadable {
                        unreadable += 1
                        // File names come from the directory listing: shown, never obeyed, like every other message.
                        let why = "\(report.source): \(report.checks.first?.problems.first?.detail ?? "unreadable")"
                        console.writeError(Array("skillcred: \(TerminalRenderer.visible(why))\n".utf8))
                    }
                    worst = max(worst ?? report.status, report.status)
                    htmlReport?.append(report)
                }
                output.write(reports)
            }
            output.finish()
            if let htmlReport { try htmlReport.finish(overall: worst ?? .failed) }
            if unreadable > 0 { throw CLIFailure("\(unreadable) input\(unreadable == 1 ? "" : "s") could not be read", status: 2) }
            switch worst ?? .failed {
            case .verified: return 0
            case .failed: return 1
            case .partiallyVerified: return 3
            }
        }
    }
}

/// Writes reports to standard output as they arrive, in the chosen form, keeping none of them.
struct ReportStream {
    enum Form {
        case terminal(colour: Bool)
        /// One document, byte for byte what ``JSONReportRenderer/render(_:)`` gives for all the reports.
        case json
        case jsonLines
    }

    let form: Form
    /// Taken when the stream is made: reports arrive from the verifier's threads, outside the command's task.
    private let console = Console.current
    /// Reports written so far.
    private(set) var count = 0
    /// With `--json`, the first report's pretty JSON: one report is printed as an object, several as an
    /// array, and which it is shows only when a second arrives (or the run ends).
    private var firstJSON: String?

    init(form: Form) { self.form = form }

    mutating func write(_ reports: [VerificationReport]) {
        guard !reports.isEmpty else { return }
        var text = ""
        switch form {
        case .terminal(let colour):
            // One print per report, as the collected report joined them with newlines.
            text = TerminalRenderer(colour: colour).render(reports) + "\n"
            count += reports.count
        case .jsonLines:
            for report in reports {
                text += JSONWriter.string(JSONReportRenderer.json(report), style: .compact) + "\n"
            }
            count += reports.count
        case .json:
            for report in reports {
                // An array element is the report's pretty form indented one level; JSON strings escape line
                // breaks, so every newline in the pretty text is layout and indenting after each is exact.
                let pretty = JSONWriter.string(JSONReportRenderer.json(report), style: .pretty)
                if count == 0 {
                    firstJSON = pretty
                } else {
                    if let first = firstJSON {
                        text += "[\n  " + first.replacingOccurrences(of: "\n", with: "\n  ")
                        firstJSON = nil
                    }
                    text += ",\n  " + pretty.replacingOccurrences(of: "\n", with: "\n  ")
                }
                count += 1
            }
        }
        emit(text)
    }

    /// Ends the output (closes the `--json` array; an empty run prints what the collected renderers printed).
    mutating func finish() {
        switch form {
        case .json:
            if count == 0 { emit("[]\n") } else if let first = firstJSON { emit(first + "\n") } else { emit("\n]\n") }
        case .terminal:
            if count == 0 { emit("\n") }
        case .jsonLines:
            break
        }
    }

    /// Writes straight to the descriptor (no buffer), so a reader of a pipe sees each item when it is done.
    private func emit(_ text: String) {
        guard !text.isEmpty else { return }
        console.writeOutput(Array(text.utf8))
    }
}

/// The `--html` report written as it goes: each item's section is appended to a temporary file, and at the end
/// the page is put together (its heading names the overall result and the count, known only then) and written with
/// ``writeOutput(to:_:)``.
final class HTMLReportStream {
    let path: String
    private let bodyURL: URL
    private let body: FileHandle
    private var count = 0
    /// Heading ids continue across sections, so every id in the file is unique.
    private var nextID = 0

    init(path: String) throws(CLIFailure) {
        self.path = path
        let folder = (path as NSString).deletingLastPathComponent
        guard FileManager.default.isWritableFile(atPath: folder.isEmpty ? "." : folder) else {
            throw CLIFailure("--html \(path): cannot write: the folder does not exist or is not writable")
        }
        bodyURL = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-html-\(UUID().uuidString).part")
        guard FileManager.default.createFile(atPath: bodyURL.path, contents: nil),
            let handle = FileHandle(forWritingAtPath: bodyURL.path)
        else {
            throw CLIFailure("--html \(path): cannot write a temporary file in \(FileManager.default.temporaryDirectory.path)")
        }
        body = handle
    }

    deinit {
        try? body.close()
        try? FileManager.default.removeItem(at: bodyURL)
    }

    func append(_ report: VerificationReport) {
        body.write(Data(HTMLReportRenderer.section(report, nextID: &nextID).utf8))
        count += 1
    }

    /// Writes the page: the heading with the overall result and count, every section, the end.
    func finish(overall: OverallStatus) throws(CLIFailure) {
        do { try body.synchronize() } catch { throw CLIFailure("--html \(path): cannot write: \(error.localizedDescription)") }
        let (head, bodyURL) = (HTMLReportRenderer.head(overall: overall, count: count), self.bodyURL)
        do {
            try writeOutput(to: path) { out in
                try out.write(contentsOf: Data(head.utf8))
                let reader = try FileHandle(forReadingFrom: bodyURL)
                defer { try? reader.close() }
                while let chunk = try reader.read(upToCount: 1 << 20), !chunk.isEmpty { try out.write(contentsOf: chunk) }
                try out.write(contentsOf: Data(HTMLReportRenderer.tail.utf8))
            }
        } catch {
            throw CLIFailure("--html \(error.message)")
        }
    }
}

/// The RDFC canonicalizer for `--context-dir`: bundled contexts only (with the shared cache), or bundled
/// plus the directory's (with a cache of its own, since a cache is valid for one loader).
func makeCanonicalizer(contextDir: String?) throws(CLIFailure) -> JSONLDCanonicalizer {
    guard let contextDir else { return JSONLDCanonicalizer() }
    do {
        let loader = try ContextBundle.loader(contextDirectory: URL(fileURLWithPath: contextDir))
        return JSONLDCanonicalizer(documentLoader: loader)
    } catch {
        throw CLIFailure("--context-dir: \(error)")
    }
}
