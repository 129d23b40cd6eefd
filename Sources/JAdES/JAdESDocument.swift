import CredentialJSON

/// Which JWS JSON serialization a document uses (RFC 7515 §7.2).
public enum JWSJSONSerialization: String, Sendable, Hashable {
    /// `{"payload": …, "signatures": [{"protected": …, "header": …, "signature": …}]}`; the EU's files use this.
    case general
    /// `{"payload": …, "protected": …, "header": …, "signature": …}`.
    case flattened
}

/// One signature of a JWS JSON document, as it appears in the file (nothing checked yet).
public struct JWSSignatureEntry: Sendable, Hashable {
    /// Position in `signatures` (0 for the flattened form).
    public let index: Int
    /// The `protected` member exactly as written; the signing input uses these characters, not a re-encoding.
    public let protectedEncoded: String
    /// The `header` member (unprotected header), e.g. the JAdES `etsiU` array of B-LT/B-LTA seals.
    public let unprotectedHeader: JSONObject?
    /// The `signature` member exactly as written (base64url).
    public let signatureEncoded: String
    /// The JSON path of this entry, for messages (`$.signatures[0]` or `$`).
    public let path: String
}

/// A parsed JWS JSON document, the container of a JAdES seal.
///
/// Parsing checks the JSON shape only; ``JAdESVerifier`` checks headers, certificate and signature.
public struct JWSJSONDocument: Sendable, Hashable {
    /// General or flattened serialization.
    public let serialization: JWSJSONSerialization
    /// The `payload` member's string value: the payload itself when `b64` is false (the JAdES/EDC case),
    /// otherwise its base64url encoding.
    public let payloadMember: String
    /// The signatures in document order.
    public let signatures: [JWSSignatureEntry]

    /// Whether a JSON value has the shape of a JWS JSON serialization (a cheap test for "is this file sealed?").
    public static func looksLikeJWS(_ value: JSONValue) -> Bool {
        guard let object = value.objectValue, object["payload"]?.isString == true else { return false }
        if object["signatures"]?.isArray == true { return true }
        return object["protected"]?.isString == true && object["signature"]?.isString == true
    }

    /// Parses JWS JSON text.
    ///
    /// - Parameters:
    ///   - bytes: the document's UTF-8 bytes.
    ///   - limits: JSON size and depth limits (defaults: 16 MiB, depth 256).
    public init<Bytes: Collection>(parsing bytes: Bytes, limits: JSONParseLimits = .default) throws(JAdESError) where Bytes.Element == UInt8 {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes, limits: limits)
        } catch {
            throw JAdESError(.malformedDocument, "not JSON: \(error)")
        }
        try self.init(value)
    }

    /// Reads an already-parsed JWS JSON value.
    public init(_ value: JSONValue) throws(JAdESError) {
        guard let object = value.objectValue else {
            throw JAdESError(.malformedDocument, "a JWS JSON document is an object, found \(value.kindName)", location: "$")
        }
        guard let payload = object["payload"] else {
            throw JAdESError(.malformedDocument, "missing \"payload\" (detached payloads are not supported)", location: "$.payload")
        }
        guard let payloadString = payload.stringValue else {
            throw JAdESError(.malformedDocument, "\"payload\" must be a string, found \(payload.kindName)", location: "$.payload")
        }
        self.payloadMember = payloadString
        if let signatures = object["signatures"] {
            for key in ["protected", "header", "signature"] where object[key] != nil {
                throw JAdESError(.malformedDocument, "\"\(key)\" must not appear beside \"signatures\"", location: "$.\(key)")
            }
            guard let array = signatures.arrayValue, !array.isEmpty else {
                throw JAdESError(.malformedDocument, "\"signatures\" must be a non-empty array", location: "$.signatures")
            }
            var entries: [JWSSignatureEntry] = []
            entries.reserveCapacity(array.count)
            for (index, element) in array.enumerated() {
                let path = "$.signatures[\(index)]"
                guard let entry = element.objectValue else {
                    throw JAdESError(.malformedDocument, "a signature is an object, found \(element.kindName)", location: path)
                }
                entries.append(try Self.entry(entry, index: index, path: path))
            }
            self.serialization = .general
            self.signatures = entries
        } else {
            self.serialization = .flattened
            self.signatures = [try Self.entry(object, index: 0, path: "$")]
        }
    }

    private static func entry(_ object: JSONObject, index: Int, path: String) throws(JAdESError) -> JWSSignatureEntry {
        // JAdES requires the protected header: sigT, x5t#S256 and crit must be integrity-protected.
        guard let protected = object["protected"]?.stringValue, !protected.isEmpty else {
            throw JAdESError(.malformedDocument, "missing or non-string \"protected\" header", location: path + ".protected")
        }
        guard let signature = object["signature"]?.stringValue else {
            throw JAdESError(.malformedDocument, "missing or non-string \"signature\"", location: path + ".signature")
        }
        var unprotected: JSONObject?
        if let header = object["header"] {
            guard let headerObject = header.objectValue else {
                throw JAdESError(.malformedDocument, "\"header\" must be an object, found \(header.kindName)", location: path + ".header")
            }
            unprotected = headerObject
        }
        return JWSSignatureEntry(
            index: index, protectedEncoded: protected, unprotectedHeader: unprotected,
            signatureEncoded: signature, path: path)
    }
}

extension JWSJSONDocument {
    /// `document` (the JSON this was parsed from) with its first signature's unprotected `etsiU` array (its unsigned JAdES properties) replaced by
    /// `update(existing items)`, in the general or the flattened serialization: the one place time-stamps and
    /// validation data are added to a seal.
    ///
    /// - Throws: ``JAdESError`` `.malformedDocument` when the document has lost its signatures,
    ///   `.malformedHeader` when its `etsiU` is not an array.
    func updatingETSIU(of document: JSONValue, _ update: ([JSONValue]) -> [JSONValue]) throws(JAdESError) -> JSONValue {
        let path = signatures[0].path
        func updated(_ signature: JSONObject) throws(JAdESError) -> JSONObject {
            var signature = signature
            var header = signature["header"]?.objectValue ?? JSONObject()
            var existing: [JSONValue] = []
            if let member = header["etsiU"] {
                guard let items = member.arrayValue else {
                    throw JAdESError(.malformedHeader, "\"etsiU\" must be an array, found \(member.kindName)", location: path + ".header.etsiU")
                }
                existing = items
            }
            header["etsiU"] = .array(update(existing))
            signature["header"] = .object(header)
            return signature
        }
        guard var object = document.objectValue else {
            throw JAdESError(.malformedDocument, "a JWS JSON document is an object", location: "$")
        }
        switch serialization {
        case .general:
            guard var entries = object["signatures"]?.arrayValue, let first = entries.first?.objectValue else {
                throw JAdESError(.malformedDocument, "missing signatures", location: "$.signatures")
            }
            entries[0] = .object(try updated(first))
            object["signatures"] = .array(entries)
        case .flattened:
            object = try updated(object)
        }
        return .object(object)
    }
}
