import Caching
import CredentialJSON
import Foundation
import Synchronization

/// A thread-safe cache of loaded remote contexts and of processed contexts.
///
/// Processing the same `@context` on top of the same active context gives the same result, so a
/// batch of credentials sharing their contexts pays for context processing (including scoped
/// contexts met during expansion) once. Share one cache across calls that use the same document
/// loader; a cache filled through one loader would otherwise answer for another.
///
/// Each area keeps at most ``maxEntries`` entries (a ``BoundedCache``: the oldest stored goes first).
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
            case (.value(let left), .value(let right)): return left == right
            case (.scoped(let left), .scoped(let right)): return left === right
            default: return false
            }
        }

        func hash(into hasher: inout Hasher) {
            switch self {
            case .value(let value): hasher.combine(value)
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

    private let documents: BoundedCache<String, RemoteDocument>
    private let processedContexts: BoundedCache<ProcessedKey, ActiveContext>
    private let documentLoads = Atomic<Int>(0)
    /// Largest number of entries kept per area (documents, processed contexts).
    public let maxEntries: Int

    /// A cache holding at most `maxEntries` documents and `maxEntries` processed contexts.
    public init(maxEntries: Int = 2048) {
        self.maxEntries = max(1, maxEntries)
        self.documents = BoundedCache(capacity: self.maxEntries)
        self.processedContexts = BoundedCache(capacity: self.maxEntries)
    }

    /// The counters so far.
    public var statistics: Statistics {
        let documentStatistics = documents.statistics, contextStatistics = processedContexts.statistics
        return Statistics(
            documentHits: documentStatistics.hits, documentLoads: documentLoads.load(ordering: .relaxed),
            contextHits: contextStatistics.hits, contextMisses: contextStatistics.misses)
    }

    /// Empties the cache and resets the counters.
    public func removeAll() {
        documents.removeAll()
        processedContexts.removeAll()
        documentLoads.store(0, ordering: .relaxed)
    }

    /// Puts a document in the cache ahead of use (e.g. bundled contexts).
    public func preload(_ document: RemoteDocument, for url: String) {
        documents.store(document, for: url)
    }

    func document(for url: String) -> RemoteDocument? {
        documents.value(for: url)
    }

    func storeLoaded(_ document: RemoteDocument, for url: String) {
        documentLoads.add(1, ordering: .relaxed)
        documents.store(document, for: url)
    }

    func processed(_ key: ProcessedKey) -> ActiveContext? {
        processedContexts.value(for: key)
    }

    func storeProcessed(_ context: ActiveContext, for key: ProcessedKey) {
        processedContexts.store(context, for: key)
    }
}
