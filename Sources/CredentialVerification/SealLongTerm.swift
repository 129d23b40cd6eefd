import Caching
import CredentialJSON
import Foundation
import JAdES
import SecureFetch
import SwiftASN1
import X509

/// What the verifier is given and allowed for the revocation of JAdES seal certificates.
public struct SealRevocationPolicy: Sendable {
    /// CRLs and OCSP responses the user supplied (`skillcred verify --crl`, `--ocsp-response`), besides a seal's own `rVals`.
    public var supplied: [RevocationInput]
    /// Whether a seal whose certificate's revocation status cannot be established fails (default: it is only reported).
    public var requireRevocationData: Bool
    /// When set, the CRLs a seal certificate names (its CRL distribution points, http or https) are fetched through
    /// this fetcher when neither the seal nor the user supplies usable data. `nil` (the default): nothing is fetched.
    public var fetcher: (any HTTPFetching)?
    /// Largest CRL fetched, in bytes (default 16 MiB).
    public var maxFetchedBytes: Int

    /// Creates a policy; the defaults supply nothing, require nothing and fetch nothing.
    public init(
        supplied: [RevocationInput] = [], requireRevocationData: Bool = false, fetcher: (any HTTPFetching)? = nil,
        maxFetchedBytes: Int = CertificateRevocationList.maximumSize
    ) {
        self.supplied = supplied
        self.requireRevocationData = requireRevocationData
        self.fetcher = fetcher
        self.maxFetchedBytes = maxFetchedBytes
    }

    /// Fetched CRLs by URL, kept until their nextUpdate (at most 64, at most a day).
    static let fetchedCRLs = BoundedCache<String, [UInt8]>(capacity: 64)
}

/// What a seal's time-stamps and long-term validation data show (JAdES B-T, B-LT, B-LTA): one line per element for
/// the report, and the seal certificate's revocation status at the time the seal is judged.
public struct SealLongTermEvidence: Sendable {
    /// The JAdES level the seal's elements reach: "B-B", "B-T", "B-LT" or "B-LTA".
    public let level: String
    /// Report lines, one per element: `sigTst: …`, `xVals: …`, `rVals: …`, `arcTst: …`, `Revocation: …`.
    public let lines: [String]
    /// The seal certificate's revocation status, with each piece of data examined.
    public let revocation: SealRevocationCheck
    /// Set when the policy requires revocation data and none established the status.
    public let missingRequiredRevocation: String?

    /// The sentence for a seal that fails on revocation, or `nil`.
    public var failure: String? {
        if case .revokedBefore(let date, let reason, let source) = revocation.status {
            return
                "The seal certificate was revoked on \(XSDDateTime.format(date))\(reason.map { " (\($0))" } ?? ""), before the seal is shown to have been made, per \(source)"
        }
        return missingRequiredRevocation
    }
}

extension SealLongTermEvidence {
    /// Evaluates the elements of a verified seal's first signature.
    ///
    /// - Parameters:
    ///   - chain: the seal certificate's chain as judged (its CA certificates are the issuer candidates first).
    ///   - judgedAt: the time the seal is judged at (the proven time, else now); `proven` says which.
    static func evaluate(
        _ signature: JAdESSignatureVerification, entry: JWSSignatureEntry?, payloadMember: String?, chain: JAdESChainValidation?,
        judgedAt: Date, proven: Bool, policy: VerificationPolicy
    ) async -> SealLongTermEvidence {
        var lines: [String] = []
        let properties = JAdESUnsignedProperties(unprotectedHeader: entry?.unprotectedHeader)
        let names = Set(properties.components.map(\.name))
        let (values, unreadableValues) = JAdESValidationValues.certificates(in: properties)
        let tsaValidator = TimeStampAuthorityValidator(trustAnchors: policy.timeStampAnchors)

        func tsaVerdict(_ token: TimeStampToken) async -> String {
            switch await tsaValidator.validate(token, intermediates: values) {
            case .trusted(let chain):
                return "the TSA is trusted (anchor \(chain.last.map { String(describing: $0.subject) } ?? "?"))"
            case .untrusted(let reason):
                let why = policy.timeStampAnchors.isEmpty ? "no time-stamping trust anchors are configured" : reason
                return "validated cryptographically, but the TSA is not trusted: \(why)"
            }
        }

        // sigTst: the time itself is decided by SealTrust; here each token is described.
        if let entry {
            let imprintInput = JAdESTimeStamps.signatureTimeStampInput(signatureEncoded: entry.signatureEncoded)
            for der in JAdESTimeStamps.signatureTimeStampTokens(in: entry.unprotectedHeader).prefix(4) {
                do {
                    let token = try TimeStampToken(derEncoded: der)
                    let over = token.imprintMatches(imprintInput) ? "over the signature value" : "NOT over this seal's signature value"
                    lines.append(
                        "sigTst: time-stamp at \(XSDDateTime.format(token.genTime)) by \(token.signerCertificate.subject), \(over); \(await tsaVerdict(token))")
                } catch {
                    lines.append("sigTst: refused: \(error.message)")
                }
            }
        }
        if names.contains("xVals") {
            let subjects = values.prefix(6).map { Self.commonName($0) }.joined(separator: "; ")
            lines.append(
                "xVals: \(values.count) certificate(s)\(subjects.isEmpty ? "" : " (\(subjects)\(values.count > 6 ? "; …" : ""))")"
                    + (unreadableValues > 0 ? ", \(unreadableValues) unreadable" : "")
                    + "; used to build chains, trusted only through the anchors")
        }

        // Revocation of the seal certificate.
        var revocation = SealRevocationCheck(status: .notChecked("the seal has no usable certificate"), findings: [])
        if let leaf = signature.signingCertificate {
            var candidates = signature.certificateChain + values + policy.trustAnchors
            if case .trusted(let certificates)? = chain { candidates = certificates + candidates }
            var inputs = RevocationInput.embedded(in: entry?.unprotectedHeader) + policy.sealRevocation.supplied
            let checker = SealRevocationChecker(clockSkew: policy.clockSkew, now: policy.now)
            revocation = await checker.check(leaf, candidates: candidates, inputs: inputs, at: judgedAt, proven: proven, claimedTime: signature.signingTime)
            if case .notChecked = revocation.status, let fetcher = policy.sealRevocation.fetcher {
                let fetched = await Self.fetchCRLs(for: leaf, fetcher: fetcher, maxBytes: policy.sealRevocation.maxFetchedBytes, now: policy.now)
                if !fetched.isEmpty {
                    inputs += fetched
                    revocation = await checker.check(
                        leaf, candidates: candidates, inputs: inputs, at: judgedAt, proven: proven, claimedTime: signature.signingTime)
                }
            }
            for finding in revocation.findings {
                lines.append(
                    finding.origin == RevocationDataOrigin.embedded ? "rVals: \(finding.text)" : "Revocation data (\(finding.origin)): \(finding.text)")
            }
        }
        switch revocation.status {
        case .good(let text): lines.append("Revocation: \(text)")
        case .revokedBefore(let date, let reason, _):
            lines.append("Revocation: REVOKED on \(XSDDateTime.format(date))\(reason.map { " (\($0))" } ?? ""), before \(XSDDateTime.format(judgedAt))")
        case .revokedAfter(let date, let reason, _):
            // Judged now (no proven time), a revocation "after" it is one dated in the future: nothing was proven.
            let after =
                proven
                ? "after the seal was proven made (\(XSDDateTime.format(judgedAt))); the seal stands"
                : "a date after the verification time (\(XSDDateTime.format(judgedAt))), so not yet in force"
            lines.append("Revocation: revoked on \(XSDDateTime.format(date))\(reason.map { " (\($0))" } ?? ""), \(after)")
        case .notChecked(let why): lines.append("Revocation: not checked — \(why)")
        }

        // arcTst.
        if let entry, let payloadMember, names.contains("arcTst") {
            for check in JAdESArchiveTimeStamps.check(payloadMember: payloadMember, entry: entry, properties: properties) {
                let covers = "covers the payload, protected header, signature" + (check.covered.isEmpty ? "" : " and \(check.covered.joined(separator: ", "))")
                if let problem = check.problem {
                    let at = check.token.map { " at \(XSDDateTime.format($0.genTime))" } ?? ""
                    lines.append("arcTst: REFUSED\(at): \(problem)")
                } else if let token = check.token {
                    lines.append(
                        "arcTst: archive time-stamp at \(XSDDateTime.format(token.genTime)) by \(token.signerCertificate.subject) (\(covers)): imprint verified; \(await tsaVerdict(token))"
                    )
                }
            }
        }
        if properties.unreadable > 0 { lines.append("etsiU: \(properties.unreadable) item(s) unreadable") }
        if properties.notRead > 0 {
            lines.append("etsiU: \(properties.notRead) further item(s) not read (limit \(JAdESUnsignedProperties.maximumItems)): they count for nothing")
        }

        let level =
            names.contains("arcTst")
            ? "B-LTA" : (names.contains("xVals") || names.contains("rVals")) ? "B-LT" : names.contains("sigTst") ? "B-T" : "B-B"
        var missing: String?
        if policy.sealRevocation.requireRevocationData, case .notChecked(let why) = revocation.status {
            missing = "Revocation data is required, but the seal certificate's status is not established: \(why)"
        }
        return SealLongTermEvidence(
            level: level, lines: ["Level: JAdES \(level)"] + lines, revocation: revocation, missingRequiredRevocation: missing)
    }

    static func commonName(_ certificate: Certificate) -> String {
        let text = String(describing: certificate.subject)
        if let range = text.range(of: "CN=") {
            return String(text[range.upperBound...].prefix { $0 != "," })
        }
        return text
    }

    /// The http(s) URIs of a certificate's CRL distribution points (RFC 5280 §4.2.1.13), at most two.
    static func crlDistributionPoints(_ certificate: Certificate) -> [String] {
        guard let ext = certificate.extensions[oid: "2.5.29.31"], let root = try? DER.parse(Array(ext.value)),
            case .constructed(let points) = root.content
        else { return [] }
        var out: [String] = []
        // DistributionPoint ::= SEQUENCE { distributionPoint [0] { fullName [0] GeneralNames }, … }; a URI is [6] IA5String.
        func walk(_ node: ASN1Node, depth: Int) {
            guard depth < 6, out.count < 2 else { return }
            if node.identifier == ASN1Identifier(tagWithNumber: 6, tagClass: .contextSpecific), case .primitive(let bytes) = node.content {
                let uri = String(decoding: bytes, as: UTF8.self)
                if uri.hasPrefix("http://") || uri.hasPrefix("https://") { out.append(uri) }
                return
            }
            if case .constructed(let children) = node.content { for child in children { walk(child, depth: depth + 1) } }
        }
        for point in points { walk(point, depth: 0) }
        return out
    }

    /// The CRLs a certificate names in its CRL distribution points (http or https, at most two), fetched through
    /// `fetcher` within `maxBytes` (plain http allowed: CRLs are signed), or from a process-wide cache while current.
    public static func fetchCRLs(for certificate: Certificate, fetcher: any HTTPFetching, maxBytes: Int, now: Date) async -> [RevocationInput] {
        var out: [RevocationInput] = []
        for url in crlDistributionPoints(certificate) {
            if let cached = SealRevocationPolicy.fetchedCRLs.value(for: url, now: now) {
                out.append(RevocationInput(.crl, bytes: cached, origin: .fetched(url)))
                continue
            }
            // CRLs are signed, and their distribution points are usually plain http (RFC 5280 §4.2.1.13).
            let fetchPolicy = FetchPolicy(maxBytes: maxBytes, allowPlainHTTP: true, accept: "application/pkix-crl")
            guard let document = try? await fetcher.fetch(url, policy: fetchPolicy), document.status == 200 else { continue }
            let expires = (try? CertificateRevocationList(derEncoded: document.bytes))?.nextUpdate.map { min($0, now.addingTimeInterval(86_400)) }
            SealRevocationPolicy.fetchedCRLs.store(document.bytes, for: url, expires: expires ?? now.addingTimeInterval(3600), now: now)
            out.append(RevocationInput(.crl, bytes: document.bytes, origin: .fetched(url)))
        }
        return out
    }
}
