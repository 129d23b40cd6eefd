import CredentialJSON
import Synchronization

/// The container kinds a term may declare (`@container`).
public struct ContainerSet: OptionSet, Sendable, Hashable {
    /// The bit set.
    public let rawValue: UInt8
    /// A set from its bits.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// `@container: @graph`.
    public static let graph = ContainerSet(rawValue: 1 << 0)
    /// `@container: @id`.
    public static let id = ContainerSet(rawValue: 1 << 1)
    /// `@container: @index`.
    public static let index = ContainerSet(rawValue: 1 << 2)
    /// `@container: @language`.
    public static let language = ContainerSet(rawValue: 1 << 3)
    /// `@container: @list`.
    public static let list = ContainerSet(rawValue: 1 << 4)
    /// `@container: @set`.
    public static let set = ContainerSet(rawValue: 1 << 5)
    /// `@container: @type`.
    public static let type = ContainerSet(rawValue: 1 << 6)

    static let all: [(ContainerSet, String)] = [
        (.graph, "@graph"), (.id, "@id"), (.index, "@index"), (.language, "@language"),
        (.list, "@list"), (.set, "@set"), (.type, "@type"),
    ]

    init?(keyword: String) {
        guard let match = ContainerSet.all.first(where: { $0.1 == keyword }) else { return nil }
        self = match.0
    }

    /// The keywords in a fixed order (`@graph`, `@id`, `@index`, `@language`, `@list`, `@set`, `@type`).
    public var keywords: [String] { ContainerSet.all.filter { contains($0.0) }.map(\.1) }
}

/// One term's definition in an active context (spec §4.2 "Create Term Definition").
///
/// Everything is readable so that tests can compare processed contexts term by term.
public struct TermDefinition: Sendable, Hashable {
    /// The IRI mapping: an absolute IRI, blank node identifier or keyword; nil for a null-mapped term.
    public internal(set) var iri: String?
    /// Whether the term may be used as the prefix of a compact IRI.
    public internal(set) var prefix: Bool = false
    /// Whether redefining the term is an error (`@protected`).
    public internal(set) var isProtected: Bool = false
    /// Whether the term is a reverse property (`@reverse`).
    public internal(set) var isReverse: Bool = false
    /// The expanded `@type` coercion: an IRI or `@id`, `@vocab`, `@json`, `@none`.
    public internal(set) var typeMapping: String?
    /// The container kinds.
    public internal(set) var container: ContainerSet = []
    /// `@language` when the definition has one; nil when absent or null (see ``hasLanguageMapping``).
    public internal(set) var language: String?
    /// Whether the definition sets `@language` (possibly to null, which overrides the default language).
    public internal(set) var hasLanguageMapping: Bool = false
    /// `@direction` (`ltr`/`rtl`) when the definition has one; nil when absent or null.
    public internal(set) var direction: String?
    /// Whether the definition sets `@direction` (possibly to null).
    public internal(set) var hasDirectionMapping: Bool = false
    /// The `@nest` value.
    public internal(set) var nestValue: String?
    /// The `@index` property (unexpanded) of an index map.
    public internal(set) var indexMapping: String?
    /// The scoped context (`@context`), unprocessed.
    public var localContext: JSONValue? { scopedContext?.value }
    /// The scoped context in a shared box: its identity keys the context cache, so applying it
    /// costs no hashing of the context's JSON.
    var scopedContext: ScopedContext?
    /// The base URL the scoped context is resolved against.
    public internal(set) var baseURL: String?

    /// An empty definition (no IRI mapping).
    public init() {}

    /// The `@container` keywords, nil when the definition has none.
    public var containerMapping: [String]? { container.isEmpty ? nil : container.keywords }
    /// Whether the definition has a scoped context.
    public var hasLocalContext: Bool { localContext != nil }

    /// Equality ignoring `@protected`, as the protected-term check needs (spec §4.2.2 step 27).
    func sameDefinition(as other: TermDefinition) -> Bool {
        var a = self, b = other
        a.isProtected = false
        b.isProtected = false
        return a == b
    }
}

/// A scoped context shared by every copy of the term definition that holds it.
final class ScopedContext: Sendable, Hashable {
    let value: JSONValue
    init(_ value: JSONValue) { self.value = value }
    static func == (lhs: ScopedContext, rhs: ScopedContext) -> Bool { lhs === rhs || lhs.value == rhs.value }
    func hash(into hasher: inout Hasher) { hasher.combine(value) }
}

private let contextIdentities = Atomic<UInt64>(1)

/// A processed context (spec §4.1): term definitions plus base IRI, vocabulary mapping, default
/// language and direction.
///
/// Each processed context gets an identity so that processing the same local context on top of it
/// can be served from a ``ContextCache``.
public struct ActiveContext: Sendable {
    /// Term → definition.
    public internal(set) var termDefinitions: [String: TermDefinition] = [:]
    /// The current base IRI (`@base`).
    public internal(set) var baseIRI: String?
    /// The document's base URL before any `@base`.
    public internal(set) var originalBaseURL: String?
    /// `@vocab`.
    public internal(set) var vocabularyMapping: String?
    /// `@language`.
    public internal(set) var defaultLanguage: String?
    /// `@direction`.
    public internal(set) var defaultBaseDirection: String?

    final class Previous: Sendable {
        let context: ActiveContext
        init(_ context: ActiveContext) { self.context = context }
    }

    var previous: Previous?
    /// 0 for initial contexts (their content is just the base), unique otherwise.
    var identity: UInt64 = 0

    /// A new, empty active context whose base IRI and original base URL are `base`.
    public init(base: String?) {
        baseIRI = base
        originalBaseURL = base
    }

    /// The context that applies again to new node objects when a type-scoped context does not propagate.
    public var previousContext: ActiveContext? { previous?.context }

    /// The definition of a term.
    public subscript(term: String) -> TermDefinition? { termDefinitions[term] }

    var hasProtectedTerms: Bool { termDefinitions.values.contains(where: \.isProtected) }

    mutating func assignNewIdentity() {
        identity = contextIdentities.add(1, ordering: .relaxed).newValue
    }
}
