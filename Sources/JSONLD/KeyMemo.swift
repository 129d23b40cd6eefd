import Synchronization

/// What a string expands to in one active context, with the facts expansion checks of the result.
///
/// For a key of a node object (``KeyMemo/Mode/key``) this is `expandIRI(active, key, vocab: true)`; for a
/// `@type` value (``KeyMemo/Mode/typeValue``) it is `expandIRI(active, value, documentRelative: true, vocab: true)`.
///
/// A class, so that handing one out of the memo costs one retain rather than one per field.
final class ExpandedKey: Sendable {
    /// The string's term definition in the context.
    let definition: TermDefinition?
    /// The expanded IRI or keyword; nil when the string has the form of a keyword or is mapped to null.
    let iri: String?
    /// Whether ``iri`` is a keyword.
    let isKeyword: Bool
    /// Whether ``iri`` contains a `:` (an absolute IRI, compact IRI or blank node identifier).
    let hasColon: Bool
    /// Whether ``iri`` is an absolute IRI or a blank node identifier.
    let isAbsoluteOrBlank: Bool
    /// Whether ``iri`` is all ASCII (false when nil): a node's ASCII keys are merged with a search that
    /// compares lengths first (`JSONObject.append(contentsOf:toArrayAtASCIIKey:)`).
    let isASCII: Bool

    /// The keyword the string expands to, nil when it expands to anything else (``keywordExpansion(_:_:)``).
    @inline(__always)
    var keyword: String? { isKeyword ? iri : nil }

    /// Computes the expansion without any memo.
    init(_ active: ActiveContext, _ value: String, mode: KeyMemo.Mode) {
        let definition = active.definition(value)
        let iri: String?
        switch mode {
        case .key: iri = expandVocabIRI(active, value, definition: definition)
        case .typeValue: iri = expandIRI(active, value, documentRelative: true, vocab: true)
        }
        self.definition = definition
        self.iri = iri
        let colon = iri.map { UTF8Scan.firstOffset(of: UInt8(ascii: ":"), in: $0) != nil } ?? false
        isKeyword = iri.map { $0.utf8.first == UInt8(ascii: "@") && Keywords.isKeyword($0) } ?? false
        hasColon = colon
        isAbsoluteOrBlank = colon && iri.map { IRI.isAbsolute($0) || IRI.isBlankNode($0) } ?? false
        isASCII = iri.map { $0.utf8.allSatisfy { $0 < 0x80 } } ?? false
    }
}

/// A bounded memo of ``ExpandedKey``s for one expansion call, keyed by the active context's identity,
/// the mode and the string.
///
/// Credentials repeat the same keys in every node, and each key used to cost several dictionary
/// lookups (each hashing it with SipHash) and, for keys that fall through to `@vocab`, a string
/// concatenation per occurrence. The memo answers a repeated key with one cheap hash and one string
/// comparison.
///
/// It has a fixed number of slots and looks at most ``probes`` of them per lookup: when they are all
/// taken, a new entry replaces the first, so a document with many distinct keys (or keys crafted to
/// collide) costs a few extra comparisons per key and never more memory or longer searches. Only
/// contexts with a non-zero identity are memoized: an identity names one processed context's content
/// for the life of the process (the context cache relies on the same), whereas identity 0 is every
/// initial context whatever its base IRI. One memo belongs to one ``Processor`` and so to one thread at a
/// time; when the processor ends, the memo goes back to a small pool for the next call (``take()``,
/// ``give(_:)``), whose keys are mostly the same: a later call on another thread only ever sees it
/// after the pool's lock has handed it over.
final class KeyMemo: @unchecked Sendable {
    enum Mode: UInt8 {
        /// A key of a node object: `expandIRI(active, key, vocab: true)`.
        case key = 1
        /// A `@type` value: `expandIRI(active, value, documentRelative: true, vocab: true)`.
        case typeValue = 2
    }

    struct Entry {
        let identity: UInt64
        let mode: Mode
        let key: String
        let value: ExpandedKey
    }

    /// Slot count, a power of two; a verifiable credential uses a hundred or so keys and types across its contexts.
    static let capacity = 512
    /// Slots looked at per lookup, from the one the hash names.
    static let probes = 4

    // Allocated on first use. `hashes[i] == 0` marks slot i empty (a computed hash is never 0); `entries[i]`
    // is initialized exactly when `hashes[i] != 0`. Outside Swift's exclusivity tracking: only `lookup`
    // touches them, on one thread.
    @exclusivity(unchecked) private var hashes: UnsafeMutablePointer<UInt64>?
    @exclusivity(unchecked) private var entries: UnsafeMutablePointer<Entry>?

    /// Lookups answered from the memo and lookups computed, for tests.
    @exclusivity(unchecked) private(set) var hits = 0
    @exclusivity(unchecked) private(set) var misses = 0

    init() {}

    /// Memos waiting for their next call; a few, as many as calls tend to run at once.
    private static let pool = Mutex<[KeyMemo]>([])
    static let pooled = 8

    /// A memo from the pool, or a new one.
    static func take() -> KeyMemo { pool.withLock { $0.popLast() } ?? KeyMemo() }

    /// Returns a memo to the pool (dropped when the pool is full).
    static func give(_ memo: KeyMemo) {
        pool.withLock { memos in
            if memos.count < pooled { memos.append(memo) }
        }
    }

    deinit {
        guard let hashes, let entries else { return }
        for slot in 0..<Self.capacity where hashes[slot] != 0 { (entries + slot).deinitialize(count: 1) }
        entries.deallocate()
        hashes.deallocate()
    }

    /// Strings longer than this are expanded without the memo: a memo that outlives its call (see
    /// ``take()``) must not keep a hostile document's megabyte keys alive.
    static let longestMemoized = 256

    /// `value`'s expansion in `active`, from the memo when it holds it.
    func lookup(_ active: ActiveContext, _ value: String, mode: Mode) -> ExpandedKey {
        let identity = active.identity
        if identity == 0 || value.utf8.count > Self.longestMemoized { return ExpandedKey(active, value, mode: mode) }
        if hashes == nil { allocate() }
        guard let hashes, let entries else { return ExpandedKey(active, value, mode: mode) }
        let hash = Self.hash(value, identity: identity, mode: mode)
        let home = Int(truncatingIfNeeded: hash) & (Self.capacity - 1)
        var free: Int?
        for probe in 0..<Self.probes {
            let slot = (home + probe) & (Self.capacity - 1)
            let stored = hashes[slot]
            if stored == 0 {
                free = slot
                break
            }
            if stored == hash, entries[slot].identity == identity, entries[slot].mode == mode, entries[slot].key == value {
                hits &+= 1
                return entries[slot].value
            }
        }
        misses &+= 1
        let computed = ExpandedKey(active, value, mode: mode)
        let entry = Entry(identity: identity, mode: mode, key: value, value: computed)
        if let free {
            (entries + free).initialize(to: entry)
            hashes[free] = hash
        } else {
            entries[home] = entry
            hashes[home] = hash
        }
        return computed
    }

    private func allocate() {
        let allocated = UnsafeMutablePointer<UInt64>.allocate(capacity: Self.capacity)
        allocated.initialize(repeating: 0, count: Self.capacity)
        hashes = allocated
        entries = UnsafeMutablePointer<Entry>.allocate(capacity: Self.capacity)
    }

    /// A multiplicative hash of the string's UTF-8 bytes, eight at a time, seeded with the context identity
    /// and mode; never 0. Collisions only cost a recomputation (see the type's comment), so a fast unkeyed
    /// hash is enough.
    @inline(__always)
    static func hash(_ value: String, identity: UInt64, mode: Mode) -> UInt64 {
        let seed = (identity &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(mode.rawValue)
        var hash =
            value.utf8.withContiguousStorageIfAvailable { mix(UnsafeRawBufferPointer($0), seed: seed) }
            ?? Array(value.utf8).withUnsafeBytes { mix($0, seed: seed) }
        // MurmurHash3's finalizer: the slot is taken from the low bits, which the loop's multiplications
        // leave depending on the low bits of the input only.
        hash ^= hash >> 33
        hash &*= 0xff51_afd7_ed55_8ccd
        hash ^= hash >> 33
        hash &*= 0xc4ce_b9fe_1a85_ec53
        hash ^= hash >> 33
        return hash == 0 ? 1 : hash
    }

    private static func mix(_ bytes: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        let multiplier: UInt64 = 0xff51_afd7_ed55_8ccd
        var hash = seed ^ UInt64(bytes.count)
        var offset = 0
        while offset + 8 <= bytes.count {
            hash = (hash ^ bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* multiplier
            hash ^= hash >> 32
            offset += 8
        }
        if offset < bytes.count && bytes.count >= 8 {
            // The last eight bytes in one load, overlapping bytes already mixed in.
            hash = (hash ^ bytes.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self)) &* multiplier
            hash ^= hash >> 32
        } else if offset < bytes.count {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while offset < bytes.count {
                tail |= UInt64(bytes[offset]) << shift
                shift += 8
                offset += 1
            }
            hash = (hash ^ tail) &* multiplier
            hash ^= hash >> 32
        }
        return hash
    }
}

extension KeyMemo {
    /// Slots in use, for tests: never more than ``capacity``.
    var occupied: Int {
        guard let hashes else { return 0 }
        return (0..<Self.capacity).filter { hashes[$0] != 0 }.count
    }
}
