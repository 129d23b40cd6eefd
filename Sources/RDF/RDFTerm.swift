/// An RDF term as RDF 1.1 Concepts defines it.
///
/// IRIs and blank node labels are kept as plain strings (blank node labels without `_:`),
/// so that the N-Quads writer and the canonicalizer decide the escaping, not the producer.
public enum RDFTerm: Sendable, Hashable {
    case iri(String)
    case blankNode(String)
    // Boxed: a literal is three strings, and inline it would triple the size of every term and quad
    // (~217 bytes per quad), which the dataset and the canonicalizer copy around.
    indirect case literal(RDFLiteral)

    /// Whether this is a blank node.
    public var isBlankNode: Bool { if case .blankNode = self { return true } else { return false } }
    /// Whether this is an IRI.
    public var isIRI: Bool { if case .iri = self { return true } else { return false } }
    /// Whether this is a literal.
    public var isLiteral: Bool { if case .literal = self { return true } else { return false } }

    // RDF terms are equal when their strings have the same code points (RDF 1.1 Concepts §3.2), whereas Swift
    // `String` equality uses canonical equivalence ("é" == "e\u{301}"). Comparing UTF-8 bytes keeps two such
    // literals distinct, as every other RDF implementation does, and skips normalization in hashing.
    public static func == (lhs: RDFTerm, rhs: RDFTerm) -> Bool {
        switch (lhs, rhs) {
        case (.iri(let left), .iri(let right)): return sameCodePoints(left, right)
        case (.blankNode(let left), .blankNode(let right)): return sameCodePoints(left, right)
        case (.literal(let left), .literal(let right)): return left == right
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .iri(let iri): hasher.combine(0 as UInt8); hashCodePoints(iri, into: &hasher)
        case .blankNode(let label): hasher.combine(1 as UInt8); hashCodePoints(label, into: &hasher)
        case .literal(let literal): hasher.combine(2 as UInt8); literal.hash(into: &hasher)
        }
    }
}

/// Code point (UTF-8 byte) equality of two strings, not Swift's canonical equivalence.
@inline(__always)
func sameCodePoints(_ lhs: String, _ rhs: String) -> Bool {
    guard lhs.utf8.count == rhs.utf8.count else { return false }
    // `withUTF8` also serves small (inline) strings, which `withContiguousStorageIfAvailable` refuses,
    // sending blank node labels and short literals down a byte-at-a-time generic path.
    var left = lhs, right = rhs
    return left.withUTF8 { p in right.withUTF8 { q in sameBytes(p, q) } }
}

/// Byte equality of two buffers of the same length, eight bytes at a time: the dataset compares every quad whose hash
/// matches one it holds (the duplicates of a JSON-LD document, long literals among them), and `elementsEqual`'s
/// byte-at-a-time loop was 2 M of a sealed EDC's 50 M instructions.
@inline(__always)
func sameBytes(_ lhs: UnsafeBufferPointer<UInt8>, _ rhs: UnsafeBufferPointer<UInt8>) -> Bool {
    let count = lhs.count
    guard count == rhs.count else { return false }
    guard count > 0, let left = lhs.baseAddress, let right = rhs.baseAddress else { return true }
    if left == right { return true }
    var offset = 0
    while offset + 8 <= count {
        let leftWord = UnsafeRawPointer(left + offset).loadUnaligned(as: UInt64.self)
        if leftWord != UnsafeRawPointer(right + offset).loadUnaligned(as: UInt64.self) { return false }
        offset += 8
    }
    while offset < count {
        if left[offset] != right[offset] { return false }
        offset += 1
    }
    return true
}

/// Calls `body` with the string's UTF-8 bytes: in place when the string has them in contiguous storage, else
/// through a copy's `withUTF8` (a small string, stored inline, or a foreign one). `withUTF8` on a copy of a heap
/// string retains and releases it, which for the dataset's fingerprint was a third of its cost.
@inline(__always)
func withUTF8Bytes<Result>(_ string: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
    if let result = string.utf8.withContiguousStorageIfAvailable(body) { return result }
    var copy = string
    return copy.withUTF8(body)
}

/// Hashes the UTF-8 bytes (with the length, so adjacent fields cannot run together).
@inline(__always)
func hashCodePoints(_ string: String, into hasher: inout Hasher) {
    var text = string
    text.withUTF8 { bytes in
        hasher.combine(bytes.count)
        hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
    }
}

/// An RDF literal: a lexical form with a datatype IRI and, for `rdf:langString`, a language tag.
public struct RDFLiteral: Sendable, Hashable {
    /// The literal's string, unescaped.
    public var lexicalForm: String
    /// The datatype IRI (`xsd:string` for plain literals, `rdf:langString` with a language tag).
    public var datatype: String
    /// The language tag as written, or `nil`.
    public var language: String?

    /// A literal; `language` set implies `datatype` is `rdf:langString`.
    public init(_ lexicalForm: String, datatype: String = RDFVocabulary.xsdString, language: String? = nil) {
        self.lexicalForm = lexicalForm
        self.language = language
        self.datatype = language == nil ? datatype : RDFVocabulary.rdfLangString
    }

    /// Equal when lexical form, datatype and language have the same code points (see ``RDFTerm``).
    public static func == (lhs: RDFLiteral, rhs: RDFLiteral) -> Bool {
        guard sameCodePoints(lhs.lexicalForm, rhs.lexicalForm), sameCodePoints(lhs.datatype, rhs.datatype) else { return false }
        switch (lhs.language, rhs.language) {
        case (nil, nil): return true
        case (let left?, let right?): return sameCodePoints(left, right)
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        hashCodePoints(lexicalForm, into: &hasher)
        hashCodePoints(datatype, into: &hasher)
        if let language { hashCodePoints(language, into: &hasher) } else { hasher.combine(-1) }
    }
}

/// An RDF quad; `graph == nil` is the default graph.
public struct RDFQuad: Sendable, Hashable {
    public var subject: RDFTerm
    public var predicate: RDFTerm
    public var object: RDFTerm
    public var graph: RDFTerm?

    public init(subject: RDFTerm, predicate: RDFTerm, object: RDFTerm, graph: RDFTerm? = nil) {
        self.subject = subject
        self.predicate = predicate
        self.object = object
        self.graph = graph
    }
}

/// An RDF dataset: a set of quads kept in insertion order (duplicates are dropped).
///
/// The quads are stored once, in order; duplicate detection goes through an open-addressing
/// table of indexes into that array (with each quad's hash kept beside it), so an insertion
/// copies the quad once instead of also storing it in a hash set.
///
/// The table hashes with ``QuadFingerprint`` (a seeded folded multiply over eight bytes at a time) rather
/// than `Hasher`'s SipHash, which cost ~1,700 instructions per quad, a twelfth of a whole canonicalization.
/// Should a probe run ever grow long (a crafted set of colliding quads), the table switches to SipHash for
/// good, so no input can make insertion quadratic.
public struct RDFDataset: Sendable, Hashable {
    public private(set) var quads: [RDFQuad] = []
    /// `hashes[i]` is the table hash of `quads[i]`: compared before the quads, and reused when the table grows.
    private var hashes: [Int] = []
    /// Open addressing with linear probing; 0 is an empty slot, otherwise an index into `quads` plus one.
    /// The count is zero or a power of two, and stays at most half full (``slotsNeeded(for:)``).
    private var slots: [Int32] = []
    /// Whether the table hashes with SipHash (after a long probe run) instead of the fingerprint.
    private(set) var usesSipHash = false

    /// A probe run this long (expected length 2.5 at half load) means colliding input: switch to SipHash.
    private static let longProbeRun = 48

    public init() {}

    public init<S: Sequence>(_ quads: S) where S.Element == RDFQuad {
        reserveCapacity(quads.underestimatedCount)
        for quad in quads { insert(quad) }
    }

    /// A dataset of these quads in order, dropping repeats; takes the array as it is when it has none
    /// (the common case for a converter's output), so no quad is copied.
    public init(_ quads: [RDFQuad]) {
        self.init(quads, fingerprints: quads.map(QuadFingerprint.hash))
    }

    /// ``init(_:)`` for a producer that computed each quad's fingerprint as it wrote it
    /// (`fingerprints[i] == QuadFingerprint.hash(quads[i])`, from per-term fingerprints it already had),
    /// so the duplicate check reads no term's bytes again. A wrong fingerprint would let a repeat through:
    /// the producer's tests pin its fingerprints to ``QuadFingerprint/hash(_:)``.
    package init(_ quads: [RDFQuad], fingerprints: [Int]) {
        precondition(quads.count == fingerprints.count, "one fingerprint per quad")
        if slotsNeeded(for: quads.count) > slots.count { rehash(minimumSlots: slotsNeeded(for: quads.count)) }
        var firstRepeat: Int? = nil
        for index in quads.indices {
            // `quads[index]` against `quads[..<index]`, compared in place rather than copied out.
            let probe = probeSlots(slots, hash: fingerprints[index], hashes: fingerprints) { quads[$0] == quads[index] }
            guard let slot = probe.slot, probe.run < Self.longProbeRun else {
                firstRepeat = index
                break
            }
            slots[slot] = Int32(truncatingIfNeeded: index + 1)
        }
        if let index = firstRepeat {
            // A repeat or a long run: one insertion at a time from here (the table so far holds quads[..<index]).
            self.quads = Array(quads[..<index])
            self.hashes = Array(fingerprints[..<index])
            reserveCapacity(quads.count)
            for later in index..<quads.count { insert(quads[later], fingerprint: fingerprints[later]) }
            return
        }
        self.quads = quads
        self.hashes = fingerprints
    }

    /// Makes room for `minimumCapacity` quads without regrowing the index.
    public mutating func reserveCapacity(_ minimumCapacity: Int) {
        quads.reserveCapacity(minimumCapacity)
        hashes.reserveCapacity(minimumCapacity)
        if slotsNeeded(for: minimumCapacity) > slots.count { rehash(minimumSlots: slotsNeeded(for: minimumCapacity)) }
    }

    /// Adds a quad unless the dataset already has it.
    public mutating func insert(_ quad: RDFQuad) {
        insert(quad, fingerprint: usesSipHash ? 0 : QuadFingerprint.hash(quad))
    }

    /// ``insert(_:)`` with the quad's `QuadFingerprint.hash`, already known (ignored once the table uses SipHash).
    private mutating func insert(_ quad: RDFQuad, fingerprint: Int) {
        if slotsNeeded(for: quads.count + 1) > slots.count { rehash(minimumSlots: max(16, slots.count * 2)) }
        var hash = usesSipHash ? quad.hashValue : fingerprint
        var probe = emptySlot(for: quad, hash: hash)
        if probe.run >= Self.longProbeRun && !usesSipHash {
            switchToSipHash()
            hash = tableHash(quad)
            probe = emptySlot(for: quad, hash: hash)
        }
        guard let slot = probe.slot else { return }
        quads.append(quad)
        hashes.append(hash)
        slots[slot] = Int32(truncatingIfNeeded: quads.count)
    }

    /// Whether the dataset has this quad.
    public func contains(_ quad: RDFQuad) -> Bool {
        guard !slots.isEmpty else { return false }
        return emptySlot(for: quad, hash: tableHash(quad)).slot == nil
    }

    @inline(__always)
    private func tableHash(_ quad: RDFQuad) -> Int { usesSipHash ? quad.hashValue : QuadFingerprint.hash(quad) }

    /// The free slot where `quad` would go (nil when an equal quad is already there) and how many
    /// occupied slots were passed on the way.
    @inline(__always)
    private func emptySlot(for quad: RDFQuad, hash: Int) -> (slot: Int?, run: Int) {
        probeSlots(slots, hash: hash, hashes: hashes) { quads[$0] == quad }
    }

    /// Internal, not private, so tests can take the path a collision attack forces.
    mutating func switchToSipHash() {
        usesSipHash = true
        hashes = quads.map(\.hashValue)
        slots = []
        rehash(minimumSlots: max(16, slotsNeeded(for: quads.count)))
    }

    private mutating func rehash(minimumSlots: Int) {
        slots = openAddressedSlots(hashes: hashes, minimumSlots: minimumSlots, floor: 16, current: slots.count)
    }

    public var count: Int { quads.count }
    public var isEmpty: Bool { quads.isEmpty }

    /// Set equality: the same quads, in any order.
    public static func == (lhs: RDFDataset, rhs: RDFDataset) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return lhs.quads.allSatisfy(rhs.contains)
    }

    public func hash(into hasher: inout Hasher) {
        // Order-independent, as equality is; from `Hasher`, since two equal datasets may hash their tables
        // differently (one may have switched to SipHash).
        hasher.combine(quads.count)
        hasher.combine(quads.reduce(0) { $0 &+ $1.hashValue })
    }
}

/// A linear probe of an open-addressed table as ``openAddressedSlots(hashes:minimumSlots:floor:current:)`` builds it:
/// the free slot for an entry of `hash` (nil when `isEntry(position)` finds it already there, checked only where the
/// stored hash is equal) and how many occupied slots were passed, which callers watch for a collision attack.
@inline(__always)
func probeSlots(_ slots: [Int32], hash: Int, hashes: [Int], isEntry: (Int) -> Bool) -> (slot: Int?, run: Int) {
    let mask = slots.count - 1
    var slot = hash & mask
    var run = 0
    while true {
        let entry = Int(slots[slot])
        if entry == 0 { return (slot, run) }
        if hashes[entry - 1] == hash && isEntry(entry - 1) { return (nil, run) }
        slot = (slot + 1) & mask
        run += 1
    }
}

/// The slots an open-addressed table of ``RDFDataset`` or ``TermInterner`` needs for `count` entries: it stays at most
/// half full. At 3/4, linear probing met a probe run of 48 slots, which both take for a collision attack and answer
/// by hashing every quad with SipHash from then on, in about one honest dataset in seven.
@inline(__always)
func slotsNeeded(for count: Int) -> Int { count * 2 }

/// The slots of an open-addressed table over `hashes`, as ``RDFDataset`` and ``TermInterner`` index their quads: slot
/// value = the quad's position + 1 (0 is empty), linear probing, a power of two of at least `minimumSlots` slots and
/// never fewer than `floor` or the `current` table's (a table only grows).
func openAddressedSlots(hashes: [Int], minimumSlots: Int, floor: Int, current: Int) -> [Int32] {
    var size = max(floor, current)
    while size < minimumSlots { size *= 2 }
    var table = [Int32](repeating: 0, count: size)
    let mask = size - 1
    for (index, hash) in hashes.enumerated() {
        var slot = hash & mask
        while table[slot] != 0 { slot = (slot + 1) & mask }
        table[slot] = Int32(truncatingIfNeeded: index + 1)
    }
    return table
}

/// A fast hash of a quad's code points, for ``RDFDataset``'s duplicate check only (never stored or sent).
///
/// foldhash's construction: each eight bytes are mixed in by a 64×64→128-bit multiply whose halves are
/// XORed, starting from a seed drawn once per process, so hashes cannot be predicted from outside.
/// It is not meant to resist an attacker who can observe timings; the dataset's switch to SipHash on a
/// long probe run is what bounds a collision attack.
///
/// A quad's hash combines a 30-bit fingerprint of each term, so a producer that meets the same IRI on many
/// quads (the JSON-LD converter, through its memo of IRI kinds) computes the IRI's fingerprint once and the
/// quad's hash from four numbers.
package enum QuadFingerprint {
    private static let seed = UInt64.random(in: .min ... .max)
    private static let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
    /// Stands for the default graph: term fingerprints have 30 bits, so no term has it.
    private static let noGraph: UInt64 = 0xFFFF_FFFF

    @inline(__always)
    private static func fold(_ value: UInt64, _ other: UInt64) -> UInt64 {
        let product = value.multipliedFullWidth(by: other)
        return product.high ^ product.low
    }

    /// The quad's hash: ``combine(_:_:_:_:)`` of its terms' fingerprints.
    @inline(__always)
    package static func hash(_ quad: RDFQuad) -> Int {
        combine(term(quad.subject), term(quad.predicate), term(quad.object), quad.graph.map(term))
    }

    /// A quad's hash from its terms' fingerprints (`graph` nil for the default graph).
    @inline(__always)
    package static func combine(_ subject: UInt32, _ predicate: UInt32, _ object: UInt32, _ graph: UInt32?) -> Int {
        let first = UInt64(subject) << 32 | UInt64(predicate)
        let second = UInt64(object) << 32 | (graph.map { UInt64($0) } ?? noGraph)
        return Int(truncatingIfNeeded: fold(fold(first ^ seed, second ^ multiplier), multiplier))
    }

    /// A term's 30-bit fingerprint.
    package static func term(_ term: RDFTerm) -> UInt32 {
        switch term {
        case .iri(let iri): return self.iri(iri)
        case .blankNode(let label): return blankNode(label)
        case .literal(let literal): return self.literal(literal)
        }
    }

    /// ``term(_:)`` of `.iri(iri)`.
    package static func iri(_ iri: String) -> UInt32 {
        var state = seed
        mix(iri, tag: 1, into: &state)
        return finish(state)
    }

    /// ``term(_:)`` of `.blankNode(label)`.
    package static func blankNode(_ label: String) -> UInt32 {
        var state = seed
        mix(label, tag: 2, into: &state)
        return finish(state)
    }

    /// ``term(_:)`` of `.literal(literal)`.
    package static func literal(_ literal: RDFLiteral) -> UInt32 {
        self.literal(literal.lexicalForm, datatype: iri(literal.datatype), language: literal.language)
    }

    /// ``literal(_:)`` of a literal whose datatype IRI's fingerprint (``iri(_:)``) the caller already has: a
    /// credential's literals have a handful of datatypes, each remembered once.
    package static func literal(_ lexicalForm: String, datatype: UInt32, language: String?) -> UInt32 {
        var state = seed ^ UInt64(datatype) << 24
        mix(lexicalForm, tag: 3, into: &state)
        if let language { mix(language, tag: 5, into: &state) }
        return finish(state)
    }

    @inline(__always)
    private static func finish(_ state: UInt64) -> UInt32 {
        UInt32(truncatingIfNeeded: fold(state, multiplier) >> 34)
    }

    /// Mixes the tag and length (so adjacent strings cannot run together), then the bytes.
    @inline(__always)
    private static func mix(_ string: String, tag: UInt64, into state: inout UInt64) {
        withUTF8Bytes(string) { bytes in
            var value = fold(state ^ (tag << 56 | UInt64(bytes.count)), multiplier)
            guard let base = bytes.baseAddress else {
                state = value
                return
            }
            let raw = UnsafeRawPointer(base)
            let count = bytes.count
            var offset = 0
            while offset + 8 <= count {
                value = fold(value ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self), multiplier)
                offset += 8
            }
            if offset < count {
                var tail: UInt64 = 0
                if count >= 8 {
                    // The last eight bytes, overlapping the words already mixed: one load, not a byte loop.
                    tail = raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
                } else {
                    var shift: UInt64 = 0
                    while offset < count {
                        tail |= UInt64(bytes[offset]) << shift
                        shift += 8
                        offset += 1
                    }
                }
                value = fold(value ^ tail, multiplier)
            }
            state = value
        }
    }
}

/// IRIs the RDF and JSON-LD algorithms refer to.
public enum RDFVocabulary {
    public static let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    public static let xsd = "http://www.w3.org/2001/XMLSchema#"
    public static let rdfType = rdf + "type"
    public static let rdfFirst = rdf + "first"
    public static let rdfRest = rdf + "rest"
    public static let rdfNil = rdf + "nil"
    public static let rdfValue = rdf + "value"
    public static let rdfLanguage = rdf + "language"
    public static let rdfDirection = rdf + "direction"
    public static let rdfJSON = rdf + "JSON"
    public static let rdfLangString = rdf + "langString"
    public static let xsdString = xsd + "string"
    public static let xsdBoolean = xsd + "boolean"
    public static let xsdInteger = xsd + "integer"
    public static let xsdDouble = xsd + "double"
}
