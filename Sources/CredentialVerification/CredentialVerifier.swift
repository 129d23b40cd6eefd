import Caching
import CredentialJSON
import DataIntegrity
import Foundation
import JAdES
import JSONLD
import JSONLDToRDF
import LearningModel
import SDJWT
import StatusList
import TrustedLists
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
    /// Whether only issuers in ``trustedIssuers`` are accredited, or also any bound seal under a trust anchor;
    /// `nil` means "only listed ones when a list is configured". A service whose list holds just its own issuers
    /// sets `false`, so its operator's anchors keep their meaning.
    public var listedIssuersOnly: Bool?
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
    /// Where an SD-JWT VC issuer with an https `iss` (and neither `x5c` nor a DID `kid`) has its keys found: its JWT VC
    /// Issuer Metadata from a local folder and, when the deployment enables fetching, its origin. `nil`: not consulted,
    /// so such a token's signature is not checked (Partially verified).
    public var issuerMetadata: JWTIssuerMetadataResolver?
    /// Seal-certificate revocation: CRLs and OCSP responses supplied besides a seal's `rVals`, whether a status is
    /// required, and whether CRLs may be fetched (default: nothing supplied, required or fetched).
    public var sealRevocation = SealRevocationPolicy()
    /// The EU trusted lists (LOTL and national lists) loaded and verified once; `nil`: seals are not qualified against
    /// them, and only ``trustAnchors`` can make a seal's chain trusted. A CA/QC service granted for e-seals at the seal's
    /// proven time acts as an anchor.
    public var trustedLists: TrustedListSet?
    /// Limits for JSON decoded inside what is verified (a JWT's or SD-JWT's header, payload and disclosures): a
    /// service sets its request-body limits here, so a token in a small body cannot hold more than the body could.
    public var jsonLimits: JSONParseLimits = .default

    public init(
        at: Date? = nil, clockSkew: TimeInterval = 300, trustAnchors: [Certificate] = [],
        timeStampAnchors: [Certificate] = [], trustedIssuers: TrustedIssuerList? = nil, statusSource: (any StatusListSource)? = nil,
        requireSignedStatusLists: Bool = true, escoCatalog: ESCOCatalog? = nil,
        challenge: String? = nil, domain: [String]? = nil, jsonLDFormatCheck: Bool = true
    ) {
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
    /// An SD-JWT VC: issuer signature, disclosures, key binding.
    case sdJWT(SDJWTVerification)
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
        guard let document else { return false }
        let contexts = document["@context"]?.asArray.compactMap(\.stringValue) ?? []
        let types = document["type"]?.asArray.compactMap(\.stringValue) ?? []
        if contexts.contains(where: Self.namesEDCContext) { return true }
        return types.contains("EuropeanDigitalCredential") && contexts.first != "https://www.w3.org/ns/credentials/v2"
    }

    private static let edcContextMarker = Array("data.europa.eu/snb/model/context".utf8)

    /// Whether a context URL has `data.europa.eu/snb/model/context` in it, byte for byte. (Foundation's
    /// `String.contains` went through `NSString` for this: 11 K instructions a call, and the checks ask `isEDC`
    /// six times per verification.)
    static func namesEDCContext(_ context: String) -> Bool {
        let marker = edcContextMarker
        var text = context
        return text.withUTF8 { bytes in
            guard bytes.count >= marker.count, let base = bytes.baseAddress else { return false }
            return marker.withUnsafeBufferPointer { needle in
                for start in 0...(bytes.count - needle.count) where base[start] == needle[0] {
                    if memcmp(base + start, needle.baseAddress!, needle.count) == 0 { return true }
                }
                return false
            }
        }
    }
    /// The issuer's id (`issuer` as a string or `issuer.id`).
    public var issuerID: String? {
        // An SD-JWT VC names its issuer in the JWT claim iss.
        if input.kind == .sdJWT { return document?["iss"]?.stringValue }
        return document.flatMap(CredentialText.issuerID)
    }
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
    public init(
        source: String, kind: InputKind, checks: [CheckResult], summary: CredentialSummary?, embedded: [VerificationReport] = [], isUnreadable: Bool = false
    ) {
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

    /// Whether any trust behind this verdict rests on public demo material (a check says `DEMO:`): renderers show it
    /// beside the verdict, so a demo-key Verified is never mistaken for a real one.
    public var restsOnDemo: Bool { checks.contains { $0.reason.hasPrefix("DEMO:") } || embedded.contains(where: \.restsOnDemo) }

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
/// let verifier = CredentialVerifier(policy: VerificationPolicy(trustAnchors: anchors, statusSource: LocalStatusListMirror(directory: dir)))
/// let reports = await verifier.verify(bytes: data, source: "diploma.json")
/// ```
public struct CredentialVerifier: Sendable {
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
    public init(
        policy: VerificationPolicy = VerificationPolicy(), resolver: (any VerificationMethodResolving)? = nil,
        didWebDirectory: URL? = nil, canonicalizer: JSONLDCanonicalizer = JSONLDCanonicalizer()
    ) {
        self.policy = policy
        let base = resolver ?? DIDVerificationMethodResolver(didWebDirectory: didWebDirectory)
        let caching = base as? CachingMethodResolver ?? CachingMethodResolver(base)
        let di = DataIntegrityVerifier(canonicalizer: canonicalizer, resolver: caching)
        self.context = VerificationContext(
            policy: policy, dataIntegrity: di, statusCache: StatusListCache(),
            jsonLDOptions: canonicalizer.jsonldOptions)
        self.credentialChecks = [FormatCheck(), SealCheck(), OwnerCheck(), RevocationCheck(), AccreditationCheck(), ValidityCheck()]
        self.presentationChecks = [FormatCheck(), SealCheck(), OwnerCheck()]
        self.jadesVerifier = JAdESVerifier()
    }

    /// Verifies every item in `bytes` (one credential, a presentation, or a JSON array of them).
    public func verify(bytes: [UInt8], source: String) async -> [VerificationReport] {
        await verify(items: InputDetector.detect(bytes, source: source, limits: policy.jsonLimits))
    }

    /// Verifies an already-parsed value (one credential, a presentation, or an array of them), as
    /// ``verify(bytes:source:)`` does; a service that has parsed a request body within its limits uses this
    /// rather than writing the value out and parsing it again.
    public func verify(json: JSONValue, source: String) async -> [VerificationReport] {
        await verify(items: InputDetector.detect(json: json, source: source, limits: policy.jsonLimits))
    }

    private func verify(items: [DetectedInput]) async -> [VerificationReport] {
        var reports: [VerificationReport] = []
        for item in items { reports.append(await verify(item)) }
        return reports
    }

    /// Verifies many files in parallel (at most `maxConcurrency` at once), keeping their order.
    public func verifyBatch(
        _ items: [(source: String, bytes: [UInt8])], maxConcurrency: Int = ProcessInfo.processInfo.activeProcessorCount * 2
    ) async -> [[VerificationReport]] {
        var results = [[VerificationReport]](repeating: [], count: items.count)
        await withTaskGroup(of: (Int, [VerificationReport]).self) { group in
            var next = 0
            func add() {
                let position = next
                next += 1
                let item = items[position]
                group.addTask { (position, await self.verify(bytes: item.bytes, source: item.source)) }
            }
            while next < items.count && next < max(1, maxConcurrency) { add() }
            while let (position, reports) = await group.next() {
                results[position] = reports
                if next < items.count { add() }
            }
        }
        return results
    }

    /// Verifies one detected item.
    public func verify(_ input: DetectedInput, presentation: PresentationContext? = nil) async -> VerificationReport {
        await verify(input, presentation: presentation, depth: 0)
    }

    /// How many credentials inside one CLR are verified one by one, and how deep CLRs inside CLRs are opened: each
    /// member costs a proof verification (RDFC for most), so a 16 MiB CLR of tiny members must not cost thousands.
    static let clrMemberLimit = 256
    static let clrDepthLimit = 3

    /// Runs in a ``DatasetMemo`` (the caller's, when it set one), so the Format check and a Data Integrity proof
    /// over the same credential expand and convert it to RDF once between them.
    private func verify(_ input: DetectedInput, presentation: PresentationContext?, depth: Int) async -> VerificationReport {
        await DatasetMemo.$current.withValue(DatasetMemo.current ?? DatasetMemo()) {
            await verifyItem(input, presentation: presentation, depth: depth)
        }
    }

    private func verifyItem(_ input: DetectedInput, presentation: PresentationContext?, depth: Int) async -> VerificationReport {
        if input.kind == .unknown {
            let problem = input.problem ?? .vc(.parsingError, "not a credential I know")
            let unreadable = input.document == nil
            return VerificationReport(
                source: input.source, kind: .unknown,
                checks: [
                    .error(
                        .format,
                        unreadable ? "Unreadable: not valid JSON: " + problem.detail : problem.detail.prefix(1).uppercased() + problem.detail.dropFirst(),
                        [problem])
                ], summary: nil, isUnreadable: unreadable)
        }
        if input.kind == .envelopedUnsupported {
            let why = input.problem?.detail ?? "unsupported envelope"
            return VerificationReport(
                source: input.source, kind: input.kind,
                checks: [
                    .skipped(.format, "Not opened: \(why)", limitsTrust: true),
                    .skipped(.seal, "Not checked: \(why)", limitsTrust: true),
                ], summary: nil)
        }
        let seal = await sealEvidence(for: input)
        // An SD-JWT's checks judge the claims as disclosed, not the digests the issuer signed.
        var input = input
        if case .sdJWT(let verification) = seal, let claims = verification.claims {
            input = DetectedInput(source: input.source, kind: input.kind, document: claims.claims, problem: input.problem, compactJWS: input.compactJWS)
        }
        let subject = VerificationSubject(input: input, seal: seal, presentation: presentation)
        if subject.isPresentation {
            var checks: [CheckResult] = []
            for check in presentationChecks { checks.append(await check.run(subject, context: context)) }
            let embeddedContext = PresentationContext(
                holder: input.document.flatMap { CredentialText.id(of: $0["holder"]) },
                proofVerified: {
                    switch seal {
                    case .dataIntegrity(let result): return result.verified
                    case .jwt(let result): return result.errors.isEmpty
                    default: return nil
                    }
                }(),
                proofProblems: checks.first { $0.name == .seal }?.problems ?? [])
            var embedded: [VerificationReport] = []
            let credentials = input.document?["verifiableCredential"]?.asArray ?? []
            for (index, vc) in credentials.enumerated() {
                let item = InputDetector.classify(vc, source: "\(input.source) › verifiableCredential[\(index)]")
                embedded.append(await verify(item, presentation: embeddedContext, depth: depth + 1))
            }
            return VerificationReport(source: input.source, kind: input.kind, checks: checks, summary: nil, embedded: embedded)
        }
        var checks: [CheckResult] = []
        for check in credentialChecks { checks.append(await check.run(subject, context: context)) }
        var summary = input.document.map { CredentialSummary(credential: $0, catalog: policy.escoCatalog) }
        let members = await clrMembers(of: input, depth: depth)
        if !members.isEmpty {
            summary?.members = members.map { .init(achievement: $0.summary?.achievement ?? $0.source, verdict: $0.status) }
        }
        return VerificationReport(source: input.source, kind: input.kind, checks: checks, summary: summary, embedded: members)
    }

    /// A CLR 2.0 `ClrCredential`'s own credentials (`credentialSubject.verifiableCredential`: AchievementCredentials as
    /// JSON-LD or as JWT strings), each verified as a credential in its own right (its proof or JWT, its issuer, its
    /// status and dates). The CLR's proof covers them as data, but it is the CLR issuer's word: a member's own
    /// issuer is who vouches for the achievement, so a member whose proof fails makes the whole CLR Failed.
    private func clrMembers(of input: DetectedInput, depth: Int) async -> [VerificationReport] {
        guard let document = input.document, document["type"]?.asArray.contains("ClrCredential") == true else { return [] }
        let subjects = document["credentialSubject"]?.asArray ?? []
        let path = subjects.count == 1 ? "credentialSubject.verifiableCredential" : "credentialSubject[0].verifiableCredential"
        let members = subjects.first?["verifiableCredential"]?.asArray ?? []
        guard !members.isEmpty else { return [] }
        guard depth < Self.clrDepthLimit else {
            return [
                VerificationReport(
                    source: "\(input.source) › \(path)", kind: .unknown,
                    checks: [
                        .skipped(
                            .format,
                            "Not opened: a CLR nested more than \(Self.clrDepthLimit) deep; its \(members.count) credentials were not verified one by one",
                            limitsTrust: true)
                    ], summary: nil)
            ]
        }
        var reports: [VerificationReport] = []
        for (index, member) in members.prefix(Self.clrMemberLimit).enumerated() {
            let item = InputDetector.classify(member, source: "\(input.source) › \(path)[\(index)]")
            reports.append(await verify(item, presentation: nil, depth: depth + 1))
        }
        if members.count > Self.clrMemberLimit {
            reports.append(
                VerificationReport(
                    source: "\(input.source) › \(path)[\(Self.clrMemberLimit)…]", kind: .unknown,
                    checks: [
                        .skipped(
                            .format,
                            "Not opened: the CLR holds \(members.count) credentials; the \(members.count - Self.clrMemberLimit) after the first \(Self.clrMemberLimit) were not verified one by one",
                            limitsTrust: true)
                    ], summary: nil))
        }
        return reports
    }

    func sealEvidence(for input: DetectedInput) async -> SealEvidence {
        switch input.kind {
        case .jadesSealed:
            // The envelope is read once: the seal checks and the time-stamps (in the unprotected header) share it.
            let document: JWSJSONDocument
            do { document = try JWSJSONDocument(input.envelope ?? .null) } catch {
                return .jades(jadesVerifier.verify(envelope: input.envelope ?? .null), trust: .unusable)
            }
            let result = jadesVerifier.verify(document)
            guard result.isValid, let signature = result.signatures.first, signature.signingCertificate != nil else {
                return .jades(result, trust: .unusable)
            }
            let entry = document.signatures.first
            let isEDC = VerificationSubject(input: input).isEDC
            return .jades(
                result,
                trust: await SealTrust.evaluate(
                    signature, entry: entry, payload: input.document,
                    isEDC: isEDC, policy: policy, payloadMember: document.payloadMember))
        case .dataIntegrityCredential, .presentation:
            guard let document = input.document, document["proof"] != nil else { return .unsealed }
            let options = ProofVerificationOptions(
                domain: input.kind == .presentation ? policy.domain : nil,
                challenge: input.kind == .presentation ? policy.challenge : nil,
                now: policy.now, issuerCheck: true)
            return .dataIntegrity(await context.dataIntegrity.verify(document, options: options))
        case .envelopedJWT:
            var jwt = JWTVerifier(resolver: context.dataIntegrity.resolver)
            jwt.now = policy.now
            jwt.clockSkew = policy.clockSkew
            jwt.challenge = policy.challenge
            jwt.domain = policy.domain
            jwt.limits = policy.jsonLimits
            return .jwt(await jwt.verify(input.compactJWS ?? ""))
        case .sdJWT:
            return .sdJWT(await verifySDJWT(input.compactJWS ?? ""))
        case .uploadable, .unsecuredCredential, .unknown, .envelopedUnsupported:
            return .unsealed
        }
    }
}

/// Caches resolved verification methods across a batch (did:key decoding, did:web file reads), at most
/// 4,096 of them. A long-running service can share one across requests by passing it to ``CredentialVerifier/init(policy:resolver:didWebDirectory:canonicalizer:)``
/// (safe for did:key and did:jwk, whose documents are derived from the identifier and never change).
public final class CachingMethodResolver: VerificationMethodResolving, Sendable {
    private let base: any VerificationMethodResolving
    private let cache = BoundedCache<String, ProofVerificationMethod>(capacity: 4096)
    private let joseCache = BoundedCache<String, JOSEVerificationMethod>(capacity: 1024)

    /// Wraps `base`.
    public init(_ base: any VerificationMethodResolving) { self.base = base }

    public func resolve(verificationMethod: String, relationship: ProofPurpose) async throws(DataIntegrityError) -> ProofVerificationMethod {
        let key = relationship.rawValue + " " + verificationMethod
        if let hit = cache.value(for: key) { return hit }
        let resolved = try await base.resolve(verificationMethod: verificationMethod, relationship: relationship)
        cache.store(resolved, for: key)
        return resolved
    }

    public func resolveJOSE(verificationMethod: String, relationship: ProofPurpose) async throws(DataIntegrityError) -> JOSEVerificationMethod {
        let key = "jose " + relationship.rawValue + " " + verificationMethod
        if let hit = joseCache.value(for: key) { return hit }
        let resolved = try await base.resolveJOSE(verificationMethod: verificationMethod, relationship: relationship)
        joseCache.store(resolved, for: key)
        return resolved
    }
}

// MARK: - Streaming many inputs in flat memory

extension CredentialVerifier {
    /// Why a ``StreamSource`` could not be read (missing, unreadable, or over the size limit).
    public struct SourceReadError: Error, Sendable, CustomStringConvertible {
        /// What went wrong, in words (e.g. "larger than the 16 MiB limit (17000001 bytes)").
        public let message: String
        /// Creates a read error.
        public init(_ message: String) { self.message = message }
        public var description: String { message }
    }

    /// One input of ``verifyStream(_:maxConcurrency:isolation:handle:)``: its name and how to read its bytes.
    /// The bytes are read only when the input's turn comes, so a long list of sources costs a name each.
    public struct StreamSource: Sendable {
        /// The name used in the reports (a file path, `(standard input)`).
        public let source: String
        /// Reads the bytes; a thrown error becomes an unreadable report for this source, not a failed stream.
        public let read: @Sendable () throws(SourceReadError) -> [UInt8]

        /// A source read by `read`.
        public init(source: String, read: @escaping @Sendable () throws(SourceReadError) -> [UInt8]) {
            self.source = source
            self.read = read
        }

        /// A file, refused unread when its size is over `maxBytes` (default: the JSON parser's 16 MiB limit),
        /// so one huge file costs a `stat`, not its size in memory.
        public static func file(_ path: String, source: String? = nil, maxBytes: Int = JSONParseLimits.default.maxBytes) -> StreamSource {
            StreamSource(source: source ?? path) { () throws(SourceReadError) -> [UInt8] in
                let fd = open(path, O_RDONLY | O_CLOEXEC)
                guard fd >= 0 else { throw SourceReadError("cannot read file (\(String(cString: strerror(errno))))") }
                defer { close(fd) }
                return try readCapped(fd, maxBytes: maxBytes)
            }
        }

        /// Standard input, read to its end but never past `maxBytes`.
        public static func standardInput(source: String = "(standard input)", maxBytes: Int = JSONParseLimits.default.maxBytes) -> StreamSource {
            StreamSource(source: source) { () throws(SourceReadError) -> [UInt8] in try readCapped(STDIN_FILENO, maxBytes: maxBytes) }
        }

        /// Reads `fd` to its end. A regular file's size is checked before anything is read (the stat of the open
        /// descriptor, so the file cannot be swapped in between); any input is also cut off once it passes the
        /// limit, for pipes and for files that grow while being read.
        static func readCapped(_ fd: Int32, maxBytes: Int) throws(SourceReadError) -> [UInt8] {
            var info = stat()
            guard fstat(fd, &info) == 0 else { throw SourceReadError("cannot read file (\(String(cString: strerror(errno))))") }
            let isRegular = (info.st_mode & S_IFMT) == S_IFREG
            if (info.st_mode & S_IFMT) == S_IFDIR { throw SourceReadError("cannot read file (it is a directory)") }
            if isRegular && Int(info.st_size) > maxBytes { throw tooLarge(Int(info.st_size), maxBytes) }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(isRegular ? Int(info.st_size) : 64 * 1024)
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let count = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
                if count < 0 {
                    if errno == EINTR { continue }
                    throw SourceReadError("cannot read file (\(String(cString: strerror(errno))))")
                }
                if count == 0 { return bytes }
                bytes.append(contentsOf: chunk[0..<count])
                if bytes.count > maxBytes { throw tooLarge(nil, maxBytes) }
            }
        }

        static func tooLarge(_ size: Int?, _ maxBytes: Int) -> SourceReadError {
            let limit = maxBytes % (1024 * 1024) == 0 ? "\(maxBytes / (1024 * 1024)) MiB" : "\(maxBytes) bytes"
            return SourceReadError("larger than the \(limit) limit for one input" + (size.map { " (\($0) bytes)" } ?? ""))
        }
    }

    /// Verifies a long run of inputs in flat memory: each is read when its turn comes, at most `maxConcurrency`
    /// are verified at once, and `handle` gets each input's reports (with its position) in input order as soon
    /// as it and every input before it are done.
    ///
    /// Unlike ``verifyBatch(_:maxConcurrency:)``, nothing is kept once `handle` returns: finished inputs wait only
    /// while an earlier one is still running, and no new input is started while `2 × maxConcurrency` are read but
    /// not yet handed back, so memory is bounded by the concurrency, not by the number of inputs.
    /// An input that cannot be read gets one report with ``VerificationReport/isUnreadable`` set.
    ///
    /// ```swift
    /// let sources = paths.lazy.map { CredentialVerifier.StreamSource.file($0) }
    /// await verifier.verifyStream(sources) { index, reports in print(JSONReportRenderer.render(reports)) }
    /// ```
    ///
    /// - Parameters:
    ///   - sources: iterated on the caller's isolation, one element per started input (a lazy sequence stays lazy).
    ///   - handle: called on the caller's isolation, one call at a time, never concurrently with itself.
    public func verifyStream<Sources: Sequence<StreamSource>>(
        _ sources: Sources,
        maxConcurrency: Int = ProcessInfo.processInfo.activeProcessorCount * 2,
        isolation: isolated (any Actor)? = #isolation,
        handle: (Int, [VerificationReport]) async -> Void
    ) async {
        let lanes = max(1, maxConcurrency)
        var iterator = sources.makeIterator()
        await withTaskGroup(of: (Int, [VerificationReport]).self) { group in
            var started = 0, handed = 0, running = 0
            var exhausted = false
            // Finished inputs waiting for an earlier, slower one. The window of 2 × lanes lets the other lanes
            // keep working past one slow input without letting the buffer grow with the batch.
            var waiting: [Int: [VerificationReport]] = [:]
            func startMore() {
                while !exhausted && running < lanes && started - handed < 2 * lanes {
                    guard let source = iterator.next() else { exhausted = true; return }
                    let index = started
                    started += 1
                    running += 1
                    group.addTask { (index, await self.verifyStreamItem(source)) }
                }
            }
            startMore()
            while let (index, reports) = await group.next() {
                running -= 1
                waiting[index] = reports
                while let next = waiting.removeValue(forKey: handed) {
                    await handle(handed, next)
                    handed += 1
                }
                startMore()
            }
        }
    }

    /// Reads and verifies one streamed input; a read failure is reported like unreadable JSON.
    private func verifyStreamItem(_ source: StreamSource) async -> [VerificationReport] {
        let bytes: [UInt8]
        do { bytes = try source.read() } catch {
            let problem = ProblemDetail.vc(.parsingError, error.message)
            return [
                VerificationReport(
                    source: source.source, kind: .unknown,
                    checks: [.error(.format, "Unreadable: " + error.message, [problem])],
                    summary: nil, isUnreadable: true)
            ]
        }
        return await verify(bytes: bytes, source: source.source)
    }
}
