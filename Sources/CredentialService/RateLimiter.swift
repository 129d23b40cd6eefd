import Foundation
import Synchronization

/// A token bucket per client: `rate` requests a second sustained, `burst` at once.
/// Idle buckets are dropped when the table grows, so memory stays bounded under many clients.
final class RateLimiter: Sendable {
    private struct Bucket { var tokens: Double; var last: Double }
    private let table = Mutex<[String: Bucket]>([:])
    let rate: Double
    let burst: Double
    let maxClients: Int

    init(rate: Double, burst: Double, maxClients: Int = 10_000) {
        self.rate = rate
        self.burst = burst
        self.maxClients = maxClients
    }

    /// Takes one token for `client`; false when its bucket is empty.
    func allow(_ client: String, now: Double = ProcessInfo.processInfo.systemUptime) -> Bool {
        table.withLock { t in
            if t.count >= maxClients && t[client] == nil {
                t = t.filter { now - $0.value.last < burst / max(rate, 0.001) }
                if t.count >= maxClients { t.removeAll() }
            }
            var bucket = t[client] ?? Bucket(tokens: burst, last: now)
            bucket.tokens = min(burst, bucket.tokens + (now - bucket.last) * rate)
            bucket.last = now
            guard bucket.tokens >= 1 else { t[client] = bucket; return false }
            bucket.tokens -= 1
            t[client] = bucket
            return true
        }
    }
}
