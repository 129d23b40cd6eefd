import ArgumentParser
import BundledContexts
import CredentialJSON
import Foundation
import JSONLD
import JSONLDToRDF
import RDF

/// How a JSON-LD document is turned into RDF: the options `to-rdf` and `canonicalize` share.
struct JSONLDInputOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp("Base IRI that relative IRIs resolve against (default: none, so relative IRIs are errors in safe mode).", valueName: "IRI"))
    var base: String?

    @Option(
        name: .customLong("context-dir"),
        help: ArgumentHelp("A folder with manifest.json (context URL → file name) and the context files, used besides the bundled contexts.", valueName: "DIR"))
    var contextDir: String?

    @Option(
        name: .customLong("rdf-direction"),
        help: ArgumentHelp(
            "Keep @direction in RDF: i18n-datatype or compound-literal (default: none, so a value with @direction is an error in safe mode).", valueName: "MODE"
        ))
    var rdfDirection: String?

    @Flag(name: .long, help: "Follow the JSON-LD algorithms exactly: drop what they drop instead of failing (diagnostics only).")
    var unsafe = false

    /// The RDF dataset of a JSON-LD document; every failure is one line naming the file and a line:column or JSON path.
    func dataset(of bytes: [UInt8], name: String) throws(CLIFailure) -> RDFDataset {
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            throw CLIFailure("\(name):\(error.line):\(error.column): \(error.message)")
        }
        var jsonld: JSONLDOptions
        if let contextDir {
            do {
                let loader = try ContextBundle.loader(contextDirectory: URL(fileURLWithPath: contextDir))
                jsonld = JSONLDOptions(documentLoader: loader, safeMode: !unsafe)
            } catch {
                throw CLIFailure("--context-dir: \(error)")
            }
        } else {
            // The bundled contexts never change, so their processed form is shared across the process.
            jsonld = ContextBundle.options(safeMode: !unsafe)
        }
        jsonld.base = base
        var options = ToRDFOptions(safeMode: !unsafe)
        if let rdfDirection {
            guard let mode = RDFDirectionMode(rawValue: rdfDirection) else {
                throw CLIFailure("--rdf-direction \(rdfDirection): not one of i18n-datatype, compound-literal")
            }
            options.rdfDirection = mode
        }
        do {
            return try RDFConversion.toRDF(document: document, jsonld: jsonld, options: options)
        } catch let error as JSONLDError {
            let at = error.path.map { "\($0): " } ?? ""
            throw CLIFailure("\(name): \(at)\(error.message) [\(error.code.rawValue)]")
        } catch let error as JSONLDToRDFError {
            let at = error.location.map { "\($0): " } ?? ""
            throw CLIFailure("\(name): \(at)\(error.message) [\(error.code.name)]")
        } catch {
            throw CLIFailure("\(name): \(error)")
        }
    }
}
