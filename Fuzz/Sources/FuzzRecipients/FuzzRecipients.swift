import CredentialIssuance
import Foundation
import LearningModel

let today = Date(timeIntervalSince1970: 1_780_000_000)  // 2026-05-28, fixed so runs are reproducible

/// RFC 4180 text for records: every field quoted, or only where needed (separator, quote, CR, LF, a leading BOM,
/// and a record that is one empty field, which unquoted would be an empty line).
func csv(_ records: [[String]], quoteAll: Bool) -> [UInt8] {
    var out: [UInt8] = []
    for record in records {
        for (k, field) in record.enumerated() {
            if k > 0 { out.append(UInt8(ascii: ",")) }
            let needsQuotes =
                quoteAll || field.utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0D || $0 == 0x0A }
                || field.hasPrefix("\u{FEFF}") || (record.count == 1 && field.isEmpty)
            if needsQuotes {
                out.append(0x22)
                for c in field.utf8 {
                    if c == 0x22 { out.append(0x22) }
                    out.append(c)
                }
                out.append(0x22)
            } else {
                out.append(contentsOf: field.utf8)
            }
        }
        out.append(contentsOf: [0x0D, 0x0A])
    }
    return out
}

func isValidID(_ id: String) -> Bool {
    !id.isEmpty && id.utf8.count <= 64 && !id.hasPrefix(".")
        && id.utf8.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D
        }
}

/// The recipients CSV: CSVReader.records, then Recipients.validate (no template) with the default cap on problems
/// and with a cap of 2. Checked:
/// - records written back as RFC 4180 (all fields quoted, or only where needed) read back to the same records;
/// - error positions are 1-based;
/// - every row is counted once, valid or invalid; a valid row has a unique valid id, the required names, exactly
///   the header's columns with trimmed values, and no date after today;
/// - stopping at 2 problems gives a prefix of the full run's problems and valid rows.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRecipients(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let records: [[String]]
    do {
        records = try CSVReader.records(bytes)
    } catch {
        guard error.line >= 1, error.column >= 1 else { fatalError("CSV error at \(error.line):\(error.column)") }
        return 0
    }
    for quoteAll in [true, false] {
        let text = csv(records, quoteAll: quoteAll)
        guard let again = try? CSVReader.records(text), again == records else {
            fatalError(
                "CSV round trip (quoteAll \(quoteAll)) changed \(records) into \((try? CSVReader.records(text)).map { "\($0)" } ?? "an error"): \(String(decoding: text, as: UTF8.self))"
            )
        }
    }
    guard let full = try? Recipients.validate(csv: bytes, name: "fuzz.csv", template: nil, today: today) else { return 0 }
    guard full.validRows.count + full.invalidRowCount == full.rowCount else {
        fatalError("\(full.validRows.count) valid + \(full.invalidRowCount) invalid rows, \(full.rowCount) counted")
    }
    guard full.problems.count <= Recipients.defaultMaxErrors else { fatalError("\(full.problems.count) problems reported") }
    let columns = Set(records[0])
    var ids = Set<String>()
    var lastLine = 1
    for row in full.validRows {
        guard row.line > lastLine else { fatalError("valid rows out of order at line \(row.line)") }
        lastLine = row.line
        guard isValidID(row.id), ids.insert(row.id).inserted else { fatalError("valid row with id \"\(row.id)\" (invalid or repeated)") }
        guard row.values["givenName"]?.isEmpty == false, row.values["familyName"]?.isEmpty == false else { fatalError("valid row without names: \(row)") }
        guard Set(row.values.keys) == columns else { fatalError("valid row's columns \(row.values.keys.sorted()) are not the header's") }
        for (column, value) in row.values where value != value.trimmingCharacters(in: .whitespaces) {
            fatalError("untrimmed \(column) value \"\(value)\"")
        }
        for column in ["date", "dateOfBirth"] {
            if let v = row.values[column], !v.isEmpty, v.utf8.count != 10 || v > "2026-05-28" { fatalError("valid row with \(column) \(v)") }
        }
    }
    for problem in full.problems where problem.line < 2 { fatalError("row problem on line \(problem.line): \(problem)") }
    guard let capped = try? Recipients.validate(csv: bytes, name: "fuzz.csv", template: nil, maxErrors: 2, today: today) else {
        fatalError("validation failed with a cap of 2 but not without")
    }
    guard capped.problems.count == min(2, full.problems.count), capped.problems[...] == full.problems.prefix(capped.problems.count),
        capped.validRows[...] == full.validRows.prefix(capped.validRows.count)
    else {
        fatalError("the capped run is not a prefix of the full one: \(capped.problems) vs \(full.problems)")
    }
    if full.problems.count < 2 {
        guard capped.validRows == full.validRows, capped.rowCount == full.rowCount else { fatalError("capped run differs without stopping") }
    }
    return 0
}
