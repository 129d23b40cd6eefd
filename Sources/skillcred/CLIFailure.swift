import ArgumentParser
import CredentialVerification
import Foundation

/// A failure the CLI reports as one line on standard error with a chosen exit status.
///
/// Exit statuses: 1 means "checked and found wrong" (e.g. a proof that does not verify),
/// 2 means the input could not be used (unreadable file, bad JSON, bad option).
struct CLIFailure: Error, CustomStringConvertible {
    let message: String
    let status: Int32

    init(_ message: String, status: Int32 = 2) {
        self.message = message
        self.status = status
    }

    var description: String { message }
}

extension CLIFailure {
    /// Prints the message and exits with the failure's status.
    func exit() -> Never {
        // File names and messages can quote input: control characters are shown, never sent to the terminal.
        FileHandle.standardError.write(Data(("skillcred: " + TerminalRenderer.visible(message) + "\n").utf8))
        Foundation.exit(status)
    }
}

/// Reads a file, or standard input for `-`, naming the file when it cannot be read.
func readInput(_ path: String) throws(CLIFailure) -> [UInt8] {
    if path == "-" {
        return Array(FileHandle.standardInput.readDataToEndOfFile())
    }
    guard let data = FileManager.default.contents(atPath: path) else {
        throw CLIFailure("\(path): cannot read file")
    }
    return Array(data)
}

/// Writes a command's output file. A regular file (or a new one) is written beside it and renamed into place, so
/// readers never see half of it; anything else that exists — `/dev/null`, `/dev/stdout`, a FIFO — is written to in
/// place, because a rename would replace the device node itself (as root, `/dev/null` would become a plain file).
func writeOutput(_ bytes: [UInt8], to path: String) throws(CLIFailure) {
    try writeOutput(to: path) { try $0.write(contentsOf: Data(bytes)) }
}

/// Writes a command's output file through `write`, by the rules of ``writeOutput(_:to:)``.
func writeOutput(to path: String, _ write: (FileHandle) throws -> Void) throws(CLIFailure) {
    let target = URL(fileURLWithPath: path).resolvingSymlinksInPath()
    var info = stat()
    let inPlace = stat(target.path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFREG
    let file = inPlace ? target : target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).\(UUID().uuidString).tmp")
    do {
        if !inPlace { guard FileManager.default.createFile(atPath: file.path, contents: nil) else { throw CocoaError(.fileWriteNoPermission) } }
        guard let handle = FileHandle(forWritingAtPath: file.path) else { throw CocoaError(.fileWriteNoPermission) }
        defer { try? handle.close() }
        try write(handle)
        if !inPlace {
            try handle.synchronize()
            guard rename(file.path, target.path) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        }
    } catch {
        if !inPlace { try? FileManager.default.removeItem(at: file) }
        throw CLIFailure("\(path): cannot write: \(error.localizedDescription)")
    }
}
