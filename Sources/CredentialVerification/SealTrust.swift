import CredentialJSON
import Foundation
import JAdES
import TrustedLists
import X509

/// What the evidence around a JAdES seal shows, beyond its signature: which organisation sealed it and whether that
/// binds to the issuer the payload names, whether the seal certificate chains to an anchor the user chose, and at which
/// time that was judged — a time proven by a trusted time-stamp, or else the verification time.
///
/// A seal's `sigT` is what the signer says, so it never decides trust: a certificate that has expired is judged expired
/// unless a time-stamp from a trusted time-stamping authority proves the seal existed while it was valid.
public struct SealTrust: Sendable {
    /// The seal certificate's chain, judged at ``judgedAt``; `nil` when the seal has no usable certificate.
    public let chain: JAdESChainValidation?
    /// When the chain was judged: the proven time, or the verification time.
    public let judgedAt: Date
    /// The time a verified time-stamp from a trusted authority proves, when there is one.
    public let provenTime: ProvenSealTime?
    /// Why a time-stamp counts for nothing (its authority is not trusted, …), one line each.
    public let timeStampNotes: [String]
    /// Set when the chain fails only because it is judged now: the certificate expired (or is not yet valid), and no
    /// trusted time-stamp shows the seal was made while it was valid.
    public let unprovenTime: String?
    /// Whether the payload's issuer is the sealing organisation.
    public let binding: SealBinding
    /// A name in the seal's own certificates that says DEMO (the seal certificate's subject or issuer, a CA certificate
    /// of `x5c`): demo material such as skillcred's data-directory demo seal, however the chain is judged.
    public let demoName: String?
    /// The seal's time-stamps and long-term validation data (B-T/B-LT/B-LTA), and its certificate's revocation status.
    public var longTerm: SealLongTermEvidence? = nil
    /// The seal's qualification under the loaded EU trusted lists, judged at ``judgedAt``; `nil` when none are loaded.
    public var qualification: SealQualification?

    /// Whether the chain reached an anchor.
    public var chainTrusted: Bool { chain?.isTrusted ?? false }

    /// Whether the trust rests on public demo material (an anchor that says DEMO in its name).
    public var restsOnDemoAnchor: Bool {
        if case .trusted(let certificates)? = chain, let anchor = certificates.last { return DemoMaterial.isDemo(anchor) }
        return false
    }

    /// A seal that could not be evaluated (no usable signature or certificate).
    static let unusable = SealTrust(
        chain: nil, judgedAt: Date(timeIntervalSince1970: 0), provenTime: nil, timeStampNotes: [],
        unprovenTime: nil, binding: .notApplicable, demoName: nil)
}

/// A time proven by an RFC 3161 time-stamp whose authority chains to a time-stamping anchor.
public struct ProvenSealTime: Sendable, Hashable {
    /// The token's `genTime`.
    public let time: Date
    /// The time-stamping authority's certificate subject.
    public let authority: String
    /// Whether the authority's anchor is demo material.
    public let demoAnchor: Bool
}

/// Whether a sealed payload's issuer is the organisation that sealed it.
public enum SealBinding: Sendable, Hashable {
    /// Bound; the text says how.
    case bound(String)
    /// Not bound; the text names both sides.
    case unbound(String)
    /// The payload names no issuer, so it claims nothing the seal could contradict.
    case notApplicable

    /// `false` only for ``unbound(_:)``.
    public var isBound: Bool { if case .unbound = self { return false } else { return true } }
}

/// Public demo material: certificates whose subject says DEMO, like the CA of `samples/demo-seal` and the demo CA that
/// `skillcred serve`, `issue`, `seal` and `status publish` make in their data directory at first use (``DemoSeal``,
/// every name "DEMO ONLY", the CA key discarded). It is never trusted by default: trust resting on it (its CA given as
/// an anchor) is labelled DEMO wherever it is reported, and so is an untrusted seal whose certificates say DEMO.
public enum DemoMaterial {
    /// What a demo certificate's name contains.
    public static let marker = "DEMO"

    /// Whether a certificate is demo material by its own name.
    public static func isDemo(_ certificate: Certificate) -> Bool {
        certificate.subject.text.contains(marker)
    }

    /// The first name in a seal's certificate chain (each certificate's subject, then its issuer) that says DEMO.
    public static func name(in chain: [Certificate]) -> String? {
        for certificate in chain {
            for name in [certificate.subject, certificate.issuer] {
                let text = name.text
                if text.contains(marker) { return text }
            }
        }
        return nil
    }
}

extension SealTrust {
    /// Evaluates a verified seal's evidence under `policy`.
    ///
    /// - Parameters:
    ///   - signature: the seal's first signature, as ``JAdESVerifier`` checked it.
    ///   - entry: the same signature as it appears in the document (its unprotected header and signature value).
    ///   - payload: the parsed payload (for the issuer binding).
    static func evaluate(
        _ signature: JAdESSignatureVerification, entry: JWSSignatureEntry?, payload: JSONValue?,
        isEDC: Bool, policy: VerificationPolicy, payloadMember: String? = nil
    ) async -> SealTrust {
        guard let leaf = signature.signingCertificate else { return .unusable }
        let now = policy.now
        var notes: [String] = []
        var proven: ProvenSealTime?
        // Each sigTst as examined here (parsed, and its authority judged when it got that far), handed to the
        // long-term evidence so that it neither parses a token nor builds a TSA chain a second time.
        var examined: [ExaminedSignatureTimeStamp] = []
        if let entry {
            let tokens = JAdESTimeStamps.signatureTimeStampTokens(in: signature.unsignedProperties)
            let imprintInput = JAdESTimeStamps.signatureTimeStampInput(signatureEncoded: entry.signatureEncoded)
            let validator = TimeStampAuthorityValidator(trustAnchors: policy.timeStampAnchors)
            // Time-stamps sit in the unsigned header, so anyone can add or spoil one: a bad one proves nothing and is
            // noted, but never fails a seal that is otherwise genuine. Sixteen is far more than a real seal carries.
            if tokens.count > 16 { notes.append("\(tokens.count - 16) further time-stamps were not examined") }
            for der in tokens.prefix(16) {
                let token: TimeStampToken
                do { token = try TimeStampToken(derEncoded: der) } catch {
                    examined.append(ExaminedSignatureTimeStamp(token: .failure(error), authority: nil))
                    notes.append("a time-stamp does not verify, so it proves nothing: \(error.message)")
                    continue
                }
                examined.append(ExaminedSignatureTimeStamp(token: .success(token), authority: nil))
                guard token.imprintMatches(imprintInput) else {
                    notes.append(
                        "a time-stamp of \(XSDDateTime.format(token.genTime)) is not over this seal's signature (its message imprint differs), so it proves nothing"
                    )
                    continue
                }
                if let claimed = signature.signingTime, token.genTime < claimed.addingTimeInterval(-policy.clockSkew) {
                    notes.append(
                        "a time-stamp of \(XSDDateTime.format(token.genTime)) is earlier than the claimed signing time \(signature.signingTimeText ?? ""), so it proves nothing"
                    )
                    continue
                }
                let authority = token.signerCertificate.subject.text
                let judged = await validator.validate(token, intermediates: signature.unsignedCertificates)
                examined[examined.count - 1].authority = judged
                switch judged {
                case .trusted(let chain):
                    if proven == nil || token.genTime < proven!.time {
                        proven = ProvenSealTime(
                            time: token.genTime, authority: authority,
                            demoAnchor: chain.last.map(DemoMaterial.isDemo) ?? false)
                    }
                case .untrusted(let reason):
                    let why = policy.timeStampAnchors.isEmpty ? "no time-stamping trust anchors are configured" : reason
                    notes.append("the time-stamp of \(XSDDateTime.format(token.genTime)) by \(authority) does not prove the time: \(why)")
                }
            }
        }
        let judgedAt = proven?.time ?? now
        let listAnchors = trustedListAnchors(signature, leaf: leaf, at: judgedAt, policy: policy)
        let validator = JAdESChainValidator(trustAnchors: policy.trustAnchors + listAnchors)
        let chain = await validator.validate(signature, validationTime: judgedAt)
        var unproven: String?
        if proven == nil {
            let stamped =
                notes.isEmpty
                ? "no time-stamp"
                : "no time-stamp from a trusted authority"
                    + (notes.first { $0.hasPrefix("a time-stamp") }.map { "; \($0)" } ?? "")
            if leaf.notValidAfter < now.addingTimeInterval(-policy.clockSkew) {
                unproven = "the seal cannot be shown to predate the certificate's expiry on \(XSDDateTime.format(leaf.notValidAfter)) (\(stamped))"
            } else if leaf.notValidBefore > now.addingTimeInterval(policy.clockSkew) {
                unproven = "the seal certificate is not valid until \(XSDDateTime.format(leaf.notValidBefore)) (\(stamped))"
            } else if !chain.isTrusted, let claimed = signature.signingTime, !policy.trustAnchors.isEmpty,
                await validator.validate(signature, validationTime: claimed).isTrusted
            {
                // A CA certificate of the chain has expired since: the claimed time would pass, nothing proves it.
                unproven =
                    "the seal's certificate chain was valid at the claimed signing time \(signature.signingTimeText ?? "") but not now, and \(stamped) proves that time"
            }
        }
        let binding = SealBinding.evaluate(
            payload: payload, isEDC: isEDC, signer: signature.signer ?? JAdESCertificateSummary(leaf),
            chainTrusted: chain.isTrusted, trustedIssuers: policy.trustedIssuers)
        var trust = SealTrust(
            chain: chain, judgedAt: judgedAt, provenTime: proven, timeStampNotes: notes,
            unprovenTime: unproven, binding: binding, demoName: DemoMaterial.name(in: signature.certificateChain))
        trust.longTerm = await SealLongTermEvidence.evaluate(
            signature, entry: entry, payloadMember: payloadMember, chain: chain, judgedAt: judgedAt, proven: proven != nil, policy: policy,
            signatureTimeStamps: examined)
        trust.qualification = qualification(leaf: leaf, chain: chain, at: judgedAt, policy: policy)
        return trust
    }
}

/// One `sigTst` token of a seal as ``SealTrust`` examined it: the token (or why it does not verify) and, when it got
/// that far, its authority's chain judged with the signature's ``JAdESSignatureVerification/unsignedCertificates`` as
/// intermediates.
struct ExaminedSignatureTimeStamp: Sendable {
    let token: Result<TimeStampToken, JAdESError>
    var authority: JAdESChainValidation?
}

extension SealBinding {
    /// Binds a sealed payload's issuer to the seal certificate's organisation.
    ///
    /// - An EDC's issuer is bound when its `eIDASIdentifier` names the certificate's `organizationIdentifier` (by the
    ///   semantics of ``EIDASOrganizationIdentifier``), or when its id is the one skillcred derives from that identifier.
    /// - Any other payload's issuer is bound only by a trusted-issuer entry that names both the issuer id and the
    ///   organisation identifier, under a trusted chain (or by the derived id, as for EDCs).
    static func evaluate(
        payload: JSONValue?, isEDC: Bool, signer: JAdESCertificateSummary, chainTrusted: Bool,
        trustedIssuers: TrustedIssuerList?
    ) -> SealBinding {
        guard let payload, let issuerValue = payload["issuer"] else { return .notApplicable }
        let issuerID = CredentialText.id(of: issuerValue)
        let sealer = signer.organizationName ?? signer.commonName ?? signer.subject
        let org = signer.organizationIdentifier
        let sealedBy = "sealed by \(sealer)" + (org.map { " (\($0))" } ?? " (no organisationIdentifier)")
        guard let org else {
            return .unbound(
                "The seal does not bind to the issuer: \(sealedBy), and a certificate without an organisation identifier cannot vouch for the issuer \(issuerID ?? "named in the credential")"
            )
        }
        // An issuer id that the trusted-issuer list (or skillcred's derived-id rule applied to a listed organisation)
        // gives to another organisation cannot be claimed by this one, whatever its eIDAS identifier says.
        if let issuerID,
            let owner = trustedIssuers?.entries.first(where: { entry in
                guard let listed = entry.organizationIdentifier, listed != org else { return false }
                return entry.id == issuerID || EIDASOrganizationIdentifier.stableIssuerID(organizationIdentifier: listed) == issuerID
            })
        {
            return .unbound(
                "The seal does not bind to the issuer: \(sealedBy), but the credential claims the issuer id \(issuerID), which the trusted-issuer list gives to \(owner.name) (\(owner.organizationIdentifier ?? ""))"
            )
        }
        if let issuerID, issuerID == EIDASOrganizationIdentifier.stableIssuerID(organizationIdentifier: org) {
            return .bound("the issuer id \(issuerID) is derived from the seal's organisation identifier \(org)")
        }
        let legal = LegalIdentifierClaim(issuerValue.asArray.first ?? issuerValue)
        if isEDC {
            guard let legal else {
                return .unbound(
                    "The seal does not bind to the issuer: \(sealedBy), but the credential's issuer \(issuerID ?? "(no id)") states no eIDAS identifier")
            }
            if let parsed = EIDASOrganizationIdentifier(org), parsed.matches(notation: legal.notation, spatialAlpha3: legal.spatialAlpha3) {
                return .bound("the issuer's eIDAS identifier \(legal.text) is the seal's organisation identifier \(org)")
            }
            if EIDASOrganizationIdentifier(org) == nil, legal.notation == org {
                return .bound("the issuer's eIDAS identifier \(legal.text) is the seal's organisation identifier")
            }
            return .unbound(
                "The seal does not bind to the issuer: \(sealedBy), but the credential claims to be issued by \(issuerID ?? "an issuer") with eIDAS identifier \(legal.text)"
            )
        }
        if chainTrusted, let issuerID, let entry = trustedIssuers?.entries.first(where: { $0.id == issuerID && $0.organizationIdentifier == org }) {
            return .bound("the trusted-issuer entry \(entry.name) names both the issuer \(issuerID) and the organisation identifier \(org)")
        }
        let why =
            chainTrusted
            ? "and no trusted-issuer entry names both" : "and only a trusted certificate chain with a trusted-issuer entry naming both could bind them"
        return .unbound(
            "The seal does not bind to the issuer: \(sealedBy), but the credential claims to be issued by \(issuerID ?? "an issuer without an id") (\(why))")
    }
}

/// An EDC issuer's `eIDASIdentifier`: the notation, and the country of `spatial` (an EU country authority IRI).
struct LegalIdentifierClaim {
    let notation: String
    let spatialAlpha3: String?

    init?(_ issuer: JSONValue) {
        let identifier = issuer["eIDASIdentifier"].map { $0.asArray.first ?? $0 }
        guard let notation = identifier?["notation"]?.stringValue, !notation.isEmpty else { return nil }
        self.notation = notation
        let spatial = identifier?["spatial"].map { $0.asArray.first ?? $0 }
        if let iri = CredentialText.id(of: spatial), let code = iri.split(separator: "/").last, code.count == 3 {
            spatialAlpha3 = String(code)
        } else {
            spatialAlpha3 = nil
        }
    }

    var text: String { notation + (spatialAlpha3.map { " (\($0))" } ?? "") }
}
