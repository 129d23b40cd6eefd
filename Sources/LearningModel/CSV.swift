/// A CSV syntax error with the line and column where it was found.
public struct CSVError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let name: String
        public var description: String { name }
        /// A quoted field is not closed before the end of the input.
        public static let unterminatedQuote = Code(name: "unterminatedQuote")
        /// A quote inside an unquoted field, or text after a closing quote.
        public static let unexpectedQuote = Code(name: "unexpectedQuote")
        /// The input is not UTF-8.
        public static let invalidUTF8 = Code(name: "invalidUTF8")
        /// The input is larger than the limit.
        public static let tooLarge = Code(name: "tooLarge")
        /// A required column is missing from the header.
        public static let missingColumn = Code(name: "missingColumn")
    }

    public let code: Code
    public let message: String
    /// 1-based line and column (in characters) of the problem.
    public let line: Int
    public let column: Int

    public var description: String { "line \(line):\(column): \(message)" }
}

/// A small RFC 4180 CSV reader: quoted fields with `""` escapes and embedded line breaks,
/// CRLF or LF line ends, and a leading UTF-8 byte order mark ignored.
public enum CSVReader {
    /// The default size limit (the full ESCO skills export is about 30 MB per language).
    public static let defaultMaxBytes = 512 * 1024 * 1024

    /// Every record as fields; an empty last line is not a record.
    public static func records<Bytes: Collection>(
        _ bytes: Bytes, separator: UInt8 = UInt8(ascii: ","),
        maxBytes: Int = defaultMaxBytes
    ) throws(CSVError) -> [[String]]
    where Bytes.Element == UInt8 {
        var input = Array(bytes)
        guard input.count <= maxBytes else {
            throw CSVError(code: .tooLarge, message: "the CSV is larger than \(maxBytes) bytes", line: 1, column: 1)
        }
        if input.starts(with: [0xEF, 0xBB, 0xBF]) { input.removeFirst(3) }
        var records: [[String]] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1
        var lineStart = 0
        var offset = 0
        let count = input.count
        let quote = UInt8(ascii: "\"")
        let cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")

        func finishField() throws(CSVError) {
            guard let text = String(validating: field, as: UTF8.self) else {
                throw CSVError(code: .invalidUTF8, message: "the text is not UTF-8", line: line, column: 1)
            }
            fields.append(text)
            field.removeAll(keepingCapacity: true)
        }

        while offset < count {
            // Start of a field.
            if input[offset] == quote {
                let openLine = line, openColumn = offset - lineStart + 1
                offset += 1
                var closed = false
                while offset < count {
                    let byte = input[offset]
                    if byte == quote {
                        if offset + 1 < count && input[offset + 1] == quote {
                            field.append(quote)
                            offset += 2
                            continue
                        }
                        offset += 1
                        closed = true
                        break
                    }
                    if byte == lf { line += 1; lineStart = offset + 1 }
                    field.append(byte)
                    offset += 1
                }
                if !closed {
                    throw CSVError(code: .unterminatedQuote, message: "a quoted field is not closed", line: openLine, column: openColumn)
                }
                if offset < count && input[offset] != separator && input[offset] != cr && input[offset] != lf {
                    throw CSVError(code: .unexpectedQuote, message: "text after a closing quote", line: line, column: offset - lineStart + 1)
                }
            } else {
                while offset < count && input[offset] != separator && input[offset] != cr && input[offset] != lf {
                    if input[offset] == quote {
                        throw CSVError(code: .unexpectedQuote, message: "a quote inside an unquoted field", line: line, column: offset - lineStart + 1)
                    }
                    field.append(input[offset])
                    offset += 1
                }
            }
            try finishField()
            if offset >= count { break }
            if input[offset] == separator {
                offset += 1
                if offset == count { fields.append("") }
                continue
            }
            // Line end: CRLF, LF or a lone CR.
            if input[offset] == cr && offset + 1 < count && input[offset + 1] == lf { offset += 1 }
            offset += 1
            records.append(fields)
            fields.removeAll(keepingCapacity: true)
            line += 1
            lineStart = offset
        }
        if !fields.isEmpty { records.append(fields) }
        return records
    }

    /// Records as dictionaries keyed by the header row's names, with their 1-based line numbers.
    public static func table<Bytes: Collection>(
        _ bytes: Bytes, required: [String] = [],
        maxBytes: Int = defaultMaxBytes
    ) throws(CSVError) -> [(line: Int, row: [String: String])]
    where Bytes.Element == UInt8 {
        let all = try records(bytes, maxBytes: maxBytes)
        guard let header = all.first else {
            if let missing = required.first {
                throw CSVError(code: .missingColumn, message: "the CSV is empty; expected a header with \(missing)", line: 1, column: 1)
            }
            return []
        }
        for column in required where !header.contains(column) {
            throw CSVError(code: .missingColumn, message: "the header has no \(column) column", line: 1, column: 1)
        }
        var result: [(line: Int, row: [String: String])] = []
        result.reserveCapacity(all.count - 1)
        // Line numbers are approximate for records with embedded line breaks; rows are counted instead.
        for (index, record) in all.dropFirst().enumerated() {
            if record.count == 1 && record[0].isEmpty { continue }
            var row: [String: String] = [:]
            for (position, name) in header.enumerated() where position < record.count { row[name] = record[position] }
            result.append((index + 2, row))
        }
        return result
    }
}
