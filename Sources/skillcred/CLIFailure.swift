import ArgumentParser
import CredentialJSON
import CredentialVerification
import Foundation

/// A failure the CLI reports as one line on standard error with a chosen exit status.
///
/// Commands throw it; only ``Skillcred/main()`` turns it into a message and an exit status, so `defer` blocks run
/// and a test can run a command in-process. Exit statuses: 1 means "checked and found wrong" (e.g. a proof that
/// does not verify), 2 means the input could not be used (unreadable file, bad JSON, a key that does not load).
/// Options the command line itself gets wrong are ArgumentParser's usage errors (64, with the usage line).
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
    /// Prints the message as the one line `skillcred:` reports a failure with.
    func report() {
        // File names and messages can quote input: control characters are shown, never sent to the terminal.
        note("skillcred: " + TerminalRenderer.visible(message))
    }
}

/// Reads a file, or standard input for `-`, naming the file when it cannot be read.
func readInput(_ path: String) throws(CLIFailure) -> [UInt8] {
    if path == "-" {
        return Console.current.readInput()
    }
    guard let data = FileManager.default.contents(atPath: path) else {
        throw CLIFailure("\(path): cannot read file")
    }
    return Array(data)
}

/// Reads and parses a JSON file (or `-`), naming the file and the line of a syntax error.
func readJSON(_ path: String) throws(CLIFailure) -> JSONValue {
    let bytes = try readInput(path)
    do {
        return try JSONParser.parse(bytes)
    } catch {
        throw CLIFailure("\(path): line \(error.line):\(error.column): \(error.message)")
    }
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

/// A key readable by other users is a leak waiting to happen; say so, but do not refuse.
func warnIfReadableByOthers(_ path: String) {
    guard path != "-", let attributes = try? FileManager.default.attributesOfItem(atPath: path),
        let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 != 0
    else { return }
    note("skillcred: warning: \(path) is readable by other users (mode \(String(mode, radix: 8))); run chmod 600 \(path)")
}
