import Foundation
import JAdES
import TrustedLists
import X509

extension QualifiedStatus {
    /// The certificate's QcStatements as the trusted-list qualification reads them.
    var claims: CertificateQCClaims {
        var types: Set<CertificateQCClaims.QCType> = []
        for type in qcTypes {
            switch type {
            case "e-signature": types.insert(.eSignature)
            case "e-seal": types.insert(.eSeal)
            case "website authentication": types.insert(.webSiteAuthentication)
            default: break
            }
        }
        return CertificateQCClaims(compliance: qcCompliance, qscd: qcSSCD, types: types)
    }
}

extension SealTrust {
    /// The CA certificates of services on the loaded trusted lists that were granted, for e-seals, at `time` and may have
    /// issued the seal certificate: added to the user's anchors, so a qualified CA needs no hand-picked certificate.
    static func trustedListAnchors(_ signature: JAdESSignatureVerification, leaf: Certificate, at time: Date, policy: VerificationPolicy) -> [Certificate] {
        // At the verification time, not the load time: a server loads its lists once and runs past their NextUpdate.
        guard let lists = policy.trustedLists?.usable(at: policy.now) else { return [] }
        return lists.anchors(
            forSealCertificate: leaf, intermediates: Array(signature.certificateChain.dropFirst()) + signature.unsignedCertificates, at: time)
    }

    /// The seal's qualification under the loaded trusted lists at the judged time, or `nil` when none are loaded.
    static func qualification(leaf: Certificate, chain: JAdESChainValidation, at time: Date, policy: VerificationPolicy) -> SealQualification? {
        guard let lists = policy.trustedLists?.usable(at: policy.now) else { return nil }
        let validated: [Certificate]
        if case .trusted(let certificates) = chain { validated = certificates } else { validated = [] }
        return lists.qualify(leaf, chain: validated, claims: QualifiedStatus(certificate: leaf).claims, at: time)
    }
}
