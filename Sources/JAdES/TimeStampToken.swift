import CredentialJSON
import Crypto
import CryptoExtras
import Foundation
import SwiftASN1
@_spi(FixedExpiryValidationTime) import X509

// RFC 3161 time-stamp tokens: a CMS SignedData (RFC 5652) whose encapsulated content is a TSTInfo.
// swift-certificates keeps its CMS types internal and refuses id-ct-TSTInfo content, so the structure is
// walked here with SwiftASN1 (DER only: a token is DER-encoded per RFC 3161 §2.4.2); every signature and
// digest is computed by swift-crypto.

/// An RFC 3161 time-stamp token (CMS SignedData over TSTInfo), parsed and cryptographically checked.
///
/// Checking a token here answers "did the holder of this certificate's key stamp this imprint at genTime?";
/// whether that certificate belongs to a trusted time-stamping authority is ``TimeStampAuthorityValidator``'s question.
public struct TimeStampToken: Sendable {
    /// Largest token accepted, in bytes.
    public static let maximumSize = 64 * 1024
    /// Most certificates a token may carry.
    public static let maximumCertificates = 10

    /// Parses the DER token (a ContentInfo) and checks everything that needs no trust decision.
    ///
    /// Checked: the SignedData shape, exactly one SignerInfo, eContentType id-ct-TSTInfo (1.2.840.113549.1.9.16.1.4),
    /// signed attributes present with contentType == id-ct-TSTInfo and messageDigest == digest(eContent) under the
    /// SignerInfo's digest algorithm (SHA-256/384/512), the signature over the DER signed attributes (re-tagged as
    /// SET OF) with the signer certificate's key (RSA PKCS#1 v1.5 or RSASSA-PSS with SHA-256/384/512, ECDSA
    /// P-256/P-384/P-521 with DER signatures), the signer certificate located by the SignerIdentifier
    /// (issuerAndSerialNumber or subjectKeyIdentifier) and bound by the ESS signingCertificate / signingCertificateV2
    /// attribute when present (RFC 5816), and that certificate's extended key usage containing id-kp-timeStamping
    /// (RFC 3161 §2.3). Tokens over 64 KiB or with more than 10 certificates are refused.
    ///
    /// - Throws: ``JAdESError`` with code `.invalidTimeStamp`, whose message names what failed.
    public init(derEncoded bytes: [UInt8]) throws(JAdESError) {
        do {
            self = try TimeStampParser.token(bytes)
        } catch let failure as TimeStampFailure {
            throw JAdESError(.invalidTimeStamp, "time-stamp token: \(failure.message)")
        } catch {
            throw JAdESError(.invalidTimeStamp, "time-stamp token is not valid DER CMS: \(error)")
        }
    }

    init(
        derEncoded: [UInt8], genTime: Date, hashAlgorithm: TimeStampHash, hashedMessage: [UInt8], serialNumber: String,
        nonce: [UInt8]?, policy: String, signerCertificate: Certificate, certificates: [Certificate]
    ) {
        self.derEncoded = derEncoded
        self.genTime = genTime
        self.hashAlgorithm = hashAlgorithm
        self.hashAlgorithmName = hashAlgorithm.name
        self.hashedMessage = hashedMessage
        self.serialNumber = serialNumber
        self.nonce = nonce
        self.policy = policy
        self.signerCertificate = signerCertificate
        self.certificates = certificates
    }

    /// The token's DER bytes, as given.
    public let derEncoded: [UInt8]
    /// TSTInfo.genTime: when the time-stamping authority says it stamped the imprint.
    public let genTime: Date
    /// TSTInfo.messageImprint.hashAlgorithm as a name: "SHA-256", "SHA-384" or "SHA-512" (others are refused).
    public let hashAlgorithmName: String
    /// TSTInfo.messageImprint.hashedMessage.
    public let hashedMessage: [UInt8]
    /// TSTInfo.serialNumber, uppercase hex.
    public let serialNumber: String
    /// TSTInfo.nonce as unsigned big-endian bytes without leading zeros, when the token has one.
    public let nonce: [UInt8]?
    /// TSTInfo.policy, the TSA policy OID in dotted form.
    public let policy: String
    /// The TSA's signing certificate.
    public let signerCertificate: Certificate
    /// Every certificate carried in the token (signer included), in token order.
    public let certificates: [Certificate]

    let hashAlgorithm: TimeStampHash

    /// Whether the imprint is the digest of `data` under the imprint's hash algorithm.
    public func imprintMatches(_ data: [UInt8]) -> Bool {
        hashAlgorithm.digest(data) == hashedMessage
    }
}

/// Validates a TSA certificate chain to the TSA trust anchors the user chose, at the token's genTime.
///
/// Revocation is not checked, and the anchors are a configured PKI, not an eIDAS trusted list.
public struct TimeStampAuthorityValidator: Sendable {
    /// The TSA trust anchors.
    public let trustAnchors: [Certificate]

    /// Creates a validator from TSA trust anchors (root or intermediate certificates, or the TSA certificate itself).
    public init(trustAnchors: [Certificate]) {
        self.trustAnchors = trustAnchors
    }

    /// Validates the token's signer certificate under RFC 5280 at `token.genTime`, requiring the leaf's extended
    /// key usage to contain id-kp-timeStamping.
    ///
    /// When the signer certificate is itself one of the anchors (a pinned TSA certificate, as self-signed test TSAs
    /// are), it is trusted if valid at genTime and for time-stamping, without chain building.
    ///
    /// - Parameters:
    ///   - token: a token that parsed (and so verified cryptographically).
    ///   - intermediates: extra CA certificates; the token's own certificates are always used as intermediates.
    /// - Returns: ``JAdESChainValidation/trusted(chain:)`` with the chain leaf first, or the reason it is untrusted.
    public func validate(_ token: TimeStampToken, intermediates: [Certificate] = []) async -> JAdESChainValidation {
        if trustAnchors.isEmpty {
            return .untrusted(reason: "no TSA trust anchors configured")
        }
        let leaf = token.signerCertificate
        // A TSA certificate given as an anchor itself is pinned: DSS's test TSA (in the EU samples) is a self-signed
        // end-entity certificate (CA:FALSE), which RFC 5280 chain building refuses as its own root. Pinned, it is
        // checked for validity at genTime and for the time-stamping EKU only.
        if trustAnchors.contains(leaf) {
            guard leaf.notValidBefore <= token.genTime && token.genTime <= leaf.notValidAfter else {
                return .untrusted(reason: "the pinned TSA certificate was not valid at genTime \(token.genTime)")
            }
            if let problem = TimeStampParser.timeStampingUsageProblem(leaf) {
                return .untrusted(reason: problem)
            }
            return .trusted(chain: [leaf])
        }
        let roots = CertificateStore(trustAnchors)
        let store = CertificateStore((token.certificates + intermediates).filter { $0 != leaf })
        var verifier = Verifier(rootCertificates: roots) {
            RFC5280Policy(fixedExpiryValidationTime: token.genTime)
            TimeStampingUsagePolicy()
            CAKeyUsagePolicy()
        }
        switch await verifier.validate(leaf: leaf, intermediates: store) {
        case .validCertificate(let chain):
            return .trusted(chain: Array(chain))
        case .couldNotValidate(let failures):
            if let failure = failures.first {
                return .untrusted(reason: failure.policyFailureReason.description)
            }
            return .untrusted(reason: "no chain from the TSA certificate (issuer \(leaf.issuer)) to a TSA trust anchor")
        }
    }
}

/// The leaf of a TSA chain must be for time-stamping (RFC 3161 §2.3).
struct TimeStampingUsagePolicy: VerifierPolicy, Sendable {
    let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = [.X509ExtensionID.extendedKeyUsage]

    func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) -> PolicyEvaluationResult {
        if let reason = TimeStampParser.timeStampingUsageProblem(chain.leaf) {
            return .failsToMeetPolicy(reason: reason)
        }
        return .meetsPolicy
    }
}

/// JAdES signature time-stamps (ETSI TS 119 182-1 `sigTst`): reading them from a seal, requesting one, adding one.
public enum JAdESTimeStamps {
    /// The message-imprint input of a `sigTst`: the ASCII bytes of the base64url JWS signature value as it appears
    /// in the document (SHA-256 of that string equals the imprint of the EU samples' sigTst tokens).
    public static func signatureTimeStampInput(signatureEncoded: String) -> [UInt8] {
        Array(signatureEncoded.utf8)
    }

    /// The DER tokens of every `sigTst` in an unprotected header's `etsiU` array.
    ///
    /// Items are JSON objects or, as DSS writes them, base64url of JSON objects; `etsiU[i].sigTst.tstTokens[j].val`
    /// is standard base64 DER. Undecodable items are skipped; at most 16 tokens are returned.
    public static func signatureTimeStampTokens(in unprotectedHeader: JSONObject?) -> [[UInt8]] {
        guard unprotectedHeader?["etsiU"] != nil else { return [] }
        return signatureTimeStampTokens(in: JAdESUnsignedProperties(unprotectedHeader: unprotectedHeader))
    }

    /// The DER tokens of every `sigTst` in unsigned properties already read (``JAdESSignatureVerification/unsignedProperties``),
    /// as the header form of this method finds them, without decoding the items again.
    public static func signatureTimeStampTokens(in properties: JAdESUnsignedProperties) -> [[UInt8]] {
        var tokens: [[UInt8]] = []
        for object in properties.objects {
            guard let stamps = object["sigTst"]?["tstTokens"]?.arrayValue else { continue }
            for stamp in stamps {
                guard tokens.count < 16 else { return tokens }
                if let text = stamp["val"]?.stringValue, let der = Base64.decode(text) {
                    tokens.append(der)
                }
            }
        }
        return tokens
    }

    /// An RFC 3161 TimeStampReq (DER) for a sealed document's first signature: SHA-256 imprint over
    /// ``signatureTimeStampInput(signatureEncoded:)``, certReq TRUE, and a random 64-bit nonce, returned too
    /// (unsigned big-endian, no leading zeros) so the reply can be matched with ``addSignatureTimeStamp(_:to:expectedNonce:)``.
    public static func request(forSealed document: JSONValue) throws(JAdESError) -> (der: [UInt8], nonce: [UInt8]) {
        let parsed = try JWSJSONDocument(document)
        return try request(imprint: Array(SHA256.hash(data: signatureTimeStampInput(signatureEncoded: parsed.signatures[0].signatureEncoded))))
    }

    /// An RFC 3161 TimeStampReq (DER) for a SHA-256 imprint, certReq TRUE, with a random 64-bit nonce (returned too).
    static func request(imprint: [UInt8]) throws(JAdESError) -> (der: [UInt8], nonce: [UInt8]) {
        var nonce = [UInt8](repeating: 0, count: 8)
        var generator = SystemRandomNumberGenerator()
        repeat {
            for position in nonce.indices { nonce[position] = UInt8.random(in: 0...255, using: &generator) }
        } while nonce[0] == 0
        var serializer = DER.Serializer()
        do {
            try serializer.appendConstructedNode(identifier: .sequence) { req in
                try req.serialize(1)
                try req.appendConstructedNode(identifier: .sequence) { imprintNode in
                    try imprintNode.appendConstructedNode(identifier: .sequence) { algorithm in
                        try algorithm.serialize(TimeStampHash.sha256.oid)
                        try algorithm.serialize(ASN1Null())
                    }
                    try imprintNode.serialize(ASN1OctetString(contentBytes: ArraySlice(imprint)))
                }
                try req.serialize(ArraySlice(nonce))
                try req.serialize(true)
            }
        } catch {
            throw JAdESError(.invalidTimeStamp, "cannot encode the time-stamp request: \(error)")
        }
        return (serializer.serializedBytes, nonce)
    }

    /// Adds a time-stamp reply to a sealed document's first signature as
    /// `header.etsiU: [{"sigTst": {"tstTokens": [{"val": base64}]}}]`, appending to an existing `etsiU`
    /// (as base64url JSON when the existing items are written that way).
    ///
    /// - Parameters:
    ///   - reply: a DER TimeStampResp (status granted or grantedWithMods) or a bare token (ContentInfo).
    ///   - document: the sealed JWS JSON document.
    ///   - expectedNonce: the nonce of the request, when the reply must answer that request.
    /// - Throws: ``JAdESError`` `.invalidTimeStamp` when the status is not granted, the token does not verify
    ///   (``TimeStampToken/init(derEncoded:)``), its imprint does not match this signature, or the nonce differs;
    ///   `.malformedDocument` when the document is not a JWS JSON serialization.
    public static func addSignatureTimeStamp(_ reply: [UInt8], to document: JSONValue, expectedNonce: [UInt8]? = nil) throws(JAdESError) -> JSONValue {
        let parsed = try JWSJSONDocument(document)
        let tokenBytes = try token(fromReply: reply)
        let token = try TimeStampToken(derEncoded: tokenBytes)
        let entry = parsed.signatures[0]
        guard token.imprintMatches(signatureTimeStampInput(signatureEncoded: entry.signatureEncoded)) else {
            throw JAdESError(
                .invalidTimeStamp,
                "the time-stamp's message imprint is not the \(token.hashAlgorithmName) of this seal's signature value (a reply for another seal?)")
        }
        try checkNonce(token, expected: expectedNonce)

        let stamp: JSONValue = .object(
            JSONObject([
                (
                    "sigTst",
                    .object(
                        JSONObject([
                            ("tstTokens", .array([.object(JSONObject([("val", .string(Base64.encode(tokenBytes)))]))]))
                        ]))
                )
            ]))
        // Items already base64url-encoded (as the EU's DSS writes them) stay so, and the stamp joins them in that form.
        return try parsed.updatingETSIU(of: document) { existing in
            existing + [!existing.isEmpty && existing.allSatisfy(\.isString) ? .string(Base64.urlEncode(JSONWriter.data(stamp))) : stamp]
        }
    }

    /// Refuses a token that does not carry the nonce its request sent.
    static func checkNonce(_ token: TimeStampToken, expected: [UInt8]?) throws(JAdESError) {
        guard let expected else { return }
        guard let nonce = token.nonce else {
            throw JAdESError(.invalidTimeStamp, "the time-stamp has no nonce but the request sent one")
        }
        guard nonce == TimeStampParser.stripLeadingZeros(expected) else {
            throw JAdESError(.invalidTimeStamp, "the time-stamp's nonce differs from the request's (a reply to another request?)")
        }
    }

    /// The token inside a TimeStampResp (refusing a status other than granted/grantedWithMods), or the input
    /// itself when it is already a token (ContentInfo).
    static func token(fromReply reply: [UInt8]) throws(JAdESError) -> [UInt8] {
        guard reply.count <= TimeStampToken.maximumSize + 4096 else {
            throw JAdESError(.invalidTimeStamp, "the time-stamp reply is \(reply.count) bytes, over the 64 KiB limit")
        }
        do {
            let root = try DER.parse(reply)
            let fields = try TimeStampParser.sequence(root, "TimeStampResp")
            guard let first = fields.first else { throw TimeStampFailure("the reply is an empty SEQUENCE") }
            if first.identifier == .objectIdentifier {
                return reply  // a bare token
            }
            let statusInfo = try TimeStampParser.sequence(first, "PKIStatusInfo")
            guard let statusNode = statusInfo.first else { throw TimeStampFailure("PKIStatusInfo has no status") }
            let status = try Int(derEncoded: statusNode)
            guard status == 0 || status == 1 else {
                var text = ""
                if statusInfo.count > 1, statusInfo[1].identifier == .sequence {
                    let strings = (try? TimeStampParser.children(statusInfo[1], "statusString")) ?? []
                    text = strings.compactMap { try? String(ASN1UTF8String(derEncoded: $0)) }.joined(separator: "; ")
                }
                let names = [2: "rejection", 3: "waiting", 4: "revocationWarning", 5: "revocationNotification"]
                throw TimeStampFailure(
                    "the TSA did not grant the time-stamp: status \(status) (\(names[status] ?? "unknown"))"
                        + (text.isEmpty ? "" : ": \(text)"))
            }
            guard fields.count == 2 else {
                throw TimeStampFailure("the reply's status is granted but it carries \(fields.count == 1 ? "no token" : "extra fields")")
            }
            return Array(fields[1].encodedBytes)
        } catch let failure as TimeStampFailure {
            throw JAdESError(.invalidTimeStamp, failure.message)
        } catch {
            throw JAdESError(.invalidTimeStamp, "the time-stamp reply is not DER: \(error)")
        }
    }
}

/// A digest algorithm a token may use (imprint, messageDigest, ESSCertIDv2).
enum TimeStampHash: Sendable {
    case sha256, sha384, sha512

    init?(oid: ASN1ObjectIdentifier) {
        switch oid {
        case Self.sha256.oid: self = .sha256
        case Self.sha384.oid: self = .sha384
        case Self.sha512.oid: self = .sha512
        default: return nil
        }
    }

    var oid: ASN1ObjectIdentifier {
        switch self {
        case .sha256: return "2.16.840.1.101.3.4.2.1"
        case .sha384: return "2.16.840.1.101.3.4.2.2"
        case .sha512: return "2.16.840.1.101.3.4.2.3"
        }
    }

    var name: String {
        switch self {
        case .sha256: return "SHA-256"
        case .sha384: return "SHA-384"
        case .sha512: return "SHA-512"
        }
    }

    var length: Int {
        switch self {
        case .sha256: return 32
        case .sha384: return 48
        case .sha512: return 64
        }
    }

    func digest<Bytes: DataProtocol>(_ bytes: Bytes) -> [UInt8] {
        switch self {
        case .sha256: return Array(SHA256.hash(data: bytes))
        case .sha384: return Array(SHA384.hash(data: bytes))
        case .sha512: return Array(SHA512.hash(data: bytes))
        }
    }
}

/// Why a token was refused (mapped to ``JAdESError`` `.invalidTimeStamp`).
struct TimeStampFailure: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// The DER walk over ContentInfo → SignedData → SignerInfo / TSTInfo.
enum TimeStampParser {
    static let signedData: ASN1ObjectIdentifier = "1.2.840.113549.1.7.2"
    static let tstInfo: ASN1ObjectIdentifier = "1.2.840.113549.1.9.16.1.4"
    static let contentTypeAttribute: ASN1ObjectIdentifier = "1.2.840.113549.1.9.3"
    static let messageDigestAttribute: ASN1ObjectIdentifier = "1.2.840.113549.1.9.4"
    static let signingCertificateAttribute: ASN1ObjectIdentifier = "1.2.840.113549.1.9.16.2.12"
    static let signingCertificateV2Attribute: ASN1ObjectIdentifier = "1.2.840.113549.1.9.16.2.47"
    static let rsaEncryption: ASN1ObjectIdentifier = "1.2.840.113549.1.1.1"
    static let rsaPSS: ASN1ObjectIdentifier = "1.2.840.113549.1.1.10"
    static let mgf1: ASN1ObjectIdentifier = "1.2.840.113549.1.1.8"
    static let sha256WithRSA: ASN1ObjectIdentifier = "1.2.840.113549.1.1.11"
    static let sha384WithRSA: ASN1ObjectIdentifier = "1.2.840.113549.1.1.12"
    static let sha512WithRSA: ASN1ObjectIdentifier = "1.2.840.113549.1.1.13"
    static let ecPublicKey: ASN1ObjectIdentifier = "1.2.840.10045.2.1"
    static let ecdsaWithSHA256: ASN1ObjectIdentifier = "1.2.840.10045.4.3.2"
    static let ecdsaWithSHA384: ASN1ObjectIdentifier = "1.2.840.10045.4.3.3"
    static let ecdsaWithSHA512: ASN1ObjectIdentifier = "1.2.840.10045.4.3.4"

    static func context(_ number: UInt) -> ASN1Identifier { ASN1Identifier(tagWithNumber: number, tagClass: .contextSpecific) }

    static func children(_ node: ASN1Node, _ what: String) throws -> [ASN1Node] {
        guard case .constructed(let nodes) = node.content else { throw TimeStampFailure("\(what) is not a constructed value") }
        return Array(nodes)
    }

    static func sequence(_ node: ASN1Node, _ what: String) throws -> [ASN1Node] {
        guard node.identifier == .sequence else { throw TimeStampFailure("\(what) is not a SEQUENCE") }
        return try children(node, what)
    }

    static func set(_ node: ASN1Node, _ what: String) throws -> [ASN1Node] {
        guard node.identifier == .set else { throw TimeStampFailure("\(what) is not a SET") }
        return try children(node, what)
    }

    /// The single value inside an EXPLICIT context tag.
    static func explicit(_ node: ASN1Node, _ number: UInt, _ what: String) throws -> ASN1Node {
        guard node.identifier == context(number) else { throw TimeStampFailure("\(what) is not tagged [\(number)]") }
        let inner = try children(node, what)
        guard inner.count == 1 else { throw TimeStampFailure("\(what) must hold exactly one value") }
        return inner[0]
    }

    static func octets(_ node: ASN1Node, _ what: String) throws -> [UInt8] {
        guard node.identifier == .octetString else { throw TimeStampFailure("\(what) is not an OCTET STRING") }
        return Array(try ASN1OctetString(derEncoded: node).bytes)
    }

    static func algorithm(_ node: ASN1Node, _ what: String) throws -> (oid: ASN1ObjectIdentifier, parameters: ASN1Node?) {
        let fields = try sequence(node, what)
        guard fields.count == 1 || fields.count == 2 else { throw TimeStampFailure("\(what) is not an AlgorithmIdentifier") }
        return (try ASN1ObjectIdentifier(derEncoded: fields[0]), fields.count == 2 ? fields[1] : nil)
    }

    static func hash(_ node: ASN1Node, _ what: String) throws -> TimeStampHash {
        let (oid, parameters) = try algorithm(node, what)
        if let parameters, parameters.identifier != .null {
            throw TimeStampFailure("\(what) has unexpected parameters")
        }
        guard let hash = TimeStampHash(oid: oid) else {
            throw TimeStampFailure("\(what) \(oid) is not SHA-256, SHA-384 or SHA-512")
        }
        return hash
    }

    static func stripLeadingZeros<Bytes: Collection>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        let trimmed = Array(bytes.drop { $0 == 0 })
        return trimmed
    }

    static func hex<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let digits = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `nil` when the certificate's extended key usage contains id-kp-timeStamping, otherwise why not.
    static func timeStampingUsageProblem(_ certificate: Certificate) -> String? {
        let usage: ExtendedKeyUsage?
        do {
            usage = try certificate.extensions.extendedKeyUsage
        } catch {
            return "the TSA certificate's extended key usage extension is malformed: \(error)"
        }
        guard let usage else { return "the TSA certificate has no extended key usage extension (RFC 3161 §2.3 requires id-kp-timeStamping)" }
        guard usage.contains(.timeStamping) else {
            return "the TSA certificate's extended key usage (\(usage)) lacks id-kp-timeStamping"
        }
        return nil
    }

    static func date(_ time: GeneralizedTime) throws -> Date {
        guard
            let date = XSDDateTime.date(
                year: time.year, month: time.month, day: time.day, hour: time.hours,
                minute: time.minutes, second: time.seconds, fraction: time.fractionalSeconds)
        else {
            throw TimeStampFailure("genTime is not a calendar date")
        }
        return date
    }

    // MARK: The token

    static func token(_ bytes: [UInt8]) throws -> TimeStampToken {
        guard bytes.count <= TimeStampToken.maximumSize else {
            throw TimeStampFailure("\(bytes.count) bytes, over the 64 KiB limit")
        }
        let root = try DER.parse(bytes)
        let contentInfo = try sequence(root, "ContentInfo")
        guard contentInfo.count == 2, try ASN1ObjectIdentifier(derEncoded: contentInfo[0]) == signedData else {
            throw TimeStampFailure("not a CMS ContentInfo holding SignedData")
        }
        let signed = try sequence(try explicit(contentInfo[1], 0, "ContentInfo.content"), "SignedData")
        guard signed.count >= 4 else { throw TimeStampFailure("SignedData has \(signed.count) fields, at least 4 expected") }
        _ = try Int(derEncoded: signed[0])
        _ = try set(signed[1], "SignedData.digestAlgorithms")

        // encapContentInfo: the TSTInfo.
        let encapsulated = try sequence(signed[2], "encapContentInfo")
        guard encapsulated.count == 2 else { throw TimeStampFailure("encapContentInfo carries no eContent") }
        let eContentType = try ASN1ObjectIdentifier(derEncoded: encapsulated[0])
        guard eContentType == tstInfo else {
            throw TimeStampFailure("eContentType is \(eContentType), not id-ct-TSTInfo (1.2.840.113549.1.9.16.1.4)")
        }
        let eContent = try octets(try explicit(encapsulated[1], 0, "eContent"), "eContent")

        // certificates [0] IMPLICIT, crls [1] IMPLICIT, signerInfos SET.
        var index = 3
        var certificateNodes: [ASN1Node] = []
        if index < signed.count, signed[index].identifier == context(0) {
            certificateNodes = try children(signed[index], "SignedData.certificates")
            index += 1
        }
        guard certificateNodes.count <= TimeStampToken.maximumCertificates else {
            throw TimeStampFailure("\(certificateNodes.count) certificates, more than the limit of \(TimeStampToken.maximumCertificates)")
        }
        if index < signed.count, signed[index].identifier == context(1) { index += 1 }
        guard index == signed.count - 1 else { throw TimeStampFailure("SignedData has unexpected fields") }
        let signerInfos = try set(signed[index], "SignedData.signerInfos")
        guard signerInfos.count == 1 else {
            throw TimeStampFailure("SignedData has \(signerInfos.count) SignerInfos; a time-stamp token has exactly one")
        }

        var certificates: [(certificate: Certificate, der: ArraySlice<UInt8>)] = []
        for node in certificateNodes where node.identifier == .sequence {  // other CertificateChoices are ignored
            do {
                certificates.append((try CertificateMemo.certificate(derEncoded: Array(node.encodedBytes)), node.encodedBytes))
            } catch {
                throw TimeStampFailure("a certificate in the token does not decode: \(error)")
            }
        }

        // SignerInfo.
        let info = try sequence(signerInfos[0], "SignerInfo")
        guard info.count >= 5 else { throw TimeStampFailure("SignerInfo has \(info.count) fields, at least 5 expected") }
        _ = try Int(derEncoded: info[0])
        let signerIdentifier = info[1]
        let digestAlgorithm = try hash(info[2], "SignerInfo.digestAlgorithm")
        guard info[3].identifier == context(0) else {
            throw TimeStampFailure("SignerInfo has no signed attributes")
        }
        let signedAttributesNode = info[3]
        let signatureAlgorithm = try algorithm(info[4], "SignerInfo.signatureAlgorithm")
        guard info.count >= 6 else { throw TimeStampFailure("SignerInfo has no signature") }
        let signature = try octets(info[5], "SignerInfo.signature")
        guard info.count == 6 || (info.count == 7 && info[6].identifier == context(1)) else {
            throw TimeStampFailure("SignerInfo has unexpected fields")
        }

        // The signer certificate, by SignerIdentifier.
        let signer: (certificate: Certificate, der: ArraySlice<UInt8>)
        if signerIdentifier.identifier == .sequence {
            let fields = try sequence(signerIdentifier, "issuerAndSerialNumber")
            guard fields.count == 2 else { throw TimeStampFailure("issuerAndSerialNumber must have issuer and serial") }
            let issuer = try DistinguishedName(derEncoded: fields[0])
            let serial = Certificate.SerialNumber(bytes: try ArraySlice<UInt8>(derEncoded: fields[1]))
            guard let found = certificates.first(where: { $0.certificate.issuer == issuer && $0.certificate.serialNumber == serial }) else {
                throw TimeStampFailure(
                    "the signer certificate (issuer \(issuer), serial \(serial)) is not among the token's \(certificates.count) certificate(s)")
            }
            signer = found
        } else if signerIdentifier.identifier == context(0) {
            guard case .primitive(let keyIdentifier) = signerIdentifier.content else {
                throw TimeStampFailure("subjectKeyIdentifier SignerIdentifier is not primitive")
            }
            guard
                let found = certificates.first(where: {
                    ((try? $0.certificate.extensions.subjectKeyIdentifier) ?? nil)?.keyIdentifier == keyIdentifier
                })
            else {
                throw TimeStampFailure("no certificate in the token has the signer's subjectKeyIdentifier \(hex(keyIdentifier))")
            }
            signer = found
        } else {
            throw TimeStampFailure("SignerIdentifier is neither issuerAndSerialNumber nor subjectKeyIdentifier")
        }

        // Signed attributes.
        var attributes: [ASN1ObjectIdentifier: [ASN1Node]] = [:]
        for attributeNode in try children(signedAttributesNode, "signedAttrs") {
            let fields = try sequence(attributeNode, "Attribute")
            guard fields.count == 2 else { throw TimeStampFailure("an Attribute must have a type and values") }
            let type = try ASN1ObjectIdentifier(derEncoded: fields[0])
            guard attributes[type] == nil else { throw TimeStampFailure("signed attribute \(type) appears twice") }
            attributes[type] = try set(fields[1], "Attribute \(type) values")
        }
        func single(_ type: ASN1ObjectIdentifier, _ name: String) throws -> ASN1Node? {
            guard let values = attributes[type] else { return nil }
            guard values.count == 1 else { throw TimeStampFailure("signed attribute \(name) must have exactly one value") }
            return values[0]
        }
        guard let contentTypeValue = try single(contentTypeAttribute, "contentType") else {
            throw TimeStampFailure("the signed attributes lack contentType")
        }
        guard try ASN1ObjectIdentifier(derEncoded: contentTypeValue) == tstInfo else {
            throw TimeStampFailure("the signed contentType attribute is not id-ct-TSTInfo")
        }
        guard let messageDigestValue = try single(messageDigestAttribute, "messageDigest") else {
            throw TimeStampFailure("the signed attributes lack messageDigest")
        }
        guard try octets(messageDigestValue, "messageDigest") == digestAlgorithm.digest(eContent) else {
            throw TimeStampFailure("messageDigest is not the \(digestAlgorithm.name) of the TSTInfo (the TSTInfo was altered)")
        }

        // ESS signing-certificate binding (RFC 2634 §5.4, RFC 5035, RFC 5816).
        if let value = try single(signingCertificateAttribute, "signingCertificate") {
            let certs = try sequence(try sequence(value, "SigningCertificate").first.orFail("SigningCertificate is empty"), "SigningCertificate.certs")
            let id = try sequence(try certs.first.orFail("SigningCertificate.certs is empty"), "ESSCertID")
            let certHash = try octets(try id.first.orFail("ESSCertID is empty"), "ESSCertID.certHash")
            guard certHash == Array(Insecure.SHA1.hash(data: signer.der)) else {
                throw TimeStampFailure("the signingCertificate attribute's SHA-1 hash does not match the signer certificate")
            }
            if id.count > 1 { try checkIssuerSerial(id[1], signer.certificate) }
        }
        if let value = try single(signingCertificateV2Attribute, "signingCertificateV2") {
            let certs = try sequence(try sequence(value, "SigningCertificateV2").first.orFail("SigningCertificateV2 is empty"), "SigningCertificateV2.certs")
            let id = try sequence(try certs.first.orFail("SigningCertificateV2.certs is empty"), "ESSCertIDv2")
            var field = 0
            var certHashAlgorithm = TimeStampHash.sha256
            if field < id.count, id[field].identifier == .sequence {
                certHashAlgorithm = try hash(id[field], "ESSCertIDv2.hashAlgorithm")
                field += 1
            }
            guard field < id.count else { throw TimeStampFailure("ESSCertIDv2 has no certHash") }
            let certHash = try octets(id[field], "ESSCertIDv2.certHash")
            guard certHash == certHashAlgorithm.digest(signer.der) else {
                throw TimeStampFailure("the signingCertificateV2 attribute's \(certHashAlgorithm.name) hash does not match the signer certificate")
            }
            if field + 1 < id.count { try checkIssuerSerial(id[field + 1], signer.certificate) }
        }

        // The signature over the signed attributes, re-tagged from [0] IMPLICIT to SET OF (RFC 5652 §5.4).
        var signedAttributes = Array(signedAttributesNode.encodedBytes)
        signedAttributes[0] = 0x31
        try verify(
            signature: signature, over: signedAttributes, algorithm: signatureAlgorithm, digest: digestAlgorithm,
            key: signer.certificate.publicKey)

        if let problem = timeStampingUsageProblem(signer.certificate) {
            throw TimeStampFailure(problem)
        }

        // TSTInfo.
        let tst = try sequence(try DER.parse(eContent), "TSTInfo")
        guard tst.count >= 5 else { throw TimeStampFailure("TSTInfo has \(tst.count) fields, at least 5 expected") }
        guard try Int(derEncoded: tst[0]) == 1 else { throw TimeStampFailure("TSTInfo version is not 1") }
        let policy = try ASN1ObjectIdentifier(derEncoded: tst[1])
        let imprint = try sequence(tst[2], "messageImprint")
        guard imprint.count == 2 else { throw TimeStampFailure("messageImprint must have an algorithm and a hash") }
        let imprintAlgorithm = try hash(imprint[0], "messageImprint.hashAlgorithm")
        let hashedMessage = try octets(imprint[1], "messageImprint.hashedMessage")
        guard hashedMessage.count == imprintAlgorithm.length else {
            throw TimeStampFailure("the \(imprintAlgorithm.name) imprint is \(hashedMessage.count) bytes, not \(imprintAlgorithm.length)")
        }
        let serial = try ArraySlice<UInt8>(derEncoded: tst[3])
        let genTime = try date(try GeneralizedTime(derEncoded: tst[4]))
        var field = 5
        var nonce: [UInt8]?
        if field < tst.count, tst[field].identifier == .sequence { field += 1 }  // accuracy
        if field < tst.count, tst[field].identifier == .boolean { _ = try Bool(derEncoded: tst[field]); field += 1 }  // ordering
        if field < tst.count, tst[field].identifier == .integer {
            nonce = stripLeadingZeros(try ArraySlice<UInt8>(derEncoded: tst[field]))
            field += 1
        }
        if field < tst.count, tst[field].identifier == context(0) { field += 1 }  // tsa
        if field < tst.count, tst[field].identifier == context(1) { field += 1 }  // extensions
        guard field == tst.count else { throw TimeStampFailure("TSTInfo has unexpected fields") }

        return TimeStampToken(
            derEncoded: bytes, genTime: genTime, hashAlgorithm: imprintAlgorithm, hashedMessage: hashedMessage,
            serialNumber: hex(stripLeadingZeros(serial).isEmpty ? [0] : stripLeadingZeros(serial)),
            nonce: nonce, policy: policy.description,
            signerCertificate: signer.certificate, certificates: certificates.map(\.certificate))
    }

    /// An ESSCertID's optional IssuerSerial must name the signer certificate.
    static func checkIssuerSerial(_ node: ASN1Node, _ certificate: Certificate) throws {
        let issuerSerial: JAdESIssuerSerial
        do {
            issuerSerial = try JAdESIssuerSerial(derEncoded: Array(node.encodedBytes))
        } catch {
            throw TimeStampFailure("the ESS signing-certificate IssuerSerial does not decode")
        }
        guard issuerSerial.matches(certificate) else {
            throw TimeStampFailure("the ESS signing-certificate IssuerSerial names another certificate than the signer")
        }
    }

    // MARK: Signatures (swift-crypto does the arithmetic)

    static func verify(
        signature: [UInt8], over data: [UInt8], algorithm: (oid: ASN1ObjectIdentifier, parameters: ASN1Node?),
        digest: TimeStampHash, key: Certificate.PublicKey
    ) throws {
        enum Scheme { case pkcs1, pss, ecdsa }
        let scheme: Scheme
        let hash: TimeStampHash
        switch algorithm.oid {
        case rsaEncryption: scheme = .pkcs1; hash = digest
        case sha256WithRSA: scheme = .pkcs1; hash = .sha256
        case sha384WithRSA: scheme = .pkcs1; hash = .sha384
        case sha512WithRSA: scheme = .pkcs1; hash = .sha512
        case rsaPSS: scheme = .pss; hash = try pssHash(algorithm.parameters)
        case ecPublicKey: scheme = .ecdsa; hash = digest
        case ecdsaWithSHA256: scheme = .ecdsa; hash = .sha256
        case ecdsaWithSHA384: scheme = .ecdsa; hash = .sha384
        case ecdsaWithSHA512: scheme = .ecdsa; hash = .sha512
        default:
            throw TimeStampFailure("signature algorithm \(algorithm.oid) is not supported (RSA PKCS#1 v1.5, RSASSA-PSS, ECDSA)")
        }
        let valid: Bool
        switch scheme {
        case .pkcs1, .pss:
            guard let rsa = _RSA.Signing.PublicKey(key) else {
                throw TimeStampFailure("the signature algorithm is RSA but the signer certificate's key is not")
            }
            let sig = _RSA.Signing.RSASignature(rawRepresentation: signature)
            let padding: _RSA.Signing.Padding = scheme == .pkcs1 ? .insecurePKCS1v1_5 : .PSS
            switch hash {
            case .sha256: valid = rsa.isValidSignature(sig, for: SHA256.hash(data: data), padding: padding)
            case .sha384: valid = rsa.isValidSignature(sig, for: SHA384.hash(data: data), padding: padding)
            case .sha512: valid = rsa.isValidSignature(sig, for: SHA512.hash(data: data), padding: padding)
            }
        case .ecdsa:
            if let ec = P256.Signing.PublicKey(key) {
                valid = (try? P256.Signing.ECDSASignature(derRepresentation: signature)).map { ec.isValidSignature($0, data, hash) } ?? false
            } else if let ec = P384.Signing.PublicKey(key) {
                valid = (try? P384.Signing.ECDSASignature(derRepresentation: signature)).map { ec.isValidSignature($0, data, hash) } ?? false
            } else if let ec = P521.Signing.PublicKey(key) {
                valid = (try? P521.Signing.ECDSASignature(derRepresentation: signature)).map { ec.isValidSignature($0, data, hash) } ?? false
            } else {
                throw TimeStampFailure("the signature algorithm is ECDSA but the signer certificate's key is not P-256, P-384 or P-521")
            }
        }
        guard valid else {
            throw TimeStampFailure("the signature over the signed attributes does not verify with the signer certificate's key")
        }
    }

    /// The hash of RSASSA-PSS parameters; only MGF1 with the same hash and a salt as long as the digest
    /// (what swift-crypto's `.PSS` padding verifies) are accepted.
    static func pssHash(_ parameters: ASN1Node?) throws -> TimeStampHash {
        guard let parameters else { throw TimeStampFailure("RSASSA-PSS without parameters") }
        let fields = try sequence(parameters, "RSASSA-PSS-params")
        var hashAlgorithm: TimeStampHash?
        var mgfHash: TimeStampHash?
        var saltLength = 20
        for field in fields {
            let value = try children(field, "RSASSA-PSS-params field")
            guard value.count == 1 else { throw TimeStampFailure("RSASSA-PSS-params field must hold one value") }
            switch field.identifier {
            case context(0): hashAlgorithm = try hash(value[0], "RSASSA-PSS hashAlgorithm")
            case context(1):
                let mgf = try algorithm(value[0], "RSASSA-PSS maskGenAlgorithm")
                guard mgf.oid == mgf1, let inner = mgf.parameters else { throw TimeStampFailure("RSASSA-PSS mask generation is not MGF1") }
                mgfHash = try hash(inner, "MGF1 hash")
            case context(2): saltLength = try Int(derEncoded: value[0])
            case context(3): guard try Int(derEncoded: value[0]) == 1 else { throw TimeStampFailure("RSASSA-PSS trailerField is not 1") }
            default: throw TimeStampFailure("RSASSA-PSS-params has an unknown field")
            }
        }
        guard let hashAlgorithm else { throw TimeStampFailure("RSASSA-PSS with SHA-1 is not supported") }
        guard mgfHash == hashAlgorithm, saltLength == hashAlgorithm.length else {
            throw TimeStampFailure("RSASSA-PSS is supported only with MGF1 over the same hash and a salt of the digest length")
        }
        return hashAlgorithm
    }
}

extension P256.Signing.PublicKey {
    fileprivate func isValidSignature(_ signature: P256.Signing.ECDSASignature, _ data: [UInt8], _ hash: TimeStampHash) -> Bool {
        switch hash {
        case .sha256: return isValidSignature(signature, for: SHA256.hash(data: data))
        case .sha384: return isValidSignature(signature, for: SHA384.hash(data: data))
        case .sha512: return isValidSignature(signature, for: SHA512.hash(data: data))
        }
    }
}

extension P384.Signing.PublicKey {
    fileprivate func isValidSignature(_ signature: P384.Signing.ECDSASignature, _ data: [UInt8], _ hash: TimeStampHash) -> Bool {
        switch hash {
        case .sha256: return isValidSignature(signature, for: SHA256.hash(data: data))
        case .sha384: return isValidSignature(signature, for: SHA384.hash(data: data))
        case .sha512: return isValidSignature(signature, for: SHA512.hash(data: data))
        }
    }
}

extension P521.Signing.PublicKey {
    fileprivate func isValidSignature(_ signature: P521.Signing.ECDSASignature, _ data: [UInt8], _ hash: TimeStampHash) -> Bool {
        switch hash {
        case .sha256: return isValidSignature(signature, for: SHA256.hash(data: data))
        case .sha384: return isValidSignature(signature, for: SHA384.hash(data: data))
        case .sha512: return isValidSignature(signature, for: SHA512.hash(data: data))
        }
    }
}

extension Optional {
    /// The wrapped value, or a ``TimeStampFailure`` with `message`.
    fileprivate func orFail(_ message: String) throws -> Wrapped {
        guard let self else { throw TimeStampFailure(message) }
        return self
    }
}
