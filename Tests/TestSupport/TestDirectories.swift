import Foundation

/// Where tests make their temporary folders: one folder per test process, removed when the process exits, so a run
/// leaves nothing behind in the system's temporary directory (fixtures such as a service's data folder live as long
/// as the tests that share them, which Swift Testing gives no hook to follow).
public enum TestDirectories {
    /// `<tmp>/skillcred-tests-<pid>`, made on first use and removed at exit.
    public static let root: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: TestDirectories.root) }
        return url
    }()

    /// A new, not yet created path under ``root``: `prefix-<UUID>`.
    public static func path(_ prefix: String) -> URL {
        root.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    }
}
