// swift-tools-version:6.1
import PackageDescription

// libFuzzer harnesses for skillcred's parsers. A separate package so the root package stays untouched;
// it depends on the root by path and uses its "SkillcredCore" library product.
//
// Build and run through ../scripts/fuzz.sh, which does:
//   swift build -c release --scratch-path Fuzz/.build --product FuzzX \
//       --sanitize=fuzzer --sanitize=address -Xswiftc -parse-as-library
// Each harness defines LLVMFuzzerTestOneInput; libFuzzer provides main.

let core: [Target.Dependency] = [.product(name: "SkillcredCore", package: "main")]

let package = Package(
    name: "skillcred-fuzz",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "FuzzJSON", targets: ["FuzzJSON"]),
        .executable(name: "FuzzNQuads", targets: ["FuzzNQuads"]),
        .executable(name: "FuzzJSONLD", targets: ["FuzzJSONLD"]),
        .executable(name: "FuzzJAdES", targets: ["FuzzJAdES"]),
        .executable(name: "FuzzRDFC", targets: ["FuzzRDFC"]),
        .executable(name: "FuzzStatusList", targets: ["FuzzStatusList"]),
    ],
    dependencies: [
        .package(name: "main", path: ".."),
    ],
    targets: [
        .executableTarget(name: "FuzzJSON", dependencies: core),
        .executableTarget(name: "FuzzNQuads", dependencies: core),
        .executableTarget(name: "FuzzJSONLD", dependencies: core),
        .executableTarget(name: "FuzzJAdES", dependencies: core),
        .executableTarget(name: "FuzzRDFC", dependencies: core),
        .executableTarget(name: "FuzzStatusList", dependencies: core),
    ],
    swiftLanguageModes: [.v6]
)
