import Foundation

/// A JSON value that keeps what a signature depends on: member order, the exact lexical
/// form of numbers, and the distinction between `true` and `1`.
///
/// Foundation's JSON types lose all three (see the project's notes), which would let a
/// canonicalizer rewrite `1.0` as `1` and break signatures made by other implementations.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

/// A JSON number kept as its lexeme (`1.0`, `1E2`, `12345678901234567890` stay as written).
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The number exactly as it appeared in the input (or as produced by ``init(_:)-(Int)``).
    public let lexeme: String

    /// Wraps a lexeme that the caller guarantees to match the RFC 8259 number grammar.
    public init(unchecked lexeme: String) { self.lexeme = lexeme }

    /// A number from an integer.
    public init(_ value: Int) { self.lexeme = String(value) }

    /// A number from a double, written in the ECMAScript form (the one RFC 8785 uses).
    public init(_ value: Double) { self.lexeme = ECMAScriptNumber.format(value) ?? "0" }

    /// Whether the lexeme has no fraction and no exponent.
    public var isIntegerLexeme: Bool {
        !lexeme.utf8.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") })
    }

    /// The value as `Int64` when the lexeme is an integer that fits.
    public var int64Value: Int64? { isIntegerLexeme ? Int64(lexeme) : nil }

    /// The value as `Int` when the lexeme is an integer that fits.
    public var intValue: Int? { isIntegerLexeme ? Int(lexeme) : nil }

    /// The nearest `Double` (may round large or long numbers).
    public var doubleValue: Double { Double(lexeme) ?? .nan }

    /// Whether the value is mathematically an integer (`1.0` and `1E2` are; `1.5` is not).
    public var hasIntegralValue: Bool {
        if isIntegerLexeme { return true }
        let value = doubleValue
        return value.isFinite && value.rounded(.towardZero) == value
    }

    public var description: String { lexeme }
}

/// A JSON object whose members keep their input order.
///
/// Lookups are linear while an object is small: credential objects are, and a dictionary per object would
/// cost more to build than it saves. Past ``indexThreshold`` members a key → position index is kept beside
/// the members, so that a hostile object of 100,000 members costs linear time to build and read, not
/// quadratic (before the index, 16,000 members took 75 s to verify in a debug build). Equality ignores
/// member order, as JSON's data model does.
public struct JSONObject: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    public typealias Member = (key: String, value: JSONValue)

    /// The members in order.
    public private(set) var members: [Member]
    /// Position of each key in `members`, kept once the object has more than ``indexThreshold`` members.
    private var index: [String: Int]?

    /// The member count past which lookups go through an index instead of a linear search.
    static let indexThreshold = 16

    /// An empty object.
    public init() { members = [] }

    /// An object with these members; later duplicates replace earlier ones.
    public init(_ members: [Member]) {
        self.members = []
        self.members.reserveCapacity(members.count)
        for member in members { self[member.key] = member.value }
    }

    /// Builds an object from members already known to have distinct keys (the parser checks).
    package init(uniqueMembers: [Member]) {
        self.members = uniqueMembers
        if uniqueMembers.count > Self.indexThreshold { rebuildIndex() }
    }

    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements.map { (key: $0.0, value: $0.1) })
    }

    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }
    public var keys: [String] { members.map(\.key) }

    /// The position of `key` in ``members``.
    @inline(__always)
    private func position(of key: String) -> Int? {
        if let index { return index[key] }
        return members.firstIndex { $0.key == key }
    }

    private mutating func rebuildIndex() {
        var built: [String: Int] = [:]
        built.reserveCapacity(members.count)
        for (position, member) in members.enumerated() { built[member.key] = position }
        index = built
    }

    /// The member's value; setting `nil` removes it, setting a new key appends it.
    public subscript(key: String) -> JSONValue? {
        get {
            if let index { return index[key].map { members[$0].value } }
            for member in members where member.key == key { return member.value }
            return nil
        }
        set {
            if let existing = position(of: key) {
                if let newValue { members[existing].value = newValue } else { remove(at: existing) }
            } else if let newValue {
                appendNew(key, newValue)
            }
        }
    }

    /// Adds a member whose key the object does not have yet.
    private mutating func appendNew(_ key: String, _ value: JSONValue) {
        members.append((key: key, value: value))
        if index != nil {
            index![key] = members.count - 1
        } else if members.count > Self.indexThreshold {
            rebuildIndex()
        }
    }

    /// Reserves room for `minimumCapacity` members, for a caller that knows about how many it will add.
    public mutating func reserveCapacity(_ minimumCapacity: Int) { members.reserveCapacity(minimumCapacity) }

    /// Removes a member and returns its value.
    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSONValue? {
        guard let existing = position(of: key) else { return nil }
        let value = members[existing].value
        remove(at: existing)
        return value
    }

    /// Appends `values` to the array under `key` (a value that is not an array becomes its first element),
    /// or adds `key` with them; the member keeps its place, as JSON-LD's "add value" does.
    public mutating func append(contentsOf values: [JSONValue], toArrayAt key: String) {
        append(contentsOf: values, at: position(of: key), key: key)
    }

    /// The value under `key`, for a caller that knows `key` to be ASCII without "K", ";" or "`" (every
    /// JSON-LD keyword): the search compares lengths before bytes, whatever the other keys are.
    ///
    /// `String` equality is canonical equivalence, but the only characters outside ASCII whose canonical
    /// decomposition is all ASCII are U+037E (";"), U+1FEF ("`") and U+212A ("K") (checked over all of
    /// Unicode), so no other string equals such a key without being byte for byte the same.
    package func value(forPlainKey key: String) -> JSONValue? {
        positionComparingLengthsFirst(of: key).map { members[$0].value }
    }

    /// ``append(contentsOf:toArrayAt:)`` for a caller that knows `key` and every key of the object to be
    /// ASCII: keys of different UTF-8 lengths then cannot be equal, so the search compares lengths before
    /// bytes. (In general they can: `String` equality is canonical equivalence, and "K" equals the Kelvin
    /// sign U+212A.) JSON-LD expansion merges each property into its node with this; expanded IRIs share
    /// long prefixes, so a full comparison reads dozens of bytes per member.
    package mutating func append(contentsOf values: [JSONValue], toArrayAtASCIIKey key: String) {
        append(contentsOf: values, at: positionComparingLengthsFirst(of: key), key: key)
    }

    /// The position of `key` by a search that compares UTF-8 lengths before bytes: exact only for the callers
    /// above, whose keys cannot equal a key of another length. Inlined: expansion merges every property through it.
    @inline(__always)
    private func positionComparingLengthsFirst(of key: String) -> Int? {
        if let index { return index[key] }
        let length = key.utf8.count
        return members.firstIndex { $0.key.utf8.count == length && $0.key == key }
    }

    /// Adds `values` to the array at `existing`, the position of `key` (or a new member when nil).
    @inline(__always)
    private mutating func append(contentsOf values: [JSONValue], at existing: Int?, key: String) {
        guard let existing else {
            // Not found: append without the setter's second search for the key.
            appendNew(key, .array(values))
            return
        }
        // Moved out first, so the array is uniquely referenced and grows in place.
        var all = members[existing].value.asArray
        members[existing].value = .null
        all.append(contentsOf: values)
        members[existing].value = .array(all)
    }

    private mutating func remove(at position: Int) {
        let removed = members.remove(at: position)
        guard index != nil else { return }
        if members.count <= Self.indexThreshold {
            index = nil
        } else if position == members.count {
            index![removed.key] = nil
        } else {
            rebuildIndex()
        }
    }

    public func makeIterator() -> IndexingIterator<[Member]> { members.makeIterator() }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.members.count == rhs.members.count else { return false }
        for (position, member) in lhs.members.enumerated() {
            // Equal objects usually list their members in one order (a file repeating a node verbatim): the member
            // at the same position is tried before a search. Keys are unique, so a key found there is the one.
            let candidate = rhs.members[position]
            guard let other = candidate.key == member.key ? candidate.value : rhs[member.key], other == member.value else { return false }
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        // Order-independent: combine member hashes commutatively.
        var acc = 0
        for member in members {
            var memberHasher = Hasher()
            memberHasher.combine(member.key)
            memberHasher.combine(member.value)
            acc = acc &+ memberHasher.finalize()
        }
        hasher.combine(members.count)
        hasher.combine(acc)
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(JSONNumber(value)) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(elements.map { (key: $0.0, value: $0.1) }))
    }
    public init(nilLiteral: ()) { self = .null }
}

extension JSONValue {
    /// The string, when this is a string.
    public var stringValue: String? { if case .string(let string) = self { return string } else { return nil } }
    /// The boolean, when this is a boolean (never for numbers).
    public var boolValue: Bool? { if case .bool(let bool) = self { return bool } else { return nil } }
    /// The number, when this is a number.
    public var numberValue: JSONNumber? { if case .number(let number) = self { return number } else { return nil } }
    /// The elements, when this is an array.
    public var arrayValue: [JSONValue]? { if case .array(let array) = self { return array } else { return nil } }
    /// The object, when this is an object.
    public var objectValue: JSONObject? { if case .object(let object) = self { return object } else { return nil } }
    /// Whether this is `null`.
    public var isNull: Bool { if case .null = self { return true } else { return false } }
    /// Whether this is a string.
    public var isString: Bool { stringValue != nil }
    /// Whether this is an object.
    public var isObject: Bool { objectValue != nil }
    /// Whether this is an array.
    public var isArray: Bool { arrayValue != nil }

    /// The member's value when this is an object.
    public subscript(key: String) -> JSONValue? { objectValue?[key] }

    /// The value itself when it is an array, otherwise a one-element array (JSON-LD's "as array").
    public var asArray: [JSONValue] {
        if case .array(let array) = self { return array }
        return [self]
    }

    /// A short name of the kind, for error messages.
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

extension JSONValue {
    /// Whether `other` is the same JSON text up to whitespace: the same members in the same order, numbers with
    /// the same lexeme, strings and keys with the same code points. Stricter than `==`, which ignores member
    /// order as JSON's data model does and compares strings by Swift's canonical equivalence (`"é"` precomposed
    /// equals `"e"` + combining accent there, but not in JSON-LD or RDF); a result computed from one document is
    /// reused for another only when they are identical in this sense.
    ///
    /// Arrays and objects that share their storage answer at once: the verifier's Format check and a Data Integrity
    /// proof each take the credential without its `proof`, two new top-level objects over the same member values,
    /// and comparing them down to every string was a twentieth of the work the dataset memo saves. A buffer is never
    /// changed in place while shared, so one buffer with one count holds the same elements.
    public func isIdentical(to other: JSONValue) -> Bool {
        // One switch on this value and a pattern on the other: switching on the pair copied both (a retain and a
        // release of each payload per value compared).
        switch self {
        case .null:
            if case .null = other { return true }
        case .bool(let left):
            if case .bool(let right) = other { return left == right }
        case .number(let left):
            if case .number(let right) = other { return left.lexeme == right.lexeme }
        case .string(let left):
            if case .string(let right) = other { return sameCodePoints(left, right) }
        case .array(let left):
            guard case .array(let right) = other, left.count == right.count else { return false }
            if sameBuffer(left, right) { return true }
            for index in left.indices where !left[index].isIdentical(to: right[index]) { return false }
            return true
        case .object(let left):
            guard case .object(let right) = other else { return false }
            let leftMembers = left.members
            let rightMembers = right.members
            guard leftMembers.count == rightMembers.count else { return false }
            if sameBuffer(leftMembers, rightMembers) { return true }
            for index in leftMembers.indices {
                guard sameCodePoints(leftMembers[index].key, rightMembers[index].key),
                    leftMembers[index].value.isIdentical(to: rightMembers[index].value)
                else { return false }
            }
            return true
        }
        return false
    }
}

@inline(__always)
private func sameBuffer<Element>(_ lhs: [Element], _ rhs: [Element]) -> Bool {
    lhs.withUnsafeBufferPointer { left in rhs.withUnsafeBufferPointer { right in left.baseAddress != nil && left.baseAddress == right.baseAddress } }
}

/// Byte equality of the UTF-8: strings of one parsed document usually share their storage, which answers at once;
/// otherwise the bytes are compared with `memcmp` (a byte-by-byte view comparison cost more than the expansion saved).
@inline(__always)
private func sameCodePoints(_ left: String, _ right: String) -> Bool {
    let count = left.utf8.count
    guard count == right.utf8.count else { return false }
    if count == 0 { return true }
    let contiguous: Bool? =
        left.utf8.withContiguousStorageIfAvailable { leftBytes in
            right.utf8.withContiguousStorageIfAvailable { rightBytes in
                guard let leftBase = leftBytes.baseAddress, let rightBase = rightBytes.baseAddress else { return false }
                return leftBase == rightBase || memcmp(leftBase, rightBase, count) == 0
            }
        } ?? nil
    // Small strings are stored inline (no contiguous storage to point at): a few bytes compared one by one.
    return contiguous ?? left.utf8.elementsEqual(right.utf8)
}
