import CredentialJSON
import Synchronization

/// A thread-safe cache of loaded remote contexts and of processed contexts.
///
/// Processing the same `@context` on top of the same active context gives the same result, so a
/// batch of credentials sharing their contexts pays for context processing (including scoped
/// contexts met during expansion) once. Share one cache across calls that use the same document
/// loader; a cache filled through one loader would otherwise answer for another.
///
/// When an area holds ``maxEntries`` entries it is emptied before the next insertion, which
/// bounds memory without bookkeeping on the hot path.
public final class ContextCache: Sendable {
    /// Counters for tests and benchmarks.
    public struct Statistics: Sendable, Hashable {
        /// Remote documents served from the cache.
        public var documentHits = 0
        /// Remote documents fetched from the loader.
        public var documentLoads = 0
        /// Context processing results served from the cache.
        public var contextHits = 0
        /// Context processing results computed.
        public var contextMisses = 0
    }

    /// A local context: by value, or by the identity of a term definition's scoped context.
    enum LocalContextKey: Hashable {
        case value(JSONValue)
        case scoped(ScopedContext)

        static func == (lhs: LocalContextKey, rhs: LocalContextKey) -> Bool {
            switch (lhs, rhs) {
            case (.value(let a), .value(let b)): return a == b
            case (.scoped(let a), .scoped(let b)): return a === b
            default: return false
            }
        }

        func hash(into hasher: inout Hasher) {
            switch self {
            case .value(let v): hasher.combine(v)
            case .scoped(let box): hasher.combine(ObjectIdentifier(box))
            }
        }
    }

    struct ProcessedKey: Hashable {
        var activeIdentity: UInt64
        var activeBase: String?
        var localContext: LocalContextKey
        var baseURL: String?
        var flags: UInt8
    }

    private struct State {
        var documents: [String: RemoteDocument] = [:]
        var processed: [ProcessedKey: ActiveContext] = [:]
        var statistics = Statistics()
    }

    private let state = Mutex(State())
    /// Largest number of entries kept per area (documents, processed contexts).
    public let maxEntries: Int

    /// A cache holding at most `maxEntries` documents and `maxEntries` processed contexts.
    public init(maxEntries: Int = 2048) {
        self.maxEntries = max(1, maxEntries)
    }

    /// The counters so far.
    public var statistics: Statistics { state.withLock { $0.statistics } }

    /// Empties the cache and resets the counters.
    public func removeAll() {
        state.withLock { $0 = State() }
    }

    /// Puts a document in the cache ahead of use (e.g. bundled contexts).
    public func preload(_ document: RemoteDocument, for url: String) {
        state.withLock { s in
            if s.documents.count >= maxEntries { s.documents.removeAll() }
            s.documents[url] = document
        }
    }

    func document(for url: String) -> RemoteDocument? {
        state.withLock { s in
            let d = s.documents[url]
            if d != nil { s.statistics.documentHits += 1 }
            return d
        }
    }

    func storeLoaded(_ document: RemoteDocument, for url: String) {
        state.withLock { s in
            s.statistics.documentLoads += 1
            if s.documents.count >= maxEntries { s.documents.removeAll() }
            s.documents[url] = document
        }
    }

    func processed(_ key: ProcessedKey) -> ActiveContext? {
        state.withLock { s in
            if let c = s.processed[key] {
                s.statistics.contextHits += 1
                return c
            }
            s.statistics.contextMisses += 1
            return nil
        }
    }

    func storeProcessed(_ context: ActiveContext, for key: ProcessedKey) {
        state.withLock { s in
            if s.processed.count >= maxEntries { s.processed.removeAll() }
            s.processed[key] = context
        }
    }
}
