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
    /// When set, revocation data a certificate names is fetched through this fetcher when neither the seal nor the
    /// user supplies usable data: first an OCSP response from its authority-information-access OCSP responder
    /// (smaller), then the CRLs of its CRL distribution points. `nil` (the default): nothing is fetched.
    public var fetcher: (any HTTPFetching)?
    /// Largest CRL fetched, in bytes (default 16 MiB).
    public var maxFetchedBytes: Int
    /// Largest OCSP response fetched, in bytes (default 64 KiB; real ones are a few KiB).
    public var maxFetchedOCSPBytes: Int
    /// How old, in seconds, a fetched OCSP response that does not echo the request's nonce may be (its producedAt
    /// before now; default 300). Responders that pre-produce answers ignore nonces; an older answer could be a replay.
    public var maxUnnoncedOCSPAge: TimeInterval
    /// The time each fetch may take, every hop included (default 10 s).
    public var fetchTimeout: Duration
    /// How long, in seconds, a responder or distribution point whose answer was refused (unreachable, oversized, not
    /// parseable, not answering the request, not signed by the CA or its authorised responder) is not asked again
    /// about the same certificate (default 60). Refused answers are never cached as answers, so they cannot keep a
    /// good one from being fetched; this short back-off only keeps a broken or hostile server from making every
    /// verification ask it again (and wait for it).
    public var refusedFetchBackoff: TimeInterval
    /// Most CRLs of one seal's own `rVals` examined (default ``SealRevocationChecker/defaultMaxEmbeddedCRLs``).
    public var maxEmbeddedCRLs: Int
    /// Most bytes of CRLs, all together, of one seal's own `rVals` examined (default
    /// ``SealRevocationChecker/defaultMaxEmbeddedCRLBytes``).
    public var maxEmbeddedCRLBytes: Int

    /// Creates a policy; the defaults supply nothing, require nothing and fetch nothing.
    public init(
        supplied: [RevocationInput] = [], requireRevocationData: Bool = false, fetcher: (any HTTPFetching)? = nil,
        maxFetchedBytes: Int = CertificateRevocationList.maximumSize, maxFetchedOCSPBytes: Int = 64 * 1024,
        maxUnnoncedOCSPAge: TimeInterval = 300, fetchTimeout: Duration = .seconds(10), refusedFetchBackoff: TimeInterval = 60,
        maxEmbeddedCRLs: Int = SealRevocationChecker.defaultMaxEmbeddedCRLs,
        maxEmbeddedCRLBytes: Int = SealRevocationChecker.defaultMaxEmbeddedCRLBytes
    ) {
        self.supplied = supplied
        self.requireRevocationData = requireRevocationData
        self.fetcher = fetcher
        self.maxFetchedBytes = maxFetchedBytes
        self.maxFetchedOCSPBytes = maxFetchedOCSPBytes
        self.maxUnnoncedOCSPAge = maxUnnoncedOCSPAge
        self.fetchTimeout = fetchTimeout
        self.refusedFetchBackoff = refusedFetchBackoff
        self.maxEmbeddedCRLs = maxEmbeddedCRLs
        self.maxEmbeddedCRLBytes = maxEmbeddedCRLBytes
    }

    /// Fetched CRLs that the issuing CA's signature verified, by URL, kept until their nextUpdate (at most 64, at
    /// most a day).
    static let fetchedCRLs = BoundedCache<String, [UInt8]>(capacity: 64)
    /// Fetched OCSP responses signed by the CA or a responder it authorised, by responder URL and CertID, kept until
    /// their nextUpdate (at most 256, at most a day).
    static let fetchedOCSP = BoundedCache<String, [UInt8]>(capacity: 256)
    /// Why the last fetch from a URL (OCSP: and CertID) was refused, and when, kept for ``refusedFetchBackoff`` (at most 256).
    static let refusedFetches = BoundedCache<String, RefusedFetch>(capacity: 256)

    /// A refused fetch, remembered for the back-off.
    struct RefusedFetch: Sendable {
        let reason: String
        let until: Date
    }

    /// Remembers a refusal for the back-off (none when it is zero or less).
    func rememberRefusal(_ reason: String, for key: String, now: Date) {
        guard refusedFetchBackoff > 0 else { return }
        let until = now.addingTimeInterval(refusedFetchBackoff)
        Self.refusedFetches.store(RefusedFetch(reason: reason, until: until), for: key, expires: until, now: now)
    }

    /// The refusal finding's text for a URL still in its back-off, or `nil`.
    static func backoffRefusal(for key: String, now: Date) -> String? {
        guard let refused = refusedFetches.value(for: key, now: now) else { return nil }
        return "refused: not asked again before \(XSDDateTime.format(refused.until)): its last answer was refused (\(refused.reason))"
    }
}

/// The revocation check of one intermediate CA certificate in a seal's trusted chain.
public struct IntermediateRevocation: Sendable, Hashable {
    /// The intermediate CA certificate.
    public let certificate: Certificate
    /// What its revocation data showed.
    public let check: SealRevocationCheck
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
    /// The revocation of the intermediate CA certificates of the seal's trusted chain (leaf side first).
    public var intermediates: [IntermediateRevocation] = []

    /// The sentence for a seal that fails on revocation, or `nil`.
    public var failure: String? {
        if case .revokedBefore(let date, let reason, let source) = revocation.status {
            return
                "The seal certificate was revoked on \(XSDDateTime.format(date))\(reason.map { " (\($0))" } ?? ""), before the seal is shown to have been made, per \(source)"
        }
        for intermediate in intermediates {
            if case .revokedBefore(let date, let reason, let source) = intermediate.check.status {
                return
                    "The intermediate CA certificate \(intermediate.certificate.subject.text) was revoked on \(XSDDateTime.format(date))\(reason.map { " (\($0))" } ?? ""), before the seal is shown to have been made, per \(source)"
            }
        }
        return missingRequiredRevocation
    }

    /// Largest number of intermediate CA certificates whose revocation is checked: a chain longer than this is
    /// checked for its first ones only, and the report says so.
    public static let maximumIntermediates = 8
}

extension SealLongTermEvidence {
    /// Evaluates the elements of a verified seal's first signature.
    ///
    /// - Parameters:
    ///   - chain: the seal certificate's chain as judged (its CA certificates are the issuer candidates first).
    ///   - judgedAt: the time the seal is judged at (the proven time, else now); `proven` says which.
    static func evaluate(
        _ signature: JAdESSignatureVerification, entry: JWSSignatureEntry?, payloadMember: String?, chain: JAdESChainValidation?,
        judgedAt: Date, proven: Bool, policy: VerificationPolicy, signatureTimeStamps: [ExaminedSignatureTimeStamp] = []
    ) async -> SealLongTermEvidence {
        var lines: [String] = []
        // The properties the JAdES check decoded; a signature without its entry has none to show.
        let properties = entry == nil ? JAdESUnsignedProperties(unprotectedHeader: nil) : signature.unsignedProperties
        let names = Set(properties.components.map(\.name))
        let (values, unreadableValues) = JAdESValidationValues.certificates(in: properties)
        let tsaValidator = TimeStampAuthorityValidator(trustAnchors: policy.timeStampAnchors)
        // A TSA chain SealTrust built counts here only when it had the same intermediates to build from.
        let sameIntermediates = values == signature.unsignedCertificates

        func tsaVerdict(_ token: TimeStampToken, judged: JAdESChainValidation? = nil) async -> String {
            let validation: JAdESChainValidation
            if let judged, sameIntermediates { validation = judged } else { validation = await tsaValidator.validate(token, intermediates: values) }
            switch validation {
            case .trusted(let chain):
                return "the TSA is trusted (anchor \(chain.last.map { $0.subject.text } ?? "?"))"
            case .untrusted(let reason):
                let why = policy.timeStampAnchors.isEmpty ? "no time-stamping trust anchors are configured" : reason
                return "validated cryptographically, but the TSA is not trusted: \(why)"
            }
        }

        // sigTst: the time itself is decided by SealTrust; here each token is described.
        if let entry {
            let imprintInput = JAdESTimeStamps.signatureTimeStampInput(signatureEncoded: entry.signatureEncoded)
            for (position, der) in JAdESTimeStamps.signatureTimeStampTokens(in: properties).prefix(4).enumerated() {
                let earlier = position < signatureTimeStamps.count ? signatureTimeStamps[position] : nil
                let parsed: Result<TimeStampToken, JAdESError>
                if let earlier { parsed = earlier.token } else { parsed = Result { () throws(JAdESError) in try TimeStampToken(derEncoded: der) } }
                switch parsed {
                case .success(let token):
                    let over = token.imprintMatches(imprintInput) ? "over the signature value" : "NOT over this seal's signature value"
                    lines.append(
                        "sigTst: time-stamp at \(XSDDateTime.format(token.genTime)) by \(token.signerCertificate.subject.text), \(over); \(await tsaVerdict(token, judged: earlier?.authority))"
                    )
                case .failure(let error):
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
        var intermediates: [IntermediateRevocation] = []
        var revocation = SealRevocationCheck(status: .notChecked("the seal has no usable certificate"), findings: [])
        if let leaf = signature.signingCertificate {
            var candidates = signature.certificateChain + values + policy.trustAnchors
            if case .trusted(let certificates)? = chain { candidates = certificates + candidates }
            let inputs = RevocationInput.embedded(in: properties) + policy.sealRevocation.supplied
            revocation = await Self.check(
                leaf, candidates: candidates, inputs: inputs, at: judgedAt, proven: proven, claimedTime: signature.signingTime,
                policy: policy.sealRevocation, clockSkew: policy.clockSkew, now: policy.now
            ).check
            for finding in revocation.findings {
                lines.append(
                    finding.origin == RevocationDataOrigin.embedded ? "rVals: \(finding.text)" : "Revocation data (\(finding.origin)): \(finding.text)")
            }
            // The intermediate CAs of the chain as validated (not the anchor, which the user or a trusted list vouches for).
            if case .trusted(let certificates)? = chain, certificates.count > 2 {
                let between = Array(certificates.dropFirst().dropLast())
                for certificate in between.prefix(Self.maximumIntermediates) {
                    let role = "the intermediate CA certificate"
                    let check = await Self.check(
                        certificate, candidates: candidates, inputs: inputs, at: judgedAt, proven: proven, claimedTime: signature.signingTime,
                        policy: policy.sealRevocation, clockSkew: policy.clockSkew, now: policy.now, role: role
                    ).check
                    intermediates.append(IntermediateRevocation(certificate: certificate, check: check))
                    let name = "intermediate CA \(Self.commonName(certificate))"
                    for finding in check.findings {
                        lines.append(
                            finding.origin == RevocationDataOrigin.embedded
                                ? "rVals (\(name)): \(finding.text)" : "Revocation data (\(name), \(finding.origin)): \(finding.text)")
                    }
                    lines.append("Revocation of \(name): \(Self.statusText(check.status, judgedAt: judgedAt, proven: proven))")
                }
                if between.count > Self.maximumIntermediates {
                    lines.append(
                        "Revocation: \(between.count - Self.maximumIntermediates) further intermediate CA certificate(s) not checked (limit \(Self.maximumIntermediates))"
                    )
                }
            }
        }
        lines.append("Revocation: \(Self.statusText(revocation.status, judgedAt: judgedAt, proven: proven))")

        // arcTst.
        if let entry, let payloadMember, names.contains("arcTst") {
            for check in JAdESArchiveTimeStamps.check(payloadMember: payloadMember, entry: entry, properties: properties) {
                let covers = "covers the payload, protected header, signature" + (check.covered.isEmpty ? "" : " and \(check.covered.joined(separator: ", "))")
                if let problem = check.problem {
                    let at = check.token.map { " at \(XSDDateTime.format($0.genTime))" } ?? ""
                    lines.append("arcTst: REFUSED\(at): \(problem)")
                } else if let token = check.token {
                    lines.append(
                        "arcTst: archive time-stamp at \(XSDDateTime.format(token.genTime)) by \(token.signerCertificate.subject.text) (\(covers)): imprint verified; \(await tsaVerdict(token))"
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
        if policy.sealRevocation.requireRevocationData {
            if case .notChecked(let why) = revocation.status {
                missing = "Revocation data is required, but the seal certificate's status is not established: \(why)"
            } else if let open = intermediates.first(where: { if case .notChecked = $0.check.status { true } else { false } }),
                case .notChecked(let why) = open.check.status
            {
                missing =
                    "Revocation data is required, but the status of the intermediate CA certificate \(open.certificate.subject.text) is not established: \(why)"
            }
        }
        var evidence = SealLongTermEvidence(
            level: level, lines: ["Level: JAdES \(level)"] + lines, revocation: revocation, missingRequiredRevocation: missing)
        evidence.intermediates = intermediates
        return evidence
    }

    /// The report's words for a revocation status, judged at `judgedAt` (a proven time when `proven`, else now).
    static func statusText(_ status: SealRevocationStatus, judgedAt: Date, proven: Bool) -> String {
        switch status {
        case .good(let text): return text
        case .revokedBefore(let date, let reason, _):
            return "REVOKED on \(XSDDateTime.format(date))\(reason.map { " (\($0))" } ?? ""), before \(XSDDateTime.format(judgedAt))"
        case .revokedAfter(let date, let reason, _):
            // Judged now (no proven time), a revocation "after" it is one dated in the future: nothing was proven.
            let after =
                proven
                ? "after the seal was proven made (\(XSDDateTime.format(judgedAt))); the seal stands"
                : "a date after the verification time (\(XSDDateTime.format(judgedAt))), so not yet in force"
            return "revoked on \(XSDDateTime.format(date))\(reason.map { " (\($0))" } ?? ""), \(after)"
        case .notChecked(let why): return "not checked — \(why)"
        }
    }

    static func commonName(_ certificate: Certificate) -> String {
        let text = certificate.subject.text
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

    /// What was fetched for one certificate: the data to check (and, when sealing, to embed), and a finding for
    /// each fetch that was refused.
    public struct Fetched: Sendable {
        /// The CRLs and OCSP responses fetched (or taken from the cache).
        public var inputs: [RevocationInput] = []
        /// One finding per refused fetch: transport failure, oversized body, garbage, wrong CertID or nonce.
        public var refusals: [RevocationFinding] = []

        /// Takes what an earlier fetch left under `key`: a verified answer still in `cache`, or a refusal still
        /// backing off. True when either was found, so nothing is fetched.
        mutating func reuse(
            _ kind: RevocationInput.Kind, from cache: BoundedCache<String, [UInt8]>, key: String, url: String, now: Date
        ) -> Bool {
            if let cached = cache.value(for: key, now: now) {
                inputs.append(RevocationInput(kind, bytes: cached, origin: .fetched(url)))
                return true
            }
            if let backoff = SealRevocationPolicy.backoffRefusal(for: key, now: now) {
                refusals.append(RevocationFinding(kind: kind, origin: .fetched(url), text: backoff))
                return true
            }
            return false
        }
    }

    /// Checks `certificate`'s revocation from `inputs`, fetching when the policy has a fetcher and `inputs` do not
    /// establish the status: an OCSP response first (smaller), then the CRLs, each only while the status is open.
    ///
    /// - Returns: the check (its findings include refused fetches) and what was fetched.
    public static func check(
        _ certificate: Certificate, candidates: [Certificate], inputs: [RevocationInput], at time: Date, proven: Bool,
        claimedTime: Date?, policy: SealRevocationPolicy, clockSkew: TimeInterval, now: Date, role: String = "the seal certificate"
    ) async -> (check: SealRevocationCheck, fetched: [RevocationInput]) {
        let checker = SealRevocationChecker(
            clockSkew: clockSkew, now: now, maxEmbeddedCRLs: policy.maxEmbeddedCRLs, maxEmbeddedCRLBytes: policy.maxEmbeddedCRLBytes)
        var check = await checker.check(certificate, candidates: candidates, inputs: inputs, at: time, proven: proven, claimedTime: claimedTime, role: role)
        guard case .notChecked = check.status, let fetcher = policy.fetcher else { return (check, []) }
        var fetched = Fetched()
        if let issuer = SealRevocationChecker.issuer(of: certificate, among: candidates) {
            fetched = await fetchOCSP(
                for: certificate, issuer: issuer, fetcher: fetcher, policy: policy, candidates: candidates, clockSkew: clockSkew, now: now)
            if !fetched.inputs.isEmpty {
                check = await checker.check(
                    certificate, candidates: candidates, inputs: inputs + fetched.inputs, at: time, proven: proven, claimedTime: claimedTime, role: role)
            }
        }
        if case .notChecked = check.status {
            let crls = await fetchCRLs(
                for: certificate, issuer: SealRevocationChecker.issuer(of: certificate, among: candidates), fetcher: fetcher, policy: policy, now: now)
            fetched.refusals += crls.refusals
            if !crls.inputs.isEmpty {
                fetched.inputs += crls.inputs
                check = await checker.check(
                    certificate, candidates: candidates, inputs: inputs + fetched.inputs, at: time, proven: proven, claimedTime: claimedTime, role: role)
            }
        }
        return (SealRevocationCheck(status: check.status, findings: check.findings + fetched.refusals), fetched.inputs)
    }

    /// The http(s) URIs of a certificate's OCSP responders (authority information access, id-ad-ocsp), at most two.
    static func ocspResponders(_ certificate: Certificate) -> [String] {
        guard let access = try? certificate.extensions.authorityInformationAccess else { return [] }
        var out: [String] = []
        for description in access where description.method == .ocspServer {
            if case .uniformResourceIdentifier(let uri) = description.location, uri.hasPrefix("http://") || uri.hasPrefix("https://") {
                out.append(uri)
            }
        }
        return Array(out.prefix(2))
    }

    /// Asks the OCSP responders a certificate names (authority information access, http or https, at most two)
    /// about it: an RFC 6960 request with a SHA-1 CertID and a fresh nonce, POSTed as `application/ocsp-request`
    /// through `fetcher` (no redirects, ``SealRevocationPolicy/maxFetchedOCSPBytes``, plain http allowed: responses
    /// are signed). A response is kept only when it parses, answers the CertID asked and echoes the nonce (or, when
    /// the responder ignores nonces, was produced within ``SealRevocationPolicy/maxUnnoncedOCSPAge``); its signature
    /// and responder are checked here (the CA itself, or a responder certificate the CA issued for OCSP signing,
    /// found in the response or among `candidates`) and again by ``SealRevocationChecker`` like any other. Only a
    /// response that passes all of this is cached, per responder and CertID, until its nextUpdate (at most a day;
    /// without a nextUpdate it is not cached). After a refusal the responder is not asked again about the
    /// certificate for ``SealRevocationPolicy/refusedFetchBackoff``.
    public static func fetchOCSP(
        for certificate: Certificate, issuer: Certificate, fetcher: any HTTPFetching, policy: SealRevocationPolicy,
        candidates: [Certificate] = [], clockSkew: TimeInterval = 300, now: Date
    ) async -> Fetched {
        var out = Fetched()
        for url in ocspResponders(certificate) {
            var key = url
            func refuse(_ why: String) {
                out.refusals.append(RevocationFinding(kind: .ocsp, origin: .fetched(url), text: "refused: \(why)"))
                policy.rememberRefusal(why, for: key, now: now)
            }
            let request: OCSPRequest
            do { request = try OCSPRequest(for: certificate, issuer: issuer) } catch {
                refuse(error.message)
                continue
            }
            key = "\(url) \(request.serialNumber) \(request.issuerKeyHash.map { String($0, radix: 16) }.joined())"
            if out.reuse(.ocsp, from: SealRevocationPolicy.fetchedOCSP, key: key, url: url, now: now) { continue }
            let fetchPolicy = FetchPolicy(
                maxBytes: policy.maxFetchedOCSPBytes, deadline: policy.fetchTimeout, maxRedirects: 0, allowPlainHTTP: true,
                accept: "application/ocsp-response")
            let document: FetchedDocument
            do {
                document = try await fetcher.post(url, body: request.derEncoded, contentType: "application/ocsp-request", policy: fetchPolicy)
            } catch {
                refuse("the responder could not be asked: \(error.message)")
                continue
            }
            let response: OCSPBasicResponse
            do { response = try OCSPBasicResponse(derEncoded: document.bytes) } catch {
                refuse(error.message)
                continue
            }
            if let problem = request.problem(with: response, now: now, maximumAge: policy.maxUnnoncedOCSPAge, clockSkew: clockSkew) {
                refuse("the OCSP response \(problem)")
                continue
            }
            // Checked before it is cached: a response the CA did not stand behind must not keep a good one out.
            if case .failure(let refusal) = await response.signer(authorisedBy: issuer, candidates: candidates) {
                refuse("OCSP response by \(response.responderID): \(refusal)")
                continue
            }
            let nextUpdate = response.responses.first { $0.serialNumber == request.serialNumber }?.nextUpdate
            if let nextUpdate, nextUpdate > now {
                SealRevocationPolicy.fetchedOCSP.store(document.bytes, for: key, expires: min(nextUpdate, now.addingTimeInterval(86_400)), now: now)
            }
            out.inputs.append(RevocationInput(.ocsp, bytes: document.bytes, origin: .fetched(url)))
        }
        return out
    }

    /// The CRLs a certificate names in its CRL distribution points (http or https, at most two), fetched through
    /// `fetcher` within ``SealRevocationPolicy/maxFetchedBytes`` (plain http allowed: CRLs are signed), or from a
    /// process-wide cache while current. A fetch that fails, does not parse, or (with `issuer`) is not that CA's
    /// signed CRL is a refusal, and the distribution point is not asked again for
    /// ``SealRevocationPolicy/refusedFetchBackoff``. Only a CRL `issuer` signed is cached (without `issuer`, none is).
    public static func fetchCRLs(
        for certificate: Certificate, issuer: Certificate? = nil, fetcher: any HTTPFetching, policy: SealRevocationPolicy, now: Date
    ) async -> Fetched {
        var out = Fetched()
        for url in crlDistributionPoints(certificate) {
            func refuse(_ why: String) {
                out.refusals.append(RevocationFinding(kind: .crl, origin: .fetched(url), text: "refused: \(why)"))
                policy.rememberRefusal(why, for: url, now: now)
            }
            if out.reuse(.crl, from: SealRevocationPolicy.fetchedCRLs, key: url, url: url, now: now) { continue }
            // CRLs are signed, and their distribution points are usually plain http (RFC 5280 §4.2.1.13).
            let fetchPolicy = FetchPolicy(
                maxBytes: policy.maxFetchedBytes, deadline: policy.fetchTimeout, allowPlainHTTP: true, accept: "application/pkix-crl")
            let document: FetchedDocument
            do { document = try await fetcher.fetch(url, policy: fetchPolicy) } catch {
                refuse("the CRL could not be fetched: \(error.message)")
                continue
            }
            let crl: CertificateRevocationList
            do { crl = try CertificateRevocationList(derEncoded: document.bytes) } catch {
                refuse(error.message)
                continue
            }
            if let issuer {
                // Checked before it is cached: a CRL the CA did not sign must not keep its real one out.
                if let problem = crl.problem(signedBy: issuer) {
                    refuse("CRL from \(crl.issuer.text): \(problem)")
                    continue
                }
                let expires = crl.nextUpdate.map { min($0, now.addingTimeInterval(86_400)) } ?? now.addingTimeInterval(3600)
                SealRevocationPolicy.fetchedCRLs.store(document.bytes, for: url, expires: expires, now: now)
            }
            out.inputs.append(RevocationInput(.crl, bytes: document.bytes, origin: .fetched(url)))
        }
        return out
    }
}
