import Foundation
import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTPTypes
import Synchronization

/// Bounds the open client connections across the server. When the limit is reached, a new connection takes the
/// place of the connection that has been idle longest (no request in progress, or a request head that never
/// completed); only when every connection is busy is the newcomer closed. One client holding many idle sockets
/// therefore cannot lock everyone else out, and the server keeps its file descriptors.
public final class ConnectionLimiter: Sendable {
    /// The most connections served at once.
    public let limit: Int
    /// How long a request may take from its head to the end of its body; a slower one has its connection closed.
    public let bodyTimeout: TimeAmount
    /// Every admitted connection, with whether a request is in progress and when it last was.
    private let connections = Mutex<[ObjectIdentifier: Entry]>([:])

    struct Entry {
        let channel: any Channel
        var busy: Bool
        var lastActive: ContinuousClock.Instant
    }

    /// Creates a limiter for `limit` connections whose request bodies must arrive within `bodyTimeout`.
    public init(limit: Int, bodyTimeout: TimeAmount = .seconds(30)) {
        self.limit = limit
        self.bodyTimeout = bodyTimeout
    }

    /// Connections open now.
    public var current: Int { connections.withLock { $0.count } }

    /// Admits a connection, evicting the longest-idle one when full; `false` when every connection is busy.
    func admit(_ id: ObjectIdentifier, channel: any Channel) -> Bool {
        let (admitted, evicted): (Bool, (any Channel)?) = connections.withLock { table in
            var victim: (any Channel)?
            if table.count >= limit {
                guard let oldest = table.filter({ !$0.value.busy }).min(by: { $0.value.lastActive < $1.value.lastActive }) else {
                    return (false, nil)
                }
                table[oldest.key] = nil
                victim = oldest.value.channel
            }
            table[id] = Entry(channel: channel, busy: false, lastActive: .now)
            return (true, victim)
        }
        // Closed outside the lock: closing runs channel callbacks that may come back here (release).
        evicted?.close(promise: nil)
        return admitted
    }

    func mark(_ id: ObjectIdentifier, busy: Bool) {
        connections.withLock { table in
            table[id]?.busy = busy
            table[id]?.lastActive = .now
        }
    }

    func release(_ id: ObjectIdentifier) { _ = connections.withLock { $0.removeValue(forKey: id) } }

    /// A handler for one connection's pipeline.
    func handler() -> ConnectionLimitHandler { ConnectionLimitHandler(limiter: self) }
}

/// One connection's slot: taken when the handler joins the channel, marked busy from a request head to the end of
/// its response, given back when the channel goes.
final class ConnectionLimitHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart
    let limiter: ConnectionLimiter
    private var admitted = false

    init(limiter: ConnectionLimiter) { self.limiter = limiter }

    private var id: ObjectIdentifier { ObjectIdentifier(self) }

    func handlerAdded(context: ChannelHandlerContext) {
        if limiter.admit(id, channel: context.channel) {
            admitted = true
        } else {
            context.close(promise: nil)
        }
    }

    /// Closes the connection when a request's body has not fully arrived in time. A timer on the event loop, cancelled
    /// at the body's end, costs nothing once cancelled (unlike a sleeping task per request).
    private var bodyDeadline: Scheduled<Void>?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            limiter.mark(id, busy: true)
            bodyDeadline?.cancel()
            let channel = context.channel
            bodyDeadline = context.eventLoop.scheduleTask(in: limiter.bodyTimeout) { channel.close(promise: nil) }
        case .end:
            bodyDeadline?.cancel()
            bodyDeadline = nil
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { limiter.mark(id, busy: false) }
        context.write(data, promise: promise)
    }

    func handlerRemoved(context: ChannelHandlerContext) { leave() }

    func channelInactive(context: ChannelHandlerContext) {
        leave()
        context.fireChannelInactive()
    }

    private func leave() {
        bodyDeadline?.cancel()
        bodyDeadline = nil
        if admitted {
            admitted = false
            limiter.release(id)
        }
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
