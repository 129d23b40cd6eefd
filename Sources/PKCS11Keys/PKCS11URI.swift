import Foundation

/// An RFC 7512 PKCS#11 URI naming a key (and the token holding it), such as
/// `pkcs11:token=University%20seal;object=seal-2026;type=private` or `pkcs11:token=HSM;id=%01%a2`.
///
/// Path attributes select the token (`token`, `manufacturer`, `serial`, `model`, `slot-id`) and the object
/// (`object` = `CKA_LABEL`, `id` = `CKA_ID`, `type`). Query attributes may name the module (`module-path`) and a PIN
/// source (`pin-source`, a `file:` path); `pin-value` is refused, because a PIN in a URI ends up in shell histories,
/// process lists and logs.
public struct PKCS11URI: Sendable, Hashable, CustomStringConvertible {
    /// `token`: the token label (`CK_TOKEN_INFO.label`).
    public var token: String?
    /// `manufacturer`: the token's manufacturer ID.
    public var manufacturer: String?
    /// `serial`: the token's serial number.
    public var serial: String?
    /// `model`: the token's model.
    public var model: String?
    /// `slot-id`: the slot number.
    public var slotID: UInt?
    /// `object`: the object's `CKA_LABEL`.
    public var object: String?
    /// `id`: the object's `CKA_ID` bytes.
    public var id: [UInt8]?
    /// `type`: `private`, `public`, `cert`, `secret-key` or `data`.
    public var type: String?
    /// `module-path` (query): the module to load.
    public var modulePath: String?
    /// `pin-source` (query): where the PIN is (`file:…` or `env:…`, as `--pin-source`).
    public var pinSource: String?

    /// An empty URI (`pkcs11:`), matching any token and any object.
    public init() {}

    /// Whether a key reference is a PKCS#11 URI rather than a key name or file.
    public static func isPKCS11URI(_ text: String) -> Bool { text.lowercased().hasPrefix("pkcs11:") }

    /// Parses a URI; unknown path attributes are refused (RFC 7512 §2.3 lets a consumer refuse what it does not
    /// understand, and a typo such as `lable=` would otherwise match every object).
    public init(_ text: String) throws(PKCS11Error) {
        guard Self.isPKCS11URI(text) else {
            throw PKCS11Error(.invalidURI, "a PKCS#11 key reference starts with pkcs11: (RFC 7512), e.g. pkcs11:token=NAME;object=LABEL")
        }
        let body = text.dropFirst("pkcs11:".count)
        let pathPart: Substring
        let queryPart: Substring?
        if let question = body.firstIndex(of: "?") {
            pathPart = body[..<question]
            queryPart = body[body.index(after: question)...]
        } else {
            pathPart = body
            queryPart = nil
        }
        var seen = Set<String>()
        for attribute in pathPart.split(separator: ";", omittingEmptySubsequences: true) {
            let (name, value) = try Self.pair(attribute)
            guard seen.insert(name).inserted else {
                throw PKCS11Error(.invalidURI, "the PKCS#11 URI repeats `\(name)`")
            }
            switch name {
            case "token": token = try Self.text(value, name)
            case "manufacturer": manufacturer = try Self.text(value, name)
            case "serial": serial = try Self.text(value, name)
            case "model": model = try Self.text(value, name)
            case "object": object = try Self.text(value, name)
            case "id": id = try Self.decode(value, name)
            case "type":
                let objectType = try Self.text(value, name)
                guard ["private", "public", "cert", "secret-key", "data"].contains(objectType) else {
                    throw PKCS11Error(.invalidURI, "the PKCS#11 URI's type=\(objectType) is not private, public, cert, secret-key or data")
                }
                type = objectType
            case "slot-id":
                guard let slot = UInt(try Self.text(value, name)) else {
                    throw PKCS11Error(.invalidURI, "the PKCS#11 URI's slot-id is not a number")
                }
                slotID = slot
            case "library-manufacturer", "library-description", "library-version", "slot-description", "slot-manufacturer":
                // Module and slot descriptions: accepted (the module is chosen by path), not matched.
                continue
            default:
                throw PKCS11Error(
                    .invalidURI, "the PKCS#11 URI has an unknown attribute `\(name)` (known: token, object, id, type, serial, manufacturer, model, slot-id)")
            }
        }
        if let queryPart {
            for attribute in queryPart.split(separator: "&", omittingEmptySubsequences: true) {
                let (name, value) = try Self.pair(attribute)
                switch name {
                case "pin-value":
                    throw PKCS11Error(
                        .invalidURI,
                        "the PKCS#11 URI carries pin-value; a PIN must not appear in a URI or on the command line: use --pin-source file:PATH or env:NAME")
                case "pin-source": pinSource = try Self.text(value, name)
                case "module-path": modulePath = try Self.text(value, name)
                case "module-name": continue
                default:
                    throw PKCS11Error(.invalidURI, "the PKCS#11 URI has an unknown query attribute `\(name)` (known: module-path, pin-source)")
                }
            }
        }
    }

    /// The URI in RFC 7512 form (percent-encoding what needs it), without any PIN.
    public var description: String {
        var path: [String] = []
        if let token { path.append("token=" + Self.encode(Array(token.utf8))) }
        if let manufacturer { path.append("manufacturer=" + Self.encode(Array(manufacturer.utf8))) }
        if let serial { path.append("serial=" + Self.encode(Array(serial.utf8))) }
        if let model { path.append("model=" + Self.encode(Array(model.utf8))) }
        if let slotID { path.append("slot-id=\(slotID)") }
        if let object { path.append("object=" + Self.encode(Array(object.utf8))) }
        if let id { path.append("id=" + id.map { "%" + ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()) }
        if let type { path.append("type=" + type) }
        var text = "pkcs11:" + path.joined(separator: ";")
        var query: [String] = []
        if let modulePath { query.append("module-path=" + Self.encode(Array(modulePath.utf8))) }
        if let pinSource { query.append("pin-source=" + Self.encode(Array(pinSource.utf8))) }
        if !query.isEmpty { text += "?" + query.joined(separator: "&") }
        return text
    }

    /// The key's name for messages: `object=LABEL` or `id=%..`, and the token.
    public var keyDescription: String {
        var parts: [String] = []
        if let object { parts.append("object=\(object)") }
        if let id { parts.append("id=" + id.map { "%" + ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()) }
        if parts.isEmpty { parts.append("any object") }
        if let token { parts.append("on token \(token)") }
        return parts.joined(separator: " ")
    }

    private static func pair(_ attribute: Substring) throws(PKCS11Error) -> (String, Substring) {
        guard let eq = attribute.firstIndex(of: "=") else {
            throw PKCS11Error(.invalidURI, "the PKCS#11 URI attribute `\(attribute)` has no `=`")
        }
        return (String(attribute[..<eq]).lowercased(), attribute[attribute.index(after: eq)...])
    }

    private static func text(_ value: Substring, _ name: String) throws(PKCS11Error) -> String {
        let bytes = try decode(value, name)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw PKCS11Error(.invalidURI, "the PKCS#11 URI's \(name) is not UTF-8 text")
        }
        return text
    }

    /// Percent-decodes a value (RFC 3986 §2.1).
    private static func decode(_ value: Substring, _ name: String) throws(PKCS11Error) -> [UInt8] {
        var out: [UInt8] = []
        var bytes = Array(value.utf8)[...]
        while let byte = bytes.popFirst() {
            if byte == UInt8(ascii: "%") {
                guard bytes.count >= 2, let hi = hexValue(bytes[bytes.startIndex]), let lo = hexValue(bytes[bytes.startIndex + 1]) else {
                    throw PKCS11Error(.invalidURI, "the PKCS#11 URI's \(name) has a bad percent escape")
                }
                out.append(hi << 4 | lo)
                bytes = bytes.dropFirst(2)
            } else {
                out.append(byte)
            }
        }
        return out
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Percent-encodes all but RFC 7512's `pk11-pchar` unreserved characters.
    private static func encode(_ bytes: [UInt8]) -> String {
        var out = ""
        for byte in bytes {
            let character = Character(Unicode.Scalar(byte))
            if byte < 0x80, character.isLetter || character.isNumber || "-._~:[]@!$'()*+,=".contains(character) {
                out.append(character)
            } else {
                out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return out
    }
}
