import CredentialJSON
import Foundation
import LearningModel
import ProfileValidation
import TestSupport
import Testing

/// The project's own small ESCO export (samples/esco), in the official per-language files.
func sampleCatalog(languages: [String] = ["en", "fr", "de"]) throws -> ESCOCatalog {
    var catalog = ESCOCatalog()
    for lang in languages {
        let url = SharedData.packageRoot.appendingPathComponent("samples/esco/skills_\(lang).csv")
        try catalog.load(csv: Array(try Data(contentsOf: url)), language: lang, source: url.lastPathComponent)
    }
    return catalog
}

@Suite("ESCO catalog", .needsSharedData)
struct ESCOTests {
    @Test func loadsTheSampleExportWithLabelsPerLanguage() throws {
        let catalog = try sampleCatalog()
        #expect(catalog.count == 8)
        let uri = "http://data.europa.eu/esco/skill/5fd5c985-eaaa-47aa-8314-62359c54505a"
        let skill = try #require(catalog.skill(uri))
        #expect(skill.preferredLabel.languages == ["en", "fr", "de"])
        #expect(catalog.label(of: uri) == "develop digital content")
        #expect(catalog.label(of: uri, preferring: ["de"]) == "digitale Inhalte entwickeln")
        #expect(skill.reuseLevel == "cross-sector")
        let concept = skill.concept(languages: ["en"])
        #expect(concept.inScheme?.id == ESCOCatalog.skillsScheme)
        #expect(concept.prefLabel == ["en": "develop digital content"])
    }

    @Test func everySkillOfTheEUSampleIsInTheSampleExport() throws {
        guard let doc = try loadDocument("ec-elm/v3.1-master/Sample-MC-Annex1-signed.jsonld") else { return }
        let report = ProfileValidator(escoCatalog: try sampleCatalog(languages: ["en"])).validate(doc)
        #expect(report.conforms, "\(report.violations)")
    }

    @Test func aSkillMissingFromTheExportIsAViolation() throws {
        guard let doc = try loadDocument("ec-elm/v3.1-master/Sample-MC-Annex1-signed.jsonld") else { return }
        var catalog = ESCOCatalog()
        let csv = """
            conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,hiddenLabels,status,modifiedDate,scopeNote,definition,inScheme,description
            KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/5fd5c985-eaaa-47aa-8314-62359c54505a,skill/competence,cross-sector,develop digital content,,,released,,,,,

            """
        try catalog.load(csv: Array(csv.utf8), language: "en", source: "one-skill.csv")
        let report = ProfileValidator(escoCatalog: catalog).validate(doc)
        let unknown = report.violations.filter { $0.rule == "esco.unknownSkill" }
        #expect(unknown.count == 3)
        #expect(unknown.allSatisfy { $0.message.contains("one-skill.csv") })
    }

    @Test func outcomeSkillsCarryCatalogLabelsOrTheCredentialsOwn() throws {
        guard let doc = try loadDocument("ec-elm/v3.1-master/Sample-MC-Annex1-signed.jsonld") else { return }
        let withCatalog = OutcomeSkill.all(in: doc.credentialJSON, catalog: try sampleCatalog())
        try #require(withCatalog.count == 4)
        #expect(withCatalog.allSatisfy { $0.labelsFromCatalog })
        #expect(withCatalog.contains { $0.labels["fr"] == "développer des contenus numériques" })
        #expect(withCatalog.first?.path.description == "$.credentialSubject.hasClaim.specifiedBy.learningOutcome[0].relatedESCOSkill[0]")
        let own = OutcomeSkill.all(in: doc.credentialJSON)
        #expect(own.map(\.skillURI) == withCatalog.map(\.skillURI))
        #expect(own.contains { $0.labels["en"] == "develop digital content" && !$0.labelsFromCatalog })
    }

    @Test func languageComesFromTheOfficialFileName() {
        #expect(ESCOCatalog.language(ofFileName: "/data/esco/skills_fr.csv") == "fr")
        #expect(ESCOCatalog.language(ofFileName: "skills_pt.csv") == "pt")
        #expect(ESCOCatalog.language(ofFileName: "skills.csv") == nil)
    }

    @Test func aFileWithoutTheConceptURIColumnIsRejected() {
        var catalog = ESCOCatalog()
        #expect(throws: CSVError.self) {
            try catalog.load(csv: Array("uri,label\nx,y\n".utf8), language: "en", source: "bad.csv")
        }
    }

    @Test func altLabelsAreOnePerLine() throws {
        var catalog = ESCOCatalog()
        let csv = "conceptUri,preferredLabel,altLabels\r\nhttp://data.europa.eu/esco/skill/x,a,\"b\nc\r\n d \"\r\n"
        try catalog.load(csv: Array(csv.utf8), language: "en", source: "t.csv")
        #expect(catalog.skill("http://data.europa.eu/esco/skill/x")?.altLabels["en"] == ["b", "c", "d"])
    }
}

@Suite("CSV reader (RFC 4180)")
struct CSVTests {
    @Test func quotedFieldsWithEscapedQuotesAndSeparators() throws {
        let rows = try CSVReader.records(Array("a,\"b,\"\"c\"\"\",d\n".utf8))
        #expect(rows == [["a", "b,\"c\"", "d"]])
    }

    @Test func embeddedLineBreaksStayInTheField() throws {
        let rows = try CSVReader.records(Array("x,\"line 1\nline 2\r\nline 3\"\ny,z\n".utf8))
        #expect(rows == [["x", "line 1\nline 2\r\nline 3"], ["y", "z"]])
    }

    @Test func byteOrderMarkIsIgnored() throws {
        let rows = try CSVReader.records([0xEF, 0xBB, 0xBF] + Array("conceptUri,b\n1,2".utf8))
        #expect(rows == [["conceptUri", "b"], ["1", "2"]])
    }

    @Test func crlfLoneCRAndNoFinalNewline() throws {
        #expect(try CSVReader.records(Array("a,b\r\nc,d\re,f".utf8)) == [["a", "b"], ["c", "d"], ["e", "f"]])
    }

    @Test func emptyFieldsAndTrailingSeparator() throws {
        #expect(try CSVReader.records(Array(",a,,\n".utf8)) == [["", "a", "", ""]])
        #expect(try CSVReader.records(Array("a,".utf8)) == [["a", ""]])
        #expect(try CSVReader.records(Array("\"\"\n".utf8)) == [[""]])
    }

    @Test func unicodeIsKept() throws {
        #expect(try CSVReader.records(Array("développer,Kreativität\n".utf8)) == [["développer", "Kreativität"]])
    }

    @Test func unterminatedQuoteNamesWhereItOpened() {
        #expect {
            _ = try CSVReader.records(Array("a,b\nc,\"open\nmore".utf8))
        } throws: { error in
            guard let e = error as? CSVError else { return false }
            return e.code == .unterminatedQuote && e.line == 2 && e.column == 3
        }
    }

    @Test func strayQuotesAreErrors() {
        #expect(throws: CSVError.self) { try CSVReader.records(Array("ab\"c\n".utf8)) }
        #expect(throws: CSVError.self) { try CSVReader.records(Array("\"ab\"c\n".utf8)) }
    }

    @Test func invalidUTF8AndSizeLimit() {
        #expect(throws: CSVError.self) { try CSVReader.records([0x61, 0xFF, 0x0A]) }
        #expect(throws: CSVError.self) { try CSVReader.records(Array("abcdef".utf8), maxBytes: 3) }
    }

    @Test func tableKeysRowsByHeader() throws {
        let t = try CSVReader.table(Array("a,b\n1,2\n\n3\n".utf8), required: ["a"])
        #expect(t.map(\.row) == [["a": "1", "b": "2"], ["a": "3"]])
        #expect(t.map(\.line) == [2, 4])
    }
}
