import CredentialJSON
import Foundation
import JSONLD
import TestSupport
import Testing

/// The W3C JSON-LD 1.1 expansion suite, run offline with safe mode off (the suite expects spec behaviour).
@Suite(.needsSharedData) struct ExpandConformanceTests {
    @Test func expandManifestPassesWithRecordedSkips() throws {
        guard let manifest = try JSONLDTestManifest.load("expand-manifest.jsonld") else { return }
        let skips = loadSkipList(SharedData.packageRoot.appendingPathComponent("Tests/JSONLDTests/expand-skips.txt"))
        let loader = manifest.documentLoader
        var passed = 0, skipped = 0
        var failures: [String] = []
        for test in manifest.tests {
            if skips[test.id] != nil { skipped += 1; continue }
            let options = try manifest.options(for: test, loader: loader)
            let documentURL = manifest.url(of: test.input)
            let outcome: Result<[JSONValue], JSONLDError> = Result { () throws(JSONLDError) in
                try JSONLDProcessor.expand(documentAt: documentURL, options: options)
            }
            if test.isNegative {
                switch outcome {
                case .success(let out):
                    failures.append("\(test): expected error \(test.expectErrorCode ?? "?"), got \(JSONWriter.string(.array(out)))")
                case .failure(let error) where error.code.rawValue == test.expectErrorCode:
                    passed += 1
                case .failure(let error):
                    failures.append("\(test): expected error \(test.expectErrorCode ?? "?"), got \(error)")
                }
            } else {
                switch outcome {
                case .success(let out):
                    let expected = try manifest.json(test.expect ?? "")
                    if JSONLDEquality.equal(.array(out), .array(expected.asArray)) {
                        passed += 1
                    } else {
                        failures.append("\(test): got \(JSONWriter.string(.array(out)))\n   expected \(JSONWriter.string(expected))")
                    }
                case .failure(let error):
                    failures.append("\(test): unexpected error \(error)")
                }
            }
        }
        print("expand: \(passed) passed, \(failures.count) failed, \(skipped) skipped")
        for f in failures { print("FAIL " + f) }
        #expect(failures.isEmpty, "\(failures.count) expansion tests failed")
        #expect(Double(skipped) < Double(manifest.tests.count) * 0.03, "skips must stay under 3%")
    }
}
