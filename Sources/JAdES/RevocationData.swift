import CredentialJSON
import Crypto
import Foundation
import SwiftASN1
@_spi(FixedExpiryValidationTime) import X509

// Revocation data for seal certificates: X.509 CRLs (RFC 5280 §5) and OCSP responses (RFC 6960).
// swift-certificates keeps its OCSP types internal (its public OCSPVerifierPolicy queries responders live and answers
// only pass/fail) and has no CRL type, so both structures are walked here with SwiftASN1 (DER only). Every signature
// is verified by swift-crypto through ``TimeStampParser/verify(signature:over:algorithm:digest:key:)``, and OCSP
// responder certificates are path-validated by swift-certificates' `Verifier`.

extension LocatedError.Code where Domain == JAdESErrors {
    /// A CRL or OCSP response is malformed, too large, or of a kind this verifier does not process.
    public static var invalidRevocationData: Self { Self(name: "invalidRevocationData") }
}

/// Why a certificate was revoked (RFC 5280 §5.3.1 CRLReason).
public struct RevocationReason: Sendable, Hashable, CustomStringConvertible {
    /// The CRLReason code.
    public let code: Int

    /// Creates a reason from its code.
    public init(code: Int) { self.code = code }

    /// unspecified (0).
    public static let unspecified = RevocationReason(code: 0)
    /// keyCompromise (1).
    public static let keyCompromise = RevocationReason(code: 1)
    /// cACompromise (2).
    public static let cACompromise = RevocationReason(code: 2)
    /// certificateHold (6): a suspension, which the CA may lift.
    public static let certificateHold = RevocationReason(code: 6)

    /// Whether a revocation for `reason` may mean the key is in other hands: keyCompromise, cACompromise, unspecified,
    /// or no reason given (`nil`).
    public static func mayMeanCompromise(_ reason: RevocationReason?) -> Bool {
        guard let reason else { return true }
        return reason == .unspecified || reason == .keyCompromise || reason == .cACompromise
    }

    public var description: String {
        switch code {
        case 0: return "unspecified"
        case 1: return "keyCompromise"
        case 2: return "cACompromise"
        case 3: return "affiliationChanged"
        case 4: return "superseded"
        case 5: return "cessationOfOperation"
        case 6: return "certificateHold"
        case 8: return "removeFromCRL"
        case 9: return "privilegeWithdrawn"
        case 10: return "aACompromise"
        default: return "reason \(code)"
        }
    }
}

/// What one piece of revocation data says about one certificate.
public enum CertificateRevocationState: Sendable, Hashable {
    /// Not revoked as of the data's time.
    case good
    /// Revoked at `date`, with the reason when the data states one.
    case revoked(date: Date, reason: RevocationReason?)
    /// The responder does not know the certificate (OCSP only).
    case unknown
}

/// A successful OCSP response (RFC 6960 §4.2.1, id-pkix-ocsp-basic), parsed; ``status(of:issuer:responderCandidates:)`` checks it.
public struct OCSPBasicResponse: Sendable {
    /// Largest response accepted, in bytes.
    public static let maximumSize = 1024 * 1024

    /// One SingleResponse.
    public struct Single: Sendable {
        /// CertID.hashAlgorithm.
        let hash: OCSPCertIDHash
        let issuerNameHash: [UInt8]
        let issuerKeyHash: [UInt8]
        /// The certificate's serial number.
        public let serialNumber: Certificate.SerialNumber
        /// The status.
        public let state: CertificateRevocationState
        /// thisUpdate: when the status was known to be correct.
        public let thisUpdate: Date
        /// nextUpdate, when stated.
        public let nextUpdate: Date?
    }

    /// The responder, as the response names it.
    public enum ResponderID: Sendable, Hashable, CustomStringConvertible {
        /// By name.
        case name(DistinguishedName)
        /// By the SHA-1 hash of its public key (the BIT STRING value).
        case keyHash([UInt8])

        public var description: String {
            switch self {
            case .name(let name): return name.text
            case .keyHash(let hash): return "key hash \(TimeStampParser.hex(hash))"
            }
        }

        func matches(_ certificate: Certificate) -> Bool {
            switch self {
            case .name(let name): return certificate.subject == name
            case .keyHash(let hash): return Array(Insecure.SHA1.hash(data: certificate.publicKey.subjectPublicKeyInfoBytes)) == hash
            }
        }
    }

    /// The DER bytes of the whole OCSPResponse, as given.
    public let derEncoded: [UInt8]
    /// The responder.
    public let responderID: ResponderID
    /// producedAt: when the responder signed this response.
    public let producedAt: Date
    /// The single responses.
    public let responses: [Single]
    /// The certificates the response carries (the responder's, usually).
    public let certificates: [Certificate]
    /// The extnValue of the response's nonce extension (RFC 8954), when it has one: what a fresh answer to a
    /// request with a nonce must echo.
    public let nonceExtensionValue: [UInt8]?

    let signedBytes: [UInt8]
    let signatureAlgorithm: (oid: ASN1ObjectIdentifier, parameters: ASN1Node?)
    let signature: [UInt8]

    static let basicResponseType: ASN1ObjectIdentifier = "1.3.6.1.5.5.7.48.1.1"
    static let nonceExtension: ASN1ObjectIdentifier = "1.3.6.1.5.5.7.48.1.2"
    static let extendedRevoke: ASN1ObjectIdentifier = "1.3.6.1.5.5.7.48.1.9"
    static let archiveCutoff: ASN1ObjectIdentifier = "1.3.6.1.5.5.7.48.1.6"
    static let crlReferences: ASN1ObjectIdentifier = "1.3.6.1.5.5.7.48.1.3"

    /// Parses a DER OCSPResponse whose status is successful and whose type is id-pkix-ocsp-basic (a bare
    /// BasicOCSPResponse is accepted too, as some tools store one).
    ///
    /// - Throws: ``JAdESError`` `.invalidRevocationData` for another status, another type, more than 10
    ///   certificates or 1 MiB, or malformed DER.
    public init(derEncoded bytes: [UInt8]) throws(JAdESError) {
        guard bytes.count <= Self.maximumSize else {
            throw JAdESError(.invalidRevocationData, "the OCSP response is \(bytes.count) bytes, over the 1 MiB limit")
        }
        do {
            self = try Self.parse(bytes)
        } catch let failure as TimeStampFailure {
            throw JAdESError(.invalidRevocationData, "OCSP response: \(failure.message)")
        } catch {
            throw JAdESError(.invalidRevocationData, "OCSP response is not valid DER: \(error)")
        }
    }

    private init(
        derEncoded: [UInt8], responderID: ResponderID, producedAt: Date, responses: [Single], certificates: [Certificate],
        nonceExtensionValue: [UInt8]?, signedBytes: [UInt8], signatureAlgorithm: (oid: ASN1ObjectIdentifier, parameters: ASN1Node?),
        signature: [UInt8]
    ) {
        self.derEncoded = derEncoded
        self.nonceExtensionValue = nonceExtensionValue
        self.responderID = responderID
        self.producedAt = producedAt
        self.responses = responses
        self.certificates = certificates
        self.signedBytes = signedBytes
        self.signatureAlgorithm = signatureAlgorithm
        self.signature = signature
    }

    private static func parse(_ bytes: [UInt8]) throws -> OCSPBasicResponse {
        typealias P = TimeStampParser
        var basicNode = try DER.parse(bytes)
        let top = try P.sequence(basicNode, "OCSPResponse")
        if let first = top.first, first.identifier == .enumerated {
            guard case .primitive(let status) = first.content, status.count == 1 else { throw TimeStampFailure("responseStatus is malformed") }
            let names = [1: "malformedRequest", 2: "internalError", 3: "tryLater", 5: "sigRequired", 6: "unauthorized"]
            guard status.first == 0 else {
                let code = Int(status.first!)
                throw TimeStampFailure("its status is \(names[code] ?? "\(code)"), not successful, so it says nothing about any certificate")
            }
            guard top.count == 2 else { throw TimeStampFailure("a successful response carries no responseBytes") }
            let responseBytes = try P.sequence(try P.explicit(top[1], 0, "responseBytes"), "ResponseBytes")
            guard responseBytes.count == 2 else { throw TimeStampFailure("ResponseBytes must have a type and a response") }
            let type = try ASN1ObjectIdentifier(derEncoded: responseBytes[0])
            guard type == basicResponseType else { throw TimeStampFailure("the response type \(type) is not id-pkix-ocsp-basic") }
            basicNode = try DER.parse(try P.octets(responseBytes[1], "ResponseBytes.response"))
        }
        let basic = try P.sequence(basicNode, "BasicOCSPResponse")
        guard basic.count == 3 || basic.count == 4 else { throw TimeStampFailure("BasicOCSPResponse has \(basic.count) fields") }
        let algorithm = try P.algorithm(basic[1], "signatureAlgorithm")
        let signature = try ASN1BitString(derEncoded: basic[2])
        guard signature.paddingBits == 0 else { throw TimeStampFailure("the signature BIT STRING has padding bits") }
        var certificates: [Certificate] = []
        if basic.count == 4 {
            let nodes = try P.sequence(try P.explicit(basic[3], 0, "certs"), "certs")
            guard nodes.count <= 10 else { throw TimeStampFailure("it carries \(nodes.count) certificates, more than the limit of 10") }
            for node in nodes { certificates.append(try CertificateMemo.certificate(derEncoded: Array(node.encodedBytes))) }
        }

        let data = try P.sequence(basic[0], "tbsResponseData")
        var index = 0
        if index < data.count, data[index].identifier == P.context(0) {
            guard try Int(derEncoded: try P.explicit(data[index], 0, "version")) == 0 else { throw TimeStampFailure("only v1 responses are supported") }
            index += 1
        }
        guard index + 3 <= data.count else { throw TimeStampFailure("ResponseData is too short") }
        let responder: ResponderID
        if data[index].identifier == P.context(1) {
            responder = .name(try DistinguishedName(derEncoded: try P.explicit(data[index], 1, "responderID byName")))
        } else if data[index].identifier == P.context(2) {
            responder = .keyHash(try P.octets(try P.explicit(data[index], 2, "responderID byKey"), "responderID byKey"))
        } else {
            throw TimeStampFailure("responderID is neither byName nor byKey")
        }
        index += 1
        let producedAt = try P.date(try GeneralizedTime(derEncoded: data[index]))
        index += 1
        var singles: [Single] = []
        let singleNodes = try P.sequence(data[index], "responses")
        guard singleNodes.count <= 64 else { throw TimeStampFailure("it holds \(singleNodes.count) single responses, more than the limit of 64") }
        for node in singleNodes { singles.append(try single(node)) }
        index += 1
        var nonce: [UInt8]?
        if index < data.count, data[index].identifier == P.context(1) {
            for (oid, critical, value) in try RevocationExtensions.parse(try P.explicit(data[index], 1, "responseExtensions"), "responseExtensions") {
                if oid == nonceExtension { nonce = value }
                if critical && ![nonceExtension, extendedRevoke].contains(oid) {
                    throw TimeStampFailure("it has the unknown critical extension \(oid)")
                }
            }
            index += 1
        }
        guard index == data.count else { throw TimeStampFailure("ResponseData has unexpected fields") }
        return OCSPBasicResponse(
            derEncoded: bytes, responderID: responder, producedAt: producedAt, responses: singles, certificates: certificates,
            nonceExtensionValue: nonce, signedBytes: Array(basic[0].encodedBytes), signatureAlgorithm: algorithm, signature: Array(signature.bytes))
    }

    private static func single(_ node: ASN1Node) throws -> Single {
        typealias P = TimeStampParser
        let fields = try P.sequence(node, "SingleResponse")
        guard fields.count >= 3 else { throw TimeStampFailure("a SingleResponse has \(fields.count) fields") }
        let certID = try P.sequence(fields[0], "CertID")
        guard certID.count == 4 else { throw TimeStampFailure("CertID must have four fields") }
        let (hashOID, _) = try P.algorithm(certID[0], "CertID.hashAlgorithm")
        guard let hash = OCSPCertIDHash(oid: hashOID) else { throw TimeStampFailure("CertID hash \(hashOID) is not SHA-1, SHA-256, SHA-384 or SHA-512") }
        let nameHash = try P.octets(certID[1], "issuerNameHash")
        let keyHash = try P.octets(certID[2], "issuerKeyHash")
        let serial = Certificate.SerialNumber(bytes: try ArraySlice<UInt8>(derEncoded: certID[3]))
        let state: CertificateRevocationState
        switch fields[1].identifier {
        case P.context(0): state = .good
        case P.context(1):
            let info = try P.children(fields[1], "RevokedInfo")
            guard let first = info.first else { throw TimeStampFailure("RevokedInfo has no revocationTime") }
            let date = try P.date(try GeneralizedTime(derEncoded: first))
            var reason: RevocationReason?
            if info.count > 1 {
                let value = try P.explicit(info[1], 0, "revocationReason")
                guard value.identifier == .enumerated, case .primitive(let content) = value.content, content.count == 1 else {
                    throw TimeStampFailure("revocationReason is not a one-byte ENUMERATED")
                }
                reason = RevocationReason(code: Int(content.first!))
            }
            state = .revoked(date: date, reason: reason)
        case P.context(2): state = .unknown
        default: throw TimeStampFailure("certStatus is not good, revoked or unknown")
        }
        let thisUpdate = try P.date(try GeneralizedTime(derEncoded: fields[2]))
        var nextUpdate: Date?
        var index = 3
        if index < fields.count, fields[index].identifier == P.context(0) {
            nextUpdate = try P.date(try GeneralizedTime(derEncoded: try P.explicit(fields[index], 0, "nextUpdate")))
            index += 1
        }
        if index < fields.count, fields[index].identifier == P.context(1) {
            for (oid, critical, _) in try RevocationExtensions.parse(try P.explicit(fields[index], 1, "singleExtensions"), "singleExtensions") {
                if critical && ![archiveCutoff, crlReferences].contains(oid) {
                    throw TimeStampFailure("a single response has the unknown critical extension \(oid)")
                }
            }
            index += 1
        }
        guard index == fields.count else { throw TimeStampFailure("a SingleResponse has unexpected fields") }
        return Single(
            hash: hash, issuerNameHash: nameHash, issuerKeyHash: keyHash, serialNumber: serial, state: state,
            thisUpdate: thisUpdate, nextUpdate: nextUpdate)
    }

    /// The single response about `certificate` issued by `issuer` (CertID: issuer name and key hashes, serial).
    public func response(for certificate: Certificate, issuer: Certificate) -> Single? {
        responses.first { single in
            single.serialNumber == certificate.serialNumber
                && single.issuerNameHash == single.hash.digest(DERBytes.of(certificate.issuer))
                && single.issuerKeyHash == single.hash.digest(issuer.publicKey.subjectPublicKeyInfoBytes)
        }
    }

    /// Who signed the response, if that signer is authorised for certificates `issuer` issued, or why not.
    ///
    /// Authorised (RFC 6960 §4.2.2.2): the issuing CA itself, or a responder certificate issued by that CA (valid at
    /// producedAt under RFC 5280, signed by it) whose extended key usage holds id-kp-OCSPSigning. The responder
    /// certificate is looked up by the responderID among the response's own certificates and `candidates`.
    public func signer(authorisedBy issuer: Certificate, candidates: [Certificate] = []) async -> Result<Certificate, RevocationRefusal> {
        let signer: Certificate
        if responderID.matches(issuer) {
            signer = issuer
        } else if let found = (certificates + candidates).first(where: { responderID.matches($0) }) {
            signer = found
        } else {
            return .failure(
                RevocationRefusal("the responder \(responderID) is neither the issuing CA \(issuer.subject) nor a certificate the response or seal carries"))
        }
        do {
            try TimeStampParser.verify(signature: signature, over: signedBytes, algorithm: signatureAlgorithm, digest: .sha256, key: signer.publicKey)
        } catch let failure as TimeStampFailure {
            return .failure(RevocationRefusal("the response's signature does not verify with the key of \(signer.subject): \(failure.message)"))
        } catch {
            return .failure(RevocationRefusal("the response's signature cannot be checked: \(error)"))
        }
        if signer == issuer { return .success(signer) }
        var verifier = Verifier(rootCertificates: CertificateStore([issuer])) {
            RFC5280Policy(fixedExpiryValidationTime: producedAt)
            OCSPSigningUsagePolicy(issuer: issuer)
        }
        switch await verifier.validate(leaf: signer, intermediates: CertificateStore()) {
        case .validCertificate:
            return .success(signer)
        case .couldNotValidate(let failures):
            let reason = failures.first.map { JAdESChainValidator.readable($0.policyFailureReason.description) } ?? "no chain to the CA"
            return .failure(
                RevocationRefusal("the responder \(signer.subject) is not authorised by the issuing CA \(issuer.subject): \(reason)"))
        }
    }
}

/// Why a piece of revocation data was not used.
public struct RevocationRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// The reason, a sentence.
    public let description: String
    init(_ description: String) { self.description = description }
}

/// A delegated OCSP responder must be issued directly by the CA and carry id-kp-OCSPSigning (RFC 6960 §4.2.2.2).
struct OCSPSigningUsagePolicy: VerifierPolicy, Sendable {
    let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = [.X509ExtensionID.extendedKeyUsage, "1.3.6.1.5.5.7.48.1.5"]
    let issuer: Certificate

    func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) -> PolicyEvaluationResult {
        guard chain.count == 2, chain.last == issuer else {
            return .failsToMeetPolicy(reason: "the responder certificate is not issued directly by the CA")
        }
        guard let usage = try? chain.leaf.extensions.extendedKeyUsage, usage.contains(.ocspSigning) else {
            return .failsToMeetPolicy(reason: "the responder certificate's extended key usage lacks id-kp-OCSPSigning")
        }
        return .meetsPolicy
    }
}

/// The hash of an OCSP CertID.
enum OCSPCertIDHash: Sendable {
    case sha1, other(TimeStampHash)

    init?(oid: ASN1ObjectIdentifier) {
        if oid == "1.3.14.3.2.26" { self = .sha1 } else if let hash = TimeStampHash(oid: oid) { self = .other(hash) } else { return nil }
    }

    func digest<Bytes: DataProtocol>(_ bytes: Bytes) -> [UInt8] {
        switch self {
        case .sha1: return Array(Insecure.SHA1.hash(data: bytes))
        case .other(let hash): return hash.digest(bytes)
        }
    }
}

/// DER encodings of swift-certificates values.
enum DERBytes {
    static func of(_ name: DistinguishedName) -> [UInt8] {
        var serializer = DER.Serializer()
        do { try serializer.serialize(name) } catch { return [] }
        return serializer.serializedBytes
    }
}

/// X.509 Time (UTCTime or GeneralizedTime).
enum RevocationTime {
    static func date(_ node: ASN1Node, _ what: String) throws -> Date {
        if node.identifier == .utcTime {
            let time = try UTCTime(derEncoded: node)
            guard
                let date = XSDDateTime.date(
                    year: time.year, month: time.month, day: time.day, hour: time.hours, minute: time.minutes, second: time.seconds)
            else { throw TimeStampFailure("\(what) is not a calendar date") }
            return date
        }
        guard node.identifier == .generalizedTime else { throw TimeStampFailure("\(what) is not a UTCTime or GeneralizedTime") }
        return try TimeStampParser.date(try GeneralizedTime(derEncoded: node))
    }
}

/// X.509 Extensions: (OID, critical, extnValue contents).
enum RevocationExtensions {
    static func parse(_ node: ASN1Node, _ what: String) throws -> [(ASN1ObjectIdentifier, Bool, [UInt8])] {
        var out: [(ASN1ObjectIdentifier, Bool, [UInt8])] = []
        var seen: Set<ASN1ObjectIdentifier> = []
        for item in try TimeStampParser.sequence(node, what) {
            let fields = try TimeStampParser.sequence(item, "\(what) Extension")
            guard fields.count == 2 || fields.count == 3 else { throw TimeStampFailure("an Extension in \(what) has \(fields.count) fields") }
            let oid = try ASN1ObjectIdentifier(derEncoded: fields[0])
            guard seen.insert(oid).inserted else { throw TimeStampFailure("\(what) has the extension \(oid) twice") }
            let critical = fields.count == 3 ? try Bool(derEncoded: fields[1]) : false
            out.append((oid, critical, try TimeStampParser.octets(fields[fields.count - 1], "extnValue")))
        }
        return out
    }
}

/// PEM input for revocation files: DER is returned as is; PEM with the expected label is decoded.
enum RevocationPEM {
    static func der(_ bytes: [UInt8], label: String) -> [UInt8] {
        guard bytes.first != 0x30, let text = String(validating: bytes, as: UTF8.self), text.contains("-----BEGIN \(label)-----"),
            let document = try? PEMDocument(pemString: text), document.discriminator == label
        else { return bytes }
        return document.derBytes
    }
}
