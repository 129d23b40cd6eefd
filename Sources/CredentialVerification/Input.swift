import CredentialJSON
import Foundation
import JAdES
import Multiformats
import SDJWT

/// What a piece of input turned out to be.
public enum InputKind: String, Sendable, Hashable {
    /// A JAdES-sealed EDC: JWS JSON serialization whose payload is the credential.
    case jadesSealed = "JAdES-sealed credential"
    /// An EDC upload wrapper `{"credential": …}`.
    case uploadable = "EDC upload wrapper"
    /// A JSON-LD credential with embedded Data Integrity proof(s).
    case dataIntegrityCredential = "credential with Data Integrity proof"
    /// A JSON-LD credential with no proof at all.
    case unsecuredCredential = "credential without proof"
    /// A verifiable presentation (a wallet export).
    case presentation = "verifiable presentation"
    /// A VC-JOSE credential: compact JWS `application/vc+jwt`, or an `EnvelopedVerifiableCredential`.
    case envelopedJWT = "enveloped credential (JWT)"
    /// An SD-JWT VC (`dc+sd-jwt`, or the earlier `vc+sd-jwt`): `<issuer JWT>~<disclosure>~…~[<key binding JWT>]`,
    /// as a file, a string in the API, or `data:application/dc+sd-jwt,…` in an `EnvelopedVerifiableCredential`;
    /// or in RFC 9901 §8 JSON serialization (flattened or general), as a file or a JSON object in the API.
    case sdJWT = "SD-JWT VC"
    /// An `EnvelopedVerifiableCredential` secured with a mechanism this verifier does not open (COSE).
    case envelopedUnsupported = "enveloped credential (unsupported securing mechanism)"
    /// Something else.
    case unknown = "unknown"
}

/// One item to verify, after detection (a file, an element of a JSON array, a credential inside a presentation).
public struct DetectedInput: Sendable {
    /// Where it came from, for the report (`file.json`, `file.json[2]`, `wallet.json › verifiableCredential[0]`).
    public let source: String
    public let kind: InputKind
    /// The credential or presentation JSON (for a sealed file, the parsed payload; for a JWT, its claims).
    public let document: JSONValue?
    /// Why the input is not usable, when it is not (unreadable JSON, unknown shape).
    public let problem: ProblemDetail?
    /// For a compact JWS or an SD-JWT: the token text.
    public let compactJWS: String?
    /// For a JAdES seal: the parsed JWS JSON object (so the seal verifier need not parse it again).
    public let envelope: JSONValue?

    public init(
        source: String, kind: InputKind, document: JSONValue?, problem: ProblemDetail? = nil,
        compactJWS: String? = nil, envelope: JSONValue? = nil
    ) {
        self.envelope = envelope
        self.source = source
        self.kind = kind
        self.document = document
        self.problem = problem
        self.compactJWS = compactJWS
    }
}

/// Recognises every input form the verifier accepts.
public enum InputDetector {
    /// Splits `bytes` into items: a JSON array gives one item per element, anything else one item.
    ///
    /// Never throws: unreadable JSON comes back as an item of kind ``InputKind/unknown`` with a
    /// `PARSING_ERROR` naming line and column.
    public static func detect(_ bytes: [UInt8], source: String, limits: JSONParseLimits = .default) -> [DetectedInput] {
        // Only text that starts like a JWS header ("ey…") is decoded as a token; JSON goes straight to the parser.
        let first = bytes.firstIndex { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
        if let first, bytes[first] == UInt8(ascii: "e"),
            case let trimmed = String(decoding: bytes[first...], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines),
            SelectiveDisclosureJWT.looksLikeSDJWT(trimmed)
        {
            return [sdJWTInput(trimmed, source: source, limits: limits)]
        }
        if let first, bytes[first] == UInt8(ascii: "e"),
            case let trimmed = String(decoding: bytes[first...], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines),
            isCompactJWS(trimmed)
        {
            return [jwtInput(trimmed, source: source, limits: limits)]
        }
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes, limits: limits)
        } catch {
            return [
                DetectedInput(
                    source: source, kind: .unknown, document: nil,
                    problem: .vc(.parsingError, "line \(error.line):\(error.column): \(error.message)"))
            ]
        }
        return detect(json: json, source: source, limits: limits)
    }

    /// Splits an already-parsed value into items, as ``detect(_:source:limits:)`` does after parsing; `limits` bound
    /// the JSON inside the tokens it holds.
    public static func detect(json: JSONValue, source: String, limits: JSONParseLimits = .default) -> [DetectedInput] {
        if let array = json.arrayValue {
            return array.enumerated().map { i, element in classify(element, source: "\(source)[\(i)]", limits: limits) }
        }
        return [classify(json, source: source, limits: limits)]
    }

    /// How many credentials verifying `json` means, counted before any work: each element of a top-level array,
    /// and each credential inside a presentation (an array element or the whole value), the presentation included.
    /// Stops counting once `limit` is passed.
    public static func itemCount(_ json: JSONValue, limit: Int = .max) -> Int {
        func count(_ value: JSONValue) -> Int {
            let types = value["type"]?.asArray ?? []
            if types.contains("VerifiablePresentation") {
                return 1 + (value["verifiableCredential"]?.asArray.count ?? 0)
            }
            return 1
        }
        guard let array = json.arrayValue else { return count(json) }
        var total = 0
        for element in array {
            total += count(element)
            if total > limit { break }
        }
        return total
    }

    /// Classifies one parsed JSON value; `limits` bound the JSON decoded from the tokens or seals it holds.
    public static func classify(_ json: JSONValue, source: String, limits: JSONParseLimits = .default) -> DetectedInput {
        // The string form (VC API, a presentation's verifiableCredential array): an SD-JWT or a compact JWS.
        if let text = json.stringValue, SelectiveDisclosureJWT.looksLikeSDJWT(text) { return sdJWTInput(text, source: source, limits: limits) }
        if let text = json.stringValue, isCompactJWS(text) { return jwtInput(text, source: source, limits: limits) }
        guard let object = json.objectValue else {
            return DetectedInput(
                source: source, kind: .unknown, document: json,
                problem: .vc(.parsingError, "not a credential I know: found a JSON \(json.kindName), expected an object"))
        }
        // RFC 9901 §8: an SD-JWT in JWS JSON serialization (its disclosures in the unprotected header) is checked as
        // the compact SD-JWT it stands for. Before the JAdES test: both are JWS JSON, only an SD-JWT has disclosures.
        if SelectiveDisclosureJWT.looksLikeJSONSerialization(json) {
            do { return sdJWTInput(try SelectiveDisclosureJWT.compactForm(ofJSONSerialization: json), source: source, limits: limits) } catch {
                return DetectedInput(
                    source: source, kind: .unknown, document: json,
                    problem: .vc(.parsingError, "an SD-JWT in JSON serialization that cannot be read: \(error.message)"))
            }
        }
        if JWSJSONDocument.looksLikeJWS(json) {
            // The payload is parsed by the seal verifier; here only to show what was sealed.
            let payload = sealedPayload(object, limits: limits)
            return DetectedInput(
                source: source, kind: .jadesSealed, document: payload,
                problem: payload == nil ? .vc(.parsingError, "the JWS payload is not a JSON credential") : nil,
                envelope: json)
        }
        if object["@context"] == nil, let credential = object["credential"], credential.isObject {
            return DetectedInput(source: source, kind: .uploadable, document: credential)
        }
        let types = Set(object["type"]?.asArray.compactMap(\.stringValue) ?? [])
        if types.contains("EnvelopedVerifiableCredential"), let id = object["id"]?.stringValue, let token = envelopedSDJWT(id) {
            return sdJWTInput(token, source: source, limits: limits)
        }
        if types.contains("EnvelopedVerifiableCredential"), let id = object["id"]?.stringValue,
            let token = envelopedToken(id)
        {
            return jwtInput(token, source: source, limits: limits)
        }
        if types.contains("EnvelopedVerifiableCredential") || types.contains("EnvelopedVerifiablePresentation") {
            let media = object["id"]?.stringValue.map { String($0.prefix(while: { $0 != "," && $0 != ";" })) } ?? "(no id)"
            return DetectedInput(
                source: source, kind: .envelopedUnsupported, document: json,
                problem: .vc(
                    .parsingError,
                    "the envelope's media type \(media) is not one this verifier opens (it opens data:application/vc+jwt and data:application/dc+sd-jwt)"))
        }
        if types.contains("VerifiablePresentation") && types.contains("VerifiableCredential") {
            // Checked as a presentation it would escape the issuer's checks; as a credential, the holder's. Neither.
            return DetectedInput(
                source: source, kind: .unknown, document: json,
                problem: .vc(
                    .malformedValueError, "the document is typed both VerifiablePresentation and VerifiableCredential, so it cannot be verified as either"))
        }
        if types.contains("VerifiablePresentation") {
            return DetectedInput(source: source, kind: .presentation, document: json)
        }
        if types.contains("VerifiableCredential") || object["credentialSubject"] != nil {
            let hasProof = object["proof"] != nil
            return DetectedInput(source: source, kind: hasProof ? .dataIntegrityCredential : .unsecuredCredential, document: json)
        }
        let found = object.keys.prefix(8).joined(separator: ", ")
        let typeText = types.isEmpty ? "no type" : "type \(types.sorted().joined(separator: ", "))"
        return DetectedInput(
            source: source, kind: .unknown, document: json,
            problem: .vc(.parsingError, "not a credential I know: a JSON object with \(typeText) and members \(found)\(object.count > 8 ? ", …" : "")"))
    }

    /// `header.payload.signature` in base64url, as VC-JOSE `application/vc+jwt`.
    ///
    /// Read as UTF-8 bytes: a grapheme at a time (with a Unicode property lookup for each letter) this was most of
    /// the verification of a 10 MB token.
    static func isCompactJWS(_ text: String) -> Bool {
        guard text.hasPrefix("ey"), text.utf8.count < 16 * 1024 * 1024 else { return false }
        var dots = 0
        var partLength = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"):
                partLength += 1
            case UInt8(ascii: "."):
                // The header and the payload may not be empty; the signature may.
                guard partLength > 0, dots < 2 else { return false }
                dots += 1
                partLength = 0
            default:
                return false
            }
        }
        return dots == 2
    }

    /// The token of a `data:application/vc+jwt,…` URL.
    static func envelopedToken(_ id: String) -> String? {
        for prefix in ["data:application/vc+jwt,", "data:application/vp+jwt,", "data:application/jwt,"] where id.hasPrefix(prefix) {
            return String(id.dropFirst(prefix.count))
        }
        return nil
    }

    /// The token of a `data:application/dc+sd-jwt,…` (or the earlier `vc+sd-jwt`) URL.
    static func envelopedSDJWT(_ id: String) -> String? {
        for prefix in ["data:application/dc+sd-jwt,", "data:application/vc+sd-jwt,"] where id.hasPrefix(prefix) {
            return String(id.dropFirst(prefix.count))
        }
        return nil
    }

    /// An SD-JWT item. Only the issuer JWT's payload is read here (the claims before disclosure); the verifier parses,
    /// rebuilds and checks the whole token, and reports what is wrong on the check it concerns.
    static func sdJWTInput(_ text: String, source: String, limits: JSONParseLimits) -> DetectedInput {
        let first = text.prefix { $0 != "~" }
        switch JWTVerifier.payload(String(first), limits: limits) {
        case .success(let claims):
            return DetectedInput(source: source, kind: .sdJWT, document: claims, compactJWS: text)
        case .failure(let why):
            return DetectedInput(
                source: source, kind: .sdJWT, document: nil,
                problem: .vc(.parsingError, "the SD-JWT's issuer-signed JWT is not a compact JWS with a JSON payload (\(why))"), compactJWS: text)
        }
    }

    /// A compact JWS item (a VC-JWT): its payload is read here within `limits`, to show the claims and to name a
    /// payload too large or too deep before any other work.
    static func jwtInput(_ token: String, source: String, limits: JSONParseLimits) -> DetectedInput {
        switch JWTVerifier.payload(token, limits: limits) {
        case .success(let claims):
            return DetectedInput(source: source, kind: .envelopedJWT, document: claims, compactJWS: token)
        case .failure(let why):
            return DetectedInput(
                source: source, kind: .envelopedJWT, document: nil, problem: .vc(.parsingError, "the JWS payload is not JSON (\(why))"),
                compactJWS: token)
        }
    }

    static func sealedPayload(_ object: JSONObject, limits: JSONParseLimits = .default) -> JSONValue? {
        guard let payload = object["payload"]?.stringValue else { return nil }
        if let parsed = try? JSONParser.parse(payload, limits: limits), parsed.isObject { return parsed }
        if let decoded = Base64URLText.decode(payload), let parsed = try? JSONParser.parse(decoded, limits: limits), parsed.isObject { return parsed }
        return nil
    }
}

/// base64url without padding (RFC 7515 §2), through Multiformats' strict codec.
enum Base64URLText {
    static func decode(_ text: String) -> [UInt8]? { try? Base64URL.decode(text) }
    static func encode(_ bytes: [UInt8]) -> String { Base64URL.encode(bytes) }
}
