import TestSupport
import Testing

@testable import RDFCanonicalization

/// `LineBuffer.sortedOrder` compares lines by a big-endian key of their first eight bytes before `memcmp`:
/// pinned here to a plain byte-wise sort.
@Suite("RDFC-1.0: line sort")
struct LineSortTests {
    @Test func linesSortByCodePointLikeAPlainSort() {
        var generator = SplitMix(state: 23)
        // Few byte values, shared prefixes and lengths around eight, so keys tie and lines are prefixes of others.
        let prefixes: [[UInt8]] = [[], Array("_:c14n1".utf8), Array("<https://example.org/".utf8), [0x00], [0xFF, 0x00]]
        let alphabet: [UInt8] = [0x00, 0x20, 0x2E, 0x31, 0x3C, 0x5F, 0x7F, 0x80, 0xFF]
        for round in 0..<2_000 {
            var buffer = LineBuffer()
            var lines: [[UInt8]] = []
            for _ in 0..<Int(generator.next() % (round % 10 == 0 ? 300 : 20)) {
                var line = prefixes[Int(generator.next() % UInt64(prefixes.count))]
                for _ in 0..<Int(generator.next() % 12) { line.append(alphabet[Int(generator.next() % UInt64(alphabet.count))]) }
                lines.append(line)
                buffer.beginLine()
                buffer.bytes.append(contentsOf: line)
            }
            let sorted = buffer.sortedOrder().map { Array(buffer.bytes[buffer.line($0)]) }
            #expect(sorted == lines.sorted { $0.lexicographicallyPrecedes($1) })
        }
    }
}
