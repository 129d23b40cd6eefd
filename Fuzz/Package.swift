// swift-tools-version:6.1
import PackageDescription

// libFuzzer harnesses for skillcred's parsers. A separate package so the root package stays untouched;
// it depends on the root by path and uses its "SkillcredParsers" library product (the parsers and verifiers,
// without the SQLite/PostgreSQL registry stores and the HTTP service, which no harness needs).
//
// Build and run through ../scripts/fuzz.sh (one target) or ../scripts/ci-fuzz.sh (all, one build), which do:
//   swift build -c release --scratch-path Fuzz/.build [--product FuzzX] \
//       --sanitize=fuzzer --sanitize=address -Xswiftc -parse-as-library
// Each harness defines LLVMFuzzerTestOneInput; libFuzzer provides main.

let parsers: [Target.Dependency] = [.product(name: "SkillcredParsers", package: "main")]

let harnesses = [
    "FuzzJSON", "FuzzNQuads", "FuzzJSONLD", "FuzzJAdES", "FuzzRDFC", "FuzzStatusList",
    "FuzzJWT", "FuzzRecipients", "FuzzMultipart", "FuzzDIDDocument",
]

let package = Package(
    name: "skillcred-fuzz",
    platforms: [.macOS(.v15)],
    products: harnesses.map { .executable(name: $0, targets: [$0]) },
    dependencies: [
        .package(name: "main", path: "..")
    ],
    targets: harnesses.map { .executableTarget(name: $0, dependencies: parsers) },
    swiftLanguageModes: [.v6]
)
