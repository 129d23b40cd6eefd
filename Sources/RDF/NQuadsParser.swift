/// A strict N-Quads parser over UTF-8 bytes (W3C RDF 1.1 N-Quads grammar).
struct NQuadsParser {
    let buf: UnsafeBufferPointer<UInt8>
    var position = 0
    var line = 1
    var lineStart = 0
    /// Reused for lexical forms and IRIs that contain escapes.
    var scratch: [UInt8] = []

    /// Generalized RDF: accept blank nodes as predicates.
    let allowBlankNodePredicates: Bool

    init(buffer: UnsafeBufferPointer<UInt8>, allowBlankNodePredicates: Bool = false) {
        self.buf = buffer
        self.allowBlankNodePredicates = allowBlankNodePredicates
    }

    // MARK: errors

    /// The column of byte offset `offset` on the current line, counting scalars (UTF-8 lead bytes).
    func column(of offset: Int) -> Int {
        var column = 1
        var scan = lineStart
        while scan < offset && scan < buf.count {
            if buf[scan] & 0xC0 != 0x80 { column += 1 }
            scan += 1
        }
        // Continuation bytes at `offset` itself belong to the scalar before it.
        return column
    }

    func fail(_ code: NQuadsError.Code, _ message: String, at offset: Int? = nil) -> NQuadsError {
        NQuadsError(code: code, message: message, line: line, column: column(of: offset ?? position))
    }

    func describe(_ offset: Int) -> String {
        guard offset < buf.count else { return "end of input" }
        let byte = buf[offset]
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        if byte == 0x20 { return "space" }
        if byte == 0x0A || byte == 0x0D { return "end of line" }
        if byte < 0x80 { return "U+" + hex4(UInt32(byte)) }
        if let (scalar, _) = try? decodeScalar(at: offset) { return "'\(Character(Unicode.Scalar(scalar)!))'" }
        return "byte 0x" + String(byte, radix: 16, uppercase: true)
    }

    func hex4(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    // MARK: document

    mutating func parseDocument() throws(NQuadsError) -> RDFDataset {
        var dataset = RDFDataset()
        while true {
            skipWhitespace()
            guard position < buf.count else { break }
            switch buf[position] {
            case 0x0A, 0x0D:
                consumeEOL()
            case 0x23:
                skipComment()
            default:
                let quad = try parseStatement()
                dataset.insert(quad)
                skipWhitespace()
                if position < buf.count && buf[position] == 0x23 { skipComment() }
                if position < buf.count {
                    guard buf[position] == 0x0A || buf[position] == 0x0D else {
                        throw fail(.unexpectedCharacter, "expected end of line after '.', found \(describe(position))")
                    }
                    consumeEOL()
                }
            }
        }
        return dataset
    }

    mutating func skipWhitespace() {
        while position < buf.count && (buf[position] == 0x20 || buf[position] == 0x09) { position += 1 }
    }

    mutating func skipComment() {
        while position < buf.count && buf[position] != 0x0A && buf[position] != 0x0D { position += 1 }
    }

    mutating func consumeEOL() {
        while position < buf.count && (buf[position] == 0x0A || buf[position] == 0x0D) {
            // CR LF counts as one line break; a lone CR or LF as one each.
            if buf[position] == 0x0D && position + 1 < buf.count && buf[position + 1] == 0x0A { position += 1 }
            position += 1
            line += 1
            lineStart = position
        }
    }

    mutating func parseStatement() throws(NQuadsError) -> RDFQuad {
        let subject: RDFTerm
        switch peek() {
        case 0x3C: subject = .iri(try parseIRI())
        case 0x5F: subject = .blankNode(try parseBlankNode())
        case 0x22: throw fail(.termNotAllowed, "a literal cannot be the subject")
        default: throw fail(.unexpectedCharacter, "expected a subject (IRI or blank node), found \(describe(position))")
        }
        skipWhitespace()
        let predicate: RDFTerm
        switch peek() {
        case 0x3C: predicate = .iri(try parseIRI())
        case 0x5F where allowBlankNodePredicates: predicate = .blankNode(try parseBlankNode())
        case 0x5F: throw fail(.termNotAllowed, "a blank node cannot be the predicate")
        case 0x22: throw fail(.termNotAllowed, "a literal cannot be the predicate")
        default: throw fail(.unexpectedCharacter, "expected a predicate IRI, found \(describe(position))")
        }
        skipWhitespace()
        let object: RDFTerm
        switch peek() {
        case 0x3C: object = .iri(try parseIRI())
        case 0x5F: object = .blankNode(try parseBlankNode())
        case 0x22: object = .literal(try parseLiteral())
        default: throw fail(.unexpectedCharacter, "expected an object (IRI, blank node or literal), found \(describe(position))")
        }
        skipWhitespace()
        var graph: RDFTerm?
        switch peek() {
        case 0x3C: graph = .iri(try parseIRI())
        case 0x5F: graph = .blankNode(try parseBlankNode())
        case 0x22: throw fail(.termNotAllowed, "a literal cannot be the graph label")
        default: break
        }
        skipWhitespace()
        guard peek() == 0x2E else {
            if position >= buf.count { throw fail(.unexpectedEnd, "expected '.' at the end of the statement, found end of input") }
            throw fail(.unexpectedCharacter, "expected '.' at the end of the statement, found \(describe(position))")
        }
        position += 1
        return RDFQuad(subject: subject, predicate: predicate, object: object, graph: graph)
    }

    func peek() -> UInt8? { position < buf.count ? buf[position] : nil }

    // MARK: terms

    /// IRIREF ::= '<' ([^#x00-#x20<>"{}|^`\] | UCHAR)* '>', and the IRI must be absolute.
    mutating func parseIRI() throws(NQuadsError) -> String {
        let open = position
        position += 1
        let start = position
        var escaped = false
        scratch.removeAll(keepingCapacity: true)
        while true {
            guard position < buf.count else { throw fail(.unexpectedEnd, "unterminated IRI", at: open) }
            let byte = buf[position]
            if byte == 0x3E { break }
            if byte == 0x5C {
                if !escaped { scratch.append(contentsOf: UnsafeBufferPointer(rebasing: buf[start..<position])); escaped = true }
                let at = position
                let scalar = try parseUCHAR(allowECHAR: false)
                if scalar <= 0x20 || isForbiddenInIRI(UInt8(truncatingIfNeeded: scalar)) && scalar < 0x80 {
                    throw fail(.invalidIRI, "the escape \\u\(hex4(scalar)) gives a character an IRI cannot contain", at: at)
                }
                Self.appendUTF8(scalar, to: &scratch)
                continue
            }
            if byte <= 0x20 || isForbiddenInIRI(byte) {
                throw fail(.invalidIRI, "an IRI cannot contain \(describe(position))")
            }
            if byte >= 0x80 {
                let (_, length) = try decodeScalar(at: position)
                if escaped { scratch.append(contentsOf: UnsafeBufferPointer(rebasing: buf[position..<(position + length)])) }
                position += length
                continue
            }
            if escaped { scratch.append(byte) }
            position += 1
        }
        let iri: String
        if escaped {
            iri = String(decoding: scratch, as: UTF8.self)
        } else {
            iri = String(decoding: UnsafeBufferPointer(rebasing: buf[start..<position]), as: UTF8.self)
        }
        position += 1
        guard hasScheme(iri) else {
            throw fail(.invalidIRI, "the IRI <\(iri)> is not absolute (no scheme)", at: open)
        }
        return iri
    }

    func isForbiddenInIRI(_ byte: UInt8) -> Bool {
        byte == 0x3C || byte == 0x3E || byte == 0x22 || byte == 0x7B || byte == 0x7D || byte == 0x7C || byte == 0x5E || byte == 0x60 || byte == 0x5C
    }

    /// scheme ::= ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"
    func hasScheme(_ iri: String) -> Bool {
        var first = true
        for byte in iri.utf8 {
            let isAlpha = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            if first {
                guard isAlpha else { return false }
                first = false
                continue
            }
            if byte == 0x3A { return true }
            let isDigit = byte >= 0x30 && byte <= 0x39
            guard isAlpha || isDigit || byte == 0x2B || byte == 0x2D || byte == 0x2E else { return false }
        }
        return false
    }

    /// BLANK_NODE_LABEL ::= '_:' (PN_CHARS_U | [0-9]) ((PN_CHARS | '.')* PN_CHARS)?
    mutating func parseBlankNode() throws(NQuadsError) -> String {
        let open = position
        guard position + 1 < buf.count, buf[position + 1] == 0x3A else {
            throw fail(.invalidBlankNode, "expected '_:' to start a blank node label")
        }
        position += 2
        let start = position
        guard position < buf.count else { throw fail(.unexpectedEnd, "empty blank node label", at: open) }
        let (first, firstLength) = try decodeScalar(at: position)
        guard isPNCharsU(first) || (first >= 0x30 && first <= 0x39) else {
            throw fail(.invalidBlankNode, "a blank node label cannot start with \(describe(position))")
        }
        position += firstLength
        var lastNonDot = position
        while position < buf.count {
            let (scalar, length) = try decodeScalar(at: position)
            if scalar == 0x2E {
                position += length
                continue
            }
            guard isPNChars(scalar) else { break }
            position += length
            lastNonDot = position
        }
        // A label cannot end with '.', so trailing dots belong to the statement.
        position = lastNonDot
        return String(decoding: UnsafeBufferPointer(rebasing: buf[start..<position]), as: UTF8.self)
    }

    func isPNCharsBase(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x41...0x5A, 0x61...0x7A, 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x2FF, 0x370...0x37D, 0x37F...0x1FFF,
            0x200C...0x200D, 0x2070...0x218F, 0x2C00...0x2FEF, 0x3001...0xD7FF, 0xF900...0xFDCF, 0xFDF0...0xFFFD,
            0x10000...0xEFFFF:
            return true
        default:
            return false
        }
    }

    func isPNCharsU(_ scalar: UInt32) -> Bool { isPNCharsBase(scalar) || scalar == 0x5F || scalar == 0x3A }

    func isPNChars(_ scalar: UInt32) -> Bool {
        isPNCharsU(scalar) || scalar == 0x2D || (scalar >= 0x30 && scalar <= 0x39) || scalar == 0xB7 || (scalar >= 0x300 && scalar <= 0x36F)
            || (scalar >= 0x203F && scalar <= 0x2040)
    }

    /// literal ::= STRING_LITERAL_QUOTE ('^^' IRIREF | LANGTAG)?
    mutating func parseLiteral() throws(NQuadsError) -> RDFLiteral {
        let open = position
        position += 1
        let start = position
        var escaped = false
        scratch.removeAll(keepingCapacity: true)
        while true {
            guard position < buf.count else { throw fail(.unexpectedEnd, "unterminated string literal", at: open) }
            let byte = buf[position]
            if byte == 0x22 { break }
            if byte == 0x0A || byte == 0x0D {
                throw fail(.unexpectedCharacter, "a string literal cannot contain a raw line break (use \\n or \\r)")
            }
            if byte == 0x5C {
                if !escaped { scratch.append(contentsOf: UnsafeBufferPointer(rebasing: buf[start..<position])); escaped = true }
                Self.appendUTF8(try parseUCHAR(allowECHAR: true), to: &scratch)
                continue
            }
            if byte >= 0x80 {
                let (_, length) = try decodeScalar(at: position)
                if escaped { scratch.append(contentsOf: UnsafeBufferPointer(rebasing: buf[position..<(position + length)])) }
                position += length
                continue
            }
            if escaped { scratch.append(byte) }
            position += 1
        }
        let lexical: String
        if escaped {
            lexical = String(decoding: scratch, as: UTF8.self)
        } else {
            lexical = String(decoding: UnsafeBufferPointer(rebasing: buf[start..<position]), as: UTF8.self)
        }
        position += 1
        if peek() == 0x40 {
            return RDFLiteral(lexical, language: try parseLanguageTag())
        }
        if peek() == 0x5E {
            guard position + 1 < buf.count, buf[position + 1] == 0x5E else {
                throw fail(.unexpectedCharacter, "expected '^^' before a datatype IRI")
            }
            position += 2
            guard peek() == 0x3C else {
                throw fail(.unexpectedCharacter, "expected a datatype IRI after '^^', found \(describe(position))")
            }
            return RDFLiteral(lexical, datatype: try parseIRI())
        }
        return RDFLiteral(lexical)
    }

    /// LANGTAG ::= '@' [a-zA-Z]+ ('-' [a-zA-Z0-9]+)*
    mutating func parseLanguageTag() throws(NQuadsError) -> String {
        position += 1
        let start = position
        func isAlpha(_ byte: UInt8) -> Bool { (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) }
        func isAlnum(_ byte: UInt8) -> Bool { isAlpha(byte) || (byte >= 0x30 && byte <= 0x39) }
        guard position < buf.count, isAlpha(buf[position]) else {
            throw fail(.invalidLanguageTag, "a language tag must start with a letter, found \(describe(position))")
        }
        while position < buf.count && isAlpha(buf[position]) { position += 1 }
        while position < buf.count && buf[position] == 0x2D {
            position += 1
            guard position < buf.count, isAlnum(buf[position]) else {
                throw fail(.invalidLanguageTag, "a language tag subtag cannot be empty")
            }
            while position < buf.count && isAlnum(buf[position]) { position += 1 }
        }
        return String(decoding: UnsafeBufferPointer(rebasing: buf[start..<position]), as: UTF8.self)
    }

    // MARK: escapes and UTF-8

    /// UCHAR ::= '\u' HEX{4} | '\U' HEX{8};  ECHAR ::= '\' [tbnrf"'\]
    mutating func parseUCHAR(allowECHAR: Bool) throws(NQuadsError) -> UInt32 {
        let at = position
        guard position + 1 < buf.count else { throw fail(.invalidEscape, "incomplete escape sequence", at: at) }
        let kind = buf[position + 1]
        var count = 0
        switch kind {
        case 0x75: count = 4
        case 0x55: count = 8
        default:
            guard allowECHAR else {
                throw fail(.invalidEscape, "only \\u and \\U escapes are allowed in IRIs", at: at)
            }
            let value: UInt32
            switch kind {
            case 0x74: value = 0x09
            case 0x62: value = 0x08
            case 0x6E: value = 0x0A
            case 0x72: value = 0x0D
            case 0x66: value = 0x0C
            case 0x22: value = 0x22
            case 0x27: value = 0x27
            case 0x5C: value = 0x5C
            default: throw fail(.invalidEscape, "unknown escape sequence \\\(describe(position + 1))", at: at)
            }
            position += 2
            return value
        }
        position += 2
        var value: UInt32 = 0
        for _ in 0..<count {
            guard position < buf.count else { throw fail(.invalidEscape, "incomplete \\\(Character(Unicode.Scalar(kind))) escape", at: at) }
            let byte = buf[position]
            let digit: UInt32
            switch byte {
            case 0x30...0x39: digit = UInt32(byte - 0x30)
            case 0x41...0x46: digit = UInt32(byte - 0x37)
            case 0x61...0x66: digit = UInt32(byte - 0x57)
            default: throw fail(.invalidEscape, "expected a hex digit in escape, found \(describe(position))")
            }
            value = value << 4 | digit
            position += 1
        }
        guard value <= 0x10FFFF, !(0xD800...0xDFFF).contains(value) else {
            throw fail(.invalidEscape, "the escape names U+\(hex4(value)), which is not a Unicode scalar value", at: at)
        }
        return value
    }

    /// Static on purpose: called as a method with `&scratch`, a property of the parser, Swift copied the parser
    /// (and so shared the scratch buffer) for the call, and each escape copied the whole buffer on write, so a
    /// literal of 200,000 `\u00E9` escapes took 29.5 s to read (debug build).
    static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (scalar >> 6)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (scalar >> 12)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (scalar >> 18)))
            out.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    /// Decodes one well-formed UTF-8 scalar (shortest form, no surrogates) at `offset`.
    func decodeScalar(at offset: Int) throws(NQuadsError) -> (UInt32, Int) {
        let b0 = buf[offset]
        if b0 < 0x80 { return (UInt32(b0), 1) }
        let length: Int
        var value: UInt32
        var minimum: UInt32
        switch b0 {
        case 0xC2...0xDF: length = 2; value = UInt32(b0 & 0x1F); minimum = 0x80
        case 0xE0...0xEF: length = 3; value = UInt32(b0 & 0x0F); minimum = 0x800
        case 0xF0...0xF4: length = 4; value = UInt32(b0 & 0x07); minimum = 0x10000
        default: throw fail(.invalidUTF8, "invalid UTF-8 byte 0x\(String(b0, radix: 16, uppercase: true))", at: offset)
        }
        guard offset + length <= buf.count else {
            throw fail(.invalidUTF8, "truncated UTF-8 sequence", at: offset)
        }
        for continuation in 1..<length {
            let byte = buf[offset + continuation]
            guard byte & 0xC0 == 0x80 else { throw fail(.invalidUTF8, "invalid UTF-8 sequence", at: offset) }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        guard value >= minimum, value <= 0x10FFFF, !(0xD800...0xDFFF).contains(value) else {
            throw fail(.invalidUTF8, "invalid UTF-8 sequence", at: offset)
        }
        return (value, length)
    }
}
