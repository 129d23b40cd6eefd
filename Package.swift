// swift-tools-version:6.1
import PackageDescription

// Data flows one way: parse (CredentialJSON) → expand (JSONLD) → RDF (JSONLDToRDF, RDF)
// → canonicalize (RDFCanonicalization) → sign/verify (DataIntegrity, JAdES) → report.
// Only the signing targets import Crypto/X509, so the JSON-LD core builds and tests fast.

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "skillcred",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "skillcred", targets: ["skillcred"]),
        // One library product per layer, so a user of the JSON-LD layer links neither X509 nor PostgreSQL.
        // JSON → JSON-LD → RDF → RDFC-1.0 (no cryptography).
        .library(name: "SkillcredJSONLD", targets: [
            "CredentialJSON", "Caching", "RDF", "JSONLD", "JSONLDToRDF", "BundledContexts", "RDFCanonicalization",
        ]),
        // Keys, DIDs and the proofs and seals made with them, and the status lists they protect.
        .library(name: "SkillcredProofs", targets: [
            "Multiformats", "KeyManagement", "DIDResolution", "DataIntegrity", "JAdES", "SDJWT", "StatusList", "PKCS11Keys",
        ]),
        // Verifying what an employer receives: the data models, the EDC profile, the verifier and its fetcher.
        .library(name: "SkillcredVerification", targets: [
            "CredentialDataModel", "LearningModel", "ProfileValidation", "CredentialVerification", "SecureFetch",
        ]),
        // The issuer's registry and its engines (SQLite, PostgreSQL).
        .library(name: "SkillcredRegistry", targets: [
            "CredentialRegistry", "RegistrySQLite", "RegistryPostgres", "RegistryStores",
        ]),
        // Issuing from templates and recipients, and the HTTP service.
        .library(name: "SkillcredIssuance", targets: ["CredentialIssuance", "WebForm", "OpenID4VCI", "QRCode", "CredentialService"]),
        // What the libFuzzer harnesses in Fuzz/ import (and what those need): the parsers and verifiers without
        // the SQLite/PostgreSQL registry stores or the HTTP service, so the instrumented build stays small.
        .library(name: "SkillcredParsers", targets: [
            "CredentialJSON", "RDF", "JSONLD", "JSONLDToRDF", "BundledContexts", "RDFCanonicalization",
            "Multiformats", "KeyManagement", "DIDResolution", "DataIntegrity", "JAdES", "StatusList",
            "LearningModel", "CredentialVerification", "CredentialIssuance", "WebForm",
        ]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        // Strict JSON: ordered objects, lexeme-preserving numbers, limits, plain and RFC 8785 writers.
        .target(name: "CredentialJSON", swiftSettings: strict),
        // The one thread-safe cache with a capacity and per-entry expiry (contexts, DID documents, status lists).
        .target(name: "Caching", swiftSettings: strict),
        // A task executor on threads of its own (the service's verifications, fetches and their deadlines).
        .target(name: "Executors", swiftSettings: strict),
        // RDF terms, datasets and N-Quads.
        .target(name: "RDF", swiftSettings: strict),
        // JSON-LD 1.1 context processing and expansion, offline document loading, safe mode.
        .target(name: "JSONLD", dependencies: ["CredentialJSON", "Caching"], swiftSettings: strict),
        // JSON-LD 1.1 deserialization to an RDF dataset.
        .target(name: "JSONLDToRDF", dependencies: ["JSONLD", "RDF", "CredentialJSON"], swiftSettings: strict),
        // The project's contexts/ compiled into the binary.
        .target(name: "BundledContexts", dependencies: ["JSONLD", "CredentialJSON"], swiftSettings: strict),
        // RDFC-1.0 with a work limit.
        .target(name: "RDFCanonicalization", dependencies: [
            "RDF", .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: strict),
        // base58btc, base64url, multibase, multicodec key headers.
        .target(name: "Multiformats", swiftSettings: strict),
        // Key generation, PEM/PKCS#8 import and export, Multikey/JWK views, file permissions.
        .target(name: "KeyManagement", dependencies: [
            "CredentialJSON", "Multiformats",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "CryptoExtras", package: "swift-crypto"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
        ], swiftSettings: strict),
        // The one HTTP(S) fetcher for everything that leaves the machine: https only, public addresses only
        // (pinned against DNS rebinding), redirects re-checked, a streaming byte cap and a deadline.
        // The only target that imports AsyncHTTPClient.
        .target(name: "SecureFetch", dependencies: [
            "Executors",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ], swiftSettings: strict),
        // did:key, did:jwk, did:web (local directory first) and verification-method binding.
        .target(name: "DIDResolution", dependencies: ["CredentialJSON", "Caching", "Multiformats", "KeyManagement", "SecureFetch"], swiftSettings: strict),
        // Data Integrity proofs: eddsa-rdfc-2022, eddsa-jcs-2022, ecdsa-rdfc-2019, ecdsa-jcs-2019, Ed25519Signature2020.
        .target(name: "DataIntegrity", dependencies: [
            "CredentialJSON", "JSONLD", "JSONLDToRDF", "RDF", "RDFCanonicalization", "BundledContexts",
            "Multiformats", "KeyManagement", "DIDResolution",
            .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: strict),
        // JAdES baseline-B sealing and verification (JWS JSON serialization, unencoded payload, x5c).
        .target(name: "JAdES", dependencies: [
            "CredentialJSON", "Caching", "Multiformats", "KeyManagement",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "CryptoExtras", package: "swift-crypto"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
        ], swiftSettings: strict),
        // The PKCS#11 (Cryptoki 2.40) header, p11-kit's; pkg-config gives its include path (and links libp11-kit,
        // which nothing calls). The token's module is loaded at run time (dlopen), never linked.
        .systemLibrary(name: "CPKCS11", pkgConfig: "p11-kit-1", providers: [.apt(["libp11-kit-dev"]), .brew(["p11-kit"])]),
        // Keys held on a PKCS#11 token (HSM, smart card, SoftHSM): RFC 7512 URIs, module loading, login and a
        // session pool, signing as a KeyManagement.SigningKey. The only target that imports CPKCS11.
        .target(name: "PKCS11Keys", dependencies: [
            "CPKCS11", "CredentialJSON", "KeyManagement",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "CryptoExtras", package: "swift-crypto"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
        ], swiftSettings: strict),
        // The system zlib, for the GZIP inside Bitstring Status Lists.
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        // Bitstring Status List: bit access, GZIP + multibase encoding, bounded decoding, entries.
        .target(name: "StatusList", dependencies: ["CredentialJSON", "Caching", "CZlib", "Multiformats", "SecureFetch"], swiftSettings: strict),
        // SD-JWT (RFC 9901) and SD-JWT VC: parsing, disclosure digests, rebuilding the claims, key binding. Pure: no
        // network and no trust decisions (the verifier finds and judges the issuer's key).
        .target(name: "SDJWT", dependencies: [
            "CredentialJSON", "Multiformats", "KeyManagement",
            .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: strict),
        // VC 1.1 and 2.0 data model rules (the verifier's "Format" check before any JSON-LD or proof work).
        .target(name: "CredentialDataModel", dependencies: ["CredentialJSON"], swiftSettings: strict),
        // The issuer's registry: credentials, status-list allocation, revocation state, audit log (storage-neutral).
        .target(name: "CredentialRegistry", dependencies: ["StatusList", "CredentialJSON"], swiftSettings: strict),
        // The registry on SQLite (GRDB): the embedded default.
        .target(name: "RegistrySQLite", dependencies: [
            "CredentialRegistry", "StatusList", .product(name: "GRDB", package: "GRDB.swift"),
        ], swiftSettings: strict),
        // The ELM 3.x / EDC generic-profile learning model: typed, lossless, deterministic JSON.
        .target(name: "LearningModel", dependencies: [
            "CredentialJSON", "Multiformats", .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: strict),
        // EDC generic-full profile validation (SHACL-equivalent rules, bundled vocabularies, ESCO).
        .target(name: "ProfileValidation", dependencies: ["LearningModel", "CredentialJSON"], swiftSettings: strict),
        // The registry on PostgreSQL (postgres-nio): several skillcred instances share one database.
        // The only target that imports postgres-nio.
        .target(name: "RegistryPostgres", dependencies: [
            "CredentialRegistry", "StatusList", .product(name: "PostgresNIO", package: "postgres-nio"),
        ], swiftSettings: strict),
        // Opens a registry from a spec: a SQLite path or a postgres:// URL.
        .target(name: "RegistryStores", dependencies: ["CredentialRegistry", "RegistrySQLite", "RegistryPostgres"], swiftSettings: strict),
        // Test-only helper (not a product): reserves and completes a batch in its own OS process, so the
        // tests can run two at once or SIGKILL one mid-batch.
        .executableTarget(name: "registry-worker", dependencies: ["CredentialRegistry", "RegistryStores"], swiftSettings: strict),
        // libxmlsec1 with its OpenSSL engine and libxml2 (Debian: libxmlsec1-dev), for the XML signatures of the EU
        // trusted lists. pkg-config gives the include paths and the defines that fix xmlsec's structure layout.
        .systemLibrary(
            name: "CXMLSec", pkgConfig: "xmlsec1-openssl", providers: [.apt(["libxmlsec1-dev"]), .brew(["libxmlsec1"])]),
        // ETSI TS 119 612 trusted lists (the EU LOTL and national lists): bounded XML reading, signatures checked by
        // libxmlsec1 against the certificates the parent list announces, CA/QC services with their history, and the
        // TS 119 615 qualification of a seal certificate. The only target that imports CXMLSec.
        .target(name: "TrustedLists", dependencies: [
            "CXMLSec", "CredentialJSON", "SecureFetch",
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
            .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: strict),
        // The verifier: input detection, the six EU checks (Format, Seal, Owner, Revocation, Accreditation,
        // Validity) as small values, reports and their terminal/JSON/HTML renderers.
        .target(name: "CredentialVerification", dependencies: [
            "CredentialJSON", "Caching", "JSONLD", "JSONLDToRDF", "BundledContexts", "DataIntegrity", "JAdES", "StatusList",
            "CredentialDataModel", "LearningModel", "ProfileValidation", "Multiformats",
            "SDJWT", "KeyManagement", "SecureFetch", "TrustedLists",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
        ], swiftSettings: strict),
        // Templates + recipients CSV → registry-backed bulk issuing (EDC sealed with JAdES, or VC 2.0 with Data Integrity).
        .target(name: "CredentialIssuance", dependencies: [
            "CredentialJSON", "CredentialDataModel", "LearningModel", "ProfileValidation", "JAdES", "DataIntegrity", "KeyManagement",
            "StatusList", "CredentialRegistry", "BundledContexts", "JSONLD",
        ], swiftSettings: strict),
        // Debian's libqrencode (libqrencode-dev), for the offer QR codes.
        .systemLibrary(name: "CQRencode", providers: [.apt(["libqrencode-dev"]), .brew(["qrencode"])]),
        // QR codes through libqrencode, drawn as SVG or PNG (zlib).
        .target(name: "QRCode", dependencies: ["CQRencode", "CZlib"], swiftSettings: strict),
        // OpenID4VCI 1.0 credential issuer logic, free of HTTP: issuer and authorization-server metadata, offers
        // (pre-authorized code, transaction code), token, nonce and credential endpoints, jwt key proofs, the
        // SD-JWT VC of a learning achievement and its Token Status List. State lives in the registry.
        .target(name: "OpenID4VCI", dependencies: [
            "CredentialJSON", "Multiformats", "KeyManagement", "DIDResolution", "SDJWT", "StatusList",
            "CredentialRegistry", "CredentialIssuance", "LearningModel",
            .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: strict),
        // The web page's form: the multipart/form-data boundary and fields (vapor's MultipartKit), with no HTTP
        // server, so it can be fuzzed on its own. The only target that imports MultipartKit.
        .target(name: "WebForm", dependencies: [
            .product(name: "MultipartKit", package: "multipart-kit"),
        ], swiftSettings: strict),
        // The HTTP service and web page (VC API shapes). The only target that imports Hummingbird.
        .target(name: "CredentialService", dependencies: [
            "CredentialJSON", "Caching", "Executors", "Multiformats", "KeyManagement", "DIDResolution", "DataIntegrity", "JAdES", "StatusList",
            "CredentialRegistry", "RegistryStores", "CredentialVerification", "LearningModel",
            "CredentialIssuance", "WebForm", "OpenID4VCI", "QRCode", "SDJWT", "TrustedLists",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
        ], swiftSettings: strict),
        // The command-line shell over the library.
        .executableTarget(name: "skillcred", dependencies: [
            "CredentialJSON", "RDF", "JSONLD", "JSONLDToRDF", "BundledContexts", "RDFCanonicalization",
            "Multiformats", "KeyManagement", "DIDResolution", "DataIntegrity", "JAdES",
            "StatusList", "CredentialDataModel", "CredentialRegistry", "RegistrySQLite", "RegistryStores",
            "LearningModel", "ProfileValidation", "CredentialVerification", "CredentialIssuance",
            "CredentialService", "PKCS11Keys", "SecureFetch", "OpenID4VCI", "QRCode", "TrustedLists",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: strict),
        // Release-build benchmarks: `swift run -c release skillcred-bench`.
        .executableTarget(name: "skillcred-bench", dependencies: [
            "CredentialJSON", "JSONLD", "JSONLDToRDF", "BundledContexts", "RDFCanonicalization", "RDF",
            "KeyManagement", "DataIntegrity", "StatusList", "CredentialRegistry", "CredentialIssuance", "RegistrySQLite", "CredentialVerification",
            "LearningModel", "ProfileValidation", "JAdES", "TrustedLists",
        ], swiftSettings: strict),

        // Locating ../shared test data; shared by the test targets only.
        .target(name: "TestSupport", dependencies: ["JSONLD", "CredentialJSON"], path: "Tests/TestSupport"),
        .testTarget(name: "CredentialJSONTests", dependencies: ["CredentialJSON", "TestSupport"]),
        .testTarget(name: "CachingTests", dependencies: ["Caching"]),
        .testTarget(name: "ExecutorsTests", dependencies: ["Executors"]),
        .testTarget(name: "TestSupportTests", dependencies: ["TestSupport"]),
        .testTarget(name: "RDFTests", dependencies: ["RDF", "TestSupport"]),
        .testTarget(name: "JSONLDTests", dependencies: ["JSONLD", "JSONLDToRDF", "RDF", "BundledContexts", "CredentialJSON", "TestSupport"]),
        .testTarget(name: "JSONLDToRDFTests", dependencies: ["JSONLDToRDF", "JSONLD", "RDF", "RDFCanonicalization", "CredentialJSON", "TestSupport"]),
        .testTarget(name: "BundledContextsTests", dependencies: ["BundledContexts", "JSONLD", "CredentialJSON", "TestSupport"]),
        .testTarget(name: "RDFCanonicalizationTests", dependencies: ["RDFCanonicalization", "RDF", "CredentialJSON", "TestSupport"]),
        .testTarget(name: "MultiformatsTests", dependencies: ["Multiformats", "TestSupport"]),
        .testTarget(name: "KeyManagementTests", dependencies: ["KeyManagement", "Multiformats", "CredentialJSON", "TestSupport"]),
        .testTarget(name: "DIDResolutionTests", dependencies: ["DIDResolution", "KeyManagement", "CredentialJSON", "Multiformats", "TestSupport"]),
        .testTarget(name: "DataIntegrityTests", dependencies: ["DataIntegrity", "KeyManagement", "CredentialJSON", "BundledContexts", "TestSupport"]),
        .testTarget(name: "JAdESTests", dependencies: ["JAdES", "Caching", "KeyManagement", "CredentialJSON", "TestSupport"]),
        .testTarget(name: "CredentialDataModelTests", dependencies: ["CredentialDataModel", "CredentialJSON", "TestSupport"]),
        .testTarget(name: "CredentialRegistryTests", dependencies: [
            "CredentialRegistry", "RegistrySQLite", "RegistryPostgres", "RegistryStores", "StatusList", "TestSupport",
        ]),
        .testTarget(name: "SecureFetchTests", dependencies: ["SecureFetch", "TestSupport"]),
        .testTarget(name: "StatusListTests", dependencies: ["StatusList", "CredentialJSON", "TestSupport"]),
        .testTarget(name: "LearningModelTests", dependencies: ["LearningModel", "CredentialJSON", "TestSupport"]),
        .testTarget(name: "ProfileValidationTests", dependencies: ["ProfileValidation", "LearningModel", "CredentialJSON", "TestSupport"]),
        .testTarget(name: "CredentialVerificationTests", dependencies: [
            "CredentialVerification", "DataIntegrity", "JSONLD", "JSONLDToRDF", "KeyManagement", "JAdES", "StatusList", "CredentialJSON",
            "CredentialDataModel", "CredentialIssuance", "TestSupport", "Multiformats",
            "SDJWT", "LearningModel", "SecureFetch", "TrustedLists",
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "CredentialIssuanceTests", dependencies: [
            "CredentialIssuance", "RegistrySQLite", "CredentialRegistry", "JAdES", "DataIntegrity", "KeyManagement",
            "LearningModel", "ProfileValidation", "JSONLD", "BundledContexts", "CredentialJSON", "TestSupport", "StatusList",
        ]),
        .testTarget(name: "CredentialServiceTests", dependencies: [
            "CredentialService", "CredentialJSON", "CredentialRegistry", "KeyManagement", "RegistrySQLite", "RegistryStores", "TestSupport",
            "CredentialVerification", "DataIntegrity", "JAdES", "SDJWT", "OpenID4VCI", "StatusList",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "WebFormTests", dependencies: ["WebForm"]),
        .testTarget(name: "OpenID4VCITests", dependencies: [
            "OpenID4VCI", "QRCode", "SDJWT", "CredentialJSON", "CredentialRegistry", "RegistrySQLite", "CredentialIssuance",
            "KeyManagement", "Multiformats", "StatusList", "TestSupport",
        ]),
        .testTarget(name: "SDJWTTests", dependencies: [
            "SDJWT", "CredentialJSON", "Multiformats", "KeyManagement",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "PKCS11KeysTests", dependencies: [
            "PKCS11Keys", "KeyManagement", "JAdES", "DataIntegrity", "CredentialJSON", "Multiformats", "TestSupport",
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "TrustedListsTests", dependencies: [
            "TrustedLists", "TestSupport", "SecureFetch", "JAdES",
            .product(name: "X509", package: "swift-certificates"),
        ]),
        .testTarget(name: "SkillcredCLITests", dependencies: ["skillcred", "CredentialJSON", "StatusList", "TestSupport", "SDJWT", "KeyManagement"]),
    ],
    swiftLanguageModes: [.v6]
)
