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
/// blank nodes that look alike and recurses into each. Both are counted: the calls of Hash N-Degree Quads
/// and the permutations tried, each per blank node that step 5 of the algorithm starts from, and in total.
/// The defaults let every legitimate rdf-canon test finish (including the "evil" poison tests 044–046,
/// which need at most 22 calls per blank node) and stop the 10-node clique of test074 within milliseconds.
public struct CanonicalizationLimits: Sendable, Hashable {
    /// Calls of Hash N-Degree Quads allowed while computing the N-degree hash of one blank node.
    public var maxNDegreeCallsPerBlankNode: Int
    /// Calls of Hash N-Degree Quads allowed for the whole dataset.
    public var maxNDegreeCallsTotal: Int
    /// Permutations tried (RDFC-1.0 §4.8.3 step 5.4) for the whole dataset.
    public var maxPermutationsTotal: Int

    public init(maxNDegreeCallsPerBlankNode: Int = 1_000, maxNDegreeCallsTotal: Int = 100_000,
                maxPermutationsTotal: Int = 200_000) {
        self.maxNDegreeCallsPerBlankNode = maxNDegreeCallsPerBlankNode
        self.maxNDegreeCallsTotal = maxNDegreeCallsTotal
        self.maxPermutationsTotal = maxPermutationsTotal
    }

    /// 1,000 N-degree calls per blank node, 100,000 in total, 200,000 permutations in total.
    public static let `default` = CanonicalizationLimits()

    /// No bounds: for trusted input only; a crafted graph can then run for hours.
    public static let unlimited = CanonicalizationLimits(
        maxNDegreeCallsPerBlankNode: .max, maxNDegreeCallsTotal: .max, maxPermutationsTotal: .max)
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

    public let code: Code
    public let message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// The result of canonicalizing a dataset.
public struct CanonicalizedDataset: Sendable, Hashable {
    /// The canonical N-Quads document: relabelled quads, sorted by code point, each line ending in `\n`.
    ///
    /// This is what eddsa-rdfc-2022 and ecdsa-rdfc-2019 hash (as UTF-8).
    public let nquads: String
    /// The quads with canonical blank node labels, in the order of ``nquads``.
    public let quads: [RDFQuad]
    /// Input blank node label (as in the input, without `_:`) → canonical label (`c14n0`, `c14n1`, …).
    public let issuedIdentifiers: [String: String]
    /// The input blank node labels in the order their canonical labels were issued.
    public let issueOrder: [String]
    /// How much work the Hash N-Degree Quads step did, to compare against ``CanonicalizationLimits``.
    public let work: CanonicalizationWork

    /// The issued-identifier map as pairs in issue order (`c14n0` first), as the rdf-canon map tests list it.
    public var issuedIdentifierPairs: [(input: String, canonical: String)] {
        issueOrder.map { ($0, issuedIdentifiers[$0]!) }
    }
}

/// Counters of the potentially exponential part of RDFC-1.0 for one run.
public struct CanonicalizationWork: Sendable, Hashable {
    /// Calls of Hash N-Degree Quads in total.
    public var nDegreeCalls: Int
    /// The most calls of Hash N-Degree Quads spent on one blank node of step 5.
    public var maxNDegreeCallsForOneBlankNode: Int
    /// Permutations tried in total.
    public var permutations: Int

    public init(nDegreeCalls: Int = 0, maxNDegreeCallsForOneBlankNode: Int = 0, permutations: Int = 0) {
        self.nDegreeCalls = nDegreeCalls
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
    public let hashAlgorithm: HashAlgorithm
    public let limits: CanonicalizationLimits

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

    /// Canonical N-Quads of `dataset` with the given options.
    public static func canonicalNQuads(_ dataset: RDFDataset, hashAlgorithm: HashAlgorithm = .sha256,
                                       limits: CanonicalizationLimits = .default) throws(CanonicalizationError) -> String {
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
