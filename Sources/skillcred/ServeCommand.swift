import ArgumentParser
import CredentialService
import Foundation
import Logging
import RegistryStores

extension Skillcred {
    /// `skillcred serve`: the HTTP API and web page. The first start creates a working demo set-up.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the HTTP service (VC API issue/verify/status, status lists, web page) until SIGINT/SIGTERM.",
            discussion: """
                With no configuration the first start creates, in the data directory, a SQLite registry, an Ed25519 \
                issuer key and a P-256 issuer key for the ECDSA suites (did:key, mode 0600), a demo e-seal (a demo CA \
                and seal certificate in DATA_DIR/seal, key in DATA_DIR/keys/seal.pem) for Europass EDCs, the template \
                folder DATA_DIR/templates (a copy of samples/templates when run from the repository) and a demo API \
                token printed once. These are for trying things out.
                """
        )

        @Option(help: "Address to listen on (env SKILLCRED_HOST; default 127.0.0.1).")
        var host: String?

        @Option(help: "Port to listen on (env SKILLCRED_PORT; default 8080; 0 picks a free port).")
        var port: Int?

        @OptionGroup var storage: StorageOptions

        @Option(name: .customLong("public-url"), help: "The origin clients use, for status list URLs (env SKILLCRED_PUBLIC_URL; default http://HOST:PORT).")
        var publicURL: String?

        @Option(name: .customLong("max-body-bytes"), help: "Largest request body accepted.")
        var maxBodyBytes: Int = 10 * 1024 * 1024

        @Option(name: .customLong("max-json-depth"), help: "Deepest JSON nesting accepted.")
        var maxJSONDepth: Int = 64

        @Option(name: .customLong("max-json-values"), help: "Most JSON values one request body may hold (413 beyond).")
        var maxJSONValues: Int = 250_000

        @Option(name: .customLong("verify-rate"), help: "Verification requests per second per client on the public endpoints.")
        var verifyRate: Double = 50

        @Option(name: .customLong("wallet-rate"), help: "Requests per second per client to the OpenID4VCI token, nonce and credential endpoints (burst 2×).")
        var walletRate: Double = 20

        @Option(name: .customLong("verify-concurrency"), help: "Verifications run at once; the rest queue in arrival order (default: 2 × processors).")
        var verifyConcurrency: Int = 2 * ProcessInfo.processInfo.activeProcessorCount

        @Option(name: .customLong("verify-queue"), help: "Verifications that may wait; beyond it requests get 503 with Retry-After.")
        var verifyQueue: Int = 1024

        @Option(name: .customLong("event-loops"), help: "Network threads (NIO event loops) (default: one per two processors, at least one).")
        var eventLoops: Int = ServiceConfiguration.defaultEventLoopThreads

        @Option(
            name: .customLong("trust-anchors"),
            help: "Folder of PEM trust anchors for JAdES seals; besides them the service trusts only the demo CA it made itself, for its own seal.")
        var trustAnchors: String?

        @Option(
            name: .customLong("tsa-anchors"),
            help: "Folder of PEM trust anchors for time-stamping authorities (a seal's time-stamp proves its time only under one of them).")
        var tsaAnchors: String?

        @Option(name: .customLong("trusted-issuers"), help: "A trusted-issuer list (docs/trusted-issuers.md), trusted besides this service's own issuers.")
        var trustedIssuers: String?

        @Option(
            name: .customLong("issuer-metadata-dir"),
            help: ArgumentHelp(
                "Folder of JWT VC Issuer Metadata for SD-JWT VC issuers with an https iss, mirroring the HTTPS layout (docs/sd-jwt.md); the service fetches none.",
                valueName: "DIR"))
        var issuerMetadataDir: String?

        @Option(
            name: .customLong("max-items"), help: "Most credentials one verify request or upload may hold (array elements and credentials in presentations).")
        var maxItems: Int = 100

        @Option(name: .customLong("max-answer-bytes"), help: "Largest report the verify endpoints and the web page send, in bytes.")
        var maxAnswerBytes: Int = 4 * 1024 * 1024

        @Option(
            name: .customLong("idle-timeout"),
            help: "Seconds before a connection with no request in progress, or whose request head never completes, is closed.")
        var idleTimeout: Int = 30

        @Option(name: .customLong("body-timeout"), help: "Seconds a request may take from its head to the end of its body before the connection is closed.")
        var bodyTimeout: Int = 30

        @Option(
            name: .customLong("max-connections"),
            help: "Most open client connections; further ones are closed at once (the open-file limit is raised to its hard maximum at start).")
        var maxConnections: Int = 512

        @Option(
            name: .customLong("seal-key"),
            help: ArgumentHelp(
                "Seal EDCs with this key on a PKCS#11 token instead of the data directory's e-seal: pkcs11:token=…;object=… (docs/pkcs11.md).", valueName: "URI"
            ))
        var sealKey: String?

        @Option(
            name: .customLong("seal-cert"),
            help: ArgumentHelp("With --seal-key: the seal certificate chain, PEM, seal certificate first (default: read from the token).", valueName: "PEM"))
        var sealCert: String?

        @OptionGroup var pkcs11: PKCS11Options
        @OptionGroup var euTrustedLists: TrustedListOptions
        @OptionGroup var revocation: RevocationOptions

        @Option(name: .customLong("log-level"), help: "How much the service logs.")
        var logLevel: Logger.Level = .info

        func validate() throws {
            guard maxBodyBytes > 0 else { throw ValidationError("--max-body-bytes must be positive") }
            guard maxJSONDepth > 0 else { throw ValidationError("--max-json-depth must be positive") }
            guard maxJSONValues > 0 else { throw ValidationError("--max-json-values must be positive") }
            guard verifyRate > 0 else { throw ValidationError("--verify-rate must be positive") }
            guard walletRate > 0 else { throw ValidationError("--wallet-rate must be positive") }
            guard verifyConcurrency > 0 else { throw ValidationError("--verify-concurrency must be positive") }
            guard verifyQueue >= 0 else { throw ValidationError("--verify-queue must not be negative") }
            guard (1...256).contains(eventLoops) else { throw ValidationError("--event-loops must be between 1 and 256") }
            guard maxItems > 0 else { throw ValidationError("--max-items must be positive") }
            guard maxAnswerBytes >= 64 * 1024 else { throw ValidationError("--max-answer-bytes must be at least 65536") }
            guard idleTimeout > 0, bodyTimeout > 0 else { throw ValidationError("--idle-timeout and --body-timeout must be positive") }
            guard maxConnections > 0 else { throw ValidationError("--max-connections must be positive") }
            if let port, !(0...65535).contains(port) { throw ValidationError("--port: \(port) is not a port number") }
        }

        /// The service configuration the options and the environment describe.
        func configuration() throws(CLIFailure) -> ServiceConfiguration {
            let env = ProcessInfo.processInfo.environment
            let host = host ?? env["SKILLCRED_HOST"] ?? "127.0.0.1"
            let portText = port.map(String.init) ?? env["SKILLCRED_PORT"] ?? "8080"
            guard let port = Int(portText), (0...65535).contains(port) else { throw CLIFailure("SKILLCRED_PORT: \(portText) is not a port number") }
            let dataDir = URL(fileURLWithPath: storage.data.path)
            let database = storage.spec
            // Trust is chosen, never found: no anchor is taken from the working directory.
            let anchors = trustAnchors.map { URL(fileURLWithPath: $0) }
            let seed = FileManager.default.fileExists(atPath: "samples/templates") ? URL(fileURLWithPath: "samples/templates") : nil
            var configuration = ServiceConfiguration(
                host: host, port: port, dataDirectory: dataDir, databaseSpec: database,
                publicBaseURL: publicURL ?? env["SKILLCRED_PUBLIC_URL"], maxBodyBytes: maxBodyBytes,
                maxJSONDepth: maxJSONDepth, verifyRatePerSecond: verifyRate, verifyBurst: verifyRate * 2,
                trustAnchorDirectory: anchors, verifyConcurrency: verifyConcurrency,
                verifyQueueLimit: verifyQueue, templateSeedDirectory: seed,
                timeStampAnchorDirectory: tsaAnchors.map { URL(fileURLWithPath: $0) },
                trustedIssuersFile: trustedIssuers.map { URL(fileURLWithPath: $0) })
            configuration.walletRatePerSecond = walletRate
            configuration.walletBurst = 2 * walletRate
            configuration.maxItemsPerRequest = maxItems
            configuration.maxJSONValues = maxJSONValues
            configuration.maxAnswerBytes = maxAnswerBytes
            configuration.idleTimeoutSeconds = idleTimeout
            configuration.bodyTimeoutSeconds = bodyTimeout
            configuration.maxConnections = maxConnections
            configuration.eventLoopThreads = eventLoops
            configuration.trustedLists = try euTrustedLists.load()
            configuration.issuerMetadataDirectory = issuerMetadataDir.map { URL(fileURLWithPath: $0) }
            configuration.sealRevocation = try revocation.policy()
            if let sealKey {
                guard PKCS11Options.isTokenKey(sealKey) else {
                    throw CLIFailure("--seal-key \(sealKey): expected a pkcs11: URI (a key file e-seal goes in DATA_DIR/keys/seal.pem)")
                }
                configuration.sealer = try pkcs11.sealer(sealKey, chainPEMPath: sealCert)
            } else if sealCert != nil {
                throw CLIFailure("--seal-cert needs --seal-key pkcs11:…")
            }
            return configuration
        }

        func run() async throws {
            let config = try configuration()
            var logger = Logger(label: "skillcred") { label in DeferredMetadataLogHandler(StreamLogHandler.standardError(label: label)) }
            logger.logLevel = logLevel
            let prepared: ServiceSetup.Prepared
            // The data directory holds token hashes and learners' personal data: new files and folders are for this
            // user only (0600/0700), whatever the shell's umask.
            umask(0o077)
            raiseOpenFileLimit()
            do { prepared = try await ServiceSetup.prepare(config) } catch {
                throw CLIFailure(
                    "cannot prepare \(config.dataDirectory.path): \(RegistryConnection.redact(String(describing: error), spec: config.databaseSpec))")
            }
            let state = prepared.state
            for warning in prepared.permissionWarnings { say("skillcred: warning: \(warning)") }
            let firstStart =
                prepared.createdIssuerKey || prepared.demoToken != nil || prepared.createdECDSAKey
                || prepared.createdSealSubject != nil || !prepared.seededTemplates.isEmpty
            if firstStart {
                let keys = config.dataDirectory.appendingPathComponent("keys")
                say(
                    """
                    ================================================================================
                    skillcred: first start — created a DEMO set-up in \(config.dataDirectory.path)
                    These are for trying things out, not for real credentials.
                      registry:     \(RegistryConnection.redacted(config.databaseSpec))
                      issuer key:   \(keys.appendingPathComponent("\(ServiceSetup.issuerKeyName).pem").path) (Ed25519, mode 0600)
                      issuer:       \(state.issuerDID)
                    """)
                if prepared.createdECDSAKey, let did = state.ecdsaIssuerDID {
                    say(
                        """
                          P-256 key:    \(keys.appendingPathComponent("\(ServiceSetup.ecdsaKeyName).pem").path) (ecdsa-* suites, mode 0600)
                          P-256 issuer: \(did)
                        """)
                }
                if let subject = prepared.createdSealSubject {
                    let seal = config.dataDirectory.appendingPathComponent("seal")
                    say(
                        """
                          demo e-seal:  \(subject)
                                        \(seal.appendingPathComponent(ServiceSetup.sealChainFile).path) (signed by the demo CA \(seal.appendingPathComponent(ServiceSetup.demoCAFile).path),
                                         which this service trusts), key \(keys.appendingPathComponent("\(ServiceSetup.sealKeyName).pem").path) (mode 0600)
                        """)
                }
                if !prepared.seededTemplates.isEmpty {
                    say(
                        "  templates:    \(prepared.seededTemplates.joined(separator: ", ")) (copied from samples/templates into \(state.templateDirectory.path))"
                    )
                }
                if let token = prepared.demoToken {
                    say(
                        """
                          demo token:   \(token)
                                        (scopes issue + status; shown only now, stored as a SHA-256 hash;
                                         revoke with `skillcred tokens revoke demo`)
                        """)
                }
                say("================================================================================")
            } else {
                say("skillcred: issuer \(state.issuerDID), registry \(RegistryConnection.redacted(config.databaseSpec))")
            }
            try await CredentialServiceRunner.run(state: state, logger: logger) { port in
                say("skillcred: listening on http://\(config.host):\(port)  (web page at /, API description at /openapi.yaml)")
            }
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
