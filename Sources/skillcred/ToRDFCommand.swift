import ArgumentParser
import BundledContexts
import CredentialJSON
import Foundation
import JSONLD
import JSONLDToRDF
import RDF

extension Skillcred {
    /// `skillcred to-rdf`: a JSON-LD document as N-Quads, the dataset Data Integrity proofs sign.
    struct ToRDF: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "to-rdf",
            abstract: "Convert a JSON-LD document to RDF and print it as N-Quads.",
            discussion: """
                Contexts come from the bundled set (and --context-dir); nothing is fetched from the network. \
                Safe mode is on: a term no context defines, a relative IRI or anything else JSON-LD would \
                silently drop is an error naming its JSON path (exit status 2). --unsafe prints what the \
                JSON-LD algorithms produce, without the dropped parts.
                """
        )

        @Argument(help: ArgumentHelp("The JSON-LD document, or - for standard input.", valueName: "FILE"))
        var file: String

        @Option(name: .long, help: ArgumentHelp("Base IRI that relative IRIs resolve against (default: none, so relative IRIs are errors in safe mode).", valueName: "IRI"))
        var base: String?

        @Option(name: .customLong("context-dir"), help: ArgumentHelp("A folder with manifest.json (context URL → file name) and the context files, used besides the bundled contexts.", valueName: "DIR"))
        var contextDir: String?

        @Option(name: .customLong("rdf-direction"), help: ArgumentHelp("Keep @direction in RDF: i18n-datatype or compound-literal (default: none, so a value with @direction is an error in safe mode).", valueName: "MODE"))
        var rdfDirection: String?

        @Flag(name: .long, help: "Follow the JSON-LD algorithms exactly: drop what they drop instead of failing.")
        var unsafe = false

        func run() async throws {
            do {
                let text = try convert()
                FileHandle.standardOutput.write(Data(text.utf8))
            } catch {
                error.exit()
            }
        }

        private func convert() throws(CLIFailure) -> String {
            let name = file == "-" ? "<stdin>" : file
            let bytes = try readInput(file)
            let document: JSONValue
            do {
                document = try JSONParser.parse(bytes)
            } catch {
                throw CLIFailure("\(name):\(error.line):\(error.column): \(error.message)")
            }
            var documents = BundledContexts.documents
            if let contextDir {
                do {
                    let directory = try ContextDirectory(directory: URL(fileURLWithPath: contextDir))
                    documents.merge(directory.documents) { _, user in user }
                } catch {
                    throw CLIFailure("--context-dir: \(error)")
                }
            }
            var jsonld = JSONLDOptions(documentLoader: StaticDocumentLoader(documents), safeMode: !unsafe)
            jsonld.base = base
            var options = ToRDFOptions(safeMode: !unsafe)
            if let rdfDirection {
                guard let mode = RDFDirectionMode(rawValue: rdfDirection) else {
                    throw CLIFailure("--rdf-direction \(rdfDirection): not one of i18n-datatype, compound-literal")
                }
                options.rdfDirection = mode
            }
            let dataset: RDFDataset
            do {
                dataset = try JSONLDToRDF.toRDF(document: document, jsonld: jsonld, options: options)
            } catch let error as JSONLDError {
                let at = error.path.map { "\($0): " } ?? ""
                throw CLIFailure("\(name): \(at)\(error.message) [\(error.code.rawValue)]")
            } catch let error as JSONLDToRDFError {
                let at = error.location.map { "\($0): " } ?? ""
                throw CLIFailure("\(name): \(at)\(error.message) [\(error.code.name)]")
            } catch {
                throw CLIFailure("\(name): \(error)")
            }
            return NQuads.serialize(dataset.quads)
        }
    }
}
