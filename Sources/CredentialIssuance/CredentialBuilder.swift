import CredentialJSON
import Foundation
import LearningModel
import StatusList

/// The organisation that issues (and seals or signs) the credentials.
public struct IssuerProfile: Sendable, Hashable {
    /// The issuer's `id`: a DID for VC 2.0, the stable `urn:epass:org:` id for EDC; `nil` generates a fresh `urn:epass:org:` id per credential.
    public var id: String?
    public var legalName: LanguageMap
    /// ISO 3166-1 alpha-3, e.g. `BEL`.
    public var country: String
    /// The eIDAS legal identifier (organizationIdentifier of the seal certificate, e.g. `NTRBE-0000000000`).
    public var eIDASIdentifier: String?
    /// A short name (the seal certificate's CN, as EDCI writes it into `altLabel`).
    public var altLabel: String?

    public init(id: String? = nil, legalName: LanguageMap, country: String, eIDASIdentifier: String? = nil, altLabel: String? = nil) {
        self.id = id
        self.legalName = legalName
        self.country = country
        self.eIDASIdentifier = eIDASIdentifier
        self.altLabel = altLabel
    }
}

/// Output formats of `skillcred issue`.
public enum IssueFormat: String, Sendable, Hashable, CaseIterable {
    /// Europass EDC: VC 1.1 + `edc-ap` context, JAdES baseline-B e-seal (JWS JSON, unencoded payload).
    case edcJAdES = "edc-jades"
    /// VC 2.0 with the ELM terms from skillcred's `elm-vc2` context, secured with a Data Integrity proof.
    case vc2
}

/// Builds one learner's credential from a template and a recipients row.
public struct CredentialBuilder: Sendable {
    /// skillcred's context for ELM terms in VC 2.0 credentials (`contexts/elm-vc2-v1.jsonld`).
    public static let elmVC2Context = "https://skillcred.example/contexts/elm-vc2/v1"
    public static let vc2Context = "https://www.w3.org/ns/credentials/v2"

    public let template: CredentialTemplate

    public init(template: CredentialTemplate) {
        self.template = template
    }

    /// A template text with the row's placeholders filled in (what every format of the row shows).
    public func rendered(_ text: String, for row: RecipientRow) -> String { Placeholders.render(text, row.value) }

    /// A template language map with the row's placeholders filled in.
    public func rendered(_ map: LanguageMap, for row: RecipientRow) -> LanguageMap {
        LanguageMap(map.entries.map { ($0.language, Placeholders.render($0.text, row.value)) })
    }

    /// The credential in the ELM model (EDC shape, no status, not secured).
    ///
    /// - Parameters:
    ///   - credentialID: the registry's id for the row (`urn:credential:<uuid>`); it also seeds every node id,
    ///     so the same row gives the same document.
    ///   - issued: the issuing time (`issued`, `issuanceDate`, `validFrom`).
    public func model(row: RecipientRow, credentialID: String, issuer: IssuerProfile, issued: Date) -> EuropeanDigitalCredential {
        let template = template
        func text(_ map: LanguageMap) -> LanguageMap {
            LanguageMap(map.entries.map { ($0.language, Placeholders.render($0.text, row.value)) })
        }
        let primary = template.languages[0]
        var credential = EuropeanDigitalCredential()
        credential.id = credentialID
        credential.credentialProfiles = [.genericProfile]
        credential.credentialSchema = [.genericFull]

        var display = DisplayParameter()
        display.title = text(template.displayTitle)
        display.description = template.displayDescription.map(text)
        display.primaryLanguage = .language(LanguageCodes.authorityCode(for: primary)!)
        display.language = template.languages.map { .language(LanguageCodes.authorityCode(for: $0)!) }
        display.individualDisplay = template.languages.map { lang in
            var detail = DisplayDetail()
            detail.page = 1
            detail.image = MediaObject(base64: template.displayImageBase64, fileType: template.displayImageType)
            var individual = IndividualDisplay()
            individual.language = .language(LanguageCodes.authorityCode(for: lang)!)
            individual.displayDetail = [detail]
            return individual
        }
        credential.displayParameter = display

        if let scheme = template.identifierScheme {
            var identifier = Identifier()
            identifier.schemeName = scheme
            identifier.notation = row.id
            credential.identifier = [identifier]
        }

        var person = Person()
        let given = row.values["givenName"] ?? "", family = row.values["familyName"] ?? ""
        person.givenName = LanguageMap(primary, given)
        person.familyName = LanguageMap(primary, family)
        person.fullName = LanguageMap(primary, row.value("fullName") ?? "")
        if let dob = row.values["dateOfBirth"], !dob.isEmpty { person.dateOfBirth = DateText.midnight(dob) }
        if let email = row.values["email"], !email.isEmpty {
            var mailbox = Mailbox()
            mailbox.id = "mailto:" + email
            var contact = ContactPoint()
            contact.emailAddress = [mailbox]
            person.contactPoint = [contact]
        }

        var body = Organisation(legalName: template.awardingBody.legalName, country: template.awardingBody.country)
        if let homepage = template.awardingBody.homepage {
            var page = WebResource()
            page.contentURL = homepage
            body.homepage = [page]
        }
        if let eidas = template.awardingBody.eIDASIdentifier {
            body.eIDASIdentifier = LegalIdentifier(notation: eidas, country: template.awardingBody.country)
        }
        var awarding = AwardingProcess()
        awarding.awardingBody = [body]
        if let date = row.values["date"], !date.isEmpty { awarding.awardingDate = DateText.midnight(date) }

        var period: PeriodOfTime?
        if template.periodStart != nil || template.periodEnd != nil {
            var periodOfTime = PeriodOfTime()
            periodOfTime.startDate = template.periodStart.map { DateText.midnight(Placeholders.render($0, row.value)) }
            periodOfTime.endDate = template.periodEnd.map { DateText.midnight(Placeholders.render($0, row.value)) }
            period = periodOfTime
        }
        let languageConcepts: [Concept] = template.languages.map { .language(LanguageCodes.authorityCode(for: $0)!) }

        switch template.kind {
        case .achievement:
            var spec = LearningAchievementSpecification()
            if template.eqfLevel != nil { spec.type = "Qualification" }
            spec.title = text(template.title)
            spec.description = template.description.map(text)
            spec.eqfLevel = template.eqfLevel.map { .eqfLevel($0) }
            if let ects = template.ectsCredits {
                var credit = CreditPoint()
                credit.framework = Concept(
                    id: "http://data.europa.eu/snb/education-credit/6fcec5c5af",
                    scheme: "http://data.europa.eu/snb/education-credit/25831c2",
                    prefLabel: LanguageMap("en", "European Credit Transfer System"))
                credit.point = ects
                spec.creditPoint = [credit]
            }
            spec.volumeOfLearning = template.volumeOfLearning
            spec.language = languageConcepts
            spec.learningOutcome = template.learningOutcomes.map { o in
                var outcome = LearningOutcome()
                outcome.title = o.title
                outcome.relatedESCOSkill = [.escoSkill(o.escoSkill, label: o.skillLabel)]
                return outcome
            }
            var achievement = LearningAchievement()
            achievement.title = text(template.title)
            achievement.description = template.description.map(text)
            achievement.awardedBy = awarding
            achievement.specifiedBy = spec
            if let grade = template.grade {
                var assessment = LearningAssessment()
                assessment.title = template.assessmentTitle.map(text) ?? text(template.title)
                assessment.grade = Note(text(grade))
                assessment.awardedBy = awarding
                achievement.provenBy = [assessment]
            }
            if let period {
                var activity = LearningActivity()
                activity.title = text(template.title)
                activity.awardedBy = awarding
                activity.temporal = [period]
                achievement.influencedBy = [activity]
            }
            if let note = template.note { achievement.additionalNote = [Note(text(note))] }
            person.hasClaim = [.achievement(achievement)]
        case .activity:
            var spec = LearningActivitySpecification()
            spec.title = text(template.title)
            spec.description = template.description.map(text)
            spec.volumeOfLearning = template.volumeOfLearning
            spec.language = languageConcepts
            var activity = LearningActivity()
            activity.title = text(template.title)
            activity.description = template.description.map(text)
            activity.awardedBy = awarding
            activity.specifiedBy = spec
            if let period { activity.temporal = [period] }
            person.hasClaim = [.activity(activity)]
        }
        credential.credentialSubject = person

        var org = Organisation(legalName: issuer.legalName, country: issuer.country)
        org.id = issuer.id
        if let eidas = issuer.eIDASIdentifier { org.eIDASIdentifier = LegalIdentifier(notation: eidas, country: issuer.country) }
        if let alt = issuer.altLabel { org.altLabel = LanguageMap(primary, alt) }
        credential.issuer = org

        let time = XSDDateTime.format(issued)
        credential.issuanceDate = time
        credential.issued = time
        credential.validFrom = time
        if let days = template.validForDays {
            let until = XSDDateTime.format(issued.addingTimeInterval(Double(days) * 86_400))
            credential.validUntil = until
            credential.expirationDate = until
        }
        return credential
    }

    /// The unsecured EDC JSON (VC 1.1 + `edc-ap`) with its `credentialStatus`.
    ///
    /// The EDC shapes allow at most one `credentialStatus` (an IRI of class `CredentialStatus`), so an EDC
    /// carries one entry, typed both `CredentialStatus` and `BitstringStatusListEntry`.
    public func edcJSON(
        row: RecipientRow, credentialID: String, issuer: IssuerProfile, issued: Date,
        status: StatusListEntry?
    ) -> JSONValue {
        var credential = model(row: row, credentialID: credentialID, issuer: issuer, issued: issued)
        if let status {
            var entry = status.json.objectValue ?? JSONObject()
            entry["type"] = .array(["CredentialStatus", "BitstringStatusListEntry"])
            credential.extra["credentialStatus"] = .object(entry)
        }
        return credential.jsonValue(options: EDCEncodingOptions(idSeed: credentialID))
    }

    /// The unsecured VC 2.0 JSON: the same model under the VC 2.0 context and skillcred's ELM context.
    ///
    /// VC 1.1-only members (`issuanceDate`, `issued`, `expirationDate`) and the EDC SHACL
    /// `credentialSchema` are left out; ELM `description` language maps become VC 2.0 language value
    /// objects, because VC 2.0 protects `description`.
    public func vc2JSON(
        row: RecipientRow, credentialID: String, issuer: IssuerProfile, issued: Date,
        statuses: [StatusListEntry]
    ) -> JSONValue {
        let edc = model(row: row, credentialID: credentialID, issuer: issuer, issued: issued)
            .jsonValue(options: EDCEncodingOptions(idSeed: credentialID))
        guard let object = edc.objectValue else { return edc }
        var out = JSONObject()
        out["@context"] = .array([.string(Self.vc2Context), .string(Self.elmVC2Context)])
        let dropped: Set<String> = ["@context", "issuanceDate", "issued", "expirationDate", "credentialSchema"]
        for member in object where !dropped.contains(member.key) {
            out[member.key] = Self.vc2Descriptions(member.value)
        }
        if !statuses.isEmpty {
            out["credentialStatus"] = statuses.count == 1 ? statuses[0].json : .array(statuses.map(\.json))
        }
        return .object(out)
    }

    /// Rewrites every `description` language map as an array of `{"@value", "@language"}` objects.
    ///
    /// The objects are rebuilt from their members as they are (keys already distinct): setting each member by
    /// key searched the members written so far, 4 % of issuing a VC 2.0.
    static func vc2Descriptions(_ value: JSONValue) -> JSONValue {
        switch value {
        case .array(let elements): return .array(elements.map(vc2Descriptions))
        case .object(let object):
            var members: [JSONObject.Member] = []
            members.reserveCapacity(object.count)
            for member in object {
                if member.key == "description", let map = LanguageMap(json: member.value) {
                    let values = map.entries.map { entry -> JSONValue in
                        .object(JSONObject(uniqueMembers: [("@value", .string(entry.text)), ("@language", .string(entry.language))]))
                    }
                    members.append((member.key, .array(values)))
                } else {
                    members.append((member.key, vc2Descriptions(member.value)))
                }
            }
            return .object(JSONObject(uniqueMembers: members))
        case .string, .number, .bool, .null: return value
        }
    }
}
