/// A controlled list (SKOS concept scheme) the EDC profile restricts a property to.
///
/// The data is a versioned snapshot compiled into the binary (no network). A `complete` list is
/// the whole published list, so an unknown code in it is an error, as the EDC issuer treats the
/// Europass lists; a `partial` list holds the codes skillcred knows, so an unknown code is only a warning.
public struct ControlledList: Sendable, Hashable {
    /// Whether the snapshot holds the whole published list.
    public enum Completeness: String, Sendable, Hashable {
        case complete, partial
    }

    /// Short name, e.g. `eqf`.
    public let name: String
    /// The concept scheme IRI every concept of the list has as `inScheme`.
    public let scheme: String
    /// The IRI prefix of the list's codes (`nil` when codes have no common prefix).
    public let codeBase: String?
    /// Which published version the snapshot reflects.
    public let version: String
    public let completeness: Completeness
    /// Code (the IRI after `codeBase`) → English label, in list order.
    public let codes: [(code: String, label: String?)]
    private let index: Set<String>

    public init(
        name: String, scheme: String, codeBase: String?, version: String, completeness: Completeness,
        codes: [(String, String?)]
    ) {
        self.name = name
        self.scheme = scheme
        self.codeBase = codeBase
        self.version = version
        self.completeness = completeness
        self.codes = codes.map { (code: $0.0, label: $0.1) }
        self.index = Set(codes.map { (codeBase ?? "") + $0.0 })
    }

    /// Whether the concept IRI is a code of the list.
    public func contains(_ iri: String) -> Bool { index.contains(iri) }

    /// The English label of a concept IRI.
    public func label(of iri: String) -> String? {
        let code = codeBase.map { iri.hasPrefix($0) ? String(iri.dropFirst($0.count)) : iri } ?? iri
        return codes.first(where: { $0.code == code })?.label
    }

    public static func == (lhs: ControlledList, rhs: ControlledList) -> Bool {
        lhs.scheme == rhs.scheme && lhs.version == rhs.version && lhs.index == rhs.index
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(scheme)
        hasher.combine(version)
    }
}

extension ControlledList {
    /// A list whose membership skillcred does not bundle: only the `inScheme` rule applies.
    static func schemeOnly(_ name: String, _ scheme: String) -> ControlledList {
        ControlledList(name: name, scheme: scheme, codeBase: nil, version: "scheme only", completeness: .partial, codes: [])
    }

    /// Credential profiles (`http://data.europa.eu/snb/credential/25831c2`).
    public static let credential = ControlledList(
        name: "credential", scheme: "http://data.europa.eu/snb/credential/25831c2",
        codeBase: "http://data.europa.eu/snb/credential/", version: "EDCI 2024 (ControlledListConcept, ELM 3.2 samples)",
        completeness: .partial,
        codes: [
            ("e34929035b", "Generic"), ("48b514e72a", "Learning Activity"), ("6cf8e68c43", "Qualification Award"),
            ("6dff8a0f87", "Diploma Supplement"), ("bdc47cb449", "Learning Entitlement"), ("c_7e400154", "Converted"),
            ("c_ae121a00", "Accredited"), ("c_9a31f32a", "Issued by mandate"),
        ])

    /// European Qualifications Framework levels (`http://data.europa.eu/snb/eqf/25831c2`).
    public static let eqf = ControlledList(
        name: "eqf", scheme: "http://data.europa.eu/snb/eqf/25831c2", codeBase: "http://data.europa.eu/snb/eqf/",
        version: "EQF 2017 (Council Recommendation 2017/C 189/03), levels 1–8", completeness: .complete,
        codes: (1...8).map { (String($0), "Level \($0)") })

    /// Learning settings (`http://data.europa.eu/snb/learning-setting/25831c2`).
    public static let learningSetting = ControlledList(
        name: "learning-setting", scheme: "http://data.europa.eu/snb/learning-setting/25831c2",
        codeBase: "http://data.europa.eu/snb/learning-setting/", version: "2020-06-24", completeness: .complete,
        codes: [("6fd4685715", "formal learning"), ("e207a81fc7", "non-formal learning")])

    /// Skill reuse levels (`http://data.europa.eu/snb/skill-reuse-level/25831c2`), ESCO's four levels.
    public static let skillReuseLevel = ControlledList(
        name: "skill-reuse-level", scheme: "http://data.europa.eu/snb/skill-reuse-level/25831c2",
        codeBase: "http://data.europa.eu/snb/skill-reuse-level/", version: "ESCO v1.1 reuse levels (codes by ESCO's names)",
        completeness: .partial,
        codes: [
            ("transversal", "transversal skills and competences"), ("cross-sector", "cross-sector skills and competences"),
            ("sector-specific", "sector-specific skills and competences"),
            ("occupation-specific", "occupation-specific skills and competences"),
        ])

    /// Evidence types (`http://data.europa.eu/snb/evidence-type/25831c2`).
    public static let evidenceType = ControlledList(
        name: "evidence-type", scheme: "http://data.europa.eu/snb/evidence-type/25831c2",
        codeBase: "http://data.europa.eu/snb/evidence-type/", version: "EDCI 2024", completeness: .partial,
        codes: [("c_18016257", "Mandate"), ("c_c4f849d7", "Conversion"), ("c_991b06c6", "Accreditation")])

    /// Verification checks (`http://data.europa.eu/snb/verification/25831c2`).
    public static let verification = ControlledList(
        name: "verification", scheme: "http://data.europa.eu/snb/verification/25831c2",
        codeBase: "http://data.europa.eu/snb/verification/", version: "EDCI 2024", completeness: .complete,
        codes: [
            ("2f5b89b96f", "Format"), ("f9c2016fe9", "Seal"), ("1faf8d450f", "Owner"), ("271aef9eb4", "Revocation"),
            ("e2bbc86a28", "Accreditation"), ("94d828f160", "Validity"), ("c_50990fe3", "Custom"),
        ])

    /// Verification statuses (`http://data.europa.eu/snb/verification-status/25831c2`).
    public static let verificationStatus = ControlledList(
        name: "verification-status", scheme: "http://data.europa.eu/snb/verification-status/25831c2",
        codeBase: "http://data.europa.eu/snb/verification-status/", version: "EDCI 2024", completeness: .complete,
        codes: [("9895008394", "OK"), ("9d26eb9a37", "Error"), ("641f0c5e5d", "Skipped")])

    /// ESCO skills (`http://data.europa.eu/esco/concept-scheme/skills`); membership comes from an ESCO export.
    public static let escoSkills = schemeOnly("esco-skills", "http://data.europa.eu/esco/concept-scheme/skills")
    public static let escoOccupations = schemeOnly("esco-occupations", "http://data.europa.eu/esco/concept-scheme/occupations")
    public static let nqf = schemeOnly("qdr", "http://data.europa.eu/snb/qdr/25831c2")
    public static let claimType = schemeOnly("claim-type", "http://data.europa.eu/snb/claim-type/25831c2")
    public static let skillType = schemeOnly("skill-type", "http://data.europa.eu/snb/skill-type/25831c2")
    public static let entitlementStatus = schemeOnly("entitlement-status", "http://data.europa.eu/snb/entitlement-status/25831c2")
    public static let accreditation = schemeOnly("accreditation", "http://data.europa.eu/snb/accreditation/25831c2")
    public static let atu = schemeOnly("atu", "http://publications.europa.eu/resource/authority/atu")
    public static let currency = schemeOnly("currency", "http://publications.europa.eu/resource/authority/currency")

    /// Every list the generic-full profile restricts a property to.
    public static let all: [ControlledList] = [
        credential, eqf, nqf, iscedF, learningSetting, skillReuseLevel, skillType, claimType, evidenceType,
        entitlementStatus, accreditation, verification, verificationStatus, escoSkills, escoOccupations,
        country, language, atu, currency,
    ]
}
