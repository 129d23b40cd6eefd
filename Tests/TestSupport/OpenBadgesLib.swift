import Foundation

/// openbadgeslib (PyPI, LGPL), an independent Open Badges 3.0 implementation the tests compare with: the official
/// OB 3.0 / CLR 2.0 contexts it bundles, and the credentials its own API issues (`tools/ob3-crosscheck.py`).
///
/// `SKILLCRED_OPENBADGESLIB_PYTHON` names a Python with `openbadgeslib[ldp]` installed (`.ci/run` makes `.venv-ob`).
/// Suites that need it use `.enabled(if: OpenBadgesLib.enabled)`: skipped locally without it, while under CI
/// (`SKILLCRED_REQUIRE_SHARED=1`) they run and a missing tool fails them rather than passing by skipping.
public enum OpenBadgesLib {
    /// The Python to run, or `nil` when not configured.
    public static let python: String? = ProcessInfo.processInfo.environment["SKILLCRED_OPENBADGESLIB_PYTHON"].flatMap { $0.isEmpty ? nil : $0 }

    /// Whether suites needing openbadgeslib run: it is configured, or CI requires it.
    public static var enabled: Bool { python != nil || SharedData.isRequired }

    /// Why a suite is skipped, for `.enabled(if:_:)`.
    public static let skipReason = "set SKILLCRED_OPENBADGESLIB_PYTHON to a Python with openbadgeslib[ldp]==4.6.3 (.ci/run makes .venv-ob)"

    /// The installed package's folder, asked of the Python itself so no site-packages layout is assumed.
    public static func packageFolder() throws -> URL {
        guard let python else { throw ExternalTool.Failure(description: "SKILLCRED_OPENBADGESLIB_PYTHON is not set (\(skipReason))") }
        let output = try ExternalTool.capture(
            URL(fileURLWithPath: python),
            ["-c", "import openbadgeslib, os; print(os.path.dirname(openbadgeslib.__file__))"])
        let path = output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard output.status == 0, !path.isEmpty else {
            throw ExternalTool.Failure(description: "\(python) cannot import openbadgeslib: \(output.stderr)")
        }
        return URL(fileURLWithPath: path, isDirectory: true)
    }

    /// An official context document as openbadgeslib ships it (`ob3/contexts/FILE`).
    public static func officialContext(_ file: String) throws -> URL {
        try packageFolder().appendingPathComponent("ob3/contexts").appendingPathComponent(file)
    }
}
