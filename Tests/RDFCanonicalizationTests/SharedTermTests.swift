import Foundation
import RDF
import RDFCanonicalization
import TestSupport
import Testing

/// The canonicalizer writes a repeated IRI once and points every occurrence at those bytes (a `StringMemo`):
/// these tests pin its output to that of the same dataset in other forms, every IRI one `String` or each
/// occurrence a `String` of its own.
@Suite("RDFC-1.0: repeated IRIs written once")
struct SharedTermTests {
    /// Every IRI rebuilt in a new buffer: nothing shared, so each occurrence is written on its own.
    static func unshared(_ dataset: RDFDataset) -> RDFDataset {
        func copy(_ term: RDFTerm) -> RDFTerm {
            if case .iri(let iri) = term { return .iri(String(decoding: Array(iri.utf8), as: UTF8.self)) }
            return term
        }
        return RDFDataset(
            dataset.quads.map { RDFQuad(subject: copy($0.subject), predicate: copy($0.predicate), object: copy($0.object), graph: $0.graph.map(copy)) })
    }

    /// Equal IRIs made one `String`, as a JSON-LD conversion makes them.
    static func shared(_ dataset: RDFDataset) -> RDFDataset {
        var interned: [[UInt8]: String] = [:]
        func share(_ term: RDFTerm) -> RDFTerm {
            guard case .iri(let iri) = term else { return term }
            let bytes = Array(iri.utf8)
            if let existing = interned[bytes] { return .iri(existing) }
            interned[bytes] = iri
            return term
        }
        return RDFDataset(
            dataset.quads.map {
                RDFQuad(subject: share($0.subject), predicate: share($0.predicate), object: share($0.object), graph: $0.graph.map(share))
            })
    }

    @Test func generatedDatasetsCanonicalizeAlikeSharedOrNot() throws {
        var generator = SplitMix(state: 3)
        for size in [1, 10, 200, 1_500] {
            // More distinct IRIs than the memo has slots, long and short (inline), some needing escapes.
            let iris = (0..<max(4, size / 3)).map { index -> String in
                switch index % 4 {
                case 0: return "urn:x:\(index)"
                case 1: return "http://example.org/vocabulary/a-predicate-name-\(index)"
                case 2: return "http://example.org/with space and \"quote\" \(index)"
                default: return "https://www.w3.org/2018/credentials#term\(index)é"
                }
            }
            var dataset = RDFDataset()
            for _ in 0..<size {
                func term(_ blankAllowed: Bool) -> RDFTerm {
                    switch generator.next() % (blankAllowed ? 4 : 2) {
                    case 0, 1: return .iri(iris[Int(generator.next() % UInt64(iris.count))])
                    case 2: return .blankNode("n\(generator.next() % 40)")
                    default: return .literal(RDFLiteral("v\(generator.next() % 9)"))
                    }
                }
                dataset.insert(RDFQuad(subject: term(true), predicate: term(false), object: term(true), graph: generator.next() % 5 == 0 ? term(false) : nil))
            }
            let canonicalizer = RDFCanonicalizer()
            let expected = try canonicalizer.canonicalize(Self.unshared(dataset))
            let sharing = try canonicalizer.canonicalize(Self.shared(dataset))
            #expect(sharing.nquads == expected.nquads)
            #expect(sharing.quads == expected.quads)
            #expect(sharing.issuedIdentifiers == expected.issuedIdentifiers)
        }
    }

    @Test(.needsSharedData) func theRDFCanonInputsCanonicalizeAlikeSharedOrNot() throws {
        let folder = try #require(SharedData.vector("rdf-canon/tests/rdfc10"))
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix("-in.nq") && $0 != "test074-in.nq" }
        #expect(names.count > 50)
        for name in names.sorted() {
            let dataset = try NQuads.parse(utf8: try SharedData.data(folder.appendingPathComponent(name)))
            let canonicalizer = RDFCanonicalizer(hashAlgorithm: name == "test075-in.nq" ? .sha384 : .sha256)
            #expect(try canonicalizer.canonicalize(Self.shared(dataset)).nquads == canonicalizer.canonicalize(Self.unshared(dataset)).nquads, "\(name)")
        }
    }
}
