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

        @OptionGroup var jsonld: JSONLDInputOptions

        func run() async throws {
            emit(try convert())
        }

        private func convert() throws(CLIFailure) -> String {
            let dataset = try jsonld.dataset(of: try readInput(file), name: file == "-" ? "<stdin>" : file)
            return NQuads.serialize(dataset.quads)
        }
    }
}
