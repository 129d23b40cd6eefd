import Logging

/// Keeps a logger's metadata itself and hands it to `Inner` only with a line to write.
///
/// swift-log's `StreamLogHandler` formats all of its metadata into a string each time one key is set, and
/// Hummingbird sets a request id on every request's logger: with `skillcred serve` under load that formatting was
/// 1 % of the server's CPU (`perf`), for lines that were almost never written. The lines are the same: the stream
/// handler gets the metadata merged as it merges it (the logger's, then the provider's, then the line's own), as the
/// line's own, and formats it then. The provider is kept here, so `Inner` should have none.
struct DeferredMetadataLogHandler<Inner: LogHandler>: LogHandler {
    var inner: Inner
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(_ inner: Inner, metadataProvider: Logger.MetadataProvider? = nil) {
        self.inner = inner
        self.metadataProvider = metadataProvider
    }

    var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        var merged = metadata
        if let provided = metadataProvider?.get(), !provided.isEmpty { merged.merge(provided) { _, later in later } }
        if let own = event.metadata { merged.merge(own) { _, later in later } }
        event.metadata = merged
        inner.log(event: event)
    }
}
