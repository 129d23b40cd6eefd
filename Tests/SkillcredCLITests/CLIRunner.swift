import Foundation
import TestSupport

/// What one run of the `skillcred` executable printed.
struct CLIOutput {
    let status: Int32
    let stdoutData: Data
    let stderr: String
    var stdout: String { String(decoding: stdoutData, as: UTF8.self) }
}

/// Runs the built `skillcred` executable, as a user would, for the end-to-end tests.
enum SkillcredCLI {
    struct MissingBinary: Error, CustomStringConvertible {
        var description: String { "the skillcred executable is not built next to the tests (run swift build)" }
    }

    /// The executable beside the test bundle (SwiftPM builds it into the same folder), else `.build/debug`.
    static let binary: URL? = {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("skillcred")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder.deleteLastPathComponent()
        }
        let fallback = SharedData.packageRoot.appendingPathComponent(".build/debug/skillcred")
        return FileManager.default.isExecutableFile(atPath: fallback.path) ? fallback : nil
    }()

    /// Runs `skillcred ARGUMENTS` in `directory` (the package root by default), feeding `stdin` if given.
    static func run(_ arguments: [String], stdin: Data? = nil, in directory: URL? = nil, environment: [String: String] = [:]) throws -> CLIOutput {
        guard let binary else { throw MissingBinary() }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.currentDirectoryURL = directory ?? SharedData.packageRoot
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        // Read stderr concurrently so a chatty child cannot block on a full pipe while we drain stdout.
        let errBox = ErrorBuffer()
        let reader = Thread { errBox.data = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errBox.done { usleep(1000) }
        return CLIOutput(status: process.terminationStatus, stdoutData: stdout, stderr: String(decoding: errBox.data, as: UTF8.self))
    }

    private final class ErrorBuffer: @unchecked Sendable {
        private let lock = NSLock()
        private var _data = Data()
        private var _done = false
        var data: Data {
            get { lock.withLock { _data } }
            set { lock.withLock { _data = newValue; _done = true } }
        }
        var done: Bool { lock.withLock { _done } }
    }
}
