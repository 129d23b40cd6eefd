import Foundation

/// XML Schema 1.1 `dateTime` / `dateTimeStamp` values as proofs use them for `created` and `expires`.
///
/// Hand-parsed rather than through `ISO8601DateFormatter`, which is slow, locale-bound and
/// accepts forms XML Schema rejects (and rejects fractional seconds unless told).
public enum DateTimeStamp {
    /// Parses `YYYY-MM-DDThh:mm:ss(.s+)?(Z|±hh:mm)?`; returns `nil` for anything else.
    ///
    /// A value without an offset is read as UTC: DI §2.1 lets a verifier accept such values,
    /// and the W3C suite expects them to be accepted. ``hasTimeZone(_:)`` tells them apart.
    public static func parse(_ text: String) -> Date? {
        parseComponents(Array(text.utf8))?.date
    }

    /// Whether the value carries `Z` or an offset (a `dateTimeStamp` proper).
    public static func hasTimeZone(_ text: String) -> Bool {
        parseComponents(Array(text.utf8))?.hasZone ?? false
    }

    /// Formats a date as `YYYY-MM-DDThh:mm:ssZ` (whole seconds, UTC), the form the W3C vectors use.
    public static func format(_ date: Date) -> String {
        let seconds = Int64(floor(date.timeIntervalSince1970))
        var days = seconds / 86_400
        var rem = seconds % 86_400
        if rem < 0 { rem += 86_400; days -= 1 }
        let (y, m, d) = civil(fromDays: days)
        func pad(_ v: Int64, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(rem / 3600, 2)):\(pad(rem % 3600 / 60, 2)):\(pad(rem % 60, 2))Z"
    }

    private static func parseComponents(_ b: [UInt8]) -> (date: Date, hasZone: Bool)? {
        var i = 0
        func digits(_ n: Int) -> Int64? {
            guard i + n <= b.count else { return nil }
            var v: Int64 = 0
            for k in 0..<n {
                let c = b[i + k]
                guard c >= 0x30, c <= 0x39 else { return nil }
                v = v * 10 + Int64(c - 0x30)
            }
            i += n
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
        var negativeYear = false
        if i < b.count, b[i] == UInt8(ascii: "-") { negativeYear = true; i += 1 }
        // Years have at least four digits; more only without a leading zero.
        var yearDigits = 0
        while i + yearDigits < b.count, b[i + yearDigits] >= 0x30, b[i + yearDigits] <= 0x39 { yearDigits += 1 }
        guard yearDigits >= 4, yearDigits <= 9, !(yearDigits > 4 && b[i] == 0x30) else { return nil }
        guard var year = digits(yearDigits) else { return nil }
        if negativeYear { year = -year }
        guard expect(UInt8(ascii: "-")), let month = digits(2), expect(UInt8(ascii: "-")), let day = digits(2),
              expect(UInt8(ascii: "T")), let hour = digits(2), expect(UInt8(ascii: ":")), let minute = digits(2),
              expect(UInt8(ascii: ":")), let second = digits(2) else { return nil }
        var fraction = 0.0
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            var scale = 0.1
            var count = 0
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                fraction += Double(b[i] - 0x30) * scale
                scale /= 10
                i += 1
                count += 1
            }
            guard count > 0 else { return nil }
        }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
              minute <= 59, second <= 59 else { return nil }
        // 24:00:00 is allowed by XML Schema and means the end of the day.
        guard hour <= 23 || (hour == 24 && minute == 0 && second == 0 && fraction == 0) else { return nil }
        var offsetSeconds: Int64 = 0
        var hasZone = false
        if i < b.count {
            if b[i] == UInt8(ascii: "Z") {
                i += 1
                hasZone = true
            } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
                let sign: Int64 = b[i] == UInt8(ascii: "-") ? -1 : 1
                i += 1
                guard let oh = digits(2), expect(UInt8(ascii: ":")), let om = digits(2), om <= 59,
                      oh < 14 || (oh == 14 && om == 0) else { return nil }
                offsetSeconds = sign * (oh * 3600 + om * 60)
                hasZone = true
            } else {
                return nil
            }
        }
        guard i == b.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let total = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return (Date(timeIntervalSince1970: Double(total) + fraction), hasZone)
    }

    private static func isLeap(_ y: Int64) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    /// The number of days in `month` (1–12) of `year`, proleptic Gregorian.
    public static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days-from-civil).
    public static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
