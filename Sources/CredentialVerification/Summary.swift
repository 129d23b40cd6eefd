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

    /// Reads the summary from credential JSON; `catalog` supplies ESCO labels.
    public init(credential c: JSONValue, catalog: ESCOCatalog? = nil) {
        id = c["id"]?.stringValue
        types = c["type"]?.asArray.compactMap(\.stringValue) ?? []
        let subject = c["credentialSubject"]?.asArray.first
        if let s = subject {
            let given = CredentialText.text(s["givenName"]), family = CredentialText.text(s["familyName"])
            learner = CredentialText.text(s["fullName"])
                ?? ((given != nil || family != nil) ? [given, family].compactMap { $0 }.joined(separator: " ") : nil)
                ?? CredentialText.text(s["name"]) ?? s["id"]?.stringValue
        } else {
            learner = nil
        }
        let claim = subject?["hasClaim"]?.asArray.first
        let achievementNode = subject?["achievement"]?.asArray.first
        achievement = CredentialText.text(claim?["title"]) ?? CredentialText.text(achievementNode?["name"])
            ?? CredentialText.text(claim?["specifiedBy"]?.asArray.first?["title"]) ?? CredentialText.text(c["name"])
        let awardedBy = claim?["awardedBy"]?.asArray.first
        let body = awardedBy?["awardingBody"]?.asArray.first
        let issuerNode = c["issuer"]
        issuer = CredentialText.issuerID(c)
        awardingBody = CredentialText.text(body?["legalName"]) ?? CredentialText.text(body?["name"])
            ?? CredentialText.text(issuerNode?["legalName"]) ?? CredentialText.text(issuerNode?["name"]) ?? issuer
        date = awardedBy?["awardingDate"]?.stringValue ?? c["validFrom"]?.stringValue ?? c["issuanceDate"]?.stringValue
        eqfLevel = CredentialText.eqfLevels(c).first
        var outcomes = OutcomeSkill.all(in: c, catalog: catalog).map {
            Outcome(title: $0.outcomeTitle?.text(), skillURI: $0.skillURI, skillLabel: $0.labels.text())
        }
        // VC 2.0 / Open Badges 3: achievement alignments to ESCO.
        for a in achievementNode?["alignment"]?.asArray ?? [] {
            guard let url = a["targetUrl"]?.stringValue else { continue }
            let label = catalog?.label(of: url) ?? CredentialText.text(a["targetName"])
            outcomes.append(Outcome(title: CredentialText.text(a["targetDescription"]) ?? CredentialText.text(a["targetName"]), skillURI: url, skillLabel: label))
        }
        self.outcomes = outcomes
    }

    /// The summary as JSON (the `credential` member of the JSON report).
    public var jsonValue: JSONValue {
        var o = JSONObject()
        func put(_ k: String, _ v: String?) { if let v { o[k] = .string(v) } }
        put("id", id)
        o["type"] = .array(types.map { .string($0) })
        put("learner", learner)
        put("achievement", achievement)
        put("awardingBody", awardingBody)
        put("issuer", issuer)
        put("date", date)
        if let eqfLevel { o["eqfLevel"] = .number(JSONNumber(eqfLevel)) }
        o["learningOutcomes"] = .array(outcomes.map { out in
            var e = JSONObject()
            if let t = out.title { e["title"] = .string(t) }
            if let u = out.skillURI { e["escoSkill"] = .string(u) }
            if let l = out.skillLabel { e["skillLabel"] = .string(l) }
            return .object(e)
        })
        return .object(o)
    }
}
