import Foundation
import TestSupport
import Testing

/// `Model.generated.swift` is what `tools/gen-model.py` makes of `tools/model-spec.txt`: a change to either that
/// is not regenerated (or a hand edit of the output) fails here.
@Suite("Generated sources: the ELM model")
struct GeneratedModelTests {
    @Test func modelMatchesItsGenerator() throws {
        let root = SharedData.packageRoot
        let run = try ExternalTool.capture(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["python3", "tools/gen-model.py", "tools/model-spec.txt"], in: root)
        try #require(run.status == 0, "tools/gen-model.py failed: \(run.stderr)")
        let generated = run.stdout
        let committed = try String(contentsOf: root.appendingPathComponent("Sources/LearningModel/Model.generated.swift"), encoding: .utf8)
        #expect(
            generated == committed,
            "Sources/LearningModel/Model.generated.swift is stale: run python3 tools/gen-model.py tools/model-spec.txt > Sources/LearningModel/Model.generated.swift"
        )
    }
}
