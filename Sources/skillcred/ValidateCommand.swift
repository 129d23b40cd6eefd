import ArgumentParser
import CredentialJSON
import CredentialVerification
import Foundation
import LearningModel
import ProfileValidation

extension Skillcred {
    /// `skillcred validate`: the EDC generic-full profile check on plain, uploadable or sealed files.
    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check EDC credentials against the EDC generic-full profile (ELM 3.2).",
            discussion: """
                Reports every problem as FILE: $.path: rule: message. Sealed (JAdES) files are checked on \
                their payload; the seal itself is not verified here. Exit status: 0 all valid, 1 some \
                invalid, 2 some file unreadable.
                """
        )

        @Option(
            name: .customLong("esco"),
            help: ArgumentHelp(
                "An ESCO skills CSV export (skills_<lang>.csv); repeat for more languages. Skill URIs must then exist in it.",
                valueName: "FILE"))
        var escoFiles: [String] = []

        @Flag(name: .customLong("json"), help: "Print one JSON report per run instead of text lines.")
        var json = false

        @Flag(name: .customLong("warnings"), help: "Also print warnings (findings the profile allows).")
        var showWarnings = false

        @Flag(name: .customLong("skills"), help: "List each learning outcome's ESCO skills with their labels (from --esco when given).")
        var listSkills = false

        /// Plain JSON, `{"credential": …}` uploads, or JAdES JWS JSON.
        @OptionGroup var inputs: CredentialInputs

        func run() async throws {
            let catalog = try Validate.loadCatalog(escoFiles)
            let validator = ProfileValidator(escoCatalog: catalog)
            var status: Int32 = 0
            var reports: [JSONValue] = []
            var out = ""
            // An unreadable file is reported among the others (status 2), not instead of them.
            for file in try inputs.files(checkReadable: false) {
                let document: EDCDocument
                do {
                    let bytes = try readInput(file)
                    document = try EDCDocument(bytes: bytes)
                } catch let failure as CLIFailure {
                    status = 2
                    reportUnreadable(file, failure.message, json: json, into: &reports)
                    continue
                } catch let error as EDCDocumentError {
                    status = 2
                    reportUnreadable(file, "\(file): \(error.description)", json: json, into: &reports)
                    continue
                }
                let report = validator.validate(document)
                if !report.conforms && status == 0 { status = 1 }
                let shown = report.findings.filter { showWarnings || $0.severity == .violation }
                if json {
                    reports.append([
                        "file": .string(file),
                        "packaging": .string(document.packaging.rawValue),
                        "conforms": .bool(report.conforms),
                        "findings": .array(shown.map(\.jsonValue)),
                        "skills": .array(
                            listSkills
                                ? OutcomeSkill.all(in: document.credentialJSON, basePath: document.credentialPath, catalog: catalog).map {
                                    ["path": .string($0.path.description), "uri": .string($0.skillURI), "labels": $0.labels.jsonValue]
                                } : []),
                    ])
                } else {
                    if listSkills {
                        for skill in OutcomeSkill.all(in: document.credentialJSON, basePath: document.credentialPath, catalog: catalog) {
                            let labels = skill.labels.entries.map { "\($0.language) \"\($0.text)\"" }.joined(separator: "; ")
                            let outcome = skill.outcomeTitle?.text() ?? "learning outcome"
                            out +=
                                "\(file): \(skill.path): skill: \(outcome) → \(skill.skillURI) \(labels)\(skill.labelsFromCatalog || catalog == nil ? "" : " (not in the ESCO export)")\n"
                        }
                    }
                    for finding in shown {
                        let tag = finding.severity == .warning ? "warning: " : ""
                        out += "\(file): \(finding.path): \(tag)\(finding.rule): \(finding.message)\n"
                    }
                    out +=
                        "\(file): \(report.conforms ? "valid" : "INVALID") (\(report.violations.count) violation\(report.violations.count == 1 ? "" : "s"), \(report.warnings.count) warning\(report.warnings.count == 1 ? "" : "s"))\n"
                }
            }
            if json {
                out = JSONWriter.string(.object(["results": .array(reports)]), style: .pretty) + "\n"
            }
            emit(out)
            if status != 0 { throw ExitCode(status) }
        }

        private func reportUnreadable(_ file: String, _ message: String, json: Bool, into reports: inout [JSONValue]) {
            if json {
                reports.append(["file": .string(file), "error": .string(message)])
            } else {
                note("skillcred: " + TerminalRenderer.visible(message))
            }
        }

        /// Loads ESCO CSV files, the language taken from the official `skills_<lang>.csv` names.
        static func loadCatalog(_ paths: [String]) throws(CLIFailure) -> ESCOCatalog? {
            guard !paths.isEmpty else { return nil }
            var catalog = ESCOCatalog()
            for path in paths {
                let bytes = try readInput(path)
                let language = ESCOCatalog.language(ofFileName: path) ?? "en"
                do {
                    try catalog.load(csv: bytes, language: language, source: path)
                } catch {
                    throw CLIFailure("\(path): \(error.description)")
                }
            }
            return catalog
        }
    }
}
