import Foundation

/// Runs an external tool the tests drive (openssl, faketime) and returns what it printed; throws with that output
/// when it exits non-zero, so a failing step names itself.
public enum ExternalTool {
    /// A tool that exited non-zero.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs `executable ARGUMENTS` in `directory`, standard input closed, standard output and error captured together.
    @discardableResult
    public static func run(_ executable: URL, _ arguments: [String], in directory: URL,
                           environment: [String: String] = [:]) throws -> String {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "\(executable.lastPathComponent) \(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(output)")
        }
        return output
    }
}
