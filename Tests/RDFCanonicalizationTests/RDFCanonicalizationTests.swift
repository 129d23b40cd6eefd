import Foundation
import RDF
import RDFCanonicalization
import TestSupport
import Testing

/// The "diamond" of rdf-canon test020/test075: e0 and e1 are told apart only by their N-degree hashes.
let diamond = """
    <http://example.org/vocab#test> <http://example.org/vocab#A> _:e0 .
    <http://example.org/vocab#test> <http://example.org/vocab#B> _:e1 .
    _:e0 <http://example.org/vocab#next> _:e2 .
    _:e1 <http://example.org/vocab#next> _:e2 .

    """

/// A 4-node cycle of indistinguishable blank nodes: every node needs recursive N-degree hashing.
let cycle = """
    _:a <urn:p> _:b .
    _:b <urn:p> _:c .
    _:c <urn:p> _:d .
    _:d <urn:p> _:a .

    """

@Suite("RDFC-1.0 canonicalizer", .needsSharedData)
struct RDFCanonicalizerTests {
    @Test("no blank nodes: the output is the quads sorted by code point, each with a newline")
    func sortsGroundQuads() throws {
        let dataset = try NQuads.parse("<urn:b> <urn:p> \"é\" .\n<urn:a> <urn:p> \"z\" <urn:g> .\n<urn:a> <urn:p> \"a\" .\n")
        let result = try RDFCanonicalizer().canonicalize(dataset)
        #expect(result.nquads == "<urn:a> <urn:p> \"a\" .\n<urn:a> <urn:p> \"z\" <urn:g> .\n<urn:b> <urn:p> \"é\" .\n")
        #expect(result.issuedIdentifiers.isEmpty)
        #expect(result.quads.count == 3)
    }

    @Test("the empty dataset canonicalizes to the empty document")
    func emptyDataset() throws {
        #expect(try RDFCanonicalizer().canonicalize(RDFDataset()).nquads == "")
    }

    @Test("result quads, map and issue order agree with the canonical document")
    func resultParts() throws {
        let result = try RDFCanonicalizer().canonicalize(try NQuads.parse(diamond))
        #expect(result.issuedIdentifiers == ["e1": "c14n0", "e2": "c14n1", "e0": "c14n2"])
        #expect(result.issueOrder == ["e1", "e2", "e0"])
        #expect(result.issuedIdentifierPairs.map(\.canonical) == ["c14n0", "c14n1", "c14n2"])
        #expect(NQuads.serialize(result.quads) == result.nquads)
    }

    @Test("SHA-384 is a real parameter: the diamond gets other labels than with SHA-256")
    func sha384ChangesLabels() throws {
        let dataset = try NQuads.parse(diamond)
        let sha256 = try RDFCanonicalizer(hashAlgorithm: .sha256).canonicalize(dataset)
        let sha384 = try RDFCanonicalizer(hashAlgorithm: .sha384).canonicalize(dataset)
        // The maps of rdf-canon test020m and test075m.
        #expect(sha256.issuedIdentifiers == ["e1": "c14n0", "e2": "c14n1", "e0": "c14n2"])
        #expect(sha384.issuedIdentifiers == ["e0": "c14n0", "e2": "c14n1", "e1": "c14n2"])
    }

    @Test("blank node labels and quad order of the input do not change the output")
    func independentOfLabelsAndOrder() throws {
        let original = try NQuads.parse(cycle + diamond)
        var relabelled = RDFDataset()
        for quad in original.quads.reversed() {
            func rename(_ term: RDFTerm) -> RDFTerm {
                if case .blankNode(let label) = term { return .blankNode("x" + String(label.reversed()) + "9") }
                return term
            }
            relabelled.insert(
                RDFQuad(
                    subject: rename(quad.subject), predicate: quad.predicate,
                    object: rename(quad.object), graph: quad.graph.map(rename)))
        }
        let a = try RDFCanonicalizer().canonicalize(original).nquads
        let b = try RDFCanonicalizer().canonicalize(relabelled).nquads
        #expect(a == b)
        #expect(try original.isIsomorphic(to: relabelled))
    }

    @Test("a blank node graph name is relabelled like any other blank node")
    func blankGraphName() throws {
        let result = try RDFCanonicalizer().canonicalize(try NQuads.parse("<urn:s> <urn:p> <urn:o> _:g .\n"))
        #expect(result.nquads == "<urn:s> <urn:p> <urn:o> _:c14n0 .\n")
    }

    @Test("isIsomorphic is false for a changed literal or a different size")
    func notIsomorphic() throws {
        let a = try NQuads.parse("_:x <urn:p> \"1\" .\n")
        let b = try NQuads.parse("_:y <urn:p> \"2\" .\n")
        let c = try NQuads.parse("_:y <urn:p> \"1\" .\n_:y <urn:p> \"2\" .\n")
        #expect(try a.isIsomorphic(to: a))
        #expect(try !a.isIsomorphic(to: b))
        #expect(try !a.isIsomorphic(to: c))
    }
}

@Suite("RDFC-1.0 work limits", .needsSharedData)
struct CanonicalizationLimitTests {
    func expectLimit(_ text: String, _ limits: CanonicalizationLimits, mentioning phrase: String) throws {
        let dataset = try NQuads.parse(text)
        #expect {
            _ = try RDFCanonicalizer(limits: limits).canonicalize(dataset)
        } throws: { error in
            guard let error = error as? CanonicalizationError else { return false }
            return error.code == .workLimitExceeded && error.message.contains("work limit reached")
                && error.message.contains(phrase)
        }
    }

    @Test("the per-blank-node bound on Hash N-Degree Quads calls is enforced")
    func perNodeLimit() throws {
        try expectLimit(cycle, CanonicalizationLimits(maxNDegreeCallsPerBlankNode: 1), mentioning: "for one blank node")
    }

    @Test("the total bound on Hash N-Degree Quads calls is enforced")
    func totalCallLimit() throws {
        try expectLimit(cycle, CanonicalizationLimits(maxRecursiveNDegreeCallsTotal: 3), mentioning: "recursive calls")
    }

    @Test("the bound on permutations is enforced")
    func permutationLimit() throws {
        try expectLimit(cycle, CanonicalizationLimits(maxPermutationsTotal: 2), mentioning: "permutations")
    }

    @Test("the default limits accept the cycle and report the work done")
    func defaultsAccept() throws {
        let result = try RDFCanonicalizer().canonicalize(try NQuads.parse(cycle))
        // Same output as pyld 3.3.0 (URDNA2015, identical to RDFC-1.0 here).
        #expect(result.nquads == "_:c14n0 <urn:p> _:c14n3 .\n_:c14n1 <urn:p> _:c14n0 .\n_:c14n2 <urn:p> _:c14n1 .\n_:c14n3 <urn:p> _:c14n2 .\n")
        #expect(result.work.nDegreeCalls > 0)
        #expect(result.work.maxNDegreeCallsForOneBlankNode <= result.work.nDegreeCalls)
    }

    @Test("the 10-node clique (test074) is rejected by the default limits in well under a second")
    func cliqueRejectedFast() throws {
        guard let folder = SharedData.vector("rdf-canon/tests/rdfc10") else { return }
        let dataset = try NQuads.parse(utf8: try SharedData.data(folder.appendingPathComponent("test074-in.nq")))
        let start = ContinuousClock.now
        #expect(throws: CanonicalizationError.self) { _ = try RDFCanonicalizer().canonicalize(dataset) }
        #expect(ContinuousClock.now - start < .seconds(1))
    }

    @Test("an unlimited canonicalizer finishes the evil poison test with the same result")
    func unlimitedMatchesDefault() throws {
        guard let folder = SharedData.vector("rdf-canon/tests/rdfc10") else { return }
        let dataset = try NQuads.parse(utf8: try SharedData.data(folder.appendingPathComponent("test044-in.nq")))
        let a = try RDFCanonicalizer(limits: .unlimited).canonicalize(dataset)
        let b = try RDFCanonicalizer().canonicalize(dataset)
        #expect(a.nquads == b.nquads)
    }
}

@Suite("Generalized RDF (blank node predicates)", .needsSharedData)
struct GeneralizedRDFTests {
    static func relabelled(_ dataset: RDFDataset) -> RDFDataset {
        func rename(_ term: RDFTerm) -> RDFTerm {
            if case .blankNode(let label) = term { return .blankNode("renamed-" + label) }
            return term
        }
        return RDFDataset(
            dataset.quads.reversed().map {
                RDFQuad(subject: rename($0.subject), predicate: rename($0.predicate), object: rename($0.object), graph: $0.graph.map(rename))
            })
    }

    @Test("the strict parser refuses blank node predicates unless generalized RDF is allowed")
    func parserOption() throws {
        let text = "_:s _:p _:o .\n"
        #expect(throws: NQuadsError.self) { try NQuads.parse(text) }
        let dataset = try NQuads.parse(text, allowBlankNodePredicates: true)
        #expect(dataset.quads.first?.predicate == .blankNode("p"))
    }

    @Test("blank node predicates are relabelled and the result does not depend on input labels")
    func canonicalizesBlankPredicates() throws {
        let dataset = try NQuads.parse("_:a _:p _:b .\n_:b _:p _:a .\n_:a <urn:q> _:p .\n_:b _:p2 \"x\" .\n", allowBlankNodePredicates: true)
        let result = try RDFCanonicalizer().canonicalize(dataset)
        #expect(!result.nquads.contains("_:a ") && !result.nquads.contains("_:p "))
        #expect(result.issuedIdentifiers.count == 4)
        #expect(NQuads.serialize(result.quads) == result.nquads)
        #expect(try dataset.isIsomorphic(to: Self.relabelled(dataset)))
        // Moving a literal from the object end to the subject end is a different graph.
        let a = try NQuads.parse("_:a _:p _:b .\n_:b <urn:q> \"1\" .\n", allowBlankNodePredicates: true)
        let b = try NQuads.parse("_:a _:p _:b .\n_:a <urn:q> \"1\" .\n", allowBlankNodePredicates: true)
        let c = try NQuads.parse("_:a _:p _:b .\n_:p <urn:q> \"1\" .\n", allowBlankNodePredicates: true)
        #expect(try !a.isIsomorphic(to: b))
        #expect(try !a.isIsomorphic(to: c))
    }

    @Test("the JSON-LD toRdf outputs with generalized RDF (0118, e075) canonicalize label-independently")
    func jsonLDGeneralizedOutputs() throws {
        guard let folder = SharedData.vector("json-ld-api/tests/toRdf") else { return }
        for name in ["0118-out.nq", "e075-out.nq"] {
            let dataset = try NQuads.parse(utf8: try SharedData.data(folder.appendingPathComponent(name)), allowBlankNodePredicates: true)
            #expect(try dataset.isIsomorphic(to: Self.relabelled(dataset)), "\(name)")
        }
    }
}
