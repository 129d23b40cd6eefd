import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@testable import CredentialService

@Suite("Network threads")
struct EventLoopTests {
    @Test("The server runs on the configured number of event loops, one group per count for the process")
    func theServerRunsOnTheConfiguredLoops() async throws {
        let three = CredentialServiceRunner.eventLoopGroup(threads: 3)
        #expect(Array(three.makeIterator()).count == 3)
        #expect(CredentialServiceRunner.eventLoopGroup(threads: 3) === three)
        #expect(CredentialServiceRunner.eventLoopGroup(threads: 1) !== three)

        let s = try await TestService.make { config in
            config.port = 0
            config.eventLoopThreads = 1
        }
        defer { try? FileManager.default.removeItem(at: s.directory) }
        var logger = Logger(label: "skillcred-loops")
        logger.logLevel = .critical
        let app = CredentialServiceRunner.application(state: s.state, logger: logger)
        #expect(app.eventLoopGroup === CredentialServiceRunner.eventLoopGroup(threads: 1))
        try await app.test(.live) { client in
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok)
        }
    }
}
