import Logging

/// Keeps a logger's metadata itself and hands it to `Inner` only with a line to write.
///
/// swift-log's `StreamLogHandler` formats all of its metadata into a string each time one key is set, and
/// Hummingbird sets a request id on every request's logger: with `skillcred serve` under load that formatting was
/// 1 % of the server's CPU (`perf`), for lines that were almost never written. The lines are the same: the stream
/// handler gets the merged metadata as a line's own and formats it then.
struct DeferredMetadataLogHandler<Inner: LogHandler>: LogHandler {
    var inner: Inner
    var metadata: Logger.Metadata = [:]

    init(_ inner: Inner) { self.inner = inner }

    var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { inner.metadataProvider }
        set { inner.metadataProvider = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        // A line's own metadata wins over the logger's, as in StreamLogHandler.
        event.metadata = event.metadata.map { metadata.merging($0) { _, own in own } } ?? metadata
        inner.log(event: event)
    }
}
