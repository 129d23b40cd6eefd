import CredentialJSON
import DataIntegrity
import Foundation
import JAdES
import JSONLD
import LearningModel
import StatusList
import X509

/// What the verifier is told to trust and when to verify (the deployment's policy).
public struct VerificationPolicy: Sendable {
    /// The moment to verify as of; `nil` means now.
    public var at: Date?
    /// Tolerance, in seconds, for validity-period comparisons (default 300).
    public var clockSkew: TimeInterval
    /// X.509 trust anchors for JAdES seal certificates (empty: no chain is trusted).
    public var trustAnchors: [Certificate]
    /// X.509 trust anchors for time-stamping authorities (empty: no time-stamp proves a time). Kept apart from
    /// ``trustAnchors``: trusting a CA for e-seals is not trusting it to tell the time.
    public var timeStampAnchors: [Certificate]
    /// The trusted-issuer list; `nil` when none is configured.
    public var trustedIssuers: TrustedIssuerList?
    /// Where status lists come from; `nil` means the revocation status cannot be learnt.
    public var statusSource: (any StatusListSource)?
    /// Whether a status list credential must carry a valid Data Integrity proof by the credential's issuer, or come
    /// sealed with JAdES by the organisation that sealed the credential (EDCs). A proof or seal that is present is
    /// always checked.
    public var requireSignedStatusLists: Bool
    /// An ESCO skills catalogue for labels and EDC profile checks.
    public var escoCatalog: ESCOCatalog?
    /// The challenge a presentation's proof must carry, when the verifier issued one.
    public var challenge: String?
    /// The domain(s) a presentation's proof must carry, when the verifier expects one.
    public var domain: [String]?
    /// Whether the Format check runs safe-mode JSON-LD expansion and RDF conversion.
    public var jsonLDFormatCheck: Bool

    public init(at: Date? = nil, clockSkew: TimeInterval = 300, trustAnchors: [Certificate] = [],
                timeStampAnchors: [Certificate] = [], trustedIssuers: TrustedIssuerList? = nil, statusSource: (any StatusListSource)? = nil,
                requireSignedStatusLists: Bool = true, escoCatalog: ESCOCatalog? = nil,
                challenge: String? = nil, domain: [String]? = nil, jsonLDFormatCheck: Bool = true) {
        // Defaults: verify now, 300 s skew, trust nothing, no status source, signed status lists only.
        self.at = at
        self.clockSkew = clockSkew
        self.trustAnchors = trustAnchors
        self.timeStampAnchors = timeStampAnchors
        self.trustedIssuers = trustedIssuers
        self.statusSource = statusSource
        self.requireSignedStatusLists = requireSignedStatusLists
        self.escoCatalog = escoCatalog
        self.challenge = challenge
        self.domain = domain
        self.jsonLDFormatCheck = jsonLDFormatCheck
    }

    /// The verification time.
    public var now: Date { at ?? Date() }
}

/// The seal or proof found on an item, verified once and shared by the checks that need it.
public enum SealEvidence: Sendable {
    /// No seal, no proof.
    case unsealed
    /// A JAdES seal, with what the evidence around its first signature shows (binding, chain, time).
    case jades(JAdESVerificationResult, trust: SealTrust)
    /// Embedded Data Integrity proof(s).
    case dataIntegrity(DocumentVerificationResult)
    /// A VC-JOSE compact JWS.
    case jwt(JWTVerification)
}

/// The presentation an embedded credential arrived in, for the Owner check.
public struct PresentationContext: Sendable {
    /// The presentation's `holder` id.
    public let holder: String?
    /// `nil` when the presentation has no proof; otherwise whether its proof verified (with the holder's key).
    public let proofVerified: Bool?
    /// Why the presentation proof failed, when it did.
    public let proofProblems: [ProblemDetail]

    /// Creates a presentation context.
    public init(holder: String?, proofVerified: Bool?, proofProblems: [ProblemDetail] = []) {
        self.holder = holder
        self.proofVerified = proofVerified
        self.proofProblems = proofProblems
    }
}

/// One item under verification: its document, what sealed it, and where it was presented.
public struct VerificationSubject: Sendable {
    /// The detected input.
    public let input: DetectedInput
    /// The seal or proof, verified once.
    public let seal: SealEvidence
    /// The presentation the item arrived in, if any.
    public let presentation: PresentationContext?

    /// Creates a subject (checks can be run on their own, e.g. Format on a fixture).
    public init(input: DetectedInput, seal: SealEvidence = .unsealed, presentation: PresentationContext? = nil) {
        self.input = input
        self.seal = seal
        self.presentation = presentation
    }

    /// The credential (or presentation) JSON.
    public var document: JSONValue? { input.document }
    /// A presentation, embedded (JSON-LD) or enveloped (a `vp+jwt`).
    public var isPresentation: Bool {
        input.kind == .presentation || (document?["type"]?.asArray.contains("VerifiablePresentation") ?? false)
    }
    /// Whether the document is a Europass EDC: the `edc-ap` context, or the EDC type in a VC 1.1 document.
    ///
    /// The ELM model in VC 2.0 form (skillcred's `--format vc2`, EBSI's VCDM 2.0 variant) carries the same
    /// type but not the EDC application profile, whose shapes require VC 1.1 and `edc-ap`; judging it by
    /// that profile would fail every such credential on rules it never claimed to follow.
    public var isEDC: Bool {
        guard let d = document else { return false }
        let contexts = d["@context"]?.asArray.compactMap(\.stringValue) ?? []
        let types = d["type"]?.asArray.compactMap(\.stringValue) ?? []
        if contexts.contains(where: { $0.contains("data.europa.eu/snb/model/context") }) { return true }
        return types.contains("EuropeanDigitalCredential") && contexts.first != "https://www.w3.org/ns/credentials/v2"
    }
    /// The issuer's id (`issuer` as a string or `issuer.id`).
    public var issuerID: String? { document.flatMap(CredentialText.issuerID) }
    /// The organisation identifier of the certificate that made the item's JAdES seal, if it has one.
    public var sealSignerOrganisation: String? {
        if case .jades(let result, _) = seal { return result.signatures.first?.signer?.organizationIdentifier }
        return nil
    }
}

/// One check of the verifier. Checks are small values; a failure is a ``CheckResult``, never a throw.
public protocol VerificationCheck: Sendable {
    /// The EU name of the check.
    var name: CheckName { get }
    /// Runs the check; every outcome, failure included, is a ``CheckResult``.
    func run(_ subject: VerificationSubject, context: VerificationContext) async -> CheckResult
}

/// Shared, batch-wide services the checks use (caches live here).
public struct VerificationContext: Sendable {
    /// The deployment's policy.
    public let policy: VerificationPolicy
    /// The Data Integrity verifier (shared JSON-LD context cache, cached key resolution).
    public let dataIntegrity: DataIntegrityVerifier
    /// Status list credentials already fetched and verified in this batch.
    public let statusCache: StatusListCache
    /// JSON-LD options for the Format check (safe mode, null base, the same loader and cache as the proofs).
    public let jsonLDOptions: JSONLDOptions
}

/// The report for one item (a credential, or a presentation with its credentials).
public struct VerificationReport: Sendable {
    /// Where the item came from (file, array index, position in a presentation).
    public let source: String
    /// What the item was recognised as.
    public let kind: InputKind
    /// The checks, in the EU viewer's order.
    public let checks: [CheckResult]
    /// The credential summarised for a person (nil for unknown input and presentations).
    public let summary: CredentialSummary?
    /// For a presentation: one report per embedded credential.
    public let embedded: [VerificationReport]

    /// Creates a report.
    public init(source: String, kind: InputKind, checks: [CheckResult], summary: CredentialSummary?, embedded: [VerificationReport] = [], isUnreadable: Bool = false) {
        self.isUnreadable = isUnreadable
        self.source = source
        self.kind = kind
        self.checks = checks
        self.summary = summary
        self.embedded = embedded
    }

    /// The overall result: the worst of this item's checks and its embedded credentials'.
    public var status: OverallStatus {
        embedded.reduce(OverallStatus.of(checks)) { max($0, $1.status) }
    }

    /// `true` only for ``OverallStatus/verified``.
    public var verified: Bool { status == .verified }

    /// Every problem, this item's first, each embedded credential's after.
    public var problems: [ProblemDetail] { checks.flatMap(\.problems) + embedded.flatMap(\.problems) }

    /// The result of a named check.
    public func check(_ name: CheckName) -> CheckResult? { checks.first { $0.name == name } }

    /// Whether the input could not be read as JSON at all (the CLI exits 2 for these).
    public let isUnreadable: Bool
}

/// Verifies credentials in every supported form and reports each check.
///
/// ```swift
/// let verifier = Verifier(policy: VerificationPolicy(trustAnchors: anchors, statusSource: LocalStatusListMirror(directory: dir)))
/// let reports = await verifier.verify(bytes: data, source: "diploma.json")
/// ```
public struct Verifier: Sendable {
    /// What to trust and when.
    public let policy: VerificationPolicy
    /// The checks run on each credential, in order.
    public var credentialChecks: [any VerificationCheck]
    /// The checks run on a presentation itself.
    public var presentationChecks: [any VerificationCheck]
    /// Batch-wide services and caches handed to every check.
    public let context: VerificationContext
    /// The JAdES verifier (limits, understood `crit` headers).
    public var jadesVerifier: JAdESVerifier

    /// Creates a verifier. `resolver` resolves Data Integrity verification methods and JWT `kid`s
    /// (default: did:key, did:jwk and, when given, a local did:web directory), cached across a batch.
    /// `canonicalizer` decides which JSON-LD contexts are known (default: the bundled, hash-pinned ones).
    public init(policy: VerificationPolicy = VerificationPolicy(), resolver: (any VerificationMethodResolving)? = nil,
                didWebDirectory: URL? = nil, canonicalizer: JSONLDCanonicalizer = JSONLDCanonicalizer()) {
        self.policy = policy
        let base = resolver ?? DIDVerificationMethodResolver(didWebDirectory: didWebDirectory)
        let caching = base as? CachingMethodResolver ?? CachingMethodResolver(base)
        let di = DataIntegrityVerifier(canonicalizer: canonicalizer, resolver: caching)
        self.context = VerificationContext(policy: policy, dataIntegrity: di, statusCache: StatusListCache(),
                                           jsonLDOptions: canonicalizer.jsonldOptions)
        self.credentialChecks = [FormatCheck(), SealCheck(), OwnerCheck(), RevocationCheck(), AccreditationCheck(), ValidityCheck()]
        self.presentationChecks = [FormatCheck(), SealCheck(), OwnerCheck()]
        self.jadesVerifier = JAdESVerifier()
    }

    /// Verifies every item in `bytes` (one credential, a presentation, or a JSON array of them).
    public func verify(bytes: [UInt8], source: String) async -> [VerificationReport] {
        await verify(items: InputDetector.detect(bytes, source: source))
    }

    /// Verifies an already-parsed value (one credential, a presentation, or an array of them), as
    /// ``verify(bytes:source:)`` does; a service that has parsed a request body within its limits uses this
    /// rather than writing the value out and parsing it again.
    public func verify(json: JSONValue, source: String) async -> [VerificationReport] {
        await verify(items: InputDetector.detect(json: json, source: source))
    }

    private func verify(items: [DetectedInput]) async -> [VerificationReport] {
        var reports: [VerificationReport] = []
        for item in items { reports.append(await verify(item)) }
        return reports
    }

    /// Verifies many files in parallel (at most `maxConcurrency` at once), keeping their order.
    public func verifyBatch(_ items: [(source: String, bytes: [UInt8])], maxConcurrency: Int = ProcessInfo.processInfo.activeProcessorCount * 2) async -> [[VerificationReport]] {
        var results = [[VerificationReport]](repeating: [], count: items.count)
        await withTaskGroup(of: (Int, [VerificationReport]).self) { group in
            var next = 0
            func add() {
                let i = next
                next += 1
                let item = items[i]
                group.addTask { (i, await self.verify(bytes: item.bytes, source: item.source)) }
            }
            while next < items.count && next < max(1, maxConcurrency) { add() }
            while let (i, reports) = await group.next() {
                results[i] = reports
                if next < items.count { add() }
            }
        }
        return results
    }

    /// Verifies one detected item.
    public func verify(_ input: DetectedInput, presentation: PresentationContext? = nil) async -> VerificationReport {
        if input.kind == .unknown {
            let problem = input.problem ?? .vc(.parsingError, "not a credential I know")
            let unreadable = input.document == nil
            return VerificationReport(source: input.source, kind: .unknown, checks: [
                .error(.format, unreadable ? "Unreadable: not valid JSON: " + problem.detail : problem.detail.prefix(1).uppercased() + problem.detail.dropFirst(), [problem]),
            ], summary: nil, isUnreadable: unreadable)
        }
        if input.kind == .envelopedUnsupported {
            let why = input.problem?.detail ?? "unsupported envelope"
            return VerificationReport(source: input.source, kind: input.kind, checks: [
                .skipped(.format, "Not opened: \(why)", limitsTrust: true),
                .skipped(.seal, "Not checked: \(why)", limitsTrust: true),
            ], summary: nil)
        }
        let seal = await sealEvidence(for: input)
        let subject = VerificationSubject(input: input, seal: seal, presentation: presentation)
        if subject.isPresentation {
            var checks: [CheckResult] = []
            for check in presentationChecks { checks.append(await check.run(subject, context: context)) }
            let embeddedContext = PresentationContext(
                holder: input.document.flatMap { CredentialText.id(of: $0["holder"]) },
                proofVerified: {
                    switch seal {
                    case .dataIntegrity(let r): return r.verified
                    case .jwt(let r): return r.errors.isEmpty
                    default: return nil
                    }
                }(),
                proofProblems: checks.first { $0.name == .seal }?.problems ?? [])
            var embedded: [VerificationReport] = []
            let credentials = input.document?["verifiableCredential"]?.asArray ?? []
            for (i, vc) in credentials.enumerated() {
                let item = InputDetector.classify(vc, source: "\(input.source) › verifiableCredential[\(i)]")
                embedded.append(await verify(item, presentation: embeddedContext))
            }
            return VerificationReport(source: input.source, kind: input.kind, checks: checks, summary: nil, embedded: embedded)
        }
        var checks: [CheckResult] = []
        for check in credentialChecks { checks.append(await check.run(subject, context: context)) }
        let summary = input.document.map { CredentialSummary(credential: $0, catalog: policy.escoCatalog) }
        return VerificationReport(source: input.source, kind: input.kind, checks: checks, summary: summary)
    }

    func sealEvidence(for input: DetectedInput) async -> SealEvidence {
        switch input.kind {
        case .jadesSealed:
            let envelope = input.envelope ?? .null
            let result = jadesVerifier.verify(envelope: envelope)
            guard result.isValid, let signature = result.signatures.first, signature.signingCertificate != nil else {
                return .jades(result, trust: .unusable)
            }
            let entry = (try? JWSJSONDocument(envelope))?.signatures.first
            let isEDC = VerificationSubject(input: input).isEDC
            return .jades(result, trust: await SealTrust.evaluate(signature, entry: entry, payload: input.document,
                                                                   isEDC: isEDC, policy: policy))
        case .dataIntegrityCredential, .presentation:
            guard let document = input.document, document["proof"] != nil else { return .unsealed }
            let options = ProofVerificationOptions(
                domain: input.kind == .presentation ? policy.domain : nil,
                challenge: input.kind == .presentation ? policy.challenge : nil,
                now: policy.now, issuerCheck: true)
            return .dataIntegrity(await context.dataIntegrity.verify(document, options: options))
        case .envelopedJWT:
            var result = await JWTVerifier(resolver: context.dataIntegrity.resolver).verify(input.compactJWS ?? "", envelope: input.document)
            if let claims = input.document, claims["type"]?.asArray.contains("VerifiablePresentation") ?? false {
                // A presentation JWT answers a verifier's challenge in `nonce` and names its audience in `aud`.
                if let challenge = policy.challenge, claims["nonce"]?.stringValue != challenge {
                    let found = claims["nonce"] == nil ? "has no nonce" : "answers another challenge (nonce)"
                    result.errors.append(.vc(.cryptographicSecurityError, "a challenge was required, but the presentation \(found)"))
                }
                if let domain = policy.domain {
                    let audience = claims["aud"]?.asArray.compactMap(\.stringValue) ?? []
                    if !audience.contains(where: domain.contains) {
                        result.errors.append(.vc(.cryptographicSecurityError, "a domain was required, but the presentation's aud \(audience.isEmpty ? "is missing" : audience.joined(separator: ", ") + " does not name it")"))
                    }
                }
            }
            return .jwt(result)
        case .uploadable, .unsecuredCredential, .unknown, .envelopedUnsupported:
            return .unsealed
        }
    }
}

/// Caches resolved verification methods across a batch (did:key decoding, did:web file reads), at most
/// 4,096 of them. A long-running service can share one across requests by passing it to ``Verifier/init(policy:resolver:didWebDirectory:canonicalizer:)``
/// (safe for did:key and did:jwk, whose documents are derived from the identifier and never change).
public final class CachingMethodResolver: VerificationMethodResolving, @unchecked Sendable {
    private let base: any VerificationMethodResolving
    private let lock = NSLock()
    private var cache: [String: ProofVerificationMethod] = [:]

    /// Wraps `base`.
    public init(_ base: any VerificationMethodResolving) { self.base = base }

    public func resolve(verificationMethod: String, relationship: ProofPurpose) async throws(DataIntegrityError) -> ProofVerificationMethod {
        let key = relationship.rawValue + " " + verificationMethod
        if let hit = lock.withLock({ cache[key] }) { return hit }
        let resolved = try await base.resolve(verificationMethod: verificationMethod, relationship: relationship)
        lock.withLock {
            if cache.count > 4096 { cache.removeAll() }
            cache[key] = resolved
        }
        return resolved
    }
}
