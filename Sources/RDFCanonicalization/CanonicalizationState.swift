import Crypto
import RDF

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Lines written back to back into one buffer, sorted by code point without a per-line allocation.
struct LineBuffer {
    var bytes: [UInt8] = []
    var starts: [Int] = []

    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
    }

    /// Marks the start of a new line; write its bytes to `bytes` next.
    mutating func beginLine() { starts.append(bytes.count) }

    /// Line indexes in code point (UTF-8 byte) order.
    ///
    /// Each line's first eight bytes are read once as a big-endian integer (zero-padded), so a comparison of
    /// lines that differ there, the most common case, is one integer comparison; only lines with the same
    /// eight bytes are compared with `memcmp`, from their start.
    func sortedOrder() -> [Int] {
        let count = starts.count
        var order = Array(0..<count)
        guard count > 1 else { return order }
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var bounds: [(start: Int, end: Int, key: UInt64)] = []
            bounds.reserveCapacity(count)
            for line in 0..<count {
                let start = starts[line], end = line + 1 < count ? starts[line + 1] : buffer.count
                var key: UInt64 = 0
                if end - start >= 8 {
                    key = UInt64(bigEndian: UnsafeRawPointer(base + start).loadUnaligned(as: UInt64.self))
                } else {
                    for offset in 0..<8 { key = key << 8 | (start + offset < end ? UInt64(base[start + offset]) : 0) }
                }
                bounds.append((start, end, key))
            }
            bounds.withUnsafeBufferPointer { bounds in
                order.withUnsafeMutableBufferPointer { order in
                    order.sort { a, b in
                        let left = bounds[a], right = bounds[b]
                        if left.key != right.key { return left.key < right.key }
                        let leftCount = left.end - left.start, rightCount = right.end - right.start
                        let compared = memcmp(base + left.start, base + right.start, min(leftCount, rightCount))
                        return compared != 0 ? compared < 0 : leftCount < rightCount
                    }
                }
            }
        }
        return order
    }

    func line(_ index: Int) -> Range<Int> { starts[index]..<(index + 1 < starts.count ? starts[index + 1] : bytes.count) }
}

let noGraph = InternedQuad.noGraph

@inline(__always) func isBlank(_ slot: Int32) -> Bool { slot < 0 }

/// Appends the decimal digits of a non-negative number.
func appendDecimal(_ number: Int32, to out: inout [UInt8]) {
    if number >= 10 { appendDecimal(number / 10, to: &out) }
    out.append(0x30 + UInt8(number % 10))
}
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
        func word(_ index: Int) -> UInt64 {
            guard index * 8 < raw.count else { return 0 }
            return UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
        }
        w0 = word(0); w1 = word(1); w2 = word(2); w3 = word(3); w4 = word(4); w5 = word(5)
    }

    static func < (lhs: HashValue, rhs: HashValue) -> Bool {
        if lhs.w0 != rhs.w0 { return lhs.w0 < rhs.w0 }
        if lhs.w1 != rhs.w1 { return lhs.w1 < rhs.w1 }
        if lhs.w2 != rhs.w2 { return lhs.w2 < rhs.w2 }
        if lhs.w3 != rhs.w3 { return lhs.w3 < rhs.w3 }
        if lhs.w4 != rhs.w4 { return lhs.w4 < rhs.w4 }
        return lhs.w5 < rhs.w5
    }

    /// Appends the lower-case hex form.
    func appendHex(to out: inout [UInt8]) {
        @inline(__always) func word(_ value: UInt64) {
            var shift: UInt64 = 64
            while shift > 0 {
                shift -= 4
                let nibble = UInt8(truncatingIfNeeded: (value >> shift) & 0xF)
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
        var position = 0
        let count = order.count
        while position < count {
            if order[position] == node { return Int32(position) }
            position += 1
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
            for (issued, node) in order.enumerated() { built[node] = Int32(issued) }
            index = built
        }
        return number
    }
}

/// The canonicalization state of RDFC-1.0 §4.3, over integer blank node ids and pre-serialized terms.
struct CanonicalizationState {
    let algorithm: HashAlgorithm
    let limits: CanonicalizationLimits
    /// Canonical N-Quads bytes of IRIs and literals, back to back in one buffer (term k is
    /// `termBytes[termOffsets[k]..<termOffsets[k + 1]]`). An IRI met again is found in a ``StringMemo`` and
    /// shares its slot (slots are only positions in this buffer: nothing compares them); literals are written
    /// at each occurrence.
    var termBytes: [UInt8] = []
    var termOffsets: [Int] = [0]
    var quads: [InternedQuad] = []
    /// Input label of each blank node id, ids given in order of first appearance.
    var blankLabels: [String] = []
    /// Blank node to quads map (§4.4.3 step 2): quad indexes mentioning each blank node, in input order.
    var blankQuads: [[Int32]] = []
    /// First-degree hash of each blank node.
    var firstDegree: [HashValue] = []
    /// Reused for Hash Related Blank Node inputs.
    var scratch: [UInt8] = []
    /// Reused for Hash First Degree Quads lines.
    var lineScratch = LineBuffer()
    /// Canonical issuer (§4.5, prefix `c14n`): number issued to each blank node, or -1.
    var canonical: [Int32] = []
    var canonicalOrder: [Int32] = []

    var callsTotal = 0
    var recursiveCalls = 0
    var callsForCurrentNode = 0
    var permutationsTotal = 0
    var maxCallsForOneNode = 0

    init(dataset: RDFDataset, algorithm: HashAlgorithm, limits: CanonicalizationLimits) {
        var interner = TermInterner(quadCount: dataset.count)
        // Through the buffer, so no quad or term is copied (a retain and release per string) to be interned.
        dataset.quads.withUnsafeBufferPointer { source in
            for index in source.indices {
                let subject = interner.intern(source[index].subject)
                let predicate = interner.intern(source[index].predicate)
                let object = interner.intern(source[index].object)
                var graph = noGraph
                if source[index].graph != nil { graph = interner.intern(source[index].graph!) }
                interner.append(InternedQuad(subject: subject, predicate: predicate, object: object, graph: graph))
            }
        }
        self.init(interned: interner.dataset, algorithm: algorithm, limits: limits)
    }

    init(interned: InternedDataset, algorithm: HashAlgorithm, limits: CanonicalizationLimits) {
        self.algorithm = algorithm
        self.limits = limits
        termBytes = interned.termBytes
        termOffsets = interned.termOffsets
        quads = interned.quads
        blankLabels = interned.blankLabels
        blankQuads = interned.blankQuads
        canonical = Array(repeating: -1, count: blankLabels.count)
    }

    // MARK: hashing

    func digest(_ parts: [[UInt8]]) -> HashValue {
        switch algorithm {
        case .sha256:
            var hasher = SHA256()
            for part in parts { part.withUnsafeBytes { hasher.update(bufferPointer: $0) } }
            return hasher.finalize().withUnsafeBytes { HashValue($0) }
        case .sha384:
            var hasher = SHA384()
            for part in parts { part.withUnsafeBytes { hasher.update(bufferPointer: $0) } }
            return hasher.finalize().withUnsafeBytes { HashValue($0) }
        }
    }

    func digest(_ bytes: [UInt8]) -> HashValue {
        switch algorithm {
        case .sha256:
            var hasher = SHA256()
            bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) }
            return hasher.finalize().withUnsafeBytes { HashValue($0) }
        case .sha384:
            var hasher = SHA384()
            bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) }
            return hasher.finalize().withUnsafeBytes { HashValue($0) }
        }
    }

    // MARK: serialization

    @inline(__always) func appendNumber(_ number: Int32, to out: inout [UInt8]) { appendDecimal(number, to: &out) }

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

    @inline(__always) func appendTerm(_ slot: Int32, to out: inout [UInt8]) {
        let range = termOffsets[Int(slot)]..<termOffsets[Int(slot) + 1]
        termBytes.withUnsafeBufferPointer { out.append(contentsOf: UnsafeBufferPointer(rebasing: $0[range])) }
    }

    /// Serializes `quad` with each blank node written by `label`.
    func appendQuad(_ quad: InternedQuad, to out: inout [UInt8], label: (Int32, inout [UInt8]) -> Void) {
        @inline(__always) func term(_ slot: Int32) {
            if isBlank(slot) { label(blankID(slot), &out) } else { appendTerm(slot, to: &out) }
        }
        term(quad.subject)
        out.append(0x20)
        term(quad.predicate)
        out.append(0x20)
        term(quad.object)
        if quad.graph != noGraph {
            out.append(0x20)
            term(quad.graph)
        }
        out.append(contentsOf: [0x20, 0x2E, 0x0A])
    }

    /// Hash First Degree Quads (§4.6.3): `_:a` for the reference node, `_:z` for any other blank node.
    mutating func hashFirstDegree(_ node: Int32) -> HashValue {
        var lines = lineScratch
        lineScratch = LineBuffer()
        lines.removeAll()
        for quadIndex in blankQuads[Int(node)] {
            lines.beginLine()
            appendQuad(quads[Int(quadIndex)], to: &lines.bytes) { id, out in
                out.append(0x5F); out.append(0x3A); out.append(id == node ? 0x61 : 0x7A)
            }
        }
        let order = lines.sortedOrder()
        let hash: HashValue
        switch algorithm {
        case .sha256:
            var hasher = SHA256()
            lines.bytes.withUnsafeBytes { raw in for line in order { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: raw[lines.line(line)])) } }
            hash = hasher.finalize().withUnsafeBytes { HashValue($0) }
        case .sha384:
            var hasher = SHA384()
            lines.bytes.withUnsafeBytes { raw in for line in order { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: raw[lines.line(line)])) } }
            hash = hasher.finalize().withUnsafeBytes { HashValue($0) }
        }
        lineScratch = lines
        return hash
    }

    /// The identifier Hash Related Blank Node uses for `node`: canonical label, else temporary label,
    /// else its first-degree hash. Issued identifiers enter the hash as blank node labels (`_:c14n0`, `_:b0`),
    /// as the suite requires.
    @inline(__always) func appendRelatedIdentifier(_ node: Int32, issuer: TemporaryIssuer, to input: inout [UInt8]) {
        let label = canonical[Int(node)]
        if label >= 0 {
            appendCanonicalLabel(label, to: &input)
        } else if let temporary = issuer.issued(node) {
            appendTemporaryLabel(temporary, to: &input)
        } else {
            firstDegree[Int(node)].appendHex(to: &input)
        }
    }

    /// Hash Related Blank Node (§4.7.3).
    ///
    /// Beyond RDFC-1.0, for generalized RDF: a blank node predicate is written as `<` + its related identifier
    /// + `>`, and a blank node related through the predicate position uses position `p` (like `g`, without
    /// a predicate). Both depend only on the graph's shape, so isomorphic datasets still agree.
    mutating func hashRelated(_ related: Int32, quad: InternedQuad, issuer: TemporaryIssuer, position: UInt8) -> HashValue {
        var input = scratch
        scratch = []
        input.removeAll(keepingCapacity: true)
        input.append(position)
        if position != 0x67 && position != 0x70 {  // 'g', 'p'
            if isBlank(quad.predicate) {
                input.append(0x3C)
                appendRelatedIdentifier(blankID(quad.predicate), issuer: issuer, to: &input)
                input.append(0x3E)
            } else {
                // An IRI predicate is already serialized as `<iri>`.
                appendTerm(quad.predicate, to: &input)
            }
        }
        appendRelatedIdentifier(related, issuer: issuer, to: &input)
        let hash = digest(input)
        scratch = input
        return hash
    }

    // MARK: Hash N-Degree Quads (§4.8.3)

    func limitError(_ what: String) -> CanonicalizationError {
        CanonicalizationError(
            code: .workLimitExceeded,
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
        if callsForCurrentNode > 1 {
            recursiveCalls += 1
            if recursiveCalls > limits.maxRecursiveNDegreeCallsTotal {
                throw limitError("more than \(limits.maxRecursiveNDegreeCallsTotal) recursive calls of Hash N-Degree Quads in total")
            }
        }

        // Steps 1–3: related blank nodes grouped by their related hash.
        var groups: [HashValue: [Int32]] = [:]
        for quadIndex in blankQuads[Int(identifier)] {
            let quad = quads[Int(quadIndex)]
            // quad.graph is never blank for the default graph (noGraph is positive).
            if isBlank(quad.subject) && blankID(quad.subject) != identifier {
                groups[hashRelated(blankID(quad.subject), quad: quad, issuer: issuer, position: 0x73), default: []].append(blankID(quad.subject))
            }
            if isBlank(quad.object) && blankID(quad.object) != identifier {
                groups[hashRelated(blankID(quad.object), quad: quad, issuer: issuer, position: 0x6F), default: []].append(blankID(quad.object))
            }
            if isBlank(quad.graph) && blankID(quad.graph) != identifier {
                groups[hashRelated(blankID(quad.graph), quad: quad, issuer: issuer, position: 0x67), default: []].append(blankID(quad.graph))
            }
            if isBlank(quad.predicate) && blankID(quad.predicate) != identifier {  // generalized RDF only
                groups[hashRelated(blankID(quad.predicate), quad: quad, issuer: issuer, position: 0x70), default: []].append(blankID(quad.predicate))
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
                    let label = canonical[Int(related)]
                    if label >= 0 {
                        appendCanonicalLabel(label, to: &path)
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
    func nextPermutation(_ permutation: inout [Int32]) -> Bool {
        guard permutation.count > 1 else { return false }
        @inline(__always) func less(_ left: Int32, _ right: Int32) -> Bool { blankLabels[Int(left)] < blankLabels[Int(right)] }
        var pivot = permutation.count - 2
        while pivot >= 0 && !less(permutation[pivot], permutation[pivot + 1]) { pivot -= 1 }
        if pivot < 0 { return false }
        var successor = permutation.count - 1
        while !less(permutation[pivot], permutation[successor]) { successor -= 1 }
        permutation.swapAt(pivot, successor)
        permutation[(pivot + 1)...].reverse()
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
        let (document, order) = canonicalDocument()
        return CanonicalizedDataset(
            nquads: UTF8Text.string(document),
            work: CanonicalizationWork(
                nDegreeCalls: callsTotal, recursiveNDegreeCalls: recursiveCalls,
                maxNDegreeCallsForOneBlankNode: maxCallsForOneNode,
                permutations: permutationsTotal),
            source: dataset.quads, slots: quads, order: order, blankLabels: blankLabels,
            canonicalNumbers: canonical, canonicalOrder: canonicalOrder)
    }

    /// The canonical N-Quads as UTF-8 bytes, and the input quads in their order.
    func canonicalDocument() -> (document: [UInt8], order: [Int]) {
        // Locals, so the helpers below capture arrays, not the whole state.
        let termBytes = self.termBytes, termOffsets = self.termOffsets, quads = self.quads
        // Each blank node's canonical label, `_:c14nN`, written once rather than at every occurrence.
        var labelBytes: [UInt8] = []
        var labelOffsets: [Int] = [0]
        labelBytes.reserveCapacity(canonical.count * 10)
        labelOffsets.reserveCapacity(canonical.count + 1)
        for number in canonical {
            labelBytes.append(contentsOf: [0x5F, 0x3A, 0x63, 0x31, 0x34, 0x6E])  // _:c14n
            appendDecimal(number, to: &labelBytes)
            labelOffsets.append(labelBytes.count)
        }
        // Every line's length first, then one copy of each term into a buffer of exactly that size: appending
        // piece by piece to a growing array cost more than the bytes.
        @inline(__always) func length(_ slot: Int32) -> Int {
            if isBlank(slot) {
                let id = Int(blankID(slot))
                return labelOffsets[id + 1] - labelOffsets[id]
            }
            return termOffsets[Int(slot) + 1] - termOffsets[Int(slot)]
        }
        var lines = LineBuffer()
        lines.starts.reserveCapacity(quads.count)
        var total = 0
        for quad in quads {
            lines.starts.append(total)
            total += length(quad.subject) + length(quad.predicate) + length(quad.object) + 5  // two spaces and " .\n"
            if quad.graph != noGraph { total += 1 + length(quad.graph) }
        }
        lines.bytes = [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
            initialized = 0
            guard var cursor = buffer.baseAddress else { return }
            termBytes.withUnsafeBufferPointer { terms in
                labelBytes.withUnsafeBufferPointer { labels in
                    @inline(__always) func copy(_ slot: Int32) {
                        let source: UnsafePointer<UInt8>
                        let count: Int
                        if isBlank(slot) {
                            let id = Int(blankID(slot))
                            source = labels.baseAddress! + labelOffsets[id]
                            count = labelOffsets[id + 1] - labelOffsets[id]
                        } else {
                            source = terms.baseAddress! + termOffsets[Int(slot)]
                            count = termOffsets[Int(slot) + 1] - termOffsets[Int(slot)]
                        }
                        cursor.initialize(from: source, count: count)
                        cursor += count
                    }
                    @inline(__always) func byte(_ value: UInt8) {
                        cursor.initialize(to: value)
                        cursor += 1
                    }
                    for quad in quads {
                        copy(quad.subject)
                        byte(0x20)
                        copy(quad.predicate)
                        byte(0x20)
                        copy(quad.object)
                        if quad.graph != noGraph {
                            byte(0x20)
                            copy(quad.graph)
                        }
                        byte(0x20)
                        byte(0x2E)
                        byte(0x0A)
                    }
                }
            }
            initialized = total
        }
        let order = lines.sortedOrder()
        let document = [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
            initialized = 0
            guard var cursor = buffer.baseAddress else { return }
            lines.bytes.withUnsafeBufferPointer { source in
                for line in order {
                    let range = lines.line(line)
                    cursor.initialize(from: source.baseAddress! + range.lowerBound, count: range.count)
                    cursor += range.count
                }
            }
            initialized = total
        }
        return (document, order)
    }
}
