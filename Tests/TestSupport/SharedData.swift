import Foundation

/// Where the third-party test data lives.
///
/// The data is read from `../shared` beside the project's root, never copied into the project.
/// `SKILLCRED_SHARED` overrides the folder and `SKILLCRED_VECTORS` the vectors folder inside it.
/// When `SKILLCRED_REQUIRE_SHARED=1` (set by `.ci/run`) a missing folder is a failure, not a skip.
public enum SharedData {
    /// The package root, found from this file's location so tests work from any working directory.
    public static let packageRoot: URL = {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // TestSupport
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()
    }()

    /// `../shared` beside the project, or `SKILLCRED_SHARED`.
    public static let sharedRoot: URL = {
        if let path = ProcessInfo.processInfo.environment["SKILLCRED_SHARED"], !path.isEmpty {
            return URL(fileURLWithPath: path, relativeTo: packageRoot).standardizedFileURL
        }
        return packageRoot.appendingPathComponent("../shared").standardizedFileURL
    }()

    /// `../shared/vectors`, or `SKILLCRED_VECTORS`.
    public static let vectorsRoot: URL = {
        if let path = ProcessInfo.processInfo.environment["SKILLCRED_VECTORS"], !path.isEmpty {
            return URL(fileURLWithPath: path, relativeTo: packageRoot).standardizedFileURL
        }
        return sharedRoot.appendingPathComponent("vectors")
    }()

    /// Whether a missing shared folder must fail the run (CI) rather than skip.
    public static var isRequired: Bool {
        ProcessInfo.processInfo.environment["SKILLCRED_REQUIRE_SHARED"] == "1"
    }

    /// A file or folder under the vectors root, or `nil` (with a loud message) when the data is absent.
    ///
    /// Callers skip their test on `nil`; under `SKILLCRED_REQUIRE_SHARED=1` this traps instead,
    /// so CI cannot pass by silently skipping conformance suites.
    public static func vector(_ relativePath: String) -> URL? {
        locate(vectorsRoot.appendingPathComponent(relativePath))
    }

    /// A file or folder under the shared root (e.g. `edc-samples/...`), or `nil` when absent.
    public static func shared(_ relativePath: String) -> URL? {
        locate(sharedRoot.appendingPathComponent(relativePath))
    }

    /// Whether the vectors folder exists; prints the reason when it does not.
    public static var vectorsAvailable: Bool { vector("") != nil }

    /// Whether the shared folder exists; prints the reason when it does not.
    public static var sharedAvailable: Bool { shared("") != nil }

    private static func locate(_ url: URL) -> URL? {
        if FileManager.default.fileExists(atPath: url.path) { return url }
        let message = "SHARED TEST DATA MISSING: \(url.path) does not exist. "
            + "Set SKILLCRED_SHARED (default ../shared) to the folder with docs/, vectors/ and edc-samples/."
        FileHandle.standardError.write(Data((message + "\n").utf8))
        if isRequired { fatalError(message) }
        return nil
    }

    /// The bytes of a shared file; throws a readable error when it cannot be read.
    public static func data(_ url: URL) throws -> Data {
        try Data(contentsOf: url)
    }
}
