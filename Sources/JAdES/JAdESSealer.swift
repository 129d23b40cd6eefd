import CredentialJSON
import Crypto
import Foundation
import X509

/// Makes JAdES baseline-B seals in the shape of the EU's EDC files.
///
/// Output: JWS JSON general serialization, `{"payload": <credential text>, "signatures": [{"protected": …,
/// "signature": …}]}`, with the unencoded payload (`b64: false`, RFC 7797) and a protected header whose
/// members and order follow the EU's sealing service: `alg`, `cty`, `kid` (IssuerSerial), `x5t#S256`, `x5c`,
/// `typ`, `b64`, `sigT`, `crit`. A signature time-stamp (baseline-B-T) is added afterwards with
/// ``JAdESTimeStamps/addSignatureTimeStamp(_:to:expectedNonce:)`` from a TSA's reply; B-LT/B-LTA validation data
/// (`xVals`, `rVals`, `arcTst`) is not added.
public struct JAdESSealer: Sendable {
    /// The seal key.
    public let privateKey: JAdESPrivateKey
    /// The seal certificate first, then its CA certificates (they all go into `x5c`).
    public let certificateChain: [Certificate]
    /// The signature algorithm.
    public let algorithm: JAdESAlgorithm
    /// The `cty` header; the EU writes `octet-stream`.
    public var contentType: String = "octet-stream"
    /// The `typ` header; the EU writes `jose+json`.
    public var type: String = "jose+json"

    /// Creates a sealer, checking that the key belongs to the seal certificate and suits the algorithm.
    ///
    /// - Parameters:
    ///   - privateKey: the seal key.
    ///   - certificateChain: the seal certificate first, optionally followed by its CAs.
    ///   - algorithm: defaults to RS256 for RSA keys (as the EU does) and ES256/ES384/ES512 for EC keys.
    public init(privateKey: JAdESPrivateKey, certificateChain: [Certificate], algorithm: JAdESAlgorithm? = nil) throws(JAdESError) {
        guard let leaf = certificateChain.first else {
            throw JAdESError(.invalidCertificate, "the seal certificate chain is empty")
        }
        guard privateKey.publicKey == leaf.publicKey else {
            throw JAdESError(.keyMismatch, "the private key does not belong to the seal certificate \(leaf.subject)")
        }
        guard let chosen = algorithm ?? JAdESAlgorithm.defaultAlgorithm(for: leaf.publicKey) else {
            throw JAdESError(.unsupportedAlgorithm, "no JAdES algorithm for the seal certificate's key")
        }
        guard privateKey.fits(chosen) else {
            throw JAdESError(.keyMismatch, "\(chosen.rawValue) cannot be used with a \(privateKey.kindName) key")
        }
        if let usage = try? leaf.extensions.keyUsage, !usage.digitalSignature && !usage.nonRepudiation {
            throw JAdESError(.invalidCertificate, "the seal certificate's key usage allows neither digitalSignature nor nonRepudiation")
        }
        self.privateKey = privateKey
        self.certificateChain = certificateChain
        self.algorithm = chosen
        // The certificate-derived header members are the same for every seal: compute them once,
        // since bulk issuing seals thousands of credentials with one sealer.
        let leafDER = leaf.derBytes
        kid = Base64.encode(JAdESIssuerSerial(certificate: leaf).derBytes)
        x5tS256 = Base64.urlEncode(SHA256.hash(data: leafDER))
        x5c = certificateChain.map { .string(Base64.encode($0.derBytes)) }
    }

    private let kid: String
    private let x5tS256: String
    private let x5c: [JSONValue]

    /// Creates a sealer from PEM texts: a private key and a certificate chain (seal certificate first).
    public init(privateKeyPEM: String, certificateChainPEM: String, algorithm: JAdESAlgorithm? = nil) throws(JAdESError) {
        try self.init(
            privateKey: try JAdESPrivateKey(pemRepresentation: privateKeyPEM),
            certificateChain: try JAdESPEM.certificates(fromPEM: certificateChainPEM),
            algorithm: algorithm)
    }

    /// The protected header for a signing time, members in the EU's order.
    public func protectedHeader(signingTime: Date) -> JSONObject {
        JSONObject([
            ("alg", .string(algorithm.rawValue)),
            ("cty", .string(contentType)),
            ("kid", .string(kid)),
            ("x5t#S256", .string(x5tS256)),
            ("x5c", .array(x5c)),
            ("typ", .string(type)),
            ("b64", .bool(false)),
            ("sigT", .string(XSDDateTime.format(signingTime))),
            ("crit", .array(["b64", "sigT"])),
        ])
    }

    /// Seals a payload and returns the JWS JSON document as a value.
    ///
    /// - Parameters:
    ///   - payload: the exact bytes to seal (for an EDC, the credential as `JSONWriter` wrote it). They must be
    ///     UTF-8, because an unencoded payload travels as a JSON string.
    ///   - signingTime: the claimed signing time (`sigT`), whole seconds.
    public func seal(payload: [UInt8], signingTime: Date = Date()) throws(JAdESError) -> JSONValue {
        let (text, protected, signature) = try signed(payload: payload, signingTime: signingTime)
        return document(payload: .string(text), protected: protected, signature: signature)
    }

    /// The JWS JSON document: `payload`, then `signatures` with one entry.
    private func document(payload: JSONValue, protected: String, signature: String) -> JSONValue {
        let entry = JSONObject([
            ("protected", .string(protected)),
            ("signature", .string(signature)),
        ])
        return .object(
            JSONObject([
                ("payload", payload),
                ("signatures", .array([.object(entry)])),
            ]))
    }

    /// Signs `payload`: its text, the protected header (base64url) and the signature (base64url).
    private func signed(payload: [UInt8], signingTime: Date) throws(JAdESError) -> (text: String, protected: String, signature: String) {
        guard let text = String(validating: payload, as: UTF8.self) else {
            throw JAdESError(.invalidPayload, "the payload is not valid UTF-8, so it cannot be carried unencoded")
        }
        let headerBytes = JSONWriter.data(.object(protectedHeader(signingTime: signingTime)))
        let protected = Base64.urlEncode(headerBytes)
        var input: [UInt8] = []
        input.reserveCapacity(protected.utf8.count + 1 + payload.count)
        input.append(contentsOf: protected.utf8)
        input.append(UInt8(ascii: "."))
        input.append(contentsOf: payload)
        let signature = try privateKey.sign(input, algorithm: algorithm)
        return (text, protected, Base64.urlEncode(signature))
    }

    /// Seals a payload and returns the JWS JSON document's bytes (compact JSON, as the EU's files are).
    ///
    /// The same bytes as `JSONWriter.data` of ``seal(payload:signingTime:)``, but the payload is escaped
    /// straight from `payload` into the output: bulk issuing seals thousands of credentials.
    public func sealedData(payload: [UInt8], signingTime: Date = Date()) throws(JAdESError) -> [UInt8] {
        let (_, protected, signature) = try signed(payload: payload, signingTime: signingTime)
        // The writer's layout for the document with an empty payload, split where the payload goes.
        let frame = JSONWriter.data(document(payload: .string(""), protected: protected, signature: signature))
        let prefix = Array(#"{"payload":"#.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(frame.count + payload.count + payload.count / 8)
        out.append(contentsOf: prefix)
        payload.withUnsafeBufferPointer { JSONWriter.writeString(utf8: $0, to: &out) }
        out.append(contentsOf: frame[(prefix.count + 2)...])
        return out
    }

    /// The identity to copy into the EDC issuer before sealing (eIDAS identifier, legal name, country).
    public func sealIdentity() throws(JAdESError) -> JAdESSealIdentity {
        try JAdESSealIdentity(certificate: certificateChain[0])
    }
}
