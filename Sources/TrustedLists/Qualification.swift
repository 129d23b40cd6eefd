import CredentialJSON
import Foundation
import SwiftASN1
import X509

/// What a seal certificate's QcStatements (ETSI EN 319 412-5) claim, as the verifier read them.
public struct CertificateQCClaims: Sendable, Hashable {
    /// The QcType values.
    public enum QCType: Sendable, Hashable {
        /// `id-etsi-qct-esign`.
        case eSignature
        /// `id-etsi-qct-eseal`.
        case eSeal
        /// `id-etsi-qct-web`.
        case webSiteAuthentication
    }

    /// `QcCompliance`: the certificate says it is qualified.
    public var compliance: Bool
    /// `QcSSCD`: the certificate says its key is in a QSCD.
    public var qscd: Bool
    /// `QcType`.
    public var types: Set<QCType>

    /// Creates the claims.
    public init(compliance: Bool, qscd: Bool, types: Set<QCType>) {
        self.compliance = compliance
        self.qscd = qscd
        self.types = types
    }
}

/// A seal's qualification under the EU trusted lists (ETSI TS 119 615, for e-seals).
public struct SealQualification: Sendable, Hashable {
    /// The outcome.
    public enum Level: String, Sendable, Hashable {
        /// A qualified certificate for e-seals whose key is in a QSCD: a qualified electronic seal.
        case qualifiedESeal
        /// A qualified certificate for e-seals without a QSCD: an advanced e-seal with a qualified certificate.
        case advancedESealWithQualifiedCertificate
        /// A qualified certificate, but not one for e-seals (e.g. for e-signatures).
        case advancedWithQualifiedCertificate
        /// Not qualified: no granted service issued it as a qualified certificate.
        case notQualified
    }

    /// The outcome.
    public let level: Level
    /// One sentence for the report, naming the list and service that decide.
    public let text: String
    /// The service that decided, when one was found.
    public let service: String?

    /// Whether the seal is a qualified e-seal.
    public var isQualified: Bool { level == .qualifiedESeal }
}

extension TrustedListSet {
    /// The services whose certificate issued `leaf`, or, along a validated `chain` (leaf first), one of its CA
    /// certificates; then services named by subject and key identifier only, for a CA certificate of that validated
    /// chain.
    ///
    /// A name and a key identifier are not a key: anyone can make a CA certificate with both. A service identified
    /// only so is therefore matched against CA certificates whose keys a validated chain vouches for, never against
    /// the names a seal certificate states about its issuer.
    public func services(issuing leaf: Certificate, chain: [Certificate] = []) -> [ServiceReference] {
        let issuers = (certificatesBySubject[leaf.issuer] ?? []).filter { $0.publicKey.isValidSignature(leaf.signature, for: leaf) }
        if !issuers.isEmpty { return issuers.flatMap { servicesByCertificate[$0] ?? [] } }
        for certificate in chain.dropFirst() {
            let same = (certificatesBySubject[certificate.subject] ?? []).filter { $0.publicKey == certificate.publicKey }
            if !same.isEmpty { return same.flatMap { servicesByCertificate[$0] ?? [] } }
        }
        for certificate in chain.dropFirst() {
            guard let extensionValue = try? certificate.extensions.subjectKeyIdentifier else { continue }
            let identifier = Array(extensionValue.keyIdentifier)
            let named = (servicesByName[Self.normalized(String(describing: certificate.subject))] ?? []).filter {
                $0.service.identity.subjectKeyIdentifiers.contains(identifier)
            }
            if !named.isEmpty { return named }
        }
        return []
    }

    /// CA certificates of services granted at `time` for e-seals that may have issued `leaf` (directly or through
    /// `intermediates`): the anchors a chain to the trusted lists ends at. Path validation decides which, if any, does.
    public func anchors(forSealCertificate leaf: Certificate, intermediates: [Certificate], at time: Date) -> [Certificate] {
        var names = Set([leaf.issuer])
        for certificate in intermediates {
            names.insert(certificate.issuer)
            names.insert(certificate.subject)
        }
        var anchors: [Certificate] = []
        for name in names {
            for certificate in certificatesBySubject[name] ?? [] {
                let granted = (servicesByCertificate[certificate] ?? []).contains { reference in
                    guard let period = reference.service.period(at: time) else { return false }
                    return period.type == ServiceTypeURI.caQC && period.isGranted && period.isForESeals
                }
                if granted { anchors.append(certificate) }
            }
        }
        return anchors
    }

    /// The qualification of a seal made with `leaf` at `time` (the proven time, else the verification time).
    ///
    /// - Parameters:
    ///   - chain: the validated chain (leaf first), when it is trusted; `[]` otherwise.
    ///   - claims: the certificate's QcStatements.
    public func qualify(_ leaf: Certificate, chain: [Certificate], claims: CertificateQCClaims, at time: Date) -> SealQualification {
        let services = services(issuing: leaf, chain: chain)
        let when = XSDDateTime.format(time)
        guard !services.isEmpty else {
            // Lists that went out of date while loaded may be why: say so, the remedy is a current copy.
            let outdatedNote = outdated.isEmpty ? "" : "; not used any more, out of date: \(outdated.joined(separator: ", "))"
            return SealQualification(
                level: .notQualified,
                text:
                    "not qualified (issuer not on the trusted lists: no CA/QC service of the \(lists.count) loaded list\(lists.count == 1 ? "" : "s") issued \(leaf.issuer)\(outdatedNote))",
                service: nil)
        }
        var outcomes: [SealQualification] = []
        let facts = CriteriaList.CertificateFacts(leaf)
        for reference in services {
            guard let period = reference.service.period(at: time) else {
                outcomes.append(
                    SealQualification(
                        level: .notQualified, text: "not qualified (the \(reference.label) had no status yet at \(when))", service: reference.label))
                continue
            }
            guard period.type == ServiceTypeURI.caQC else {
                outcomes.append(
                    SealQualification(
                        level: .notQualified, text: "not qualified (the \(reference.label) was not a CA/QC service at \(when))",
                        service: reference.label))
                continue
            }
            guard period.isGranted else {
                outcomes.append(
                    SealQualification(
                        level: .notQualified,
                        text:
                            "not qualified (the \(reference.label) is \(period.statusName) since \(XSDDateTime.format(period.start)), before the seal's time \(when))",
                        service: reference.label))
                continue
            }
            let outcome = Self.judge(leaf, facts: facts, claims: claims, period: period, reference: reference, when: when)
            // Nothing beats a qualified e-seal: the first service that supports it decides.
            if outcome.level == .qualifiedESeal { return outcome }
            outcomes.append(outcome)
        }
        // A certificate under several services: the best-supported outcome decides (TS 119 615 asks for agreement; the
        // report names the service that supports it).
        let order: [SealQualification.Level] = [.qualifiedESeal, .advancedESealWithQualifiedCertificate, .advancedWithQualifiedCertificate, .notQualified]
        return outcomes.min { order.firstIndex(of: $0.level)! < order.firstIndex(of: $1.level)! }!
    }

    /// TS 119 615's combination of the certificate's claims with a granted service's qualifiers and additional
    /// service information.
    static func judge(
        _ leaf: Certificate, facts: CriteriaList.CertificateFacts, claims: CertificateQCClaims, period: ServiceStatusPeriod, reference: ServiceReference,
        when: String
    ) -> SealQualification {
        var qualified = claims.compliance
        var qscd = claims.qscd
        var types = claims.types
        var typeFromList: CertificateQCClaims.QCType?
        var applied: [String] = []
        for element in period.qualifications where element.criteria.matches(facts) {
            for qualifier in element.qualifiers {
                switch qualifier {
                case QualifierURI.qcStatement: qualified = true
                case QualifierURI.notQualified: qualified = false
                case QualifierURI.forESeal: typeFromList = .eSeal
                case QualifierURI.forESig: typeFromList = .eSignature
                case QualifierURI.forWSA: typeFromList = .webSiteAuthentication
                case QualifierURI.withQSCD, QualifierURI.qscdManagedOnBehalf: qscd = true
                case QualifierURI.noQSCD: qscd = false
                case QualifierURI.qscdStatusAsInCert: qscd = claims.qscd
                default: continue
                }
                applied.append(qualifier.split(separator: "/").last.map(String.init) ?? qualifier)
            }
        }
        // Qualifiers override the certificate's QcStatements (the list is the supervisor's word); NotQualified wins.
        if applied.contains("NotQualified") { qualified = false }
        if let typeFromList { types = [typeFromList] }
        // A qualified certificate stating no type is one for e-signatures (EN 319 412-5 §4.2.3); a service whose
        // additional information names only one purpose settles it.
        if types.isEmpty {
            let purposes = period.additionalInformation
            if purposes == [AdditionalServiceInformationURI.forESeals] { types = [.eSeal] } else { types = [.eSignature] }
        }
        let by = "the \(reference.label), granted since \(XSDDateTime.format(period.start))"
        let qualifierText = applied.isEmpty ? "" : "; qualifiers \(applied.joined(separator: ", "))"
        guard qualified else {
            return SealQualification(
                level: .notQualified,
                text: "not qualified (neither the certificate's QcStatements nor \(by) make it a qualified certificate\(qualifierText))",
                service: reference.label)
        }
        if types.contains(.eSeal) {
            // A service whose additional information lists purposes but not e-seals does not issue qualified e-seal
            // certificates, whatever the certificate says.
            if !period.additionalInformation.isEmpty, !period.additionalInformation.contains(AdditionalServiceInformationURI.forESeals) {
                return SealQualification(
                    level: .notQualified,
                    text: "not qualified (the certificate says it is for e-seals, but \(by) does not issue qualified certificates for e-seals)",
                    service: reference.label)
            }
            if qscd {
                return SealQualification(
                    level: .qualifiedESeal,
                    text: "qualified e-seal with QSCD (a qualified certificate for e-seals, key in a qualified device), per \(by)\(qualifierText)",
                    service: reference.label)
            }
            return SealQualification(
                level: .advancedESealWithQualifiedCertificate,
                text: "advanced e-seal with a qualified certificate (qualified for e-seals, no QSCD), per \(by)\(qualifierText)",
                service: reference.label)
        }
        let purpose = types.contains(.eSignature) ? "e-signatures" : "website authentication"
        return SealQualification(
            level: .advancedWithQualifiedCertificate,
            text: "advanced seal with a qualified certificate for \(purpose), not for e-seals, per \(by)\(qualifierText)",
            service: reference.label)
    }
}

extension CriteriaList {
    /// Whether `certificate` meets the criteria (TS 119 612 §5.5.9.2.2). Criteria this reader cannot evaluate count as
    /// not met, so an unreadable qualification never upgrades a certificate.
    public func matches(_ certificate: Certificate) -> Bool { matches(CertificateFacts(certificate)) }

    /// What the criteria look at in a certificate, read once for all the qualification elements that test it.
    public struct CertificateFacts: Sendable {
        let keyUsage: KeyUsage?
        let policies: Set<String>

        /// Reads the key usage and policy OIDs of `certificate`.
        public init(_ certificate: Certificate) {
            keyUsage = try? certificate.extensions.keyUsage
            policies = CriteriaList.policyOIDs(certificate)
        }
    }

    func matches(_ facts: CertificateFacts) -> Bool {
        var results: [Bool] = []
        for bits in keyUsage {
            results.append(bits.allSatisfy { name, wanted in (facts.keyUsage.map { Self.bit(name, of: $0) } ?? false) == wanted })
        }
        for set in policySets { results.append(!set.isEmpty && set.allSatisfy(facts.policies.contains)) }
        for list in nested { results.append(list.matches(facts)) }
        for _ in unsupported { results.append(false) }
        switch assert {
        case "atLeastOne": return results.contains(true)
        case "none": return !results.contains(true)
        default: return !results.isEmpty && results.allSatisfy { $0 }
        }
    }

    static func bit(_ name: String, of usage: KeyUsage) -> Bool {
        switch name {
        case "digitalSignature": return usage.digitalSignature
        case "nonRepudiation", "contentCommitment": return usage.nonRepudiation
        case "keyEncipherment": return usage.keyEncipherment
        case "dataEncipherment": return usage.dataEncipherment
        case "keyAgreement": return usage.keyAgreement
        case "keyCertSign": return usage.keyCertSign
        case "crlSign", "cRLSign": return usage.cRLSign
        case "encipherOnly": return usage.encipherOnly
        case "decipherOnly": return usage.decipherOnly
        default: return false
        }
    }

    /// The certificate's policy OIDs (dotted), from its certificatePolicies extension.
    static func policyOIDs(_ certificate: Certificate) -> Set<String> {
        guard let policies = certificate.extensions[oid: [2, 5, 29, 32]],
            let root = try? DER.parse(policies.value), case .constructed(let items) = root.content
        else { return [] }
        var out: Set<String> = []
        for item in items {
            guard case .constructed(let parts) = item.content, let first = parts.first(where: { _ in true }),
                let oid = try? ASN1ObjectIdentifier(derEncoded: first)
            else { continue }
            out.insert(oid.description)
        }
        return out
    }
}
