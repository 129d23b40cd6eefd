import CredentialJSON

/// The URL test the data model applies to `id`, `issuer`, `@context` entries and the like.
public enum URLSyntax {
    /// Whether `s` is an absolute URI (RFC 3986 §4.3): a scheme, `:`, and no characters that a URI
    /// may never contain (whitespace, `<>"{}|\^` and backquote).
    public static func isAbsoluteURL(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard let colon = u.firstIndex(of: UInt8(ascii: ":")), colon > 0 else { return false }
        guard isAlpha(u[0]) else { return false }
        for c in u[1..<colon] where !(isAlpha(c) || isDigit(c) || c == UInt8(ascii: "+") || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")) {
            return false
        }
        guard colon + 1 < u.count else { return false }
        for c in u[(colon + 1)...] {
            if c <= 0x20 || c == 0x7F { return false }
            switch c {
            case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""), UInt8(ascii: "{"), UInt8(ascii: "}"),
                 UInt8(ascii: "|"), UInt8(ascii: "\\"), UInt8(ascii: "^"), UInt8(ascii: "`"):
                return false
            default: continue
            }
        }
        return true
    }

    private static func isAlpha(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) }
    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
}

/// An XML Schema `dateTimeStamp` (a `dateTime` with a mandatory time zone), comparable as an instant.
///
/// Parsed by hand rather than with a date formatter because formatters accept forms the schema
/// rejects (missing zone, lowercase separators in some locales) and reject years beyond 9999.
public struct XSDDateTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z, without leap seconds.
    public let secondsSinceEpoch: Double
    /// The text as it was given.
    public let lexicalForm: String

    /// Parses `YYYY-MM-DDThh:mm:ss(.s+)?(Z|±hh:mm)`; `nil` when the zone is missing or a field is out of range.
    public init?(dateTimeStamp text: String) {
        let u = Array(text.utf8)
        var i = 0
        func digits(_ n: Int) -> Int? {
            guard i + n <= u.count else { return nil }
            var v = 0
            for k in 0..<n {
                let c = u[i + k]
                guard c >= 0x30 && c <= 0x39 else { return nil }
                v = v * 10 + Int(c - 0x30)
            }
            i += n
            return v
        }
        func expect(_ c: Character) -> Bool {
            guard i < u.count, u[i] == c.asciiValue! else { return false }
            i += 1
            return true
        }
        var negativeYear = false
        if i < u.count, u[i] == UInt8(ascii: "-") { negativeYear = true; i += 1 }
        var yearDigits = 0
        var year = 0
        while i < u.count, u[i] >= 0x30, u[i] <= 0x39 { year = year * 10 + Int(u[i] - 0x30); i += 1; yearDigits += 1 }
        guard yearDigits >= 4, yearDigits <= 9 else { return nil }
        if negativeYear { year = -year }
        guard expect("-"), let month = digits(2), expect("-"), let day = digits(2), expect("T"),
              let hour = digits(2), expect(":"), let minute = digits(2), expect(":"), let second = digits(2)
        else { return nil }
        var fraction = 0.0
        if i < u.count, u[i] == UInt8(ascii: ".") {
            i += 1
            var scale = 0.1
            let start = i
            while i < u.count, u[i] >= 0x30, u[i] <= 0x39 { fraction += Double(u[i] - 0x30) * scale; scale /= 10; i += 1 }
            guard i > start else { return nil }
        }
        guard i < u.count else { return nil }  // a dateTimeStamp must have a zone
        var offsetMinutes = 0
        if u[i] == UInt8(ascii: "Z") {
            i += 1
        } else if u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-") {
            let sign = u[i] == UInt8(ascii: "-") ? -1 : 1
            i += 1
            guard let oh = digits(2), expect(":"), let om = digits(2), oh <= 14, om <= 59, oh < 14 || om == 0 else { return nil }
            offsetMinutes = sign * (oh * 60 + om)
        } else {
            return nil
        }
        guard i == u.count else { return nil }
        guard (1...12).contains(month), day >= 1, Int64(day) <= DateTimeStamp.daysIn(month: Int64(month), year: Int64(year)),
              minute <= 59, second <= 59
        else { return nil }
        // 24:00:00 is allowed by XML Schema and means the end of the day.
        guard hour <= 23 || (hour == 24 && minute == 0 && second == 0 && fraction == 0) else { return nil }
        let days = Int(DateTimeStamp.daysFromCivil(year: Int64(year), month: Int64(month), day: Int64(day)))
        let seconds = Double(days) * 86_400 + Double(hour * 3600 + minute * 60 + second) + fraction - Double(offsetMinutes * 60)
        self.secondsSinceEpoch = seconds
        self.lexicalForm = text
    }

    public var description: String { lexicalForm }

    public static func < (lhs: XSDDateTime, rhs: XSDDateTime) -> Bool { lhs.secondsSinceEpoch < rhs.secondsSinceEpoch }
    public static func == (lhs: XSDDateTime, rhs: XSDDateTime) -> Bool { lhs.secondsSinceEpoch == rhs.secondsSinceEpoch }
    public func hash(into hasher: inout Hasher) { hasher.combine(secondsSinceEpoch) }
}
