import CredentialJSON

extension Concept {
    /// A concept of a controlled list: its IRI, the list's scheme IRI and labels.
    public init(id: String, scheme: String, prefLabel: LanguageMap? = nil, notation: String? = nil) {
        self.init()
        self.id = id
        var conceptScheme = ConceptScheme()
        conceptScheme.id = scheme
        inScheme = conceptScheme
        self.prefLabel = prefLabel
        self.notation = notation
    }

    /// An ESCO skill concept (`http://data.europa.eu/esco/skill/<uuid>` in the ESCO skills scheme).
    public static func escoSkill(_ uri: String, label: LanguageMap? = nil) -> Concept {
        Concept(id: uri, scheme: ESCOCatalog.skillsScheme, prefLabel: label)
    }

    /// A language of the EU authority table, e.g. `ENG`.
    public static func language(_ code: String, label: LanguageMap? = nil) -> Concept {
        Concept(
            id: "http://publications.europa.eu/resource/authority/language/" + code,
            scheme: "http://publications.europa.eu/resource/authority/language", prefLabel: label)
    }

    /// A country of the EU authority table (ISO 3166-1 alpha-3), e.g. `IRL`.
    public static func country(_ code: String, label: LanguageMap? = nil) -> Concept {
        Concept(
            id: "http://publications.europa.eu/resource/authority/country/" + code,
            scheme: "http://publications.europa.eu/resource/authority/country", prefLabel: label)
    }

    /// An EQF level 1–8.
    public static func eqfLevel(_ level: Int) -> Concept {
        Concept(
            id: "http://data.europa.eu/snb/eqf/\(level)", scheme: "http://data.europa.eu/snb/eqf/25831c2",
            prefLabel: LanguageMap("en", "Level \(level)"))
    }

    /// The Generic credential profile.
    public static let genericProfile = Concept(
        id: "http://data.europa.eu/snb/credential/e34929035b", scheme: "http://data.europa.eu/snb/credential/25831c2",
        prefLabel: LanguageMap("en", "Generic"))

    /// The base64 content encoding.
    public static let base64Encoding = Concept(
        id: "http://data.europa.eu/snb/encoding/6146cde7dd", scheme: "http://data.europa.eu/snb/encoding/25831c2",
        prefLabel: LanguageMap("en", "base64"))

    /// A file type of the EU authority table, e.g. `PNG` or `JPEG`.
    public static func fileType(_ code: String) -> Concept {
        Concept(
            id: "http://publications.europa.eu/resource/authority/file-type/" + code,
            scheme: "http://publications.europa.eu/resource/authority/file-type", prefLabel: LanguageMap("en", code))
    }
}

/// A qualification: a learning achievement specification whose `type` is `Qualification`
/// (it may carry EQF/NQF levels and the other qualification members).
public typealias Qualification = LearningAchievementSpecification

extension LearningAchievementSpecification {
    /// Whether this specification is a `Qualification`.
    public var isQualification: Bool { type == "Qualification" }

    /// An empty qualification (`type` `Qualification`).
    public static func qualification(title: LanguageMap) -> LearningAchievementSpecification {
        var qualification = LearningAchievementSpecification()
        qualification.type = "Qualification"
        qualification.title = title
        return qualification
    }
}

extension CredentialSchema {
    /// The EDC generic-full SHACL profile as credential schema.
    public static var genericFull: CredentialSchema {
        var schema = CredentialSchema()
        schema.id = EuropeanDigitalCredential.genericFullSchema
        return schema
    }
}

extension LegalIdentifier {
    /// A legal identifier registered in a country (alpha-3 code), e.g. an eIDAS `VATBE-0123456789`.
    public init(notation: String, country: String) {
        self.init()
        self.notation = notation
        spatial = .country(country)
    }
}

extension Organisation {
    /// An organisation with its legal name and the country of its address.
    public init(legalName: LanguageMap, country: String) {
        self.init()
        self.legalName = legalName
        var address = Address()
        address.countryCode = .country(country)
        var location = Location()
        location.address = [address]
        self.location = [location]
    }
}

extension Note {
    /// A note with this text.
    public init(_ text: LanguageMap) {
        self.init()
        noteLiteral = text
    }
}

extension MediaObject {
    /// An embedded file as base64 with its file type code (e.g. `PNG`).
    public init(base64 content: String, fileType: String) {
        self.init()
        self.content = content
        contentEncoding = .base64Encoding
        contentType = .fileType(fileType)
    }
}
