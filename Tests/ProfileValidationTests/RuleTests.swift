import CredentialJSON
import Foundation
import LearningModel
import TestSupport
import Testing

@testable import ProfileValidation

/// The official sealed micro-credential's payload: conformant, and rich enough to break each rule.
func conformingCredential() throws -> JSONValue? {
    try loadDocument("ec-elm/v3.1-master/Sample-MC-Annex1-signed.jsonld")?.credentialJSON
}

/// A step into JSON for the mutation helper.
enum Step { case key(String), index(Int) }

/// The value with the member at `path` replaced (`nil` removes it).
func setting(_ root: JSONValue, _ path: [Step], to newValue: JSONValue?) -> JSONValue {
    guard let first = path.first else { return newValue ?? .null }
    let rest = Array(path.dropFirst())
    switch (first, root) {
    case (.key(let k), .object(var o)):
        if rest.isEmpty {
            o[k] = newValue
        } else if let child = o[k] {
            o[k] = setting(child, rest, to: newValue)
        }
        return .object(o)
    case (.index(let i), .array(var a)):
        if rest.isEmpty {
            if let newValue { a[i] = newValue } else { a.remove(at: i) }
        } else {
            a[i] = setting(a[i], rest, to: newValue)
        }
        return .array(a)
    default:
        return root
    }
}

func value(_ root: JSONValue, _ path: [Step]) -> JSONValue? {
    var v: JSONValue? = root
    for s in path {
        switch s {
        case .key(let k): v = v?[k]
        case .index(let i): v = v?.arrayValue.flatMap { i < $0.count ? $0[i] : nil }
        }
    }
    return v
}

let achievement: [Step] = [.key("credentialSubject"), .key("hasClaim")]
let qualification: [Step] = achievement + [.key("specifiedBy")]
let firstOutcome: [Step] = qualification + [.key("learningOutcome"), .index(0)]

/// Validates the conformant credential after one change and returns the findings for `rule`.
func findings(
    after path: [Step], set newValue: JSONValue?, rule: String,
    validator: ProfileValidator = ProfileValidator()
) throws -> [ProfileFinding] {
    guard let base = try conformingCredential() else { return [] }
    #expect(validator.validate(base).conforms, "the unchanged sample must conform")
    let changed = setting(base, path, to: newValue)
    return validator.validate(changed).findings.filter { $0.rule == rule }
}

@Suite("Profile validation: each rule catches its violation")
struct RuleTests {
    @Test func missingMandatoryMemberIsReportedOnItsObject() throws {
        guard try conformingCredential() != nil else { return }
        let f = try findings(after: achievement + [.key("title")], set: nil, rule: "LearningAchievement.title.minCount")
        #expect(f.map(\.path.description) == ["$.credentialSubject.hasClaim"])
        #expect(f.first?.severity == .violation)
    }

    @Test func missingIssuerEIDASIdentifierIsReported() throws {
        guard try conformingCredential() != nil else { return }
        let f = try findings(after: [.key("issuer"), .key("eIDASIdentifier")], set: nil, rule: "Issuer.eIDASIdentifier.minCount")
        #expect(f.map(\.path.description) == ["$.issuer"])
    }

    @Test func tooManyValuesBreakMaxCount() throws {
        guard let base = try conformingCredential() else { return }
        let issued = try #require(base["issued"])
        let f = try findings(after: [.key("issued")], set: [issued, "2024-01-01T00:00:00Z"], rule: "EuropeanDigitalCredential.issued.maxCount")
        #expect(f.map(\.path.description) == ["$.issued"])
    }

    @Test(arguments: [
        ("2026-13-01T00:00:00Z", false), ("2026-02-29T00:00:00Z", false), ("2024-02-29T10:00:00+01:00", true),
        ("2026-01-01", false), ("2026-01-01T24:00:00Z", true), ("2026-01-01T10:00:00.123Z", true), ("2026-01-01T10:00:00+15:00", false),
    ])
    func dateTimesAreCheckedLexically(_ text: String, _ valid: Bool) throws {
        guard try conformingCredential() != nil else { return }
        let f = try findings(after: [.key("validFrom")], set: .string(text), rule: "EuropeanDigitalCredential.validFrom.datatype")
        #expect(f.isEmpty == valid, "\(text)")
    }

    @Test(arguments: [("PT60H", true), ("P1Y2M3DT4H5M6.5S", true), ("P", false), ("PT", false), ("60 hours", false), ("P1H", false), ("PT1.5H", false)])
    func durationsAreCheckedLexically(_ text: String, _ valid: Bool) throws {
        guard try conformingCredential() != nil else { return }
        let f = try findings(after: qualification + [.key("volumeOfLearning")], set: .string(text), rule: "Qualification.volumeOfLearning.datatype")
        #expect(f.isEmpty == valid, "\(text)")
    }

    @Test func pageMustBeAPositiveInteger() throws {
        guard let base = try conformingCredential() else { return }
        var detail: [Step] = [.key("displayParameter"), .key("individualDisplay")]
        if value(base, detail)?.isArray == true { detail.append(.index(0)) }
        detail.append(.key("displayDetail"))
        if value(base, detail)?.isArray == true { detail.append(.index(0)) }
        let f = try findings(after: detail + [.key("page")], set: 0, rule: "DisplayDetail.page.datatype")
        #expect(f.count == 1)
    }

    @Test func textMustBeALanguageMap() throws {
        guard try conformingCredential() != nil else { return }
        let f = try findings(after: achievement + [.key("title")], set: "Just a string", rule: "LearningAchievement.title.datatype")
        #expect(f.map(\.path.description) == ["$.credentialSubject.hasClaim.title"])
        let tag = try findings(after: achievement + [.key("title")], set: ["english!": "x"], rule: "LearningAchievement.title.languageTag")
        #expect(tag.count == 1)
    }

    @Test func languageTagsAreJudgedByTheirShape() {
        for tag in ["en", "en-GB", "zh-Hant-TW", "de-1996", "sgn-BE-FR", "EN-gb", "abcdefgh", "en-a-bbb"] {
            #expect(isLanguageTag(tag), "\(tag)")
        }
        for tag in ["", "e", "1en", "en-", "-en", "en--GB", "en_GB", "abcdefghi", "en-abcdefghi", "é", "en-G€", "x-klingon", "en GB"] {
            #expect(!isLanguageTag(tag), "\(tag)")
        }
    }

    @Test func absoluteIRIsAreJudgedByTheirSchemeAndSpaces() {
        let bridged = NSString(string: "urn:epass:person:1") as String  // not native UTF-8: read through withUTF8's copy
        for iri in ["http://data.europa.eu/esco/skill/1", "urn:uuid:1", "did:key:z6Mk", "a:", "x+y-z.1:rest", "mailto:ä@b.c", bridged] {
            #expect(isAbsoluteIRI(iri), "\(iri)")
        }
        for iri in ["", ":x", "1http://x", "ht tp://x", "http://x y", "http//x", "é:x", "_:b0x", "http:// ", "-a:b"] {
            #expect(!isAbsoluteIRI(iri), "\(iri)")
        }
    }

    @Test func linkedObjectsMustHaveTheRightClass() throws {
        guard let base = try conformingCredential() else { return }
        let org = try #require(base["issuer"])
        let f = try findings(after: achievement, set: org, rule: "Person.hasClaim.class")
        #expect(f.count == 1)
        #expect(f.first?.message.contains("LearningAchievement") == true)
    }

    @Test func conceptsMustHaveAnIRI() throws {
        guard let base = try conformingCredential() else { return }
        var eqf = try #require(value(base, qualification + [.key("eqfLevel")])?.objectValue)
        eqf.removeValue(forKey: "id")
        let f = try findings(after: qualification + [.key("eqfLevel")], set: .object(eqf), rule: "Qualification.eqfLevel.nodeKind")
        #expect(f.count == 1)
    }

    @Test func conceptsMustBeInTheProfilesScheme() throws {
        guard let base = try conformingCredential() else { return }
        let f = try findings(
            after: qualification + [.key("eqfLevel"), .key("inScheme"), .key("id")],
            set: "http://data.europa.eu/snb/qdr/25831c2", rule: "Qualification.eqfLevel.scheme")
        #expect(f.map(\.path.description) == ["$.credentialSubject.hasClaim.specifiedBy.eqfLevel.inScheme"])
        _ = base
    }

    @Test func theSchemeMustBeAConceptScheme() throws {
        guard try conformingCredential() != nil else { return }
        let f = try findings(
            after: qualification + [.key("eqfLevel"), .key("inScheme"), .key("type")], set: nil,
            rule: "Concept.inScheme.class")
        #expect(f.count == 1)
    }

    @Test func unknownCodeOfACompleteListIsAViolation() throws {
        guard try conformingCredential() != nil else { return }
        let f = try findings(
            after: qualification + [.key("eqfLevel"), .key("id")], set: "http://data.europa.eu/snb/eqf/9",
            rule: "vocabulary.unknownCode")
        #expect(f.map(\.severity) == [.violation])
    }

    @Test func unknownCodeOfAPartialListIsOnlyAWarning() throws {
        guard try conformingCredential() != nil else { return }
        let f = try findings(
            after: [.key("issuer"), .key("eIDASIdentifier"), .key("spatial"), .key("id")],
            set: "http://publications.europa.eu/resource/authority/country/XXX", rule: "vocabulary.unknownCode")
        #expect(f.map(\.severity) == [.warning])
    }

    @Test func escoSkillsMustHaveESCOURIs() throws {
        guard let base = try conformingCredential() else { return }
        var skill: [Step] = firstOutcome + [.key("relatedESCOSkill")]
        if value(base, skill)?.isArray == true { skill.append(.index(0)) }
        let f = try findings(after: skill + [.key("id")], set: "urn:epass:skill:1", rule: "esco.skillURI")
        #expect(f.count == 1)
        #expect(f.first?.path.description.hasSuffix(".id") == true)
        let uppercase = try findings(
            after: skill + [.key("id")], set: "http://data.europa.eu/esco/skill/5FD5C985-EAAA-47AA-8314-62359C54505A", rule: "esco.skillURI")
        #expect(uppercase.count == 1)
    }

    @Test func undefinedTermsAreWarnings() throws {
        guard try conformingCredential() != nil else { return }
        let f = try findings(after: [.key("issuer"), .key("eIDASΙdentifier")], set: "x", rule: "jsonld.undefinedTerm")
        #expect(f.map(\.severity) == [.warning])
    }

    @Test func theContextMustBeVC11ThenEDCAP() throws {
        guard let base = try conformingCredential() else { return }
        let vc2 = try findings(
            after: [.key("@context")], set: ["https://www.w3.org/ns/credentials/v2", "http://data.europa.eu/snb/model/context/edc-ap"],
            rule: "credential.context")
        #expect(vc2.count == 1)
        #expect(vc2.first?.message.contains("protected") == true)
        let dev = try findings(
            after: [.key("@context")], set: ["https://www.w3.org/2018/credentials/v1", "http://dev.everisdx.io/datamodel/edc-ap-context.jsonld"],
            rule: "credential.context")
        #expect(dev.map(\.path.description) == ["$.@context"])
        _ = base
    }

    @Test func allViolationsAreReportedTogether() throws {
        guard var json = try conformingCredential() else { return }
        json = setting(json, [.key("issued")], to: nil)
        json = setting(json, achievement + [.key("title")], to: nil)
        json = setting(json, [.key("validFrom")], to: "yesterday")
        json = setting(json, qualification + [.key("eqfLevel"), .key("id")], to: "http://data.europa.eu/snb/eqf/0")
        let rules = Set(ProfileValidator().validate(json).violations.map(\.rule))
        #expect(
            rules.isSuperset(of: [
                "EuropeanDigitalCredential.issued.minCount", "LearningAchievement.title.minCount",
                "EuropeanDigitalCredential.validFrom.datatype", "vocabulary.unknownCode",
            ]))
    }

    @Test func notACredentialAtAll() {
        let report = ProfileValidator().validate(["type": "Person"])
        #expect(report.violations.contains { $0.rule == "EuropeanDigitalCredential.type" })
        #expect(report.violations.contains { $0.rule == "EuropeanDigitalCredential.issuer.minCount" })
    }
}

@Suite("Profile validation: lexical forms and helpers")
struct LexicalFormTests {
    @Test func integersAndDecimals() {
        #expect(LexicalForms.isInteger("42", positive: true))
        #expect(!LexicalForms.isInteger("0", positive: true))
        #expect(!LexicalForms.isInteger("-3", positive: true))
        #expect(LexicalForms.isInteger("-3", positive: false))
        #expect(LexicalForms.isDecimal("2.50"))
        #expect(LexicalForms.isDecimal(".5"))
        #expect(!LexicalForms.isDecimal("1e3"))
    }

    @Test func escoSkillURIForm() {
        #expect(isESCOSkillURI("http://data.europa.eu/esco/skill/5fd5c985-eaaa-47aa-8314-62359c54505a"))
        #expect(!isESCOSkillURI("https://data.europa.eu/esco/skill/5fd5c985-eaaa-47aa-8314-62359c54505a"))
        #expect(!isESCOSkillURI("http://data.europa.eu/esco/skill/5fd5c985"))
        #expect(!isESCOSkillURI("http://data.europa.eu/esco/occupation/5fd5c985-eaaa-47aa-8314-62359c54505a"))
    }

    @Test func vocabulariesKnowTheirCodes() {
        #expect(ControlledList.eqf.contains("http://data.europa.eu/snb/eqf/6"))
        #expect(ControlledList.iscedF.label(of: "http://data.europa.eu/snb/isced-f/0688")?.contains("ICTs") == true)
        #expect(ControlledList.country.contains("http://publications.europa.eu/resource/authority/country/IRL"))
        #expect(ControlledList.language.label(of: "http://publications.europa.eu/resource/authority/language/ENG") == "English")
        #expect(Set(ControlledList.all.map(\.scheme)).count == ControlledList.all.count)
    }
}
