/// An N-Quads syntax error, located by line and column (both 1-based, columns count Unicode scalars).
public struct NQuadsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is; stable across versions.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let name: String
        public var description: String { name }
        /// The input ended inside a statement.
        public static let unexpectedEnd = Code(name: "unexpectedEnd")
        /// A character that no production allows at this point.
        public static let unexpectedCharacter = Code(name: "unexpectedCharacter")
        /// An IRI with a character IRIREF forbids, or one that is not absolute.
        public static let invalidIRI = Code(name: "invalidIRI")
        /// A blank node label that BLANK_NODE_LABEL does not match.
        public static let invalidBlankNode = Code(name: "invalidBlankNode")
        /// A `\` sequence that is neither ECHAR nor a UCHAR naming a Unicode scalar value.
        public static let invalidEscape = Code(name: "invalidEscape")
        /// A language tag that LANGTAG does not match.
        public static let invalidLanguageTag = Code(name: "invalidLanguageTag")
        /// A literal, or a blank node in the predicate, where the grammar does not allow it.
        public static let termNotAllowed = Code(name: "termNotAllowed")
        /// Bytes that are not UTF-8.
        public static let invalidUTF8 = Code(name: "invalidUTF8")
    }

    /// The kind of problem, for programs.
    public let code: Code
    /// What is wrong, for people (without the position; ``description`` adds it).
    public let message: String
    /// 1-based line number.
    public let line: Int
    /// 1-based column, counted in Unicode scalars from the start of the line.
    public let column: Int

    /// An error at `line`:`column`.
    public init(code: Code, message: String, line: Int, column: Int) {
        self.code = code
        self.message = message
        self.line = line
        self.column = column
    }

    /// `line L:C: message`.
    public var description: String { "line \(line):\(column): \(message)" }
}
