import CredentialJSON
import Crypto
import KeyManagement
import Multiformats

// SD-JWT (RFC 9901) and SD-JWT VC (draft-ietf-oauth-sd-jwt-vc): parsing the compact form, the disclosure digests,
// rebuilding the disclosed claims, and the key binding JWT. Pure: no network, no clock of its own (the caller
// passes the time), no trust decisions (the caller finds the issuer's key and judges it).

/// Why an SD-JWT cannot be used. Every check in this target reports through it; nothing traps.
public struct SDJWTError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem, so callers can map it to their own check (Format, Seal, Owner).
    public enum Code: String, Sendable, Hashable {
        /// Not an SD-JWT: wrong number of parts, bad base64url, not JSON, wrong shape.
        case malformed = "SD_JWT_MALFORMED"
        /// `alg: none`, an algorithm not on the allow-list, or an `_sd_alg` this verifier cannot compute.
        case unsupportedAlgorithm = "SD_JWT_UNSUPPORTED_ALGORITHM"
        /// Larger, deeper or with more disclosures than ``SDJWTLimits`` allow.
        case limitExceeded = "SD_JWT_LIMIT_EXCEEDED"
        /// A disclosure whose digest the issuer-signed payload does not contain: it was not issued (RFC 9901 §7.1 step 5).
        case unreferencedDisclosure = "SD_JWT_UNREFERENCED_DISCLOSURE"
        /// A digest that appears more than once in the payload or disclosures (RFC 9901 §7.1 step 4).
        case duplicateDigest = "SD_JWT_DUPLICATE_DIGEST"
        /// A disclosure names `_sd` or `...`, or an object disclosure sits in an array (or the reverse).
        case invalidDisclosure = "SD_JWT_INVALID_DISCLOSURE"
        /// A disclosed claim name already exists in its object (RFC 9901 §7.1 step 3.c.ii.3).
        case claimNameCollision = "SD_JWT_CLAIM_NAME_COLLISION"
        /// The key binding JWT is missing, unsigned by the `cnf` key, stale, or answers another nonce, audience or SD-JWT.
        case keyBinding = "SD_JWT_KEY_BINDING"
    }

    /// The kind of problem.
    public let code: Code
    /// What exactly is wrong, naming the part.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

/// Bounds on an SD-JWT, checked before the work they bound (hostile input may be large or deeply nested).
public struct SDJWTLimits: Sendable, Hashable {
    /// The whole compact SD-JWT, in bytes (default 4 MiB).
    public var maxBytes: Int
    /// Disclosures in one SD-JWT (default 1,024).
    public var maxDisclosures: Int
    /// Digests (`_sd` entries and array placeholders) in the payload and disclosed values together (default 16,384).
    public var maxDigests: Int
    /// Nesting depth while rebuilding the claims (default 32); JSON parsing has its own depth limit too.
    public var maxDepth: Int
    /// Limits for each JSON part: the JWTs' headers and payloads and each disclosure (a service sets its
    /// request-body limits, so a token cannot hold more than the body could).
    public var json: JSONParseLimits = .default

    /// Creates limits; the defaults are far above any real credential and far below what could hurt.
    public init(maxBytes: Int = 4 * 1024 * 1024, maxDisclosures: Int = 1024, maxDigests: Int = 16_384, maxDepth: Int = 32) {
        self.maxBytes = maxBytes
        self.maxDisclosures = maxDisclosures
        self.maxDigests = maxDigests
        self.maxDepth = maxDepth
    }

    /// The defaults.
    public static let `default` = SDJWTLimits()
}

/// The `_sd_alg` hash functions this verifier computes (IANA "Named Information Hash Algorithm" names).
public enum SDHashAlgorithm: String, Sendable, Hashable, CaseIterable {
    case sha256 = "sha-256"
    case sha384 = "sha-384"
    case sha512 = "sha-512"

    /// The hash of `bytes`.
    public func hash(_ bytes: [UInt8]) -> [UInt8] {
        switch self {
        case .sha256: return Array(SHA256.hash(data: bytes))
        case .sha384: return Array(SHA384.hash(data: bytes))
        case .sha512: return Array(SHA512.hash(data: bytes))
        }
    }

    /// base64url(hash(ASCII(text))): the form of disclosure digests and `sd_hash` (RFC 9901 §4.2.3, §4.3.1).
    public func digest(of text: String) -> String { Base64URL.encode(hash(Array(text.utf8))) }
}

/// A compact JWS (`header.payload.signature`) with its parts decoded.
public struct CompactJWS: Sendable {
    /// The token as given.
    public let text: String
    /// The protected header.
    public let header: JSONObject
    /// The payload (a JSON object).
    public let payload: JSONValue
    /// The bytes the signature covers: ASCII(header '.' payload).
    public let signingInput: [UInt8]
    /// The signature bytes.
    public let signature: [UInt8]

    /// The JOSE algorithms accepted: never `none`, never HMAC (a shared secret proves nothing about an issuer).
    public static let allowedAlgorithms: Set<String> = ["ES256", "ES384", "EdDSA"]

    /// Decodes `text`; `what` names the token in errors ("issuer-signed JWT", "key binding JWT").
    public init(_ text: String, what: String, limits: JSONParseLimits = .default) throws(SDJWTError) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw SDJWTError(.malformed, "the \(what) is not a compact JWS (three base64url parts)")
        }
        guard let headerBytes = try? Base64URL.decode(String(parts[0])), let payloadBytes = try? Base64URL.decode(String(parts[1])),
            let signature = try? Base64URL.decode(String(parts[2]))
        else {
            throw SDJWTError(.malformed, "the \(what) has a part that is not base64url")
        }
        guard let header = (try? JSONParser.parse(headerBytes, limits: limits))?.objectValue else {
            throw SDJWTError(.malformed, "the \(what)'s header is not a JSON object")
        }
        let payload: JSONValue
        do { payload = try JSONParser.parse(payloadBytes, limits: limits) } catch {
            throw SDJWTError(.malformed, "the \(what)'s payload is not a JSON object: \(error.message)")
        }
        guard payload.isObject else { throw SDJWTError(.malformed, "the \(what)'s payload is not a JSON object") }
        self.text = text
        self.header = header
        self.payload = payload
        self.signingInput = Array(text.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
        self.signature = signature
    }

    /// The header's `alg`.
    public var algorithm: String? { header["alg"]?.stringValue }

    /// Throws unless `alg` is on ``allowedAlgorithms`` (so `none` always fails, before any key is looked for).
    public func requireAllowedAlgorithm(what: String) throws(SDJWTError) {
        guard let alg = algorithm, Self.allowedAlgorithms.contains(alg) else {
            throw SDJWTError(
                .unsupportedAlgorithm, "the \(what)'s algorithm \(algorithm ?? "(missing)") is not allowed (allowed: ES256, ES384, EdDSA; never none)")
        }
    }

    /// Whether the signature verifies with `key` under the header's `alg`, which must fit the key's type
    /// (an ES256 header over a P-384 key is refused, so `alg` cannot be swapped).
    public func isSigned(by key: PublicKey) -> Bool {
        guard let alg = algorithm, Self.allowedAlgorithms.contains(alg), let algorithm = SignatureAlgorithm(rawValue: alg) else { return false }
        let fits: Bool
        switch (algorithm, key.type) {
        case (.es256, .p256), (.es384, .p384), (.eddsa, .ed25519): fits = true
        default: fits = false
        }
        return fits && key.isValidSignature(signature, for: signingInput, algorithm: algorithm)
    }
}

/// One disclosure: `[salt, name, value]` for an object property or `[salt, value]` for an array element.
public struct Disclosure: Sendable, Hashable {
    /// The base64url text as presented; the digest is computed over exactly these characters.
    public let encoded: String
    /// The salt.
    public let salt: String
    /// The claim name; `nil` for an array element.
    public let name: String?
    /// The claim value (it may itself contain `_sd` digests).
    public let value: JSONValue
    /// base64url(hash(ASCII(encoded))).
    public let digest: String

    /// Decodes one disclosure and computes its digest with `algorithm`.
    public init(encoded: String, algorithm: SDHashAlgorithm, limits: JSONParseLimits = .default) throws(SDJWTError) {
        guard let bytes = try? Base64URL.decode(encoded) else {
            throw SDJWTError(.malformed, "a disclosure is not base64url: \(Self.short(encoded))")
        }
        guard let array = (try? JSONParser.parse(bytes, limits: limits))?.arrayValue else {
            throw SDJWTError(.malformed, "a disclosure is not a JSON array: \(Self.short(encoded))")
        }
        guard array.count == 2 || array.count == 3, let salt = array[0].stringValue else {
            throw SDJWTError(.malformed, "a disclosure is not [salt, name, value] or [salt, value]: \(Self.short(encoded))")
        }
        if array.count == 3 {
            guard let name = array[1].stringValue else {
                throw SDJWTError(.malformed, "a disclosure's claim name is not a string: \(Self.short(encoded))")
            }
            // RFC 9901 §7.1 step 3.c.ii.2: these names would let a holder smuggle digests or placeholders in.
            guard name != "_sd", name != "..." else {
                throw SDJWTError(.invalidDisclosure, "a disclosure uses the reserved claim name \(name)")
            }
            self.name = name
        } else {
            self.name = nil
        }
        self.encoded = encoded
        self.salt = salt
        self.value = array[array.count - 1]
        self.digest = algorithm.digest(of: encoded)
    }

    static func short(_ text: String) -> String { text.count > 40 ? String(text.prefix(40)) + "…" : text }
}

/// A parsed SD-JWT: `<issuer-signed JWT>~<disclosure>~…~[<key binding JWT>]`.
///
/// Parsing decodes every part and computes the disclosure digests but verifies nothing: the issuer's signature
/// needs a key the caller trusts (``CompactJWS/isSigned(by:)``), the disclosures need ``processedClaims(limits:)``,
/// and the key binding needs ``verifyKeyBinding(_:)``.
public struct SelectiveDisclosureJWT: Sendable {
    /// The issuer-signed JWT.
    public let issuerJWT: CompactJWS
    /// The disclosures, in presentation order.
    public let disclosures: [Disclosure]
    /// The key binding JWT, when the holder added one.
    public let keyBindingJWT: CompactJWS?
    /// The SD-JWT the key binding JWT signs over: everything before it, the last `~` included (RFC 9901 §4.3.1).
    public let presentedSDJWT: String
    /// The payload's `_sd_alg` (sha-256 when absent).
    public let hashAlgorithm: SDHashAlgorithm

    /// Whether `text` has the shape of a compact SD-JWT: a JWS-looking first part and at least one `~`.
    /// Cheap, for input detection; ``init(parsing:limits:)`` decides.
    public static func looksLikeSDJWT(_ text: String) -> Bool {
        guard text.hasPrefix("ey"), text.contains("~") else { return false }
        return text.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D || b == 0x5F || b == 0x2E || b == 0x7E
        }
    }

    /// Splits and decodes a compact SD-JWT (surrounding whitespace ignored).
    public init(parsing raw: String, limits: SDJWTLimits = .default) throws(SDJWTError) {
        let text = raw.trimmingWhitespace()
        guard text.utf8.count <= limits.maxBytes else {
            throw SDJWTError(.limitExceeded, "the SD-JWT is \(text.utf8.count) bytes, more than the limit of \(limits.maxBytes)")
        }
        guard text.contains("~") else { throw SDJWTError(.malformed, "not an SD-JWT: no ~ separates the issuer-signed JWT from its disclosures") }
        let parts = text.split(separator: "~", omittingEmptySubsequences: false).map(String.init)
        // parts: JWT, disclosures…, and the last one: empty (no key binding) or the KB-JWT.
        guard parts.count - 2 <= limits.maxDisclosures else {
            throw SDJWTError(.limitExceeded, "the SD-JWT has \(parts.count - 2) disclosures, more than the limit of \(limits.maxDisclosures)")
        }
        let issuer = try CompactJWS(parts[0], what: "issuer-signed JWT", limits: limits.json)
        let algorithm: SDHashAlgorithm
        switch issuer.payload["_sd_alg"] {
        case nil: algorithm = .sha256
        case .string(let name)?:
            guard let known = SDHashAlgorithm(rawValue: name) else {
                throw SDJWTError(.unsupportedAlgorithm, "_sd_alg \(name) is not a hash this verifier computes (sha-256, sha-384, sha-512)")
            }
            algorithm = known
        default: throw SDJWTError(.malformed, "_sd_alg is not a string")
        }
        var disclosures: [Disclosure] = []
        for encoded in parts[1..<(parts.count - 1)] {
            guard !encoded.isEmpty else { throw SDJWTError(.malformed, "an empty disclosure (two ~ in a row)") }
            disclosures.append(try Disclosure(encoded: encoded, algorithm: algorithm, limits: limits.json))
        }
        let last = parts[parts.count - 1]
        self.issuerJWT = issuer
        self.disclosures = disclosures
        self.hashAlgorithm = algorithm
        self.keyBindingJWT = try last.isEmpty ? nil : CompactJWS(last, what: "key binding JWT", limits: limits.json)
        self.presentedSDJWT = String(text.dropLast(last.count))
    }

    /// The header's `typ`.
    public var type: String? { issuerJWT.header["typ"]?.stringValue }
}

extension String {
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
