import CredentialJSON
import Multiformats

/// A failure to read an EDC file, with a stable code and where it happened.
public struct EDCDocumentError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, stable across releases.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let name: String
        public var description: String { name }
        /// The bytes are not JSON (or the JWS payload is not JSON).
        public static let invalidJSON = Code(name: "invalidJSON")
        /// The JSON is not an EDC credential, an `{"credential": …}` upload wrapper or a JWS over one.
        public static let notACredential = Code(name: "notACredential")
        /// A JWS whose `payload` member is missing or not a string.
        public static let invalidJWS = Code(name: "invalidJWS")
    }

    public let code: Code
    public let message: String
    /// Where in the (outer) JSON the problem is.
    public let path: JSONPath
    /// Line and column for JSON syntax errors.
    public let line: Int?
    public let column: Int?

    public var description: String {
        if let line, let column { return "line \(line):\(column): \(message)" }
        return "\(path): \(message)"
    }
}

/// An EDC file as found on disk: a plain credential, an EDCI "uploadable" wrapper, or a JAdES seal.
///
/// Sealed files are JWS JSON serializations whose `payload` member is the credential JSON text
/// (`b64: false`), or its base64url form when the protected header does not say `b64: false`.
/// Reading the payload does not verify the seal; the JAdES target does that.
public struct EDCDocument: Sendable {
    /// How the credential was packaged.
    public enum Packaging: String, Sendable, Hashable {
        /// The credential JSON itself.
        case plain
        /// `{"credential": {…}}`, as the EDC issuer's upload form expects.
        case uploadable
        /// A JWS JSON serialization (JAdES seal) with the credential as payload.
        case sealed
    }

    public let packaging: Packaging
    /// The credential JSON (for a sealed file, the parsed payload).
    public let credentialJSON: JSONValue
    /// The payload bytes exactly as signed, for sealed files.
    public let payloadBytes: [UInt8]?
    /// JSON path prefix to show for problems inside the credential (`$` or `$.credential`).
    public let credentialPath: JSONPath

    /// Reads any of the three packagings; limits apply to the file and to a sealed payload.
    public init<Bytes: Collection>(bytes: Bytes, limits: JSONParseLimits = .default) throws(EDCDocumentError)
    where Bytes.Element == UInt8 {
        let outer: JSONValue
        do { outer = try JSONParser.parse(bytes, limits: limits) } catch {
            throw EDCDocumentError(code: .invalidJSON, message: error.message, path: .root, line: error.line, column: error.column)
        }
        guard let object = outer.objectValue else {
            throw EDCDocumentError(code: .notACredential, message: "the file is a JSON \(outer.kindName), not an object", path: .root, line: nil, column: nil)
        }
        if object["payload"] != nil && (object["signatures"] != nil || object["signature"] != nil) {
            guard let payload = object["payload"]?.stringValue else {
                throw EDCDocumentError(
                    code: .invalidJWS, message: "the JWS payload is not a string", path: JSONPath.root.appending("payload"), line: nil, column: nil)
            }
            let raw: [UInt8]
            if EDCDocument.isUnencoded(object) {
                raw = Array(payload.utf8)
            } else if let decoded = PaddedBase64URL.decode(payload) {
                raw = decoded
            } else {
                throw EDCDocumentError(
                    code: .invalidJWS, message: "the JWS payload is not base64url and the header does not say b64:false",
                    path: JSONPath.root.appending("payload"), line: nil, column: nil)
            }
            let inner: JSONValue
            do { inner = try JSONParser.parse(raw, limits: limits) } catch {
                throw EDCDocumentError(
                    code: .invalidJSON, message: "payload: " + error.message, path: JSONPath.root.appending("payload"), line: error.line, column: error.column)
            }
            packaging = .sealed
            credentialJSON = inner
            payloadBytes = raw
            credentialPath = .root
        } else if object["@context"] == nil, let credential = object["credential"], credential.isObject {
            packaging = .uploadable
            credentialJSON = credential
            payloadBytes = nil
            credentialPath = JSONPath.root.appending("credential")
        } else {
            packaging = .plain
            credentialJSON = outer
            payloadBytes = nil
            credentialPath = .root
        }
        guard credentialJSON.isObject else {
            throw EDCDocumentError(
                code: .notACredential, message: "the credential is a JSON \(credentialJSON.kindName), not an object", path: credentialPath, line: nil,
                column: nil)
        }
    }

    /// The credential as the model, or an error when the JSON is not an EDC.
    public func credential() throws(EDCDocumentError) -> EuropeanDigitalCredential {
        guard let credential = EuropeanDigitalCredential.decode(credentialJSON) else {
            throw EDCDocumentError(
                code: .notACredential, message: "type does not include EuropeanDigitalCredential", path: credentialPath.appending("type"), line: nil,
                column: nil)
        }
        return credential
    }

    /// Whether every signature's protected header says `b64: false` (RFC 7797).
    static func isUnencoded(_ jws: JSONObject) -> Bool {
        var headers: [String] = []
        if let sigs = jws["signatures"]?.arrayValue {
            headers = sigs.compactMap { $0["protected"]?.stringValue }
        } else if let header = jws["protected"]?.stringValue {
            headers = [header]
        }
        guard !headers.isEmpty else { return false }
        return headers.allSatisfy { h in
            guard let bytes = PaddedBase64URL.decode(h), let header = try? JSONParser.parse(bytes) else { return false }
            return header["b64"]?.boolValue == false
        }
    }
}

/// base64url (RFC 4648 §5) through Multiformats' strict codec, tolerating the padding some sealers add.
enum PaddedBase64URL {
    static func decode(_ text: String) -> [UInt8]? {
        var unpadded = Substring(text)
        while unpadded.hasSuffix("=") { unpadded.removeLast() }
        return try? Base64URL.decode(String(unpadded))
    }
}
