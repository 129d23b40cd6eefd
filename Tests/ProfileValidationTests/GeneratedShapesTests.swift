import Foundation
import TestSupport
import Testing

@testable import ProfileValidation

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

/// The walk finds a rule's member with `JSONObject.value(forPlainKey:)`, which compares lengths before bytes: exact
/// only for keys no other spelling equals (ASCII without "K", ";" or "`", whose non-ASCII twins U+212A, U+037E and
/// U+1FEF decompose to them). A term outside that set would make the walk miss a member `object[term]` finds.
@Suite("Profile rules: terms the walk can look up by length first")
struct ProfileTermSpellingTests {
    @Test func everyRuleTermIsPlainASCII() {
        let terms = Set(profileShapes.values.flatMap { $0.map(\.term) } + issuerRules.map(\.term))
        #expect(terms.count > 100)
        let unsafe = terms.filter { term in
            term.isEmpty || term.utf8.contains { $0 >= 0x80 || $0 == UInt8(ascii: "K") || $0 == UInt8(ascii: ";") || $0 == UInt8(ascii: "`") }
        }
        #expect(unsafe.isEmpty, "terms a length-first search may miss: \(unsafe.sorted())")
    }
}
