import Executors
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Resolves host names with the system resolver (`getaddrinfo`), off Swift's cooperative thread pool.
enum HostResolution {
    /// All addresses `host` resolves to, in the resolver's preference order, without duplicates.
    ///
    /// A canonical IP literal is its own answer and never reaches the resolver. Otherwise `getaddrinfo`
    /// blocks and cannot be cancelled, so it runs on a thread of its own (not Dispatch's shared pool, which a
    /// busy process can exhaust, turning a refusal that needs no network into a timeout); a cancelled caller
    /// (the fetch deadline) is answered at once and the late result is dropped.
    static func addresses(of host: String) async throws -> [IPAddress] {
        if let literal = IPAddress(host) { return [literal] }
        let once = OnceContinuation<[IPAddress]>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                once.install(continuation)
                let thread = Thread {
                    ThreadName.setForCurrentThread("skillcred-dns")
                    once.resume(with: Result { try lookup(host) })
                }
                thread.start()
            }
        } onCancel: {
            once.resume(with: .failure(CancellationError()))
        }
    }

    struct LookupFailed: Error, CustomStringConvertible {
        let description: String
    }

    private static func lookup(_ host: String) throws -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Darwin)
        hints.ai_socktype = SOCK_STREAM
        #else
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0, let first = list else {
            let reason = String(cString: gai_strerror(status))
            throw LookupFailed(description: "cannot resolve \(host): \(reason)")
        }
        defer { freeaddrinfo(first) }
        var result: [IPAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            if let sa = entry.pointee.ai_addr {
                var address: IPAddress?
                switch Int32(sa.pointee.sa_family) {
                case AF_INET:
                    address = sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
                        var raw = sin.pointee.sin_addr
                        return IPAddress(bytes: withUnsafeBytes(of: &raw) { Array($0) })
                    }
                case AF_INET6:
                    address = sa.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin6 in
                        var raw = sin6.pointee.sin6_addr
                        return IPAddress(bytes: withUnsafeBytes(of: &raw) { Array($0) })
                    }
                default:
                    address = nil
                }
                if let address, !result.contains(address) { result.append(address) }
            }
            cursor = entry.pointee.ai_next
        }
        guard !result.isEmpty else { throw LookupFailed(description: "\(host) has no IPv4 or IPv6 address") }
        return result
    }
}

/// A continuation that several racers may try to resume; the first wins, the rest are ignored.
final class OnceContinuation<Value: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Value, any Error>?
        var early: Result<Value, any Error>?
        var done = false
    }

    private let state = Mutex(State())

    init() {}

    /// Installs the continuation; resumes it at once when a result (a cancellation) came first.
    func install(_ continuation: CheckedContinuation<Value, any Error>) {
        let early: Result<Value, any Error>? = state.withLock { s in
            if let early = s.early {
                s.early = nil
                return early
            }
            s.continuation = continuation
            return nil
        }
        if let early { continuation.resume(with: early) }
    }

    func resume(with result: Result<Value, any Error>) {
        let continuation: CheckedContinuation<Value, any Error>? = state.withLock { s in
            guard !s.done else { return nil }
            s.done = true
            if let waiting = s.continuation {
                s.continuation = nil
                return waiting
            }
            s.early = result
            return nil
        }
        continuation?.resume(with: result)
    }
}
