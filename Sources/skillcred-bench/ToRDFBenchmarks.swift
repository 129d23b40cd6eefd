import BundledContexts
import CredentialJSON
import Foundation
import JSONLD
import JSONLDToRDF
import RDF

/// JSON-LD → RDF on the VC 2.0 samples with a warm context cache (the project's 0.2 ms budget is
/// expand + toRDF of the 310-triple credential), split so each stage's share is visible.
func runToRDFBenchmarks() throws {
    let cache = ContextCache()
    let options = JSONLDOptions(documentLoader: StaticDocumentLoader(BundledContexts.documents), contextCache: cache)
    for (name, expectedTriples) in [("vc2-small", 49), ("vc2-large", 310)] {
        let document = try JSONParser.parse(sampleBytes("samples/\(name).json"))
        let expanded = try JSONLDProcessor.expand(document, options: options)
        let dataset = try JSONLDToRDF.toRDF(expanded: expanded)
        guard dataset.count == expectedTriples else {
            FileHandle.standardError.write(Data("skillcred-bench: \(name) gave \(dataset.count) triples, expected \(expectedTriples)\n".utf8))
            exit(1)
        }
        Benchmark("to-rdf \(name): expand (\(expectedTriples) triples)", iterations: 500, warmup: 50).run {
            _ = try? JSONLDProcessor.expand(document, options: options)
        }
        Benchmark("to-rdf \(name): toRDF(expanded:)", iterations: 500, warmup: 50).run {
            _ = try? JSONLDToRDF.toRDF(expanded: expanded)
        }
        Benchmark("to-rdf \(name): expand + toRDF", iterations: 500, warmup: 50).run {
            _ = try? JSONLDToRDF.toRDF(document: document, jsonld: options)
        }
    }
}
