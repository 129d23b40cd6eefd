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

    public let id: String?
    public let types: [String]
    public let learner: String?
    public let achievement: String?
    public let awardingBody: String?
    public let date: String?
    public let eqfLevel: Int?
    public let issuer: String?
    public let outcomes: [Outcome]

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
