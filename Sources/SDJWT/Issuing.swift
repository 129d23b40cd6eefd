import CredentialJSON
import Crypto
import Foundation
import KeyManagement
import Multiformats

/// Makes SD-JWTs: disclosures with fresh 128-bit salts, their digests, the signed issuer JWT, and key binding JWTs.
///
/// The verifier's tests make their credentials with it, and so could an issuer; the signing is KeyManagement's
/// (swift-crypto), nothing here computes a signature by hand.
public enum SDJWTIssuing {
    /// A new disclosure of an object property (`name` given) or an array element (`name` nil).
    public static func disclosure(
        name: String?, value: JSONValue, salt: String? = nil,
        algorithm: SDHashAlgorithm = .sha256
    ) -> Disclosure {
        let salt = salt ?? Base64URL.encode((0..<16).map { _ in UInt8.random(in: 0...255) })
        let array: JSONValue = name.map { .array([.string(salt), .string($0), value]) } ?? .array([.string(salt), value])
        let encoded = Base64URL.encode(JSONWriter.data(array))
        // Built from our own output, so decoding cannot fail.
        return try! Disclosure(encoded: encoded, algorithm: algorithm)
    }

    /// A compact JWS over `payload` with `header` (to which `alg` is added from the key's type).
    public static func sign(header: JSONObject, payload: JSONValue, key: PrivateKey) throws(KeyError) -> String {
        var header = header
        if header["alg"] == nil { header["alg"] = .string(key.type.defaultAlgorithm.rawValue) }
        let input = Base64URL.encode(JSONWriter.data(.object(header))) + "." + Base64URL.encode(JSONWriter.data(payload))
        let signature = try key.signature(for: Array(input.utf8))
        return input + "." + Base64URL.encode(signature)
    }

    /// `issuerJWT~d1~…~dn~` (no key binding).
    public static func combine(issuerJWT: String, disclosures: [String]) -> String {
        ([issuerJWT] + disclosures).joined(separator: "~") + "~"
    }

    /// A key binding JWT over `presented` (which ends with `~`), signed by the holder's key.
    public static func keyBinding(
        presented: String, nonce: String, audience: String, issuedAt: Date, key: PrivateKey,
        algorithm: SDHashAlgorithm = .sha256
    ) throws(KeyError) -> String {
        let payload: JSONValue = .object([
            "iat": .number(JSONNumber(Int(issuedAt.timeIntervalSince1970))),
            "aud": .string(audience),
            "nonce": .string(nonce),
            "sd_hash": .string(algorithm.digest(of: presented)),
        ])
        return try sign(header: ["typ": "kb+jwt"], payload: payload, key: key)
    }
}
