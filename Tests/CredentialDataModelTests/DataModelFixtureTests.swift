import CredentialDataModel
import CredentialJSON
import Foundation
import TestSupport
import Testing

/// The W3C VC test-suite fixtures, checked the way the suites use them: credentials are issue
/// requests (the suite fills `issuer` unless the fixture sets it), presentations are verified.
@Suite("VC data model fixtures", .needsSharedData)
struct DataModelFixtureTests {
    /// Fixtures whose failure only shows after JSON-LD processing (undefined or redefined terms,
    /// IRIs that are not URLs once expanded) or after checking proofs; the verifier's Format and
    /// Seal checks cover them, not this structural pass.
    static let decidedLater: [String: String] = [
        "credential-redef-type-fail": "redefines a protected term: JSON-LD context processing rejects it",
        "credential-redef-type2-fail": "redefines a protected term: JSON-LD context processing rejects it",
        "credential-type-unmapped-fail": "type term undefined once @vocab is null: safe-mode expansion rejects it",
        "credential-type-mapped-nonurl-fail": "type term maps to a non-URL: safe-mode expansion rejects it",
        "presentation-self-asserted-vc-holder-mismatch": "holder binding needs the presentation's proof",
        "presentation-self-asserted-vc-issuer-mismatch": "holder binding needs the presentation's proof",
        "presentation-self-asserted-vc-no-holder": "holder binding needs the presentation's proof",
    ]

    func fixtures(_ folder: String) throws -> [(name: String, json: JSONValue)] {
        guard let dir = SharedData.vector(folder) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
            .filter { $0.hasSuffix(".json") || $0.hasSuffix(".jsonld") }
            .map { name in
                (String(name.split(separator: ".").first!), try JSONParser.parse(try Data(contentsOf: dir.appendingPathComponent(name))))
            }
    }

    @Test func vcDataModel2FixturesAreAcceptedOrRejectedAsNamed() throws {
        let all =
            try fixtures("test-suites/vc-data-model-2.0/tests/input")
            + (try fixtures("test-suites/vc-data-model-2.0/tests/input/names-and-descriptions"))
        guard !all.isEmpty else { return }
        var passed = 0, failed = 0, deferred = 0
        let validator = DataModelValidator()
        for (name, json) in all {
            if Self.decidedLater[name] != nil { deferred += 1; continue }
            let shouldFail = name.hasSuffix("-fail") || name.hasSuffix("-fail-or-inject")
            var doc = json
            let violations: [DataModelViolation]
            if name.hasPrefix("presentation") {
                violations = validator.validatePresentation(doc)
            } else {
                if case .object(var o) = doc {
                    // The suite overwrites these placeholders with dates a year either side of now.
                    for key in ["validFrom", "validUntil"] {
                        if o[key] == "PAST DATE" { o[key] = "2020-01-01T00:00:00Z" }
                        if o[key] == "FUTURE DATE" { o[key] = "2099-01-01T00:00:00Z" }
                    }
                    if o["issuer"] == nil {
                        o["issuer"] = "did:example:issuer"
                    } else if case .object(var issuer) = o["issuer"], issuer["id"] == nil {
                        issuer["id"] = "did:example:issuer"
                        o["issuer"] = .object(issuer)
                    }
                    doc = .object(o)
                }
                violations = validator.validateCredential(doc)
            }
            let rejected = !violations.isEmpty
            if rejected == shouldFail {
                passed += 1
            } else {
                failed += 1
                Issue.record("\(name): expected \(shouldFail ? "rejection" : "acceptance"), got \(violations)")
            }
        }
        print("vc-data-model-2.0 (structural): \(passed) passed, \(failed) failed, \(deferred) skipped")
        #expect(passed + failed + deferred == 120)
    }

    @Test func vcDataModel11FixturesAreAcceptedOrRejectedAsNamed() throws {
        let all = try fixtures("test-suites/vc-data-model-1.1/test/vc-data-model-1.0/input")
        guard !all.isEmpty else { return }
        var passed = 0, failed = 0
        let validator = DataModelValidator()
        for (name, json) in all {
            let shouldFail = name.contains("-bad-")
            let isPresentation = json["type"]?.asArray.contains("VerifiablePresentation") ?? false
            let violations = isPresentation ? validator.validatePresentation(json) : validator.validateCredential(json)
            // VC 1.1 ZKP fixtures require a credentialSchema and a proof; that profile is out of scope, so
            // only the generic rules are judged here: a "-bad-" ZKP fixture must fail only if it breaks one.
            if name.contains("-zkp-") && shouldFail && violations.isEmpty { passed += 1; continue }
            if (!violations.isEmpty) == shouldFail {
                passed += 1
            } else {
                failed += 1
                Issue.record("\(name): expected \(shouldFail ? "rejection" : "acceptance"), got \(violations)")
            }
        }
        print("vc-data-model-1.1 (structural): \(passed) passed, \(failed) failed, 0 skipped")
    }
}
