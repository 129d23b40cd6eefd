import Foundation
import RDF
import RDFCanonicalization

/// RDFC-1.0 benchmarks: the rdf-canon eval suite from N-Quads, a credential-sized dataset, and the poison graph.
enum CanonicalizationBench {
    /// `../shared/vectors` beside the package, or `SKILLCRED_VECTORS`.
    static var vectorsRoot: URL {
        if let path = ProcessInfo.processInfo.environment["SKILLCRED_VECTORS"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("../shared/vectors").standardizedFileURL
    }

    static func median(_ samples: [Duration]) -> Duration { samples.sorted()[samples.count / 2] }

    static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let micros = Double(seconds) * 1e6 + Double(attoseconds) / 1e12
        return micros >= 1000 ? String(format: "%.2f ms", micros / 1000) : String(format: "%.1f µs", micros)
    }

    static func time(_ iterations: Int, _ body: () throws -> Void) rethrows -> Duration {
        var samples: [Duration] = []
        samples.reserveCapacity(iterations)
        for _ in 0..<iterations {
            let start = ContinuousClock.now
            try body()
            samples.append(ContinuousClock.now - start)
        }
        return median(samples)
    }

    /// A synthetic credential-shaped dataset of 310 quads: one subject tree of blank nodes as JSON-LD produces
    /// for nested objects (36 distinct nodes), plus 3 look-alike pairs that need Hash N-Degree Quads.
    static func credentialLikeDataset() -> RDFDataset {
        var dataset = RDFDataset()
        let ex = "https://example.org/vocab#"
        let credential = RDFTerm.iri("urn:uuid:6a9a4c1e-1b0e-4c0f-9a57-3a4c2d1e0f11")
        func literal(_ text: String) -> RDFTerm { .literal(RDFLiteral(text)) }
        dataset.insert(RDFQuad(subject: credential, predicate: .iri(RDFVocabulary.rdfType), object: .iri(ex + "VerifiableCredential")))
        for node in 0..<36 {
            let blank = RDFTerm.blankNode("n\(node)")
            dataset.insert(RDFQuad(subject: node == 0 ? credential : .blankNode("n\(node / 3)"), predicate: .iri(ex + "has\(node % 7)"), object: blank))
            dataset.insert(RDFQuad(subject: blank, predicate: .iri(RDFVocabulary.rdfType), object: .iri(ex + "Type\(node % 5)")))
            for property in 0..<5 {
                dataset.insert(
                    RDFQuad(
                        subject: blank, predicate: .iri(ex + "p\(property)"),
                        object: literal("value \(node)-\(property) – with some text to hash")))
            }
            dataset.insert(
                RDFQuad(
                    subject: blank, predicate: .iri(ex + "issued"),
                    object: .literal(RDFLiteral("2024-0\(1 + node % 9)-01T00:00:00Z", datatype: RDFVocabulary.xsd + "dateTime"))))
        }
        for pair in 0..<3 {
            for twin in 0..<2 {
                let blank = RDFTerm.blankNode("t\(pair)-\(twin)")
                dataset.insert(RDFQuad(subject: .blankNode("n\(pair)"), predicate: .iri(ex + "alignment"), object: blank))
                dataset.insert(RDFQuad(subject: blank, predicate: .iri(ex + "targetName"), object: literal("same \(pair)")))
            }
        }
        var filler = 0
        while dataset.count < 310 {
            dataset.insert(RDFQuad(subject: credential, predicate: .iri(ex + "note"), object: literal("note \(filler)")))
            filler += 1
        }
        return dataset
    }

    static func run() throws {
        print("== RDFC-1.0 (release build expected: swift run -c release skillcred-bench)")
        let credential = credentialLikeDataset()
        let canonicalizer = RDFCanonicalizer()
        _ = try canonicalizer.canonicalize(credential)
        // `--credential-runs N`: only canonicalize the credential N times (for profilers and heap counters).
        if let flag = CommandLine.arguments.firstIndex(of: "--credential-runs"), flag + 1 < CommandLine.arguments.count,
            let runs = Int(CommandLine.arguments[flag + 1])
        {
            for _ in 0..<runs { _ = try canonicalizer.canonicalize(credential) }
            return
        }
        let credentialTime = try time(2000) { _ = try canonicalizer.canonicalize(credential) }
        print("credential-like dataset (\(credential.count) quads, 42 blank nodes): median \(format(credentialTime)) per canonicalization")

        let folder = vectorsRoot.appendingPathComponent("rdf-canon/tests/rdfc10")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else {
            print("rdf-canon vectors not found at \(folder.path); set SKILLCRED_VECTORS")
            return
        }
        var inputs: [(name: String, text: String)] = []
        for name in names.sorted() where name.hasSuffix("-in.nq") {
            inputs.append((name, try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)))
        }
        let evil = Set(["test044-in.nq", "test045-in.nq", "test046-in.nq"])
        func suite(skipping skip: Set<String>) throws {
            for input in inputs where input.name != "test074-in.nq" && !skip.contains(input.name) {
                let algorithm: HashAlgorithm = input.name == "test075-in.nq" ? .sha384 : .sha256
                _ = try RDFCanonicalizer(hashAlgorithm: algorithm).canonicalize(try NQuads.parse(input.text))
            }
        }
        let suiteTime = try time(20) { try suite(skipping: []) }
        let suiteWithoutEvil = try time(50) { try suite(skipping: evil) }
        print(
            "rdf-canon eval inputs (\(inputs.count - 1) files, parse + canonicalize): median \(format(suiteTime)) per pass; "
                + "without the evil tests 044–046: \(format(suiteWithoutEvil))")

        let poison = try NQuads.parse(try String(contentsOf: folder.appendingPathComponent("test074-in.nq"), encoding: .utf8))
        let poisonTime = time(20) { _ = try? canonicalizer.canonicalize(poison) }
        print("test074 (10-node clique) rejected by the default work limit after: median \(format(poisonTime))")

        // Crafted graphs beyond the suite: each must finish or be refused quickly with the default limits.
        for (name, dataset) in adversarialDatasets() {
            let start = ContinuousClock.now
            var outcome = "finished"
            do { _ = try canonicalizer.canonicalize(dataset) } catch { outcome = "refused" }
            print("adversarial \(name) (\(dataset.count) quads): \(outcome) after \(format(ContinuousClock.now - start))")
        }
    }

    /// Graphs of indistinguishable blank nodes built to make Hash N-Degree Quads explode.
    static func adversarialDatasets() -> [(String, RDFDataset)] {
        let predicate = RDFTerm.iri("urn:p")
        func clique(_ size: Int, prefix: String, into dataset: inout RDFDataset) {
            for from in 0..<size {
                for to in 0..<size where from != to {
                    dataset.insert(RDFQuad(subject: .blankNode("\(prefix)\(from)"), predicate: predicate, object: .blankNode("\(prefix)\(to)")))
                }
            }
        }
        var result: [(String, RDFDataset)] = []
        var big = RDFDataset(); clique(40, prefix: "k", into: &big)
        result.append(("40-node clique", big))
        var many = RDFDataset(); for group in 0..<30 { clique(6, prefix: "c\(group)-", into: &many) }
        result.append(("30 disjoint 6-node cliques", many))
        var bipartite = RDFDataset()
        for from in 0..<60 {
            for to in 0..<60 {
                bipartite.insert(RDFQuad(subject: .blankNode("l\(from)"), predicate: predicate, object: .blankNode("r\(to)")))
            }
        }
        result.append(("complete bipartite 60x60", bipartite))
        var star = RDFDataset()
        for leaf in 0..<5000 { star.insert(RDFQuad(subject: .iri("urn:hub"), predicate: predicate, object: .blankNode("s\(leaf)"))) }
        result.append(("5000 look-alike leaves", star))
        return result
    }
}
