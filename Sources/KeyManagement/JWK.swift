import CredentialJSON
import Crypto
import CryptoExtras
import Foundation
import Multiformats

extension PublicKey {
    /// The public JWK (RFC 7517/7518/8037): `OKP`/`Ed25519`, `EC`/`P-256`|`P-384`, or `RSA`.
    ///
    /// Members are in RFC 7638 order (required members sorted), so the plain JSON text is already
    /// the thumbprint input when optional members are not added.
    public var jwk: JSONObject {
        switch material {
        case .ed25519(let key):
            return ["crv": "Ed25519", "kty": "OKP", "x": .string(Base64URL.encode(key.rawRepresentation))]
        case .p256(let key):
            let point = Array(key.x963Representation)
            return [
                "crv": "P-256", "kty": "EC",
                "x": .string(Base64URL.encode(point[1..<33])), "y": .string(Base64URL.encode(point[33..<65])),
            ]
        case .p384(let key):
            let point = Array(key.x963Representation)
            return [
                "crv": "P-384", "kty": "EC",
                "x": .string(Base64URL.encode(point[1..<49])), "y": .string(Base64URL.encode(point[49..<97])),
            ]
        case .rsa(let key):
            // The primitives of a key that was valid on creation are always available.
            let primitives = try! key.getKeyPrimitives()
            return [
                "e": .string(Base64URL.encode(stripLeadingZeros(Array(primitives.publicExponent)))),
                "kty": "RSA",
                "n": .string(Base64URL.encode(stripLeadingZeros(Array(primitives.modulus)))),
            ]
        }
    }

    /// The RFC 7638 JWK thumbprint (SHA-256, base64url), usable as a `kid`.
    public func jwkThumbprint() -> String {
        // JCS sorts members and adds no whitespace, which is exactly RFC 7638 §3's form for
        // these all-string members.
        let canonical = try! JCS.canonicalData(.object(jwk))
        return Base64URL.encode(Array(SHA256.hash(data: canonical)))
    }

    /// Reads a public JWK.
    ///
    /// Requirements: `kty` and `crv` name a supported key; `x`/`y` are exactly the field size
    /// (RFC 7518 §6.2.1.2); the point is on the curve; RSA `n` is 2048, 3072 or 4096 bits with
    /// no leading zero octet. Private members (`d`, `p`, `q`, `dp`, `dq`, `qi`, `oth`) are refused
    /// so a secret key can never be published by mistake through a DID document.
    public init(jwk: JSONObject) throws(KeyError) {
        for member in ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] where jwk[member] != nil {
            throw KeyError(.privateMaterialInPublicJWK, "a public JWK must not contain the private member \"\(member)\"", location: member)
        }
        guard let kty = jwk["kty"]?.stringValue else {
            throw KeyError(.invalidJWK, "JWK member \"kty\" is missing or not a string", location: "kty")
        }
        switch kty {
        case "OKP":
            let crv = try Self.member(jwk, "crv")
            guard crv == "Ed25519" else {
                throw KeyError(.unsupportedKeyType, "OKP curve \"\(crv)\" is not supported (only Ed25519)", location: "crv")
            }
            let publicBytes = try Self.bytes(jwk, "x", length: 32)
            do { try self.init(.ed25519(Curve25519.Signing.PublicKey(rawRepresentation: publicBytes))) } catch {
                throw KeyError(.invalidKey, "Ed25519 JWK \"x\" is not a valid public key", location: "x")
            }
        case "EC":
            let crv = try Self.member(jwk, "crv")
            let size: Int
            switch crv {
            case "P-256": size = 32
            case "P-384": size = 48
            default: throw KeyError(.unsupportedKeyType, "EC curve \"\(crv)\" is not supported (only P-256 and P-384)", location: "crv")
            }
            let point = [0x04] + (try Self.bytes(jwk, "x", length: size)) + (try Self.bytes(jwk, "y", length: size))
            do {
                if size == 32 {
                    try self.init(.p256(P256.Signing.PublicKey(x963Representation: point)))
                } else {
                    try self.init(.p384(P384.Signing.PublicKey(x963Representation: point)))
                }
            } catch {
                throw KeyError(.invalidKey, "\(crv) JWK \"x\"/\"y\" is not a point on the curve", location: "x")
            }
        case "RSA":
            let modulus = try Self.bytes(jwk, "n", length: nil)
            let exponent = try Self.bytes(jwk, "e", length: nil)
            guard modulus.first != 0, exponent.first != 0, !exponent.isEmpty else {
                throw KeyError(.invalidJWK, "RSA JWK \"n\" and \"e\" must be minimal big-endian integers (no leading zero octet)", location: "n")
            }
            _ = try rsaType(bits: modulus.count * 8 - modulus[0].leadingZeroBitCount)
            let key: _RSA.Signing.PublicKey
            do { key = try _RSA.Signing.PublicKey(n: modulus, e: exponent) } catch {
                throw KeyError(.invalidKey, "RSA JWK \"n\"/\"e\" do not form a valid public key", location: "n")
            }
            try self.init(.rsa(key))
        default:
            throw KeyError(.unsupportedKeyType, "JWK key type \"\(kty)\" is not supported (OKP, EC, RSA)", location: "kty")
        }
    }

    private static func member(_ jwk: JSONObject, _ name: String) throws(KeyError) -> String {
        guard let value = jwk[name]?.stringValue else {
            throw KeyError(.invalidJWK, "JWK member \"\(name)\" is missing or not a string", location: name)
        }
        return value
    }

    private static func bytes(_ jwk: JSONObject, _ name: String, length: Int?) throws(KeyError) -> [UInt8] {
        let text = try member(jwk, name)
        let bytes: [UInt8]
        do { bytes = try Base64URL.decode(text) } catch {
            throw KeyError(.invalidJWK, "JWK member \"\(name)\" is not unpadded base64url: \(error.message)", location: name)
        }
        if let length, bytes.count != length {
            throw KeyError(.invalidJWK, "JWK member \"\(name)\" must be \(length) bytes, found \(bytes.count)", location: name)
        }
        return bytes
    }
}

private func stripLeadingZeros(_ bytes: [UInt8]) -> [UInt8] {
    let trimmed = bytes.drop(while: { $0 == 0 })
    return trimmed.isEmpty ? [0] : Array(trimmed)
}
