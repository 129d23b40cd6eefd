/// Comparing secrets (API token hashes, transaction codes) without an early exit, so the time a comparison takes does
/// not reveal how much of a guess matched.
public enum SecretComparison {
    /// Whether `lhs` and `rhs` are equal; every byte is compared when the lengths agree.
    public static func equal(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8), right = Array(rhs.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for position in 0..<left.count { difference |= left[position] ^ right[position] }
        return difference == 0
    }
}
