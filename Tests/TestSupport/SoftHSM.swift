import Foundation

/// A SoftHSM 2 set-up made for one test run: a configuration file and token folder in a temporary directory,
/// with tokens initialised by `softhsm2-util` — so the PKCS#11 tests never touch the machine's own tokens.
///
/// Local runs skip the PKCS#11 tests when SoftHSM is not installed (`apt-get install softhsm2`); under
/// `SKILLCRED_REQUIRE_SOFTHSM=1` (set by `.ci/run`) a missing SoftHSM fails them instead.
public struct SoftHSMFixture: Sendable {
    /// The user PIN of every token made here (test material only).
    public static let pin = "skillcred-test-pin"
    /// The security officer PIN of every token made here.
    public static let soPIN = "skillcred-test-so-pin"

    /// The SoftHSM PKCS#11 module.
    public let module: String
    /// The temporary directory (configuration, tokens, PIN file).
    public let directory: URL
    /// `softhsm2.conf`, for `SOFTHSM2_CONF`.
    public let configuration: URL
    /// A file holding ``pin`` (mode 0600), for `--pin-source file:…`.
    public let pinFile: URL

    /// The environment a process needs to see these tokens.
    public var environment: [String: String] { ["SOFTHSM2_CONF": configuration.path, "SKILLCRED_PKCS11_MODULE": module] }

    /// Whether a missing SoftHSM is a failure (CI) rather than a skip.
    public static var isRequired: Bool { ProcessInfo.processInfo.environment["SKILLCRED_REQUIRE_SOFTHSM"] == "1" }

    /// The module: `SKILLCRED_SOFTHSM_MODULE`, or where Debian/Ubuntu and Homebrew put it.
    public static let modulePath: String? = {
        if let path = ProcessInfo.processInfo.environment["SKILLCRED_SOFTHSM_MODULE"], !path.isEmpty { return path }
        return [
            "/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
            "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so", "/opt/homebrew/lib/softhsm/libsofthsm2.so",
            "/usr/local/lib/softhsm/libsofthsm2.so",
        ].first { FileManager.default.fileExists(atPath: $0) }
    }()

    /// `softhsm2-util`.
    public static let utility: URL? = {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent("softhsm2-util")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }()

    /// Whether the tests can run here: SoftHSM installed, or required (then they run and fail).
    public static var shouldRun: Bool { isRequired || (modulePath != nil && utility != nil) }

    public struct Missing: Error, CustomStringConvertible {
        public var description: String {
            "SoftHSM 2 is not installed (apt-get install softhsm2: softhsm2-util and libsofthsm2.so), but SKILLCRED_REQUIRE_SOFTHSM=1"
        }
    }

    /// Makes a fresh set-up with one initialised token per label.
    ///
    /// - Parameter mechanisms: SoftHSM's `slots.mechanisms` (e.g. `-CKM_RSA_PKCS_PSS` to take a mechanism away).
    public static func make(tokens: [String], mechanisms: String = "ALL") throws -> SoftHSMFixture {
        guard let module = modulePath, let utility else { throw Missing() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-softhsm-\(UUID().uuidString)")
        let tokenDirectory = directory.appendingPathComponent("tokens")
        try FileManager.default.createDirectory(at: tokenDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let configuration = directory.appendingPathComponent("softhsm2.conf")
        try Data(
            """
            directories.tokendir = \(tokenDirectory.path)
            objectstore.backend = file
            log.level = ERROR
            slots.removable = false
            slots.mechanisms = \(mechanisms)
            library.reset_on_fork = false

            """.utf8
        ).write(to: configuration)
        let environment = ["SOFTHSM2_CONF": configuration.path]
        for label in tokens {
            try ExternalTool.run(
                utility, ["--init-token", "--free", "--label", label, "--pin", pin, "--so-pin", soPIN],
                in: directory, environment: environment)
        }
        let pinFile = directory.appendingPathComponent("pin")
        _ = FileManager.default.createFile(atPath: pinFile.path, contents: Data((pin + "\n").utf8), attributes: [.posixPermissions: 0o600])
        return SoftHSMFixture(module: module, directory: directory, configuration: configuration, pinFile: pinFile)
    }

    /// Removes the temporary directory.
    public func remove() { try? FileManager.default.removeItem(at: directory) }
}
