/// The EDC generic-full profile as data: per ELM class, the rules on its properties.
///
/// Transcribed from the SHACL shapes of ELM 3.2 LTS (`EDC-generic-no-cv.ttl` for cardinalities,
/// datatypes and classes; `EDC-generic-full.ttl` for the controlled-vocabulary restrictions),
/// using the JSON term names of the `edc-ap` context. Deactivated shapes are left out.

/// What the values of a property must be.
enum ValueKind: Sendable {
    /// A language map (`rdf:langString`).
    case langString
    /// A typed literal.
    case literal(Datatype)
    /// A node of one of these classes (empty: any class).
    case node(Set<String>)
    /// A `skos:Concept` with an IRI; with a list, `inScheme` must be the list's scheme.
    case concept(ControlledList?)
}

/// XML Schema datatypes the profile uses, checked on the lexical form.
enum Datatype: String, Sendable {
    case dateTime = "xsd:dateTime"
    case duration = "xsd:duration"
    case string = "xsd:string"
    case boolean = "xsd:boolean"
    case integer = "xsd:integer"
    case positiveInteger = "xsd:positiveInteger"
    case decimal = "xsd:decimal"
    case anyURI = "xsd:anyURI"
}

/// One property constraint of a shape.
struct PropertyRule: Sendable {
    let term: String
    let min: Int
    let max: Int?
    let kind: ValueKind
    /// `sh:nodeKind sh:IRI`: the value must have an IRI (not be a blank node).
    let iri: Bool
}

private func req(_ term: String, _ kind: ValueKind, max: Int? = nil, iri: Bool = false) -> PropertyRule {
    PropertyRule(term: term, min: 1, max: max, kind: kind, iri: iri)
}

private func opt(_ term: String, _ kind: ValueKind, max: Int? = nil, iri: Bool = false) -> PropertyRule {
    PropertyRule(term: term, min: 0, max: max, kind: kind, iri: iri)
}

private let agent: ValueKind = .node(["Agent", "Person", "Organisation"])
private let organisation: ValueKind = .node(["Organisation"])
private let note: ValueKind = .node(["Note"])
private let anyConcept: ValueKind = .concept(nil)
private let legalIdentifier: ValueKind = .node(["LegalIdentifier"])
private let anyIdentifier: ValueKind = .node(["Identifier", "LegalIdentifier"])
private let awardingProcess: ValueKind = .node(["AwardingProcess"])
private let dateTime: ValueKind = .literal(.dateTime)
private let duration: ValueKind = .literal(.duration)
private let string: ValueKind = .literal(.string)
private let lang: ValueKind = .langString
private let languageConcept: ValueKind = .concept(.language)

/// The claim classes `hasClaim` accepts (`edc:ClaimNodeShape`).
let claimClasses: Set<String> = ["LearningAchievement", "LearningActivity", "LearningAssessment", "LearningEntitlement", "Claim"]

private let achievementSpecificationRules: [PropertyRule] = [
    req("title", lang),
    opt("description", lang),
    opt("thematicArea", .concept(.iscedF)),
    opt("language", languageConcept),
    opt("learningSetting", .concept(.learningSetting), max: 1),
    opt("volumeOfLearning", duration, max: 1),
    opt("maximumDuration", duration, max: 1),
    opt("learningOutcome", .node(["LearningOutcome"])),
    opt("learningOutcomeSummary", note, max: 1),
    opt("entryRequirement", note),
    opt("creditPoint", .node(["CreditPoint"])),
    opt("dcType", anyConcept),
    opt("mode", anyConcept),
    opt("identifier", anyIdentifier),
    opt("homepage", .node(["WebResource"])),
    opt("supplementaryDocument", .node(["WebResource"])),
]

private let specificationTitle = [req("title", lang)]

/// Class name → rules. Subclasses are listed on their own, as SHACL targets exact classes here.
let profileShapes: [String: [PropertyRule]] = [
    "EuropeanDigitalCredential": [
        req("credentialProfiles", .concept(.credential)),
        req("displayParameter", .node(["DisplayParameter"]), max: 1),
        req("issuer", agent, max: 1),
        req("credentialSubject", agent, max: 1),
        req("issued", dateTime, max: 1),
        opt("issuanceDate", dateTime, max: 1),
        req("validFrom", dateTime, max: 1),
        opt("validUntil", dateTime, max: 1),
        opt("expirationDate", dateTime, max: 1),
        req("credentialSchema", .node(["ShaclValidator2017"]), iri: true),
        opt("credentialStatus", .node(["CredentialStatus"]), max: 1, iri: true),
        opt("evidence", .node(["Evidence"])),
        opt("termsOfUse", .node(["TermsOfUse"])),
        opt("identifier", anyIdentifier),
    ],
    "Person": [
        req("hasClaim", .node(claimClasses)),
        opt("fullName", lang),
        opt("givenName", lang),
        opt("familyName", lang),
        opt("dateOfBirth", dateTime, max: 1),
        opt("nationalID", legalIdentifier, max: 1),
        opt("citizenshipCountry", .concept(.country)),
        opt("gender", anyConcept, max: 1),
        opt("placeOfBirth", .node(["Location"]), max: 1),
        opt("contactPoint", .node(["ContactPoint"])),
        opt("identifier", anyIdentifier),
    ],
    "LearningAchievement": [
        req("title", lang),
        req("awardedBy", awardingProcess, max: 1),
        opt("specifiedBy", .node(["LearningAchievementSpecification", "Qualification"]), max: 1),
        opt("influencedBy", .node(["LearningActivity"])),
        opt("provenBy", .node(["LearningAssessment"])),
        opt("entitlesTo", .node(["LearningEntitlement"])),
        opt("creditReceived", .node(["CreditPoint"])),
    ],
    "LearningActivity": [
        req("title", lang),
        req("awardedBy", awardingProcess, max: 1),
        opt("specifiedBy", .node(["LearningActivitySpecification"]), max: 1),
        opt("workload", duration, max: 1),
        opt("temporal", .node(["PeriodOfTime"])),
        opt("directedBy", agent),
        opt("levelOfCompletion", .literal(.positiveInteger), max: 1),
    ],
    "LearningAssessment": [
        req("title", lang),
        req("grade", note, max: 1),
        req("awardedBy", awardingProcess, max: 1),
        opt("specifiedBy", .node(["LearningAssessmentSpecification"]), max: 1),
        opt("idVerification", anyConcept, max: 1),
        opt("dateIssued", dateTime, max: 1),
        opt("assessedBy", agent),
    ],
    "LearningEntitlement": [
        req("title", lang),
        req("awardedBy", awardingProcess, max: 1),
        opt("specifiedBy", .node(["LearningEntitlementSpecification"]), max: 1),
        opt("expiryDate", dateTime, max: 1),
    ],
    "Claim": [
        req("title", lang),
        req("awardedBy", awardingProcess, max: 1),
        req("dcType", .concept(.claimType)),
    ],
    "LearningAchievementSpecification": achievementSpecificationRules,
    "Qualification": achievementSpecificationRules + [
        opt("eqfLevel", .concept(.eqf), max: 1),
        opt("nqfLevel", .concept(.nqf)),
        opt("isPartialQualification", .literal(.boolean), max: 1),
    ],
    "LearningActivitySpecification": [
        req("title", lang),
        opt("language", languageConcept),
        opt("volumeOfLearning", duration, max: 1),
        opt("dcType", anyConcept),
        opt("mode", anyConcept),
    ],
    "LearningAssessmentSpecification": [
        req("title", lang),
        opt("language", languageConcept),
        opt("gradingScheme", .node(["GradingScheme"]), max: 1),
        opt("dcType", anyConcept, max: 1),
        opt("mode", anyConcept),
    ],
    "LearningEntitlementSpecification": [
        req("title", lang),
        req("dcType", anyConcept, max: 1),
        req("entitlementStatus", .concept(.entitlementStatus), max: 1),
        opt("limitOccupation", .concept(.escoOccupations)),
        opt("limitJurisdiction", .concept(.atu)),
    ],
    "Specification": specificationTitle,
    "GradingScheme": specificationTitle,
    "Grant": specificationTitle,
    "LearningOutcome": [
        req("title", lang),
        opt("dcType", .concept(.skillType), max: 1),
        opt("reusabilityLevel", .concept(.skillReuseLevel), max: 1),
        opt("relatedESCOSkill", .concept(.escoSkills)),
        opt("relatedSkill", anyConcept),
    ],
    "AwardingProcess": [
        req("awardingBody", agent),
        opt("awardingDate", dateTime, max: 1),
        opt("location", .node(["Location"]), max: 1),
        opt("educationalSystemNote", anyConcept, max: 1),
    ],
    "AwardingOpportunity": [req("awardingBody", agent)],
    "LearningOpportunity": [req("title", lang), req("providedBy", organisation)],
    "Organisation": [
        req("legalName", lang),
        req("location", .node(["Location"])),
        opt("altLabel", lang),
        opt("eIDASIdentifier", legalIdentifier, max: 1),
        opt("registration", legalIdentifier, max: 1),
        opt("vatIdentifier", legalIdentifier),
        opt("taxIdentifier", legalIdentifier),
        opt("identifier", anyIdentifier),
        opt("logo", .node(["MediaObject"]), max: 1),
        opt("homepage", .node(["WebResource"])),
        opt("contactPoint", .node(["ContactPoint"])),
    ],
    "Group": [req("prefLabel", lang)],
    "Location": [req("address", .node(["Address"])), opt("spatialCode", anyConcept)],
    "Address": [req("countryCode", .concept(.country), max: 1), opt("fullAddress", note, max: 1)],
    "ContactPoint": [opt("emailAddress", .node(["Mailbox"])), opt("address", .node(["Address"]))],
    "LegalIdentifier": [
        req("notation", string, max: 1),
        req("spatial", .concept(.country), max: 1),
        opt("schemeName", string, max: 1),
        opt("dateIssued", dateTime, max: 1),
    ],
    "Identifier": [
        req("notation", string, max: 1),
        opt("schemeName", string, max: 1),
        opt("dateIssued", dateTime, max: 1),
    ],
    "MediaObject": [
        req("contentType", anyConcept, max: 1),
        req("contentEncoding", anyConcept, max: 1),
        req("content", string, max: 1),
        opt("contentURL", .literal(.anyURI), max: 1),
        opt("contentSize", .literal(.integer), max: 1),
    ],
    "WebResource": [req("contentURL", .literal(.anyURI), max: 1), opt("language", languageConcept, max: 1)],
    "Note": [req("noteLiteral", lang)],
    "CreditPoint": [req("framework", anyConcept, max: 1), req("point", string, max: 1)],
    "Amount": [req("unit", .concept(.currency), max: 1), req("value", .literal(.decimal), max: 1)],
    "DisplayParameter": [
        req("title", lang),
        req("language", languageConcept),
        req("primaryLanguage", languageConcept, max: 1),
        req("individualDisplay", .node(["IndividualDisplay"])),
    ],
    "IndividualDisplay": [req("language", anyConcept, max: 1), req("displayDetail", .node(["DisplayDetail"]))],
    "DisplayDetail": [req("image", .node(["MediaObject"]), max: 1), req("page", .literal(.positiveInteger), max: 1)],
    "PeriodOfTime": [opt("startDate", dateTime, max: 1), opt("endDate", dateTime, max: 1)],
    "Evidence": [req("dcType", .concept(.evidenceType), max: 1), opt("evidenceStatement", string, max: 1)],
    "Accreditation": [
        req("dcType", .concept(.accreditation), max: 1),
        req("title", lang),
        req("accreditingAgent", organisation, max: 1),
        opt("limitField", .concept(.iscedF)),
        opt("limitEQFLevel", .concept(.eqf)),
        opt("limitJurisdiction", .concept(.atu)),
    ],
    "ResultCategory": [req("label", string, max: 1), req("count", .literal(.positiveInteger), max: 1)],
    "ShortenedGrading": [
        req("percentageLower", .literal(.integer), max: 1),
        req("percentageEqual", .literal(.integer), max: 1),
        req("percentageHigher", .literal(.integer), max: 1),
    ],
    "VerificationCheck": [
        req("dcType", .concept(.verification), max: 1),
        req("verificationStatus", .concept(.verificationStatus), max: 1),
        req("elmSubject", .node(["EuropeanDigitalCredential"]), max: 1),
    ],
    "Concept": [opt("notation", string, max: 1)],
]

/// The issuer's extra shape (`edc:IssuerNodeShape`): the eIDAS legal identifier.
let issuerRules: [PropertyRule] = [req("eIDASIdentifier", legalIdentifier, max: 1)]
