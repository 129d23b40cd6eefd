import CredentialJSON
import Crypto

/// A value of the EDC model that reads itself from, and writes itself to, EDC JSON.
///
/// Decoding never fails on unexpected content: whatever a type does not model stays in the
/// enclosing object's `extra` members, so decode → encode gives back an equal document.
public protocol EDCCodable: Sendable, Hashable {
    /// The value read from JSON, or `nil` when the JSON does not have this type's shape.
    static func decode(_ value: JSONValue) -> Self?
    /// The value written as EDC JSON at `path` (the path names generated ids).
    func encode(_ context: EncodingContext, at path: JSONPath) -> JSONValue
}

/// An EDC object: `id`, `type`, modelled members, and the members it does not model.
public protocol EDCNode: EDCCodable {
    /// The ELM class written in `type` for a new node, e.g. `LearningOutcome`.
    static var className: String { get }
    /// Other `type` values this Swift type reads (e.g. `Qualification` for a specification).
    static var acceptedTypes: Set<String> { get }
    /// The node's IRI; a missing one is generated as `urn:epass:<class>:<uuid>` when encoding.
    var id: String? { get set }
    /// The ELM class name written in `type`.
    var type: String { get set }
    /// Members this type does not model, kept so that nothing is lost; written after the modelled ones.
    var extra: JSONObject { get set }
    /// Multi-valued members that were written as a JSON array even with one element.
    var arrayKeys: Set<String> { get set }
    /// Whether a missing `id` stays missing when encoding; set for nodes read without one, so that
    /// re-encoding a file does not add ids it did not have.
    var omitsID: Bool { get set }
    /// An empty node of this class.
    init()
    /// Reads the modelled members (the reader keeps the rest).
    mutating func read(_ reader: inout NodeReader)
    /// Writes the modelled members other than `id` and `type`.
    func write(_ writer: inout NodeWriter)
}

extension EDCNode {
    public static var acceptedTypes: Set<String> { [className] }

    public static func decode(_ value: JSONValue) -> Self? {
        guard let object = value.objectValue,
            let type = object["type"]?.stringValue, acceptedTypes.contains(type)
        else { return nil }
        var reader = NodeReader(object)
        var node = Self()
        node.type = type
        _ = reader.remaining.removeValue(forKey: "type")
        node.id = reader.string("id")
        node.omitsID = node.id == nil && object["id"] == nil
        node.read(&reader)
        node.extra = reader.remaining
        node.arrayKeys = reader.arrayKeys
        return node
    }

    public func encode(_ context: EncodingContext, at path: JSONPath) -> JSONValue {
        var writer = NodeWriter(context: context, path: path, arrayKeys: arrayKeys)
        writer.string("id", id ?? (omitsID ? nil : context.makeID(className: type, path: path)))
        writer.string("type", type)
        write(&writer)
        return .object(writer.finish(extra: extra))
    }
}

/// Takes modelled members out of a JSON object; what is left becomes the node's `extra`.
public struct NodeReader {
    /// The members not yet taken.
    public var remaining: JSONObject
    /// Multi-valued members that were arrays.
    public private(set) var arrayKeys: Set<String> = []

    /// A reader over an object's members.
    public init(_ object: JSONObject) { remaining = object }

    /// Takes a string member.
    public mutating func string(_ key: String) -> String? {
        take(key) { $0.stringValue }
    }

    /// Takes a boolean member.
    public mutating func bool(_ key: String) -> Bool? {
        take(key) { $0.boolValue }
    }

    /// Takes an integer member written in plain integer form (so it re-encodes identically).
    public mutating func int(_ key: String) -> Int? {
        take(key) { member in
            guard let number = member.numberValue, let integer = number.intValue, String(integer) == number.lexeme else { return nil }
            return integer
        }
    }

    /// Takes a language map member.
    public mutating func languageMap(_ key: String) -> LanguageMap? {
        take(key) { LanguageMap(json: $0) }
    }

    /// Takes a single-valued member of a modelled type.
    public mutating func one<T: EDCCodable>(_ key: String, _: T.Type = T.self) -> T? {
        take(key) { T.decode($0) }
    }

    /// Takes a multi-valued member (one value or an array) when every element has the type's shape.
    public mutating func many<T: EDCCodable>(_ key: String, _: T.Type = T.self) -> [T] {
        guard let value = remaining[key] else { return [] }
        var result: [T] = []
        if let array = value.arrayValue {
            result.reserveCapacity(array.count)
            for element in array {
                guard let decoded = T.decode(element) else { return [] }
                result.append(decoded)
            }
            arrayKeys.insert(key)
        } else {
            guard let decoded = T.decode(value) else { return [] }
            result = [decoded]
        }
        remaining.removeValue(forKey: key)
        return result
    }

    /// Takes a multi-valued string member.
    public mutating func strings(_ key: String) -> [String] {
        many(key, JSONString.self).map(\.value)
    }

    private mutating func take<T>(_ key: String, _ convert: (JSONValue) -> T?) -> T? {
        guard let value = remaining[key], let converted = convert(value) else { return nil }
        remaining.removeValue(forKey: key)
        return converted
    }
}

/// A JSON string as an ``EDCCodable`` value (for multi-valued string members such as `type`).
public struct JSONString: EDCCodable {
    /// The string.
    public var value: String
    /// Wraps a string.
    public init(_ value: String) { self.value = value }
    public static func decode(_ value: JSONValue) -> JSONString? { value.stringValue.map(JSONString.init) }
    public func encode(_ context: EncodingContext, at path: JSONPath) -> JSONValue { .string(value) }
}

/// Writes a node's members in a fixed order: `id`, `type`, modelled members, then `extra`.
public struct NodeWriter {
    let context: EncodingContext
    let path: JSONPath
    let arrayKeys: Set<String>
    private var members: [JSONObject.Member] = []

    init(context: EncodingContext, path: JSONPath, arrayKeys: Set<String>) {
        self.context = context
        self.path = path
        self.arrayKeys = arrayKeys
    }

    /// Writes a JSON value as it is.
    public mutating func raw(_ key: String, _ value: JSONValue?) {
        if let value { members.append((key, value)) }
    }

    /// Writes a string member (nothing for `nil`).
    public mutating func string(_ key: String, _ value: String?) {
        if let value { members.append((key, .string(value))) }
    }

    /// Writes a boolean member (nothing for `nil`).
    public mutating func bool(_ key: String, _ value: Bool?) {
        if let value { members.append((key, .bool(value))) }
    }

    /// Writes an integer member (nothing for `nil`).
    public mutating func int(_ key: String, _ value: Int?) {
        if let value { members.append((key, .number(JSONNumber(value)))) }
    }

    /// Writes a language map member (nothing for `nil`).
    public mutating func languageMap(_ key: String, _ value: LanguageMap?) {
        if let value { members.append((key, value.jsonValue)) }
    }

    /// Writes a single-valued member of a modelled type (nothing for `nil`).
    public mutating func one<T: EDCCodable>(_ key: String, _ value: T?) {
        if let value { members.append((key, value.encode(context, at: path.appending(key)))) }
    }

    /// A single value unless the member was an array when read (or has several values).
    public mutating func many<T: EDCCodable>(_ key: String, _ values: [T]) {
        let asArray = values.count != 1 || arrayKeys.contains(key)
        if values.isEmpty && !arrayKeys.contains(key) { return }
        if asArray {
            let arrayPath = path.appending(key)
            members.append((key, .array(values.enumerated().map { $1.encode(context, at: arrayPath.appending($0)) })))
        } else {
            members.append((key, values[0].encode(context, at: path.appending(key))))
        }
    }

    /// Writes a multi-valued string member.
    public mutating func strings(_ key: String, _ values: [String]) {
        many(key, values.map(JSONString.init))
    }

    /// The object; an `extra` member with a modelled member's name replaces it.
    func finish(extra: JSONObject) -> JSONObject {
        var object = JSONObject(members)
        for member in extra { object[member.key] = member.value }
        return object
    }
}

/// How missing ids are made while encoding.
///
/// Ids are `urn:epass:<class>:<uuid>` with a name-based UUID (RFC 9562 version 5) over the seed
/// and the node's JSON path, so the same credential and seed always give the same ids.
public final class EncodingContext: Sendable {
    /// The seed that makes generated ids unique to one credential; `nil` leaves ids out.
    public let seed: String?

    public init(seed: String?) { self.seed = seed }

    /// An id for a node of `className` at `path`, or `nil` when ids are not generated.
    ///
    /// Built as bytes (the UUID's name, then the id): a credential makes one per node, 32 for the sample
    /// template, and building the name and the id as `String`s cost more than the SHA-1.
    public func makeID(className: String, path: JSONPath) -> String? {
        guard let seed else { return nil }
        var name: [UInt8] = []
        name.reserveCapacity(seed.utf8.count + 96)
        name.append(contentsOf: seed.utf8)
        name.append(UInt8(ascii: "|"))
        path.write(to: &name)
        let uuid = UUIDv5.make(namespaceBytes: UUIDv5.skillcredNamespace, name: name)
        var id: [UInt8] = []
        id.reserveCapacity(56 + className.utf8.count)
        if path.components.isEmpty {
            id.append(contentsOf: "urn:credential:".utf8)
        } else {
            id.append(contentsOf: "urn:epass:".utf8)
            appendLowerFirst(className, to: &id)
            id.append(UInt8(ascii: ":"))
        }
        UUIDv5.format(uuid, to: &id)
        return String(decoding: id, as: UTF8.self)
    }

    /// `name` with its first character lowercased (`Character.lowercased()`, asked only when it is not ASCII).
    private func appendLowerFirst(_ name: String, to out: inout [UInt8]) {
        guard let first = name.utf8.first else {
            out.append(contentsOf: "node".utf8)
            return
        }
        if first < 0x80 {
            out.append(first >= UInt8(ascii: "A") && first <= UInt8(ascii: "Z") ? first | 0x20 : first)
            out.append(contentsOf: name.utf8.dropFirst())
        } else if let character = name.first {
            out.append(contentsOf: character.lowercased().utf8)
            out.append(contentsOf: name.dropFirst().utf8)
        }
    }
}

/// Name-based UUIDs (RFC 9562 §5.5, SHA-1) for deterministic ids.
public enum UUIDv5 {
    /// The namespace of skillcred's generated EDC ids (itself a v5 UUID of "skillcred.edc" in the URL namespace).
    public static let skillcredNamespace: [UInt8] = make(
        namespaceBytes: urlNamespace, name: "https://skillcred.invalid/edc")

    /// RFC 9562's URL namespace, 6ba7b811-9dad-11d1-80b4-00c04fd430c8.
    public static let urlNamespace: [UInt8] = [
        0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8,
    ]

    /// The UUID of `name` in `namespace`, as lowercase hyphenated text.
    public static func make(namespace: [UInt8], name: String) -> String {
        format(make(namespaceBytes: namespace, name: name))
    }

    static func make(namespaceBytes: [UInt8], name: String) -> [UInt8] {
        make(namespaceBytes: namespaceBytes, name: Array(name.utf8))
    }

    static func make(namespaceBytes: [UInt8], name: [UInt8]) -> [UInt8] {
        var hasher = Insecure.SHA1()
        namespaceBytes.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        name.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        var bytes = hasher.finalize().withUnsafeBytes { Array($0.prefix(16)) }
        bytes[6] = (bytes[6] & 0x0f) | 0x50
        bytes[8] = (bytes[8] & 0x3f) | 0x80
        return bytes
    }

    /// Lowercase hyphenated form of 16 bytes.
    ///
    /// Built as bytes: appending `Character`s was a tenth of encoding a credential, which makes one id per node.
    public static func format(_ bytes: [UInt8]) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(36)
        format(bytes, to: &text)
        return String(decoding: text, as: UTF8.self)
    }

    /// Appends the lowercase hyphenated form of 16 bytes to `text`.
    static func format(_ bytes: [UInt8], to text: inout [UInt8]) {
        let hex: StaticString = "0123456789abcdef"
        hex.withUTF8Buffer { digits in
            for (index, byte) in bytes.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
                text.append(digits[Int(byte >> 4)])
                text.append(digits[Int(byte & 0x0f)])
            }
        }
    }
}
