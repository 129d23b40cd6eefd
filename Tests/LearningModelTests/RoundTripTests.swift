import CredentialJSON
import Foundation
import LearningModel
import TestSupport
import Testing

/// Every EDC file of the official ELM repository and MyNextID (plain, uploadable and sealed).
let edcSampleFiles = [
    "ec-elm/v3.1-master/Sample-CertOfPart-signed.jsonld",
    "ec-elm/v3.1-master/Sample-CertOfPart-unsigned.jsonld",
    "ec-elm/v3.1-master/Sample-CertOfPart-unsigned-uploadable.json",
    "ec-elm/v3.1-master/Sample-MC-Annex1-signed.jsonld",
    "ec-elm/v3.1-master/Sample-MC-Annex1-unsigned.jsonld",
    "ec-elm/v3.1-master/Sample-MC-Annex1-unsigned-uploadable.json",
    "ec-elm/v3.1-master/credential-sample.jsonld",
    "ec-elm/v3.2-lts/credential-sample.jsonld",
    "mynextid/edc-dc-signed.jsonld",
    "mynextid/edc-mc-signed.jsonld",
    "ec-edci-code/credential-signed.jsonld",
]

/// EBSI's VCDM 2.0 EDC examples (ELM 3.2 JSON Schema variant): read and re-encoded losslessly too.
let ebsiExampleFiles = [
    "ebsi-vcdm2-edc/examples/Bengales_highSchoolDiploma.json",
    "ebsi-vcdm2-edc/examples/DigiComp_Generic.json",
    "ebsi-vcdm2-edc/examples/Diploma_rntuo_credential.json",
    "ebsi-vcdm2-edc/examples/Francisco_Cruz_Argudo_Certificate_of_Completion.json",
    "ebsi-vcdm2-edc/examples/Microcredential_Data_and_software_business.json",
    "ebsi-vcdm2-edc/examples/Transcript_of_records_generic.json",
]

func loadSample(_ name: String) throws -> EDCDocument? {
    guard let url = SharedData.shared("edc-samples/" + name) else { return nil }
    return try EDCDocument(bytes: try SharedData.data(url))
}

@Suite("EDC model: decoding real files", .needsSharedData)
struct RoundTripTests {
    @Test(arguments: edcSampleFiles)
    func decodeThenEncodeGivesAnEqualDocument(_ name: String) throws {
        guard let doc = try loadSample(name) else { return }
        let credential = try doc.credential()
        let encoded = credential.jsonValue()
        #expect(encoded == doc.credentialJSON, "\(name) changed in a round trip")
    }

    @Test(arguments: ebsiExampleFiles)
    func ebsiExamplesRoundTrip(_ name: String) throws {
        guard let doc = try loadSample(name) else { return }
        let credential = try doc.credential()
        #expect(credential.jsonValue() == doc.credentialJSON, "\(name) changed in a round trip")
        #expect(credential.types.contains("VerifiableAttestation"))
    }

    @Test(arguments: edcSampleFiles)
    func modelledMembersAreTyped(_ name: String) throws {
        guard let doc = try loadSample(name) else { return }
        let credential = try doc.credential()
        #expect(credential.credentialSubject != nil)
        #expect(credential.issuer?.legalName != nil)
        #expect(credential.displayParameter?.primaryLanguage != nil)
        #expect(!(credential.credentialSubject?.hasClaim.isEmpty ?? true))
        // Only the non-EDC extras of third-party files may stay untyped at the root.
        let allowed: Set<String> = ["cnf", "status", "termsOfUse", "credentialStatus", "sec:proof"]
        #expect(Set(credential.extra.keys).isSubset(of: allowed), "\(name): \(credential.extra.keys)")
    }

    @Test func sealedFilesExposeTheExactPayload() throws {
        guard let doc = try loadSample("ec-elm/v3.1-master/Sample-MC-Annex1-signed.jsonld") else { return }
        #expect(doc.packaging == .sealed)
        let url = try #require(SharedData.shared("edc-samples/ec-elm/v3.1-master/Sample-MC-Annex1-signed.jsonld"))
        let outer = try JSONParser.parse(try SharedData.data(url))
        #expect(doc.payloadBytes == Array(try #require(outer["payload"]?.stringValue).utf8))
    }

    @Test func uploadableFilesUnwrapTheCredential() throws {
        guard let doc = try loadSample("ec-elm/v3.1-master/Sample-CertOfPart-unsigned-uploadable.json") else { return }
        #expect(doc.packaging == .uploadable)
        #expect(doc.credentialPath.description == "$.credential")
    }

    @Test func theMicroCredentialsOutcomesCarryESCOSkills() throws {
        guard let doc = try loadSample("ec-elm/v3.1-master/Sample-MC-Annex1-unsigned.jsonld") else { return }
        let skills = try doc.credential().learningOutcomes.flatMap(\.relatedESCOSkill)
        #expect(skills.contains { $0.id == "http://data.europa.eu/esco/skill/5fd5c985-eaaa-47aa-8314-62359c54505a" })
        #expect(skills.allSatisfy { $0.inScheme?.id == "http://data.europa.eu/esco/concept-scheme/skills" })
    }

    @Test func unknownMembersArePreserved() throws {
        let text =
            #"{"@context":["https://www.w3.org/2018/credentials/v1"],"type":["VerifiableCredential","EuropeanDigitalCredential"],"x-custom":{"a":[1.50,true]},"credentialSubject":{"id":"urn:epass:person:1","type":"Person","favourite":"blue","hasClaim":"urn:epass:claim:9"}}"#
        let doc = try EDCDocument(bytes: Array(text.utf8))
        let c = try doc.credential()
        #expect(c.extra["x-custom"] != nil)
        #expect(c.credentialSubject?.extra["favourite"] == "blue")
        #expect(c.credentialSubject?.extra["hasClaim"] == "urn:epass:claim:9")
        #expect(c.jsonValue(options: EDCEncodingOptions(generateMissingIDs: false)) == doc.credentialJSON)
        // Nodes read without an id stay without one; new nodes get one.
        #expect(c.jsonValue() == doc.credentialJSON)
        var changed = c
        changed.credentialSubject?.identifier = [Identifier()]
        #expect(changed.jsonValue()["credentialSubject"]?["identifier"]?["id"]?.stringValue?.hasPrefix("urn:epass:identifier:") == true)
    }

    @Test func base64urlPayloadsAreDecodedWhenTheHeaderDoesNotSayB64False() throws {
        // {"type":["VerifiableCredential","EuropeanDigitalCredential"]} and {"alg":"RS256"}, base64url.
        let jws =
            #"{"payload":"eyJ0eXBlIjpbIlZlcmlmaWFibGVDcmVkZW50aWFsIiwiRXVyb3BlYW5EaWdpdGFsQ3JlZGVudGlhbCJdfQ","signatures":[{"protected":"eyJhbGciOiJSUzI1NiJ9","signature":"AA"}]}"#
        let doc = try EDCDocument(bytes: Array(jws.utf8))
        #expect(doc.packaging == .sealed)
        #expect(doc.credentialJSON["type"] == ["VerifiableCredential", "EuropeanDigitalCredential"])
        let unencoded = #"{"payload":"{\"a\":1}","signatures":[{"protected":"eyJiNjQiOmZhbHNlfQ","signature":"AA"}]}"#
        #expect(try EDCDocument(bytes: Array(unencoded.utf8)).credentialJSON == ["a": 1])
    }

    @Test func notACredentialIsAnError() {
        #expect(throws: EDCDocumentError.self) { try EDCDocument(bytes: Array("[1]".utf8)) }
        #expect(throws: EDCDocumentError.self) { try EDCDocument(bytes: Array("{\"a\":".utf8)) }
        #expect(throws: EDCDocumentError.self) {
            try EDCDocument(bytes: Array(#"{"type":["VerifiableCredential"]}"#.utf8)).credential()
        }
    }
}
