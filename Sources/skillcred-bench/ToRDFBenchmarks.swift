import BundledContexts
import CredentialJSON
import Foundation
import JSONLD
import JSONLDToRDF
import RDF
import RDFCanonicalization

/// JSON-LD → RDF on the VC 2.0 samples with a warm context cache (the project's 0.2 ms budget is
/// expand + toRDF of the 310-triple credential), split so each stage's share is visible, plus the
/// whole path a Data Integrity proof takes before hashing: expand + toRDF + RDFC-1.0.
///
/// `--to-rdf-runs N` only runs expand + toRDF + canonicalize of vc2-large N times, `--expand-runs N` only
/// its expansion, `--rdfc-runs N` only RDFC-1.0 of its dataset (for profilers).
func runToRDFBenchmarks() throws {
    let cache = ContextCache()
    let options = JSONLDOptions(documentLoader: StaticDocumentLoader(ContextBundle.documents), contextCache: cache)
    let canonicalizer = RDFCanonicalizer()
    if let flag = CommandLine.arguments.firstIndex(of: "--to-rdf-runs"), flag + 1 < CommandLine.arguments.count,
        let runs = Int(CommandLine.arguments[flag + 1])
    {
        let document = try JSONParser.parse(sampleBytes("samples/vc2-large.json"))
        for _ in 0..<runs {
            _ = try canonicalizer.canonicalize(try RDFConversion.toRDF(document: document, jsonld: options))
        }
        return
    }
    if let flag = CommandLine.arguments.firstIndex(of: "--expand-runs"), flag + 1 < CommandLine.arguments.count,
        let runs = Int(CommandLine.arguments[flag + 1])
    {
        let document = try JSONParser.parse(sampleBytes("samples/vc2-large.json"))
        for _ in 0..<runs { _ = try JSONLDProcessor.expand(document, options: options) }
        return
    }
    if let flag = CommandLine.arguments.firstIndex(of: "--rdfc-runs"), flag + 1 < CommandLine.arguments.count,
        let runs = Int(CommandLine.arguments[flag + 1])
    {
        let dataset = try RDFConversion.toRDF(document: try JSONParser.parse(sampleBytes("samples/vc2-large.json")), jsonld: options)
        for _ in 0..<runs { _ = try canonicalizer.canonicalize(dataset) }
        return
    }
    for (name, expectedTriples) in [("vc2-small", 49), ("vc2-large", 310)] {
        let document = try JSONParser.parse(sampleBytes("samples/\(name).json"))
        let expanded = try JSONLDProcessor.expand(document, options: options)
        let dataset = try RDFConversion.toRDF(expanded: expanded)
        guard dataset.count == expectedTriples else {
            FileHandle.standardError.write(Data("skillcred-bench: \(name) gave \(dataset.count) triples, expected \(expectedTriples)\n".utf8))
            exit(1)
        }
        Benchmark("to-rdf \(name): expand (\(expectedTriples) triples)", iterations: 500, warmup: 50).run {
            _ = try? JSONLDProcessor.expand(document, options: options)
        }
        Benchmark("to-rdf \(name): toRDF(expanded:)", iterations: 500, warmup: 50).run {
            _ = try? RDFConversion.toRDF(expanded: expanded)
        }
        Benchmark("to-rdf \(name): expand + toRDF", iterations: 500, warmup: 50).run {
            _ = try? RDFConversion.toRDF(document: document, jsonld: options)
        }
        // What the CLI and the Data Integrity code use: the process-wide bundled loader and cache.
        let shared = ContextBundle.options(safeMode: true)
        _ = try RDFConversion.toRDF(document: document, jsonld: shared)
        let missesBefore = ContextBundle.sharedCache.statistics.contextMisses
        Benchmark("to-rdf \(name): expand + toRDF, ContextBundle.options()", iterations: 500, warmup: 50).run {
            _ = try? RDFConversion.toRDF(document: document, jsonld: shared)
        }
        let misses = ContextBundle.sharedCache.statistics.contextMisses - missesBefore
        if misses != 0 { print("  warning: \(misses) context cache misses on repeat runs with ContextBundle.options()") }
        Benchmark("rdfc \(name): canonicalize from JSON-LD (expand + toRDF + RDFC-1.0)", iterations: 500, warmup: 50).run {
            _ = try? canonicalizer.canonicalize(try RDFConversion.toRDF(document: document, jsonld: options))
        }
        Benchmark("rdfc \(name): RDFC-1.0 of the dataset", iterations: 500, warmup: 50).run {
            _ = try? canonicalizer.canonicalize(dataset)
        }
    }
}
