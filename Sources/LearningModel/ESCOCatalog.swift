/// One ESCO skill or knowledge concept from an ESCO export, with its labels per language.
public struct ESCOSkill: Sendable, Hashable {
    /// The concept URI, `http://data.europa.eu/esco/skill/<uuid>`.
    public let uri: String
    /// `skill/competence` or `knowledge` (ESCO's `skillType` column).
    public var skillType: String?
    /// `transversal`, `cross-sector`, `sector-specific` or `occupation-specific`.
    public var reuseLevel: String?
    /// Preferred label per language, in the order the files were loaded.
    public var preferredLabel = LanguageMap()
    /// Alternative labels per language.
    public var altLabels: [String: [String]] = [:]
    /// `released` for current concepts.
    public var status: String?

    public init(uri: String) { self.uri = uri }

    /// The skill as an EDC `relatedESCOSkill` concept (scheme `http://data.europa.eu/esco/concept-scheme/skills`).
    public func concept(languages: [String]? = nil) -> Concept {
        var concept = Concept()
        concept.id = uri
        var scheme = ConceptScheme()
        scheme.id = ESCOCatalog.skillsScheme
        concept.inScheme = scheme
        if let languages {
            concept.prefLabel = LanguageMap(preferredLabel.entries.filter { languages.contains($0.language) })
        } else {
            concept.prefLabel = preferredLabel
        }
        return concept
    }
}

/// ESCO skills read from the official ESCO CSV download (`skills_<lang>.csv`, one file per language).
///
/// The columns used are `conceptUri`, `preferredLabel`, `altLabels` (one label per line),
/// `skillType`, `reuseLevel` and `status`; others are ignored. Loading the files of several
/// languages merges their labels.
public struct ESCOCatalog: Sendable {
    /// The ESCO skills concept scheme.
    public static let skillsScheme = "http://data.europa.eu/esco/concept-scheme/skills"

    /// What was loaded, for messages (file names).
    public private(set) var source: String = ""
    private var skills: [String: ESCOSkill] = [:]
    /// URIs in first-seen order, for listing.
    public private(set) var uris: [String] = []

    public init() {}

    /// The number of skills.
    public var count: Int { skills.count }

    /// The skill with this URI.
    public func skill(_ uri: String) -> ESCOSkill? { skills[uri] }

    /// The preferred label of a skill in the first available preferred language.
    public func label(of uri: String, preferring languages: [String] = ["en"]) -> String? {
        skills[uri]?.preferredLabel.text(preferring: languages)
    }

    /// Adds one ESCO CSV file's skills; `language` is the labels' language (e.g. `en` for `skills_en.csv`).
    public mutating func load<Bytes: Collection>(csv bytes: Bytes, language: String, source name: String) throws(CSVError)
    where Bytes.Element == UInt8 {
        let records = try CSVReader.records(bytes)
        guard let header = records.first else {
            throw CSVError(code: .missingColumn, message: "the ESCO file is empty; expected a header with conceptUri", line: 1, column: 1)
        }
        func column(_ name: String) -> Int? { header.firstIndex(of: name) }
        guard let uriColumn = column("conceptUri") else {
            throw CSVError(code: .missingColumn, message: "the header has no conceptUri column (is this an ESCO skills_<lang>.csv?)", line: 1, column: 1)
        }
        guard let labelColumn = column("preferredLabel") else {
            throw CSVError(code: .missingColumn, message: "the header has no preferredLabel column", line: 1, column: 1)
        }
        let typeColumn = column("conceptType"), altColumn = column("altLabels"), skillTypeColumn = column("skillType")
        let reuseColumn = column("reuseLevel"), statusColumn = column("status")
        func field(_ record: [String], _ index: Int?) -> String? {
            guard let index, index < record.count, !record[index].isEmpty else { return nil }
            return record[index]
        }
        skills.reserveCapacity(skills.count + records.count)
        for record in records.dropFirst() {
            guard let uri = field(record, uriColumn)?.trimmingSpaces, !uri.isEmpty else { continue }
            if let type = field(record, typeColumn), type != "KnowledgeSkillCompetence" { continue }
            var skill = skills[uri] ?? ESCOSkill(uri: uri)
            if skills[uri] == nil { uris.append(uri) }
            if let label = field(record, labelColumn) { skill.preferredLabel[language] = label }
            if let alt = field(record, altColumn) {
                skill.altLabels[language] = alt.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" })
                    .map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
            }
            if let skillType = field(record, skillTypeColumn) { skill.skillType = skillType }
            if let reuseLevel = field(record, reuseColumn) { skill.reuseLevel = reuseLevel }
            if let st = field(record, statusColumn) { skill.status = st }
            skills[uri] = skill
        }
        source = source.isEmpty ? name : source + ", " + name
    }

    /// The language of an official ESCO file name (`skills_fr.csv` → `fr`), or `nil`.
    public static func language(ofFileName name: String) -> String? {
        let base = name.split(separator: "/").last.map(String.init) ?? name
        guard base.hasSuffix(".csv"), let underscore = base.lastIndex(of: "_") else { return nil }
        let lang = base[base.index(after: underscore)..<base.index(base.endIndex, offsetBy: -4)]
        guard (2...3).contains(lang.count), lang.allSatisfy({ $0.isASCII && $0.isLetter }) else { return nil }
        return String(lang).lowercased()
    }
}

extension String {
    var trimmingSpaces: String {
        var trimmed = Substring(self)
        while let first = trimmed.first, first == " " || first == "\t" { trimmed = trimmed.dropFirst() }
        while let last = trimmed.last, last == " " || last == "\t" { trimmed = trimmed.dropLast() }
        return String(trimmed)
    }
}
