/// Lexical-form checks for the XML Schema datatypes the profile uses (XSD 1.1 Part 2).
enum LexicalForms {
    /// `xsd:duration`: `-?P(nY)?(nM)?(nD)?(T(nH)?(nM)?(n(.n)?S)?)?` with at least one field.
    static func isDuration(_ s: String) -> Bool {
        var u = Array(s.utf8)[...]
        if u.first == UInt8(ascii: "-") { u = u.dropFirst() }
        guard take(&u, "P") else { return false }
        var fields = 0
        var inTime = false
        var timeFields = 0
        var order = 0
        let dateDesignators: [UInt8] = Array("YMD".utf8)
        let timeDesignators: [UInt8] = Array("HMS".utf8)
        while !u.isEmpty {
            if u.first == UInt8(ascii: "T") {
                guard !inTime else { return false }
                inTime = true
                order = 0
                u = u.dropFirst()
                continue
            }
            guard digits(&u, min: 1, max: 20) != nil else { return false }
            var fractional = false
            if take(&u, ".") {
                guard digits(&u, min: 1, max: 20) != nil else { return false }
                fractional = true
            }
            guard let d = u.first else { return false }
            u = u.dropFirst()
            let designators = inTime ? timeDesignators : dateDesignators
            guard let pos = designators.firstIndex(of: d), pos + 1 > order else { return false }
            if fractional && !(inTime && d == UInt8(ascii: "S")) { return false }
            order = pos + 1
            fields += 1
            if inTime { timeFields += 1 }
        }
        return fields > 0 && (!inTime || timeFields > 0)
    }

    static func isInteger(_ s: String, positive: Bool) -> Bool {
        var u = Array(s.utf8)[...]
        var negative = false
        if u.first == UInt8(ascii: "+") { u = u.dropFirst() } else if u.first == UInt8(ascii: "-") { negative = true; u = u.dropFirst() }
        guard let d = digits(&u, min: 1, max: 1000), u.isEmpty else { return false }
        if positive { return !negative && d.contains { $0 != UInt8(ascii: "0") } }
        return true
    }

    static func isDecimal(_ s: String) -> Bool {
        var u = Array(s.utf8)[...]
        if u.first == UInt8(ascii: "+") || u.first == UInt8(ascii: "-") { u = u.dropFirst() }
        let whole = digits(&u, min: 1, max: 1000)
        if take(&u, ".") {
            let frac = digits(&u, min: 1, max: 1000)
            return (whole != nil || frac != nil) && u.isEmpty
        }
        return whole != nil && u.isEmpty
    }

    static func example(_ datatype: Datatype) -> String {
        switch datatype {
        case .dateTime: return " (expected e.g. 2026-01-31T09:00:00Z)"
        case .duration: return " (expected an ISO 8601 duration, e.g. PT60H)"
        case .positiveInteger: return " (expected a whole number ≥ 1)"
        default: return ""
        }
    }

    private static func take(_ u: inout ArraySlice<UInt8>, _ c: Character) -> Bool {
        guard let f = u.first, f == c.asciiValue else { return false }
        u = u.dropFirst()
        return true
    }

    private static func digits(_ u: inout ArraySlice<UInt8>, min: Int, max: Int) -> ArraySlice<UInt8>? {
        let n = u.prefix(while: { $0 >= 48 && $0 <= 57 }).count
        guard n >= min, n <= max else { return nil }
        let d = u.prefix(n)
        u = u.dropFirst(n)
        return d
    }

    private static func number(_ u: inout ArraySlice<UInt8>, _ width: Int) -> Int? {
        guard u.count >= width else { return nil }
        var v = 0
        for c in u.prefix(width) {
            guard c >= 48 && c <= 57 else { return nil }
            v = v * 10 + Int(c - 48)
        }
        u = u.dropFirst(width)
        return v
    }
}
