import CredentialJSON
import LearningModel

/// An ESCO skill a learning outcome of a credential links to, with its labels.
public struct OutcomeSkill: Sendable, Hashable {
    /// Where the `relatedESCOSkill` value is.
    public let path: JSONPath
    /// The outcome's title.
    public let outcomeTitle: LanguageMap?
    /// The skill's IRI (may be malformed: validation reports that).
    public let skillURI: String
    /// Labels from the ESCO export when one is given and has the skill, else the credential's `prefLabel`.
    public let labels: LanguageMap
    /// Whether the labels come from the ESCO export.
    public let labelsFromCatalog: Bool

    /// Every `relatedESCOSkill` of every learning outcome in the credential JSON, in document order.
    public static func all(in credential: JSONValue, basePath: JSONPath = .root, catalog: ESCOCatalog? = nil) -> [OutcomeSkill] {
        var result: [OutcomeSkill] = []
        collect(credential, at: basePath, catalog: catalog, into: &result)
        return result
    }

    private static func collect(_ value: JSONValue, at path: JSONPath, catalog: ESCOCatalog?, into result: inout [OutcomeSkill]) {
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
                        result.append(
                            OutcomeSkill(path: skillEntryPath, outcomeTitle: title, skillURI: uri, labels: known.preferredLabel, labelsFromCatalog: true))
                    } else {
                        let labels = skill["prefLabel"].flatMap(LanguageMap.init(json:)) ?? LanguageMap()
                        result.append(OutcomeSkill(path: skillEntryPath, outcomeTitle: title, skillURI: uri, labels: labels, labelsFromCatalog: false))
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
}
