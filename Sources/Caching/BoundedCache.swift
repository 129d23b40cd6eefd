import Foundation
import Synchronization

/// A thread-safe map with a capacity and optional expiry per entry: the one cache behind the context, DID
/// document, verification method and status list caches.
///
/// Memory is bounded by ``capacity``: storing a new key into a full cache first drops entries that have
/// expired, then the oldest-stored ones, so a cache under a stream of distinct keys keeps the most recent
/// `capacity` of them. Reads and writes are O(1) amortized; eviction order costs one array slot per store.
///
/// The type is inlinable so that each user's module specializes it for its own keys and values: called across the
/// module boundary as generic code, every read and store looked up type metadata at run time, and the service reads
/// several of these caches per request.
public final class BoundedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    @usableFromInline
    struct Entry {
        @usableFromInline var value: Value
        @usableFromInline var expires: Date?
        /// Which store wrote it, so a stale slot in `order` is recognised and skipped.
        @usableFromInline var serial: UInt64

        @inlinable
        init(value: Value, expires: Date?, serial: UInt64) {
            self.value = value
            self.expires = expires
            self.serial = serial
        }
    }

    @usableFromInline
    struct State {
        @usableFromInline var entries: [Key: Entry] = [:]
        /// Keys in the order they were stored (with the store's serial); slots before `head` are consumed.
        @usableFromInline var order: [(key: Key, serial: UInt64)] = []
        @usableFromInline var head = 0
        @usableFromInline var serial: UInt64 = 0
        @usableFromInline var hits = 0
        @usableFromInline var misses = 0

        @inlinable
        init() {}
    }

    @usableFromInline
    let state = Mutex(State())
    /// The most entries kept.
    public let capacity: Int

    /// A cache of at most `capacity` entries (at least 1).
    @inlinable
    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// The value stored for `key`, unless it has expired at `now` (an expired entry is dropped).
    @inlinable
    public func value(for key: Key, now: Date = Date()) -> Value? {
        state.withLock { s in
            guard let entry = s.entries[key] else {
                s.misses += 1
                return nil
            }
            if let expires = entry.expires, expires <= now {
                s.entries[key] = nil
                s.misses += 1
                return nil
            }
            s.hits += 1
            return entry.value
        }
    }

    /// Stores `value` for `key` until `expires` (`nil`: until evicted), replacing what was there.
    @inlinable
    public func store(_ value: Value, for key: Key, expires: Date? = nil, now: Date = Date()) {
        state.withLock { s in
            if s.entries[key] == nil, s.entries.count >= capacity {
                Self.evict(&s, now: now, capacity: capacity)
            }
            s.serial &+= 1
            s.entries[key] = Entry(value: value, expires: expires, serial: s.serial)
            s.order.append((key, s.serial))
            // Drop consumed slots once they are the larger half, keeping the array proportional to the entries.
            if s.head > 64, s.head * 2 > s.order.count {
                s.order.removeFirst(s.head)
                s.head = 0
            }
        }
    }

    /// Removes the entry for `key`.
    @inlinable
    public func removeValue(for key: Key) {
        _ = state.withLock { $0.entries.removeValue(forKey: key) }
    }

    /// Removes every entry and resets the counters.
    @inlinable
    public func removeAll() {
        state.withLock { $0 = State() }
    }

    /// The number of entries held (some may have expired and not yet been dropped).
    @inlinable
    public var count: Int { state.withLock { $0.entries.count } }

    /// Reads that found a fresh entry, and reads that did not.
    @inlinable
    public var statistics: (hits: Int, misses: Int) { state.withLock { ($0.hits, $0.misses) } }

    @inlinable
    static func evict(_ state: inout State, now: Date, capacity: Int) {
        // Expired entries go first: they are worth nothing. The scan happens only when the cache is full.
        let expired = state.entries.compactMap { key, entry in entry.expires.map { $0 <= now } == true ? key : nil }
        for key in expired { state.entries[key] = nil }
        while state.entries.count >= capacity, state.head < state.order.count {
            let slot = state.order[state.head]
            state.head += 1
            if state.entries[slot.key]?.serial == slot.serial { state.entries[slot.key] = nil }
        }
    }
}
