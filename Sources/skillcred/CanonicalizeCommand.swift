import ArgumentParser
import CredentialJSON
import Foundation
import RDF
import RDFCanonicalization

extension Skillcred {
    /// `skillcred canonicalize`: RDFC-1.0 canonical N-Quads (or the issued identifier map) of a dataset.
    struct Canonicalize: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the RDFC-1.0 canonical N-Quads of a JSON-LD document or N-Quads dataset.",
            discussion: """
                The input format is taken from --input, else from the file extension (.nq/.nquads → nquads, \
                .json/.jsonld → jsonld); standard input (-) defaults to nquads. Poison graphs are rejected \
                by the canonicalizer's default work limit (exit status 2).
                """)

        enum InputFormat: String, ExpressibleByArgument, CaseIterable {
            case jsonld, nquads
        }

        enum Hash: String, ExpressibleByArgument, CaseIterable {
            case sha256, sha384
            var algorithm: HashAlgorithm { self == .sha256 ? .sha256 : .sha384 }
        }

        @Option(name: .long, help: "Input format: jsonld or nquads (default: from the file extension).")
        var input: InputFormat?

        @Option(name: .long, help: "Hash algorithm for RDFC-1.0: sha256 (default) or sha384 (for P-384 ecdsa-rdfc-2019).")
        var hash: Hash = .sha256

        @Flag(name: .long, help: "Print the issued identifier map (input blank node label → canonical label) as JSON instead.")
        var map = false

        @Argument(help: "The file to canonicalize, or - for standard input.")
        var file: String

        @OptionGroup(title: "JSON-LD input") var jsonld: JSONLDInputOptions

        func run() async throws {
            emit(try canonicalize())
        }

        /// Does the work; separated from `run` so every failure leaves as one CLIFailure line.
        func canonicalize() throws(CLIFailure) -> String {
            let format = try resolvedFormat()
            let bytes = try readInput(file)
            let dataset: RDFDataset
            switch format {
            case .nquads:
                do {
                    dataset = try NQuads.parse(utf8: bytes)
                } catch {
                    throw CLIFailure("\(file):\(error.line):\(error.column): \(error.message)")
                }
            case .jsonld:
                dataset = try jsonld.dataset(of: bytes, name: file == "-" ? "<stdin>" : file)
            }
            let result: CanonicalizedDataset
            do {
                result = try RDFCanonicalizer(hashAlgorithm: hash.algorithm).canonicalize(dataset)
            } catch {
                throw CLIFailure("\(file): \(error.message)")
            }
            return map ? Self.mapJSON(result) : result.nquads
        }

        func resolvedFormat() throws(CLIFailure) -> InputFormat {
            if let input { return input }
            if file == "-" { return .nquads }
            switch URL(fileURLWithPath: file).pathExtension.lowercased() {
            case "nq", "nquads": return .nquads
            case "json", "jsonld": return .jsonld
            default:
                throw CLIFailure("\(file): cannot tell the input format from the extension; use --input jsonld|nquads")
            }
        }

        /// The map as a JSON object in issue order (`c14n0` first).
        static func mapJSON(_ result: CanonicalizedDataset) -> String {
            let members = result.issuedIdentifierPairs.map { (key: $0.input, value: JSONValue.string($0.canonical)) }
            return JSONWriter.string(.object(JSONObject(members)), style: .pretty) + "\n"
        }
    }
}
