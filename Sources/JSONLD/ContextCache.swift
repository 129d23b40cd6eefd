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

    /// Processed contexts with more term definitions than this are not kept (they serve only the call that made them).
    public let maxCachedTermDefinitions: Int
    /// Processed contexts made from an inline context larger than this (UTF-8 bytes of its keys and strings) are
    /// not kept either: the key holds the inline context itself.
    public let maxCachedInlineContextBytes: Int

    /// A cache holding at most `maxEntries` documents and `maxEntries` processed contexts, each processed context
    /// of at most `maxCachedTermDefinitions` terms made from an inline context of at most
    /// `maxCachedInlineContextBytes`. Without the last two, a stream of requests each with its own large inline
    /// context filled a process-wide cache with up to 2,048 of them (5.5 MB each for 9,000 terms: 11 GB).
    public init(maxEntries: Int = 2048, maxCachedTermDefinitions: Int = 4096, maxCachedInlineContextBytes: Int = 64 * 1024) {
        self.maxEntries = max(1, maxEntries)
        self.maxCachedTermDefinitions = maxCachedTermDefinitions
        self.maxCachedInlineContextBytes = maxCachedInlineContextBytes
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

    /// Whether a processed context is small enough, and made from a small enough local context, to keep.
    func keeps(_ context: ActiveContext, for key: ProcessedKey) -> Bool {
        guard context.termDefinitions.count <= maxCachedTermDefinitions else { return false }
        guard case .value(let local) = key.localContext else { return true }
        var budget = maxCachedInlineContextBytes
        return Self.fits(local, within: &budget)
    }

    /// Whether the keys and strings of `value` add up to at most `budget` bytes; stops as soon as they do not.
    private static func fits(_ value: JSONValue, within budget: inout Int) -> Bool {
        switch value {
        case .string(let text): budget -= text.utf8.count
        case .array(let items):
            for item in items {
                if !fits(item, within: &budget) { return false }
            }
        case .object(let object):
            for member in object {
                budget -= member.key.utf8.count
                if budget < 0 || !fits(member.value, within: &budget) { return false }
            }
        default: budget -= 8
        }
        return budget >= 0
    }

    func storeProcessed(_ context: ActiveContext, for key: ProcessedKey) {
        processedContexts.store(context, for: key)
    }
}
