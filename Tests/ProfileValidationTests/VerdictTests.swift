import CredentialJSON
import Foundation
import LearningModel
import ProfileValidation
import TestSupport
import Testing

func loadDocument(_ name: String) throws -> EDCDocument? {
    guard let url = SharedData.shared("edc-samples/" + name) else { return nil }
    return try EDCDocument(bytes: try SharedData.data(url))
}

/// The verdicts recorded in `edc-samples/README.txt` (pyshacl with the 3.2 LTS generic-full shapes).
let recordedVerdicts: [(file: String, conforms: Bool, mustReport: [String])] = [
    ("ec-elm/v3.1-master/Sample-CertOfPart-signed.jsonld", true, []),
    ("ec-elm/v3.1-master/Sample-MC-Annex1-signed.jsonld", true, []),
    ("ec-elm/v3.2-lts/credential-sample.jsonld", true, []),
    ("mynextid/edc-dc-signed.jsonld", true, []),
    (
        "ec-elm/v3.1-master/Sample-CertOfPart-unsigned.jsonld", false,
        ["EuropeanDigitalCredential.issued.minCount", "Issuer.eIDASIdentifier.minCount"]
    ),
    (
        "ec-elm/v3.1-master/Sample-CertOfPart-unsigned-uploadable.json", false,
        ["EuropeanDigitalCredential.issued.minCount", "Issuer.eIDASIdentifier.minCount"]
    ),
    (
        "ec-elm/v3.1-master/Sample-MC-Annex1-unsigned.jsonld", false,
        ["EuropeanDigitalCredential.issued.minCount", "Issuer.eIDASIdentifier.minCount"]
    ),
    (
        "ec-elm/v3.1-master/Sample-MC-Annex1-unsigned-uploadable.json", false,
        ["EuropeanDigitalCredential.issued.minCount", "Issuer.eIDASIdentifier.minCount"]
    ),
    (
        "ec-elm/v3.1-master/credential-sample.jsonld", false,
        ["Issuer.eIDASIdentifier.minCount", "DisplayParameter.individualDisplay.minCount"]
    ),
    ("mynextid/edc-mc-signed.jsonld", false, ["LearningOutcome.relatedESCOSkill.scheme", "esco.skillURI"]),
]

@Suite("Profile validation: recorded verdicts", .needsSharedData)
struct VerdictTests {
    @Test(arguments: recordedVerdicts.map(\.file))
    func verdictMatchesTheRecordedOne(_ file: String) throws {
        guard let doc = try loadDocument(file) else { return }
        let expected = try #require(recordedVerdicts.first { $0.file == file })
        let report = ProfileValidator().validate(doc)
        #expect(report.conforms == expected.conforms, "\(file):\n\(report.violations.map(\.description).joined(separator: "\n"))")
        let rules = Set(report.violations.map(\.rule))
        for rule in expected.mustReport {
            #expect(rules.contains(rule), "\(file) should report \(rule); got \(rules.sorted())")
        }
    }

    @Test func unsignedSamplesFailOnlyOnWhatSealingAdds() throws {
        guard let doc = try loadDocument("ec-elm/v3.1-master/Sample-MC-Annex1-unsigned.jsonld") else { return }
        let report = ProfileValidator().validate(doc)
        #expect(Set(report.violations.map(\.rule)) == ["EuropeanDigitalCredential.issued.minCount", "Issuer.eIDASIdentifier.minCount"])
        let issued = try #require(report.violations.first { $0.rule == "EuropeanDigitalCredential.issued.minCount" })
        #expect(issued.path.description == "$")
        let eidas = try #require(report.violations.first { $0.rule == "Issuer.eIDASIdentifier.minCount" })
        #expect(eidas.path.description == "$.issuer")
    }

    @Test func uploadablePathsStartAtTheWrappedCredential() throws {
        guard let doc = try loadDocument("ec-elm/v3.1-master/Sample-MC-Annex1-unsigned-uploadable.json") else { return }
        let report = ProfileValidator().validate(doc)
        #expect(report.violations.contains { $0.path.description == "$.credential.issuer" })
    }

    @Test func everyESCOProblemOfTheThirdPartyFileIsReportedAtOnce() throws {
        guard let doc = try loadDocument("mynextid/edc-mc-signed.jsonld") else { return }
        let report = ProfileValidator().validate(doc)
        let esco = report.violations.filter { $0.rule == "esco.skillURI" }
        #expect(esco.count >= 4)
        #expect(esco.allSatisfy { $0.path.description.contains("relatedESCOSkill") })
    }

    @Test func theModelValidatesTheSameAsItsJSON() throws {
        guard let doc = try loadDocument("ec-elm/v3.1-master/Sample-CertOfPart-signed.jsonld") else { return }
        let credential = try doc.credential()
        #expect(ProfileValidator().validate(credential).conforms)
    }
}
