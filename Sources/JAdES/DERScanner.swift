// A reader of DER tag-length headers that builds no tree. SwiftASN1's `DER.parse` decodes a whole structure into
// nodes up front, which for a CRL of 600,000 entries means millions of nodes before anything is known about who
// signed it. This reader finds where each element starts and ends, so a large list can be skipped, or walked one
// element at a time, and only small pieces are handed to SwiftASN1.

/// One DER element found by ``DERScanner``: its tag byte and where its header, content and end lie in the buffer.
struct DERElement: Sendable, Hashable {
    /// The identifier octet (low tag numbers only).
    let tag: UInt8
    /// Where the element (its tag) starts.
    let start: Int
    /// Where its content starts, after the length octets.
    let contentStart: Int
    /// One past its last content byte.
    let end: Int

    /// The content bytes' positions.
    var content: Range<Int> { contentStart..<end }
    /// The whole element's positions, header included.
    var whole: Range<Int> { start..<end }

    static let integer: UInt8 = 0x02
    static let octetString: UInt8 = 0x04
    static let objectIdentifier: UInt8 = 0x06
    static let sequence: UInt8 = 0x30
    static let utcTime: UInt8 = 0x17
    static let generalizedTime: UInt8 = 0x18
}

/// Strict DER headers: a low tag number (below 31), a definite length in the fewest octets (at most four), and content
/// that fits in the enclosing element. Anything else is an error, as SwiftASN1 would make it.
enum DERScanner {
    /// The element that starts at `offset` and must end by `limit`.
    static func element(in bytes: [UInt8], at offset: Int, limit: Int) throws -> DERElement {
        guard offset < limit, limit <= bytes.count else { throw TimeStampFailure("an element is cut short (truncated DER)") }
        let tag = bytes[offset]
        guard tag & 0x1F != 0x1F else { throw TimeStampFailure("an element uses a high tag number, which no field here has") }
        var position = offset + 1
        guard position < limit else { throw TimeStampFailure("an element has no length (truncated DER)") }
        let first = bytes[position]
        position += 1
        var length = 0
        if first < 0x80 {
            length = Int(first)
        } else {
            let count = Int(first & 0x7F)
            guard count > 0 else { throw TimeStampFailure("an element has an indefinite length, which DER forbids") }
            guard count <= 4 else { throw TimeStampFailure("an element's length takes \(count) octets, more than the limit of 4") }
            guard position + count <= limit else { throw TimeStampFailure("an element's length is cut short (truncated DER)") }
            guard bytes[position] != 0 else { throw TimeStampFailure("an element's length has a leading zero octet, which DER forbids") }
            for _ in 0..<count {
                length = length << 8 | Int(bytes[position])
                position += 1
            }
            guard length >= 0x80 else { throw TimeStampFailure("an element's length is not in its shortest form, which DER requires") }
        }
        guard length <= limit - position else { throw TimeStampFailure("an element is longer than what holds it (truncated DER)") }
        return DERElement(tag: tag, start: offset, contentStart: position, end: position + length)
    }

    /// The elements inside `parent`'s content, at most `maximum` of them (more is an error naming `what`).
    static func children(in bytes: [UInt8], of parent: DERElement, maximum: Int, _ what: String) throws -> [DERElement] {
        var out: [DERElement] = []
        var offset = parent.contentStart
        while offset < parent.end {
            guard out.count < maximum else { throw TimeStampFailure("\(what) has more than \(maximum) fields") }
            let child = try element(in: bytes, at: offset, limit: parent.end)
            out.append(child)
            offset = child.end
        }
        return out
    }
}
