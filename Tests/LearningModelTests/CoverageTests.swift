import CredentialJSON
import LearningModel
import TestSupport
import Testing

/// Every (class, member) pair left untyped in `extra` anywhere in a decoded credential.
func untypedMembers(_ value: Any) -> Set<String> {
    var result: Set<String> = []
    func walk(_ v: Any, owner: String) {
        let mirror = Mirror(reflecting: v)
        if mirror.displayStyle == .optional {
            if let child = mirror.children.first { walk(child.value, owner: owner) }
            return
        }
        if let object = v as? JSONObject {
            for k in object.keys { result.insert(owner + "." + k) }
            return
        }
        let name = String(describing: type(of: v))
        for child in mirror.children {
            if child.label == "extra" { walk(child.value, owner: name); continue }
            walk(child.value, owner: mirror.displayStyle == .collection || mirror.displayStyle == .enum ? owner : name)
        }
    }
    walk(value, owner: "")
    return result
}

@Suite("EDC model: coverage of real files", .needsSharedData)
struct CoverageTests {
    /// Members the model leaves untyped on purpose: non-EDC extras of third-party files and rarely used
    /// ELM members; anything else in a real file should be modelled.
    static let allowed: Set<String> = [
        "EuropeanDigitalCredential.cnf", "EuropeanDigitalCredential.status", "EuropeanDigitalCredential.termsOfUse",
        "EuropeanDigitalCredential.credentialStatus", "EuropeanDigitalCredential.sec:proof",
        "Person.degreeProgramme", "Person.studentNumber", "Organisation.eIDASΙdentifier",
        // mynextid/edc-mc-signed links a Qualification here, which the profile rejects; it stays as read.
        "LearningAssessment.specifiedBy",
        // ec-edci-code/credential-signed is from the EDCI dev era, before legalName replaced prefLabel.
        "Organisation.prefLabel",
    ]

    @Test(arguments: edcSampleFiles)
    func realFilesAreModelledExceptKnownExtras(_ name: String) throws {
        guard let doc = try loadSample(name) else { return }
        let untyped = untypedMembers(try doc.credential()).subtracting(Self.allowed)
        #expect(untyped.isEmpty, "\(name): \(untyped.sorted())")
    }
}
