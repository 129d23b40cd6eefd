import BundledContexts
import CredentialDataModel
import CredentialJSON
import DataIntegrity
import Foundation
import JAdES
import JSONLD
import JSONLDToRDF
import ProfileValidation
import StatusList
import SwiftASN1
import Synchronization
import X509

// MARK: - Format

/// Format: strict JSON, the VC data model rules (2.0 or 1.1), safe-mode JSON-LD, and the EDC profile for EDCs.
public struct FormatCheck: VerificationCheck {
    /// The EU name of the check.
    public let name = CheckName.format
    /// Creates the check.
    public init() {}

    public func run(_ subject: VerificationSubject, context: VerificationContext) async -> CheckResult {
        if case .sdJWT(let verification) = subject.seal { return SDJWTChecks.format(verification, subject: subject) }
        if let problem = subject.input.problem { return .error(.format, "The file is not readable as a credential: \(problem.detail)", [problem]) }
        guard var document = subject.document else { return .error(.format, "Nothing to check", [.vc(.parsingError, "no document")]) }
        if subject.isPresentation { document = Self.withoutSealedItems(document) }
        var problems: [ProblemDetail] = []
        let validator = DataModelValidator()
        let violations = subject.isPresentation ? validator.validatePresentation(document) : validator.validateCredential(document)
        for violation in violations where !(subject.isEDC && Self.edcAllowed(violation, document)) {
            problems.append(.vc(.malformedValueError, "\(violation.rule): \(violation.message)", path: violation.path.description))
        }
        if subject.isPresentation { problems += Self.selfAssertedProblems(document) }
        if subject.isEDC {
            let report = ProfileValidator(escoCatalog: context.policy.escoCatalog).validate(document)
            for finding in report.violations {
                problems.append(.vc(.malformedValueError, "EDC profile: \(finding.rule): \(finding.message)", path: finding.path.description))
            }
        }
        var undefinedButSealed: [String] = []
        if context.policy.jsonLDFormatCheck && problems.isEmpty {
            let judged = subject.isEDC ? Self.withoutStatusEntries(document) : document
            if subject.input.kind == .jadesSealed {
                // A JAdES seal covers the payload's bytes, so members the contexts do not define are still sealed:
                // worth naming, not a failure. (Under a Data Integrity proof they are unsigned, and safe mode fails them.)
                switch Self.sealedJSONLDProblems(judged, options: context.jsonLDOptions) {
                case .problem(let problem): problems.append(problem)
                case .undefined(let paths): undefinedButSealed = paths
                case .none: break
                }
            } else if let problem = Self.jsonLDProblem(judged, options: context.jsonLDOptions) {
                problems.append(problem)
            }
        }
        if !problems.isEmpty {
            let first = problems[0]
            let more = problems.count > 1 ? " (and \(problems.count - 1) more)" : ""
            return .error(.format, "The data is not in the correct format: \(first.detail)\(first.path.map { " at \($0)" } ?? "")\(more)", problems)
        }
        let model = DataModelVersion.of(document).map { $0 == .v2_0 ? "VC Data Model 2.0" : "VC Data Model 1.1" } ?? "VC data model"
        var parts = ["conforms to \(model)"]
        if subject.isEDC { parts.append("the EDC application profile") }
        if context.policy.jsonLDFormatCheck && undefinedButSealed.isEmpty { parts.append("every term is defined (JSON-LD safe mode)") }
        let wellFormed = "The \(subject.isPresentation ? "presentation" : "credential") is well formed: " + parts.joined(separator: ", ")
        if !undefinedButSealed.isEmpty {
            let listed =
                undefinedButSealed.prefix(8).joined(separator: ", ") + (undefinedButSealed.count > 8 ? " and \(undefinedButSealed.count - 8) more" : "")
            let model = subject.isEDC ? "the EDC model" : "the credential's contexts"
            return .ok(
                .format, "\(wellFormed); warning: sealed, but not part of \(model): \(listed)",
                details: [
                    "Members the JSON-LD contexts do not define are covered by the seal but carry no meaning a verifier can rely on: \(undefinedButSealed.joined(separator: ", "))"
                ])
        }
        return .ok(.format, wellFormed)
    }

    enum SealedJSONLDOutcome {
        case none
        case undefined([String])
        case problem(ProblemDetail)
    }

    /// The JSON-LD judgement of a sealed payload: undefined terms are collected (at most 64), anything else that
    /// safe mode refuses is still a problem.
    static func sealedJSONLDProblems(_ document: JSONValue, options: JSONLDOptions) -> SealedJSONLDOutcome {
        // Nothing is signed over this payload's RDF: whether it converts is all that is asked.
        guard let strict = jsonLDProblem(document, options: options, needsDataset: false) else { return .none }
        struct Found {
            var dropped: [String] = []
            var relativeTypes = false
            var other: JSONLDError?
        }
        final class Collected: Sendable { let found = Mutex(Found()) }
        let collected = Collected()
        var lenient = options
        lenient.safeMode = false
        lenient.warningHandler = { warning in
            collected.found.withLock { collected in
                if warning.code == .safeModeDroppedTerm || warning.code == .safeModeRelativeType, let path = warning.path {
                    // An undefined member, or an undefined type name (which names the object it types).
                    var shown = path.description
                    if warning.code == .safeModeRelativeType, shown.hasSuffix(".type") { shown.removeLast(5) }
                    if collected.dropped.count < 64 && !collected.dropped.contains(shown) { collected.dropped.append(shown) }
                    if warning.code == .safeModeRelativeType { collected.relativeTypes = true }
                } else if collected.other == nil {
                    collected.other = warning
                }
            }
        }
        var unsecured = document
        if case .object(var object) = document, object["proof"] != nil {
            object["proof"] = nil
            unsecured = .object(object)
        }
        let expanded: [JSONValue]
        do { expanded = try JSONLDProcessor.expand(unsecured, documentURL: nil, options: lenient) } catch { return .problem(strict) }
        let (dropped, relativeTypes, other) = collected.found.withLock { ($0.dropped, $0.relativeTypes, $0.other) }
        if let other { return .problem(.vc(.malformedValueError, "JSON-LD: \(other)")) }
        guard !dropped.isEmpty else { return .problem(strict) }
        // Name each undefined object once: members inside an object already named add nothing.
        let named = dropped.filter { path in
            !dropped.contains { other in other != path && (path.hasPrefix(other + ".") || path.hasPrefix(other + "[")) }
        }
        do {
            _ = try RDFConversion.toRDF(expanded: expanded, options: ToRDFOptions(rdfDirection: .i18nDatatype, safeMode: true))
        } catch  where !relativeTypes {
            // The undefined type names kept by lenient expansion are what RDF refuses; anything else is a real problem.
            return .problem(.vc(.malformedValueError, "JSON-LD to RDF: \(error)", path: error.path?.description))
        } catch {}
        return .undefined(named)
    }

    /// A presentation from a wallet may carry JAdES-sealed EDCs (JWS JSON objects) among its credentials.
    /// They are not JSON-LD; each is verified as its own item, so the presentation's own format is judged without them.
    static func withoutSealedItems(_ presentation: JSONValue) -> JSONValue {
        guard var object = presentation.objectValue, let items = object["verifiableCredential"] else { return presentation }
        let kept = items.asArray.filter { !JWSJSONDocument.looksLikeJWS($0) }
        if kept.count == items.asArray.count { return presentation }
        if kept.isEmpty { object["verifiableCredential"] = nil } else { object["verifiableCredential"] = .array(kept) }
        return .object(object)
    }

    /// The EDC context (`edc-ap`) has no terms for status entries: ELM 3.2 only says `credentialStatus`
    /// points to a `CredentialStatus`, with no mechanism. EDCs that carry a Bitstring Status List entry are
    /// therefore judged by JSON-LD without it; the Revocation check reads and validates the entry itself.
    static func withoutStatusEntries(_ document: JSONValue) -> JSONValue {
        guard case .object(var object) = document, object["credentialStatus"] != nil else { return document }
        object["credentialStatus"] = nil
        return .object(object)
    }

    /// EDC 3.x puts `validFrom` (not `issuanceDate`) next to the VC 1.1 context, as the EDC profile requires;
    /// the profile, not VC 1.1 §4.6, decides dates for EDCs.
    static func edcAllowed(_ violation: DataModelViolation, _ document: JSONValue) -> Bool {
        violation.rule == .validityPeriod && document["issuanceDate"] == nil && document["validFrom"] != nil && violation.message.contains("issuanceDate")
    }

    /// VC 2.0 §4.13: a credential without a proof inside a presentation is self-asserted: the presentation
    /// needs a `holder`, and the credential's issuer must be that holder.
    static func selfAssertedProblems(_ presentation: JSONValue) -> [ProblemDetail] {
        let holder = CredentialText.id(of: presentation["holder"])
        var problems: [ProblemDetail] = []
        for (index, vc) in (presentation["verifiableCredential"]?.asArray ?? []).enumerated() {
            guard vc.isObject, vc["proof"] == nil,
                !(vc["type"]?.asArray.contains("EnvelopedVerifiableCredential") ?? false)
            else { continue }
            let path = "$.verifiableCredential[\(index)]"
            guard let holder else {
                problems.append(
                    .vc(.malformedValueError, "the credential has no proof, so it is self-asserted, but the presentation names no holder", path: path))
                continue
            }
            if let issuer = CredentialText.issuerID(vc), issuer != holder {
                problems.append(
                    .vc(
                        .malformedValueError, "the credential has no proof, so it is self-asserted, but its issuer \(issuer) is not the holder \(holder)",
                        path: path + ".issuer"))
            }
        }
        return problems
    }

    /// Safe-mode expansion and RDF conversion with the bundled contexts only: an undefined term, a
    /// redefined protected term, an unknown context or an IRI that is not a URL is a format error.
    ///
    /// The top-level `proof` is left out: the Seal check canonicalizes proofs by their suite's own rules
    /// (a legacy suite's terms may come from a context of their own). Base direction is kept as an
    /// i18n datatype, so `@direction` counts as representable, not as lost data.
    static func jsonLDProblem(
        _ document: JSONValue, options: JSONLDOptions = ContextBundle.options(safeMode: true, base: nil), needsDataset: Bool = true
    ) -> ProblemDetail? {
        var unsecured = document
        if case .object(var object) = document, object["proof"] != nil {
            object["proof"] = nil
            unsecured = .object(object)
        }
        // Through the task's DatasetMemo: the Data Integrity proof over the same credential needs the same dataset.
        let rdf = ToRDFOptions(rdfDirection: .i18nDatatype, safeMode: true)
        let problem: DatasetConversionError?
        if needsDataset {
            if case .failure(let error) = DatasetMemo.internedDataset(of: unsecured, jsonld: options, options: rdf) { problem = error } else { problem = nil }
        } else {
            problem = DatasetMemo.conversionProblem(of: unsecured, jsonld: options, options: rdf)
        }
        switch problem {
        case nil: return nil
        case .expansion(let error): return .vc(.malformedValueError, "JSON-LD: \(error)")
        case .conversion(let error): return .vc(.malformedValueError, "JSON-LD to RDF: \(error)", path: error.path?.description)
        }
    }
}

// MARK: - Seal

/// Seal: the JAdES seal, Data Integrity proof(s) or JWS verifies and its key is bound to the issuer.
public struct SealCheck: VerificationCheck {
    /// The EU name of the check.
    public let name = CheckName.seal
    /// Creates the check.
    public init() {}

    public func run(_ subject: VerificationSubject, context: VerificationContext) async -> CheckResult {
        switch subject.seal {
        case .unsealed:
            if subject.isPresentation {
                if let required = Self.requiredPresentationBinding(context.policy) {
                    return .error(
                        .seal,
                        "The presentation carries no proof, but \(required) was required: without a proof over it, anyone could replay this presentation",
                        [.vc(.cryptographicSecurityError, "\(required) required, but the presentation is not signed")])
                }
                return .skipped(.seal, "The presentation is not signed; each credential in it is checked on its own", limitsTrust: false)
            }
            let what = subject.input.kind == .uploadable ? "This is an unsealed EDC upload file" : "The credential carries no seal or proof"
            return .skipped(.seal, "\(what), so nothing shows it is unchanged since it was issued", limitsTrust: true)
        case .jades(let result, let trust):
            return jades(result, trust: trust)
        case .dataIntegrity(let result):
            return dataIntegrity(result, subject: subject)
        case .jwt(let result):
            return result.errors.isEmpty
                ? .ok(.seal, "The JWS signature (\(result.algorithm ?? "?")) verifies with the issuer's key \(result.keyID ?? "")", details: result.details)
                : .error(.seal, "The JWS does not verify: \(result.errors[0].detail)", result.errors, details: result.details)
        case .sdJWT(let result):
            return SDJWTChecks.seal(result)
        }
    }

    /// "a challenge", "a domain" or "a challenge and a domain" when the verifier requires them of a presentation.
    static func requiredPresentationBinding(_ policy: VerificationPolicy) -> String? {
        switch (policy.challenge != nil, policy.domain != nil) {
        case (true, true): return "a challenge and a domain"
        case (true, false): return "a challenge"
        case (false, true): return "a domain"
        case (false, false): return nil
        }
    }

    func jades(_ result: JAdESVerificationResult, trust: SealTrust) -> CheckResult {
        var details: [String] = []
        let signature = result.signatures.first
        if let signer = signature?.signer {
            details.append(
                "Sealed by: \(signer.organizationName ?? signer.commonName ?? signer.subject)"
                    + (signer.organizationIdentifier.map { " (organisationIdentifier \($0))" } ?? ""))
            details.append(
                "Certificate: \(signer.subject); issued by \(signer.issuer); serial \(signer.serialNumber); valid \(XSDDateTime.format(signer.notValidBefore)) to \(XSDDateTime.format(signer.notValidAfter))"
            )
            details.append("Key usage: \(signer.keyUsage.isEmpty ? "none stated" : signer.keyUsage.joined(separator: ", "))")
        }
        if let alg = signature?.algorithm { details.append("Algorithm: \(alg)") }
        if let claimed = signature?.signingTimeText { details.append("Signing time (claimed, sigT): \(claimed)") }
        if let proven = trust.provenTime {
            details.append(
                "Time proven by a time-stamp: \(XSDDateTime.format(proven.time)), authority \(proven.authority)\(proven.demoAnchor ? " (DEMO anchor)" : "")")
        }
        details.append(contentsOf: trust.timeStampNotes.map { "Time-stamp: \($0)" })
        if let leaf = signature?.signingCertificate {
            details.append("Qualification: \(trust.qualification?.text ?? QualifiedStatus(certificate: leaf).text)")
        }
        if let chain = trust.chain {
            let at = trust.provenTime == nil ? "judged now" : "judged at the time-stamp's time"
            switch chain {
            case .trusted(let certificates):
                details.append("Certificate chain: trusted, \(at) (anchor \(certificates.last.map { $0.subject.text } ?? "?"))")
            case .untrusted(let reason): details.append("Certificate chain: not trusted, \(at) — \(reason)")
            }
        }
        if case .bound(let how) = trust.binding { details.append("Issuer binding: \(how)") }
        for check in result.checks where check.status == .skipped && check.code != .timestamps { details.append("\(check.code): skipped — \(check.reason)") }
        details.append(contentsOf: trust.longTerm?.lines ?? [])
        guard result.isValid, let signature else {
            let failures = result.checks.filter { $0.status == .error }
            let problems = failures.map { f in
                ProblemDetail.vc(f.code == .format || f.code == .protectedHeader ? .parsingError : .cryptographicSecurityError, "\(f.code): \(f.reason)")
            }
            let first = failures.first.map { "\($0.reason)" } ?? "no signature"
            return .error(.seal, "The seal is broken: \(first)", problems.isEmpty ? [.vc(.cryptographicSecurityError, first)] : problems, details: details)
        }
        // Key usage: an e-seal certificate must allow digitalSignature or nonRepudiation (EN 319 412-3).
        if let leaf = signature.signingCertificate, let usage = try? leaf.extensions.keyUsage, !usage.digitalSignature && !usage.nonRepudiation {
            return .error(
                .seal, "The seal certificate is not meant for signing (its key usage allows neither digitalSignature nor nonRepudiation)",
                [.vc(.cryptographicSecurityError, "seal certificate key usage forbids signing")], details: details)
        }
        // A seal certificate revoked before the seal is shown to have been made (or revocation data required but missing).
        if let why = trust.longTerm?.failure {
            return .error(.seal, why, [.vc(.cryptographicSecurityError, why)], details: details)
        }
        if case .unbound(let why) = trust.binding {
            return .error(.seal, why, [.vc(.cryptographicSecurityError, why, path: "$.issuer")], details: details)
        }
        let who = signature.signer.map { $0.organizationName ?? $0.commonName ?? $0.subject } ?? "the certificate holder"
        let when =
            trust.provenTime.map { " before \(XSDDateTime.format($0.time)) (time-stamped)" }
            ?? signature.signingTimeText.map { " on \($0) (claimed)" } ?? ""
        let intact = "The seal is intact: not changed since it was sealed by \(who)\(when)"
        switch trust.chain {
        case .trusted(let certificates)?:
            let anchor = certificates.last.map { $0.subject.text } ?? "?"
            if trust.restsOnDemoAnchor || (trust.provenTime?.demoAnchor ?? false) {
                return .ok(
                    .seal, "DEMO: \(intact); its certificate chains to the demo anchor \(anchor), whose trust proves nothing outside a demo", details: details)
            }
            return .ok(.seal, "\(intact); its certificate chains to the trust anchor \(anchor)", details: details)
        case .untrusted(let reason)?:
            // Demo material (a data directory's demo seal, say) is never trusted unless its CA is given as an anchor;
            // its names say DEMO, and so does the verdict, so a demo seal is not mistaken for an unknown real one.
            let demo = trust.demoName == nil ? "" : "DEMO: "
            let demoNote =
                trust.demoName.map {
                    ". It is demo material (\($0) says DEMO): anyone can make such a seal, so it shows nothing about who issued the credential"
                } ?? ""
            if let unproven = trust.unprovenTime {
                return CheckResult(.seal, .ok, "\(demo)\(intact), but \(unproven)\(demoNote)", details: details, limitsTrust: true)
            }
            return CheckResult(.seal, .ok, "\(demo)\(intact), but its certificate is not trusted: \(reason)\(demoNote)", details: details, limitsTrust: true)
        case nil:
            return CheckResult(.seal, .ok, "\(intact), but its certificate could not be judged", details: details, limitsTrust: true)
        }
    }

    func dataIntegrity(_ result: DocumentVerificationResult, subject: VerificationSubject) -> CheckResult {
        var details: [String] = []
        for proof in result.proofs {
            details.append(
                "Proof \(proof.index): \(proof.suite.map { "\($0)" } ?? "?") by \(proof.verificationMethod ?? "?")"
                    + (proof.controller.map { ", key controlled by \($0)" } ?? "") + (proof.verified ? " — verified" : " — failed"))
        }
        if result.verified, !subject.isPresentation, let unbound = result.proofs.first(where: { $0.issuerMatches != true }) {
            let why =
                "the proof by \(unbound.verificationMethod ?? "?") was not bound to an issuer: the document does not say it is a VerifiableCredential, so nothing ties its key to \(subject.issuerID ?? "an issuer")"
            return .error(.seal, "The proof verifies, but \(why)", [.vc(.cryptographicSecurityError, why, path: "$.type")], details: details)
        }
        if result.verified {
            let controllers = Set(result.proofs.compactMap(\.controller)).sorted().joined(separator: ", ")
            let role = subject.isPresentation ? "holder" : "issuer"
            return .ok(
                .seal,
                "The \(subject.isPresentation ? "presentation" : "credential")'s proof\(result.proofs.count == 1 ? "" : "s") verif\(result.proofs.count == 1 ? "ies" : "y"), signed with a key of the \(role) \(controllers)",
                details: details)
        }
        let problems = result.allErrors.map { e in
            ProblemDetail(code: e.code.name, type: e.typeURL, title: "Proof verification", detail: e.message, path: e.path?.description)
        }
        // In a proof set every proof must verify (DI §4.5): name the one that did not, and say the others did.
        if result.proofs.count > 1, result.errors.isEmpty, let bad = result.proofs.first(where: { !$0.verified }) {
            let good = result.proofs.filter(\.verified).count
            let suite = bad.suite.map { "\($0), " } ?? ""
            let message = bad.errors.first?.message ?? "it does not verify"
            return .error(
                .seal,
                "Proof \(bad.index + 1) of \(result.proofs.count) (\(suite)\(bad.path)) does not verify: \(message); "
                    + "\(good) of the others verif\(good == 1 ? "ies" : "y"), but every proof of a set must", problems, details: details)
        }
        return .error(.seal, "The proof does not verify: \(result.allErrors.first?.message ?? "no proof")", problems, details: details)
    }
}

/// Whether a seal certificate claims to be qualified (ETSI EN 319 412-5 QcStatements).
public struct QualifiedStatus: Sendable, Hashable {
    public let qcCompliance: Bool
    public let qcSSCD: Bool
    public let qcTypes: [String]

    static let qcStatementsOID: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 1, 3]
    static let compliance: ASN1ObjectIdentifier = [0, 4, 0, 1862, 1, 1]
    static let sscd: ASN1ObjectIdentifier = [0, 4, 0, 1862, 1, 4]
    static let qcType: ASN1ObjectIdentifier = [0, 4, 0, 1862, 1, 6]

    public init(certificate: Certificate) {
        var compliance = false, sscd = false
        var types: [String] = []
        if let ext = certificate.extensions[oid: Self.qcStatementsOID], let root = try? DER.parse(ext.value),
            case .constructed(let statements) = root.content
        {
            for statement in statements {
                guard case .constructed(let parts) = statement.content else { continue }
                var iterator = parts.makeIterator()
                guard let idNode = iterator.next(), let id = try? ASN1ObjectIdentifier(derEncoded: idNode) else { continue }
                if id == Self.compliance { compliance = true }
                if id == Self.sscd { sscd = true }
                if id == Self.qcType, let info = iterator.next(), case .constructed(let typeNodes) = info.content {
                    for node in typeNodes {
                        guard let oid = try? ASN1ObjectIdentifier(derEncoded: node) else { continue }
                        switch oid.description {
                        case "0.4.0.1862.1.6.1": types.append("e-signature")
                        case "0.4.0.1862.1.6.2": types.append("e-seal")
                        case "0.4.0.1862.1.6.3": types.append("website authentication")
                        default: types.append(oid.description)
                        }
                    }
                }
            }
        }
        qcCompliance = compliance
        qcSSCD = sscd
        qcTypes = types
    }

    /// "qualified" (QcCompliance), "advanced" (a certificate-based seal without it).
    public var level: String { qcCompliance ? "qualified" : "advanced" }

    public var text: String {
        var text = qcCompliance ? "qualified (the certificate states QcCompliance" : "advanced (the certificate states no QcCompliance"
        if qcSSCD { text += ", key in a qualified device" }
        if !qcTypes.isEmpty { text += ", type \(qcTypes.joined(separator: ", "))" }
        return text + "; not checked against the EU trusted lists)"
    }
}

// MARK: - Owner

/// Owner: when a presentation is given, the holder is the credential's subject (or, for a self-asserted
/// credential, its issuer) and the presentation's proof verifies with the holder's key.
public struct OwnerCheck: VerificationCheck {
    /// The EU name of the check.
    public let name = CheckName.owner
    /// Creates the check.
    public init() {}

    public func run(_ subject: VerificationSubject, context: VerificationContext) async -> CheckResult {
        // An SD-JWT proves its holder with its own key binding JWT, presented or not inside a presentation.
        if case .sdJWT(let verification) = subject.seal { return SDJWTChecks.owner(verification) }
        guard let document = subject.document else { return .skipped(.owner, "Nothing to check", limitsTrust: false) }
        if subject.isPresentation {
            let holder = CredentialText.id(of: document["holder"])
            let verified: Bool
            switch subject.seal {
            case .dataIntegrity(let result): verified = result.verified
            case .jwt(let result): verified = result.errors.isEmpty
            default:
                return .skipped(.owner, "The presentation is not signed, so who presents it is not proven", limitsTrust: false)
            }
            guard let holder else { return .skipped(.owner, "The presentation names no holder", limitsTrust: false) }
            return verified
                ? .ok(.owner, "The presentation is signed by its holder \(holder)")
                : .error(
                    .owner, "The presentation's proof does not verify, so it is not shown to come from \(holder)",
                    [.vc(.cryptographicSecurityError, "presentation proof failed")])
        }
        guard let presentation = subject.presentation else {
            return .skipped(.owner, "Not presented: the credential was given on its own, so there is no holder to bind", limitsTrust: false)
        }
        guard let verified = presentation.proofVerified else {
            return .skipped(.owner, "The presentation is not signed, so it does not prove who holds this credential", limitsTrust: false)
        }
        guard verified else {
            return .error(
                .owner, "The presentation's proof does not verify",
                presentation.proofProblems.isEmpty ? [.vc(.cryptographicSecurityError, "presentation proof failed")] : presentation.proofProblems)
        }
        guard let holder = presentation.holder else {
            return .skipped(.owner, "The presentation names no holder to compare with the credential's subject", limitsTrust: false)
        }
        if document["proof"] == nil, subject.input.kind != .envelopedJWT, subject.input.kind != .jadesSealed {
            let issuer = subject.issuerID
            return issuer == holder
                ? .ok(.owner, "Self-asserted by its holder \(holder)")
                : .error(
                    .owner, "The credential is self-asserted but its issuer \(issuer ?? "(none)") is not the holder \(holder)",
                    [.vc(.malformedValueError, "self-asserted credential issuer ≠ holder", path: "$.issuer")])
        }
        let subjects = CredentialText.subjectIDs(document)
        if subjects.contains(holder) { return .ok(.owner, "Presented by its subject \(holder), who signed the presentation") }
        if let other = subjects.first(where: { $0.hasPrefix("did:") }) {
            return .error(
                .owner, "Presented by \(holder), but the credential was issued to \(other)",
                [.vc(.malformedValueError, "holder \(holder) is not the credential subject \(other)", path: "$.credentialSubject.id")])
        }
        let named = subjects.first.map { "names its subject \($0), which no key can prove" } ?? "does not name its subject"
        return .skipped(.owner, "The credential \(named), so the holder \(holder) cannot be bound to it", limitsTrust: false)
    }
}

// MARK: - Revocation

/// Revocation: every Bitstring Status List entry is read from the configured source.
public struct RevocationCheck: VerificationCheck {
    /// The EU name of the check.
    public let name = CheckName.revocation
    /// Verifies the seals of JAdES-sealed status lists (EDC issuers').
    public var jadesVerifier: JAdESVerifier
    /// Creates the check.
    public init(jadesVerifier: JAdESVerifier = JAdESVerifier()) {
        self.jadesVerifier = jadesVerifier
    }

    public func run(_ subject: VerificationSubject, context: VerificationContext) async -> CheckResult {
        if subject.input.kind == .sdJWT { return await TokenStatusCheck().run(subject, context: context) }
        guard let document = subject.document else { return .skipped(.revocation, "Nothing to check", limitsTrust: false) }
        guard document["credentialStatus"] != nil else {
            return .skipped(.revocation, "The credential has no status entry, so it cannot be revoked", limitsTrust: false)
        }
        let entries: [StatusListEntry]
        do { entries = try StatusListEntry.entries(in: document) } catch {
            return .error(.revocation, "The status entry is malformed: \(error.message)", [problem(error)])
        }
        guard !entries.isEmpty else {
            let types = document["credentialStatus"]?.asArray.flatMap { $0["type"]?.asArray.compactMap(\.stringValue) ?? [] } ?? []
            return .skipped(.revocation, "Status unknown: the status type \(types.joined(separator: ", ")) is not supported", limitsTrust: true)
        }
        guard let source = context.policy.statusSource else {
            return .skipped(.revocation, "Status unknown: no status list source is configured", limitsTrust: true)
        }
        let now = context.policy.now
        // The lists not cached yet, read at once where the source can (a registry: one read for both of a
        // credential's lists); the loop fetches the rest one by one, as it needs them.
        var pending: [String] = []
        for entry in entries {
            let url = entry.statusListCredential
            if !pending.contains(url), context.statusCache.cached(for: url, now: now) == nil { pending.append(url) }
        }
        let together = pending.isEmpty ? nil : await source.fetchTogether(urls: pending)
        var details: [String] = []
        var unknown: [ProblemDetail] = []
        for entry in entries {
            let list: JSONValue
            do {
                let fetched = try await fetchList(
                    entry.statusListCredential, source: source, context: context, seal: subject.seal, now: now,
                    fetched: together?[entry.statusListCredential])
                list = fetched.credential
                if let sealer = fetched.sealer, !details.contains(sealer) { details.append(sealer) }
            } catch {
                unknown.append(problem(error))
                continue
            }
            let result: StatusResult
            do { result = try StatusListChecker().check(entry, against: list, expectedIssuer: subject.issuerID) } catch {
                if error.code == .retrieval { unknown.append(problem(error)); continue }
                return .error(.revocation, "The status list cannot be used: \(error.message)", [problem(error)], details: details)
            }
            let where_ = "\(entry.statusListCredential) index \(entry.statusListIndex)"
            switch (entry.statusPurpose, result.status) {
            case ("revocation", let status) where status != 0:
                return .error(
                    .revocation, "The credential has been revoked by its issuer" + (result.message.map { ": \($0)" } ?? ""),
                    [.vc(.malformedValueError, "revoked (\(where_))")], details: details)
            case ("suspension", let status) where status != 0:
                return .error(
                    .revocation, "The credential is suspended" + (result.message.map { ": \($0)" } ?? ""),
                    [.vc(.malformedValueError, "suspended (\(where_))")], details: details)
            default:
                details.append(
                    "\(entry.statusPurpose): \(result.status == 0 ? "not set" : "0x" + String(result.status, radix: 16))\(result.message.map { " (\($0))" } ?? "") — \(where_)"
                )
            }
        }
        if !unknown.isEmpty {
            return .skipped(.revocation, "Status unknown: \(unknown[0].detail)", limitsTrust: true, problems: unknown, details: details)
        }
        return .ok(.revocation, "Not revoked or suspended (status list checked)", details: details)
    }

    /// Fetches, checks and caches one status list credential.
    ///
    /// A list is either a credential with a Data Integrity proof (by its issuer), a credential without a proof
    /// (accepted only when the policy allows unsigned lists), or — for EDCs, whose issuer is an organisation
    /// identified by its e-seal — a JAdES JWS JSON document whose payload is the list credential. A sealed list
    /// vouches for a credential only through the sealing organisation, so `seal` (the credential's own seal
    /// evidence) decides whether it may be used: see ``SealedStatusList``.
    ///
    /// `fetched` is the source's answer for `url` when it was read together with the credential's other lists;
    /// without it the list is fetched from `source` here.
    ///
    /// - Returns: the list credential and, for a sealed list, a line saying who sealed it (for the details).
    func fetchList(
        _ url: String, source: any StatusListSource, context: VerificationContext, seal: SealEvidence,
        now: Date, fetched: Result<FetchedStatusList, StatusListError>? = nil
    ) async throws(StatusListError) -> (credential: JSONValue, sealer: String?) {
        if let cached = context.statusCache.cached(for: url, now: now) {
            guard let sealedBy = cached.sealedBy else { return (cached.credential, nil) }
            let binding = try SealedStatusList.Binding(encoded: sealedBy)
            try binding.accept(for: seal, url: url)
            return (cached.credential, binding.detail(url: url))
        }
        var fetchedList: FetchedStatusList
        if let fetched { fetchedList = try fetched.get() } else { fetchedList = .bytes(try await source.fetch(url: url)) }
        // A JSON string is no list document; read as text, a JWT in it gets the JWT's checks, anything else fails as JSON.
        if case .json(.string(let text)) = fetchedList { fetchedList = .bytes(Array(text.utf8)) }
        var list: JSONValue
        var binding: SealedStatusList.Binding?
        var securedAsJWT = false
        switch fetchedList {
        case .json(let json):
            // Built in process by the source (the service's registry): what its bytes would parse to. A proof or
            // seal on it is still checked below.
            list = json
        case .bytes(let bytes):
            if bytes.first == UInt8(ascii: "e"),
                case let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines),
                InputDetector.isCompactJWS(text)
            {
                // A list published as a VC-JWT (Bitstring Status List §3.2 allows any securing mechanism; openbadgeslib
                // publishes its lists so): the same JOSE rules as a VC-JWT credential, and the signer must be the list's
                // issuer, which StatusListChecker then holds to the credential's issuer.
                var jwt = JWTVerifier(resolver: context.dataIntegrity.resolver)
                jwt.now = now
                jwt.clockSkew = context.policy.clockSkew
                jwt.limits = context.policy.jsonLimits
                let checked = await jwt.verify(text)
                guard checked.errors.isEmpty, let claims = JWTVerifier.claims(text), claims.isObject else {
                    throw StatusListError(
                        .verification, "the status list's JWT does not verify: \(checked.errors.first?.detail ?? "its payload is not a JSON object")")
                }
                list = claims
                securedAsJWT = true
            } else {
                do { list = try JSONParser.parse(bytes) } catch {
                    throw StatusListError(.retrieval, "the status list \(url) is not JSON: line \(error.line):\(error.column): \(error.message)")
                }
            }
        }
        if securedAsJWT {
            // Verified above.
        } else if JWSJSONDocument.looksLikeJWS(list) {
            let opened = try await SealedStatusList.open(
                list, url: url, credentialSeal: seal, verifier: jadesVerifier,
                trustAnchors: context.policy.trustAnchors, now: now)
            list = opened.credential
            binding = opened.binding
        } else if list["proof"] != nil {
            let verification = await context.dataIntegrity.verify(list, options: ProofVerificationOptions(now: now, issuerCheck: true))
            guard verification.verified else {
                throw StatusListError(.verification, "the status list's proof does not verify: \(verification.allErrors.first?.message ?? "")")
            }
        } else if context.policy.requireSignedStatusLists {
            throw StatusListError(.retrieval, "the status list \(url) carries no proof, so it cannot be trusted")
        }
        if let until = list["validUntil"]?.stringValue, let expiry = XSDDateTime(until, syntax: .dateTimeStamp),
            expiry.secondsSinceEpoch < now.timeIntervalSince1970 - context.policy.clockSkew
        {
            throw StatusListError(.retrieval, "the status list \(url) expired on \(until)")
        }
        context.statusCache.store(list, for: url, now: now, sealedBy: binding?.encoded)
        return (list, binding?.detail(url: url))
    }

    func problem(_ error: StatusListError) -> ProblemDetail {
        ProblemDetail(
            code: error.code.name, type: error.problemType ?? "https://www.w3.org/ns/credentials/status-list#" + error.code.name,
            title: "Status list", detail: error.message)
    }
}

// MARK: - Accreditation

/// Accreditation: the issuer is in the configured trusted-issuer list (within its scope), or its seal
/// certificate chains to a configured X.509 trust anchor.
public struct AccreditationCheck: VerificationCheck {
    /// The EU name of the check.
    public let name = CheckName.accreditation
    /// Creates the check.
    public init() {}

    public func run(_ subject: VerificationSubject, context: VerificationContext) async -> CheckResult {
        guard let document = subject.document else { return .skipped(.accreditation, "Nothing to check", limitsTrust: true) }
        let policy = context.policy
        let issuer = subject.issuerID
        // The evidence that ties the credential to someone: a seal certificate's organisation under a trusted chain,
        // or a proof key bound to the issuer id. What the credential says about itself ties it to no one.
        var sealOrganisation: String?
        var chainText: String?
        var demo = false
        var keyBoundIssuer: String?
        var missing = "nothing proves this credential comes from it"
        var anchoredSDJWTIssuer = false
        switch subject.seal {
        case .jades(let result, let trust):
            let signer = result.signatures.first?.signer
            if case .trusted(let certificates)? = trust.chain {
                chainText = "its seal certificate chains to the trust anchor \(certificates.last.map { $0.subject.text } ?? "?")"
                demo = trust.restsOnDemoAnchor || (trust.provenTime?.demoAnchor ?? false)
            } else if case .untrusted(let reason)? = trust.chain {
                chainText = "its seal certificate is not trusted (\(trust.unprovenTime ?? reason))"
            }
            if result.isValid, trust.chainTrusted, trust.binding.isBound {
                sealOrganisation = signer?.organizationIdentifier
            } else {
                missing = "the seal does not show it: " + (chainText ?? "the seal is not valid")
            }
        case .dataIntegrity(let result):
            if result.verified && result.proofs.allSatisfy({ $0.issuerMatches == true }) { keyBoundIssuer = issuer }
        case .jwt(let result):
            if result.errors.isEmpty { keyBoundIssuer = issuer }
        case .sdJWT(let verification):
            switch verification.issuerKey {
            // A DID key, or a key the issuer's https origin publishes in its metadata: bound to iss, trusted only if listed.
            case .did? where verification.signatureVerified, .issuerMetadata? where verification.signatureVerified: keyBoundIssuer = issuer
            case .x5c(.trusted(let certificates), _, true)? where verification.signatureVerified:
                // The anchor vouches for the certificate, and the certificate names iss: the issuer is bound.
                keyBoundIssuer = issuer
                anchoredSDJWTIssuer = true
                chainText = "its x5c certificate chains to the trust anchor \(certificates.last.map { $0.subject.text } ?? "?")"
                demo = certificates.last.map(DemoMaterial.isDemo) ?? false
            case .x5c(.untrusted(let reason), _, _)?:
                chainText = "its x5c certificate is not trusted (\(reason))"
            default: break
            }
        case .unsealed:
            break
        }
        let label = demo ? "DEMO: " : ""
        if policy.trustedIssuers == nil && policy.trustAnchors.isEmpty && policy.trustedLists == nil {
            return .skipped(
                .accreditation, "Issuer not checked: no trusted issuers or trust anchors are configured", limitsTrust: true,
                details: chainText.map { [$0] } ?? [])
        }
        let entries = policy.trustedIssuers?.entries ?? []
        let matched = entries.first { e in
            // A sealed credential matches through its certificate's organisation (chain trusted, issuer bound), so the
            // entry's scope applies whatever id the credential states; a proof through the key bound to the id.
            if let org = sealOrganisation { return e.organizationIdentifier == org }
            return keyBoundIssuer != nil && e.id == keyBoundIssuer
        }
        if let entry = matched {
            if sealOrganisation != nil, let listedID = entry.id, listedID != issuer {
                return .error(
                    .accreditation, "\(label)\(entry.name) is trusted as the issuer \(listedID), but this credential names the issuer \(issuer ?? "(none)")",
                    [.vc(.rangeError, "issuer id differs from the trusted-issuer entry of the sealing organisation", path: "$.issuer")])
            }
            let now = policy.now.timeIntervalSince1970
            if let from = entry.validFrom, from.secondsSinceEpoch > now {
                return .error(.accreditation, "\(entry.name) is trusted only from \(from)", [.vc(.rangeError, "trusted-issuer entry not yet valid")])
            }
            if let until = entry.validUntil, until.secondsSinceEpoch < now {
                return .error(.accreditation, "\(entry.name) was trusted only until \(until)", [.vc(.rangeError, "trusted-issuer entry expired")])
            }
            if let levels = entry.eqfLevels {
                let (found, unreadable) = CredentialText.eqfLevelValues(document)
                if let odd = unreadable.first {
                    return .error(
                        .accreditation,
                        "\(entry.name) is accredited only for EQF levels \(levels.map(String.init).joined(separator: ", ")), and the credential states an EQF level that is not one: \(odd)",
                        [.vc(.rangeError, "unreadable EQF level \(odd)")])
                }
                if let bad = found.first(where: { !levels.contains($0) }) {
                    return .error(
                        .accreditation, "\(entry.name) is not accredited for EQF level \(bad) (allowed: \(levels.map(String.init).joined(separator: ", ")))",
                        [.vc(.rangeError, "EQF level \(bad) outside the issuer's accreditation")])
                }
            }
            if let allowed = entry.credentialTypes {
                // An SD-JWT VC's type is its vct.
                let types = document["type"]?.asArray.compactMap(\.stringValue) ?? document["vct"].map { $0.asArray.compactMap(\.stringValue) } ?? []
                if !types.contains(where: allowed.contains) {
                    return .error(
                        .accreditation, "\(entry.name) is not accredited for credentials of type \(types.joined(separator: ", "))",
                        [.vc(.rangeError, "credential type outside the issuer's accreditation")])
                }
            }
            let by =
                sealOrganisation.map { "organisation identifier \($0) in a trusted seal certificate" } ?? "issuer id \(issuer ?? "") bound to the proof's key"
            return .ok(.accreditation, "\(label)\(entry.name) is a trusted issuer (\(by)) for this credential", details: chainText.map { [$0] } ?? [])
        }
        // Without a trusted-issuer list, the anchors are the whole policy: a bound seal under one is trusted. With a
        // list, the user named the issuers they accept, and a CA's other customers are not among them.
        if sealOrganisation != nil || anchoredSDJWTIssuer, !(policy.listedIssuersOnly ?? (policy.trustedIssuers != nil)), let chainText {
            return .ok(.accreditation, "\(label)The issuer is trusted: \(chainText)")
        }
        // Listed, but the evidence is missing: say so rather than "not listed".
        let listed = entries.first { e in
            (issuer != nil && e.id == issuer)
                || (e.organizationIdentifier != nil && e.organizationIdentifier == subject.sealSignerOrganisation)
        }
        if let listed {
            return .skipped(.accreditation, "\(listed.name) is a trusted issuer, but \(missing)", limitsTrust: true)
        }
        let who = issuer ?? subject.sealSignerOrganisation ?? "the issuer"
        let why = chainText.map { "; \($0)" } ?? ""
        return .skipped(.accreditation, "Issuer not trusted: \(who) is not in the trusted-issuer list\(why)", limitsTrust: true)
    }
}

// MARK: - Validity

/// Validity: `validFrom`/`validUntil` (VC 2.0, EDC) or `issuanceDate`/`expirationDate` (VC 1.1), with clock skew.
public struct ValidityCheck: VerificationCheck {
    /// The EU name of the check.
    public let name = CheckName.validity
    /// Creates the check.
    public init() {}

    public func run(_ subject: VerificationSubject, context: VerificationContext) async -> CheckResult {
        guard let document = subject.document else { return .skipped(.validity, "Nothing to check", limitsTrust: false) }
        if subject.input.kind == .sdJWT { return SDJWTChecks.validity(document, context: context) }
        let now = context.policy.now.timeIntervalSince1970
        let skew = context.policy.clockSkew
        func date(_ key: String) -> (String, XSDDateTime?)? {
            guard let member = document[key] else { return nil }
            guard let string = member.stringValue else { return (key, nil) }
            return (string, XSDDateTime(string, syntax: .dateTimeStamp) ?? XSDDateTime(string + "Z", syntax: .dateTimeStamp))
        }
        let start = date("validFrom") ?? date("issuanceDate")
        let end = date("validUntil") ?? date("expirationDate")
        let startKey = document["validFrom"] != nil ? "validFrom" : "issuanceDate"
        let endKey = document["validUntil"] != nil ? "validUntil" : "expirationDate"
        if let start, start.1 == nil {
            return .error(
                .validity, "\(startKey) is not a valid date-time: \(start.0)",
                [.vc(.malformedValueError, "\(startKey) is not an XML Schema dateTimeStamp", path: "$.\(startKey)")])
        }
        if let end, end.1 == nil {
            return .error(
                .validity, "\(endKey) is not a valid date-time: \(end.0)",
                [.vc(.malformedValueError, "\(endKey) is not an XML Schema dateTimeStamp", path: "$.\(endKey)")])
        }
        if let from = start?.1, let until = end?.1, until < from {
            return .error(
                .validity, "The credential ends (\(until)) before it starts (\(from))",
                [.vc(.rangeError, "\(endKey) is before \(startKey)", path: "$.\(endKey)")])
        }
        if let from = start?.1, from.secondsSinceEpoch > now + skew {
            return .error(.validity, "Not yet valid: valid from \(from)", [.vc(.rangeError, "\(startKey) \(from) is in the future", path: "$.\(startKey)")])
        }
        if let until = end?.1, until.secondsSinceEpoch < now - skew {
            return .error(.validity, "Expired on \(until)", [.vc(.rangeError, "\(endKey) \(until) has passed", path: "$.\(endKey)")])
        }
        switch (start?.1, end?.1) {
        case (let from?, let until?): return .ok(.validity, "Valid from \(from) until \(until)")
        case (let from?, nil): return .ok(.validity, "Valid since \(from), with no end date")
        case (nil, let until?): return .ok(.validity, "Valid until \(until)")
        default: return .ok(.validity, "The credential states no validity period, so it does not expire")
        }
    }
}

// MARK: - Reading credentials

/// Small, generic readers over credential JSON (VC 1.1, 2.0 and EDC).
enum CredentialText {
    /// `value` as an id: a string, or an object's `id`.
    static func id(of value: JSONValue?) -> String? {
        guard let value else { return nil }
        return value.stringValue ?? value["id"]?.stringValue
    }

    static func issuerID(_ document: JSONValue) -> String? { id(of: document["issuer"]) }

    static func subjectIDs(_ document: JSONValue) -> [String] {
        (document["credentialSubject"]?.asArray ?? []).compactMap { $0["id"]?.stringValue }
    }

    /// Every EQF level the credential states, each value of every `eqfLevel` (a string or a concept whose IRI ends
    /// in the level, `…/eqf/6`), and the values that are not a level 1–8 (which an accreditation scope must refuse).
    static func eqfLevelValues(_ document: JSONValue) -> (levels: [Int], unreadable: [String]) {
        var levels: [Int] = []
        var unreadable: [String] = []
        // Searching `unreadable` for each value made n distinct odd values cost n².
        var seenUnreadable: Set<String> = []
        func isContainer(_ value: JSONValue) -> Bool {
            switch value {
            case .object, .array: return true
            default: return false
            }
        }
        func walk(_ node: JSONValue, depth: Int) {
            guard depth < 64 else { return }
            switch node {
            case .object(let object):
                for member in object.members {
                    // Most members are neither `eqfLevel` nor a container: an 8-byte length test (no character
                    // outside ASCII is canonically equivalent to one of its letters) and a kind test skip them.
                    if member.key.utf8.count == 8 && member.key == "eqfLevel" {
                        for value in member.value.asArray {
                            let text = id(of: value) ?? JSONWriter.string(value)
                            let last = text.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? text
                            if let level = Int(last), (1...8).contains(level), String(level) == last {
                                if !levels.contains(level) { levels.append(level) }
                            } else if seenUnreadable.insert(text).inserted {
                                unreadable.append(text)
                            }
                        }
                    } else if isContainer(member.value) {
                        walk(member.value, depth: depth + 1)
                    }
                }
            case .array(let elements): for element in elements where isContainer(element) { walk(element, depth: depth + 1) }
            default: break
            }
        }
        walk(document, depth: 0)
        return (levels, unreadable)
    }

    /// Every readable EQF level the credential states.
    static func eqfLevels(_ document: JSONValue) -> [Int] { eqfLevelValues(document).levels }

    /// A person-readable string from a plain string, a language map `{"en": "…"}`, a value object or an array of those.
    static func text(_ value: JSONValue?, preferring languages: [String] = ["en"]) -> String? {
        guard let value else { return nil }
        switch value {
        case .string(let string): return string
        case .array(let elements):
            if elements.allSatisfy({ $0["@language"] != nil }) {
                for language in languages { if let hit = elements.first(where: { $0["@language"]?.stringValue == language }) { return text(hit) } }
            }
            return elements.lazy.compactMap { text($0, preferring: languages) }.first
        case .object(let object):
            if let literal = object["@value"]?.stringValue { return literal }
            for language in languages { if let string = object[language]?.stringValue ?? object[language]?.asArray.first?.stringValue { return string } }
            if object["id"] != nil || object["type"] != nil { return nil }
            return object.lazy.compactMap { $0.value.stringValue ?? $0.value.asArray.first?.stringValue }.first
        default: return nil
        }
    }
}
