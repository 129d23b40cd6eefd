import ArgumentParser
import BundledContexts
import CredentialJSON
import CredentialVerification
import DataIntegrity
import Foundation
import JAdES
import LearningModel
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
                """
        )

        @Flag(name: .long, help: "Print the VC API VerificationResult JSON instead of the terminal report.")
        var json = false

        @Option(name: .long, help: ArgumentHelp("Also write a self-contained HTML report to FILE.", valueName: "FILE"))
        var html: String?

        @Option(name: .long, help: ArgumentHelp("A folder of PEM trust anchors (*.pem, *.crt, *.cer) for JAdES seal certificates. Nothing is trusted without one.", valueName: "DIR"))
        var trustAnchors: String?

        @Option(name: .long, help: ArgumentHelp("A folder of PEM trust anchors for time-stamping authorities: a seal's RFC 3161 time-stamp proves when it was made only if its authority chains to one.", valueName: "DIR"))
        var tsaAnchors: String?

        @Option(name: .long, help: ArgumentHelp("A trusted-issuer list (JSON; see docs/trusted-issuers.md).", valueName: "FILE"))
        var trustedIssuers: String?

        @Option(name: .long, help: ArgumentHelp("A local mirror of status list credentials, laid out DIR/<host>/<path>.", valueName: "DIR"))
        var statusMirror: String?

        @Flag(name: .long, help: "Fetch status lists over HTTPS when the mirror lacks them (off by default).")
        var allowHttpStatus = false

        @Option(name: .long, help: ArgumentHelp("Verify as of this moment (an RFC 3339 date-time, e.g. 2026-01-01T00:00:00Z).", valueName: "TIME"))
        var at: String?

        @Option(name: .long, help: ArgumentHelp("Clock skew tolerated in validity checks, in seconds.", valueName: "SECONDS"))
        var clockSkew: Double = 300

        @Option(name: .long, help: ArgumentHelp("An ESCO skills CSV export (skills_<lang>.csv) for skill labels; repeat for languages.", valueName: "FILE"))
        var esco: [String] = []

        @Option(name: .long, help: ArgumentHelp("Folder of did:web documents: did:web:example.com → DIR/example.com/.well-known/did.json.", valueName: "DIR"))
        var didWebDir: String?

        @Option(name: .long, help: ArgumentHelp("A controller (DID) document JSON file to take verification methods from before any DID method (repeatable).", valueName: "FILE"))
        var controllerDocument: [String] = []

        @Option(name: .long, help: ArgumentHelp("Folder of extra JSON-LD contexts (manifest.json mapping URLs to files), used besides the bundled ones.", valueName: "DIR"))
        var contextDir: String?

        @Option(name: .long, help: "The challenge a presentation's proof must carry.")
        var challenge: String?

        @Option(name: .long, help: "The domain a presentation's proof must carry (repeat for several).")
        var domain: [String] = []

        @Flag(name: .long, help: "Colour the terminal report even when standard output is not a terminal.")
        var colour = false

        @Argument(help: ArgumentHelp("Credential files, a directory, or - for standard input.", valueName: "FILE|DIR|-"))
        var inputs: [String]

        func run() async throws {
            let status: Int32
            do {
                status = try await verify()
            } catch {
                error.exit()
            }
            if status != 0 { throw ExitCode(status) }
        }

        private func policy() throws(CLIFailure) -> VerificationPolicy {
            var policy = VerificationPolicy(clockSkew: clockSkew)
            guard clockSkew >= 0 else { throw CLIFailure("--clock-skew must not be negative") }
            if let at {
                guard let date = ISO8601DateFormatter().date(from: at) ?? JAdESVerifier.parseSigningTime(at) else {
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
            if !esco.isEmpty { policy.escoCatalog = try Validate.loadCatalog(esco) }
            policy.challenge = challenge
            policy.domain = domain.isEmpty ? nil : domain
            return policy
        }

        /// Files named on the command line, with directories expanded (sorted, non-recursive).
        private func files() throws(CLIFailure) -> [String] {
            var out: [String] = []
            for input in inputs {
                var isDir: ObjCBool = false
                if input != "-", FileManager.default.fileExists(atPath: input, isDirectory: &isDir), isDir.boolValue {
                    let names: [String]
                    do { names = try FileManager.default.contentsOfDirectory(atPath: input) } catch {
                        throw CLIFailure("\(input): cannot list directory")
                    }
                    let picked = names.filter { ["json", "jsonld", "jwt"].contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
                    if picked.isEmpty { throw CLIFailure("\(input): no .json, .jsonld or .jwt files in this directory") }
                    out += picked.map { (input as NSString).appendingPathComponent($0) }
                } else {
                    out.append(input)
                }
            }
            return out
        }

        /// Verifies everything and returns the exit status (0 verified, 1 failed, 3 partially verified).
        private func verify() async throws(CLIFailure) -> Int32 {
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
            let verifier = Verifier(policy: policy, resolver: resolver, canonicalizer: makeCanonicalizer(contextDir: contextDir))
            var items: [(source: String, bytes: [UInt8])] = []
            for file in try files() { items.append((file == "-" ? "(standard input)" : file, try readInput(file))) }
            let reports = await verifier.verifyBatch(items).flatMap { $0 }
            let unreadable = reports.filter(\.isUnreadable)
            for r in unreadable {
                FileHandle.standardError.write(Data("skillcred: \(r.source): \(r.checks.first?.problems.first?.detail ?? "unreadable")\n".utf8))
            }
            if json {
                print(JSONReportRenderer.render(reports))
            } else {
                print(TerminalRenderer(colour: colour || isatty(STDOUT_FILENO) == 1).render(reports))
            }
            if let html {
                do { try HTMLReportRenderer.render(reports).write(toFile: html, atomically: true, encoding: .utf8) } catch {
                    throw CLIFailure("--html \(html): cannot write: \(error.localizedDescription)")
                }
            }
            if !unreadable.isEmpty { throw CLIFailure("\(unreadable.count) input\(unreadable.count == 1 ? "" : "s") could not be read", status: 2) }
            let worst = reports.map(\.status).max() ?? .failed
            switch worst {
            case .verified: return 0
            case .failed: return 1
            case .partiallyVerified: return 3
            }
        }
    }
}

/// The RDFC canonicalizer for `--context-dir`: bundled contexts only (with the shared cache), or bundled
/// plus the directory's (with a cache of its own, since a cache is valid for one loader).
func makeCanonicalizer(contextDir: String?) -> JSONLDCanonicalizer {
    guard let contextDir else { return JSONLDCanonicalizer() }
    do {
        let loader = try BundledContexts.loader(contextDirectory: URL(fileURLWithPath: contextDir))
        return JSONLDCanonicalizer(documentLoader: loader)
    } catch {
        CLIFailure("--context-dir: \(error)").exit()
    }
}
