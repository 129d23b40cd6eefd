import CredentialJSON
import LearningModel
import ProfileValidation

/// A credential summarised for a person: who, what, by whom, when, at which level, with which skills.
///
/// Read generically from EDC (ELM 3) JSON and from VC 2.0 / Open Badges 3 style credentials.
public struct CredentialSummary: Sendable, Hashable {
    /// One learning outcome and the ESCO skill it links to.
    public struct Outcome: Sendable, Hashable {
        public let title: String?
        public let skillURI: String?
        public let skillLabel: String?
    }

    /// An Open Badges 3.0 `Alignment` of the achievement: a node of an educational framework it maps to.
    public struct Alignment: Sendable, Hashable {
        /// `targetName`: the node's name as the issuer states it.
        public let targetName: String?
        /// `targetUrl`: the node's URL.
        public let targetURL: String?
        /// `targetFramework`: the framework's name (e.g. ESCO, DigComp).
        public let targetFramework: String?
        /// `targetCode`: the node's code in its framework.
        public let targetCode: String?
        /// The ESCO preferred label of `targetUrl`, when the catalogue knows that URL (so a reader sees what the
        /// framework calls the skill, not only what the issuer named it).
        public let escoLabel: String?
    }

    /// The credential id.
    public let id: String?
    /// The credential types.
    public let types: [String]
    /// The learner's name (or subject id).
    public let learner: String?
    /// What was achieved (EDC claim title, VC 2.0 achievement name).
    public let achievement: String?
    /// Who awarded it (EDC awarding body, else the issuer).
    public let awardingBody: String?
    /// When (awarding date, else validFrom / issuanceDate).
    public let date: String?
    /// The first EQF level stated.
    public let eqfLevel: Int?
    /// The issuer id.
    public let issuer: String?
    /// Learning outcomes with their ESCO skills.
    public let outcomes: [Outcome]
    /// The achievement's description (Open Badges 3.0 / VC 2.0 `achievement.description`).
    public let achievementDescription: String?
    /// What earning the achievement required: `criteria.narrative`, else the criteria page's `id`.
    public let criteria: String?
    /// The achievement's `alignment` entries.
    public let alignments: [Alignment]
    /// One credential inside a CLR: its achievement and the verdict on it alone, so a reader never takes a member
    /// that failed its own checks for one the CLR vouches for.
    public struct Member: Sendable, Hashable {
        /// The member's achievement (or its name, else its source).
        public let achievement: String
        /// The member's own verdict.
        public let verdict: OverallStatus
    }

    /// For a CLR 2.0 `ClrCredential`: the credentials inside it, in their order (set by the verifier from each
    /// member's own report; empty otherwise).
    public internal(set) var members: [Member] = []

    /// The members' achievements, in order.
    public var memberAchievements: [String] { members.map(\.achievement) }

    /// Reads the summary from credential JSON; `catalog` supplies ESCO labels.
    public init(credential: JSONValue, catalog: ESCOCatalog? = nil) {
        id = credential["id"]?.stringValue
        types = credential["type"]?.asArray.compactMap(\.stringValue) ?? []
        let subject = credential["credentialSubject"]?.asArray.first
        if let subject {
            let given = CredentialText.text(subject["givenName"]), family = CredentialText.text(subject["familyName"])
            learner =
                CredentialText.text(subject["fullName"])
                ?? ((given != nil || family != nil) ? [given, family].compactMap { $0 }.joined(separator: " ") : nil)
                ?? CredentialText.text(subject["name"]) ?? subject["id"]?.stringValue
        } else {
            learner = nil
        }
        let claim = subject?["hasClaim"]?.asArray.first
        let achievementNode = subject?["achievement"]?.asArray.first
        achievement =
            CredentialText.text(claim?["title"]) ?? CredentialText.text(achievementNode?["name"])
            ?? CredentialText.text(claim?["specifiedBy"]?.asArray.first?["title"]) ?? CredentialText.text(credential["name"])
        let awardedBy = claim?["awardedBy"]?.asArray.first
        let body = awardedBy?["awardingBody"]?.asArray.first
        let issuerNode = credential["issuer"]
        issuer = CredentialText.issuerID(credential)
        awardingBody =
            CredentialText.text(body?["legalName"]) ?? CredentialText.text(body?["name"])
            ?? CredentialText.text(issuerNode?["legalName"]) ?? CredentialText.text(issuerNode?["name"]) ?? issuer
        date = awardedBy?["awardingDate"]?.stringValue ?? credential["validFrom"]?.stringValue ?? credential["issuanceDate"]?.stringValue
        eqfLevel = CredentialText.eqfLevels(credential).first
        outcomes = OutcomeSkill.all(in: credential, catalog: catalog).map {
            Outcome(title: $0.outcomeTitle?.text(), skillURI: $0.skillURI, skillLabel: $0.labels.text())
        }
        // Open Badges 3.0 / CLR 2.0: what the achievement is, what it took, and the framework nodes it maps to. An
        // alignment is not a learning outcome (its target may be any framework), so it is listed apart; a targetUrl
        // the ESCO catalogue knows gets ESCO's own label beside the issuer's targetName.
        achievementDescription = CredentialText.text(achievementNode?["description"])
        let criteriaNode = achievementNode?["criteria"]?.asArray.first
        criteria = CredentialText.text(criteriaNode?["narrative"]) ?? criteriaNode?["id"]?.stringValue ?? criteriaNode?.stringValue
        alignments = (achievementNode?["alignment"]?.asArray ?? []).compactMap { a in
            guard a.isObject else { return nil }
            let url = a["targetUrl"]?.stringValue
            return Alignment(
                targetName: CredentialText.text(a["targetName"]), targetURL: url,
                targetFramework: CredentialText.text(a["targetFramework"]), targetCode: a["targetCode"]?.stringValue,
                escoLabel: url.flatMap { catalog?.label(of: $0) })
        }
    }

    /// The summary as JSON (the `credential` member of the JSON report).
    public var jsonValue: JSONValue {
        var report = JSONObject()
        func put(_ key: String, _ value: String?) { if let value { report[key] = .string(value) } }
        put("id", id)
        report["type"] = .array(types.map { .string($0) })
        put("learner", learner)
        put("achievement", achievement)
        put("awardingBody", awardingBody)
        put("issuer", issuer)
        put("date", date)
        if let eqfLevel { report["eqfLevel"] = .number(JSONNumber(eqfLevel)) }
        report["learningOutcomes"] = .array(
            outcomes.map { out in
                var entry = JSONObject()
                if let title = out.title { entry["title"] = .string(title) }
                if let uri = out.skillURI { entry["escoSkill"] = .string(uri) }
                if let label = out.skillLabel { entry["skillLabel"] = .string(label) }
                return .object(entry)
            })
        put("achievementDescription", achievementDescription)
        put("criteria", criteria)
        if !alignments.isEmpty {
            report["alignments"] = .array(
                alignments.map { a in
                    var entry = JSONObject()
                    if let value = a.targetName { entry["targetName"] = .string(value) }
                    if let value = a.targetURL { entry["targetUrl"] = .string(value) }
                    if let value = a.targetFramework { entry["targetFramework"] = .string(value) }
                    if let value = a.targetCode { entry["targetCode"] = .string(value) }
                    if let value = a.escoLabel { entry["escoLabel"] = .string(value) }
                    return .object(entry)
                })
        }
        if !members.isEmpty {
            report["members"] = .array(members.map { ["achievement": .string($0.achievement), "verdict": .string($0.verdict.rawValue)] })
        }
        return .object(report)
    }

    /// One line for an alignment: `Digital content creation (ESCO S5.6.1) → ESCO “develop digital content” URL`.
    public static func line(for a: Alignment) -> String {
        let framework = [a.targetFramework, a.targetCode].compactMap { $0 }.joined(separator: " ")
        var text = (a.targetName ?? a.targetURL ?? "(unnamed)") + (framework.isEmpty ? "" : " (\(framework))")
        if let label = a.escoLabel { text += " → ESCO “\(label)”" }
        if let url = a.targetURL, a.targetName != nil || a.escoLabel != nil { text += " " + url }
        return text
    }
}
