import CredentialJSON
import CredentialRegistry
import CredentialVerification
import DataIntegrity
import Foundation
import Hummingbird
import JAdES
import KeyManagement
import Logging
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
    /// Trust anchors and the trusted issuer (this service's own DID); each request adds its challenge/domain.
    let basePolicy: VerificationPolicy

    public init(configuration: ServiceConfiguration, registry: any RegistryStore, issuerKey: PrivateKey) throws {
        self.configuration = configuration
        self.registry = registry
        self.issuerDID = try issuerKey.publicKey.didKey()
        self.verificationMethod = try issuerKey.publicKey.didKeyVerificationMethod()
        self.proofKey = try ProofSigningKey(issuerKey)
        var policy = VerificationPolicy(trustedIssuers: TrustedIssuerList(entries: [.init(id: issuerDID, name: "this service's issuer")]))
        if let dir = configuration.trustAnchorDirectory {
            policy.trustAnchors = (try? JAdESChainValidator(trustAnchorDirectory: dir).trustAnchors) ?? []
        }
        self.basePolicy = policy
        self.limiter = RateLimiter(rate: configuration.verifyRatePerSecond, burst: configuration.verifyBurst)
    }

    /// The allocation policy: revocation and suspension lists served by this service.
    var allocationPolicy: StatusAllocationPolicy {
        StatusAllocationPolicy(statusBaseURL: configuration.statusBaseURL)
    }

    /// Builds the status list credential for a registry snapshot, signed unless `signed` is false.
    func statusListCredential(_ snapshot: StatusListSnapshot, signed: Bool = true) throws -> JSONValue {
        let signer = DataIntegritySigner(canonicalizer: JSONLDCanonicalizer())
        let key = proofKey, vm = verificationMethod
        var sign: StatusListPublisher.Signer?
        if signed {
            sign = { unsigned, _ in
                try signer.addProof(to: unsigned, options: ProofOptions(cryptosuite: .eddsaRdfc2022, verificationMethod: vm), key: key)
            }
        }
        let publisher = StatusListPublisher(directory: configuration.dataDirectory.appendingPathComponent("status-lists"),
                                            ttl: configuration.statusListTTLMilliseconds, signer: sign)
        return try publisher.credential(for: snapshot)
    }

    /// A verifier for one request: fresh status cache, so a revocation shows at once.
    func verifier(challenge: String? = nil, domain: [String]? = nil) -> Verifier {
        var policy = basePolicy
        // The only status source is this service's own registry (foreign lists are refused, nothing is fetched),
        // so its lists need no proof: signing one per verification and checking it again would prove nothing.
        policy.statusSource = RegistryStatusSource(state: self)
        policy.requireSignedStatusLists = false
        policy.challenge = challenge
        policy.domain = domain
        return Verifier(policy: policy)
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

/// Status lists straight from the registry, for the lists this service serves (no network).
struct RegistryStatusSource: StatusListSource {
    let state: CredentialServiceState

    func fetch(url: String) async throws(StatusListError) -> [UInt8] {
        guard url.hasPrefix(state.configuration.statusBaseURL + "/") else {
            throw StatusListError(.retrieval, "the status list \(url) is not served by this service, and it fetches nothing from the network")
        }
        let lists: [StatusListSnapshot]
        do { lists = try await state.registry.statusLists(issuer: nil) } catch {
            throw StatusListError(.retrieval, "the registry could not be read")
        }
        guard let list = lists.first(where: { $0.url == url }) else {
            throw StatusListError(.retrieval, "no status list \(url)")
        }
        do { return JSONWriter.data(try state.statusListCredential(list, signed: false)) } catch {
            throw StatusListError(.retrieval, "the status list \(url) could not be built")
        }
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
    }

    /// The name of the issuer key in `DATA_DIR/keys`.
    public static let issuerKeyName = "issuer"

    /// Opens (creating on first start) the registry and the issuer key (Ed25519, mode 0600); when the registry
    /// has no token yet, creates the `demo` token with both scopes.
    public static func prepare(_ configuration: ServiceConfiguration) async throws -> Prepared {
        try FileManager.default.createDirectory(at: configuration.dataDirectory, withIntermediateDirectories: true)
        let registry = try await RegistryConnection.openReady(configuration.databaseSpec)
        let keys = KeyStore(directory: configuration.dataDirectory.appendingPathComponent("keys"))
        var created = false
        let key: PrivateKey
        if keys.contains(issuerKeyName) {
            key = try keys.load(issuerKeyName)
        } else {
            key = try PrivateKey.generate(.ed25519)
            try keys.save(key, name: issuerKeyName)
            created = true
        }
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
        let state = try CredentialServiceState(configuration: configuration, registry: registry, issuerKey: key)
        return Prepared(state: state, demoToken: demo, createdIssuerKey: created)
    }
}
