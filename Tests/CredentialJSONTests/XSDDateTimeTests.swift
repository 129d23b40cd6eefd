import CredentialJSON
import Foundation
import Testing

/// Every edge of the one date-time parser, under each syntax the code uses. `nil` in a column: refused.
@Suite("XSDDateTime: one parser, three syntaxes")
struct XSDDateTimeTests {
    /// text, seconds since the epoch as xsd:dateTime, as xsd:dateTimeStamp, as RFC 3339 UTC (sigT).
    static let table: [(String, Double?, Double?, Double?)] = [
        ("2023-02-24T23:36:38Z", 1_677_281_798, 1_677_281_798, 1_677_281_798),
        ("2023-02-25T00:36:38+01:00", 1_677_281_798, 1_677_281_798, nil),  // sigT is UTC only
        ("2023-02-24T22:36:38-01:00", 1_677_281_798, 1_677_281_798, nil),
        ("2023-02-24T23:36:38.5Z", 1_677_281_798.5, 1_677_281_798.5, 1_677_281_798.5),
        ("2023-02-24T23:36:38", 1_677_281_798, nil, nil),  // no zone: dateTime reads UTC
        ("2023-02-24T23:36:38.Z", nil, nil, nil),  // a dot needs digits
        ("2023-02-24 23:36:38Z", nil, nil, nil),
        ("2023-02-24t23:36:38Z", nil, nil, nil),
        ("2023-02-24T23:36:38z", nil, nil, nil),
        ("2023-2-24T23:36:38Z", nil, nil, nil),
        ("2023-02-30T00:00:00Z", nil, nil, nil),
        ("2024-02-29T00:00:00Z", 1_709_164_800, 1_709_164_800, 1_709_164_800),  // leap year
        ("2100-02-29T00:00:00Z", nil, nil, nil),  // not a leap year
        ("2000-02-29T00:00:00Z", 951_782_400, 951_782_400, 951_782_400),  // divisible by 400
        ("2023-13-01T00:00:00Z", nil, nil, nil),
        ("2023-00-01T00:00:00Z", nil, nil, nil),
        ("2023-01-01T23:60:00Z", nil, nil, nil),
        ("2016-12-31T23:59:60Z", nil, nil, 1_483_228_800),  // leap second: RFC 3339 only
        ("2016-12-31T23:58:60Z", nil, nil, nil),  // 60 only in the last minute
        ("2023-01-01T24:00:00Z", 1_672_617_600, 1_672_617_600, nil),  // end of day: XML Schema only
        ("2023-01-01T24:00:00.0Z", 1_672_617_600, 1_672_617_600, nil),
        ("2023-01-01T24:00:00.5Z", nil, nil, nil),
        ("2023-01-01T24:00:01Z", nil, nil, nil),
        ("2023-01-01T25:00:00Z", nil, nil, nil),
        ("2023-01-01T00:00:00+14:00", 1_672_480_800, 1_672_480_800, nil),
        ("2023-01-01T00:00:00+14:01", nil, nil, nil),
        ("2023-01-01T00:00:00+13:60", nil, nil, nil),
        ("2023-01-01T00:00:00+0100", nil, nil, nil),
        ("12023-01-01T00:00:00Z", 317_242_051_200, 317_242_051_200, nil),  // five-digit year: XML Schema only
        ("02023-01-01T00:00:00Z", nil, nil, nil),  // no leading zero beyond four digits
        ("0000-01-01T00:00:00Z", -62_167_219_200, -62_167_219_200, -62_167_219_200),
        ("-0001-01-01T00:00:00Z", -62_198_755_200, -62_198_755_200, nil),
        ("1969-12-31T23:59:59Z", -1, -1, -1),
        ("2023-01-01T00:00:00Z ", nil, nil, nil),
        ("", nil, nil, nil),
        ("2023-01-01", nil, nil, nil),
    ]

    @Test(arguments: table.indices)
    func eachSyntaxReadsTheValueAsTheSpecificationSays(_ index: Int) {
        let (text, asDateTime, asStamp, asSigT) = Self.table[index]
        #expect(XSDDateTime(text, syntax: .dateTime)?.secondsSinceEpoch == asDateTime, "dateTime \(text)")
        #expect(XSDDateTime(text, syntax: .dateTimeStamp)?.secondsSinceEpoch == asStamp, "dateTimeStamp \(text)")
        #expect(XSDDateTime(text, syntax: .rfc3339UTC)?.secondsSinceEpoch == asSigT, "rfc3339UTC \(text)")
    }

    @Test func theFormatterWritesWholeSecondsInUTCAndEverySyntaxReadsItBack() throws {
        for seconds in [0.0, 1_677_281_798.9, -1, 951_782_400, 4_102_444_799] {
            let text = XSDDateTime.format(Date(timeIntervalSince1970: seconds))
            #expect(text.hasSuffix("Z") && text.count == 20, "\(text)")
            for syntax in [XSDDateTime.Syntax.dateTime, .dateTimeStamp, .rfc3339UTC] {
                #expect(XSDDateTime.parse(text, syntax: syntax) == Date(timeIntervalSince1970: seconds.rounded(.down)), "\(text)")
            }
        }
        #expect(XSDDateTime.format(Date(timeIntervalSince1970: 1_677_281_798.9)) == "2023-02-24T23:36:38Z")
    }

    @Test func valuesCompareAsInstantsNotAsText() throws {
        let a = try #require(XSDDateTime("2025-01-01T01:00:00+01:00"))
        let b = try #require(XSDDateTime("2025-01-01T00:00:00Z"))
        #expect(a == b)
        #expect(try #require(XSDDateTime("2025-01-01T00:00:01Z")) > b)
        #expect(a.lexicalForm == "2025-01-01T01:00:00+01:00")
        #expect(XSDDateTime("2025-01-01T00:00:00", syntax: .dateTime)?.hasTimeZone == false)
    }

    @Test func calendarFieldsOutOfRangeGiveNoDate() {
        #expect(XSDDateTime.date(year: 2023, month: 2, day: 24, hour: 23, minute: 36, second: 38) == Date(timeIntervalSince1970: 1_677_281_798))
        #expect(XSDDateTime.date(year: 2023, month: 2, day: 29, hour: 0, minute: 0, second: 0) == nil)
        #expect(XSDDateTime.date(year: 2023, month: 1, day: 1, hour: 24, minute: 0, second: 0) == nil)
        #expect(XSDDateTime.date(year: 2023, month: 1, day: 1, hour: 0, minute: 0, second: 60) == nil)
    }
}
