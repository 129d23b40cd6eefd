import CredentialIssuance
import CredentialJSON
import Foundation
import LearningModel
import SDJWT

/// The SD-JWT VC of a learning achievement: skillcred's `vct`, its claims built from a template and a learner's
/// record (the same inputs as `skillcred issue`), every claim selectively disclosable, the learning outcomes and
/// their ESCO skills as disclosable array elements. Documented in docs/openid4vci.md.
public enum LearningAchievementSDJWT {
    /// The path of the type under the issuer: `vct` is `<credential issuer>/vct/learning-achievement/v1`, where
    /// the service serves its type metadata.
    public static let vctPath = "/vct/learning-achievement/v1"

    /// The `vct` for a credential issuer identifier.
    public static func vct(issuer: String) -> String { trimmed(issuer) + vctPath }

    static func trimmed(_ identifier: String) -> String {
        var trimmed = identifier
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        return trimmed
    }

    /// The claims of one learner's credential, texts in the template's first language.
    public static func claims(template: CredentialTemplate, row: RecipientRow) -> [SDMember] {
        let builder = CredentialBuilder(template: template)
        let languages = template.languages
        func text(_ map: LanguageMap?) -> String? {
            guard let map else { return nil }
            return builder.rendered(map, for: row).text(preferring: languages).flatMap { $0.isEmpty ? nil : $0 }
        }
        func value(_ column: String) -> String? { row.values[column].flatMap { $0.isEmpty ? nil : $0 } }

        var person: [SDMember] = []
        if let claim = value("givenName") { person.append(SDMember("given_name", .string(claim))) }
        if let claim = value("familyName") { person.append(SDMember("family_name", .string(claim))) }
        if let claim = value("dateOfBirth") { person.append(SDMember("birthdate", .string(claim))) }
        if let claim = value("email") { person.append(SDMember("email", .string(claim))) }

        var achievement: [SDMember] = []
        if let claim = text(template.title) { achievement.append(SDMember("title", .string(claim))) }
        if let claim = text(template.description) { achievement.append(SDMember("description", .string(claim))) }
        if let claim = template.eqfLevel { achievement.append(SDMember("eqf_level", .value(.number(JSONNumber(claim))))) }
        if let claim = template.ectsCredits { achievement.append(SDMember("ects_credits", .string(claim))) }
        if let claim = template.volumeOfLearning { achievement.append(SDMember("volume_of_learning", .string(claim))) }
        if let claim = text(template.grade) { achievement.append(SDMember("grade", .string(claim))) }
        if let claim = text(template.assessmentTitle) { achievement.append(SDMember("assessment", .string(claim))) }
        if let claim = text(template.note) { achievement.append(SDMember("note", .string(claim))) }
        if let claim = value("date") { achievement.append(SDMember("awarded_on", .string(claim))) }
        var body: [SDMember] = []
        if let claim = text(template.awardingBody.legalName) { body.append(SDMember("name", .string(claim))) }
        body.append(SDMember("country", .string(template.awardingBody.country)))
        if let claim = template.awardingBody.homepage { body.append(SDMember("homepage", .string(claim))) }
        achievement.append(SDMember("awarding_body", .object(body)))
        // The array is always there (its length is not hidden by decoys); each outcome is its own disclosure, and
        // inside it the title and the ESCO skill are disclosed one by one.
        let outcomes: [SDElement] = template.learningOutcomes.map { outcome in
            var members: [SDMember] = []
            if let claim = text(outcome.title) { members.append(SDMember("title", .string(claim))) }
            var skill: [SDMember] = [SDMember("uri", .string(outcome.escoSkill), disclosable: false)]
            if let label = text(outcome.skillLabel) { skill.append(SDMember("label", .string(label), disclosable: false)) }
            members.append(SDMember("esco_skill", .object(skill)))
            return SDElement(.object(members))
        }
        if !outcomes.isEmpty { achievement.append(SDMember("learning_outcomes", .array(outcomes), disclosable: false)) }
        return person + [SDMember("achievement", .object(achievement))]
    }

    /// The claim paths and their English/French labels, for the issuer metadata and the type metadata.
    public static let claimDisplay: [(path: [JSONValue], en: String, fr: String)] = [
        (["given_name"], "Given name", "Prénom"),
        (["family_name"], "Family name", "Nom"),
        (["birthdate"], "Date of birth", "Date de naissance"),
        (["email"], "Email", "Courriel"),
        (["achievement", "title"], "Achievement", "Acquis"),
        (["achievement", "description"], "Description", "Description"),
        (["achievement", "eqf_level"], "EQF level", "Niveau CEC"),
        (["achievement", "ects_credits"], "ECTS credits", "Crédits ECTS"),
        (["achievement", "volume_of_learning"], "Volume of learning", "Volume d’apprentissage"),
        (["achievement", "grade"], "Grade", "Note"),
        (["achievement", "assessment"], "Assessment", "Évaluation"),
        (["achievement", "note"], "Note", "Remarque"),
        (["achievement", "awarded_on"], "Awarded on", "Décerné le"),
        (["achievement", "awarding_body", "name"], "Awarding body", "Organisme certificateur"),
        (["achievement", "learning_outcomes", .null, "title"], "Learning outcome", "Acquis d’apprentissage"),
        (["achievement", "learning_outcomes", .null, "esco_skill", "label"], "ESCO skill", "Compétence ESCO"),
    ]

    /// The `type` of the `jwt_vc_json` credential.
    public static let jwtVCTypes = ["VerifiableCredential", "LearningAchievementCredential"]

    /// The claims as plain JSON (what `jwt_vc_json` carries in `credentialSubject`: no selective disclosure).
    public static func plain(_ members: [SDMember]) -> JSONObject {
        var out = JSONObject()
        for member in members { out[member.name] = plain(member.value) }
        return out
    }

    static func plain(_ value: SDClaimValue) -> JSONValue {
        switch value {
        case .value(let value): return value
        case .object(let members): return .object(plain(members))
        case .array(let elements): return .array(elements.map { plain($0.value) })
        }
    }

    /// The `claims` array of the credential metadata (OpenID4VCI 1.0 Appendix B.2 claims description).
    public static var claimsMetadata: JSONValue { claimsMetadata(prefix: []) }

    /// The same, each path under `prefix` (`credentialSubject` for `jwt_vc_json`).
    public static func claimsMetadata(prefix: [JSONValue]) -> JSONValue {
        .array(
            claimDisplay.map { c in
                .object([
                    "path": .array(prefix + c.path),
                    "display": .array([
                        .object(["name": .string(c.en), "locale": "en"]), .object(["name": .string(c.fr), "locale": "fr"]),
                    ]),
                ])
            })
    }

    /// SD-JWT VC Type Metadata (draft-ietf-oauth-sd-jwt-vc §6) of the type, served at the `vct` URL.
    public static func typeMetadata(issuer: String) -> JSONValue {
        .object([
            "vct": .string(vct(issuer: issuer)),
            "name": "Learning achievement",
            "description":
                "A learner's achievement (micro-credential, course, participation) with its learning outcomes and their ESCO skills, issued by skillcred from the same record as its Europass EDC and VC 2.0 forms.",
            "display": .array([
                .object(["locale": "en", "name": "Learning achievement", "description": "A learning achievement with its ESCO skills"]),
                .object(["locale": "fr", "name": "Acquis d’apprentissage", "description": "Un acquis d’apprentissage et ses compétences ESCO"]),
            ]),
            "claims": .array(
                claimDisplay.map { c in
                    .object([
                        "path": .array(c.path),
                        "display": .array([
                            .object(["locale": "en", "label": .string(c.en)]), .object(["locale": "fr", "label": .string(c.fr)]),
                        ]), "sd": "always",
                    ])
                }),
        ])
    }
}
