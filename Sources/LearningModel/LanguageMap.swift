import CredentialJSON

/// A multilingual text: language tag → text, in the order the entries were given.
///
/// EDC writes every human-readable text as a JSON-LD language map (`{"en": "…", "fr": "…"}`);
/// keeping the order makes encoding deterministic and round-trips files byte-for-byte in member order.
public struct LanguageMap: Sendable, Hashable, ExpressibleByDictionaryLiteral, Sequence {
    public typealias Entry = (language: String, text: String)

    /// The entries in order; a language appears at most once.
    public private(set) var entries: [Entry]

    /// An empty map.
    public init() { entries = [] }

    /// A map from ordered entries; a later entry for the same language replaces the earlier one.
    public init(_ entries: [Entry]) {
        self.entries = []
        for entry in entries { self[entry.language] = entry.text }
    }

    /// A map with a single text.
    public init(_ language: String, _ text: String) { entries = [(language, text)] }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements.map { (language: $0.0, text: $0.1) })
    }

    /// The text in a language; setting `nil` removes it, a new language is appended.
    public subscript(language: String) -> String? {
        get { entries.first(where: { $0.language == language })?.text }
        set {
            if let position = entries.firstIndex(where: { $0.language == language }) {
                if let newValue { entries[position].text = newValue } else { entries.remove(at: position) }
            } else if let newValue {
                entries.append((language, newValue))
            }
        }
    }

    /// The languages in order.
    public var languages: [String] { entries.map(\.language) }
    public var isEmpty: Bool { entries.isEmpty }
    public var count: Int { entries.count }

    /// The text in the first available of `preferred`, else the first entry.
    public func text(preferring preferred: [String] = ["en"]) -> String? {
        for language in preferred { if let text = self[language] { return text } }
        return entries.first?.text
    }

    public func makeIterator() -> IndexingIterator<[Entry]> { entries.makeIterator() }

    public static func == (lhs: LanguageMap, rhs: LanguageMap) -> Bool {
        lhs.entries.count == rhs.entries.count && zip(lhs.entries, rhs.entries).allSatisfy { $0 == $1 }
    }

    public func hash(into hasher: inout Hasher) {
        for entry in entries { hasher.combine(entry.language); hasher.combine(entry.text) }
    }

    /// The JSON-LD language map.
    public var jsonValue: JSONValue {
        .object(JSONObject(entries.map { (key: $0.language, value: JSONValue.string($0.text)) }))
    }

    /// Reads a language map whose values are all strings; anything else is not a plain language map.
    public init?(json: JSONValue) {
        guard let object = json.objectValue else { return nil }
        var entries: [Entry] = []
        entries.reserveCapacity(object.count)
        for member in object {
            guard let text = member.value.stringValue else { return nil }
            entries.append((member.key, text))
        }
        self.entries = entries
    }
}
