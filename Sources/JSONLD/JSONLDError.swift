import CredentialJSON

/// A JSON-LD processing failure with the error code string defined by the W3C
/// "JSON-LD 1.1 Processing Algorithms and API" (e.g. `invalid context entry`), or a
/// `safe mode: …` code when safe mode refused to drop data silently.
///
/// Equality compares only ``code`` so tests and callers can match on the kind of failure.
public struct JSONLDError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable error code; the raw value is the spec's error string.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }
        public var description: String { rawValue }

        /// Whether this code comes from safe mode rather than from the JSON-LD specification.
        public var isSafeMode: Bool { rawValue.hasPrefix("safe mode:") }

        // Codes from the JSON-LD 1.1 API specification (§9.4.2 JsonLdErrorCode).
        public static let collidingKeywords: Code = "colliding keywords"
        public static let conflictingIndexes: Code = "conflicting indexes"
        public static let contextOverflow: Code = "context overflow"
        public static let cyclicIRIMapping: Code = "cyclic IRI mapping"
        public static let invalidIdValue: Code = "invalid @id value"
        public static let invalidImportValue: Code = "invalid @import value"
        public static let invalidIncludedValue: Code = "invalid @included value"
        public static let invalidIndexValue: Code = "invalid @index value"
        public static let invalidNestValue: Code = "invalid @nest value"
        public static let invalidPrefixValue: Code = "invalid @prefix value"
        public static let invalidPropagateValue: Code = "invalid @propagate value"
        public static let invalidProtectedValue: Code = "invalid @protected value"
        public static let invalidReverseValue: Code = "invalid @reverse value"
        public static let invalidVersionValue: Code = "invalid @version value"
        public static let invalidBaseDirection: Code = "invalid base direction"
        public static let invalidBaseIRI: Code = "invalid base IRI"
        public static let invalidContainerMapping: Code = "invalid container mapping"
        public static let invalidContextEntry: Code = "invalid context entry"
        public static let invalidContextNullification: Code = "invalid context nullification"
        public static let invalidDefaultLanguage: Code = "invalid default language"
        public static let invalidIRIMapping: Code = "invalid IRI mapping"
        public static let invalidJSONLiteral: Code = "invalid JSON literal"
        public static let invalidKeywordAlias: Code = "invalid keyword alias"
        public static let invalidLanguageMapValue: Code = "invalid language map value"
        public static let invalidLanguageMapping: Code = "invalid language mapping"
        public static let invalidLanguageTaggedString: Code = "invalid language-tagged string"
        public static let invalidLanguageTaggedValue: Code = "invalid language-tagged value"
        public static let invalidLocalContext: Code = "invalid local context"
        public static let invalidRemoteContext: Code = "invalid remote context"
        public static let invalidReverseProperty: Code = "invalid reverse property"
        public static let invalidReversePropertyMap: Code = "invalid reverse property map"
        public static let invalidReversePropertyValue: Code = "invalid reverse property value"
        public static let invalidScopedContext: Code = "invalid scoped context"
        public static let invalidSetOrListObject: Code = "invalid set or list object"
        public static let invalidTermDefinition: Code = "invalid term definition"
        public static let invalidTypeMapping: Code = "invalid type mapping"
        public static let invalidTypeValue: Code = "invalid type value"
        public static let invalidTypedValue: Code = "invalid typed value"
        public static let invalidValueObject: Code = "invalid value object"
        public static let invalidValueObjectValue: Code = "invalid value object value"
        public static let invalidVocabMapping: Code = "invalid vocab mapping"
        public static let iriConfusedWithPrefix: Code = "IRI confused with prefix"
        public static let keywordRedefinition: Code = "keyword redefinition"
        public static let loadingDocumentFailed: Code = "loading document failed"
        public static let loadingRemoteContextFailed: Code = "loading remote context failed"
        public static let processingModeConflict: Code = "processing mode conflict"
        public static let protectedTermRedefinition: Code = "protected term redefinition"
        public static let recursiveContextInclusion: Code = "recursive context inclusion"
        /// JSON-LD 1.0 only: a list inside a list.
        public static let listOfLists: Code = "list of lists"

        /// A configured ``JSONLDLimits`` value was exceeded (not a spec code).
        public static let limitExceeded: Code = "limit exceeded"

        // Safe mode: each names a way the spec would silently drop or keep questionable data.
        /// A key that expands to neither an absolute IRI nor a keyword (undefined or null-mapped term).
        public static let safeModeDroppedTerm: Code = "safe mode: dropped term"
        /// A `@type` value that is not an absolute IRI after expansion.
        public static let safeModeRelativeType: Code = "safe mode: relative @type reference"
        /// A `@type` value with the form of a keyword that is not one, which expansion drops.
        public static let safeModeReservedType: Code = "safe mode: reserved @type value"
        /// An `@id` (or an `@id`-coerced value) that stays relative because there is no base IRI.
        public static let safeModeRelativeId: Code = "safe mode: relative @id reference"
        /// An `@id` with the form of a keyword that is not one, which expansion drops.
        public static let safeModeReservedId: Code = "safe mode: reserved @id value"
        /// An `@reverse` with the form of a keyword that is not one, which context processing ignores.
        public static let safeModeReservedReverse: Code = "safe mode: reserved @reverse value"
        /// A context term with the form of a keyword (`@foo`), which context processing ignores.
        public static let safeModeReservedTerm: Code = "safe mode: reserved term"
        /// A relative `@vocab`, resolved against the base IRI instead of naming a vocabulary.
        public static let safeModeRelativeVocab: Code = "safe mode: relative @vocab reference"
        /// A scalar outside any property (top level or directly in `@graph`), which expansion drops.
        public static let safeModeFreeFloatingScalar: Code = "safe mode: free-floating scalar"
        /// A value or list object outside any property, which expansion drops.
        public static let safeModeFreeFloatingValue: Code = "safe mode: free-floating value"
        /// A node object with nothing but `@id` outside any property, which expansion drops.
        public static let safeModeObjectWithOnlyId: Code = "safe mode: object with only @id"
        /// An empty object outside any property, which expansion drops.
        public static let safeModeEmptyObject: Code = "safe mode: empty object"
        /// An object whose only member is `@language`, which expansion drops.
        public static let safeModeObjectWithOnlyLanguage: Code = "safe mode: object with only @language"
        /// A value object whose `@value` is null, which expansion drops.
        public static let safeModeNullValue: Code = "safe mode: null @value value"
        /// A language tag that is not well-formed BCP 47, which the spec keeps with a warning.
        public static let safeModeInvalidLanguage: Code = "safe mode: invalid @language value"
    }

    /// What kind of failure this is.
    public let code: Code
    /// A human-readable explanation naming the offending value.
    public let message: String
    /// Where in the input document the problem was found, when known.
    public let path: JSONPath?

    public init(_ code: Code, _ message: String, path: JSONPath? = nil) {
        self.code = code
        self.message = message
        self.path = path
    }

    public var description: String {
        if let path { return "\(code.rawValue) at \(path): \(message)" }
        return "\(code.rawValue): \(message)"
    }

    public static func == (lhs: JSONLDError, rhs: JSONLDError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
