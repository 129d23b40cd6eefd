import Foundation
import Testing

/// Where the third-party test data lives.
///
/// The data is read from `../shared` beside the project's root, never copied into the project.
/// `SKILLCRED_SHARED` overrides the folder and `SKILLCRED_VECTORS` the vectors folder inside it.
/// Suites that read it carry ``Testing/Trait/needsSharedData``: without the folder they show as skipped, never as
/// passed; when `SKILLCRED_REQUIRE_SHARED=1` (set by `.ci/run`) they run anyway and a missing file fails the test.
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

    /// Whether the shared folder (with its vectors) is here.
    public static var present: Bool {
        FileManager.default.fileExists(atPath: sharedRoot.path) && FileManager.default.fileExists(atPath: vectorsRoot.path)
    }

    /// A file or folder under the vectors root, or `nil` when it is absent — which, in a suite that
    /// ``Testing/Trait/needsSharedData`` let run, records a failure: the folder is there (or required) but this
    /// file is not.
    public static func vector(_ relativePath: String) -> URL? {
        locate(vectorsRoot.appendingPathComponent(relativePath))
    }

    /// A file or folder under the shared root (e.g. `edc-samples/...`), or `nil` when absent.
    public static func shared(_ relativePath: String) -> URL? {
        locate(sharedRoot.appendingPathComponent(relativePath))
    }

    private static func locate(_ url: URL) -> URL? {
        if FileManager.default.fileExists(atPath: url.path) { return url }
        let message =
            "SHARED TEST DATA MISSING: \(url.path) does not exist. "
            + "Set SKILLCRED_SHARED (default ../shared) to the folder with docs/, vectors/ and edc-samples/."
        Issue.record(Comment(rawValue: message))
        return nil
    }

    /// The bytes of a shared file; throws a readable error when it cannot be read.
    public static func data(_ url: URL) throws -> Data {
        try Data(contentsOf: url)
    }
}

extension Trait where Self == ConditionTrait {
    /// Runs a suite only where the shared test data is (or, under `SKILLCRED_REQUIRE_SHARED=1`, must be): a
    /// missing `../shared` shows as skipped with the reason, never as passed.
    public static var needsSharedData: Self {
        .enabled(
            if: SharedData.present || SharedData.isRequired,
            "the shared test data is missing: set SKILLCRED_SHARED (default ../shared) to the folder with docs/, vectors/ and edc-samples/")
    }
}
