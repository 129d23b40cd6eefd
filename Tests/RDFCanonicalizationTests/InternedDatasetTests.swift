import Foundation
import RDFCanonicalization
import TestSupport
import Testing

@testable import RDF

/// The JSON-LD converter hands RDFC-1.0 its quads already interned (`TermInterner.insert`, repeats included,
/// dropped by a duplicate check over the written bytes) instead of an `RDFDataset`. These tests pin that path to
/// canonicalizing the dataset itself.
@Suite("RDFC-1.0: quads interned by their producer", .needsSharedData)
struct InternedDatasetTests {
    /// Every quad of `dataset` inserted as a producer would, each twice and some three times, optionally
    /// switching the duplicate check to SipHash after `switchAfter` quads.
    static func interned(_ dataset: RDFDataset, switchAfter: Int? = nil) -> InternedDataset {
        var interner = TermInterner(quadCount: dataset.count)
        for (index, quad) in dataset.quads.enumerated() {
            if index == switchAfter { interner.switchToSipHash() }
            let copies = index % 3 == 0 ? 3 : 2
            for _ in 0..<copies {
                interner.insert(quad.subject, quad.predicate, quad.object, quad.graph, fingerprint: QuadFingerprint.hash(quad))
            }
        }
        return interner.dataset
    }

    static func evalInputs() throws -> [(name: String, dataset: RDFDataset, algorithm: HashAlgorithm)] {
        guard let (folder, entries) = try RDFCanonConformanceTests.loadManifest() else { return [] }
        return try entries.filter { $0.type == "rdfc:RDFC10EvalTest" }.map { entry in
            (entry.id, try NQuads.parse(utf8: try SharedData.data(folder.appendingPathComponent(entry.action))), entry.hashAlgorithm)
        }
    }

    @Test("every rdf-canon eval input interned with repeats canonicalizes byte for byte as the dataset")
    func evalInputsCanonicalizeAlike() throws {
        let inputs = try Self.evalInputs()
        guard !inputs.isEmpty else { return }
        for (name, dataset, algorithm) in inputs {
            let canonicalizer = RDFCanonicalizer(hashAlgorithm: algorithm)
            let expected = Array(try canonicalizer.canonicalize(dataset).nquads.utf8)
            for switchAfter in [nil, 0, dataset.count / 2] {
                let interned = Self.interned(dataset, switchAfter: switchAfter)
                #expect(interned.quads.count == dataset.count, "\(name): repeats kept")
                #expect(try canonicalizer.canonicalNQuadsUTF8(interned) == expected, "\(name), SipHash after \(switchAfter ?? -1)")
                #expect(try canonicalizer.canonicalNQuads(interned) == canonicalizer.canonicalize(dataset).nquads, "\(name)")
            }
        }
    }

    @Test("terms equal only up to canonical equivalence, or differing only in kind, are different quads")
    func lookAlikesAreNotRepeats() throws {
        let quads = [
            RDFQuad(subject: .iri("urn:x"), predicate: .iri("urn:p"), object: .literal(RDFLiteral("\u{E9}"))),
            RDFQuad(subject: .iri("urn:x"), predicate: .iri("urn:p"), object: .literal(RDFLiteral("e\u{301}"))),
            RDFQuad(subject: .iri("urn:x"), predicate: .iri("urn:p"), object: .iri("urn:y")),
            RDFQuad(subject: .iri("urn:x"), predicate: .iri("urn:p"), object: .literal(RDFLiteral("urn:y"))),
            RDFQuad(subject: .iri("urn:x"), predicate: .iri("urn:p"), object: .blankNode("y")),
            RDFQuad(subject: .iri("urn:x"), predicate: .iri("urn:p"), object: .literal(RDFLiteral("y", language: "en"))),
            RDFQuad(subject: .iri("urn:x"), predicate: .iri("urn:p"), object: .literal(RDFLiteral("y", datatype: "urn:t"))),
            RDFQuad(subject: .iri("urn:x"), predicate: .iri("urn:p"), object: .literal(RDFLiteral("y"))),
            RDFQuad(subject: .iri("urn:x"), predicate: .iri("urn:p"), object: .literal(RDFLiteral("y")), graph: .iri("urn:g")),
            RDFQuad(subject: .iri("urn:x"), predicate: .iri("urn:p"), object: .literal(RDFLiteral("y")), graph: .blankNode("g")),
        ]
        let dataset = RDFDataset(quads)
        #expect(dataset.count == quads.count)
        for switchAfter in [nil, 0, 5] {
            let interned = Self.interned(dataset, switchAfter: switchAfter)
            #expect(interned.lines == quads.map { Array(NQuads.serialize($0).utf8) })
            #expect(try RDFCanonicalizer().canonicalNQuadsUTF8(interned) == Array(try RDFCanonicalizer().canonicalize(dataset).nquads.utf8))
        }
    }
}
