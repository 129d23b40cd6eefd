import CredentialJSON
import Crypto
import Foundation
import SwiftASN1
import X509

/// The outcome of one verification check.
public struct JAdESCheck: Sendable, Hashable, CustomStringConvertible {
    /// What was checked; stable names for programs to match on.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The code's stable name.
        public let name: String
        public var description: String { name }

        /// The document is a JWS JSON serialization with a usable payload and signature entries.
        public static let format = Code(name: "format")
        /// The protected header decodes to a JSON object and does not overlap the unprotected header.
        public static let protectedHeader = Code(name: "protectedHeader")
        /// `alg` is on the allow-list (never `none`, never HMAC) and fits the certificate's key.
        public static let algorithm = Code(name: "algorithm")
        /// Every `crit` entry is understood and present; `b64` is listed when used.
        public static let critical = Code(name: "critical")
        /// `x5c` is present and its certificates decode.
        public static let certificate = Code(name: "certificate")
        /// `x5t#S256` equals SHA-256 of the first `x5c` certificate.
        public static let certificateDigest = Code(name: "certificateDigest")
        /// `kid` (DER IssuerSerial) names the signing certificate.
        public static let issuerSerial = Code(name: "issuerSerial")
        /// The signature verifies over `ASCII(protected) || '.' || payload`.
        public static let signature = Code(name: "signature")
        /// `sigT` is present and is a UTC date-time.
        public static let signingTime = Code(name: "signingTime")
        /// The signing certificate was within its validity period at `sigT`.
        public static let certificateValidityAtSigningTime = Code(name: "certificateValidityAtSigningTime")
        /// Time-stamps (`adoTst`, `etsiU` sigTst/arcTst): recognised here; `sigTst` is verified by ``TimeStampToken``.
        public static let timestamps = Code(name: "timestamps")
    }

    /// How a check came out.
    public enum Status: String, Sendable, Hashable {
        /// Passed.
        case ok = "OK"
        /// Failed; the seal is not valid.
        case error = "Error"
        /// Not performed (with the reason); does not by itself make the seal invalid.
        case skipped = "Skipped"
    }

    /// What was checked.
    public let code: Code
    /// The outcome.
    public let status: Status
    /// Why, in a sentence naming the header member involved.
    public let reason: String

    /// Creates a check outcome.
    public init(_ code: Code, _ status: Status, _ reason: String) {
        self.code = code
        self.status = status
        self.reason = reason
    }

    public var description: String { "\(code): \(status.rawValue) — \(reason)" }
}

/// The verification of one signature of a JAdES document.
public struct JAdESSignatureVerification: Sendable {
    /// Position of the signature in the document.
    public let index: Int
    /// Every check made, in order.
    public let checks: [JAdESCheck]
    /// The `alg` header, when it named an allowed algorithm.
    public let algorithm: JAdESAlgorithm?
    /// The decoded protected header (member order as signed).
    public let protectedHeader: JSONObject?
    /// The exact protected-header bytes that were signed.
    public let protectedHeaderBytes: [UInt8]
    /// The `x5c` certificates, signer first.
    public let certificateChain: [Certificate]
    /// Certificates carried in the unsigned properties (`etsiU` → `xVals`) of B-LT/B-LTA seals; useful as
    /// intermediates when building a chain, never trusted by themselves.
    public let unsignedCertificates: [Certificate]
    /// The unsigned properties (`etsiU`), decoded once here for every later reader (time-stamps, validation data,
    /// archive time-stamps).
    public let unsignedProperties: JAdESUnsignedProperties
    /// A summary of the signing certificate.
    public let signer: JAdESCertificateSummary?
    /// `sigT` as written.
    public let signingTimeText: String?
    /// `sigT` as a date.
    public let signingTime: Date?
    /// JAdES properties present in the protected header (`sigT`, `adoTst`, …), for reporting the level.
    public let jadesProperties: [String]

    /// The signing certificate (first of `x5c`).
    public var signingCertificate: Certificate? { certificateChain.first }

    /// `true` when no check failed and the signature itself was checked and passed.
    public var isValid: Bool {
        !checks.contains { $0.status == .error } && checks.contains { $0.code == .signature && $0.status == .ok }
    }
}

/// The outcome of verifying a JAdES document. Never thrown: every problem is a failed check.
public struct JAdESVerificationResult: Sendable {
    /// Document-level checks (the JWS JSON shape).
    public let documentChecks: [JAdESCheck]
    /// General or flattened, when the document parsed.
    public let serialization: JWSJSONSerialization?
    /// The payload bytes that were signed (for EDCs: the credential's JSON text); present when the document parsed.
    /// Parse these only after checking ``isValid``.
    public let payload: [UInt8]?
    /// One entry per signature.
    public let signatures: [JAdESSignatureVerification]

    /// `true` when the document parsed, has at least one signature, and every signature is valid.
    public var isValid: Bool {
        !documentChecks.contains { $0.status == .error } && !signatures.isEmpty && signatures.allSatisfy(\.isValid)
    }

    /// All checks, document-level first, then each signature's in order.
    public var checks: [JAdESCheck] { documentChecks + signatures.flatMap(\.checks) }

    /// The first failed check, if any: the one-line reason to show.
    public var firstError: JAdESCheck? { checks.first { $0.status == .error } }
}

/// Verifies JAdES baseline-B properties of a JWS JSON seal: signature over the exact payload, signing
/// certificate reference (`x5t#S256`, `kid`), `crit`, algorithm, signing time.
///
/// It does not decide whether the certificate is trusted; see ``JAdESChainValidator`` for that.
/// Time-stamps and validation data of B-T/B-LT/B-LTA seals are recognised and reported as skipped.
public struct JAdESVerifier: Sendable {
    /// The default `crit` entries understood: `b64` and `sigT` are processed; `adoTst` (a content
    /// time-stamp, which the EU's files list) is recognised and reported as a skipped ``JAdESCheck/Code/timestamps`` check.
    public static let defaultUnderstoodCriticalHeaders: Set<String> = ["b64", "sigT", "adoTst"]

    /// Header parameters RFC 7515 §4.1.11 forbids in `crit` (they must be understood anyway).
    static let registeredHeaders: Set<String> = [
        "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit", "enc", "zip",
    ]

    /// Limits on the input. Defaults: 16 MiB document, JSON depth 256, 10 certificates per `x5c`, 16 signatures.
    public var limits: JSONParseLimits
    /// Most certificates read from one `x5c` (or `xVals`).
    public var maxCertificates: Int
    /// Most signatures checked in a general-serialization document.
    public var maxSignatures: Int

    /// `crit` entries accepted; any other entry fails the ``JAdESCheck/Code/critical`` check. Remove
    /// `adoTst` to refuse seals whose content time-stamp cannot be validated here.
    public var understoodCriticalHeaders: Set<String>

    /// Creates a verifier.
    public init(
        limits: JSONParseLimits = .default, maxCertificates: Int = 10, maxSignatures: Int = 16,
        understoodCriticalHeaders: Set<String> = JAdESVerifier.defaultUnderstoodCriticalHeaders
    ) {
        self.limits = limits
        self.maxCertificates = maxCertificates
        self.maxSignatures = maxSignatures
        self.understoodCriticalHeaders = understoodCriticalHeaders
    }

    /// Verifies a JWS JSON document given as bytes.
    public func verify<Bytes: Collection>(_ bytes: Bytes) -> JAdESVerificationResult where Bytes.Element == UInt8 {
        do { return verify(try JWSJSONDocument(parsing: bytes, limits: limits)) } catch { return Self.unreadable(error) }
    }

    /// Verifies a JWS JSON document already parsed as JSON (a verifier that has read the input once).
    public func verify(envelope: JSONValue) -> JAdESVerificationResult {
        do { return verify(try JWSJSONDocument(envelope)) } catch { return Self.unreadable(error) }
    }

    private static func unreadable(_ error: JAdESError) -> JAdESVerificationResult {
        JAdESVerificationResult(
            documentChecks: [JAdESCheck(.format, .error, error.description)],
            serialization: nil, payload: nil, signatures: [])
    }

    /// Verifies a parsed JWS JSON document.
    public func verify(_ document: JWSJSONDocument) -> JAdESVerificationResult {
        guard document.signatures.count <= maxSignatures else {
            return JAdESVerificationResult(
                documentChecks: [JAdESCheck(.format, .error, "\(document.signatures.count) signatures exceed the limit of \(maxSignatures)")],
                serialization: document.serialization, payload: nil, signatures: [])
        }
        var results: [JAdESSignatureVerification] = []
        var payload: [UInt8]?
        var documentChecks: [JAdESCheck] = []
        for entry in document.signatures {
            let (result, signedPayload) = verify(entry, payloadMember: document.payloadMember)
            results.append(result)
            if let signedPayload {
                if let payload, payload != signedPayload {
                    documentChecks.append(JAdESCheck(.format, .error, "signatures disagree on b64, so the payload is ambiguous"))
                }
                payload = signedPayload
            }
        }
        if documentChecks.isEmpty {
            documentChecks.append(
                JAdESCheck(.format, .ok, "JWS JSON \(document.serialization.rawValue) serialization with \(document.signatures.count) signature(s)"))
        }
        return JAdESVerificationResult(
            documentChecks: documentChecks, serialization: document.serialization,
            payload: payload, signatures: results)
    }

    // The checks are a straight line on purpose: each appends its outcome and later checks
    // that depend on an earlier failure report why they were skipped.
    private func verify(_ entry: JWSSignatureEntry, payloadMember: String) -> (JAdESSignatureVerification, [UInt8]?) {
        var checks: [JAdESCheck] = []
        var algorithm: JAdESAlgorithm?
        var header: JSONObject?
        var chain: [Certificate] = []
        var extraCertificates: [Certificate] = []
        var sigTText: String?
        var sigTDate: Date?
        var properties: [String] = []
        var payloadBytes: [UInt8]?
        var protectedBytes: [UInt8] = []
        let at = entry.path + ".protected"
        // Every item is decoded and parsed here once; the time-stamp list and the certificates read the result.
        let unsignedProperties = JAdESUnsignedProperties(unprotectedHeader: entry.unprotectedHeader)

        func finish() -> (JAdESSignatureVerification, [UInt8]?) {
            (
                JAdESSignatureVerification(
                    index: entry.index, checks: checks, algorithm: algorithm, protectedHeader: header,
                    protectedHeaderBytes: protectedBytes, certificateChain: chain, unsignedCertificates: extraCertificates,
                    unsignedProperties: unsignedProperties,
                    signer: chain.first.map(JAdESCertificateSummary.init), signingTimeText: sigTText, signingTime: sigTDate,
                    jadesProperties: properties), payloadBytes
            )
        }

        // Protected header.
        guard let decoded = Base64.urlDecode(entry.protectedEncoded) else {
            checks.append(JAdESCheck(.protectedHeader, .error, "\(at) is not base64url"))
            return finish()
        }
        protectedBytes = decoded
        guard let parsed = try? JSONParser.parse(decoded, limits: limits), let fields = parsed.objectValue else {
            checks.append(JAdESCheck(.protectedHeader, .error, "\(at) does not decode to a JSON object (or has duplicate members)"))
            return finish()
        }
        header = fields
        if let unprotected = entry.unprotectedHeader {
            let overlap = unprotected.keys.filter { fields[$0] != nil }
            if !overlap.isEmpty {
                checks.append(JAdESCheck(.protectedHeader, .error, "\(overlap.joined(separator: ", ")) appear in both protected and unprotected headers"))
                return finish()
            }
        }
        checks.append(JAdESCheck(.protectedHeader, .ok, "protected header has \(fields.count) members"))
        properties = fields.keys.filter { ["sigT", "adoTst", "sigD", "sigPId", "sigPl", "srCms", "srAts", "sigX5ts", "x5t#o"].contains($0) }

        // Algorithm.
        switch fields["alg"] {
        case .string(let name)?:
            if let alg = JAdESAlgorithm(rawValue: name) {
                algorithm = alg
                checks.append(JAdESCheck(.algorithm, .ok, "alg \(name)"))
            } else {
                let why =
                    name == "none"
                    ? "alg \"none\" is never accepted"
                    : name.hasPrefix("HS")
                        ? "alg \(name) is an HMAC, which cannot seal"
                        : "alg \(name) is not on the allow-list (RS256/384/512, PS256/384/512, ES256/384/512, EdDSA)"
                checks.append(JAdESCheck(.algorithm, .error, why))
            }
        case nil:
            checks.append(JAdESCheck(.algorithm, .error, "\(at): missing \"alg\""))
        case let other?:
            checks.append(JAdESCheck(.algorithm, .error, "\"alg\" must be a string, found \(other.kindName)"))
        }

        // b64 and crit (RFC 7797 §6, RFC 7515 §4.1.11).
        var unencoded = false
        var critOK = true
        var crit: [String] = []
        switch fields["crit"] {
        case nil: break
        case .array(let items)?:
            if items.isEmpty { critOK = false; checks.append(JAdESCheck(.critical, .error, "\"crit\" must not be empty")) }
            for item in items {
                guard let name = item.stringValue else {
                    critOK = false
                    checks.append(JAdESCheck(.critical, .error, "\"crit\" entries must be strings, found \(item.kindName)"))
                    continue
                }
                crit.append(name)
            }
        case let other?:
            critOK = false
            checks.append(JAdESCheck(.critical, .error, "\"crit\" must be an array, found \(other.kindName)"))
        }
        if critOK {
            if let bad = crit.first(where: { Self.registeredHeaders.contains($0) }) {
                critOK = false
                checks.append(JAdESCheck(.critical, .error, "\"crit\" lists \(bad), a registered JWS header that must not appear there"))
            } else if let unknown = crit.first(where: { !understoodCriticalHeaders.contains($0) }) {
                critOK = false
                checks.append(JAdESCheck(.critical, .error, "\"crit\" lists \(unknown), which this verifier does not understand"))
            } else if let missing = crit.first(where: { fields[$0] == nil }) {
                critOK = false
                checks.append(JAdESCheck(.critical, .error, "\"crit\" lists \(missing) but the protected header lacks it"))
            } else if Set(crit).count != crit.count {
                critOK = false
                checks.append(JAdESCheck(.critical, .error, "\"crit\" lists an entry twice"))
            }
        }
        switch fields["b64"] {
        case nil: break
        case .bool(let value)?:
            unencoded = !value
            if critOK && !crit.contains("b64") {
                critOK = false
                checks.append(JAdESCheck(.critical, .error, "\"b64\" is present but not listed in \"crit\" (RFC 7797 §6)"))
            }
        case let other?:
            critOK = false
            checks.append(JAdESCheck(.critical, .error, "\"b64\" must be a boolean, found \(other.kindName)"))
        }
        if critOK {
            checks.append(JAdESCheck(.critical, .ok, crit.isEmpty ? "no critical extensions" : "crit [\(crit.joined(separator: ", "))] understood"))
        }

        // Payload as signed.
        if unencoded {
            payloadBytes = Array(payloadMember.utf8)
        } else if let decodedPayload = Base64.urlDecode(payloadMember) {
            payloadBytes = decodedPayload
        } else {
            checks.append(JAdESCheck(.format, .error, "payload is not base64url although b64 is not false"))
        }

        // Certificates.
        var x5cDER: [[UInt8]] = []
        switch fields["x5c"] {
        case .array(let items)? where !items.isEmpty:
            if items.count > maxCertificates {
                checks.append(JAdESCheck(.certificate, .error, "x5c has \(items.count) certificates, more than the limit of \(maxCertificates)"))
                break
            }
            var failed = false
            for (index, item) in items.enumerated() {
                guard let text = item.stringValue, let der = Base64.decode(text) else {
                    checks.append(JAdESCheck(.certificate, .error, "x5c[\(index)] is not a base64 string"))
                    failed = true
                    break
                }
                do {
                    chain.append(try CertificateMemo.certificate(derEncoded: der))
                    x5cDER.append(der)
                } catch {
                    checks.append(JAdESCheck(.certificate, .error, "x5c[\(index)] is not an X.509 certificate: \(error)"))
                    failed = true
                    break
                }
            }
            if failed {
                chain = []; x5cDER = []
            } else {
                checks.append(JAdESCheck(.certificate, .ok, "x5c holds \(chain.count) certificate(s); signer \(chain[0].subject.text)"))
            }
        case nil:
            checks.append(JAdESCheck(.certificate, .error, "\(at): missing \"x5c\"; a JAdES seal here must carry its signing certificate"))
        default:
            checks.append(JAdESCheck(.certificate, .error, "\"x5c\" must be a non-empty array of base64 certificates"))
        }
        extraCertificates = unsignedCertificates(unsignedProperties)

        // x5t#S256.
        if let leafDER = x5cDER.first {
            switch fields["x5t#S256"] {
            case .string(let text)?:
                let expected = Base64.urlEncode(SHA256.hash(data: leafDER))
                if text == expected {
                    checks.append(JAdESCheck(.certificateDigest, .ok, "x5t#S256 matches the signing certificate"))
                } else {
                    checks.append(JAdESCheck(.certificateDigest, .error, "x5t#S256 \(text) does not match SHA-256 of x5c[0] (\(expected))"))
                }
            case nil:
                if fields["x5t#o"] != nil || fields["sigX5ts"] != nil {
                    checks.append(
                        JAdESCheck(.certificateDigest, .error, "only x5t#S256 is supported as the signing-certificate reference (found x5t#o/sigX5ts)"))
                } else {
                    checks.append(JAdESCheck(.certificateDigest, .error, "missing x5t#S256: JAdES requires a signing-certificate digest"))
                }
            case let other?:
                checks.append(JAdESCheck(.certificateDigest, .error, "\"x5t#S256\" must be a string, found \(other.kindName)"))
            }
        } else {
            checks.append(JAdESCheck(.certificateDigest, .skipped, "no usable signing certificate"))
        }

        // kid (IssuerSerial).
        if let leaf = chain.first {
            switch fields["kid"] {
            case .string(let text)?:
                if let der = Base64.decode(text) {
                    do {
                        let issuerSerial = try JAdESIssuerSerial(derEncoded: der)
                        if issuerSerial.matches(leaf) {
                            checks.append(JAdESCheck(.issuerSerial, .ok, "kid names the signing certificate (issuer and serial)"))
                        } else {
                            checks.append(JAdESCheck(.issuerSerial, .error, "kid names another certificate (issuer or serial differs from x5c[0])"))
                        }
                    } catch {
                        checks.append(JAdESCheck(.issuerSerial, .error, error.message))
                    }
                } else {
                    checks.append(JAdESCheck(.issuerSerial, .error, "\"kid\" is not base64 of a DER IssuerSerial"))
                }
            case nil:
                checks.append(JAdESCheck(.issuerSerial, .skipped, "no kid"))
            case let other?:
                checks.append(JAdESCheck(.issuerSerial, .error, "\"kid\" must be a string, found \(other.kindName)"))
            }
        } else {
            checks.append(JAdESCheck(.issuerSerial, .skipped, "no usable signing certificate"))
        }

        // Signature.
        if let alg = algorithm, let leaf = chain.first, let payloadBytes {
            if let signature = Base64.urlDecode(entry.signatureEncoded) {
                var input: [UInt8] = []
                input.reserveCapacity(entry.protectedEncoded.utf8.count + 1 + payloadMember.utf8.count)
                input.append(contentsOf: entry.protectedEncoded.utf8)
                input.append(UInt8(ascii: "."))
                // Unencoded: the payload bytes themselves; encoded: the base64url text as it appears.
                input.append(contentsOf: unencoded ? payloadBytes : Array(payloadMember.utf8))
                switch alg.verify(signature: signature, input: input, key: leaf.publicKey) {
                case .keyMismatch(let reason)?:
                    // The algorithm was fine on its own; it is the pairing with this key that fails.
                    checks.removeAll { $0.code == .algorithm && $0.status == .ok }
                    checks.append(JAdESCheck(.algorithm, .error, reason))
                    checks.append(JAdESCheck(.signature, .error, "not checked: the certificate's key does not fit \(alg.rawValue)"))
                case .invalid(let reason)?:
                    checks.append(JAdESCheck(.signature, .error, reason))
                case nil:
                    checks.append(JAdESCheck(.signature, .ok, "\(alg.rawValue) signature over the \(unencoded ? "unencoded" : "base64url") payload verifies"))
                }
            } else {
                checks.append(JAdESCheck(.signature, .error, "\(entry.path).signature is not base64url"))
            }
        } else {
            checks.append(JAdESCheck(.signature, .error, "signature not checked: algorithm, certificate or payload unusable (see the other checks)"))
        }

        // sigT.
        switch fields["sigT"] {
        case .string(let text)?:
            sigTText = text
            if let date = XSDDateTime.parse(text, syntax: .rfc3339UTC) {
                sigTDate = date
                checks.append(JAdESCheck(.signingTime, .ok, "sigT \(text)"))
            } else {
                checks.append(JAdESCheck(.signingTime, .error, "sigT \"\(text)\" is not a UTC date-time like 2024-01-31T12:00:00Z"))
            }
        case nil:
            checks.append(JAdESCheck(.signingTime, .error, "missing sigT: JAdES baseline-B requires the claimed signing time"))
        case let other?:
            checks.append(JAdESCheck(.signingTime, .error, "\"sigT\" must be a string, found \(other.kindName)"))
        }
        if let date = sigTDate, let leaf = chain.first {
            if date < leaf.notValidBefore {
                checks.append(
                    JAdESCheck(
                        .certificateValidityAtSigningTime, .error, "signing time \(sigTText ?? "") is before the certificate's notBefore \(leaf.notValidBefore)"
                    ))
            } else if date > leaf.notValidAfter {
                checks.append(
                    JAdESCheck(
                        .certificateValidityAtSigningTime, .error, "signing time \(sigTText ?? "") is after the certificate's notAfter \(leaf.notValidAfter)"))
            } else {
                checks.append(JAdESCheck(.certificateValidityAtSigningTime, .ok, "certificate valid at signing time"))
            }
        } else {
            checks.append(JAdESCheck(.certificateValidityAtSigningTime, .skipped, "no signing time or certificate"))
        }

        // Time-stamps and validation data (B-T and above).
        var stamps: [String] = []
        if fields["adoTst"] != nil { stamps.append("adoTst") }
        for object in unsignedProperties.objects { stamps.append(contentsOf: object.keys) }
        if !stamps.isEmpty {
            checks.append(
                JAdESCheck(
                    .timestamps, .skipped,
                    "\(stamps.joined(separator: ", ")) present; this check covers baseline-B only: sigTst is judged by TimeStampToken against time-stamping anchors (skillcred verify --tsa-anchors), and adoTst, xVals, rVals and arcTst are not validated"
                ))
        }
        return finish()
    }

    /// Certificates from `etsiU` → `xVals` → `x509Cert.val`.
    private func unsignedCertificates(_ properties: JAdESUnsignedProperties) -> [Certificate] {
        var certificates: [Certificate] = []
        for object in properties.objects {
            guard let values = object["xVals"]?.arrayValue else { continue }
            for value in values {
                guard certificates.count < maxCertificates,
                    let text = value["x509Cert"]?["val"]?.stringValue, let der = Base64.decode(text),
                    let certificate = try? CertificateMemo.certificate(derEncoded: der)
                else { continue }
                certificates.append(certificate)
            }
        }
        return certificates
    }

    /// An `etsiU` item: a JSON object, or (as DSS writes them) base64url of one.
    static func etsiUItem(_ item: JSONValue) -> JSONObject? {
        if let object = item.objectValue { return object }
        guard let text = item.stringValue, let bytes = Base64.urlDecode(text),
            let value = try? JSONParser.parse(bytes)
        else { return nil }
        return value.objectValue
    }
}
