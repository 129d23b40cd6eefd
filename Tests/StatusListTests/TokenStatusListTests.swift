import StatusList
import Testing

/// IETF Token Status List (draft-ietf-oauth-status-list §4.1): the draft's own examples, LSB-first packing,
/// round trips and the decompression bound.
@Suite("Token Status List")
struct TokenStatusListTests {
    @Test func draftExampleOneBit() throws {
        // [0xB9, 0xA3]: index 0 is the least significant bit of byte 0.
        let list = try TokenStatusList(bits: 1, lst: "eNrbuRgAAhcBXQ")
        let expected: [UInt8] = [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]
        #expect(try (0..<16).map { try list.status(at: $0) } == expected)
    }

    @Test func draftExampleTwoBits() throws {
        let list = try TokenStatusList(bits: 2, lst: "eNo76fITAAPfAgc")
        let expected: [UInt8] = [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3]
        #expect(try (0..<12).map { try list.status(at: $0) } == expected)
    }

    @Test func roundTripAndRange() throws {
        for bits in [1, 2, 4, 8] {
            var list = try TokenStatusList(bits: bits, count: 1000)
            try list.setStatus(1, at: 7)
            try list.setStatus(UInt8((1 << bits) - 1), at: 999)
            let back = try TokenStatusList(bits: bits, lst: try list.encoded())
            #expect(try back.status(at: 7) == 1 && back.status(at: 6) == 0 && back.status(at: 8) == 0)
            #expect(try back.status(at: 999) == UInt8((1 << bits) - 1))
            #expect(throws: StatusListError.self) { try back.status(at: back.count) }
        }
        #expect(throws: StatusListError.self) { try TokenStatusList(bits: 3, count: 8) }
        #expect(throws: StatusListError.self) { try TokenStatusList(bits: 1, lst: "not zlib") }
    }

    @Test func decompressionIsBounded() throws {
        let big = try TokenStatusList(bits: 8, count: 1_000_000).encoded()
        let error = try #require(throws: StatusListError.self) { try TokenStatusList(bits: 8, lst: big, maximumBytes: 100_000) }
        #expect(error.code == .listTooLarge)
        #expect(try TokenStatusList(bits: 8, lst: big).count == 1_000_000)
    }
}
