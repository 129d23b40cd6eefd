import CredentialJSON
import LearningModel
import Testing

/// A small credential built in code, as a template would build it.
func makeCredential(name: String = "Ada Lovelace") -> EuropeanDigitalCredential {
    var english = Concept()
    english.id = "http://publications.europa.eu/resource/authority/language/ENG"
    english.inScheme = scheme("http://publications.europa.eu/resource/authority/language")
    english.prefLabel = ["en": "English"]

    var outcome = LearningOutcome()
    outcome.title = ["en": "Develop digital content", "fr": "Développer des contenus numériques"]
    var skill = Concept()
    skill.id = "http://data.europa.eu/esco/skill/5fd5c985-eaaa-47aa-8314-62359c54505a"
    skill.inScheme = scheme("http://data.europa.eu/esco/concept-scheme/skills")
    skill.prefLabel = ["en": "develop digital content"]
    outcome.relatedESCOSkill = [skill]

    var spec = LearningAchievementSpecification()
    spec.type = "Qualification"
    spec.title = ["en": "Digital content"]
    spec.learningOutcome = [outcome]

    var org = Organisation()
    org.legalName = ["en": "University of Zed"]

    var process = AwardingProcess()
    process.awardingBody = [org]

    var achievement = LearningAchievement()
    achievement.title = ["en": "Digital content"]
    achievement.awardedBy = process
    achievement.specifiedBy = spec

    var person = Person()
    person.fullName = LanguageMap("en", name)
    person.hasClaim = [.achievement(achievement)]

    var display = DisplayParameter()
    display.title = ["en": "Digital content"]
    display.primaryLanguage = english
    display.language = [english]

    var c = EuropeanDigitalCredential()
    c.credentialSubject = person
    c.issuer = org
    c.displayParameter = display
    c.validFrom = "2026-01-01T00:00:00Z"
    return c
}

func scheme(_ iri: String) -> ConceptScheme {
    var s = ConceptScheme()
    s.id = iri
    return s
}

@Suite("EDC model: deterministic encoding")
struct EncodingTests {
    @Test func sameCredentialGivesTheSameBytes() {
        let a = makeCredential().jsonData()
        let b = makeCredential().jsonData()
        #expect(a == b)
    }

    @Test func generatedIdsFollowTheEPassForm() throws {
        let json = makeCredential().jsonValue()
        let subject = try #require(json["credentialSubject"])
        let personID = try #require(subject["id"]?.stringValue)
        #expect(personID.hasPrefix("urn:epass:person:"))
        #expect(personID.count == "urn:epass:person:".count + 36)
        #expect(json["id"]?.stringValue?.hasPrefix("urn:credential:") == true)
        let claimID = try #require(subject["hasClaim"]?["id"]?.stringValue)
        #expect(claimID.hasPrefix("urn:epass:learningAchievement:"))
        let specType = subject["hasClaim"]?["specifiedBy"]?["type"]?.stringValue
        #expect(specType == "Qualification")
    }

    @Test func differentContentOrSeedGivesDifferentIds() {
        let a = makeCredential(name: "Ada").jsonValue()["id"]
        let b = makeCredential(name: "Grace").jsonValue()["id"]
        #expect(a != b)
        let s1 = makeCredential().jsonValue(options: EDCEncodingOptions(idSeed: "row-1"))["id"]
        let s2 = makeCredential().jsonValue(options: EDCEncodingOptions(idSeed: "row-2"))["id"]
        #expect(s1 != s2)
        #expect(s1 == makeCredential().jsonValue(options: EDCEncodingOptions(idSeed: "row-1"))["id"])
    }

    @Test func givenIdsAreKept() {
        var c = makeCredential()
        c.id = "urn:credential:fixed"
        #expect(c.jsonValue()["id"] == "urn:credential:fixed")
    }

    @Test func usesTheEDCTermNamesAndContext() throws {
        let json = makeCredential().jsonValue()
        #expect(json["@context"] == ["https://www.w3.org/2018/credentials/v1", "http://data.europa.eu/snb/model/context/edc-ap"])
        #expect(json["type"] == ["VerifiableCredential", "EuropeanDigitalCredential"])
        let outcome = json["credentialSubject"]?["hasClaim"]?["specifiedBy"]?["learningOutcome"]
        #expect(outcome?["relatedESCOSkill"]?["inScheme"]?["id"] == "http://data.europa.eu/esco/concept-scheme/skills")
        #expect(outcome?["title"] == ["en": "Develop digital content", "fr": "Développer des contenus numériques"])
        // Member order is fixed: id, type, then the modelled members.
        let keys = try #require(json.objectValue?.keys)
        #expect(Array(keys.prefix(3)) == ["@context", "id", "type"])
    }

    @Test func uuidV5MatchesTheRFCExample() {
        // RFC 9562 Appendix A.4: "www.example.com" in the DNS namespace.
        let dns: [UInt8] = [0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8]
        #expect(UUIDv5.make(namespace: dns, name: "www.example.com") == "2ed6657d-e927-568b-95e1-2665a8aea6a2")
    }

    /// Re-issuing a row must give the ids it had: every generated id is pinned to the value Python's
    /// `uuid.uuid5` gives for the same namespace and name (an independent implementation of RFC 9562 §5.5).
    @Test func generatedIDsAreVersion5UUIDsOfTheSeedAndTheJSONPath() {
        let context = EncodingContext(seed: "urn:credential:x")
        let subject = JSONPath.root.appending("credentialSubject")
        #expect(UUIDv5.make(namespace: UUIDv5.urlNamespace, name: "https://skillcred.invalid/edc") == "5f035877-69d3-57ac-82a6-604a7ca4c6d8")
        #expect(context.makeID(className: "Person", path: subject) == "urn:epass:person:e25cb2da-db0a-5bab-be42-480d461c8fc3")
        #expect(context.makeID(className: "VerifiableCredential", path: .root) == "urn:credential:b74ece79-d8da-54fc-b86e-1e401e45aab3")
        // An index and a key that is not a plain name (`["a b\"c"]`, escaped as JSON) are part of the name.
        let claim = subject.appending("hasClaim").appending(0)
        #expect(
            context.makeID(className: "LearningAchievement", path: claim.appending("a b\"c"))
                == "urn:epass:learningAchievement:f8c92ec8-0479-54bf-b8fd-7f71e6229b7f")
        let twelfth = subject.appending("hasClaim").appending(12).appending("x")
        #expect(context.makeID(className: "Note", path: twelfth) == "urn:epass:note:ec7acb14-cefd-5340-98fe-15a8ee0368d1")
        // The class name's first character is lowercased, ASCII or not; an empty name gives `node`.
        #expect(context.makeID(className: "Émile", path: twelfth) == "urn:epass:émile:ec7acb14-cefd-5340-98fe-15a8ee0368d1")
        #expect(context.makeID(className: "", path: twelfth) == "urn:epass:node:ec7acb14-cefd-5340-98fe-15a8ee0368d1")
        #expect(EncodingContext(seed: nil).makeID(className: "Person", path: subject) == nil)
    }

    @Test func languageMapsKeepOrderAndReplaceDuplicates() {
        var m: LanguageMap = ["fr": "Bonjour", "en": "Hello"]
        m["fr"] = "Salut"
        m["de"] = "Hallo"
        #expect(m.languages == ["fr", "en", "de"])
        #expect(m.text(preferring: ["de"]) == "Hallo")
        #expect(LanguageMap(json: ["en": 1]) == nil)
    }
}
