import CredentialJSON
import Crypto
import Foundation
import KeyManagement
import Multiformats

/// A claim tree with selective disclosure marked on each member and element, as an issuer describes what it signs.
///
/// ``SDJWTPayloadBuilder`` turns it into the issuer-signed payload (`_sd` digests and `{"...": digest}` array
/// placeholders) and the disclosures that go with it (RFC 9901 §4.2).
public indirect enum SDClaimValue: Sendable {
    /// A value written as it is (inside it nothing is disclosable on its own).
    case value(JSONValue)
    /// An object whose members may each be disclosable.
    case object([SDMember])
    /// An array whose elements may each be disclosable (array-element disclosures, RFC 9901 §4.2.2).
    case array([SDElement])

    /// A string value.
    public static func string(_ text: String) -> SDClaimValue { .value(.string(text)) }
}

/// An object member of an ``SDClaimValue``.
public struct SDMember: Sendable {
    public var name: String
    public var value: SDClaimValue
    /// Whether the member becomes a disclosure (its name and value hidden behind a digest in `_sd`).
    public var disclosable: Bool

    public init(_ name: String, _ value: SDClaimValue, disclosable: Bool = true) {
        self.name = name
        self.value = value
        self.disclosable = disclosable
    }
}

/// An array element of an ``SDClaimValue``.
public struct SDElement: Sendable {
    public var value: SDClaimValue
    /// Whether the element becomes a disclosure (a `{"...": digest}` placeholder in the array).
    public var disclosable: Bool

    public init(_ value: SDClaimValue, disclosable: Bool = true) {
        self.value = value
        self.disclosable = disclosable
    }
}

/// Builds an SD-JWT payload from an ``SDClaimValue``: each disclosable member or element gets a disclosure with a
/// fresh 128-bit salt, its digest goes into `_sd` (sorted, so the order says nothing about the claims) or into an
/// array placeholder, and each object with disclosable members gets `decoysPerObject` decoy digests (§4.2.5).
public struct SDJWTPayloadBuilder: Sendable {
    /// Decoy digests added to every `_sd` array (default 0).
    public var decoysPerObject: Int
    /// The digest algorithm (`_sd_alg`), sha-256 by default.
    public var algorithm: SDHashAlgorithm

    public init(decoysPerObject: Int = 0, algorithm: SDHashAlgorithm = .sha256) {
        self.decoysPerObject = max(0, decoysPerObject)
        self.algorithm = algorithm
    }

    /// The payload members and the disclosures (nested disclosures come before the one that contains them).
    public func build(_ members: [SDMember]) -> (payload: JSONObject, disclosures: [Disclosure]) {
        var disclosures: [Disclosure] = []
        let object = buildObject(members, into: &disclosures)
        return (object, disclosures)
    }

    private func buildObject(_ members: [SDMember], into disclosures: inout [Disclosure]) -> JSONObject {
        var out = JSONObject()
        var digests: [String] = []
        for member in members {
            let value = buildValue(member.value, into: &disclosures)
            if member.disclosable {
                let disclosure = SDJWTIssuing.disclosure(name: member.name, value: value, algorithm: algorithm)
                disclosures.append(disclosure)
                digests.append(disclosure.digest)
            } else {
                out[member.name] = value
            }
        }
        if !digests.isEmpty {
            digests += (0..<decoysPerObject).map { _ in decoyDigest() }
            out["_sd"] = .array(digests.sorted().map(JSONValue.string))
        }
        return out
    }

    private func buildValue(_ value: SDClaimValue, into disclosures: inout [Disclosure]) -> JSONValue {
        switch value {
        case .value(let plain): return plain
        case .object(let members): return .object(buildObject(members, into: &disclosures))
        case .array(let elements):
            return .array(
                elements.map { element in
                    let built = buildValue(element.value, into: &disclosures)
                    guard element.disclosable else { return built }
                    let disclosure = SDJWTIssuing.disclosure(name: nil, value: built, algorithm: algorithm)
                    disclosures.append(disclosure)
                    return .object(["...": .string(disclosure.digest)])
                })
        }
    }

    /// A digest of 16 random bytes: indistinguishable from a real disclosure's digest.
    private func decoyDigest() -> String {
        Base64URL.encode(algorithm.hash((0..<16).map { _ in UInt8.random(in: 0...255) }))
    }
}

/// Issues SD-JWT VCs (draft-ietf-oauth-sd-jwt-vc): a `dc+sd-jwt` issuer-signed JWT with `iss`, `iat`, `exp`,
/// `vct`, `cnf.jwk` (the holder's key), `status.status_list` (an IETF Token Status List entry), `_sd_alg`, and the
/// claims with their disclosures. Those registered claims are never disclosable, as the draft requires.
public struct SDJWTVCIssuer: Sendable {
    /// The issuer's signing key (Ed25519 → EdDSA, P-256 → ES256, P-384 → ES384).
    public let key: PrivateKey
    /// `iss`: the issuer's identifier (a DID whose key is `keyID`, so verifiers can resolve it).
    public let issuer: String
    /// The `kid` header, a DID URL of the signing key.
    public let keyID: String?
    /// How the payload is made (decoys, digest algorithm).
    public var payloadBuilder: SDJWTPayloadBuilder

    public init(key: PrivateKey, issuer: String, keyID: String?, payloadBuilder: SDJWTPayloadBuilder = SDJWTPayloadBuilder()) {
        self.key = key
        self.issuer = issuer
        self.keyID = keyID
        self.payloadBuilder = payloadBuilder
    }

    /// A Token Status List reference: entry `index` of the `statuslist+jwt` at `uri`.
    public struct StatusReference: Sendable, Hashable {
        public var index: Int
        public var uri: String
        public init(index: Int, uri: String) {
            self.index = index
            self.uri = uri
        }
    }

    /// The claim names the draft reserves for the issuer (never selectively disclosed, never taken from claims).
    public static let registeredClaims: Set<String> = ["iss", "iat", "nbf", "exp", "vct", "vct#integrity", "cnf", "status", "_sd", "_sd_alg", "..."]

    /// Issues one SD-JWT VC in compact form, `<jwt>~<disclosure>~…~`, without key binding.
    ///
    /// - Parameters:
    ///   - claims: the credential's claims; a member named like a registered claim is refused.
    ///   - holderKey: the holder's public JWK for `cnf.jwk` (nil: no key binding possible).
    public func issue(
        vct: String, claims: [SDMember], holderKey: JSONObject?, status: StatusReference?,
        issuedAt: Date, expiresAt: Date?
    ) throws(SDJWTError) -> String {
        if let reserved = claims.first(where: { Self.registeredClaims.contains($0.name) }) {
            throw SDJWTError(.invalidDisclosure, "the claim \(reserved.name) is reserved for the issuer of an SD-JWT VC")
        }
        let (body, disclosures) = payloadBuilder.build(claims)
        var payload = JSONObject()
        payload["iss"] = .string(issuer)
        payload["iat"] = .number(JSONNumber(Int(issuedAt.timeIntervalSince1970)))
        if let expiresAt { payload["exp"] = .number(JSONNumber(Int(expiresAt.timeIntervalSince1970))) }
        payload["vct"] = .string(vct)
        if let holderKey { payload["cnf"] = .object(["jwk": .object(holderKey)]) }
        if let status {
            payload["status"] = .object(["status_list": .object(["idx": .number(JSONNumber(status.index)), "uri": .string(status.uri)])])
        }
        for member in body { payload[member.key] = member.value }
        payload["_sd_alg"] = .string(payloadBuilder.algorithm.rawValue)
        var header: JSONObject = ["typ": "dc+sd-jwt"]
        if let keyID { header["kid"] = .string(keyID) }
        let jwt: String
        do { jwt = try SDJWTIssuing.sign(header: header, payload: .object(payload), key: key) } catch {
            throw SDJWTError(.unsupportedAlgorithm, "the issuer key cannot sign: \(error)")
        }
        return SDJWTIssuing.combine(issuerJWT: jwt, disclosures: disclosures.map(\.encoded))
    }
}

extension SDJWTIssuing {
    /// A Token Status List token (draft-ietf-oauth-status-list §5): a `statuslist+jwt` whose `sub` is the list's
    /// own URI, with `status_list: {bits, lst}` (`lst` already zlib-compressed and base64url-encoded, as
    /// `TokenStatusList.encoded()` gives it), `iat`, and optionally `exp` and `ttl` (seconds).
    public static func statusListToken(
        uri: String, bits: Int, lst: String, issuedAt: Date, expiresAt: Date?, ttl: Int?,
        key: PrivateKey, keyID: String?, issuer: String?
    ) throws(KeyError) -> String {
        var payload = JSONObject()
        if let issuer { payload["iss"] = .string(issuer) }
        payload["sub"] = .string(uri)
        payload["iat"] = .number(JSONNumber(Int(issuedAt.timeIntervalSince1970)))
        if let expiresAt { payload["exp"] = .number(JSONNumber(Int(expiresAt.timeIntervalSince1970))) }
        if let ttl { payload["ttl"] = .number(JSONNumber(ttl)) }
        payload["status_list"] = .object(["bits": .number(JSONNumber(bits)), "lst": .string(lst)])
        var header: JSONObject = ["typ": "statuslist+jwt"]
        if let keyID { header["kid"] = .string(keyID) }
        return try sign(header: header, payload: .object(payload), key: key)
    }
}
