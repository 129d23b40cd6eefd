import CredentialJSON
import Foundation
import JSONLD
import RDF
import RDFCanonicalization
import TestSupport
import Testing

@testable import JSONLDToRDF

/// The project's VC 2.0 samples against N-Quads PyLD produced independently (samples/expected).
@Suite(.needsSharedData) struct SampleCredentials {
    private func loader() throws -> any DocumentLoader {
        try DirectoryDocumentLoader(directory: SharedData.packageRoot.appendingPathComponent("contexts").path)
    }

    @Test(arguments: ["vc2-small", "vc2-large"])
    func sampleIsIsomorphicToPyLDOutput(name: String) throws {
        let root = SharedData.packageRoot.appendingPathComponent("samples")
        let document = try JSONParser.parse(try Data(contentsOf: root.appendingPathComponent("\(name).json")))
        let dataset = try RDFConversion.toRDF(document: document, jsonld: JSONLDOptions(documentLoader: try loader()))
        let expected = try NQuads.parse(try String(contentsOf: root.appendingPathComponent("expected/\(name).nq"), encoding: .utf8))
        #expect(dataset.count == expected.count)
        #expect(try dataset.isIsomorphic(to: expected))
    }

    @Test func rdfStepRefusalPointsIntoTheSourceDocument() throws {
        let document = try JSONParser.parse(
            #"""
            {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
             "name": {"@value": "Example", "@language": "en", "@direction": "ltr"},
             "credentialSubject": {"id": "did:example:subject"}}
            """#)
        let jsonld = JSONLDOptions(documentLoader: try loader())
        do {
            _ = try RDFConversion.toRDF(document: document, jsonld: jsonld)
            Issue.record("expected a refusal for @direction without rdfDirection")
        } catch let error as JSONLDToRDFError {
            #expect(error.code == .rdfDirectionNotSet)
            #expect(error.pathDocument == .source)
            #expect(error.location == "$.name.@direction")
        }
        let dataset = try RDFConversion.toRDF(document: document, jsonld: jsonld, options: ToRDFOptions(rdfDirection: .i18nDatatype))
        #expect(dataset.quads.contains { $0.object == .literal(RDFLiteral("Example", datatype: "https://www.w3.org/ns/i18n#en_ltr")) })
    }

    @Test func sourceSearchPrefersIdentifierMembers() throws {
        // "rel" also appears as a plain string earlier; the @id member is the one reported.
        let document = try JSONParser.parse(#"{"@context": {"@vocab": "http://ex.org/"}, "note": "rel", "knows": {"@id": "rel", "name": "x"}}"#)
        do {
            _ = try RDFConversion.toRDF(document: document, jsonld: JSONLDOptions(safeMode: false))
            Issue.record("expected a relative subject refusal")
        } catch let error as JSONLDToRDFError {
            #expect(error.code == .relativeSubjectReference || error.code == .relativeObjectReference)
            #expect(error.location == "$.knows.@id")
        }
    }

    @Test func valueNotWrittenVerbatimKeepsTheExpandedPath() throws {
        // "ex:a b" expands to a malformed IRI that the source never spells out.
        let document = try JSONParser.parse(#"{"@context": {"ex": "http://ex.org/"}, "@id": "ex:a b", "ex:p": "v"}"#)
        do {
            _ = try RDFConversion.toRDF(document: document, jsonld: JSONLDOptions())
            Issue.record("expected a malformed IRI refusal")
        } catch let error as JSONLDToRDFError {
            #expect(error.code == .malformedIRI)
            #expect(error.pathDocument == .expanded)
            #expect(error.location == "$[0].@id (in expanded form)")
        }
    }

    @Test func expansionAndRDFSafeModeAreIndependentSwitches() throws {
        // A relative @id survives expansion when expansion's safe mode is off; the RDF step still refuses it.
        let document = try JSONParser.parse(#"{"@id": "rel", "https://ex.org/p": "v"}"#)
        let lenient = JSONLDOptions(safeMode: false)
        #expect(throws: JSONLDToRDFError.self) {
            try RDFConversion.toRDF(document: document, jsonld: lenient, options: ToRDFOptions(safeMode: true))
        }
        let dataset = try RDFConversion.toRDF(document: document, jsonld: lenient, options: ToRDFOptions(safeMode: false))
        #expect(dataset.isEmpty)
    }
}
