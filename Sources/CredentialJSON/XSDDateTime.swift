import Foundation

/// A date-time in the lexical form XML Schema 1.1 and RFC 3339 share, `YYYY-MM-DDThh:mm:ss(.s+)?(Z|±hh:mm)?`:
/// the one parser and the one formatter of date-times in skillcred.
///
/// The specifications differ only in details, which ``Syntax`` names: a credential's `validFrom` is an
/// `xsd:dateTimeStamp` (zone required), a proof's `created` an `xsd:dateTime` that DI §2.1 lets a verifier read
/// as UTC without a zone, a JAdES `sigT` an RFC 3339 UTC time (`Z` only, four-digit year, leap second allowed).
/// Parsed by hand rather than with `ISO8601DateFormatter`, which is slow, locale-bound, rejects years beyond
/// 9999 and accepts forms the schemas reject.
public struct XSDDateTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Which variant of the lexical form is accepted.
    public struct Syntax: Sendable, Hashable {
        /// What the value must say about its time zone.
        public enum Zone: Sendable, Hashable {
            /// `Z`, an offset, or nothing (read as UTC): `xsd:dateTime`.
            case optional
            /// `Z` or an offset: `xsd:dateTimeStamp`.
            case required
            /// `Z` only.
            case utc
        }

        /// The time-zone rule.
        public var zone: Zone
        /// Whether second `60` is accepted (RFC 3339 §5.6; XML Schema has no leap seconds). It is read as the
        /// first second of the next minute, as POSIX time has no leap seconds.
        public var allowsLeapSecond: Bool
        /// Whether `24:00:00` (the end of the day, XML Schema) is accepted.
        public var allowsEndOfDay: Bool
        /// Whether years other than four digits are accepted (negative, or more digits without a leading zero:
        /// XML Schema); otherwise exactly four digits (RFC 3339).
        public var allowsExtendedYears: Bool

        /// Creates a syntax.
        public init(zone: Zone, allowsLeapSecond: Bool, allowsEndOfDay: Bool, allowsExtendedYears: Bool) {
            self.zone = zone
            self.allowsLeapSecond = allowsLeapSecond
            self.allowsEndOfDay = allowsEndOfDay
            self.allowsExtendedYears = allowsExtendedYears
        }

        /// `xsd:dateTime` (XML Schema 1.1 Part 2 §3.3.7).
        public static let dateTime = Syntax(zone: .optional, allowsLeapSecond: false, allowsEndOfDay: true, allowsExtendedYears: true)
        /// `xsd:dateTimeStamp` (§3.4.28): a dateTime with a time zone.
        public static let dateTimeStamp = Syntax(zone: .required, allowsLeapSecond: false, allowsEndOfDay: true, allowsExtendedYears: true)
        /// RFC 3339 in UTC, as JAdES writes `sigT` (ETSI TS 119 182-1 §5.2.1).
        public static let rfc3339UTC = Syntax(zone: .utc, allowsLeapSecond: true, allowsEndOfDay: false, allowsExtendedYears: false)
    }

    /// Seconds since 1970-01-01T00:00:00Z, without leap seconds.
    public let secondsSinceEpoch: Double
    /// The text as it was given.
    public let lexicalForm: String
    /// Whether the text carried `Z` or an offset.
    public let hasTimeZone: Bool

    /// The instant as a `Date`.
    public var date: Date { Date(timeIntervalSince1970: secondsSinceEpoch) }

    /// Parses `text` in the given syntax; `nil` when it is not of that form or a field is out of range.
    public init?(_ text: String, syntax: Syntax = .dateTimeStamp) {
        var reader = Reader(bytes: Array(text.utf8))
        guard let parsed = reader.dateTime(syntax) else { return nil }
        self.secondsSinceEpoch = parsed.seconds
        self.hasTimeZone = parsed.hasZone
        self.lexicalForm = text
    }

    /// The instant of `text` in the given syntax, or `nil`.
    public static func parse(_ text: String, syntax: Syntax) -> Date? {
        XSDDateTime(text, syntax: syntax)?.date
    }

    /// The instant of calendar fields in UTC (proleptic Gregorian), or `nil` when a field is out of range.
    public static func date(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, fraction: Double = 0) -> Date? {
        let (civilYear, civilMonth, civilDay) = (Int64(year), Int64(month), Int64(day))
        guard (1...12).contains(civilMonth), civilDay >= 1, civilDay <= daysIn(month: civilMonth, year: civilYear), (0...23).contains(hour),
            (0...59).contains(minute), (0...59).contains(second), fraction >= 0, fraction < 1
        else { return nil }
        let seconds = daysFromCivil(year: civilYear, month: civilMonth, day: civilDay) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// Formats an instant as `YYYY-MM-DDThh:mm:ssZ`: UTC, whole seconds (the fraction is dropped), the form the
    /// W3C vectors, JAdES `sigT` and the reports use. Every syntax above reads it back.
    public static func format(_ date: Date) -> String {
        let seconds = Int64(floor(date.timeIntervalSince1970))
        var days = seconds / 86_400
        var rem = seconds % 86_400
        if rem < 0 { rem += 86_400; days -= 1 }
        let (year, month, day) = civil(fromDays: days)
        func pad(_ value: Int64, _ width: Int) -> String {
            let digits = String(abs(value))
            return (value < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(rem / 3600, 2)):\(pad(rem % 3600 / 60, 2)):\(pad(rem % 60, 2))Z"
    }

    public var description: String { lexicalForm }
    public static func < (lhs: XSDDateTime, rhs: XSDDateTime) -> Bool { lhs.secondsSinceEpoch < rhs.secondsSinceEpoch }
    public static func == (lhs: XSDDateTime, rhs: XSDDateTime) -> Bool { lhs.secondsSinceEpoch == rhs.secondsSinceEpoch }
    public func hash(into hasher: inout Hasher) { hasher.combine(secondsSinceEpoch) }

    // MARK: - Parsing

    private struct Reader {
        let bytes: [UInt8]
        var position = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func digits(_ count: Int) -> Int64? {
            guard position + count <= bytes.count else { return nil }
            var value: Int64 = 0
            for offset in 0..<count {
                let byte = bytes[position + offset]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int64(byte - 0x30)
            }
            position += count
            return value
        }

        mutating func take(_ character: Character) -> Bool {
            guard position < bytes.count, bytes[position] == character.asciiValue else { return false }
            position += 1
            return true
        }

        mutating func dateTime(_ syntax: Syntax) -> (seconds: Double, hasZone: Bool)? {
            // Year: XML Schema allows a sign and more than four digits, but no leading zero beyond four.
            let negative = syntax.allowsExtendedYears && take("-")
            var yearDigits = 0
            while position + yearDigits < bytes.count, bytes[position + yearDigits] >= 0x30, bytes[position + yearDigits] <= 0x39 { yearDigits += 1 }
            if syntax.allowsExtendedYears {
                guard yearDigits >= 4, yearDigits <= 9, !(yearDigits > 4 && bytes[position] == 0x30) else { return nil }
            } else {
                guard yearDigits == 4 else { return nil }
            }
            guard var year = digits(yearDigits) else { return nil }
            if negative { year = -year }
            guard take("-"), let month = digits(2), take("-"), let day = digits(2), take("T"),
                let hour = digits(2), take(":"), let minute = digits(2), take(":"), var second = digits(2)
            else { return nil }
            var fraction = 0.0
            if take(".") {
                var scale = 0.1
                let start = position
                while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 {
                    fraction += Double(bytes[position] - 0x30) * scale
                    scale /= 10
                    position += 1
                }
                guard position > start else { return nil }
            }
            guard (1...12).contains(month), day >= 1, day <= XSDDateTime.daysIn(month: month, year: year), minute <= 59 else { return nil }
            if second == 60 {
                guard syntax.allowsLeapSecond, minute == 59 else { return nil }
            } else {
                guard second <= 59 else { return nil }
            }
            let endOfDay = hour == 24 && minute == 0 && second == 0 && fraction == 0
            guard hour <= 23 || (syntax.allowsEndOfDay && endOfDay) else { return nil }
            var offsetSeconds: Int64 = 0
            var hasZone = false
            if take("Z") {
                hasZone = true
            } else if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                guard syntax.zone != .utc else { return nil }
                let sign: Int64 = bytes[position] == UInt8(ascii: "-") ? -1 : 1
                position += 1
                guard let oh = digits(2), take(":"), let om = digits(2), om <= 59, oh < 14 || (oh == 14 && om == 0) else { return nil }
                offsetSeconds = sign * (oh * 3600 + om * 60)
                hasZone = true
            }
            guard position == bytes.count, hasZone || syntax.zone == .optional else { return nil }
            if second == 60 { second = 59; fraction += 1 }
            let days = XSDDateTime.daysFromCivil(year: year, month: month, day: day)
            let total = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
            return (Double(total) + fraction, hasZone)
        }
    }

    // MARK: - Calendar arithmetic

    private static func isLeap(_ year: Int64) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    /// The number of days in `month` (1–12) of `year`, proleptic Gregorian.
    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days-from-civil).
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let marchYear = month <= 2 ? year - 1 : year
        let era = (marchYear >= 0 ? marchYear : marchYear - 399) / 400
        let yoe = marchYear - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let shiftedDays = z0 + 719_468
        let era = (shiftedDays >= 0 ? shiftedDays : shiftedDays - 146_096) / 146_097
        let doe = shiftedDays - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
