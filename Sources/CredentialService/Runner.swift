import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// Runs the service until SIGINT or SIGTERM, then drains in-flight requests (service-lifecycle's graceful shutdown).
public enum CredentialServiceRunner {
    /// Builds the application for `state`; `onRunning` gets the bound port (useful with port 0).
    public static func run(state: CredentialServiceState, logger: Logger, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let router = CredentialServiceRoutes.router(state: state)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(state.configuration.host, port: state.configuration.port), serverName: "skillcred"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? state.configuration.port) },
            logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
