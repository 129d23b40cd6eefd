import Caching
import Foundation
import Testing

@Suite("BoundedCache")
struct BoundedCacheTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    @Test func aStoredValueIsReadBackUntilItExpires() {
        let cache = BoundedCache<String, Int>(capacity: 4)
        cache.store(1, for: "a", expires: t0.addingTimeInterval(10), now: t0)
        cache.store(2, for: "b", now: t0)
        #expect(cache.value(for: "a", now: t0.addingTimeInterval(9)) == 1)
        #expect(cache.value(for: "a", now: t0.addingTimeInterval(10)) == nil)
        #expect(cache.count == 1, "the expired entry is dropped when read")
        #expect(cache.value(for: "b", now: t0.addingTimeInterval(1e9)) == 2, "no expiry: kept until evicted")
        #expect(cache.statistics.hits == 2 && cache.statistics.misses == 1)
    }

    @Test func aFullCacheDropsExpiredEntriesBeforeLiveOnes() {
        let cache = BoundedCache<String, Int>(capacity: 3)
        cache.store(1, for: "old-live", now: t0)
        cache.store(2, for: "expiring", expires: t0.addingTimeInterval(5), now: t0)
        cache.store(3, for: "live", now: t0)
        cache.store(4, for: "new", now: t0.addingTimeInterval(6))
        #expect(cache.count == 3)
        #expect(cache.value(for: "old-live", now: t0.addingTimeInterval(6)) == 1)
        #expect(cache.value(for: "expiring", now: t0) == nil)
        #expect(cache.value(for: "new", now: t0.addingTimeInterval(6)) == 4)
    }

    @Test func aFullCacheDropsTheOldestStoredAndAReplacedKeyCountsAsNew() {
        let cache = BoundedCache<Int, Int>(capacity: 3)
        for k in 0..<3 { cache.store(k, for: k) }
        cache.store(10, for: 0)  // replacing does not evict and makes 0 the newest
        #expect(cache.count == 3)
        cache.store(3, for: 3)  // evicts 1, the oldest stored
        #expect(cache.value(for: 1) == nil)
        #expect(cache.value(for: 0) == 10 && cache.value(for: 2) == 2 && cache.value(for: 3) == 3)
    }

    @Test func memoryStaysBoundedUnderAStreamOfDistinctKeys() {
        let cache = BoundedCache<Int, [UInt8]>(capacity: 100)
        for k in 0..<100_000 { cache.store([UInt8(k & 0xFF)], for: k) }
        #expect(cache.count == 100)
        #expect(cache.value(for: 99_999) == [UInt8(99_999 & 0xFF)])
        #expect(cache.value(for: 99_899) == nil)
    }

    @Test func concurrentUseKeepsTheCapacity() async {
        let cache = BoundedCache<Int, Int>(capacity: 50)
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for k in 0..<2_000 {
                        cache.store(k, for: worker * 10_000 + k)
                        _ = cache.value(for: worker * 10_000 + k / 2)
                    }
                }
            }
        }
        #expect(cache.count <= 50)
    }
}
