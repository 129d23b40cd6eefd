import CredentialJSON

/// A JSON-LD processing failure with the error code string defined by the W3C
/// "JSON-LD 1.1 Processing Algorithms and API" (e.g. `invalid context entry`), or a
/// `safe mode: …` code when safe mode refused to drop data silently.
///
/// Equality compares only ``code`` so tests and callers can match on the kind of failure.
public struct JSONLDError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable error code; the raw value is the spec's error string.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
        /// The code string, e.g. `invalid context entry`.
        public let rawValue: String
        /// A code from its string.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// A code from a string literal.
        public init(stringLiteral value: String) { self.rawValue = value }
        /// The code string.
        public var description: String { rawValue }

        /// Whether this code comes from safe mode rather than from the JSON-LD specification.
        public var isSafeMode: Bool { rawValue.hasPrefix("safe mode:") }

        // Codes from the JSON-LD 1.1 API specification (§9.4.2 JsonLdErrorCode).
        /// The specification's "colliding keywords" error.
        public static let collidingKeywords: Code = "colliding keywords"
        /// The specification's "conflicting indexes" error.
        public static let conflictingIndexes: Code = "conflicting indexes"
        /// The specification's "context overflow" error.
        public static let contextOverflow: Code = "context overflow"
        /// The specification's "cyclic IRI mapping" error.
        public static let cyclicIRIMapping: Code = "cyclic IRI mapping"
        /// The specification's "invalid @id value" error.
        public static let invalidIdValue: Code = "invalid @id value"
        /// The specification's "invalid @import value" error.
        public static let invalidImportValue: Code = "invalid @import value"
        /// The specification's "invalid @included value" error.
        public static let invalidIncludedValue: Code = "invalid @included value"
        /// The specification's "invalid @index value" error.
        public static let invalidIndexValue: Code = "invalid @index value"
        /// The specification's "invalid @nest value" error.
        public static let invalidNestValue: Code = "invalid @nest value"
        /// The specification's "invalid @prefix value" error.
        public static let invalidPrefixValue: Code = "invalid @prefix value"
        /// The specification's "invalid @propagate value" error.
        public static let invalidPropagateValue: Code = "invalid @propagate value"
        /// The specification's "invalid @protected value" error.
        public static let invalidProtectedValue: Code = "invalid @protected value"
        /// The specification's "invalid @reverse value" error.
        public static let invalidReverseValue: Code = "invalid @reverse value"
        /// The specification's "invalid @version value" error.
        public static let invalidVersionValue: Code = "invalid @version value"
        /// The specification's "invalid base direction" error.
        public static let invalidBaseDirection: Code = "invalid base direction"
        /// The specification's "invalid base IRI" error.
        public static let invalidBaseIRI: Code = "invalid base IRI"
        /// The specification's "invalid container mapping" error.
        public static let invalidContainerMapping: Code = "invalid container mapping"
        /// The specification's "invalid context entry" error.
        public static let invalidContextEntry: Code = "invalid context entry"
        /// The specification's "invalid context nullification" error.
        public static let invalidContextNullification: Code = "invalid context nullification"
        /// The specification's "invalid default language" error.
        public static let invalidDefaultLanguage: Code = "invalid default language"
        /// The specification's "invalid IRI mapping" error.
        public static let invalidIRIMapping: Code = "invalid IRI mapping"
        /// The specification's "invalid JSON literal" error.
        public static let invalidJSONLiteral: Code = "invalid JSON literal"
        /// The specification's "invalid keyword alias" error.
        public static let invalidKeywordAlias: Code = "invalid keyword alias"
        /// The specification's "invalid language map value" error.
        public static let invalidLanguageMapValue: Code = "invalid language map value"
        /// The specification's "invalid language mapping" error.
        public static let invalidLanguageMapping: Code = "invalid language mapping"
        /// The specification's "invalid language-tagged string" error.
        public static let invalidLanguageTaggedString: Code = "invalid language-tagged string"
        /// The specification's "invalid language-tagged value" error.
        public static let invalidLanguageTaggedValue: Code = "invalid language-tagged value"
        /// The specification's "invalid local context" error.
        public static let invalidLocalContext: Code = "invalid local context"
        /// The specification's "invalid remote context" error.
        public static let invalidRemoteContext: Code = "invalid remote context"
        /// The specification's "invalid reverse property" error.
        public static let invalidReverseProperty: Code = "invalid reverse property"
        /// The specification's "invalid reverse property map" error.
        public static let invalidReversePropertyMap: Code = "invalid reverse property map"
        /// The specification's "invalid reverse property value" error.
        public static let invalidReversePropertyValue: Code = "invalid reverse property value"
        /// The specification's "invalid scoped context" error.
        public static let invalidScopedContext: Code = "invalid scoped context"
        /// The specification's "invalid set or list object" error.
        public static let invalidSetOrListObject: Code = "invalid set or list object"
        /// The specification's "invalid term definition" error.
        public static let invalidTermDefinition: Code = "invalid term definition"
        /// The specification's "invalid type mapping" error.
        public static let invalidTypeMapping: Code = "invalid type mapping"
        /// The specification's "invalid type value" error.
        public static let invalidTypeValue: Code = "invalid type value"
        /// The specification's "invalid typed value" error.
        public static let invalidTypedValue: Code = "invalid typed value"
        /// The specification's "invalid value object" error.
        public static let invalidValueObject: Code = "invalid value object"
        /// The specification's "invalid value object value" error.
        public static let invalidValueObjectValue: Code = "invalid value object value"
        /// The specification's "invalid vocab mapping" error.
        public static let invalidVocabMapping: Code = "invalid vocab mapping"
        /// The specification's "IRI confused with prefix" error.
        public static let iriConfusedWithPrefix: Code = "IRI confused with prefix"
        /// The specification's "keyword redefinition" error.
        public static let keywordRedefinition: Code = "keyword redefinition"
        /// The specification's "loading document failed" error.
        public static let loadingDocumentFailed: Code = "loading document failed"
        /// The specification's "loading remote context failed" error.
        public static let loadingRemoteContextFailed: Code = "loading remote context failed"
        /// The specification's "processing mode conflict" error.
        public static let processingModeConflict: Code = "processing mode conflict"
        /// The specification's "protected term redefinition" error.
        public static let protectedTermRedefinition: Code = "protected term redefinition"
        /// The specification's "recursive context inclusion" error.
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

    /// An error with a code, an explanation and, when known, the location in the input.
    public init(_ code: Code, _ message: String, path: JSONPath? = nil) {
        self.code = code
        self.message = message
        self.path = path
    }

    /// `code at path: message`.
    public var description: String {
        if let path { return "\(code.rawValue) at \(path): \(message)" }
        return "\(code.rawValue): \(message)"
    }

    public static func == (lhs: JSONLDError, rhs: JSONLDError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
