#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A small table that remembers a number per string (by code points), for work that meets the same strings
/// again and again: the predicates and types of a credential are a few dozen IRIs written on hundreds of quads.
///
/// A lookup computes a slot from the length and the first and last eight bytes, then compares the bytes once
/// with those the slot remembers: far less than reading every byte to classify or escape an IRI, where a full
/// hash (SipHash) would cost about as much as the work it saves. The remembered bytes are copied into one
/// buffer, so a lookup retains and releases nothing.
///
/// Bounded whatever the input: direct-mapped with a fixed number of slots (a string that lands on an occupied
/// slot replaces its entry, so crafted strings sharing a slot cost one comparison each, never a search), and
/// the byte buffer is emptied with all entries once it passes ``byteLimit``.
package struct StringMemo: Sendable {
    private struct Entry {
        var offset: Int32 = 0
        /// -1 for an empty slot.
        var count: Int32 = -1
        var value: Int32 = 0
    }

    /// A power of two; more than the distinct predicates and types of a large credential.
    package static let slotCount = 128
    /// The most bytes kept before the table starts over.
    package static let byteLimit = 1 << 16
    /// Strings longer than this are not remembered (a long string is rarely a repeated predicate).
    package static let maxLength = 1 << 12

    private var entries = [Entry](repeating: Entry(), count: StringMemo.slotCount)
    private var bytes: [UInt8] = []

    /// An empty table.
    package init() {}

    /// The value remembered for a string with `string`'s code points, or `make()`'s, which is remembered.
    package mutating func value(for string: String, orMake make: () -> Int32) -> Int32 {
        // One pass over the bytes in place: look up, else make and remember.
        let found: Int32? = string.utf8.withContiguousStorageIfAvailable { utf8 in
            let slot = Self.slot(of: utf8)
            if let value = lookup(utf8, at: slot) { return value }
            let value = make()
            remember(utf8, value, at: slot)
            return value
        }
        return found ?? make()  // no contiguous UTF-8 to compare with
    }

    @inline(__always) private func lookup(_ utf8: UnsafeBufferPointer<UInt8>, at slot: Int) -> Int32? {
        let entry = entries[slot]
        guard Int(entry.count) == utf8.count else { return nil }
        if utf8.isEmpty { return entry.value }
        let same = bytes.withUnsafeBufferPointer { stored in memcmp(stored.baseAddress! + Int(entry.offset), utf8.baseAddress!, utf8.count) == 0 }
        return same ? entry.value : nil
    }

    @inline(__always) private mutating func remember(_ utf8: UnsafeBufferPointer<UInt8>, _ value: Int32, at slot: Int) {
        guard utf8.count <= Self.maxLength else { return }
        if bytes.count + utf8.count > Self.byteLimit {
            bytes.removeAll(keepingCapacity: true)
            for index in entries.indices { entries[index] = Entry() }
        }
        entries[slot] = Entry(offset: Int32(bytes.count), count: Int32(utf8.count), value: value)
        bytes.append(contentsOf: utf8)
    }

    /// The slot of a string: its length and its first and last eight bytes (which tell IRIs with one prefix apart).
    @inline(__always) private static func slot(of utf8: UnsafeBufferPointer<UInt8>) -> Int {
        let count = utf8.count
        var head: UInt64 = 0
        var tail: UInt64 = 0
        if count >= 8, let base = utf8.baseAddress {
            let raw = UnsafeRawPointer(base)
            head = raw.loadUnaligned(as: UInt64.self)
            tail = raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        } else {
            for byte in utf8 { head = head << 8 | UInt64(byte) }
        }
        let mixed = ((head &* 0x9E37_79B9_7F4A_7C15) ^ tail ^ UInt64(truncatingIfNeeded: count)) &* 0xBF58_476D_1CE4_E5B9
        return Int(truncatingIfNeeded: mixed >> 57)  // 7 bits: slotCount
    }
}
