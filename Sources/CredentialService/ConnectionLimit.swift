import Foundation
import Hummingbird
import NIOCore

/// Counts open client connections across the server and closes those beyond the limit as they arrive, so one
/// client holding many idle sockets cannot starve everyone else of file descriptors.
public final class ConnectionLimiter: @unchecked Sendable {
    /// The most connections served at once.
    public let limit: Int
    // Guarded by `lock`.
    private var openCount = 0
    private let lock = NSLock()

    /// Creates a limiter for `limit` connections.
    public init(limit: Int) { self.limit = limit }

    /// Connections open now.
    public var current: Int { lock.withLock { openCount } }

    func admit() -> Bool {
        lock.withLock {
            guard openCount < limit else { return false }
            openCount += 1
            return true
        }
    }

    func release() { lock.withLock { openCount -= 1 } }

    /// A handler for one connection's pipeline.
    func handler() -> ConnectionLimitHandler { ConnectionLimitHandler(limiter: self) }
}

/// One connection's slot: taken when the handler joins an active channel, given back when it leaves.
final class ConnectionLimitHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    let limiter: ConnectionLimiter
    private var admitted = false

    init(limiter: ConnectionLimiter) { self.limiter = limiter }

    func handlerAdded(context: ChannelHandlerContext) {
        if limiter.admit() {
            admitted = true
        } else {
            context.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if admitted {
            admitted = false
            limiter.release()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if admitted {
            admitted = false
            limiter.release()
        }
        context.fireChannelInactive()
    }
}

/// Raises the soft open-file limit to the hard one: each connection is a descriptor, and the common default of
/// 1,024 is below what a public endpoint should hold. Returns the limit in force.
@discardableResult
public func raiseOpenFileLimit() -> UInt64 {
    var limits = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limits) == 0 else { return 0 }
    if limits.rlim_cur < limits.rlim_max {
        var raised = limits
        raised.rlim_cur = limits.rlim_max
        if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { return UInt64(raised.rlim_cur) }
    }
    return UInt64(limits.rlim_cur)
}
