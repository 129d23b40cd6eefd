import CredentialJSON
import Foundation
import JSONLD
import RDF
import RDFCanonicalization
import Testing
import TestSupport

@testable import JSONLDToRDF

/// The project's VC 2.0 samples against N-Quads PyLD produced independently (samples/expected).
@Suite struct SampleCredentials {
    private func loader() throws -> any DocumentLoader {
        try DirectoryDocumentLoader(directory: SharedData.packageRoot.appendingPathComponent("contexts").path)
    }

    @Test(arguments: ["vc2-small", "vc2-large"])
    func sampleIsIsomorphicToPyLDOutput(name: String) throws {
        let root = SharedData.packageRoot.appendingPathComponent("samples")
        let document = try JSONParser.parse(try Data(contentsOf: root.appendingPathComponent("\(name).json")))
        let dataset = try JSONLDToRDF.toRDF(document: document, jsonld: JSONLDOptions(documentLoader: try loader()))
        let expected = try NQuads.parse(try String(contentsOf: root.appendingPathComponent("expected/\(name).nq"), encoding: .utf8))
        #expect(dataset.count == expected.count)
        #expect(try dataset.isIsomorphic(to: expected))
    }

    @Test func expansionAndRDFSafeModeAreIndependentSwitches() throws {
        // A relative @id survives expansion when expansion's safe mode is off; the RDF step still refuses it.
        let document = try JSONParser.parse(#"{"@id": "rel", "https://ex.org/p": "v"}"#)
        let lenient = JSONLDOptions(safeMode: false)
        #expect(throws: JSONLDToRDFError.self) {
            try JSONLDToRDF.toRDF(document: document, jsonld: lenient, options: ToRDFOptions(safeMode: true))
        }
        let dataset = try JSONLDToRDF.toRDF(document: document, jsonld: lenient, options: ToRDFOptions(safeMode: false))
        #expect(dataset.isEmpty)
    }
}
