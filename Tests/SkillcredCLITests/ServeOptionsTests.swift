import Foundation
import TestSupport
import Testing

@testable import skillcred

@Suite("CLI: serve's network threads")
struct ServeOptionsTests {
    @Test("--event-loops sets the service's network threads (default one per two processors); 0 or over 256 is refused by name")
    func eventLoops() async throws {
        let data = TestDirectories.path("serve-options").path
        #expect(try Skillcred.Serve.parse(["--data-dir", data, "--event-loops", "3"]).configuration().eventLoopThreads == 3)
        let processors = ProcessInfo.processInfo.activeProcessorCount
        #expect(try Skillcred.Serve.parse(["--data-dir", data]).configuration().eventLoopThreads == max(1, processors / 2))
        for bad in ["0", "257"] {
            let refused = try await SkillcredCLI.run(["serve", "--data-dir", data, "--event-loops", bad])
            #expect(refused.status != 0 && refused.stderr.contains("--event-loops must be between 1 and 256"), "\(refused.stderr)")
        }
    }
}
