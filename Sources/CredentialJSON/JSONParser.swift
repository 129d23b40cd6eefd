/// Limits that bound the work a hostile document can cause.
public struct JSONParseLimits: Sendable, Hashable {
    /// Deepest nesting of arrays and objects accepted.
    public var maxDepth: Int
    /// Largest input accepted, in bytes.
    public var maxBytes: Int
    /// Most values (objects, arrays, strings, numbers, booleans, nulls) accepted in one document.
    ///
    /// A parsed value costs about 24 bytes more than its text, and an array grows by doubling: a 9 MB array of
    /// 4.5 million zeros took 290 MB to parse. The largest real credential in the EU's samples has 2,345
    /// values; a presentation of a hundred of them stays far below the default.
    public var maxValues: Int

    public init(maxDepth: Int = 256, maxBytes: Int = 16 * 1024 * 1024, maxValues: Int = 1_000_000) {
        self.maxDepth = maxDepth
        self.maxBytes = maxBytes
        self.maxValues = maxValues
    }

    /// 256 levels, 16 MiB, 1,000,000 values.
    public static let `default` = JSONParseLimits()
}

/// A JSON syntax error, located by byte offset, line and column (both 1-based).
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is; stable across versions.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let name: String
        public var description: String { name }
        public static let unexpectedEnd = Code(name: "unexpectedEnd")
        public static let unexpectedCharacter = Code(name: "unexpectedCharacter")
        public static let invalidNumber = Code(name: "invalidNumber")
        public static let invalidEscape = Code(name: "invalidEscape")
        public static let loneSurrogate = Code(name: "loneSurrogate")
        public static let controlCharacter = Code(name: "controlCharacter")
        public static let invalidUTF8 = Code(name: "invalidUTF8")
        public static let duplicateKey = Code(name: "duplicateKey")
        public static let trailingData = Code(name: "trailingData")
        public static let tooDeep = Code(name: "tooDeep")
        public static let tooLarge = Code(name: "tooLarge")
        /// More values than ``JSONParseLimits/maxValues``.
        public static let tooManyValues = Code(name: "tooManyValues")
    }

    public let code: Code
    public let message: String
    public let offset: Int
    public let line: Int
    public let column: Int

    public var description: String { "line \(line):\(column): \(message)" }

    public static func == (lhs: JSONParseError, rhs: JSONParseError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}

/// An RFC 8259 strict parser over UTF-8 bytes.
///
/// Rejects what lenient parsers accept and signatures cannot afford: duplicate member names
/// (two readers could see two different claims), invalid UTF-8, lone surrogate escapes,
/// raw control characters, trailing data, and inputs beyond the configured limits.
public enum JSONParser {
    /// Parses a complete JSON text.
    public static func parse<Bytes: Collection>(_ bytes: Bytes, limits: JSONParseLimits = .default) throws(JSONParseError) -> JSONValue
    where Bytes.Element == UInt8 {
        // Read in place when the bytes are contiguous (an array, a string's UTF-8): a sealed payload is 100 KB or more.
        let inPlace = bytes.withContiguousStorageIfAvailable { buffer in Result { () throws(JSONParseError) in try parse(buffer: buffer, limits: limits) } }
        if let inPlace { return try inPlace.get() }
        return try Array(bytes).withUnsafeBufferPointer { (buffer) throws(JSONParseError) -> JSONValue in try parse(buffer: buffer, limits: limits) }
    }

    /// Parses a complete JSON text given as a string.
    public static func parse(_ text: String, limits: JSONParseLimits = .default) throws(JSONParseError) -> JSONValue {
        try parse(text.utf8, limits: limits)
    }

    private static func parse(buffer: UnsafeBufferPointer<UInt8>, limits: JSONParseLimits) throws(JSONParseError) -> JSONValue {
        var parser = Parser(buffer: buffer, limits: limits)
        return try parser.parseDocument()
    }
}

private struct Parser {
    let buf: UnsafeBufferPointer<UInt8>
    let limits: JSONParseLimits
    var position = 0
    var depth = 0
    var values = 0

    init(buffer: UnsafeBufferPointer<UInt8>, limits: JSONParseLimits) {
        self.buf = buffer
        self.limits = limits
    }

    func fail(_ code: JSONParseError.Code, _ message: String, at offset: Int? = nil) -> JSONParseError {
        let off = min(offset ?? position, buf.count)
        var line = 1
        var lineStart = 0
        var scan = 0
        while scan < off {
            if buf[scan] == 0x0A { line += 1; lineStart = scan + 1 }
            scan += 1
        }
        // Column counts characters, not bytes, so it matches what an editor shows.
        var column = 1
        scan = lineStart
        while scan < off {
            if buf[scan] & 0xC0 != 0x80 { column += 1 }
            scan += 1
        }
        if off < buf.count, buf[off] & 0xC0 == 0x80 { column -= 1 }
        return JSONParseError(code: code, message: message, offset: off, line: line, column: max(column, 1))
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        guard buf.count <= limits.maxBytes else {
            throw JSONParseError(
                code: .tooLarge, message: "input of \(buf.count) bytes exceeds the limit of \(limits.maxBytes) bytes",
                offset: 0, line: 1, column: 1)
        }
        // A UTF-8 byte order mark is not JSON (RFC 8259 §8.1) but is common in exported files.
        if buf.count >= 3, buf[0] == 0xEF, buf[1] == 0xBB, buf[2] == 0xBF { position = 3 }
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        if position < buf.count {
            throw fail(.trailingData, "unexpected data after the JSON value")
        }
        return value
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while position < buf.count {
            let byte = buf[position]
            if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 } else { return }
        }
    }

    mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard position < buf.count else { throw fail(.unexpectedEnd, "unexpected end of input, expected a value") }
        values += 1
        if values > limits.maxValues { throw fail(.tooManyValues, "more than \(limits.maxValues) values") }
        switch buf[position] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default:
            throw fail(.unexpectedCharacter, "unexpected character \(describe(at: position)), expected a value")
        }
    }

    func describe(at offset: Int) -> String {
        guard offset < buf.count else { return "end of input" }
        let byte = buf[offset]
        if byte >= 0x20 && byte < 0x7F { return "'\(Character(UnicodeScalar(byte)))'" }
        return "byte 0x" + String(byte, radix: 16, uppercase: true)
    }

    mutating func expectLiteral(_ word: StaticString) throws(JSONParseError) {
        let start = position
        let length = word.utf8CodeUnitCount
        let expected = word.utf8Start
        for wordIndex in 0..<length {
            guard position < buf.count, buf[position] == expected[wordIndex] else {
                throw fail(position >= buf.count ? .unexpectedEnd : .unexpectedCharacter, "invalid literal, expected '\(word)'", at: start)
            }
            position += 1
        }
    }

    mutating func enter() throws(JSONParseError) {
        depth += 1
        if depth > limits.maxDepth {
            throw fail(.tooDeep, "nesting deeper than the limit of \(limits.maxDepth)")
        }
    }

    mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enter()
        position += 1
        var members: [JSONObject.Member] = []
        var seenKeys: Set<String>?
        skipWhitespace()
        if position < buf.count, buf[position] == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return .object(JSONObject(uniqueMembers: members))
        }
        while true {
            skipWhitespace()
            guard position < buf.count else { throw fail(.unexpectedEnd, "unexpected end of input inside an object") }
            guard buf[position] == UInt8(ascii: "\"") else {
                throw fail(.unexpectedCharacter, "expected a member name in double quotes, found \(describe(at: position))")
            }
            let keyStart = position
            let key = try parseString()
            // A linear search while the object is small; past that one set, kept for the rest of the object
            // (rebuilding it per member made a 16,000-member object quadratic).
            let duplicate: Bool
            if var seen = seenKeys {
                seenKeys = nil  // moved out, so the insertion does not copy the set
                duplicate = !seen.insert(key).inserted
                seenKeys = seen
            } else if members.count < JSONObject.indexThreshold {
                duplicate = members.contains { $0.key == key }
            } else {
                var seen = Set(members.lazy.map(\.key))
                duplicate = !seen.insert(key).inserted
                seenKeys = seen
            }
            if duplicate {
                throw fail(.duplicateKey, "duplicate member name \"\(key)\"", at: keyStart)
            }
            skipWhitespace()
            guard position < buf.count else { throw fail(.unexpectedEnd, "unexpected end of input, expected ':'") }
            guard buf[position] == UInt8(ascii: ":") else {
                throw fail(.unexpectedCharacter, "expected ':' after member name, found \(describe(at: position))")
            }
            position += 1
            skipWhitespace()
            let value = try parseValue()
            members.append((key: key, value: value))
            skipWhitespace()
            guard position < buf.count else { throw fail(.unexpectedEnd, "unexpected end of input inside an object") }
            if buf[position] == UInt8(ascii: ",") { position += 1; continue }
            if buf[position] == UInt8(ascii: "}") { position += 1; break }
            throw fail(.unexpectedCharacter, "expected ',' or '}' in an object, found \(describe(at: position))")
        }
        depth -= 1
        return .object(JSONObject(uniqueMembers: members))
    }

    mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enter()
        position += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if position < buf.count, buf[position] == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            guard position < buf.count else { throw fail(.unexpectedEnd, "unexpected end of input inside an array") }
            if buf[position] == UInt8(ascii: ",") { position += 1; continue }
            if buf[position] == UInt8(ascii: "]") { position += 1; break }
            throw fail(.unexpectedCharacter, "expected ',' or ']' in an array, found \(describe(at: position))")
        }
        depth -= 1
        return .array(elements)
    }

    mutating func parseNumber() throws(JSONParseError) -> JSONNumber {
        let start = position
        if buf[position] == UInt8(ascii: "-") { position += 1 }
        guard position < buf.count else { throw fail(.invalidNumber, "number ends after '-'", at: start) }
        if buf[position] == UInt8(ascii: "0") {
            position += 1
            if position < buf.count, isDigit(buf[position]) { throw fail(.invalidNumber, "leading zeros are not allowed in numbers", at: start) }
        } else if isDigit(buf[position]) {
            while position < buf.count, isDigit(buf[position]) { position += 1 }
        } else {
            throw fail(.invalidNumber, "expected a digit", at: position)
        }
        if position < buf.count, buf[position] == UInt8(ascii: ".") {
            position += 1
            guard position < buf.count, isDigit(buf[position]) else { throw fail(.invalidNumber, "expected a digit after the decimal point") }
            while position < buf.count, isDigit(buf[position]) { position += 1 }
        }
        if position < buf.count, buf[position] == UInt8(ascii: "e") || buf[position] == UInt8(ascii: "E") {
            position += 1
            if position < buf.count, buf[position] == UInt8(ascii: "+") || buf[position] == UInt8(ascii: "-") { position += 1 }
            guard position < buf.count, isDigit(buf[position]) else { throw fail(.invalidNumber, "expected a digit in the exponent") }
            while position < buf.count, isDigit(buf[position]) { position += 1 }
        }
        return JSONNumber(unchecked: String(decoding: UnsafeBufferPointer(rebasing: buf[start..<position]), as: UTF8.self))
    }

    @inline(__always) func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    mutating func parseString() throws(JSONParseError) -> String {
        let open = position
        position += 1
        let start = position
        // Fast path: no escapes. Validate UTF-8 and control characters in one scan.
        var needsSlowPath = false
        // Bytes up to here go through the byte loop; past it, whole words of plain ASCII are skipped first.
        var bytewiseUntil = position
        while position < buf.count {
            if position >= bytewiseUntil {
                skipPlainASCIIWords()
                bytewiseUntil = position + 8
                guard position < buf.count else { break }
            }
            let byte = buf[position]
            if byte == UInt8(ascii: "\"") { break }
            if byte == UInt8(ascii: "\\") { needsSlowPath = true; break }
            if byte < 0x20 { throw fail(.controlCharacter, "control character 0x\(String(byte, radix: 16)) must be escaped in a string") }
            if byte < 0x80 { position += 1 } else { try skipUTF8Scalar() }
        }
        if !needsSlowPath {
            guard position < buf.count else { throw fail(.unexpectedEnd, "unterminated string", at: open) }
            let text = Self.string(validUTF8: UnsafeBufferPointer(rebasing: buf[start..<position]))
            position += 1
            return text
        }
        var bytes = Array(UnsafeBufferPointer(rebasing: buf[start..<position]))
        while true {
            // Copy each run of plain characters at once: a JAdES payload is a whole credential inside one
            // string, escaped quote after escaped quote, and copying it a character at a time dominated parsing.
            let runStart = position
            var runBytewiseUntil = position
            while position < buf.count {
                if position >= runBytewiseUntil {
                    skipPlainASCIIWords()
                    runBytewiseUntil = position + 8
                    guard position < buf.count else { break }
                }
                let byte = buf[position]
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { break }
                if byte < 0x80 { position += 1 } else { try skipUTF8Scalar() }
            }
            if position > runStart { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buf[runStart..<position])) }
            guard position < buf.count else { throw fail(.unexpectedEnd, "unterminated string", at: open) }
            let byte = buf[position]
            if byte == UInt8(ascii: "\"") { position += 1; break }
            if byte < 0x20 { throw fail(.controlCharacter, "control character 0x\(String(byte, radix: 16)) must be escaped in a string") }
            if byte == UInt8(ascii: "\\") {
                let escStart = position
                position += 1
                guard position < buf.count else { throw fail(.unexpectedEnd, "unterminated escape", at: escStart) }
                let escaped = buf[position]
                position += 1
                switch escaped {
                case UInt8(ascii: "\""): bytes.append(0x22)
                case UInt8(ascii: "\\"): bytes.append(0x5C)
                case UInt8(ascii: "/"): bytes.append(0x2F)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4(at: escStart)
                    if scalar >= 0xD800 && scalar <= 0xDBFF {
                        guard position + 1 < buf.count, buf[position] == UInt8(ascii: "\\"), buf[position + 1] == UInt8(ascii: "u") else {
                            throw fail(.loneSurrogate, "lone high surrogate \\u\(String(scalar, radix: 16, uppercase: true))", at: escStart)
                        }
                        let lowStart = position
                        position += 2
                        let low = try hex4(at: lowStart)
                        guard low >= 0xDC00 && low <= 0xDFFF else {
                            throw fail(.loneSurrogate, "high surrogate not followed by a low surrogate", at: escStart)
                        }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
                        throw fail(.loneSurrogate, "lone low surrogate \\u\(String(scalar, radix: 16, uppercase: true))", at: escStart)
                    }
                    appendUTF8(scalar, to: &bytes)
                default:
                    throw fail(.invalidEscape, "invalid escape sequence '\\\(Character(UnicodeScalar(escaped)))'", at: escStart)
                }
                continue
            }
        }
        return bytes.withUnsafeBufferPointer { Self.string(validUTF8: $0) }
    }

    /// The string of `bytes`, which the scan above found to be valid UTF-8.
    ///
    /// `String(decoding:as:)` checks the bytes again; that check takes whole words only when every byte is ASCII,
    /// and byte after byte otherwise: a JAdES payload of 113 KB with a few dozen accented letters cost 150 µs. Long
    /// runs of plain ASCII are therefore made into strings of their own (the quick check) and joined: the bytes
    /// between runs, with every byte that is not ASCII, still go through the full check.
    static func string(validUTF8 bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard bytes.count >= 1_024, let base = bytes.baseAddress else { return String(decoding: bytes, as: UTF8.self) }
        let highBits: UInt64 = 0x8080_8080_8080_8080
        var result = ""
        // Bytes before `joined` are in `result`; every word from `asciiFrom` on has been ASCII. Both are scalar
        // boundaries: the byte before each is ASCII, or ends a word that a word of ASCII follows.
        var joined = 0
        var asciiFrom = 0
        var word = 0
        while word + 8 <= bytes.count {
            if UnsafeRawPointer(base + word).loadUnaligned(as: UInt64.self) & highBits != 0 {
                if word - asciiFrom >= 256 {
                    append(bytes, joined..<asciiFrom, asciiFrom..<word, to: &result)
                    joined = word
                }
                asciiFrom = word + 8
            }
            word += 8
        }
        // The last bytes (less than a word) are checked with the run before them.
        if asciiFrom > joined && bytes.count - asciiFrom >= 256 {
            append(bytes, joined..<asciiFrom, asciiFrom..<bytes.count, to: &result)
            joined = bytes.count
        }
        if joined == 0 { return String(decoding: bytes, as: UTF8.self) }
        if joined < bytes.count { result.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[joined...]), as: UTF8.self)) }
        return result
    }

    /// Appends the strings of two ranges of `bytes` (the second all ASCII) to `result`.
    private static func append(_ bytes: UnsafeBufferPointer<UInt8>, _ mixed: Range<Int>, _ ascii: Range<Int>, to result: inout String) {
        if result.isEmpty { result.reserveCapacity(bytes.count) }
        result.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[mixed]), as: UTF8.self))
        result.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[ascii]), as: UTF8.self))
    }

    /// Advances `position` over whole eight-byte words of plain string characters: ASCII from 0x20, neither `"` nor
    /// `\`. It stops before the first word holding anything else (which the byte loops then read one at a time), so
    /// a long string such as a JAdES payload costs a few instructions per eight bytes instead of a loop turn per byte.
    @inline(__always)
    mutating func skipPlainASCIIWords() {
        guard let base = buf.baseAddress else { return }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        while position + 8 <= buf.count {
            let word = UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self)
            let quotes = word ^ (ones &* 0x22)
            let backslashes = word ^ (ones &* 0x5C)
            // Per byte, its high bit ends up set when the byte is zero after the XOR (a quote or a backslash), below
            // 0x20, or 0x80 and above. A borrow across bytes can only add false alarms, which the byte loop settles.
            let flagged =
                ((quotes &- ones) & ~quotes) | ((backslashes &- ones) & ~backslashes) | ((word &- ones &* 0x20) & ~word) | word
            if flagged & highBits != 0 { return }
            position += 8
        }
    }

    mutating func hex4(at escStart: Int) throws(JSONParseError) -> UInt32 {
        guard position + 4 <= buf.count else { throw fail(.invalidEscape, "incomplete \\u escape", at: escStart) }
        var codeUnit: UInt32 = 0
        for _ in 0..<4 {
            let byte = buf[position]
            let digit: UInt32
            switch byte {
            case 0x30...0x39: digit = UInt32(byte - 0x30)
            case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
            default: throw fail(.invalidEscape, "invalid hex digit in \\u escape", at: escStart)
            }
            codeUnit = codeUnit << 4 | digit
            position += 1
        }
        return codeUnit
    }

    func appendUTF8(_ scalar: UInt32, to bytes: inout [UInt8]) {
        switch scalar {
        case 0..<0x80: bytes.append(UInt8(scalar))
        case 0x80..<0x800:
            bytes.append(UInt8(0xC0 | (scalar >> 6)))
            bytes.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            bytes.append(UInt8(0xE0 | (scalar >> 12)))
            bytes.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            bytes.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            bytes.append(UInt8(0xF0 | (scalar >> 18)))
            bytes.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            bytes.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            bytes.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    /// Advances over one multi-byte UTF-8 scalar, rejecting overlong forms, surrogates and values above U+10FFFF.
    mutating func skipUTF8Scalar() throws(JSONParseError) {
        let c0 = buf[position]
        let start = position
        func cont(_ index: Int) -> UInt8? { index < buf.count && buf[index] & 0xC0 == 0x80 ? buf[index] : nil }
        switch c0 {
        case 0xC2...0xDF:
            guard cont(position + 1) != nil else { throw fail(.invalidUTF8, "invalid UTF-8 sequence", at: start) }
            position += 2
        case 0xE0...0xEF:
            guard let c1 = cont(position + 1), cont(position + 2) != nil else { throw fail(.invalidUTF8, "invalid UTF-8 sequence", at: start) }
            if c0 == 0xE0 && c1 < 0xA0 { throw fail(.invalidUTF8, "overlong UTF-8 sequence", at: start) }
            if c0 == 0xED && c1 >= 0xA0 { throw fail(.invalidUTF8, "UTF-8 encoded surrogate", at: start) }
            position += 3
        case 0xF0...0xF4:
            guard let c1 = cont(position + 1), cont(position + 2) != nil, cont(position + 3) != nil else {
                throw fail(.invalidUTF8, "invalid UTF-8 sequence", at: start)
            }
            if c0 == 0xF0 && c1 < 0x90 { throw fail(.invalidUTF8, "overlong UTF-8 sequence", at: start) }
            if c0 == 0xF4 && c1 >= 0x90 { throw fail(.invalidUTF8, "code point above U+10FFFF", at: start) }
            position += 4
        default:
            throw fail(.invalidUTF8, "invalid UTF-8 byte 0x\(String(c0, radix: 16, uppercase: true))", at: start)
        }
    }
}
