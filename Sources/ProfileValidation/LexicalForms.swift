/// Lexical-form checks for the XML Schema datatypes the profile uses (XSD 1.1 Part 2).
enum LexicalForms {
    /// `xsd:duration`: `-?P(nY)?(nM)?(nD)?(T(nH)?(nM)?(n(.n)?S)?)?` with at least one field.
    static func isDuration(_ text: String) -> Bool {
        var rest = Array(text.utf8)[...]
        if rest.first == UInt8(ascii: "-") { rest = rest.dropFirst() }
        guard take(&rest, "P") else { return false }
        var fields = 0
        var inTime = false
        var timeFields = 0
        var order = 0
        let dateDesignators: [UInt8] = Array("YMD".utf8)
        let timeDesignators: [UInt8] = Array("HMS".utf8)
        while !rest.isEmpty {
            if rest.first == UInt8(ascii: "T") {
                guard !inTime else { return false }
                inTime = true
                order = 0
                rest = rest.dropFirst()
                continue
            }
            guard digits(&rest, min: 1, max: 20) != nil else { return false }
            var fractional = false
            if take(&rest, ".") {
                guard digits(&rest, min: 1, max: 20) != nil else { return false }
                fractional = true
            }
            guard let digit = rest.first else { return false }
            rest = rest.dropFirst()
            let designators = inTime ? timeDesignators : dateDesignators
            guard let pos = designators.firstIndex(of: digit), pos + 1 > order else { return false }
            if fractional && !(inTime && digit == UInt8(ascii: "S")) { return false }
            order = pos + 1
            fields += 1
            if inTime { timeFields += 1 }
        }
        return fields > 0 && (!inTime || timeFields > 0)
    }

    static func isInteger(_ text: String, positive: Bool) -> Bool {
        var rest = Array(text.utf8)[...]
        var negative = false
        if rest.first == UInt8(ascii: "+") { rest = rest.dropFirst() } else if rest.first == UInt8(ascii: "-") { negative = true; rest = rest.dropFirst() }
        guard let integerDigits = digits(&rest, min: 1, max: 1000), rest.isEmpty else { return false }
        if positive { return !negative && integerDigits.contains { $0 != UInt8(ascii: "0") } }
        return true
    }

    static func isDecimal(_ text: String) -> Bool {
        var rest = Array(text.utf8)[...]
        if rest.first == UInt8(ascii: "+") || rest.first == UInt8(ascii: "-") { rest = rest.dropFirst() }
        let whole = digits(&rest, min: 1, max: 1000)
        if take(&rest, ".") {
            let frac = digits(&rest, min: 1, max: 1000)
            return (whole != nil || frac != nil) && rest.isEmpty
        }
        return whole != nil && rest.isEmpty
    }

    static func example(_ datatype: Datatype) -> String {
        switch datatype {
        case .dateTime: return " (expected e.g. 2026-01-31T09:00:00Z)"
        case .duration: return " (expected an ISO 8601 duration, e.g. PT60H)"
        case .positiveInteger: return " (expected a whole number ≥ 1)"
        default: return ""
        }
    }

    private static func take(_ bytes: inout ArraySlice<UInt8>, _ character: Character) -> Bool {
        guard let first = bytes.first, first == character.asciiValue else { return false }
        bytes = bytes.dropFirst()
        return true
    }

    private static func digits(_ bytes: inout ArraySlice<UInt8>, min: Int, max: Int) -> ArraySlice<UInt8>? {
        let count = bytes.prefix(while: { $0 >= 48 && $0 <= 57 }).count
        guard count >= min, count <= max else { return nil }
        let digits = bytes.prefix(count)
        bytes = bytes.dropFirst(count)
        return digits
    }

    private static func number(_ bytes: inout ArraySlice<UInt8>, _ width: Int) -> Int? {
        guard bytes.count >= width else { return nil }
        var value = 0
        for byte in bytes.prefix(width) {
            guard byte >= 48 && byte <= 57 else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        bytes = bytes.dropFirst(width)
        return value
    }
}
