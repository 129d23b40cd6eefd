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
        var walk = Walk(basePath: basePath, catalog: catalog)
        walk.visit(credential)
        return walk.result
    }

    /// A depth-first walk that keeps the way down as a stack of path components and makes a ``JSONPath`` only
    /// for a skill it reports: building a path for every node it passed (a copy of the components per node)
    /// was most of a verification's credential summary.
    private struct Walk {
        let basePath: JSONPath
        let catalog: ESCOCatalog?
        /// The components from `basePath` down to the value being visited.
        var trail: [JSONPath.Component] = []
        var result: [OutcomeSkill] = []

        init(basePath: JSONPath, catalog: ESCOCatalog?) {
            self.basePath = basePath
            self.catalog = catalog
            trail.reserveCapacity(16)
        }

        /// Whether a value can hold a learning outcome (scalars are not entered, so nothing is pushed for them).
        @inline(__always) static func isContainer(_ value: JSONValue) -> Bool {
            switch value {
            case .array, .object: return true
            default: return false
            }
        }

        /// `type` names `LearningOutcome`, as a string or among an array's elements (compared as JSON values).
        static func isLearningOutcome(_ object: JSONObject) -> Bool {
            switch object["type"] {
            case .string(let type)?: return type == "LearningOutcome"
            case .array(let types)?: return types.contains("LearningOutcome")
            default: return false
            }
        }

        mutating func visit(_ value: JSONValue) {
            switch value {
            case .array(let array):
                for (index, element) in array.enumerated() where Self.isContainer(element) {
                    trail.append(.index(index))
                    visit(element)
                    trail.removeLast()
                }
            case .object(let object):
                if Self.isLearningOutcome(object), let skills = object["relatedESCOSkill"] { record(object, skills) }
                for member in object.members where Self.isContainer(member.value) && member.key != "@context" {
                    trail.append(.key(member.key))
                    visit(member.value)
                    trail.removeLast()
                }
            default:
                break
            }
        }

        /// The skills of one learning outcome, each with the path of its `relatedESCOSkill` entry.
        mutating func record(_ outcome: JSONObject, _ skills: JSONValue) {
            let title = outcome["title"].flatMap(LanguageMap.init(json:))
            let skillPath = JSONPath(components: basePath.components + trail + [.key("relatedESCOSkill")])
            let elements: [(JSONPath, JSONValue)] =
                skills.isArray ? skills.asArray.enumerated().map { (skillPath.appending($0), $1) } : [(skillPath, skills)]
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
    }
}
