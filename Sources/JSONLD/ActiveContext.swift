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
///
/// The fields live in one copy-on-write box: expansion looks definitions up several times per
/// member, and copying a dozen strings (a retain and release each) out of the dictionary every
/// time was a measurable share of expansion.
public struct TermDefinition: Sendable, Hashable {
    struct Fields: Hashable {
        var iri: String?
        var prefix = false
        var isProtected = false
        var isReverse = false
        var typeMapping: String?
        var container: ContainerSet = []
        var language: String?
        var hasLanguageMapping = false
        var direction: String?
        var hasDirectionMapping = false
        var nestValue: String?
        var indexMapping: String?
        var scopedContext: ScopedContext?
        var baseURL: String?
    }

    // Mutated only through `mutate`, which copies it first unless this value holds the only reference.
    final class Box: @unchecked Sendable {
        var fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private var box: Box

    @inline(__always)
    private mutating func mutate(_ change: (inout Fields) -> Void) {
        if !isKnownUniquelyReferenced(&box) { box = Box(box.fields) }
        change(&box.fields)
    }

    /// The IRI mapping: an absolute IRI, blank node identifier or keyword; nil for a null-mapped term.
    public internal(set) var iri: String? {
        get { box.fields.iri }
        set { mutate { $0.iri = newValue } }
    }
    /// Whether the term may be used as the prefix of a compact IRI.
    public internal(set) var prefix: Bool {
        get { box.fields.prefix }
        set { mutate { $0.prefix = newValue } }
    }
    /// Whether redefining the term is an error (`@protected`).
    public internal(set) var isProtected: Bool {
        get { box.fields.isProtected }
        set { mutate { $0.isProtected = newValue } }
    }
    /// Whether the term is a reverse property (`@reverse`).
    public internal(set) var isReverse: Bool {
        get { box.fields.isReverse }
        set { mutate { $0.isReverse = newValue } }
    }
    /// The expanded `@type` coercion: an IRI or `@id`, `@vocab`, `@json`, `@none`.
    public internal(set) var typeMapping: String? {
        get { box.fields.typeMapping }
        set { mutate { $0.typeMapping = newValue } }
    }
    /// The container kinds.
    public internal(set) var container: ContainerSet {
        get { box.fields.container }
        set { mutate { $0.container = newValue } }
    }
    /// `@language` when the definition has one; nil when absent or null (see ``hasLanguageMapping``).
    public internal(set) var language: String? {
        get { box.fields.language }
        set { mutate { $0.language = newValue } }
    }
    /// Whether the definition sets `@language` (possibly to null, which overrides the default language).
    public internal(set) var hasLanguageMapping: Bool {
        get { box.fields.hasLanguageMapping }
        set { mutate { $0.hasLanguageMapping = newValue } }
    }
    /// `@direction` (`ltr`/`rtl`) when the definition has one; nil when absent or null.
    public internal(set) var direction: String? {
        get { box.fields.direction }
        set { mutate { $0.direction = newValue } }
    }
    /// Whether the definition sets `@direction` (possibly to null).
    public internal(set) var hasDirectionMapping: Bool {
        get { box.fields.hasDirectionMapping }
        set { mutate { $0.hasDirectionMapping = newValue } }
    }
    /// The `@nest` value.
    public internal(set) var nestValue: String? {
        get { box.fields.nestValue }
        set { mutate { $0.nestValue = newValue } }
    }
    /// The `@index` property (unexpanded) of an index map.
    public internal(set) var indexMapping: String? {
        get { box.fields.indexMapping }
        set { mutate { $0.indexMapping = newValue } }
    }
    /// The scoped context (`@context`), unprocessed.
    public var localContext: JSONValue? { scopedContext?.value }
    /// The scoped context in a shared box: its identity keys the context cache, so applying it
    /// costs no hashing of the context's JSON.
    var scopedContext: ScopedContext? {
        get { box.fields.scopedContext }
        set { mutate { $0.scopedContext = newValue } }
    }
    /// The base URL the scoped context is resolved against.
    public internal(set) var baseURL: String? {
        get { box.fields.baseURL }
        set { mutate { $0.baseURL = newValue } }
    }

    /// An empty definition (no IRI mapping).
    public init() { box = Box(Fields()) }

    public static func == (lhs: TermDefinition, rhs: TermDefinition) -> Bool {
        lhs.box === rhs.box || lhs.box.fields == rhs.box.fields
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(box.fields) }

    /// The `@container` keywords, nil when the definition has none.
    public var containerMapping: [String]? { container.isEmpty ? nil : container.keywords }
    /// Whether the definition has a scoped context.
    public var hasLocalContext: Bool { localContext != nil }

    /// Equality ignoring `@protected`, as the protected-term check needs (spec §4.2.2 step 27).
    func sameDefinition(as other: TermDefinition) -> Bool {
        var mine = box.fields, theirs = other.box.fields
        mine.isProtected = false
        theirs.isProtected = false
        return mine == theirs
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
///
/// Everything but the identity lives in one copy-on-write box: expansion copies the active context
/// for every node object (the type-scoped context, the context before a property-scoped one), and
/// copying seven reference-counted fields cost some 400 instructions a copy and release.
public struct ActiveContext: Sendable {
    struct Fields {
        var termDefinitions: [String: TermDefinition] = [:]
        var baseIRI: String?
        var originalBaseURL: String?
        var vocabularyMapping: String?
        var defaultLanguage: String?
        var defaultBaseDirection: String?
        var longestTerm = 0
        var previous: Previous?
    }

    // Mutated only through `fields`' modify accessor, which copies it first unless this value holds the
    // only reference: so no other thread can be reading it, and Swift's run-time exclusivity checks (a
    // swift_beginAccess on every read) are turned off.
    final class Box: @unchecked Sendable {
        @exclusivity(unchecked) var fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private var box: Box

    /// The fields, for reading; or for changing in place, after the box is made unique.
    private var fields: Fields {
        @inline(__always) get { box.fields }
        @inline(__always) _modify {
            if !isKnownUniquelyReferenced(&box) { box = Box(box.fields) }
            yield &box.fields
        }
    }

    /// Term → definition.
    public internal(set) var termDefinitions: [String: TermDefinition] {
        get { box.fields.termDefinitions }
        _modify { yield &fields.termDefinitions }
    }
    /// The current base IRI (`@base`).
    public internal(set) var baseIRI: String? {
        get { box.fields.baseIRI }
        _modify { yield &fields.baseIRI }
    }
    /// The document's base URL before any `@base`.
    public internal(set) var originalBaseURL: String? {
        get { box.fields.originalBaseURL }
        _modify { yield &fields.originalBaseURL }
    }
    /// `@vocab`.
    public internal(set) var vocabularyMapping: String? {
        get { box.fields.vocabularyMapping }
        _modify { yield &fields.vocabularyMapping }
    }
    /// `@language`.
    public internal(set) var defaultLanguage: String? {
        get { box.fields.defaultLanguage }
        _modify { yield &fields.defaultLanguage }
    }
    /// `@direction`.
    public internal(set) var defaultBaseDirection: String? {
        get { box.fields.defaultBaseDirection }
        _modify { yield &fields.defaultBaseDirection }
    }

    final class Previous: Sendable {
        let context: ActiveContext
        init(_ context: ActiveContext) { self.context = context }
    }

    /// The length in UTF-8 bytes of the longest term ever defined in this context (an upper bound: removing a
    /// term keeps it). A longer string, as most IRIs are, has no definition, so its lookup hashes nothing.
    var longestTerm: Int {
        get { box.fields.longestTerm }
        _modify { yield &fields.longestTerm }
    }

    /// The definition of `term`; strings longer than every term are answered without hashing them.
    @inline(__always)
    func definition(_ term: String) -> TermDefinition? {
        term.utf8.count > box.fields.longestTerm ? nil : box.fields.termDefinitions[term]
    }

    /// Defines `term` (or replaces its definition), keeping ``longestTerm`` an upper bound.
    @inline(__always)
    mutating func define(_ term: String, _ definition: TermDefinition) {
        fields.termDefinitions[term] = definition
        fields.longestTerm = max(fields.longestTerm, term.utf8.count)
    }

    var previous: Previous? {
        get { box.fields.previous }
        _modify { yield &fields.previous }
    }
    /// 0 for initial contexts (their content is just the base), unique otherwise.
    var identity: UInt64 = 0

    /// A new, empty active context whose base IRI and original base URL are `base`.
    public init(base: String?) {
        box = Box(Fields(baseIRI: base, originalBaseURL: base))
    }

    /// The context that applies again to new node objects when a type-scoped context does not propagate.
    public var previousContext: ActiveContext? { previous?.context }

    /// The definition of a term.
    public subscript(term: String) -> TermDefinition? { definition(term) }

    var hasProtectedTerms: Bool { termDefinitions.values.contains(where: \.isProtected) }

    mutating func assignNewIdentity() {
        identity = contextIdentities.add(1, ordering: .relaxed).newValue
    }
}
