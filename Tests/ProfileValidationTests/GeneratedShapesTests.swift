import Foundation
import TestSupport
import Testing

/// The Python with rdflib that `tools/gen-shapes.py` needs: pyshacl's, from `SKILLCRED_PYSHACL` (set by `.ci/run`).
private let rdflibPython = ProcessInfo.processInfo.environment["SKILLCRED_PYSHACL"].flatMap { $0.isEmpty ? nil : $0 }

/// `Shapes.generated.swift` is what `tools/gen-shapes.py` makes of the EU's SHACL shapes: a stale or hand-edited
/// table fails here.
@Suite(
    "Generated sources: the EDC profile shapes", .needsSharedData,
    .enabled(if: rdflibPython != nil || SharedData.isRequired, "set SKILLCRED_PYSHACL to a Python with pyshacl (rdflib)"))
struct GeneratedShapesTests {
    @Test func shapesMatchTheirGenerator() throws {
        let python = try #require(rdflibPython, "SKILLCRED_PYSHACL is not set")
        let root = SharedData.packageRoot
        let samples = try #require(SharedData.shared("edc-samples"))
        let run = try ExternalTool.capture(URL(fileURLWithPath: python), ["tools/gen-shapes.py", samples.path], in: root)
        try #require(run.status == 0, "tools/gen-shapes.py failed: \(run.stderr)")
        let generated = run.stdout
        let committed = try String(contentsOf: root.appendingPathComponent("Sources/ProfileValidation/Shapes.generated.swift"), encoding: .utf8)
        #expect(
            generated == committed,
            "Sources/ProfileValidation/Shapes.generated.swift is stale: run tools/gen-shapes.py ../shared/edc-samples > Sources/ProfileValidation/Shapes.generated.swift"
        )
    }
}
