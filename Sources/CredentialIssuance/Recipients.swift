import CredentialJSON
import Foundation
import LearningModel

/// One learner row of a recipients CSV that passed validation.
public struct RecipientRow: Sendable, Hashable {
    /// 1-based line of the row in the file (the header is line 1).
    public let line: Int
    /// Column name → value, every column of the header.
    public let values: [String: String]

    /// A row as given (for callers that validated their rows another way, e.g. benchmarks).
    public init(line: Int, values: [String: String]) {
        self.line = line
        self.values = values
    }

    /// The row's stable id (column `id`): with the template id it names the credential in the registry.
    public var id: String { values[Recipients.idColumn] ?? "" }

    /// The value for a placeholder: a column, or `fullName` (given name and family name).
    public func value(_ name: String) -> String? {
        if name == "fullName" {
            return [values["givenName"], values["familyName"]].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        }
        return values[name]
    }
}

/// A problem with one cell (or one row) of the recipients CSV.
public struct RowProblem: Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, stable across releases.
    public enum Code: String, Sendable, Hashable {
        /// A required column, or one a placeholder uses, is empty.
        case missingValue
        /// The row id has characters a file name must not have, or is longer than 64.
        case invalidID
        /// Another row has the same id.
        case duplicateID
        /// Not a calendar date `YYYY-MM-DD` (or a birth date before 1900).
        case invalidDate
        /// A date after today.
        case futureDate
        /// Not an e-mail address.
        case invalidEmail
        /// The row has more or fewer fields than the header.
        case fieldCount
        /// A value longer than 1000 characters.
        case tooLong
    }
    /// 1-based line in the file.
    public let line: Int
    /// The row's id when it has one.
    public let rowID: String?
    /// The column at fault (`*` for the whole row).
    public let column: String
    public let code: Code
    public let reason: String

    public var description: String {
        "line \(line)\(rowID.map { " (id \($0))" } ?? ""), column \(column): \(reason)"
    }
}

/// The outcome of validating a recipients file.
public struct RecipientValidation: Sendable {
    /// The rows without any problem, in file order.
    public var validRows: [RecipientRow]
    /// Every problem found (at most `maxErrors`), in file order.
    public var problems: [RowProblem]
    /// Rows with at least one problem.
    public var invalidRowCount: Int
    /// Whether validation stopped at `maxErrors` problems before the end of the file.
    public var stoppedEarly: Bool
    /// Data rows in the file (valid and invalid; only counted up to where validation stopped).
    public var rowCount: Int
}

/// Reading and checking the recipients CSV: one row per learner.
///
/// Columns: `id` (required; letters, digits, `.`, `_`, `-`; unique; it is also the output file name),
/// `givenName` and `familyName` (required), `dateOfBirth` (YYYY-MM-DD), `email`, `grade`, `date`
/// (YYYY-MM-DD, the awarding date), and any free column. A column a template placeholder names must
/// exist and be non-empty in every row.
public enum Recipients {
    public static let idColumn = "id"
    /// Columns every recipients file has.
    public static let requiredColumns = ["id", "givenName", "familyName"]
    /// The default cap on reported problems.
    public static let defaultMaxErrors = 100
    /// The largest recipients file read (rows are kept in memory; credentials are not).
    public static let maxBytes = 256 * 1024 * 1024
    static let maxFieldLength = 1000

    /// Validates every row; stops once `maxErrors` problems are found.
    ///
    /// Throws only for file-level problems (not CSV, missing column); row problems are in the result.
    public static func validate(
        csv bytes: [UInt8], name: String, template: CredentialTemplate?,
        maxErrors: Int = defaultMaxErrors, today: Date = Date()
    ) throws(IssuanceError) -> RecipientValidation {
        let records: [[String]]
        do { records = try CSVReader.records(bytes, maxBytes: maxBytes) } catch {
            throw IssuanceError(.invalidRecipients, error.message, location: "\(name):\(error.line):\(error.column)")
        }
        guard let header = records.first else {
            throw IssuanceError(
                .invalidRecipients, "the file is empty; expected a header line with \(requiredColumns.joined(separator: ","))", location: "\(name):1")
        }
        var seenHeader = Set<String>()
        for (position, column) in header.enumerated() {
            guard !column.isEmpty else { throw IssuanceError(.invalidRecipients, "header column \(position + 1) has no name", location: "\(name):1") }
            guard seenHeader.insert(column).inserted else {
                throw IssuanceError(.invalidRecipients, "the header names column \(column) twice", location: "\(name):1")
            }
        }
        var needed = requiredColumns
        // A set beside the list: searching the list made a template of n placeholders cost n².
        var neededSet = Set(needed)
        for placeholder in template?.placeholders ?? [] where neededSet.insert(placeholder).inserted { needed.append(placeholder) }
        for column in needed where !seenHeader.contains(column) {
            let why = requiredColumns.contains(column) ? "every recipients file needs it" : "the template uses {{\(column)}}"
            throw IssuanceError(.invalidRecipients, "the header has no \(column) column (\(why))", location: "\(name):1")
        }
        let todayText = DateText.day(today)
        var result = RecipientValidation(validRows: [], problems: [], invalidRowCount: 0, stoppedEarly: false, rowCount: 0)
        result.validRows.reserveCapacity(records.count - 1)
        var ids = [String: Int]()
        let cap = max(1, maxErrors)
        for (index, record) in records.dropFirst().enumerated() {
            if record.count == 1 && record[0].isEmpty { continue }
            let line = index + 2
            result.rowCount += 1
            var problems: [RowProblem] = []
            if record.count != header.count {
                problems.append(
                    RowProblem(
                        line: line, rowID: record.first.flatMap { $0.isEmpty ? nil : $0 }, column: "*", code: .fieldCount,
                        reason: "the row has \(record.count) fields, the header \(header.count)"))
            }
            var values = [String: String](minimumCapacity: header.count)
            for (position, column) in header.enumerated() {
                values[column] = position < record.count ? record[position].trimmingCharacters(in: .whitespaces) : ""
            }
            problems += check(values, columns: header, needed: needed, line: line, todayText: todayText) { id in
                if let first = ids[id] { return first }
                ids[id] = line
                return nil
            }
            if problems.isEmpty {
                result.validRows.append(RecipientRow(line: line, values: values))
            } else {
                result.invalidRowCount += 1
                let room = cap - result.problems.count
                result.problems.append(contentsOf: problems.prefix(room))
                if result.problems.count >= cap {
                    result.stoppedEarly = index + 2 < records.count
                    break
                }
            }
        }
        return result
    }

    /// Checks one recipient given as named values (e.g. a JSON object posted to the service) with the rules
    /// of a CSV row: required and placeholder columns present and non-empty, a valid `id`, dates, e-mail,
    /// field length.
    ///
    /// - Returns: a validation with the row in ``RecipientValidation/validRows`` when it has no problem,
    ///   else its problems (`column` names the field; `line` is 1).
    public static func validate(values: [String: String], template: CredentialTemplate?, today: Date = Date()) -> RecipientValidation {
        var needed = requiredColumns
        // Sets beside the lists: searching them made n placeholders and n posted values cost n².
        var neededSet = Set(needed)
        for placeholder in template?.placeholders ?? [] where neededSet.insert(placeholder).inserted { needed.append(placeholder) }
        var trimmed = [String: String](minimumCapacity: values.count)
        for (column, value) in values { trimmed[column] = value.trimmingCharacters(in: .whitespaces) }
        let columns = needed + trimmed.keys.filter { !neededSet.contains($0) }.sorted()
        let problems = check(trimmed, columns: columns, needed: needed, line: 1, todayText: DateText.day(today)) { _ in nil }
        var result = RecipientValidation(validRows: [], problems: problems, invalidRowCount: problems.isEmpty ? 0 : 1, stoppedEarly: false, rowCount: 1)
        if problems.isEmpty { result.validRows = [RecipientRow(line: 1, values: trimmed)] }
        return result
    }

    /// The problems of one row's values, in the order a reader fixes them: lengths, missing values, id, dates, e-mail.
    ///
    /// - Parameter seenID: returns the line that already has this id (and records it otherwise).
    static func check(
        _ values: [String: String], columns: [String], needed: [String], line: Int, todayText: String,
        seenID: (String) -> Int?
    ) -> [RowProblem] {
        var problems: [RowProblem] = []
        let rowID = values[idColumn].flatMap { $0.isEmpty ? nil : $0 }
        func problem(_ column: String, _ code: RowProblem.Code, _ reason: String) {
            problems.append(RowProblem(line: line, rowID: rowID, column: column, code: code, reason: reason))
        }
        for column in columns where (values[column]?.count ?? 0) > maxFieldLength {
            problem(column, .tooLong, "longer than \(maxFieldLength) characters")
        }
        for column in needed where (values[column] ?? "").isEmpty {
            problem(column, .missingValue, requiredColumns.contains(column) ? "is empty; every row needs it" : "is empty, but the template uses {{\(column)}}")
        }
        if let id = rowID {
            if !isValidID(id) {
                problem(idColumn, .invalidID, "\"\(id)\" must be 1–64 letters, digits, '.', '_' or '-' (it names the output file)")
            } else if let first = seenID(id) {
                problem(idColumn, .duplicateID, "\"\(id)\" is already the id of line \(first)")
            }
        }
        for column in ["dateOfBirth", "date"] {
            guard let date = values[column], !date.isEmpty else { continue }
            if !DateText.isValidDay(date) {
                problem(column, .invalidDate, "\"\(date)\" is not a date YYYY-MM-DD")
            } else if date > todayText {
                problem(column, .futureDate, "\(date) is in the future")
            } else if column == "dateOfBirth" && date < "1900-01-01" {
                problem(column, .invalidDate, "\(date) is before 1900")
            }
        }
        if let email = values["email"], !email.isEmpty, !isPlausibleEmail(email) {
            problem("email", .invalidEmail, "\"\(email)\" is not an e-mail address")
        }
        return problems
    }

    static func isValidID(_ id: String) -> Bool {
        guard !id.isEmpty, id.utf8.count <= 64, id.first != "." else { return false }
        return id.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2E || c == 0x5F || c == 0x2D
        }
    }

    static func isPlausibleEmail(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix(".") else { return false }
        return !address.contains(where: { $0 == " " || $0 == "<" || $0 == ">" || $0 == "," || $0 == ";" })
    }
}

/// Dates as credentials write them.
enum DateText {
    static func isValidDay(_ text: String) -> Bool {
        let utf8 = Array(text.utf8)
        guard utf8.count == 10, utf8[4] == 0x2D, utf8[7] == 0x2D,
            let year = Int(text.prefix(4)), let month = Int(text.dropFirst(5).prefix(2)), let day = Int(text.suffix(2)),
            utf8.enumerated().allSatisfy({ $0.offset == 4 || $0.offset == 7 || ($0.element >= 0x30 && $0.element <= 0x39) }),
            (1...12).contains(month), day >= 1
        else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return day <= days
    }

    /// `YYYY-MM-DD` of a date in UTC.
    static func day(_ date: Date) -> String { String(XSDDateTime.format(date).prefix(10)) }

    /// A day as an xsd:dateTime at midnight UTC.
    static func midnight(_ day: String) -> String { day + "T00:00:00Z" }
}
