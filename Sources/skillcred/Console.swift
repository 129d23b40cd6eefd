import Foundation

/// Where a command writes and reads: the process's standard streams, or — for commands run in-process by tests —
/// buffers. Commands never touch `FileHandle.standard…` or `print` directly, so a test can run one and read
/// what it said.
struct Console: Sendable {
    /// Writes bytes to standard output (unbuffered: a banner or a token reaches a pipe at once).
    let writeOutput: @Sendable ([UInt8]) -> Void
    /// Writes bytes to standard error.
    let writeError: @Sendable ([UInt8]) -> Void
    /// Reads standard input to its end.
    let readInput: @Sendable () -> [UInt8]
    /// Whether standard output is a terminal (colour, progress).
    let outputIsTerminal: Bool
    /// Whether standard error is a terminal (progress bars).
    let errorIsTerminal: Bool

    /// The process's own streams.
    static let standard = Console(
        writeOutput: { FileHandle.standardOutput.write(Data($0)) },
        writeError: { FileHandle.standardError.write(Data($0)) },
        readInput: { Array(FileHandle.standardInput.readDataToEndOfFile()) },
        outputIsTerminal: isatty(STDOUT_FILENO) == 1,
        errorIsTerminal: isatty(STDERR_FILENO) == 1)

    /// The console of the running command: the standard one, unless a test bound another for its task.
    @TaskLocal static var current = Console.standard
}

/// Prints a line to the command's standard output.
func say(_ line: String) {
    Console.current.writeOutput(Array((line + "\n").utf8))
}

/// Prints a line to the command's standard error (notes, warnings, progress — never the result).
func note(_ line: String) {
    Console.current.writeError(Array((line + "\n").utf8))
}

/// Writes text to standard output as it is (no newline added).
func emit(_ text: String) {
    Console.current.writeOutput(Array(text.utf8))
}
