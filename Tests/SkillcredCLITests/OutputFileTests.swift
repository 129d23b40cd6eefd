import Foundation
import TestSupport
import Testing

/// Output options must never rename over something that is not a regular file: as root, `-o /dev/null` once turned
/// the device into a plain file. A FIFO stands in for the device here.
@Suite("Output files: devices and FIFOs are written to, never replaced")
struct OutputFileTests {
    /// Runs `arguments` (with `{}` replaced by a FIFO's path) while another thread drains the FIFO; returns what it read.
    func throughFIFO(_ arguments: [String]) async throws -> (CLIOutput, String, Bool) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-fifo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("out").path
        #expect(mkfifo(fifo, 0o600) == 0)
        final class Box: @unchecked Sendable { var data = Data(); let done = DispatchSemaphore(value: 0) }
        let box = Box()
        let reader = Thread {
            if let handle = FileHandle(forReadingAtPath: fifo) { box.data = handle.readDataToEndOfFile() }
            box.done.signal()
        }
        reader.start()
        let output = try await SkillcredCLI.run(arguments.map { $0 == "{}" ? fifo : $0 })
        _ = box.done.wait(timeout: .now() + 30)
        var info = stat()
        let stillFIFO = stat(fifo, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO
        return (output, String(decoding: box.data, as: UTF8.self), stillFIFO)
    }

    @Test("seal -o and verify --html write into a FIFO and leave it a FIFO")
    func fifoStaysAFIFO() async throws {
        let demo = try await DemoDataDirectory()
        let (sealed, sealedText, sealFIFO) = try await throughFIFO([
            "seal", "--key", demo.sealKey, "--cert", demo.sealCert,
            "-o", "{}", "samples/vc2-small.json",
        ])
        #expect(sealed.status == 0, "\(sealed.stderr)")
        #expect(sealedText.contains("\"signatures\""))
        #expect(sealFIFO)
        let (verified, html, htmlFIFO) = try await throughFIFO(["verify", "--html", "{}", "samples/vc2-small.json"])
        #expect(verified.status != 2, "\(verified.stderr)")
        #expect(html.contains("<!DOCTYPE html>") && html.contains("</html>"))
        #expect(htmlFIFO)
    }
}
