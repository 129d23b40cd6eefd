import CredentialJSON
import Crypto
import Foundation
import LearningModel

/// A credential template: what every credential of a batch says, with `{{column}}` placeholders that
/// take each learner's values from the recipients CSV.
///
/// Templates are JSON (see `samples/templates/`). Text members are language maps (`{"en": "…", "fr": "…"}`);
/// any string may contain placeholders naming a recipients column (`{{grade}}`, `{{project}}`) or
/// `{{fullName}}` (given name and family name).
public struct CredentialTemplate: Sendable {
    /// The kind of claim the credential makes about the learner.
    public enum ClaimKind: String, Sendable, Hashable {
        /// A learning achievement (micro-credential, course certificate), specified by a qualification.
        case achievement = "LearningAchievement"
        /// A learning activity (certificate of participation).
        case activity = "LearningActivity"
    }

    /// One learning outcome and the ESCO skill it relates to.
    public struct Outcome: Sendable, Hashable {
        public var title: LanguageMap
        /// `http://data.europa.eu/esco/skill/<uuid>`.
        public var escoSkill: String
        public var skillLabel: LanguageMap
    }

    /// The organisation that awards the credential.
    public struct AwardingBody: Sendable, Hashable {
        public var legalName: LanguageMap
        /// ISO 3166-1 alpha-3 code of the EU country authority table, e.g. `BEL`.
        public var country: String
        public var homepage: String?
        /// The eIDAS legal identifier (VC 2.0 output; EDC output takes it from the seal certificate).
        public var eIDASIdentifier: String?
    }

    /// Names the batch in the registry: re-running a template with the same id never duplicates.
    public var id: String
    public var version: String
    public var kind: ClaimKind
    /// BCP 47 tags of the credential's languages, primary first (`en`, `fr`, …).
    public var languages: [String]
    public var title: LanguageMap
    public var description: LanguageMap?
    public var eqfLevel: Int?
    /// ECTS credit points, as a decimal string.
    public var ectsCredits: String?
    /// ISO 8601 duration of the learning, e.g. `PT125H`.
    public var volumeOfLearning: String?
    public var learningOutcomes: [Outcome]
    public var awardingBody: AwardingBody
    /// Text of the learner's grade (usually `{{grade}}`); present ⇒ the claim is proven by an assessment.
    public var grade: LanguageMap?
    public var assessmentTitle: LanguageMap?
    /// A free note added to the claim (`additionalNote`), e.g. `{"en": "Capstone project: {{project}}"}`.
    public var note: LanguageMap?
    /// The identifier scheme name shown with the row id (e.g. "Certificate number").
    public var identifierScheme: String?
    /// Start and end dates (YYYY-MM-DD, placeholders allowed) of the activity or learning period.
    public var periodStart: String?
    public var periodEnd: String?
    public var displayTitle: LanguageMap
    public var displayDescription: LanguageMap?
    /// The page image shown by Europass viewers (PNG or JPEG), base64.
    public var displayImageBase64: String
    /// `PNG` or `JPEG`.
    public var displayImageType: String
    /// Days from issuing to `validUntil`; `nil` means no expiry.
    public var validForDays: Int?
    /// Every column name the placeholders use, sorted.
    public var placeholders: [String]
    /// Lowercase hex SHA-256 of the template file, recorded for provenance.
    public var digest: String

    /// The placeholder that needs no column.
    public static let derivedPlaceholders: Set<String> = ["fullName"]

    /// Reads a template file; a relative `display.image` is resolved against the template's folder.
    public static func load(path: String) throws(IssuanceError) -> CredentialTemplate {
        try loadWithSource(path: path).template
    }

    /// Reads a template file as ``load(path:)`` does, and returns the file's bytes too (for callers that store the
    /// template as it was written), so the file is read once.
    public static func loadWithSource(path: String) throws(IssuanceError) -> (template: CredentialTemplate, json: [UInt8]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IssuanceError(.invalidTemplate, "cannot read the template", location: path)
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        let source = Array(data)
        let template = try parse(source, name: path) { (image: String) throws(IssuanceError) -> [UInt8] in
            let url = image.hasPrefix("/") ? URL(fileURLWithPath: image) : folder.appendingPathComponent(image)
            guard let bytes = FileManager.default.contents(atPath: url.path) else {
                throw IssuanceError(.invalidTemplate, "cannot read the display image \(url.path)", location: "\(path): $.display.image")
            }
            return Array(bytes)
        }
        return (template, source)
    }

    /// Reads a template from JSON bytes; `readImage` returns the bytes of `display.image`.
    public static func parse(
        _ bytes: [UInt8], name: String,
        readImage: (String) throws(IssuanceError) -> [UInt8]
    ) throws(IssuanceError) -> CredentialTemplate {
        let json: JSONValue
        do { json = try JSONParser.parse(bytes, limits: .default) } catch {
            throw IssuanceError(.invalidTemplate, error.message, location: "\(name):\(error.line):\(error.column)")
        }
        let reader = TemplateReader(name: name)
        guard let root = json.objectValue else { throw reader.fail(.root, "the template must be a JSON object") }
        let rootPath = JSONPath.root
        let id = try reader.string(root, "id", rootPath)
        guard !id.isEmpty, id.utf8.count <= 128 else { throw reader.fail(rootPath.appending("id"), "must be 1–128 characters") }
        let version = try reader.optionalString(root, "version", rootPath) ?? "1"
        let kindText = try reader.optionalString(root, "claimType", rootPath) ?? ClaimKind.achievement.rawValue
        guard let kind = ClaimKind(rawValue: kindText) else {
            throw reader.fail(rootPath.appending("claimType"), "must be LearningAchievement or LearningActivity")
        }
        guard let langValues = root["languages"]?.arrayValue, !langValues.isEmpty else {
            throw reader.fail(rootPath.appending("languages"), "must be a non-empty array of language tags, primary first")
        }
        var languages: [String] = []
        for (position, language) in langValues.enumerated() {
            guard let tag = language.stringValue, LanguageCodes.authorityCode(for: tag) != nil else {
                throw reader.fail(rootPath.appending("languages").appending(position), "not a supported language tag (\(LanguageCodes.supportedTags))")
            }
            languages.append(tag)
        }
        let title = try reader.languageMap(root, "title", rootPath, languages: languages)
        let description = try reader.optionalLanguageMap(root, "description", rootPath, languages: languages)
        var eqf: Int?
        if let levelValue = root["eqfLevel"] {
            guard let level = levelValue.numberValue?.intValue, (1...8).contains(level) else {
                throw reader.fail(rootPath.appending("eqfLevel"), "must be an integer from 1 to 8")
            }
            eqf = level
        }
        var ects: String?
        if let creditsValue = root["ectsCredits"] {
            let text = creditsValue.stringValue ?? creditsValue.numberValue?.lexeme
            guard let text, let credits = Double(text), credits > 0, credits <= 600 else {
                throw reader.fail(rootPath.appending("ectsCredits"), "must be a positive number of credits (at most 600)")
            }
            ects = text
        }
        let volume = try reader.optionalString(root, "volumeOfLearning", rootPath)
        if let volume, !(volume.hasPrefix("P") && volume.count > 1) {
            throw reader.fail(rootPath.appending("volumeOfLearning"), "must be an ISO 8601 duration such as PT125H")
        }
        var outcomes: [Outcome] = []
        if let list = root["learningOutcomes"] {
            guard let items = list.arrayValue else { throw reader.fail(rootPath.appending("learningOutcomes"), "must be an array") }
            for (index, item) in items.enumerated() {
                let outcomePath = rootPath.appending("learningOutcomes").appending(index)
                guard let outcome = item.objectValue else { throw reader.fail(outcomePath, "must be an object") }
                let skill = try reader.string(outcome, "escoSkill", outcomePath)
                guard ESCOSkillURI.isValid(skill) else {
                    throw reader.fail(outcomePath.appending("escoSkill"), "must be an ESCO skill URI http://data.europa.eu/esco/skill/<uuid>")
                }
                outcomes.append(
                    Outcome(
                        title: try reader.languageMap(outcome, "title", outcomePath, languages: languages), escoSkill: skill,
                        skillLabel: try reader.languageMap(outcome, "skillLabel", outcomePath, languages: nil)))
            }
        }
        guard let bodyValue = root["awardingBody"]?.objectValue else {
            throw reader.fail(rootPath.appending("awardingBody"), "must be an object with legalName and country")
        }
        let bodyPath = rootPath.appending("awardingBody")
        let country = try reader.string(bodyValue, "country", bodyPath)
        guard Countries.isAlpha3(country) else {
            throw reader.fail(bodyPath.appending("country"), "must be an ISO 3166-1 alpha-3 country code such as BEL")
        }
        let body = AwardingBody(
            legalName: try reader.languageMap(bodyValue, "legalName", bodyPath, languages: nil), country: country,
            homepage: try reader.optionalString(bodyValue, "homepage", bodyPath),
            eIDASIdentifier: try reader.optionalString(bodyValue, "eIDASIdentifier", bodyPath))
        let grade = try reader.optionalLanguageMap(root, "grade", rootPath, languages: nil)
        let assessmentTitle = try reader.optionalLanguageMap(root, "assessmentTitle", rootPath, languages: nil)
        let note = try reader.optionalLanguageMap(root, "note", rootPath, languages: nil)
        let identifierScheme = try reader.optionalString(root, "identifierScheme", rootPath)
        var periodStart: String?, periodEnd: String?
        if let period = root["period"] {
            guard let periodObject = period.objectValue else {
                throw reader.fail(rootPath.appending("period"), "must be an object with startDate and/or endDate")
            }
            periodStart = try reader.optionalString(periodObject, "startDate", rootPath.appending("period"))
            periodEnd = try reader.optionalString(periodObject, "endDate", rootPath.appending("period"))
        }
        guard let display = root["display"]?.objectValue else {
            throw reader.fail(rootPath.appending("display"), "must be an object with title and image (Europass viewers show the image)")
        }
        let displayPath = rootPath.appending("display")
        let displayTitle = try reader.languageMap(display, "title", displayPath, languages: languages)
        let displayDescription = try reader.optionalLanguageMap(display, "description", displayPath, languages: nil)
        let imagePath = try reader.string(display, "image", displayPath)
        let image = try readImage(imagePath)
        let imageType: String
        if image.starts(with: [0x89, 0x50, 0x4E, 0x47]) {
            imageType = "PNG"
        } else if image.starts(with: [0xFF, 0xD8, 0xFF]) {
            imageType = "JPEG"
        } else {
            throw reader.fail(displayPath.appending("image"), "the image must be a PNG or JPEG file")
        }
        guard image.count <= 2 * 1024 * 1024 else {
            throw reader.fail(displayPath.appending("image"), "the image is larger than 2 MiB; every credential carries it")
        }
        var validForDays: Int?
        if let validity = root["validity"] {
            guard let days = validity["validForDays"]?.numberValue?.intValue, days > 0, days <= 36_500 else {
                throw reader.fail(rootPath.appending("validity").appending("validForDays"), "must be a number of days from 1 to 36500")
            }
            validForDays = days
        }
        let known: Set<String> = [
            "id", "version", "claimType", "languages", "title", "description", "eqfLevel", "ectsCredits",
            "volumeOfLearning", "learningOutcomes", "awardingBody", "grade", "assessmentTitle", "note",
            "identifierScheme", "period", "display", "validity", "$comment",
        ]
        for key in root.keys where !known.contains(key) {
            throw reader.fail(rootPath.appending(key), "unknown template member (known: \(known.sorted().joined(separator: ", ")))")
        }
        var placeholders = Set<String>()
        for member in root where member.key != "$comment" { Placeholders.collect(member.value, into: &placeholders) }
        let digest = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        return CredentialTemplate(
            id: id, version: version, kind: kind, languages: languages, title: title, description: description,
            eqfLevel: eqf, ectsCredits: ects, volumeOfLearning: volume, learningOutcomes: outcomes, awardingBody: body,
            grade: grade, assessmentTitle: assessmentTitle, note: note, identifierScheme: identifierScheme,
            periodStart: periodStart, periodEnd: periodEnd, displayTitle: displayTitle, displayDescription: displayDescription,
            displayImageBase64: Data(image).base64EncodedString(), displayImageType: imageType, validForDays: validForDays,
            placeholders: placeholders.subtracting(derivedPlaceholders).sorted(), digest: digest)
    }
}

/// ESCO skill URIs: `http://data.europa.eu/esco/skill/` followed by a UUID.
enum ESCOSkillURI {
    static let prefix = "http://data.europa.eu/esco/skill/"
    static func isValid(_ uri: String) -> Bool {
        guard uri.hasPrefix(prefix) else { return false }
        return UUID(uuidString: String(uri.dropFirst(prefix.count))) != nil
    }
}

/// `{{name}}` placeholders in template strings.
enum Placeholders {
    /// Adds every placeholder name in `value` (recursively) to `names`.
    static func collect(_ value: JSONValue, into names: inout Set<String>) {
        switch value {
        case .string(let text): names.formUnion(self.names(in: text))
        case .array(let elements): for element in elements { collect(element, into: &names) }
        case .object(let object): for member in object { collect(member.value, into: &names) }
        default: break
        }
    }

    static func names(in text: String) -> [String] {
        placeholders(in: text).map(\.name)
    }

    /// `text` with every placeholder replaced by `lookup(name)`; unknown names become empty.
    static func render(_ text: String, _ lookup: (String) -> String?) -> String {
        let found = placeholders(in: text)
        if found.isEmpty { return text }
        var out = ""
        var copied = text.startIndex
        for placeholder in found {
            out += text[copied..<placeholder.range.lowerBound]
            out += lookup(placeholder.name) ?? ""
            copied = placeholder.range.upperBound
        }
        return out + text[copied...]
    }

    /// Each `{{…}}` in `text`, in order: its range and its name, trimmed. A `{{` without a `}}` after it ends the
    /// search, and the text from it stays as written.
    ///
    /// ASCII text is searched on its bytes: `String.range(of:)` goes through Foundation's `NSString` search, 5 % of
    /// issuing a credential. Other text keeps that character search, because there a brace can carry a combining mark
    /// (`"{{grade}}\u{301}"`), which the character search does not take for a delimiter and a byte search would.
    private static func placeholders(in text: String) -> [(range: Range<String.Index>, name: String)] {
        var contiguous = text
        let offsets = contiguous.withUTF8 { utf8 -> [(open: Int, close: Int)]? in
            guard find(UInt8(ascii: "{"), in: utf8, from: 0) != nil else { return [] }
            for byte in utf8 where byte >= 0x80 { return nil }
            var spans: [(open: Int, close: Int)] = []
            var index = 0
            while let open = find(UInt8(ascii: "{"), in: utf8, from: index) {
                guard let close = find(UInt8(ascii: "}"), in: utf8, from: open + 2) else { break }
                spans.append((open, close + 2))
                index = close + 2
            }
            return spans
        }
        guard let offsets else { return placeholdersBySearch(in: text) }
        let utf8 = text.utf8
        return offsets.map { span in
            let open = utf8.index(utf8.startIndex, offsetBy: span.open), close = utf8.index(utf8.startIndex, offsetBy: span.close)
            return (open..<close, trimmedName(text[utf8.index(open, offsetBy: 2)..<utf8.index(close, offsetBy: -2)]))
        }
    }

    /// ``placeholders(in:)`` by character search.
    private static func placeholdersBySearch(in text: String) -> [(range: Range<String.Index>, name: String)] {
        var found: [(range: Range<String.Index>, name: String)] = []
        var rest = text[...]
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            found.append((open.lowerBound..<close.upperBound, trimmedName(rest[open.upperBound..<close.lowerBound])))
            rest = rest[close.upperBound...]
        }
        return found
    }

    private static func trimmedName(_ name: Substring) -> String {
        String(name).trimmingCharacters(in: .whitespaces)
    }

    /// The first place at or after `start` where `byte` appears twice in a row.
    private static func find(_ byte: UInt8, in utf8: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start
        while index + 1 < utf8.count {
            if utf8[index] == byte && utf8[index + 1] == byte { return index }
            index += 1
        }
        return nil
    }
}

/// Reads template members with errors naming the JSON path.
struct TemplateReader {
    let name: String

    func fail(_ path: JSONPath, _ message: String) -> IssuanceError {
        IssuanceError(.invalidTemplate, message, location: "\(name): \(path)")
    }

    func string(_ object: JSONObject, _ key: String, _ path: JSONPath) throws(IssuanceError) -> String {
        guard let text = object[key]?.stringValue else { throw fail(path.appending(key), "must be a string") }
        return text
    }

    func optionalString(_ object: JSONObject, _ key: String, _ path: JSONPath) throws(IssuanceError) -> String? {
        guard let value = object[key] else { return nil }
        guard let text = value.stringValue else { throw fail(path.appending(key), "must be a string") }
        return text
    }

    /// A language map; with `languages`, it must have a text for each of them.
    func languageMap(_ object: JSONObject, _ key: String, _ path: JSONPath, languages: [String]?) throws(IssuanceError) -> LanguageMap {
        guard let value = object[key] else { throw fail(path.appending(key), "is required (a language map such as {\"en\": \"…\"})") }
        guard let map = LanguageMap(json: value), !map.isEmpty, map.allSatisfy({ !$0.text.isEmpty }) else {
            throw fail(path.appending(key), "must be a language map of non-empty texts such as {\"en\": \"…\"}")
        }
        for entry in map where LanguageCodes.authorityCode(for: entry.language) == nil {
            throw fail(path.appending(key).appending(entry.language), "not a supported language tag")
        }
        if let languages {
            for language in languages where map[language] == nil {
                throw fail(path.appending(key), "has no \"\(language)\" text, but the template's languages include \(language)")
            }
        }
        return map
    }

    func optionalLanguageMap(_ object: JSONObject, _ key: String, _ path: JSONPath, languages: [String]?) throws(IssuanceError) -> LanguageMap? {
        guard object[key] != nil else { return nil }
        return try languageMap(object, key, path, languages: languages)
    }
}

extension CredentialTemplate {
    /// The learning outcomes whose ESCO skill is not in `catalog` (a full ESCO export), as template errors.
    public func skillsMissing(from catalog: ESCOCatalog, templateName: String) -> [IssuanceError] {
        learningOutcomes.enumerated().compactMap { index, outcome in
            catalog.skill(outcome.escoSkill) == nil
                ? IssuanceError(
                    .invalidTemplate, "\(outcome.escoSkill) is not a skill of the ESCO export (\(catalog.source))",
                    location: "\(templateName): $.learningOutcomes[\(index)].escoSkill")
                : nil
        }
    }
}
