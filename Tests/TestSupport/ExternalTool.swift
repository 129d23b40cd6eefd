import Foundation

/// Runs an external tool the tests drive (openssl, faketime) and returns what it printed; throws with that output
/// when it exits non-zero, so a failing step names itself.
public enum ExternalTool {
    /// A tool that exited non-zero.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// What a tool printed, and how it ended.
    public struct Outcome: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// Runs `executable ARGUMENTS` in `directory`, standard input closed, standard output and error captured together.
    @discardableResult
    public static func run(
        _ executable: URL, _ arguments: [String], in directory: URL,
        environment: [String: String] = [:]
    ) throws -> String {
        let outcome = try capture(executable, arguments, in: directory, environment: environment, mergingErrors: true)
        guard outcome.status == 0 else {
            throw Failure(description: "\(executable.lastPathComponent) \(arguments.joined(separator: " ")) exited \(outcome.status): \(outcome.stdout)")
        }
        return outcome.stdout
    }

    /// Runs `body` on a thread of its own and awaits it: for a test that waits on a child process for seconds or
    /// minutes. On the cooperative pool (two threads on a 2-core machine) such a wait starves every other test's async
    /// work, and a loopback fetch elsewhere then reads as a 60-second timeout.
    public static func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Runs `executable ARGUMENTS` and returns its status and output whatever the status (standard error apart,
    /// unless `mergingErrors`), for tests that expect a tool to refuse something. A tool that runs longer than
    /// `limit` is killed and this throws (``ChildProcess``).
    public static func capture(
        _ executable: URL, _ arguments: [String], in directory: URL? = nil,
        environment: [String: String] = [:], mergingErrors: Bool = false, limit: Duration = ChildProcess.defaultLimit
    ) throws -> Outcome {
        let ended = try ChildProcess.run(
            executable, arguments, in: directory,
            environment: environment.isEmpty ? nil : ChildProcess.environment(adding: environment),
            errors: mergingErrors ? .standardOutput : .capture, limit: limit)
        return Outcome(status: ended.status, stdout: ended.stdoutText, stderr: ended.stderrText)
    }
}
