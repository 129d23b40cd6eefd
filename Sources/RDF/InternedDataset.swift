/// One quad over integer slots: a value ≥ 0 indexes the pre-serialized IRIs and literals of an
/// ``InternedDataset``, a value < 0 is blank node `-1 - value`, and ``InternedQuad/noGraph`` marks the default graph.
package struct InternedQuad: Sendable, Equatable {
    package var subject: Int32
    package var predicate: Int32
    package var object: Int32
    package var graph: Int32

    /// The graph slot of a quad in the default graph.
    package static let noGraph = Int32.max

    package init(subject: Int32, predicate: Int32, object: Int32, graph: Int32) {
        self.subject = subject
        self.predicate = predicate
        self.object = object
        self.graph = graph
    }
}

/// An RDF dataset in the form RDFC-1.0 works on: every IRI and literal already written as canonical N-Quads
/// bytes, blank nodes numbered in order of first appearance, each with the quads that mention it.
///
/// The JSON-LD converter writes this directly (``TermInterner/insert(_:_:_:_:fingerprint:)``), so a document
/// on its way to a signature is never an ``RDFDataset`` of `RDFQuad`s and `RDFTerm`s that RDFC-1.0 would
/// read once and free. Two IRI slots may hold the same bytes (the memo that finds a repeated IRI is bounded):
/// slots are positions, and nothing compares them.
package struct InternedDataset: Sendable {
    /// Canonical N-Quads bytes of IRIs and literals, back to back (term k is `termBytes[termOffsets[k]..<termOffsets[k + 1]]`).
    package var termBytes: [UInt8] = []
    package var termOffsets: [Int] = [0]
    /// The quads, without repeats, in the order they were first written.
    package var quads: [InternedQuad] = []
    /// Each blank node's label (without `_:`), by number.
    package var blankLabels: [String] = []
    /// Each blank node's quads (indexes into ``quads``, in order, each once).
    package var blankQuads: [[Int32]] = []

    package init() {}

    /// The bytes of an IRI or literal slot.
    package func bytes(of slot: Int32) -> ArraySlice<UInt8> { termBytes[termOffsets[Int(slot)]..<termOffsets[Int(slot) + 1]] }

    /// The quads as canonical N-Quads lines in order, blank nodes by their labels: the form tests compare.
    package var lines: [[UInt8]] {
        quads.map { quad in
            var line: [UInt8] = []
            func term(_ slot: Int32) {
                if slot < 0 {
                    line.append(contentsOf: Array("_:".utf8))
                    line.append(contentsOf: blankLabels[Int(-1 - slot)].utf8)
                } else {
                    line.append(contentsOf: bytes(of: slot))
                }
            }
            term(quad.subject)
            line.append(0x20)
            term(quad.predicate)
            line.append(0x20)
            term(quad.object)
            if quad.graph != InternedQuad.noGraph {
                line.append(0x20)
                term(quad.graph)
            }
            line.append(contentsOf: [0x20, 0x2E, 0x0A])
            return line
        }
    }
}

/// A blank node label keyed by its code points (Swift `String` hashing would normalize to NFC first).
struct LabelKey: Hashable {
    let label: String
    static func == (lhs: LabelKey, rhs: LabelKey) -> Bool { sameCodePoints(lhs.label, rhs.label) }
    func hash(into hasher: inout Hasher) { hashCodePoints(label, into: &hasher) }
}

/// Builds an ``InternedDataset`` from terms: from an ``RDFDataset``'s quads (``append(_:)``), or from a producer's
/// quads, repeats included (``insert(_:_:_:_:fingerprint:)``).
package struct TermInterner {
    package private(set) var dataset = InternedDataset()
    private var blankIndex: [LabelKey: Int32] = [:]
    private var iris = StringMemo()
    /// The duplicate check of ``insert(_:_:_:_:fingerprint:)``: open addressing over quad indexes plus one, as
    /// ``RDFDataset``'s, with each quad's hash beside it.
    private var hashes: [Int] = []
    private var table: [Int32] = []
    private(set) var usesSipHash = false
    private static let longProbeRun = 48
    /// The quad count given at creation: the duplicate check's table is first made for that many (growing from the
    /// smallest table re-placed every quad so far at each doubling); a producer that only appends makes none.
    private let expectedQuads: Int

    package init(quadCount: Int) {
        expectedQuads = quadCount
        blankIndex.reserveCapacity(64)
        dataset.termBytes.reserveCapacity(quadCount * 96)
        dataset.termOffsets.reserveCapacity(quadCount * 3 + 1)
        dataset.quads.reserveCapacity(quadCount)
    }

    /// The slot of a term; a new blank node gets the next number (with no quads yet).
    @inline(__always)
    package mutating func intern(_ term: RDFTerm) -> Int32 {
        switch term {
        case .blankNode(let label):
            // One hash lookup: the default is stored when the label is new.
            let next = Int32(dataset.blankLabels.count)
            func value(_ stored: inout Int32) -> Int32 { stored }
            let id = value(&blankIndex[LabelKey(label: label), default: next])
            if id == next {
                dataset.blankLabels.append(label)
                dataset.blankQuads.append([])
            }
            return -1 - id
        case .iri(let iri):
            let next = Int32(dataset.termOffsets.count - 1)
            let slot = iris.value(for: iri) { next }
            if slot == next {
                NQuads.appendIRI(iri, to: &dataset.termBytes)
                dataset.termOffsets.append(dataset.termBytes.count)
            }
            return slot
        case .literal(let literal):
            // Each occurrence written: literals rarely repeat, and a lookup would read every byte.
            let slot = Int32(dataset.termOffsets.count - 1)
            NQuads.appendLiteral(literal, to: &dataset.termBytes)
            dataset.termOffsets.append(dataset.termBytes.count)
            return slot
        }
    }

    /// Adds a quad of interned slots that is not already there (an ``RDFDataset``'s quads are not repeated).
    @inline(__always)
    package mutating func append(_ quad: InternedQuad) {
        let index = Int32(dataset.quads.count)
        dataset.quads.append(quad)
        // A quad naming the same blank node twice is listed once (the spec adds a reference per blank
        // node, and rdf-canonize keeps a set); pyld 3.3 lists it twice and so differs on self-loops.
        @inline(__always) func mention(_ slot: Int32) {
            guard slot < 0 else { return }
            let id = Int(-1 - slot)
            if dataset.blankQuads[id].last != index { dataset.blankQuads[id].append(index) }
        }
        mention(quad.subject)
        mention(quad.predicate)
        mention(quad.object)
        if quad.graph != InternedQuad.noGraph { mention(quad.graph) }
    }

    /// Adds the quad unless an equal one is there. `fingerprint` is `QuadFingerprint.hash` of the quad (the
    /// producer has its terms' fingerprints); a long probe run switches the check to SipHash for good.
    @inline(__always)
    package mutating func insert(_ subject: RDFTerm, _ predicate: RDFTerm, _ object: RDFTerm, _ graph: RDFTerm?, fingerprint: Int) {
        let quad = InternedQuad(
            subject: intern(subject), predicate: intern(predicate), object: intern(object),
            graph: graph.map { intern($0) } ?? InternedQuad.noGraph)
        insert(quad, fingerprint: fingerprint)
    }

    /// ``insert(_:_:_:_:fingerprint:)`` of interned slots.
    package mutating func insert(_ quad: InternedQuad, fingerprint: Int) {
        if slotsNeeded(for: dataset.quads.count + 1) > table.count {
            rehash(minimumSlots: max(64, table.count * 2, table.isEmpty ? slotsNeeded(for: min(expectedQuads, 1 << 20)) : 0))
        }
        var hash = usesSipHash ? sipHash(quad) : fingerprint
        var probe = emptySlot(for: quad, hash: hash)
        if probe.run >= Self.longProbeRun && !usesSipHash {
            switchToSipHash()
            hash = sipHash(quad)
            probe = emptySlot(for: quad, hash: hash)
        }
        guard let slot = probe.slot else { return }
        append(quad)
        hashes.append(hash)
        table[slot] = Int32(truncatingIfNeeded: dataset.quads.count)
    }

    /// Internal, not private, so tests can take the path a collision attack forces.
    mutating func switchToSipHash() {
        usesSipHash = true
        hashes = dataset.quads.map { sipHash($0) }
        table = []
        rehash(minimumSlots: max(64, slotsNeeded(for: dataset.quads.count)))
    }

    @inline(__always)
    private func emptySlot(for quad: InternedQuad, hash: Int) -> (slot: Int?, run: Int) {
        probeSlots(table, hash: hash, hashes: hashes) { same(dataset.quads[$0], quad) }
    }

    private mutating func rehash(minimumSlots: Int) {
        table = openAddressedSlots(hashes: hashes, minimumSlots: minimumSlots, floor: 64, current: table.count)
    }

    /// Whether two quads are the same: canonical N-Quads is one-to-one, so equal bytes are equal terms.
    @inline(__always)
    private func same(_ lhs: InternedQuad, _ rhs: InternedQuad) -> Bool {
        sameTerm(lhs.subject, rhs.subject) && sameTerm(lhs.predicate, rhs.predicate) && sameTerm(lhs.object, rhs.object)
            && sameTerm(lhs.graph, rhs.graph)
    }

    @inline(__always)
    private func sameTerm(_ lhs: Int32, _ rhs: Int32) -> Bool {
        if lhs == rhs { return true }
        if lhs < 0 || rhs < 0 || lhs == InternedQuad.noGraph || rhs == InternedQuad.noGraph { return false }
        let offsets = dataset.termOffsets
        return dataset.termBytes.withUnsafeBufferPointer { bytes in
            let left = UnsafeBufferPointer(rebasing: bytes[offsets[Int(lhs)]..<offsets[Int(lhs) + 1]])
            let right = UnsafeBufferPointer(rebasing: bytes[offsets[Int(rhs)]..<offsets[Int(rhs) + 1]])
            return sameBytes(left, right)
        }
    }

    private func sipHash(_ quad: InternedQuad) -> Int {
        var hasher = Hasher()
        for slot in [quad.subject, quad.predicate, quad.object, quad.graph] {
            if slot < 0 || slot == InternedQuad.noGraph {
                hasher.combine(slot)
            } else {
                let range = dataset.termOffsets[Int(slot)]..<dataset.termOffsets[Int(slot) + 1]
                hasher.combine(range.count)
                dataset.termBytes.withUnsafeBytes { hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: $0[range])) }
            }
        }
        return hasher.finalize()
    }
}
