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
    /// unless `mergingErrors`), for tests that expect a tool to refuse something.
    public static func capture(
        _ executable: URL, _ arguments: [String], in directory: URL? = nil,
        environment: [String: String] = [:], mergingErrors: Bool = false
    ) throws -> Outcome {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe(), err = mergingErrors ? out : Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Standard error is drained on another thread so neither pipe can fill and stall the tool.
        let errors = mergingErrors ? nil : Thread.detachedRead(err.fileHandleForReading)
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stdout: stdout, stderr: errors?.wait() ?? "")
    }
}

private final class DetachedRead: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var text = ""

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            text = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
            done.signal()
        }
    }

    func wait() -> String {
        done.wait()
        return text
    }
}

private extension Thread {
    static func detachedRead(_ handle: FileHandle) -> DetachedRead { DetachedRead(handle) }
}
