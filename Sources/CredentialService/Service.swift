import Caching
import CredentialIssuance
import CredentialJSON
import CredentialRegistry
import CredentialVerification
import DataIntegrity
import Foundation
import Hummingbird
import JAdES
import KeyManagement
import Logging
import OpenID4VCI
import RegistryStores
import StatusList

/// The request context: Hummingbird's core storage plus the client's address (for rate limiting).
public struct ServiceRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer IP address, or `local` when there is none (in-process tests).
    public let clientAddress: String

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.clientAddress = source.channel.remoteAddress?.ipAddress ?? "local"
    }
}

/// Everything the handlers share: configuration, registry (with the API tokens) and the issuer's key.
public final class CredentialServiceState: Sendable {
    public let configuration: ServiceConfiguration
    public let registry: any RegistryStore
    /// The issuer's did:key (the service issues only as this issuer).
    public let issuerDID: String
    public let verificationMethod: String
    let proofKey: ProofSigningKey
    let limiter: RateLimiter
    /// The wallet endpoints' own bucket: a nonce or token request writes a row, a credential request signs.
    let walletLimiter: RateLimiter
    /// Verifications in arrival order, a few at a time.
    let verifyGate: WorkGate
    /// did:key / did:jwk resolutions, shared by every request's verifier.
    let methodResolver = CachingMethodResolver(DIDVerificationMethodResolver())
    /// Status list credentials built for the service's own verifications.
    let builtLists = BuiltStatusLists()
    /// Trust anchors and the trusted issuers (this service's own DIDs); each request adds its challenge/domain.
    let basePolicy: VerificationPolicy
    /// The Ed25519 issuer (EdDSA suites and the service's status lists).
    let eddsaIdentity: SigningIdentity
    /// The P-256 issuer (ECDSA suites), when the service has that key.
    let ecdsaIdentity: SigningIdentity?
    /// The did:key the ECDSA suites issue as (the P-256 key's), when the service has that key.
    public var ecdsaIssuerDID: String? { ecdsaIdentity?.did }
    /// EDC sealing with the service's e-seal, when it has one; the EDC issuer has one stable id.
    let edcSecuring: CredentialSecuring?
    /// The OpenID4VCI credential issuer (offers, token, nonce, credential endpoints), issuing as the Ed25519 did:key.
    public let openID4VCI: OpenID4VCIIssuer
    /// Named templates: `NAME.json` (and its images) in `DATA_DIR/templates`.
    public var templateDirectory: URL { configuration.templateDirectory }

    public init(
        configuration: ServiceConfiguration, registry: any RegistryStore, issuerKey: PrivateKey,
        issuing: IssuingMaterial = IssuingMaterial()
    ) throws {
        self.configuration = configuration
        self.registry = registry
        self.issuerDID = try issuerKey.publicKey.didKey()
        self.verificationMethod = try issuerKey.publicKey.didKeyVerificationMethod()
        self.proofKey = try ProofSigningKey(issuerKey)
        self.eddsaIdentity = try SigningIdentity(issuerKey)
        self.openID4VCI = try OpenID4VCIIssuer(
            issuer: configuration.issuerIdentifier, registry: registry, key: issuerKey,
            statusBaseURL: configuration.statusBaseURL, limits: configuration.openID4VCILimits)
        self.ecdsaIdentity = try issuing.ecdsaKey.map(SigningIdentity.init)
        self.edcSecuring = try issuing.sealer.map { sealer in
            try CredentialSecuring.jades(
                sealer,
                issuerID: CredentialSecuring.stableEDCIssuerID(
                    organizationIdentifier: try sealer.sealIdentity().organizationIdentifier))
        }
        var trusted: [TrustedIssuerList.Entry] = [.init(id: issuerDID, name: "this service's issuer")]
        if let ecdsa = ecdsaIdentity { trusted.append(.init(id: ecdsa.did, name: "this service's issuer (P-256)")) }
        // The service's own e-seal organisation, for the EDCs it seals (matched only under a trusted chain, like any).
        if let sealer = issuing.sealer, let identity = try? sealer.sealIdentity() {
            trusted.append(
                .init(
                    id: CredentialSecuring.stableEDCIssuerID(organizationIdentifier: identity.organizationIdentifier),
                    organizationIdentifier: identity.organizationIdentifier, name: "this service's e-seal organisation (\(identity.legalName))"))
        }
        if let file = configuration.trustedIssuersFile {
            do { trusted += try TrustedIssuerList(contentsOf: file).entries } catch {
                throw ServiceSetupError(.unreadableTrust, error.description, location: file.path)
            }
        }
        var policy = VerificationPolicy(trustedIssuers: TrustedIssuerList(entries: trusted))
        // The list always holds the service's own issuers; only an operator's list limits trust to listed issuers.
        policy.listedIssuersOnly = configuration.trustedIssuersFile != nil
        if let dir = configuration.timeStampAnchorDirectory {
            do { policy.timeStampAnchors = try JAdESPEM.trustAnchors(directory: dir) } catch {
                throw ServiceSetupError(.unreadableTrust, "the time-stamping trust anchors cannot be read: \(error.message)", location: dir.path)
            }
        }
        if let dir = configuration.trustAnchorDirectory {
            do { policy.trustAnchors = try JAdESPEM.trustAnchors(directory: dir) } catch {
                throw ServiceSetupError(.unreadableTrust, "the trust anchors cannot be read: \(error.message)", location: dir.path)
            }
        }
        policy.trustAnchors += issuing.sealTrustAnchors
        policy.trustedLists = configuration.trustedLists
        if let dir = configuration.issuerMetadataDirectory {
            // Checked now, so a mistyped folder stops the start instead of failing every SD-JWT VC later.
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ServiceSetupError(.unreadableTrust, "the JWT VC Issuer Metadata folder is not a readable folder", location: dir.path)
            }
            policy.issuerMetadata = JWTIssuerMetadataResolver(directory: dir, fetcher: nil)
        }
        policy.sealRevocation = configuration.sealRevocation
        // A token's payload is JSON inside a JSON string: held to the body's limits, or a 10 MB JWT in a small-looking
        // body could hold four times the values and deeper nesting than any body may.
        policy.jsonLimits = JSONParseLimits(
            maxDepth: configuration.maxJSONDepth, maxBytes: configuration.maxBodyBytes, maxValues: configuration.maxJSONValues)
        self.basePolicy = policy
        self.limiter = RateLimiter(rate: configuration.verifyRatePerSecond, burst: configuration.verifyBurst)
        self.walletLimiter = RateLimiter(rate: configuration.walletRatePerSecond, burst: configuration.walletBurst)
        self.verifyGate = WorkGate(width: configuration.verifyConcurrency, maxQueued: configuration.verifyQueueLimit)
    }

    /// The allocation policy: revocation and suspension lists served by this service.
    var allocationPolicy: StatusAllocationPolicy {
        StatusAllocationPolicy(statusBaseURL: configuration.statusBaseURL)
    }

    /// Builds the status list credential for a registry snapshot, signed unless `signed` is false.
    ///
    /// A list is signed by the key of its issuer (Ed25519 or P-256 did:key). EDC lists belong to the seal's
    /// organisation, which has no Data Integrity key: they are sealed with JAdES by the service's e-seal, as its
    /// EDCs are, and the result is then the JWS JSON document whose payload is the list credential.
    func statusListCredential(_ snapshot: StatusListSnapshot, signed: Bool = true) throws -> JSONValue {
        let signer = DataIntegritySigner(canonicalizer: JSONLDCanonicalizer())
        var sign: StatusListPublisher.Signer?
        if signed, let edc = edcSecuring, snapshot.issuer == edc.registryIssuer, let sealer = edc.jadesSealer {
            sign = StatusListSealing.sealingSigner(sealer)
        } else if signed, let identity = signingIdentity(forIssuer: snapshot.issuer) {
            let key = identity.proofKey, vm = identity.verificationMethod
            sign = { unsigned, _ in
                try signer.addProof(to: unsigned, options: ProofOptions(cryptosuite: key.defaultCryptosuite, verificationMethod: vm), key: key)
            }
        }
        let publisher = StatusListPublisher(
            directory: configuration.dataDirectory.appendingPathComponent("status-lists"),
            ttl: configuration.statusListTTLMilliseconds, signer: sign)
        return try publisher.credential(for: snapshot)
    }

    /// A verifier for one request: fresh status cache, so a revocation shows at once.
    func verifier(challenge: String? = nil, domain: [String]? = nil) -> CredentialVerifier {
        var policy = basePolicy
        // The only status source is this service's own registry (foreign lists are refused, nothing is fetched),
        // so its lists need no proof: signing one per verification and checking it again would prove nothing.
        policy.statusSource = RegistryStatusSource(state: self)
        policy.requireSignedStatusLists = false
        policy.challenge = challenge
        policy.domain = domain
        return CredentialVerifier(policy: policy, resolver: methodResolver)
    }

    /// The active token for an `Authorization: Bearer` header, looked up in the registry, or the 401/403 problem.
    func authorize(_ request: Request, scope: TokenScope) async throws(ServiceProblem) -> APIToken {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else { throw .unauthorized }
        let secret = String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
        let found: APIToken?
        do { found = try await Tokens.authenticate(secret, registry: registry) } catch { throw .internalError }
        guard let token = found else { throw .unauthorized }
        guard token.scopes.contains(scope) else { throw .forbidden(scope.rawValue) }
        return token
    }
}

/// Status lists straight from the registry (no network): every list the registry holds, whichever instance made
/// it — instances that share a registry behind different public URLs each answer for all of its lists.
struct RegistryStatusSource: StatusListSource {
    let state: CredentialServiceState

    func fetch(url: String) async throws(StatusListError) -> [UInt8] {
        // The Token Status List of an SD-JWT VC mirrors the registry's Bitstring Status List: build its token.
        if let mirrored = state.openID4VCI.bitstringListURL(forTokenList: url) {
            let found: RevocationListWithSuspensions?
            do { found = try await state.registry.revocationListWithSuspensions(url: mirrored) } catch {
                throw StatusListError(.retrieval, "the registry could not be read")
            }
            // Only revocation lists have a Token Status List (it carries suspensions too); a suspension list's bits
            // published as "invalid" would call a suspended credential revoked.
            guard let list = found, list.revocation.purpose == "revocation" else { throw StatusListError(.retrieval, "no status list \(url)") }
            do { return Array(try state.openID4VCI.statusListToken(for: list).utf8) } catch {
                throw StatusListError(.retrieval, "the status list \(url) could not be built")
            }
        }
        let found: StatusListSnapshot?
        do { found = try await state.registry.statusList(url: url) } catch {
            throw StatusListError(.retrieval, "the registry could not be read")
        }
        return JSONWriter.data(try built(found, url: url))
    }

    /// The Bitstring Status Lists among `urls` in one registry read, as JSON. A credential the service issues names
    /// two lists, and each read's own cost (a reader connection, SQLite's locks) was most of it: reading both at once
    /// took the registry's share of the server's CPU per VC 2.0 verification from 12.2 to 9.4 % (`perf`,
    /// load-test.sh). The lists' JSON is the one built once per change of their bits: writing it out for each
    /// verification to parse it again, and freeing the parsed copy, was another 2 %. Token Status List URLs are
    /// left to ``fetch(url:)``.
    func fetchTogether(urls: [String]) async -> [String: Result<FetchedStatusList, StatusListError>]? {
        let lists = urls.filter { state.openID4VCI.bitstringListURL(forTokenList: $0) == nil }
        guard !lists.isEmpty else { return nil }
        let found: [StatusListSnapshot]
        do { found = try await state.registry.statusLists(urls: lists) } catch {
            return Dictionary(lists.map { ($0, .failure(StatusListError(.retrieval, "the registry could not be read"))) }, uniquingKeysWith: { a, _ in a })
        }
        var answers: [String: Result<FetchedStatusList, StatusListError>] = [:]
        for url in lists {
            let list = found.first { $0.url == url }
            answers[url] = Result { () throws(StatusListError) in .json(try built(list, url: url)) }
        }
        return answers
    }

    /// The unsigned list credential for the registry's list at `url` (`nil`: it has none), built once per change of
    /// its bits.
    private func built(_ found: StatusListSnapshot?, url: String) throws(StatusListError) -> JSONValue {
        guard let list = found else {
            if url.hasPrefix(state.configuration.statusBaseURL + "/") { throw StatusListError(.retrieval, "no status list \(url)") }
            throw StatusListError(.retrieval, "the status list \(url) is not in this service's registry, and it fetches nothing from the network")
        }
        if let built = state.builtLists.credential(for: list) { return built }
        let credential: JSONValue
        do { credential = try state.statusListCredential(list, signed: false) } catch {
            throw StatusListError(.retrieval, "the status list \(url) could not be built")
        }
        state.builtLists.store(credential, for: list)
        return credential
    }
}

/// Unsigned list credentials already built from the registry, reused while the list's bits are unchanged.
///
/// Every verification reads the list from the registry (so a revocation by this service or by the CLI on the
/// same database shows at once), but compressing and encoding it again would cost more than the rest of the
/// status check; comparing the bits is cheap. Entries are rebuilt after `maximumAge` so `validFrom` stays recent.
final class BuiltStatusLists: Sendable {
    private struct Entry { var bits: [UInt8]; var credential: JSONValue }
    /// Bounded because a registry may hold very many lists (each entry is about the size of its bitstring).
    private let entries: BoundedCache<String, Entry>
    private let maximumAge: TimeInterval

    init(maximumAge: TimeInterval = 60, capacity: Int = 256) {
        self.maximumAge = maximumAge
        self.entries = BoundedCache(capacity: capacity)
    }

    func credential(for list: StatusListSnapshot, now: Date = Date()) -> JSONValue? {
        guard let entry = entries.value(for: list.url, now: now), Self.same(entry.bits, list.bits) else { return nil }
        return entry.credential
    }

    /// memcmp: a 16 KiB list is compared per status entry, and element-wise `==` is several times slower.
    private static func same(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        lhs.count == rhs.count
            && (lhs.isEmpty || lhs.withUnsafeBytes { x in rhs.withUnsafeBytes { y in memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 } })
    }

    func store(_ credential: JSONValue, for list: StatusListSnapshot, now: Date = Date()) {
        entries.store(Entry(bits: list.bits, credential: credential), for: list.url, expires: now.addingTimeInterval(maximumAge), now: now)
    }
}

/// First-start set-up: the embedded default in the data directory.
public enum ServiceSetup {
    /// What ``prepare(_:)`` made.
    public struct Prepared: Sendable {
        public let state: CredentialServiceState
        /// The demo token, only on the start that created it (print it once; it is stored as a hash).
        public let demoToken: String?
        /// Whether this start created the issuer key.
        public let createdIssuerKey: Bool
        /// Whether this start created the P-256 issuer key (ECDSA suites).
        public var createdECDSAKey = false
        /// The subject of the demo seal certificate, on the start that created it.
        public var createdSealSubject: String?
        /// The templates this start copied into `DATA_DIR/templates` (names without `.json`).
        public var seededTemplates: [String] = []
        /// Files or folders of the data directory that other users can read, each with the command that fixes it.
        public var permissionWarnings: [String] = []
    }

    /// The data directory and a SQLite registry must be private to the service's user: they hold token hashes,
    /// keys and learners' personal data. New ones are made so (`serve` sets umask 077); existing wider ones are named.
    static func permissionWarnings(_ configuration: ServiceConfiguration) -> [String] {
        var paths = [(configuration.dataDirectory.path, "700")]
        if !RegistryConnection.isPostgres(configuration.databaseSpec) {
            let file = configuration.databaseSpec.hasPrefix("sqlite:") ? String(configuration.databaseSpec.dropFirst(7)) : configuration.databaseSpec
            paths.append((file, "600"))
        }
        var warnings: [String] = []
        for (path, wanted) in paths {
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 != 0
            else { continue }
            warnings.append("\(path) is readable by other users (mode \(String(mode, radix: 8))); run chmod \(wanted) \(path)")
        }
        return warnings
    }

    /// The name of the issuer key in `DATA_DIR/keys`.
    public static let issuerKeyName = IssuingDataDirectory.issuerKeyName
    /// The name of the P-256 issuer key (ECDSA suites) in `DATA_DIR/keys`.
    public static let ecdsaKeyName = IssuingDataDirectory.ecdsaKeyName
    /// The name of the e-seal's private key in `DATA_DIR/keys`.
    public static let sealKeyName = IssuingDataDirectory.sealKeyName
    /// The seal certificate chain (seal certificate first), in `DATA_DIR/seal`.
    public static let sealChainFile = IssuingDataDirectory.sealChainFile
    /// The demo CA certificate, in `DATA_DIR/seal`; the service trusts it when present.
    public static let demoCAFile = IssuingDataDirectory.demoCAFile

    /// Opens (creating on first start) the registry, the issuer keys (Ed25519 and P-256, mode 0600), the
    /// e-seal (a demo CA and seal certificate when there is none), the template folder (seeded from
    /// ``ServiceConfiguration/templateSeedDirectory``); when the registry has no token yet, creates the `demo`
    /// token with both scopes. Each missing piece is created on its own, so a data directory from
    /// an earlier version gains what it lacks and keeps what it has.
    public static func prepare(_ configuration: ServiceConfiguration) async throws -> Prepared {
        try FileManager.default.createDirectory(
            at: configuration.dataDirectory, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        let registry = try await RegistryConnection.openReady(configuration.databaseSpec)
        // The issuer keys and the e-seal: the same code as the CLI's first use (`skillcred issue`, `seal`, `status publish`).
        let data = IssuingDataDirectory(configuration.dataDirectory)
        let issuer: IssuingDataDirectory.Key
        let ecdsa: IssuingDataDirectory.Key
        let seal: IssuingDataDirectory.Seal?
        do {
            issuer = try data.loadOrCreateKey(issuerKeyName, type: .ed25519)
            ecdsa = try data.loadOrCreateKey(ecdsaKeyName, type: .p256)
            // A configured seal (a token's) replaces the data directory's: no demo seal is made beside it.
            seal = configuration.sealer == nil ? try data.loadOrCreateSeal() : nil
        } catch {
            throw ServiceSetupError(error)
        }
        // The service trusts its own demo CA, for what it seals itself (and labels it DEMO).
        let anchors = try seal?.demoCAURL.map { try JAdESPEM.certificates(contentsOf: $0) } ?? []
        let (key, created, ecdsaKey, createdECDSA) = (issuer.key, issuer.created, ecdsa.key, ecdsa.created)
        let seeded = try seedTemplates(configuration)
        var demo: String?
        if try await registry.apiTokens().isEmpty {
            let secret = Tokens.generateSecret()
            do {
                try await registry.insertAPIToken(APIToken(name: "demo", scopes: [.issue, .status], hash: Tokens.hash(secret), createdAt: Date()))
                demo = secret
            } catch {
                // Another instance on the same database made its demo token first; that one is the demo token.
                guard error.code == .alreadyExists else { throw error }
            }
        }
        let state = try CredentialServiceState(
            configuration: configuration, registry: registry, issuerKey: key,
            issuing: IssuingMaterial(ecdsaKey: ecdsaKey, sealer: configuration.sealer ?? seal?.sealer, sealTrustAnchors: anchors))
        var prepared = Prepared(state: state, demoToken: demo, createdIssuerKey: created)
        prepared.createdECDSAKey = createdECDSA
        prepared.createdSealSubject = seal?.created?.sealSubject
        prepared.permissionWarnings = permissionWarnings(configuration)
        prepared.seededTemplates = seeded
        return prepared
    }

    /// Creates `DATA_DIR/templates` when missing, with a copy of the seed folder's templates and images.
    private static func seedTemplates(_ configuration: ServiceConfiguration) throws -> [String] {
        let fm = FileManager.default
        let target = configuration.templateDirectory
        guard !fm.fileExists(atPath: target.path) else { return [] }
        try fm.createDirectory(at: target, withIntermediateDirectories: true)
        guard let seed = configuration.templateSeedDirectory,
            let files = try? fm.contentsOfDirectory(atPath: seed.path)
        else { return [] }
        let kinds = [".json", ".png", ".jpg", ".jpeg"]
        for file in files.sorted() where kinds.contains(where: { file.lowercased().hasSuffix($0) }) && !file.hasPrefix(".") {
            try fm.copyItem(at: seed.appendingPathComponent(file), to: target.appendingPathComponent(file))
        }
        return TemplateNames.list(target)
    }
}

/// A data directory that cannot be set up as it is.
public struct ServiceSetupError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, stable across releases.
    public enum Code: String, Sendable, Hashable {
        /// The seal certificate chain exists without the seal key, or the key without the chain.
        case incompleteSeal
        /// The seal certificate chain is not PEM text.
        case unreadableSeal
        /// A trust-anchor folder or trusted-issuer list the operator named cannot be read.
        case unreadableTrust
        /// An issuer or seal key cannot be made or loaded (its file's mode, its PEM).
        case unusableKey
        /// A file or folder of the data directory cannot be made.
        case unwritable
    }

    public let code: Code
    /// What is wrong and what to do, naming the file.
    public let message: String
    /// The file concerned.
    public let location: String

    public init(_ code: Code, _ message: String, location: String) {
        self.code = code
        self.message = message
        self.location = location
    }

    public var description: String { "\(location): \(message)" }

    /// The service's view of a data directory problem.
    init(_ error: DataDirectoryError) {
        let code: Code
        switch error.code {
        case .incompleteSeal: code = .incompleteSeal
        case .unreadableSeal: code = .unreadableSeal
        case .key: code = .unusableKey
        default: code = .unwritable
        }
        self.init(code, error.message, location: error.location ?? "")
    }
}
