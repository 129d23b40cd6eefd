/// Serializes ``JSONValue``s.
///
/// The plain form keeps member order and number lexemes exactly; it never escapes `/`.
/// The canonical form is RFC 8785 (JCS), which the `*-jcs` cryptosuites sign.
public enum JSONWriter {
    /// How to lay out plain output.
    public enum Style: Sendable {
        /// No whitespace at all.
        case compact
        /// Two-space indentation, one member or element per line.
        case pretty
    }

    /// Plain JSON text, member order and number lexemes as they are.
    public static func string(_ value: JSONValue, style: Style = .compact) -> String {
        String(decoding: data(value, style: style), as: UTF8.self)
    }

    /// Plain JSON text as UTF-8 bytes.
    ///
    /// Written straight into bytes: appending to a `String` (and converting it at the end) was a tenth of
    /// bulk issuing, which writes every credential once or twice.
    public static func data(_ value: JSONValue, style: Style = .compact) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        write(value, to: &out, style: style, indent: 0)
        return out
    }

    private static func write(_ value: JSONValue, to out: inout [UInt8], style: Style, indent: Int) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let bool): out.append(contentsOf: (bool ? "true" : "false").utf8)
        case .number(let number): out.append(contentsOf: number.lexeme.utf8)
        case .string(let text): writeString(text, to: &out)
        case .array(let array):
            if array.isEmpty {
                out.append(contentsOf: "[]".utf8)
                return
            }
            out.append(UInt8(ascii: "["))
            for (index, element) in array.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                if style == .pretty { newline(&out, indent + 1) }
                write(element, to: &out, style: style, indent: indent + 1)
            }
            if style == .pretty { newline(&out, indent) }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            if object.isEmpty {
                out.append(contentsOf: "{}".utf8)
                return
            }
            out.append(UInt8(ascii: "{"))
            for (index, member) in object.members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                if style == .pretty { newline(&out, indent + 1) }
                writeString(member.key, to: &out)
                out.append(UInt8(ascii: ":"))
                if style == .pretty { out.append(UInt8(ascii: " ")) }
                write(member.value, to: &out, style: style, indent: indent + 1)
            }
            if style == .pretty { newline(&out, indent) }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func newline(_ out: inout [UInt8], _ indent: Int) {
        out.append(UInt8(ascii: "\n"))
        // The indentation in runs of up to 64 spaces: appended a space at a time, it cost 2 % of writing a pretty
        // credential (JSONWriter.data in `skillcred-bench peers … issue-vc2`: 452 → 443 k instructions).
        var remaining = 2 * indent
        while remaining > 0 {
            let count = min(remaining, spaces.count)
            spaces.withUnsafeBufferPointer { out.append(contentsOf: UnsafeBufferPointer(rebasing: $0[..<count])) }
            remaining -= count
        }
    }

    private static let spaces = [UInt8](repeating: UInt8(ascii: " "), count: 64)

    /// Writes a string into bytes, with the same escapes as the `String` form.
    static func writeString(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { writeString(utf8: $0, to: &out) }
    }

    /// Writes UTF-8 text as a JSON string, with the escapes RFC 8785 prescribes (as the `String` form); runs
    /// between the bytes that need an escape are copied whole (a sealed EDC's payload is JSON text inside a
    /// JSON string). Every escaped byte is ASCII, so the text stays valid UTF-8 when it was.
    public static func writeString(utf8: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var runStart = 0
        for index in 0..<utf8.count {
            let byte = utf8[index]
            guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
            if runStart != index { out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index])) }
            runStart = index + 1
            out.append(UInt8(ascii: "\\"))
            switch byte {
            case 0x22: out.append(UInt8(ascii: "\""))
            case 0x5C: out.append(UInt8(ascii: "\\"))
            case 0x08: out.append(UInt8(ascii: "b"))
            case 0x09: out.append(UInt8(ascii: "t"))
            case 0x0A: out.append(UInt8(ascii: "n"))
            case 0x0C: out.append(UInt8(ascii: "f"))
            case 0x0D: out.append(UInt8(ascii: "r"))
            default:
                let digits = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
            }
        }
        if runStart < utf8.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...])) }
        out.append(UInt8(ascii: "\""))
    }

    /// Writes a string with the escapes RFC 8785 §3.2.2.2 prescribes (the same as ECMAScript's
    /// `JSON.stringify`): `\b \t \n \f \r \" \\`, other controls as lowercase `\u00xx`, nothing else.
    static func writeString(_ text: String, to out: inout String) {
        out += "\""
        // Runs between the bytes that need an escape are appended whole: a sealed EDC's payload is JSON text
        // inside a JSON string, all quotes, and appending it scalar by scalar was a sixth of bulk issuing.
        // Every escaped byte is ASCII, so each run starts and ends on a scalar boundary.
        let utf8 = text.utf8
        var runStart = utf8.startIndex
        var index = runStart
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte < 0x20 || byte == 0x22 || byte == 0x5C {
                if runStart != index { out += text[runStart..<index] }
                switch byte {
                case 0x22: out += "\\\""
                case 0x5C: out += "\\\\"
                case 0x08: out += "\\b"
                case 0x09: out += "\\t"
                case 0x0A: out += "\\n"
                case 0x0C: out += "\\f"
                case 0x0D: out += "\\r"
                default:
                    let hex = String(byte, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                }
                index = utf8.index(after: index)
                runStart = index
            } else {
                index = utf8.index(after: index)
            }
        }
        if runStart == utf8.startIndex {
            out += text
        } else if runStart != utf8.endIndex {
            out += text[runStart..<utf8.endIndex]
        }
        out += "\""
    }
}

/// An error from RFC 8785 canonicalization.
public struct JCSError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// RFC 8785 JSON Canonicalization Scheme.
public enum JCS {
    /// The canonical text: members sorted by UTF-16 code units, numbers in ECMAScript form,
    /// minimal string escapes, no whitespace.
    public static func canonicalize(_ value: JSONValue) throws(JCSError) -> String {
        var out = ""
        try write(value, to: &out)
        return out
    }

    /// The canonical text as UTF-8 bytes (what gets hashed).
    public static func canonicalData(_ value: JSONValue) throws(JCSError) -> [UInt8] {
        Array(try canonicalize(value).utf8)
    }

    private static func write(_ value: JSONValue, to out: inout String) throws(JCSError) {
        switch value {
        case .null: out += "null"
        case .bool(let bool): out += bool ? "true" : "false"
        case .number(let number):
            let value = number.doubleValue
            guard let text = ECMAScriptNumber.format(value) else {
                throw JCSError(message: "number \(number.lexeme) cannot be represented as an IEEE 754 double")
            }
            out += text
        case .string(let text): JSONWriter.writeString(text, to: &out)
        case .array(let array):
            out += "["
            for (index, element) in array.enumerated() {
                if index > 0 { out += "," }
                try write(element, to: &out)
            }
            out += "]"
        case .object(let object):
            out += "{"
            let sorted = object.members.sorted { $0.key.utf16.lexicographicallyPrecedes($1.key.utf16) }
            for (index, member) in sorted.enumerated() {
                if index > 0 { out += "," }
                JSONWriter.writeString(member.key, to: &out)
                out += ":"
                try write(member.value, to: &out)
            }
            out += "}"
        }
    }
}

/// ECMAScript's Number::toString (ECMA-262 §6.1.6.1.20), which RFC 8785 adopts for numbers.
public enum ECMAScriptNumber {
    /// The shortest round-trip decimal form in ECMAScript notation, or `nil` for NaN and infinities.
    public static func format(_ value: Double) -> String? {
        guard value.isFinite else { return nil }
        if value == 0 { return "0" }  // also -0
        let negative = value < 0
        // Swift's description yields the shortest digits that round-trip, like ECMAScript requires;
        // only the notation differs, so extract digits and the decimal exponent and re-lay them out.
        let (digits, pointPosition) = shortestDigits(abs(value))
        let digitCount = digits.count
        let point = pointPosition
        var text = negative ? "-" : ""
        if digitCount <= point && point <= 21 {
            text += digits + String(repeating: "0", count: point - digitCount)
        } else if 0 < point && point <= 21 {
            text += String(digits.prefix(point)) + "." + String(digits.dropFirst(point))
        } else if -6 < point && point <= 0 {
            text += "0." + String(repeating: "0", count: -point) + digits
        } else {
            let exponent = point - 1
            let sign = exponent < 0 ? "-" : "+"
            if digitCount == 1 {
                text += digits + "e" + sign + String(abs(exponent))
            } else {
                text += String(digits.prefix(1)) + "." + String(digits.dropFirst()) + "e" + sign + String(abs(exponent))
            }
        }
        return text
    }

    /// Significant digits (no leading or trailing zeros) and n such that value = 0.d1d2… × 10^n.
    static func shortestDigits(_ value: Double) -> (String, Int) {
        let text = value.description  // e.g. "123.456", "1e-07", "1.5e+20", "100000.0"
        var mantissa = Substring(text)
        var exponent = 0
        if let eIndex = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<eIndex]
            exponent = Int(text[text.index(after: eIndex)...]) ?? 0
        }
        var intPart = mantissa
        var fracPart: Substring = ""
        if let dot = mantissa.firstIndex(of: ".") {
            intPart = mantissa[..<dot]
            fracPart = mantissa[mantissa.index(after: dot)...]
        }
        var all = String(intPart) + String(fracPart)
        var point = intPart.count + exponent
        // Strip leading zeros (each moves the point left) and trailing zeros.
        while all.hasPrefix("0") && all.count > 1 {
            all.removeFirst()
            point -= 1
        }
        while all.hasSuffix("0") && all.count > 1 { all.removeLast() }
        return (all, point)
    }
}
