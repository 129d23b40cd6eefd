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
        case .array(let a):
            for (i, e) in a.enumerated() { collect(e, at: path.appending(i), catalog: catalog, into: &result) }
        case .object(let o):
            if o["type"]?.asArray.contains("LearningOutcome") == true, let skills = o["relatedESCOSkill"] {
                let title = o["title"].flatMap(LanguageMap.init(json:))
                let skillPath = path.appending("relatedESCOSkill")
                let elements: [(JSONPath, JSONValue)] =
                    skills.isArray
                    ? skills.asArray.enumerated().map { (skillPath.appending($0), $1) } : [(skillPath, skills)]
                for (p, s) in elements {
                    guard let uri = s.stringValue ?? s["id"]?.stringValue else { continue }
                    if let known = catalog?.skill(uri) {
                        result.append(OutcomeSkill(path: p, outcomeTitle: title, skillURI: uri, labels: known.preferredLabel, labelsFromCatalog: true))
                    } else {
                        let labels = s["prefLabel"].flatMap(LanguageMap.init(json:)) ?? LanguageMap()
                        result.append(OutcomeSkill(path: p, outcomeTitle: title, skillURI: uri, labels: labels, labelsFromCatalog: false))
                    }
                }
            }
            for member in o where member.key != "@context" {
                collect(member.value, at: path.appending(member.key), catalog: catalog, into: &result)
            }
        default:
            break
        }
    }
}
