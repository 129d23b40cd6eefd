import CredentialJSON
import Foundation
import LearningModel
import ProfileValidation
import TestSupport
import Testing

/// `OutcomeSkill.all` walks with a stack of path components and builds a path only for the skills it reports.
/// These tests pin it to the plain walk it replaced (a new path for every node), kept here as the reference.
@Suite("Outcome skills: the stack walk against the plain walk")
struct OutcomeSkillWalkTests {
    /// The earlier algorithm, verbatim: every node visited with its own `JSONPath`.
    static func reference(in credential: JSONValue, basePath: JSONPath = .root, catalog: ESCOCatalog? = nil) -> [OutcomeSkill.Reference] {
        var result: [OutcomeSkill.Reference] = []
        collect(credential, at: basePath, catalog: catalog, into: &result)
        return result
    }

    private static func collect(_ value: JSONValue, at path: JSONPath, catalog: ESCOCatalog?, into result: inout [OutcomeSkill.Reference]) {
        switch value {
        case .array(let array):
            for (index, element) in array.enumerated() { collect(element, at: path.appending(index), catalog: catalog, into: &result) }
        case .object(let object):
            if object["type"]?.asArray.contains("LearningOutcome") == true, let skills = object["relatedESCOSkill"] {
                let title = object["title"].flatMap(LanguageMap.init(json:))
                let skillPath = path.appending("relatedESCOSkill")
                let elements: [(JSONPath, JSONValue)] =
                    skills.isArray
                    ? skills.asArray.enumerated().map { (skillPath.appending($0), $1) } : [(skillPath, skills)]
                for (skillEntryPath, skill) in elements {
                    guard let uri = skill.stringValue ?? skill["id"]?.stringValue else { continue }
                    if let known = catalog?.skill(uri) {
                        result.append(.init(path: skillEntryPath, title: title, uri: uri, labels: known.preferredLabel, fromCatalog: true))
                    } else {
                        let labels = skill["prefLabel"].flatMap(LanguageMap.init(json:)) ?? LanguageMap()
                        result.append(.init(path: skillEntryPath, title: title, uri: uri, labels: labels, fromCatalog: false))
                    }
                }
            }
            for member in object where member.key != "@context" {
                collect(member.value, at: path.appending(member.key), catalog: catalog, into: &result)
            }
        default:
            break
        }
    }

    static func current(in credential: JSONValue, basePath: JSONPath = .root, catalog: ESCOCatalog? = nil) -> [OutcomeSkill.Reference] {
        OutcomeSkill.all(in: credential, basePath: basePath, catalog: catalog).map {
            .init(path: $0.path, title: $0.outcomeTitle, uri: $0.skillURI, labels: $0.labels, fromCatalog: $0.labelsFromCatalog)
        }
    }

    @Test(.needsSharedData) func theEUSamplesGiveTheSameSkillsAndPaths() throws {
        let root = try #require(SharedData.shared("edc-samples"))
        let catalog = try sampleCatalog()
        var files = 0, skills = 0
        let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        while let url = walker?.nextObject() as? URL {
            guard url.pathExtension == "json" || url.pathExtension == "jsonld" else { continue }
            let bytes = Array(try SharedData.data(url))
            var documents: [(JSONValue, JSONPath)] = []
            if let json = try? JSONParser.parse(bytes) { documents.append((json, .root)) }
            if let edc = try? EDCDocument(bytes: bytes) { documents.append((edc.credentialJSON, edc.credentialPath)) }
            for (json, base) in documents {
                files += 1
                for catalog in [nil, catalog] {
                    let expected = Self.reference(in: json, basePath: base, catalog: catalog)
                    skills += expected.count
                    #expect(Self.current(in: json, basePath: base, catalog: catalog) == expected, "\(url.lastPathComponent)")
                }
            }
        }
        #expect(files >= 20)
        // The EU's microcredential samples link several ESCO skills each: the comparison is not vacuous.
        #expect(skills >= 8)
    }

    @Test func generatedCredentialsGiveTheSameSkillsAndPaths() throws {
        let catalog = try sampleCatalog()
        var generator = SplitMix(state: 19)
        var skills = 0
        for _ in 0..<400 {
            let document = Self.randomValue(depth: 0, using: &generator)
            let base: JSONPath = generator.next() % 2 == 0 ? .root : JSONPath.root.appending("payload").appending(3)
            for catalog in [nil, catalog] {
                let expected = Self.reference(in: document, basePath: base, catalog: catalog)
                skills += expected.count
                #expect(Self.current(in: document, basePath: base, catalog: catalog) == expected, "\(JSONWriter.string(document))")
            }
        }
        #expect(skills >= 200)
    }

    @Test func edgeShapesGiveTheSameSkillsAndPaths() {
        let skill = "http://data.europa.eu/esco/skill/5fd5c985-eaaa-47aa-8314-62359c54505a"
        let cases: [JSONValue] = [
            // The outcome at the root, its type as a plain string, one skill not in an array.
            ["type": "LearningOutcome", "relatedESCOSkill": .string(skill)],
            // Inside @context: never reported.
            ["@context": ["type": "LearningOutcome", "relatedESCOSkill": .string(skill)]],
            // Keys that a path must quote, and an outcome nested in an outcome's skill.
            [
                "a b": [
                    [
                        "type": ["X", "LearningOutcome"],
                        "relatedESCOSkill": [["id": .string(skill), "x.y": ["type": "LearningOutcome", "relatedESCOSkill": "z"]]],
                    ]
                ]
            ],
            // A type that is not a string, a skill without a URI, a number where a skill should be.
            ["type": 3, "relatedESCOSkill": .string(skill), "o": ["type": "LearningOutcome", "relatedESCOSkill": [1, ["prefLabel": ["en": "x"]], .null]]],
            // Scalars only.
            .string(skill), 5, .null, [],
        ]
        for document in cases {
            #expect(Self.current(in: document) == Self.reference(in: document), "\(JSONWriter.string(document))")
        }
    }

    /// A random JSON tree in which learning outcomes, skills, `@context` and awkward keys turn up often.
    static func randomValue(depth: Int, using generator: inout SplitMix) -> JSONValue {
        let skills = [
            "http://data.europa.eu/esco/skill/5fd5c985-eaaa-47aa-8314-62359c54505a", "http://data.europa.eu/esco/skill/unknown",
            "urn:x:1",
        ]
        let keys = ["type", "title", "relatedESCOSkill", "learningOutcome", "@context", "id", "prefLabel", "a b", "é", "x.y", "0", "hasPart"]
        let choice = depth >= 5 ? Int(generator.next() % 4) : Int(generator.next() % 9)
        switch choice {
        case 0: return .string(skills[Int(generator.next() % 3)])
        case 1: return .number(JSONNumber(Int(generator.next() % 100)))
        case 2: return generator.next() % 2 == 0 ? .null : .bool(true)
        case 3: return .string(["LearningOutcome", "x", ""][Int(generator.next() % 3)])
        case 4, 5:
            return .array((0..<Int(generator.next() % 4)).map { _ in randomValue(depth: depth + 1, using: &generator) })
        case 6:
            // A learning outcome with skills in one of their shapes.
            var object = JSONObject()
            object["type"] = generator.next() % 2 == 0 ? "LearningOutcome" : ["Other", "LearningOutcome"]
            if generator.next() % 2 == 0 { object["title"] = ["en": "Outcome", "fr": "Acquis"] }
            let skill: JSONValue =
                generator.next() % 2 == 0
                ? .string(skills[Int(generator.next() % 3)])
                : ["id": .string(skills[Int(generator.next() % 3)]), "prefLabel": ["en": "label"]]
            object["relatedESCOSkill"] = generator.next() % 2 == 0 ? skill : [skill, randomValue(depth: depth + 1, using: &generator)]
            if generator.next() % 2 == 0 { object["hasPart"] = randomValue(depth: depth + 1, using: &generator) }
            return .object(object)
        default:
            var object = JSONObject()
            for _ in 0..<Int(generator.next() % 5) {
                object[keys[Int(generator.next() % UInt64(keys.count))]] = randomValue(depth: depth + 1, using: &generator)
            }
            return .object(object)
        }
    }
}

extension OutcomeSkill {
    /// What a walk reports of a skill, comparable across the two walks.
    struct Reference: Equatable {
        let path: JSONPath
        let title: LanguageMap?
        let uri: String
        let labels: LanguageMap
        let fromCatalog: Bool
    }
}
