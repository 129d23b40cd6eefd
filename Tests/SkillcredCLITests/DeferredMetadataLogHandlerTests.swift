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

    @Test("A metadata provider's values come after the logger's and before the line's own, as in StreamLogHandler")
    func providerMetadataIsMergedInTheStreamHandlersOrder() {
        let record = RecordedLines()
        let provider = Logger.MetadataProvider { ["trace": "t-1", "path": "from-provider"] }
        var logger = Logger(label: "test") { _ in DeferredMetadataLogHandler(RecordingHandler(record: record), metadataProvider: provider) }
        logger[metadataKey: "path"] = "/healthz"
        logger[metadataKey: "trace"] = "logger"
        logger.info("one")
        logger.info("two", metadata: ["trace": "own"])
        let lines = record.lines.withLock { $0 }
        #expect(lines.first?.metadata == ["trace": "t-1", "path": "from-provider"])
        #expect(lines.last?.metadata == ["trace": "own", "path": "from-provider"])
    }
}
