import Logging
import Synchronization
import Testing

@testable import skillcred

/// What the wrapped handler was asked: the lines it got and how often its own metadata was set.
final class RecordedLines: Sendable {
    let lines = Mutex<[(level: Logger.Level, message: String, metadata: Logger.Metadata?)]>([])
    let metadataSets = Mutex(0)
}

struct RecordingHandler: LogHandler {
    let record: RecordedLines
    var logLevel: Logger.Level = .info
    var metadataProvider: Logger.MetadataProvider?
    var metadata: Logger.Metadata = [:] {
        didSet { record.metadataSets.withLock { $0 += 1 } }
    }
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
        record.lines.withLock { $0.append((event.level, "\(event.message)", event.metadata)) }
    }
}

@Suite("serve's log handler")
struct DeferredMetadataLogHandlerTests {
    @Test("A logger's metadata reaches the stream handler only with a line, merged under the line's own; levels filter as before")
    func metadataIsHandedOverWithEachLine() {
        let record = RecordedLines()
        var logger = Logger(label: "test") { _ in DeferredMetadataLogHandler(RecordingHandler(record: record)) }
        logger.logLevel = .warning
        logger[metadataKey: "hb.request.id"] = "7"
        logger[metadataKey: "path"] = "/healthz"
        logger.info("filtered out")
        logger.warning("slow", metadata: ["path": "/credentials/verify", "ms": "900"])
        logger.error("failed")

        #expect(record.metadataSets.withLock { $0 } == 0)
        let lines = record.lines.withLock { $0 }
        #expect(lines.map(\.message) == ["slow", "failed"])
        #expect(lines.map(\.level) == [.warning, .error])
        #expect(lines.first?.metadata == ["hb.request.id": "7", "path": "/credentials/verify", "ms": "900"])
        #expect(lines.last?.metadata == ["hb.request.id": "7", "path": "/healthz"])
    }
}
