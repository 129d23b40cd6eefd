import CredentialJSON
import Foundation
import JSONLD
import TestSupport
import Testing

/// Safe mode against real credentials: no false alarms on the W3C examples, real findings on flawed samples.
@Suite(.needsSharedData) struct RealDocumentTests {
    @Test func vcDataModelExamplesExpandInSafeMode() throws {
        guard let contexts = sharedContextLoader(),
            let folder = SharedData.vector("vc-data-model-2.0/spec-examples-REC")
        else { return }
        let options = JSONLDOptions(documentLoader: contexts, contextCache: ContextCache())
        var expanded = 0, missingContext = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() where name.hasSuffix(".json") {
            let doc = try JSONParser.parse(try Data(contentsOf: folder.appendingPathComponent(name)))
            // Context documents (only @context) are not credentials.
            guard case .object(let o) = doc, o["@context"] != nil, o.count > 1 else { continue }
            do {
                let out = try JSONLDProcessor.expand(doc, options: options)
                #expect(!out.isEmpty, "\(name)")
                expanded += 1
            } catch  where error.code == .loadingRemoteContextFailed {
                missingContext += 1  // an example-only context (e.g. https://extension.example/…) not in the offline set
            } catch {
                Issue.record("\(name): \(error)")
            }
        }
        print("vc-data-model-2.0 examples: \(expanded) expanded in safe mode, \(missingContext) need contexts not available offline")
        #expect(expanded >= 40)
    }

    @Test func safeModeFindsTheMisspelledTermInTheEDCSample() throws {
        guard let contexts = sharedContextLoader(),
            let folder = SharedData.shared("edc-samples/ec-elm/v3.1-master")
        else { return }
        let edc = DirectoryDocumentLoader(
            directory: folder.path,
            mappings: ["http://data.europa.eu/snb/model/context/edc-ap": "edc-ap-context.jsonld"])
        let loader = ChainedDocumentLoader([contexts, edc])
        let doc = try JSONParser.parse(try Data(contentsOf: folder.appendingPathComponent("credential-sample.jsonld")))
        let error = #expect(throws: JSONLDError.self) {
            try JSONLDProcessor.expand(doc, options: JSONLDOptions(documentLoader: loader))
        }
        // The key is spelled with a Greek capital iota, so it matches no term and would vanish from the signed data.
        #expect(error?.code == .safeModeDroppedTerm)
        #expect(error?.path?.description == "$.issuer.eIDAS\u{0399}dentifier")
        var unsafe = JSONLDOptions(documentLoader: loader)
        unsafe.safeMode = false
        #expect(try JSONLDProcessor.expand(doc, options: unsafe).count == 1)
    }
}
