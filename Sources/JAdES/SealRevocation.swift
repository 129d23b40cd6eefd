import CredentialJSON
import Foundation
import X509

/// Where a piece of revocation data came from.
public enum RevocationDataOrigin: Sendable, Hashable, CustomStringConvertible {
    /// The seal's own `etsiU` → `rVals`.
    case embedded
    /// A file the user gave (`--crl`, `--ocsp-response`).
    case supplied(String)
    /// Fetched, with the user's consent, from a URL the certificate names.
    case fetched(String)

    public var description: String {
        switch self {
        case .embedded: return "rVals"
        case .supplied(let name): return "given \(name)"
        case .fetched(let url): return "fetched from \(url)"
        }
    }
}

/// One CRL or OCSP response to consider, as bytes.
public struct RevocationInput: Sendable, Hashable {
    /// CRL or OCSP response.
    public enum Kind: String, Sendable, Hashable {
        /// An X.509 CRL (DER or PEM).
        case crl = "CRL"
        /// A DER OCSPResponse.
        case ocsp = "OCSP response"
    }

    /// What the bytes are.
    public let kind: Kind
    /// The bytes.
    public let bytes: [UInt8]
    /// Where they came from.
    public let origin: RevocationDataOrigin

    /// Creates an input.
    public init(_ kind: Kind, bytes: [UInt8], origin: RevocationDataOrigin) {
        self.kind = kind
        self.bytes = bytes
        self.origin = origin
    }

    /// The most pieces of embedded revocation data read from a seal (and examined by ``SealRevocationChecker``).
    public static let maximumEmbedded = 64

    /// The CRLs (`crlVals`) and OCSP responses (`ocspVals`) of every `rVals` in an unprotected header's `etsiU`
    /// (standard base64 DER in `val`); at most 32 of each kind per `rVals`, and ``maximumEmbedded`` in all.
    public static func embedded(in unprotectedHeader: JSONObject?) -> [RevocationInput] {
        embedded(in: JAdESUnsignedProperties(unprotectedHeader: unprotectedHeader))
    }
}

/// What one piece of revocation data showed, for the report.
public struct RevocationFinding: Sendable, Hashable {
    /// CRL or OCSP response.
    public let kind: RevocationInput.Kind
    /// Where it came from.
    public let origin: RevocationDataOrigin
    /// One line: who signed it, its times, what it says, and whether it was used (or why not).
    public let text: String

    /// Creates a finding.
    public init(kind: RevocationInput.Kind, origin: RevocationDataOrigin, text: String) {
        self.kind = kind
        self.origin = origin
        self.text = text
    }
}

/// The revocation status of a seal certificate at the time its seal is judged.
public enum SealRevocationStatus: Sendable, Hashable {
    /// Verified data current at (or issued after) the judging time says the certificate was not revoked.
    case good(String)
    /// The certificate was revoked at or before the judging time: the seal is not valid.
    case revokedBefore(date: Date, reason: RevocationReason?, source: String)
    /// The certificate was revoked after the time a trusted time-stamp proves the seal was made: the seal stands.
    case revokedAfter(date: Date, reason: RevocationReason?, source: String)
    /// No verified, current data: nothing is known about revocation.
    case notChecked(String)

    /// Whether the revocation makes the seal invalid.
    public var isFailure: Bool { if case .revokedBefore = self { return true } else { return false } }
}

/// The outcome of checking a seal certificate's revocation: the status and one finding per piece examined.
public struct SealRevocationCheck: Sendable, Hashable {
    /// The status.
    public let status: SealRevocationStatus
    /// Every CRL and OCSP response examined, used or not.
    public let findings: [RevocationFinding]

    /// Creates an outcome.
    public init(status: SealRevocationStatus, findings: [RevocationFinding]) {
        self.status = status
        self.findings = findings
    }
}

/// Checks whether a seal certificate was revoked before the time its seal is judged at, from CRLs and OCSP responses.
///
/// Each piece must be signed by the certificate's issuing CA (a CRL: the CA itself with cRLSign; an OCSP response: the
/// CA or a responder certificate the CA issued with id-kp-OCSPSigning) and say something about this very certificate.
/// A revocation on or before the judging time fails the seal whatever the data's age; "not revoked" counts only from
/// data current at the judging time (thisUpdate ≤ t ≤ nextUpdate) or issued after it while the certificate was valid.
public struct SealRevocationChecker: Sendable {
    /// Tolerance, in seconds, for time comparisons.
    public var clockSkew: TimeInterval
    /// The verification time: "not revoked" dated after it (beyond the skew) is not believed.
    public var now: Date
    /// Most CRLs of a seal's own `rVals` examined (default 16); further ones are refused unread, each with a finding.
    /// Until its signature is checked, an embedded CRL costs its header parse and one hash of its signed bytes.
    public var maxEmbeddedCRLs: Int
    /// Most bytes of CRLs, all together, of a seal's own `rVals` examined (default 32 MiB); a CRL that would go past
    /// it is refused unread, with a finding. CRLs the user gave or fetched do not count against either limit.
    public var maxEmbeddedCRLBytes: Int

    /// The default of ``maxEmbeddedCRLs``.
    public static let defaultMaxEmbeddedCRLs = 16
    /// The default of ``maxEmbeddedCRLBytes``.
    public static let defaultMaxEmbeddedCRLBytes = 32 * 1024 * 1024

    /// Creates a checker.
    public init(
        clockSkew: TimeInterval = 300, now: Date = Date(), maxEmbeddedCRLs: Int = Self.defaultMaxEmbeddedCRLs,
        maxEmbeddedCRLBytes: Int = Self.defaultMaxEmbeddedCRLBytes
    ) {
        self.clockSkew = clockSkew
        self.now = now
        self.maxEmbeddedCRLs = maxEmbeddedCRLs
        self.maxEmbeddedCRLBytes = maxEmbeddedCRLBytes
    }

    /// Checks `certificate`.
    ///
    /// - Parameters:
    ///   - certificate: the seal certificate.
    ///   - candidates: certificates that may include its issuing CA and OCSP responders (`x5c`, `xVals`, trust anchors).
    ///   - inputs: the CRLs and OCSP responses.
    ///   - time: when the seal is judged: a time proven by a trusted time-stamp, or the verification time.
    ///   - proven: whether `time` is proven (only then can a revocation after it leave the seal standing).
    ///   - claimedTime: the seal's claimed signing time, to say when stale data would have covered it.
    ///   - role: how the report names `certificate` ("the seal certificate", or an intermediate CA's).
    public func check(
        _ certificate: Certificate, candidates: [Certificate], inputs: [RevocationInput], at time: Date, proven: Bool,
        claimedTime: Date? = nil, role: String = "the seal certificate"
    ) async -> SealRevocationCheck {
        let isCA = (try? certificate.extensions.basicConstraints).map { if case .isCertificateAuthority = $0 { true } else { false } } ?? false
        let issuer = Self.issuer(of: certificate, among: candidates)
        var findings: [RevocationFinding] = []
        var goodSources: [String] = []
        var revoked: [(date: Date, reason: RevocationReason?, source: String)] = []
        var unusable: [String] = []
        let at = XSDDateTime.format(time)

        // What the user gave or fetched is examined whatever a seal carries: anyone can stuff a seal's rVals, and that
        // must not crowd out the user's own data.
        let embedded = inputs.filter { $0.origin == .embedded }
        let examined = inputs.filter { $0.origin != .embedded } + embedded.prefix(RevocationInput.maximumEmbedded)
        // CRLs are parsed once (their headers only: entries are read only from a CRL whose CA signature verified),
        // within the per-seal limits for embedded ones; those the issuing CA signed also say which of its OCSP
        // responders it revoked.
        var parsedCRLs: [Int: Result<CertificateRevocationList, JAdESError>] = [:]
        var embeddedCRLs = 0
        var embeddedCRLBytes = 0
        for (index, input) in examined.enumerated() where input.kind == .crl {
            if input.origin == .embedded {
                embeddedCRLs += 1
                embeddedCRLBytes += input.bytes.count
                if embeddedCRLs > maxEmbeddedCRLs {
                    parsedCRLs[index] = .failure(
                        JAdESError(
                            .invalidRevocationData,
                            "the seal carries more than \(maxEmbeddedCRLs) CRLs, the limit per seal, so this one is not read"))
                    continue
                }
                if embeddedCRLBytes > maxEmbeddedCRLBytes {
                    parsedCRLs[index] = .failure(
                        JAdESError(
                            .invalidRevocationData,
                            "with this one (\(input.bytes.count) bytes) the seal's CRLs come to \(embeddedCRLBytes) bytes, over the limit of \(maxEmbeddedCRLBytes) bytes of CRLs per seal, so it is not read"
                        ))
                    continue
                }
            }
            parsedCRLs[index] = Result { () throws(JAdESError) in try CertificateRevocationList(derEncoded: input.bytes) }
        }
        // The issuing CA's verdict on each CRL that names it, computed once (it hashes the CRL's signed bytes).
        var issuerRefusals: [Int: (signatureFailed: Bool, reason: String)?] = [:]
        if let issuer {
            for (index, parsed) in parsedCRLs {
                if case .success(let crl) = parsed, crl.issuer == certificate.issuer { issuerRefusals[index] = crl.refusal(signedBy: issuer) }
            }
        }
        let issuerCRLs = issuerRefusals.filter { $0.value == nil }.keys.sorted().compactMap { try? parsedCRLs[$0]?.get() }

        for (index, input) in examined.enumerated() {
            func note(_ text: String) { findings.append(RevocationFinding(kind: input.kind, origin: input.origin, text: text)) }
            switch input.kind {
            case .crl:
                let crl: CertificateRevocationList
                do { crl = try parsedCRLs[index]!.get() } catch {
                    note("refused: \(error.message)")
                    unusable.append("a CRL was refused")
                    continue
                }
                let times = "thisUpdate \(XSDDateTime.format(crl.thisUpdate))" + (crl.nextUpdate.map { ", nextUpdate \(XSDDateTime.format($0))" } ?? "")
                guard crl.issuer == certificate.issuer else {
                    // rVals also carry data for the time-stamping chain: verify it against whichever CA it names.
                    if let other = candidates.first(where: { $0.subject == crl.issuer }) {
                        let problem = crl.problem(signedBy: other)
                        note(
                            "CRL from \(crl.issuer.text), \(times): "
                                + (problem.map { "refused: \($0)" } ?? "signature verified; it is about another CA's certificates, not \(role)"))
                    } else {
                        note("CRL from \(crl.issuer.text), \(times): about another CA's certificates, whose certificate is not at hand (not verified)")
                    }
                    continue
                }
                guard let issuer else {
                    note("CRL from \(crl.issuer.text), \(times): not verified, the issuing CA's certificate is not at hand (x5c, xVals, trust anchors)")
                    unusable.append("the issuing CA's certificate is not at hand")
                    continue
                }
                // Computed above for every CRL that names the certificate's issuer, as this one does.
                if let refusal = issuerRefusals[index] ?? crl.refusal(signedBy: issuer) {
                    note("CRL from \(crl.issuer.text), \(times): refused: \(refusal.reason)")
                    unusable.append(refusal.signatureFailed ? "a CRL's signature does not verify" : "a CRL of the CA has an unusable entry")
                    continue
                }
                let source = "CRL from \(crl.issuer.text) (\(times), \(input.origin))"
                if let entry = crl.entry(for: certificate.serialNumber) {
                    let listed =
                        "CRL from \(crl.issuer.text), \(times): signature verified; lists \(role) as revoked on \(XSDDateTime.format(entry.revocationDate))\(entry.reason.map { " (\($0))" } ?? "")"
                    let compromise =
                        entry.effectiveDate < entry.revocationDate
                        ? "; its key is compromised (or the certificate otherwise invalid) since \(XSDDateTime.format(entry.effectiveDate)) (invalidityDate)"
                        : ""
                    if entry.isHold, entry.effectiveDate <= time,
                        !current(thisUpdate: crl.thisUpdate, nextUpdate: crl.nextUpdate, at: time)
                    {
                        note(
                            "\(listed); a hold may be lifted, and this CRL is not current at \(at), so it does not show the certificate was on hold then")
                        unusable.append("a CRL showing a hold is not current at \(at)")
                        continue
                    }
                    note(listed + compromise)
                    revoked.append((entry.effectiveDate, entry.reason, source))
                    continue
                }
                if let limitation = isCA ? crl.caScopeLimitation : crl.scopeLimitation {
                    note("CRL from \(crl.issuer.text), \(times): signature verified, but \(limitation), so its silence proves nothing")
                    unusable.append("a CRL's scope is limited")
                    continue
                }
                let (usable, freshness) = self.freshness(
                    thisUpdate: crl.thisUpdate, nextUpdate: crl.nextUpdate, at: time, certificate: certificate, claimedTime: claimedTime)
                note("CRL from \(crl.issuer.text), \(times): signature verified; does not list \(role); \(freshness)")
                if usable { goodSources.append(source) } else { unusable.append("a CRL is not current at \(at)") }
            case .ocsp:
                let response: OCSPBasicResponse
                do { response = try OCSPBasicResponse(derEncoded: input.bytes) } catch {
                    note("refused: \(error.message)")
                    unusable.append("an OCSP response was refused")
                    continue
                }
                let produced = "produced \(XSDDateTime.format(response.producedAt))"
                guard let issuer else {
                    note("OCSP response by \(response.responderID), \(produced): not verified, the issuing CA's certificate is not at hand")
                    unusable.append("the issuing CA's certificate is not at hand")
                    continue
                }
                guard let single = response.response(for: certificate, issuer: issuer) else {
                    note("OCSP response by \(response.responderID), \(produced): about other certificates, not \(role)")
                    continue
                }
                let signer: Certificate
                switch await response.signer(authorisedBy: issuer, candidates: candidates) {
                case .success(let found): signer = found
                case .failure(let refusal):
                    note("OCSP response by \(response.responderID), \(produced): refused: \(refusal)")
                    unusable.append("an OCSP response is not signed by an authorised responder")
                    continue
                }
                // A status dated after the answer was signed (thisUpdate after producedAt) comes from a clock that cannot
                // be right; it would also let a backdated producedAt escape the responder checks below.
                if single.thisUpdate > response.producedAt.addingTimeInterval(clockSkew) {
                    note(
                        "OCSP response by \(response.responderID), \(produced): refused: its thisUpdate \(XSDDateTime.format(single.thisUpdate)) is after the time it was produced"
                    )
                    unusable.append("an OCSP response is dated after it was produced")
                    continue
                }
                // A delegated responder the CA's own CRL revoked before it produced this response speaks for no one; nor,
                // whatever producedAt says, one revoked for a compromised key (or CA), or for no stated reason: whoever
                // holds the key can write any producedAt. (A benign revocation after producedAt leaves the answer.)
                if signer != issuer,
                    let entry = issuerCRLs.lazy.compactMap({ $0.entry(for: signer.serialNumber) }).first(where: {
                        $0.effectiveDate <= response.producedAt || RevocationReason.mayMeanCompromise($0.reason)
                    })
                {
                    let compromised = RevocationReason.mayMeanCompromise(entry.reason)
                    note(
                        "OCSP response by \(response.responderID), \(produced): refused: the CA's CRL lists its responder certificate \(signer.subject.text) as revoked on \(XSDDateTime.format(entry.effectiveDate))"
                            + (compromised
                                ? " (\(entry.reason.map { "\($0)" } ?? "no reason given"): its key may be in other hands, and any producedAt could be forged)"
                                : ", before the response was produced")
                    )
                    unusable.append("an OCSP response is signed by a revoked responder")
                    continue
                }
                let who = signer == issuer ? "the issuing CA \(signer.subject.text)" : "responder \(signer.subject.text)"
                let times =
                    "\(produced), thisUpdate \(XSDDateTime.format(single.thisUpdate))"
                    + (single.nextUpdate.map { ", nextUpdate \(XSDDateTime.format($0))" } ?? "")
                let source = "OCSP response by \(who) (\(times), \(input.origin))"
                // A delegated responder can be revoked too (RFC 6960 §4.2.2.2.1): see ``unvouchedTime(of:crls:)``. Its
                // "revoked" is taken (a CRL at hand listing the responder refused it above): the safe side.
                if case .good = single.state, signer != issuer, let judged = unvouchedTime(of: signer, crls: issuerCRLs) {
                    note(
                        "OCSP response by \(who), \(times): refused: its responder certificate is not marked id-pkix-ocsp-nocheck, and no usable CRL of the CA current at \(XSDDateTime.format(judged)) (\(judged == now ? "the verification time" : "when the responder's certificate expired")) shows the responder was not revoked"
                    )
                    unusable.append("an OCSP response's responder has no known revocation status")
                    continue
                }
                switch single.state {
                case .revoked(let date, let reason):
                    let listed =
                        "OCSP response by \(who), \(times): signature verified; revoked on \(XSDDateTime.format(date))\(reason.map { " (\($0))" } ?? "")"
                    if reason?.code == RevocationReason.certificateHold.code, date <= time,
                        !current(thisUpdate: single.thisUpdate, nextUpdate: single.nextUpdate, at: time)
                    {
                        note("\(listed); a hold may be lifted, and this response is not current at \(at), so it does not show the certificate was on hold then")
                        unusable.append("an OCSP response showing a hold is not current at \(at)")
                        continue
                    }
                    note(listed)
                    revoked.append((date, reason, source))
                case .unknown:
                    note("OCSP response by \(who), \(times): signature verified; the responder does not know the certificate")
                    unusable.append("an OCSP response says unknown")
                case .good:
                    let (usable, freshness) = self.freshness(
                        thisUpdate: max(single.thisUpdate, response.producedAt), nextUpdate: single.nextUpdate, at: time, certificate: certificate,
                        claimedTime: claimedTime)
                    note("OCSP response by \(who), \(times): signature verified; good; \(freshness)")
                    if usable { goodSources.append(source) } else { unusable.append("an OCSP response is not current at \(at)") }
                }
            }
        }
        if embedded.count > RevocationInput.maximumEmbedded {
            findings.append(
                RevocationFinding(
                    kind: .crl, origin: .embedded,
                    text: "\(embedded.count - RevocationInput.maximumEmbedded) further pieces of the seal's revocation data were not examined"))
        }

        let status: SealRevocationStatus
        if let earliest = revoked.min(by: { $0.date < $1.date }) {
            // A revocation is effective from its date; skew does not excuse it.
            if earliest.date <= time {
                status = .revokedBefore(date: earliest.date, reason: earliest.reason, source: earliest.source)
            } else {
                status = .revokedAfter(date: earliest.date, reason: earliest.reason, source: earliest.source)
            }
        } else if let first = goodSources.first {
            status = .good("not revoked at \(at)\(proven ? " (the time-stamped time)" : ""), per \(first)")
        } else if inputs.isEmpty {
            status = .notChecked("no revocation data (no rVals in the seal, none given)")
        } else if issuer == nil {
            status = .notChecked("the issuing CA's certificate (\(certificate.issuer.text)) is not at hand, so no revocation data could be verified")
        } else {
            let reasons = Array(Set(unusable)).sorted()
            status = .notChecked(
                reasons.isEmpty
                    ? "none of the revocation data is about \(role)"
                    : "no usable revocation data for \(at): \(reasons.joined(separator: "; "))")
        }
        return SealRevocationCheck(status: status, findings: findings)
    }

    /// For a delegated responder, the time at which its "good" needed a vouching CRL of the CA and has none at hand;
    /// `nil` when one vouches, or when the CA marked the responder id-pkix-ocsp-nocheck (to be trusted for its
    /// lifetime). A CRL vouches when it does not list the responder at all and is current at the latest moment that
    /// matters: the verification time, or when the responder's certificate expired (CAs drop expired certificates from
    /// CRLs, so a later CRL's silence says nothing). An older CRL would not do: a leaked key can backdate producedAt into
    /// any old CRL's window.
    func unvouchedTime(of responder: Certificate, crls: [CertificateRevocationList]) -> Date? {
        guard !Self.isMarkedNoCheck(responder) else { return nil }
        let judged = min(now, responder.notValidAfter)
        let vouched = crls.contains { crl in
            crl.scopeLimitation == nil && crl.thisUpdate <= now.addingTimeInterval(clockSkew)
                && crl.thisUpdate <= responder.notValidAfter.addingTimeInterval(clockSkew)
                && current(thisUpdate: crl.thisUpdate, nextUpdate: crl.nextUpdate, at: judged)
                && crl.entry(for: responder.serialNumber) == nil
        }
        return vouched ? nil : judged
    }

    /// Whether a responder certificate carries id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1): its CA vouches for it for
    /// its whole lifetime, so its own revocation status is not asked for.
    public static func isMarkedNoCheck(_ responder: Certificate) -> Bool {
        responder.extensions[oid: "1.3.6.1.5.5.7.48.1.5"] != nil
    }

    /// Whether data issued at `thisUpdate` (until `nextUpdate`) is current at `time`: issued by then and not yet due
    /// for replacement, or issued after it.
    func current(thisUpdate: Date, nextUpdate: Date?, at time: Date) -> Bool {
        if thisUpdate >= time.addingTimeInterval(-clockSkew) { return true }
        return nextUpdate.map { $0 >= time.addingTimeInterval(-clockSkew) } ?? false
    }

    /// Whether "not revoked" data counts for `time`, and the phrase that says why.
    func freshness(thisUpdate: Date, nextUpdate: Date?, at time: Date, certificate: Certificate, claimedTime: Date?) -> (Bool, String) {
        let at = XSDDateTime.format(time)
        // Data dated after the verification time comes from a clock that cannot be right, or was made to look current.
        if thisUpdate > now.addingTimeInterval(clockSkew) {
            return (
                false, "dated \(XSDDateTime.format(thisUpdate)), in the future (the verification time is \(XSDDateTime.format(now))), so it is not believed"
            )
        }
        if thisUpdate >= time.addingTimeInterval(-clockSkew) {
            if thisUpdate > certificate.notValidAfter.addingTimeInterval(clockSkew) {
                return (false, "issued after the certificate expired, when the CA need no longer list it, so it proves nothing")
            }
            return (true, "issued after \(at), while the certificate was valid: current")
        }
        if let nextUpdate, nextUpdate >= time.addingTimeInterval(-clockSkew) {
            return (true, "current at \(at)")
        }
        var text =
            "stale for \(at) (issued \(XSDDateTime.format(thisUpdate))"
            + (nextUpdate.map { ", next update due \(XSDDateTime.format($0))" } ?? ", no nextUpdate") + ")"
        if let claimedTime, thisUpdate >= claimedTime.addingTimeInterval(-clockSkew) || (nextUpdate.map { $0 >= claimedTime } ?? false) {
            text += "; it covers the claimed signing time \(XSDDateTime.format(claimedTime)), which no trusted time-stamp proves"
        }
        return (false, text)
    }

    /// The certificate among `candidates` that issued `certificate`: its subject is the issuer name and its key
    /// verifies the certificate's signature.
    public static func issuer(of certificate: Certificate, among candidates: [Certificate]) -> Certificate? {
        candidates.first { candidate in
            candidate.subject == certificate.issuer && CertificateMemo.isValidSignature(of: certificate, by: candidate.publicKey)
        }
    }
}
