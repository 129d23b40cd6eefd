import CredentialVerification
import Foundation
import JAdES
import OpenID4VCI
import TrustedLists

/// How the service runs. Every limit has a default; flags and `SKILLCRED_*` environment variables override them.
public struct ServiceConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Holds the embedded default: the SQLite registry, the issuer keys, the e-seal, the templates, the token table.
    public var dataDirectory: URL
    /// The registry spec (a SQLite path or a postgres:// URL); default `DATA_DIR/registry.sqlite`.
    public var databaseSpec: String
    /// The origin clients reach the service at, used in status list URLs (default `http://HOST:PORT`).
    public var publicBaseURL: String?
    /// Largest accepted request body (default 10 MB); larger bodies get 413.
    public var maxBodyBytes: Int
    /// Deepest accepted JSON nesting (default 64); deeper bodies get 400.
    public var maxJSONDepth: Int
    /// Verification requests per second a client may sustain on the public verify endpoints.
    public var verifyRatePerSecond: Double
    /// How many verification requests a client may send in a burst.
    public var verifyBurst: Double
    /// Requests per second a client may send to the wallet endpoints that write to the registry or sign (OpenID4VCI
    /// token, nonce and credential); twice as many in a burst. One wallet needs three per credential.
    public var walletRatePerSecond: Double = 20
    /// How many of those requests a client may send at once.
    public var walletBurst: Double = 40
    /// How many verifications run at once (default: twice the processor count); the rest queue in arrival order.
    public var verifyConcurrency: Int
    /// How many verifications may queue (default 1,024); beyond it the service answers 503 with Retry-After.
    public var verifyQueueLimit: Int
    /// The `ttl` (milliseconds) of served status list credentials; it also sets Cache-Control.
    public var statusListTTLMilliseconds: Int
    /// PEM trust anchors for JAdES seals, chosen by the operator (never taken from the working directory).
    public var trustAnchorDirectory: URL?
    /// PEM trust anchors for time-stamping authorities: a seal's time-stamp proves its time only under one of them.
    public var timeStampAnchorDirectory: URL?
    /// A trusted-issuer list (`docs/trusted-issuers.md`) added to the service's own issuers.
    public var trustedIssuersFile: URL?
    /// JWT VC Issuer Metadata of SD-JWT VC issuers with an `https` `iss`, laid out as the HTTPS documents
    /// (`https://issuer.example/tenant` → `DIR/issuer.example/.well-known/jwt-vc-issuer/tenant.json`): the only way
    /// the service learns such an issuer's keys, since it fetches nothing (`docs/sd-jwt.md`).
    public var issuerMetadataDirectory: URL?
    /// The EU trusted lists, loaded and verified once at start; seals are qualified against them and a CA/QC service
    /// granted for e-seals counts as a trust anchor (`docs/trusted-lists.md`).
    public var trustedLists: TrustedListSet?
    /// Seal-certificate revocation: CRLs and OCSP responses the operator supplies besides a seal's own `rVals`, whether
    /// a status is required, and whether CRLs may be fetched (default: nothing supplied, required or fetched).
    public var sealRevocation = SealRevocationPolicy()
    /// Most JSON values one request body may hold (default 250,000; more gets 413 `tooManyValues`). A
    /// presentation of as many EU-sample-sized credentials as fit in 10 MB holds about 165,000; a 10 MB body of
    /// 300,000 one-character members took 170 MB to parse and expand under the parser's general 1,000,000.
    public var maxJSONValues: Int = 250_000
    /// Most credentials verified for one request: array elements plus the credentials inside presentations
    /// (default 100); beyond it the request is refused before any work, naming the limit.
    public var maxItemsPerRequest: Int = 100
    /// Largest answer the verify endpoints and the web page send (default 4 MiB); a larger report is replaced by a
    /// problem naming the limit, so a small request cannot become a huge answer.
    public var maxAnswerBytes: Int = 4 * 1024 * 1024
    /// Seconds a connection may sit without a request in progress (including one whose headers never complete)
    /// before it is closed (default 30, as common reverse proxies use).
    public var idleTimeoutSeconds: Int = 30
    /// Seconds a request may take from its head to the end of its body (default 30); a slower one has its
    /// connection closed.
    public var bodyTimeoutSeconds: Int = 30
    /// Most open client connections (default 512); further connections are closed at once.
    public var maxConnections: Int = 512
    /// Threads for the network (NIO event loops); default one per two processors, at least one. They only move
    /// bytes: handlers run on Swift's pool and verifications on their own threads, so more loops mostly add
    /// thread switches (two cores: one loop took 3 % less CPU per request than two, docs/conformance-and-performance.md).
    public var eventLoopThreads: Int = Self.defaultEventLoopThreads
    /// One event loop per two processors, at least one.
    public static var defaultEventLoopThreads: Int { max(1, ProcessInfo.processInfo.activeProcessorCount / 2) }
    /// The e-seal to seal EDCs and their status lists with instead of the data directory's (for example one whose
    /// key is on a PKCS#11 token); `nil` uses (and on first start makes) `DATA_DIR/keys/seal.pem` with its chain.
    public var sealer: JAdESSealer?
    /// Templates copied into the template folder when the first start creates it (`skillcred serve` passes
    /// `samples/templates` when it exists in the working directory).
    public var templateSeedDirectory: URL?

    public init(
        host: String = "127.0.0.1", port: Int = 8080, dataDirectory: URL = URL(fileURLWithPath: "skillcred-data"),
        databaseSpec: String? = nil, publicBaseURL: String? = nil, maxBodyBytes: Int = 10 * 1024 * 1024,
        maxJSONDepth: Int = 64, verifyRatePerSecond: Double = 50, verifyBurst: Double = 100,
        statusListTTLMilliseconds: Int = 300_000, trustAnchorDirectory: URL? = nil,
        verifyConcurrency: Int = 2 * ProcessInfo.processInfo.activeProcessorCount, verifyQueueLimit: Int = 1024,
        templateSeedDirectory: URL? = nil, timeStampAnchorDirectory: URL? = nil, trustedIssuersFile: URL? = nil
    ) {
        self.timeStampAnchorDirectory = timeStampAnchorDirectory
        self.trustedIssuersFile = trustedIssuersFile
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.databaseSpec = databaseSpec ?? dataDirectory.appendingPathComponent("registry.sqlite").path
        self.publicBaseURL = publicBaseURL
        self.maxBodyBytes = maxBodyBytes
        self.maxJSONDepth = maxJSONDepth
        self.verifyRatePerSecond = verifyRatePerSecond
        self.verifyBurst = verifyBurst
        self.statusListTTLMilliseconds = statusListTTLMilliseconds
        self.verifyConcurrency = verifyConcurrency
        self.verifyQueueLimit = verifyQueueLimit
        self.trustAnchorDirectory = trustAnchorDirectory
        self.templateSeedDirectory = templateSeedDirectory
    }

    /// Lifetimes and bounds of the OpenID4VCI endpoints (offer codes 7 days, access tokens and nonces 300 s, …).
    public var openID4VCILimits = OpenID4VCILimits()

    /// The credential issuer identifier: the public base URL (default `http://HOST:PORT`), no trailing slash.
    public var issuerIdentifier: String {
        var base = publicBaseURL ?? "http://\(host):\(port)"
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }

    /// The named templates of `POST /credentials/issue`: `DATA_DIR/templates/NAME.json`.
    public var templateDirectory: URL { dataDirectory.appendingPathComponent("templates") }

    /// Where status lists are served: `BASE/status-lists/{purpose}/{n}`.
    public var statusBaseURL: String {
        var base = publicBaseURL ?? "http://\(host):\(port)"
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/status-lists"
    }
}
