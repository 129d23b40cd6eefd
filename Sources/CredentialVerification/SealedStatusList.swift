import CredentialJSON
import Foundation
import JAdES
import StatusList
import X509

/// A status list credential sealed with JAdES, as EDC issuers publish them.
///
/// An EDC issuer is an organisation identified by its e-seal; it has no Data Integrity key, so its status list
/// credential is sealed by the same e-seal as its credentials (EBSI: "the status VC is e-signed/e-sealed by the
/// issuer"). The list's `issuer` is an id the list states itself, so the seal is what ties the list to the
/// credential: a sealed list is used only for a credential whose own JAdES seal is intact, and only when
///
/// - the list's seal is intact, and
/// - its signing certificate names the same organisation (`organizationIdentifier`, eIDAS) as the credential's, and
/// - it is the very certificate that sealed the credential, or it chains to one of the verifier's trust anchors
///   (anyone can make a certificate that claims an organisation identifier; a renewed certificate counts only
///   when a trust anchor vouches for it).
///
/// The list credential itself (the payload) is then checked like any other (type, purpose, issuer = the
/// credential's issuer).
enum SealedStatusList {
    /// What a list's seal showed, kept with the cached list so that a later credential is judged against it too.
    struct Binding: Sendable, Hashable {
        /// The sealing certificate's `organizationIdentifier`.
        var organizationIdentifier: String?
        /// SHA-256 of the sealing certificate (lowercase hex).
        var certificateFingerprint: String
        /// The sealer's name, for messages.
        var sealer: String
        /// Whether the sealing certificate chains to a trust anchor of the verifier.
        var chainTrusted: Bool

        init(organizationIdentifier: String?, certificateFingerprint: String, sealer: String, chainTrusted: Bool) {
            self.organizationIdentifier = organizationIdentifier
            self.certificateFingerprint = certificateFingerprint
            self.sealer = sealer
            self.chainTrusted = chainTrusted
        }

        /// Text for ``StatusListCache`` (which knows nothing of JAdES).
        var encoded: String {
            var record: JSONObject = ["cert": .string(certificateFingerprint), "by": .string(sealer), "trusted": .bool(chainTrusted)]
            if let organizationIdentifier { record["org"] = .string(organizationIdentifier) }
            return JSONWriter.string(.object(record))
        }

        init(encoded: String) throws(StatusListError) {
            guard let record = try? JSONParser.parse(encoded), let cert = record["cert"]?.stringValue else {
                throw StatusListError(.verification, "the cached status list's seal record is unreadable")
            }
            self.init(
                organizationIdentifier: record["org"]?.stringValue, certificateFingerprint: cert,
                sealer: record["by"]?.stringValue ?? "?", chainTrusted: record["trusted"]?.boolValue ?? false)
        }

        /// The line the Revocation check shows for a list read under this seal.
        func detail(url: String) -> String {
            "Status list \(url) sealed (JAdES) by \(sealer)" + (organizationIdentifier.map { " (organisationIdentifier \($0))" } ?? "")
                + (chainTrusted ? ", certificate chain trusted" : "")
        }

        /// Throws unless a list sealed as this binding says may be used for a credential with seal evidence `seal`.
        func accept(for seal: SealEvidence, url: String) throws(StatusListError) {
            guard case .jades(let result, _) = seal else {
                throw StatusListError(
                    .verification,
                    "the status list \(url) is sealed with JAdES, but the credential is not, "
                        + "so nothing ties the list's seal to the credential's issuer")
            }
            guard result.isValid, let signer = result.signatures.first?.signer else {
                throw StatusListError(
                    .verification,
                    "the status list \(url) is sealed with JAdES, but the credential's own seal is not intact, "
                        + "so nothing ties the list's seal to the credential's issuer")
            }
            guard let org = organizationIdentifier, org == signer.organizationIdentifier else {
                let credentialOrg = signer.organizationIdentifier.map { "organisationIdentifier \($0)" } ?? "no organisationIdentifier"
                let listOrg = organizationIdentifier.map { "organisationIdentifier \($0)" } ?? "no organisationIdentifier"
                throw StatusListError(
                    .verification,
                    "the status list \(url) is sealed by \(sealer) (\(listOrg)), not by the organisation that sealed "
                        + "the credential, \(signer.organizationName ?? signer.commonName ?? signer.subject) (\(credentialOrg))")
            }
            guard certificateFingerprint == signer.sha256Fingerprint || chainTrusted else {
                throw StatusListError(
                    .verification,
                    "the status list \(url) is sealed with another certificate of \(org) than the credential, "
                        + "and no trust anchor vouches for that certificate")
            }
        }
    }

    /// Verifies a sealed list for the credential whose seal evidence is `credentialSeal`, and returns the list
    /// credential (the payload) with the binding to cache beside it.
    static func open(
        _ document: JSONValue, url: String, credentialSeal: SealEvidence, verifier: JAdESVerifier,
        trustAnchors: [Certificate], now: Date
    ) async throws(StatusListError) -> (credential: JSONValue, binding: Binding) {
        // Refuse before the work of verifying: a sealed list can never vouch for a credential that is not sealed.
        guard case .jades = credentialSeal else {
            throw StatusListError(
                .verification,
                "the status list \(url) is sealed with JAdES, but the credential is not, "
                    + "so nothing ties the list's seal to the credential's issuer")
        }
        let parsed: JWSJSONDocument
        do { parsed = try JWSJSONDocument(document) } catch {
            throw StatusListError(.verification, "the status list \(url) is not a readable JAdES document: \(error.message)")
        }
        let result = verifier.verify(parsed)
        guard result.isValid, let signature = result.signatures.first, signature.signingCertificate != nil,
            let summary = signature.signer, let payload = result.payload
        else {
            let why = result.firstError?.reason ?? "no valid signature"
            throw StatusListError(.verification, "the status list \(url)'s seal is broken: \(why)")
        }
        // A status list speaks for now: its certificate must be valid now, whatever sigT claims.
        let chain = await JAdESChainValidator(trustAnchors: trustAnchors).validate(signature, validationTime: now)
        let binding = Binding(
            organizationIdentifier: summary.organizationIdentifier, certificateFingerprint: summary.sha256Fingerprint,
            sealer: summary.organizationName ?? summary.commonName ?? summary.subject,
            chainTrusted: !trustAnchors.isEmpty && chain.isTrusted)
        try binding.accept(for: credentialSeal, url: url)
        let credential: JSONValue
        do { credential = try JSONParser.parse(payload) } catch {
            throw StatusListError(.retrieval, "the payload of the sealed status list \(url) is not JSON: line \(error.line):\(error.column): \(error.message)")
        }
        return (credential, binding)
    }
}
