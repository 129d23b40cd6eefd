/// Draws unused status list indexes at random, so an index says nothing about issue order
/// (Bitstring Status List §6.1 herd privacy).
///
/// Works on the list's allocation bitmap (one bit per entry, set when used), which the storage
/// engines keep beside the status bits; both engines share this code so they draw alike.
public enum IndexAllocator {
    /// Draws `count` unused indexes below `size`, marks them used in `allocated` and returns them.
    ///
    /// Each draw starts at a uniformly random position and takes the first unused index from there
    /// (wrapping), skipping whole used bytes at once. Returns fewer than `count` when the list fills.
    public static func draw<R: RandomNumberGenerator>(
        _ count: Int, size: Int, allocated: inout [UInt8],
        using rng: inout R
    ) -> [Int] {
        precondition(allocated.count * 8 >= size, "allocation bitmap shorter than the list")
        var result: [Int] = []
        result.reserveCapacity(count)
        var used = popcount(allocated, size: size)
        while result.count < count && used < size {
            let start = Int.random(in: 0..<size, using: &rng)
            guard let index = firstFree(from: start, size: size, allocated: allocated) else { break }
            allocated[index >> 3] |= UInt8(0x80) >> UInt8(index & 7)
            used += 1
            result.append(index)
        }
        return result
    }

    /// Draws with the system's cryptographically secure generator.
    public static func draw(_ count: Int, size: Int, allocated: inout [UInt8]) -> [Int] {
        var rng = SystemRandomNumberGenerator()
        return draw(count, size: size, allocated: &allocated, using: &rng)
    }

    /// The number of used indexes below `size`.
    public static func popcount(_ allocated: [UInt8], size: Int) -> Int {
        var count = 0
        for index in 0..<(size / 8) { count += allocated[index].nonzeroBitCount }
        for index in (size / 8 * 8)..<size where allocated[index >> 3] & (UInt8(0x80) >> UInt8(index & 7)) != 0 { count += 1 }
        return count
    }

    static func firstFree(from start: Int, size: Int, allocated: [UInt8]) -> Int? {
        var index = start
        var scanned = 0
        while scanned < size {
            if index & 7 == 0, index + 8 <= size, allocated[index >> 3] == 0xFF {
                index += 8
                scanned += 8
            } else {
                if allocated[index >> 3] & (UInt8(0x80) >> UInt8(index & 7)) == 0 { return index }
                index += 1
                scanned += 1
            }
            if index >= size { index = 0 }
        }
        return nil
    }
}
