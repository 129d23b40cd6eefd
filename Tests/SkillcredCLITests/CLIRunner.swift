import Foundation
import Synchronization
import TestSupport

@testable import skillcred

/// What one run of the `skillcred` executable printed.
struct CLIOutput {
    let status: Int32
    let stdoutData: Data
    let stderr: String
    var stdout: String { String(decoding: stdoutData, as: UTF8.self) }
}

/// Runs `skillcred` commands: in this process (the default), or as the built executable in a directory of the
/// test's own when a command depends on the working directory.
enum SkillcredCLI {
    /// Runs `skillcred ARGUMENTS` in this process, as `main` would, with standard output, standard error and
    /// standard input bound to buffers: the exit status is what the command returns or throws, never an exit.
    static func run(_ arguments: [String], stdin: Data? = nil) async throws -> CLIOutput {
        let out = Mutex([UInt8]()), err = Mutex([UInt8]())
        let input = Array(stdin ?? Data())
        let console = Console(
            writeOutput: { bytes in out.withLock { $0 += bytes } },
            writeError: { bytes in err.withLock { $0 += bytes } },
            readInput: { input }, outputIsTerminal: false, errorIsTerminal: false)
        let status = await Console.$current.withValue(console) { await Skillcred.run(arguments) }
        return CLIOutput(
            status: status, stdoutData: Data(out.withLock { $0 }),
            stderr: String(decoding: err.withLock { $0 }, as: UTF8.self))
    }

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

    /// Runs the built executable, `skillcred ARGUMENTS`, in `directory` (with `environment` added), feeding `stdin`
    /// if given: for what depends on the working directory or the process (a token module, exit on signals).
    static func run(_ arguments: [String], stdin: Data? = nil, in directory: URL, environment: [String: String] = [:]) throws -> CLIOutput {
        guard let binary else { throw MissingBinary() }
        let ended = try ChildProcess.run(
            binary, arguments, in: directory, environment: environment.isEmpty ? nil : ChildProcess.environment(adding: environment),
            input: .bytes(Array(stdin ?? Data())))
        return CLIOutput(status: ended.status, stdoutData: Data(ended.stdout), stderr: ended.stderrText)
    }
}
