import RDF

/// The hash function RDFC-1.0 runs with (RDFC-1.0 §4.2: the hash algorithm is a parameter).
public enum HashAlgorithm: String, Sendable, Hashable, CaseIterable {
    /// SHA-256, the RDFC-1.0 default and what eddsa-rdfc-2022 and P-256 ecdsa-rdfc-2019 use.
    case sha256 = "SHA256"
    /// SHA-384, which ecdsa-rdfc-2019 requires with P-384 keys for the canonicalization itself.
    case sha384 = "SHA384"
}

/// Bounds on the work RDFC-1.0 may do before it gives up (RDFC-1.0 §4.4.3, §7.1: "poison" graphs).
///
/// Only the Hash N-Degree Quads step can grow faster than the input: it tries every permutation of
/// blank nodes that look alike and recurses into each. Three things are counted: the calls of Hash N-Degree
/// Quads made for each blank node that step 5 of the algorithm starts from, the recursive calls over the
/// whole dataset, and the permutations tried. (The one call step 5 makes per blank node is not limited:
/// those grow only with the input.)
///
/// The heaviest legitimate rdf-canon inputs, the "evil" poison tests 044–046, need 43 calls for one blank
/// node, 456 recursive calls and 2,880 permutations; the defaults are 22–35 times that. With them the
/// 10-node clique of test074 is refused after ~50 ms and other crafted graphs (a 40-node clique, 30 disjoint
/// 6-node cliques, a complete bipartite 60×60 graph) within ~0.3 s in a release build.
public struct CanonicalizationLimits: Sendable, Hashable {
    /// Calls of Hash N-Degree Quads allowed while computing the N-degree hash of one blank node.
    public var maxNDegreeCallsPerBlankNode: Int
    /// Recursive calls of Hash N-Degree Quads allowed for the whole dataset.
    public var maxRecursiveNDegreeCallsTotal: Int
    /// Permutations tried (RDFC-1.0 §4.8.3 step 5.4) for the whole dataset.
    public var maxPermutationsTotal: Int

    /// Limits; every argument left out takes its default.
    public init(
        maxNDegreeCallsPerBlankNode: Int = 1_000, maxRecursiveNDegreeCallsTotal: Int = 10_000,
        maxPermutationsTotal: Int = 100_000
    ) {
        self.maxNDegreeCallsPerBlankNode = maxNDegreeCallsPerBlankNode
        self.maxRecursiveNDegreeCallsTotal = maxRecursiveNDegreeCallsTotal
        self.maxPermutationsTotal = maxPermutationsTotal
    }

    /// 1,000 N-degree calls per blank node, 10,000 recursive calls and 100,000 permutations in total.
    public static let `default` = CanonicalizationLimits()

    /// No bounds: for trusted input only; a crafted graph can then run for hours.
    public static let unlimited = CanonicalizationLimits(
        maxNDegreeCallsPerBlankNode: .max, maxRecursiveNDegreeCallsTotal: .max, maxPermutationsTotal: .max)
}

/// Why canonicalization stopped.
public struct CanonicalizationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is; stable across versions.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let name: String
        public var description: String { name }
        /// A ``CanonicalizationLimits`` bound was reached: the dataset needs more work than allowed.
        public static let workLimitExceeded = Code(name: "workLimitExceeded")
    }

    /// The kind of problem, for programs.
    public let code: Code
    /// What happened and which limit was reached, for people.
    public let message: String

    /// An error with a code and message.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}

/// The result of canonicalizing a dataset.
///
/// Only ``nquads`` is built eagerly (it is what gets hashed and signed); the relabelled quads and the
/// identifier map are derived on access.
public struct CanonicalizedDataset: Sendable, Equatable {
    /// The canonical N-Quads document: relabelled quads, sorted by code point, each line ending in `\n`.
    ///
    /// This is what eddsa-rdfc-2022 and ecdsa-rdfc-2019 hash (as UTF-8).
    public let nquads: String
    /// How much work the Hash N-Degree Quads step did, to compare against ``CanonicalizationLimits``.
    public let work: CanonicalizationWork

    let source: [RDFQuad]
    let slots: [InternedQuad]
    let order: [Int]
    let blankLabels: [String]
    let canonicalNumbers: [Int32]
    let canonicalOrder: [Int32]

    /// The quads with canonical blank node labels, in the order of ``nquads``.
    public var quads: [RDFQuad] {
        let labels = canonicalNumbers.map { "c14n\($0)" }
        func relabel(_ term: RDFTerm, _ slot: Int32) -> RDFTerm {
            isBlank(slot) ? .blankNode(labels[Int(blankID(slot))]) : term
        }
        return order.map { k in
            let original = source[k], slot = slots[k]
            return RDFQuad(
                subject: relabel(original.subject, slot.subject), predicate: relabel(original.predicate, slot.predicate),
                object: relabel(original.object, slot.object), graph: original.graph.map { relabel($0, slot.graph) })
        }
    }

    /// Input blank node label (as in the input, without `_:`) → canonical label (`c14n0`, `c14n1`, …).
    public var issuedIdentifiers: [String: String] {
        var map: [String: String] = [:]
        map.reserveCapacity(blankLabels.count)
        for (id, label) in blankLabels.enumerated() { map[label] = "c14n\(canonicalNumbers[id])" }
        return map
    }

    /// The input blank node labels in the order their canonical labels were issued.
    public var issueOrder: [String] { canonicalOrder.map { blankLabels[Int($0)] } }

    /// The issued-identifier map as pairs in issue order (`c14n0` first), as the rdf-canon map tests list it.
    public var issuedIdentifierPairs: [(input: String, canonical: String)] {
        canonicalOrder.map { (blankLabels[Int($0)], "c14n\(canonicalNumbers[Int($0)])") }
    }

    public static func == (lhs: CanonicalizedDataset, rhs: CanonicalizedDataset) -> Bool {
        lhs.nquads == rhs.nquads && lhs.issuedIdentifiers == rhs.issuedIdentifiers
    }
}

/// Counters of the potentially exponential part of RDFC-1.0 for one run.
public struct CanonicalizationWork: Sendable, Hashable {
    /// Calls of Hash N-Degree Quads in total.
    public var nDegreeCalls: Int
    /// Of those, the recursive ones (all but the one step 5 makes per blank node).
    public var recursiveNDegreeCalls: Int
    /// The most calls of Hash N-Degree Quads spent on one blank node of step 5.
    public var maxNDegreeCallsForOneBlankNode: Int
    /// Permutations tried in total.
    public var permutations: Int

    /// Counters with the given values (zero by default).
    public init(
        nDegreeCalls: Int = 0, recursiveNDegreeCalls: Int = 0, maxNDegreeCallsForOneBlankNode: Int = 0,
        permutations: Int = 0
    ) {
        self.nDegreeCalls = nDegreeCalls
        self.recursiveNDegreeCalls = recursiveNDegreeCalls
        self.maxNDegreeCallsForOneBlankNode = maxNDegreeCallsForOneBlankNode
        self.permutations = permutations
    }
}

/// RDF Dataset Canonicalization (RDFC-1.0, W3C Recommendation 21 May 2024).
///
/// Gives every blank node a label that depends only on the dataset's content (`c14n0`, `c14n1`, …) and
/// writes the result as sorted canonical N-Quads, so two parties holding the same dataset produce the same
/// bytes to sign. Work on "poison" graphs is bounded by ``CanonicalizationLimits``.
public struct RDFCanonicalizer: Sendable {
    /// The hash RDFC-1.0 runs with (SHA-256 unless P-384 ECDSA asks for SHA-384).
    public let hashAlgorithm: HashAlgorithm
    /// The work bounds that stop poison graphs.
    public let limits: CanonicalizationLimits

    /// A canonicalizer; the defaults are RDFC-1.0's SHA-256 and ``CanonicalizationLimits/default``.
    public init(hashAlgorithm: HashAlgorithm = .sha256, limits: CanonicalizationLimits = .default) {
        self.hashAlgorithm = hashAlgorithm
        self.limits = limits
    }

    /// Canonicalizes `dataset` (RDFC-1.0 §4.4), or throws ``CanonicalizationError`` when a work limit is reached.
    public func canonicalize(_ dataset: RDFDataset) throws(CanonicalizationError) -> CanonicalizedDataset {
        var state = CanonicalizationState(dataset: dataset, algorithm: hashAlgorithm, limits: limits)
        try state.run()
        return state.result(dataset: dataset)
    }

    /// ``canonicalize(_:)``'s ``CanonicalizedDataset/nquads`` as UTF-8 bytes, never made a `String`: what the
    /// RDFC cryptosuites hash. Turning the 40 KB canonical form of a large credential into a `String` (and back
    /// into bytes to hash it) cost more than a tenth of its canonicalization. The bytes are well-formed UTF-8 (every
    /// term was a Swift string), so they are exactly `Array(nquads.utf8)`.
    public func canonicalNQuadsUTF8(_ dataset: RDFDataset) throws(CanonicalizationError) -> [UInt8] {
        var state = CanonicalizationState(dataset: dataset, algorithm: hashAlgorithm, limits: limits)
        try state.run()
        return state.canonicalDocument().document
    }

    /// ``canonicalNQuadsUTF8(_:)`` of a dataset the JSON-LD converter wrote in RDFC-1.0's own form.
    package func canonicalNQuadsUTF8(_ interned: InternedDataset) throws(CanonicalizationError) -> [UInt8] {
        var state = CanonicalizationState(interned: interned, algorithm: hashAlgorithm, limits: limits)
        try state.run()
        return state.canonicalDocument().document
    }

    /// ``CanonicalizedDataset/nquads`` of a dataset the JSON-LD converter wrote in RDFC-1.0's own form.
    package func canonicalNQuads(_ interned: InternedDataset) throws(CanonicalizationError) -> String {
        UTF8Text.string(try canonicalNQuadsUTF8(interned))
    }

    /// Canonical N-Quads of `dataset` with the given options.
    public static func canonicalNQuads(
        _ dataset: RDFDataset, hashAlgorithm: HashAlgorithm = .sha256,
        limits: CanonicalizationLimits = .default
    ) throws(CanonicalizationError) -> String {
        try RDFCanonicalizer(hashAlgorithm: hashAlgorithm, limits: limits).canonicalize(dataset).nquads
    }
}

extension RDFDataset {
    /// Whether the two datasets are the same up to blank node labels (RDF dataset isomorphism).
    ///
    /// Decided by comparing their RDFC-1.0 canonical forms, which are equal exactly for isomorphic datasets.
    /// Throws when either dataset exceeds `limits`.
    public func isIsomorphic(to other: RDFDataset, limits: CanonicalizationLimits = .default) throws(CanonicalizationError) -> Bool {
        guard count == other.count else { return false }
        let canonicalizer = RDFCanonicalizer(limits: limits)
        return try canonicalizer.canonicalize(self).nquads == canonicalizer.canonicalize(other).nquads
    }
}
