import Crypto
import RDF

/// One quad with interned terms: a value ≥ 0 indexes `terms` (pre-serialized IRIs and literals),
/// a value < 0 is blank node `-1 - value`, and `noGraph` marks the default graph.
struct InternedQuad {
    var s: Int32
    var p: Int32
    var o: Int32
    var g: Int32
}

let noGraph = Int32.max

@inline(__always) func isBlank(_ slot: Int32) -> Bool { slot < 0 }
@inline(__always) func blankID(_ slot: Int32) -> Int32 { -1 - slot }

/// A SHA-256 or SHA-384 digest held inline (no allocation), ordered like its lower-case hex form.
///
/// Big-endian words compare like the digest bytes, and hex digits keep byte order, so sorting these
/// sorts the hex strings RDFC-1.0 sorts in code point order.
struct HashValue: Hashable, Comparable {
    var w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0, w3: UInt64 = 0, w4: UInt64 = 0, w5: UInt64 = 0
    var byteCount: Int = 0

    init(_ raw: UnsafeRawBufferPointer) {
        byteCount = raw.count
        func word(_ k: Int) -> UInt64 {
            guard k * 8 < raw.count else { return 0 }
            return UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: k * 8, as: UInt64.self))
        }
        w0 = word(0); w1 = word(1); w2 = word(2); w3 = word(3); w4 = word(4); w5 = word(5)
    }

    static func < (a: HashValue, b: HashValue) -> Bool {
        if a.w0 != b.w0 { return a.w0 < b.w0 }
        if a.w1 != b.w1 { return a.w1 < b.w1 }
        if a.w2 != b.w2 { return a.w2 < b.w2 }
        if a.w3 != b.w3 { return a.w3 < b.w3 }
        if a.w4 != b.w4 { return a.w4 < b.w4 }
        return a.w5 < b.w5
    }

    /// Appends the lower-case hex form.
    func appendHex(to out: inout [UInt8]) {
        @inline(__always) func word(_ w: UInt64) {
            var shift: UInt64 = 64
            while shift > 0 {
                shift -= 4
                let nibble = UInt8(truncatingIfNeeded: (w >> shift) & 0xF)
                out.append(nibble < 10 ? 0x30 + nibble : 0x57 + nibble)
            }
        }
        word(w0); word(w1); word(w2); word(w3)
        if byteCount > 32 { word(w4); word(w5) }
    }
}

/// The temporary identifier issuer of RDFC-1.0 §4.5 (prefix `b`).
///
/// Copied for every permutation tried, so it is one small array (issue order, the issued number is the
/// index) searched linearly while short; a dictionary index is added only once it grows.
struct TemporaryIssuer {
    private(set) var order: [Int32] = []
    private var index: [Int32: Int32]? = nil
    private static let indexThreshold = 24

    /// The number of `node`'s `b` label, if one was issued.
    @inline(__always) func issued(_ node: Int32) -> Int32? {
        if let index { return index[node] }
        var k = 0
        let count = order.count
        while k < count {
            if order[k] == node { return Int32(k) }
            k += 1
        }
        return nil
    }

    /// Issues (or returns) the number of `node`'s `b` label.
    @inline(__always) mutating func issue(_ node: Int32) -> Int32 {
        if let existing = issued(node) { return existing }
        let number = Int32(order.count)
        order.append(node)
        if index != nil {
            index![node] = number
        } else if order.count > Self.indexThreshold {
            var built: [Int32: Int32] = [:]
            for (k, n) in order.enumerated() { built[n] = Int32(k) }
            index = built
        }
        return number
    }
}

/// The canonicalization state of RDFC-1.0 §4.3, over integer blank node ids and pre-serialized terms.
struct CanonicalizationState {
    let algorithm: HashAlgorithm
    let limits: CanonicalizationLimits
    /// Canonical N-Quads bytes of every distinct IRI and literal.
    var terms: [[UInt8]] = []
    var quads: [InternedQuad] = []
    /// Input label of each blank node id, ids given in order of first appearance.
    var blankLabels: [String] = []
    /// Blank node to quads map (§4.4.3 step 2): quad indexes mentioning each blank node, in input order.
    var blankQuads: [[Int32]] = []
    /// First-degree hash of each blank node.
    var firstDegree: [HashValue] = []
    /// Reused for Hash Related Blank Node inputs.
    var scratch: [UInt8] = []
    /// Canonical issuer (§4.5, prefix `c14n`): number issued to each blank node, or -1.
    var canonical: [Int32] = []
    var canonicalOrder: [Int32] = []

    var callsTotal = 0
    var callsForCurrentNode = 0
    var permutationsTotal = 0
    var maxCallsForOneNode = 0

    init(dataset: RDFDataset, algorithm: HashAlgorithm, limits: CanonicalizationLimits) {
        self.algorithm = algorithm
        self.limits = limits
        var termIndex: [RDFTerm: Int32] = [:]
        var blankIndex: [String: Int32] = [:]
        quads.reserveCapacity(dataset.count)

        func intern(_ term: RDFTerm, quad: Int32) -> Int32 {
            if case .blankNode(let label) = term {
                let id: Int32
                if let existing = blankIndex[label] {
                    id = existing
                } else {
                    id = Int32(blankLabels.count)
                    blankIndex[label] = id
                    blankLabels.append(label)
                    blankQuads.append([])
                }
                // A quad naming the same blank node twice is listed once.
                if blankQuads[Int(id)].last != quad { blankQuads[Int(id)].append(quad) }
                return -1 - id
            }
            if let existing = termIndex[term] { return existing }
            let index = Int32(terms.count)
            var bytes: [UInt8] = []
            NQuads.append(term, to: &bytes)
            terms.append(bytes)
            termIndex[term] = index
            return index
        }

        for quad in dataset.quads {
            let q = Int32(quads.count)
            let s = intern(quad.subject, quad: q)
            let p = intern(quad.predicate, quad: q)
            let o = intern(quad.object, quad: q)
            let g = quad.graph.map { intern($0, quad: q) } ?? noGraph
            quads.append(InternedQuad(s: s, p: p, o: o, g: g))
        }
        canonical = Array(repeating: -1, count: blankLabels.count)
    }

    // MARK: hashing

    func digest(_ parts: [[UInt8]]) -> HashValue {
        switch algorithm {
        case .sha256:
            var h = SHA256()
            for part in parts { part.withUnsafeBytes { h.update(bufferPointer: $0) } }
            return h.finalize().withUnsafeBytes { HashValue($0) }
        case .sha384:
            var h = SHA384()
            for part in parts { part.withUnsafeBytes { h.update(bufferPointer: $0) } }
            return h.finalize().withUnsafeBytes { HashValue($0) }
        }
    }

    func digest(_ bytes: [UInt8]) -> HashValue {
        switch algorithm {
        case .sha256:
            var h = SHA256()
            bytes.withUnsafeBytes { h.update(bufferPointer: $0) }
            return h.finalize().withUnsafeBytes { HashValue($0) }
        case .sha384:
            var h = SHA384()
            bytes.withUnsafeBytes { h.update(bufferPointer: $0) }
            return h.finalize().withUnsafeBytes { HashValue($0) }
        }
    }

    // MARK: serialization

    @inline(__always) func appendNumber(_ n: Int32, to out: inout [UInt8]) {
        if n >= 10 { appendNumber(n / 10, to: &out) }
        out.append(0x30 + UInt8(n % 10))
    }

    /// `_:c14nN`
    @inline(__always) func appendCanonicalLabel(_ number: Int32, to out: inout [UInt8]) {
        out.append(contentsOf: [0x5F, 0x3A, 0x63, 0x31, 0x34, 0x6E])
        appendNumber(number, to: &out)
    }

    /// `_:bN`
    @inline(__always) func appendTemporaryLabel(_ number: Int32, to out: inout [UInt8]) {
        out.append(contentsOf: [0x5F, 0x3A, 0x62])
        appendNumber(number, to: &out)
    }

    /// Serializes `quad` with each blank node written by `label`.
    func appendQuad(_ quad: InternedQuad, to out: inout [UInt8], label: (Int32, inout [UInt8]) -> Void) {
        @inline(__always) func term(_ slot: Int32) {
            if isBlank(slot) { label(blankID(slot), &out) } else { out.append(contentsOf: terms[Int(slot)]) }
        }
        term(quad.s)
        out.append(0x20)
        term(quad.p)
        out.append(0x20)
        term(quad.o)
        if quad.g != noGraph {
            out.append(0x20)
            term(quad.g)
        }
        out.append(contentsOf: [0x20, 0x2E, 0x0A])
    }

    /// Hash First Degree Quads (§4.6.3): `_:a` for the reference node, `_:z` for any other blank node.
    func hashFirstDegree(_ node: Int32) -> HashValue {
        var lines: [[UInt8]] = []
        lines.reserveCapacity(blankQuads[Int(node)].count)
        for q in blankQuads[Int(node)] {
            var line: [UInt8] = []
            line.reserveCapacity(128)
            appendQuad(quads[Int(q)], to: &line) { id, out in
                out.append(contentsOf: [0x5F, 0x3A, id == node ? 0x61 : 0x7A])
            }
            lines.append(line)
        }
        lines.sort { $0.lexicographicallyPrecedes($1) }
        return digest(lines)
    }

    /// Hash Related Blank Node (§4.7.3).
    mutating func hashRelated(_ related: Int32, quad: InternedQuad, issuer: TemporaryIssuer, position: UInt8) -> HashValue {
        var input = scratch
        scratch = []
        input.removeAll(keepingCapacity: true)
        input.append(position)
        if position != 0x67 {  // 'g'
            // The predicate is always an IRI, already serialized as `<iri>`.
            input.append(contentsOf: terms[Int(quad.p)])
        }
        let c = canonical[Int(related)]
        // Issued identifiers enter the hash as blank node labels (`_:c14n0`, `_:b0`), as the suite requires.
        if c >= 0 {
            appendCanonicalLabel(c, to: &input)
        } else if let t = issuer.issued(related) {
            appendTemporaryLabel(t, to: &input)
        } else {
            firstDegree[Int(related)].appendHex(to: &input)
        }
        let hash = digest(input)
        scratch = input
        return hash
    }

    // MARK: Hash N-Degree Quads (§4.8.3)

    func limitError(_ what: String) -> CanonicalizationError {
        CanonicalizationError(code: .workLimitExceeded,
                              message: "RDFC-1.0 work limit reached: \(what); the dataset has too many "
                                  + "indistinguishable blank nodes (a poison graph?)")
    }

    /// Whether `path` can no longer become the chosen path (§4.8.3 steps 5.4.4.3 and 5.4.5.5).
    @inline(__always) func cannotWin(_ path: [UInt8], _ chosen: [UInt8]?) -> Bool {
        guard let chosen, !chosen.isEmpty else { return false }
        return path.count >= chosen.count && chosen.lexicographicallyPrecedes(path)
    }

    /// Returns the N-degree hash of `identifier`; `issuer` is updated to the spec's returned issuer.
    mutating func hashNDegree(_ identifier: Int32, issuer: inout TemporaryIssuer) throws(CanonicalizationError) -> HashValue {
        callsTotal += 1
        callsForCurrentNode += 1
        if callsForCurrentNode > limits.maxNDegreeCallsPerBlankNode {
            throw limitError("more than \(limits.maxNDegreeCallsPerBlankNode) calls of Hash N-Degree Quads for one blank node")
        }
        if callsTotal > limits.maxNDegreeCallsTotal {
            throw limitError("more than \(limits.maxNDegreeCallsTotal) calls of Hash N-Degree Quads in total")
        }

        // Steps 1–3: related blank nodes grouped by their related hash.
        var groups: [HashValue: [Int32]] = [:]
        for q in blankQuads[Int(identifier)] {
            let quad = quads[Int(q)]
            // quad.g is never blank for the default graph (noGraph is positive).
            if isBlank(quad.s) && blankID(quad.s) != identifier {
                groups[hashRelated(blankID(quad.s), quad: quad, issuer: issuer, position: 0x73), default: []].append(blankID(quad.s))
            }
            if isBlank(quad.o) && blankID(quad.o) != identifier {
                groups[hashRelated(blankID(quad.o), quad: quad, issuer: issuer, position: 0x6F), default: []].append(blankID(quad.o))
            }
            if isBlank(quad.g) && blankID(quad.g) != identifier {
                groups[hashRelated(blankID(quad.g), quad: quad, issuer: issuer, position: 0x67), default: []].append(blankID(quad.g))
            }
        }

        var dataToHash: [UInt8] = []
        dataToHash.reserveCapacity(groups.count * 160)
        for hash in groups.keys.sorted() {
            hash.appendHex(to: &dataToHash)
            var chosenPath: [UInt8]? = nil
            var chosenIssuer = issuer
            // Permutations in lexicographic order of the input labels, starting from the sorted list.
            var permutation = groups[hash]!.sorted { blankLabels[Int($0)] < blankLabels[Int($1)] }
            repeat {
                permutationsTotal += 1
                if permutationsTotal > limits.maxPermutationsTotal {
                    throw limitError("more than \(limits.maxPermutationsTotal) blank node permutations tried")
                }
                var issuerCopy = issuer
                var path: [UInt8] = []
                var recursionList: [Int32] = []
                var skip = false
                for related in permutation {
                    let c = canonical[Int(related)]
                    if c >= 0 {
                        appendCanonicalLabel(c, to: &path)
                    } else {
                        if issuerCopy.issued(related) == nil { recursionList.append(related) }
                        appendTemporaryLabel(issuerCopy.issue(related), to: &path)
                    }
                    if cannotWin(path, chosenPath) { skip = true; break }
                }
                if !skip {
                    for related in recursionList {
                        let result = try hashNDegree(related, issuer: &issuerCopy)
                        appendTemporaryLabel(issuerCopy.issue(related), to: &path)
                        path.append(0x3C)
                        result.appendHex(to: &path)
                        path.append(0x3E)
                        if cannotWin(path, chosenPath) { skip = true; break }
                    }
                }
                if !skip, chosenPath == nil || chosenPath!.isEmpty || path.lexicographicallyPrecedes(chosenPath!) {
                    chosenPath = path
                    chosenIssuer = issuerCopy
                }
            } while nextPermutation(&permutation)
            dataToHash.append(contentsOf: chosenPath ?? [])
            issuer = chosenIssuer
        }
        return digest(dataToHash)
    }

    /// Advances to the next permutation in lexicographic order of input labels; false after the last one.
    func nextPermutation(_ a: inout [Int32]) -> Bool {
        guard a.count > 1 else { return false }
        @inline(__always) func less(_ x: Int32, _ y: Int32) -> Bool { blankLabels[Int(x)] < blankLabels[Int(y)] }
        var i = a.count - 2
        while i >= 0 && !less(a[i], a[i + 1]) { i -= 1 }
        if i < 0 { return false }
        var j = a.count - 1
        while !less(a[i], a[j]) { j -= 1 }
        a.swapAt(i, j)
        a[(i + 1)...].reverse()
        return true
    }

    // MARK: the algorithm (§4.4.3)

    mutating func issueCanonical(_ node: Int32) {
        guard canonical[Int(node)] < 0 else { return }
        canonical[Int(node)] = Int32(canonicalOrder.count)
        canonicalOrder.append(node)
    }

    mutating func run() throws(CanonicalizationError) {
        let count = blankLabels.count
        // Step 3: first-degree hashes, grouped; group order follows first appearance of the nodes.
        firstDegree.reserveCapacity(count)
        var byHash: [HashValue: [Int32]] = [:]
        for node in 0..<Int32(count) {
            let hash = hashFirstDegree(node)
            firstDegree.append(hash)
            byHash[hash, default: []].append(node)
        }
        let sortedHashes = byHash.keys.sorted()
        // Step 4: nodes with a unique first-degree hash get canonical labels in hash order.
        var shared: [[Int32]] = []
        for hash in sortedHashes {
            let nodes = byHash[hash]!
            if nodes.count == 1 { issueCanonical(nodes[0]) } else { shared.append(nodes) }
        }
        // Step 5: the rest, by N-degree hash.
        for nodes in shared {
            var results: [(hash: HashValue, issuer: TemporaryIssuer)] = []
            for node in nodes where canonical[Int(node)] < 0 {
                var issuer = TemporaryIssuer()
                _ = issuer.issue(node)
                callsForCurrentNode = 0
                let hash = try hashNDegree(node, issuer: &issuer)
                maxCallsForOneNode = max(maxCallsForOneNode, callsForCurrentNode)
                results.append((hash, issuer))
            }
            // Stable sort: equal hashes keep the order of first appearance.
            let ordered = results.enumerated().sorted { a, b in
                if a.element.hash == b.element.hash { return a.offset < b.offset }
                return a.element.hash < b.element.hash
            }
            for (_, result) in ordered {
                for node in result.issuer.order { issueCanonical(node) }
            }
        }
    }

    func result(dataset: RDFDataset) -> CanonicalizedDataset {
        var lines: [(line: [UInt8], quad: Int)] = []
        lines.reserveCapacity(quads.count)
        for (index, quad) in quads.enumerated() {
            var line: [UInt8] = []
            line.reserveCapacity(128)
            appendQuad(quad, to: &line) { id, out in appendCanonicalLabel(canonical[Int(id)], to: &out) }
            lines.append((line, index))
        }
        lines.sort { $0.line.lexicographicallyPrecedes($1.line) }
        var document: [UInt8] = []
        document.reserveCapacity(lines.reduce(0) { $0 + $1.line.count })
        for entry in lines { document.append(contentsOf: entry.line) }

        let labels = canonical.map { "c14n\($0)" }
        func relabel(_ term: RDFTerm, _ slot: Int32) -> RDFTerm {
            isBlank(slot) ? .blankNode(labels[Int(blankID(slot))]) : term
        }
        let source = dataset.quads
        let relabelled = lines.map { entry -> RDFQuad in
            let original = source[entry.quad]
            let slots = quads[entry.quad]
            return RDFQuad(subject: relabel(original.subject, slots.s), predicate: original.predicate,
                           object: relabel(original.object, slots.o),
                           graph: original.graph.map { relabel($0, slots.g) })
        }
        var map: [String: String] = [:]
        map.reserveCapacity(blankLabels.count)
        for (id, label) in blankLabels.enumerated() { map[label] = labels[id] }
        return CanonicalizedDataset(
            nquads: String(decoding: document, as: UTF8.self),
            quads: relabelled,
            issuedIdentifiers: map,
            issueOrder: canonicalOrder.map { blankLabels[Int($0)] },
            work: CanonicalizationWork(nDegreeCalls: callsTotal, maxNDegreeCallsForOneBlankNode: maxCallsForOneNode,
                                       permutations: permutationsTotal))
    }
}
