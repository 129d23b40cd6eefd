import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// Runs the service until SIGINT or SIGTERM, then drains in-flight requests (service-lifecycle's graceful shutdown).
public enum CredentialServiceRunner {
    /// Builds the application for `state`; `onRunning` gets the bound port (useful with port 0).
    public static func run(state: CredentialServiceState, logger: Logger, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let app = application(state: state, logger: logger, onRunning: onRunning)
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    /// The application `skillcred serve` runs: the routes behind the connection limits (idle and header timeout,
    /// connection cap) of ``ServiceConfiguration``.
    public static func application(
        state: CredentialServiceState, logger: Logger,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = CredentialServiceRoutes.router(state: state)
        let configuration = state.configuration
        let limiter = ConnectionLimiter(
            limit: configuration.maxConnections,
            bodyTimeout: .seconds(Int64(configuration.bodyTimeoutSeconds)))
        // The idle timeout also closes a connection whose request head never completes (a slow-headers client).
        let server = HTTPServerBuilder.http1(
            configuration: .init(
                additionalChannelHandlers: [limiter.handler()],
                idleTimeout: .seconds(Int64(configuration.idleTimeoutSeconds))))
        return Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "skillcred"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? configuration.port) },
            eventLoopGroupProvider: .shared(eventLoopGroup(threads: configuration.eventLoopThreads)),
            logger: logger)
    }

    private static let groups = Mutex<[Int: MultiThreadedEventLoopGroup]>([:])

    /// The process's event loop group with `threads` loops (at least one), made on first use and kept: a group's
    /// threads live until it is shut down, and an application is built per server (and per test), not per process.
    /// Like NIO's singleton group, these are never shut down (Hummingbird leaves a shared group alone).
    static func eventLoopGroup(threads: Int) -> MultiThreadedEventLoopGroup {
        let threads = max(1, threads)
        return groups.withLock { groups in
            if let group = groups[threads] { return group }
            let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
            groups[threads] = group
            return group
        }
    }
}
