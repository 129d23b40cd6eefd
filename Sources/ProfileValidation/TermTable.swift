/// The JSON terms of the `edc-ap` context (ELM 3.2 LTS) and of the VC 1.1 context that EDC uses.
///
/// Listed so the validator walks the JSON as a JSON-LD processor would: members whose term links
/// to another node are descended into; members that are no term at all are dropped by JSON-LD.
enum TermTable {
    /// Terms whose values are nodes (`@type: @id` in the context).
    static let nodeTerms: Set<String> = [
        "accreditation", "accreditingAgent", "additionalNote", "address", "admissionProcedure", "amount",
        "assessedBy", "attachment", "attachmentType", "awardedBy", "awardingBody", "awardingOpportunity", "awards",
        "bannerImage", "citizenshipCountry", "contactForm", "contactPoint", "contentEncoding", "contentType",
        "countryCode", "creator", "credentialProfiles", "credentialSchema", "credentialStatus", "credentialSubject",
        "creditPoint", "creditReceived", "dateModified", "dcType", "decision", "descriptionHtml", "directedBy",
        "displayDetail", "displayParameter", "eIDASIdentifier", "educationLevel", "educationSubject",
        "educationalSystemNote", "elmSubject", "emailAddress", "embeddedEvidence", "entitledBy", "entitlementStatus",
        "entitlesTo", "entryRequirement", "eqfLevel", "evidence", "evidenceTarget", "framework", "fullAddress",
        "gender", "generalisationOf", "grade", "gradeStatus", "gradingScheme", "grant", "groupMemberOf", "hasClaim",
        "hasCredential", "hasPart", "hasSubOrganization", "holder", "homepage", "idVerification", "identifier",
        "image", "inScheme", "individualDisplay", "influencedBy", "influences", "isPartOf", "issuer", "landingPage",
        "language", "learningAchievementSpecification", "learningActivitySpecification", "learningOpportunity",
        "learningOutcome", "learningOutcomeSummary", "learningSchedule", "learningSetting", "limitCredentialType",
        "limitEQFLevel", "limitField", "limitJurisdiction", "limitNationalOccupation", "limitOccupation",
        "limitOrganisation", "limitQualification", "location", "logo", "member", "memberOf", "mode", "nationalID",
        "noteFormat", "nqfLevel", "organisation", "phone", "placeOfBirth", "priceDetail", "primaryLanguage",
        "provenBy", "proves", "providedBy", "publisher", "qualificationCode", "refreshService", "registration",
        "relatedESCOSkill", "relatedSkill", "report", "resultCategory", "resultDistribution", "reusabilityLevel",
        "scheduleInformation", "shortenedGrading", "spatial", "spatialCode", "specialisationOf", "specifiedBy",
        "subOrganizationOf", "subject", "supplementaryDocument", "targetGroup", "taxIdentifier", "temporal",
        "termsOfUse", "thematicArea", "unit", "used", "vatIdentifier", "verificationCheck", "verificationStatus",
    ]

    /// Terms whose values are literals or language maps.
    static let literalTerms: Set<String> = [
        "altLabel", "applicationDeadline", "areaDialingCode", "awardingDate", "birthName", "category", "contactHour",
        "content", "contentSize", "contentURL", "count", "countryDialing", "dateCreated", "dateIssued", "dateOfBirth",
        "definition", "description", "dialNumber", "duration", "endDate", "evidenceStatement", "expirationDate",
        "expiryDate", "familyName", "fullName", "geographicName", "givenName", "isPartialQualification",
        "issuanceDate", "issued", "label", "latitude", "legalName", "levelOfCompletion", "longitude",
        "maximumDuration", "maximumScore", "minimumScore", "notation", "noteLiteral", "page", "patronymicName",
        "percentageEqual", "percentageHigher", "percentageLower", "phoneNumber", "point", "prefLabel", "proof",
        "reviewDate", "schemeAgency", "schemeId", "schemeName", "schemeVersion", "score", "startDate", "status",
        "summaryDisplay", "title", "valid", "validFrom", "validUntil", "value", "volumeOfLearning", "workload",
    ]

    /// How each term of ``nodeTerms`` and ``literalTerms`` links: one lookup per JSON member in the walk.
    enum Kind { case node, literal }

    /// Every term, node or literal.
    static let kinds: [String: Kind] = {
        var kinds: [String: Kind] = [:]
        for term in literalTerms { kinds[term] = .literal }
        for term in nodeTerms { kinds[term] = .node }  // a term in both is walked into, as before

        return kinds
    }()

    /// Terms whose values are language maps (`@container: @language`).
    static let languageTerms: Set<String> = [
        "altLabel", "birthName", "category", "definition", "description", "familyName", "fullName", "geographicName",
        "givenName", "legalName", "noteLiteral", "patronymicName", "prefLabel", "schemeAgency", "title",
    ]
}
