import JAdES
import ProfileValidation

/// Language tags of language maps and the EU language authority codes EDC display parameters use.
enum LanguageCodes {
    static func authorityCode(for tag: String) -> String? {
        ControlledList.languageTagToAuthorityCode[tag.lowercased()]
    }

    static var supportedTags: String {
        ControlledList.languageTagToAuthorityCode.keys.sorted().joined(separator: ", ")
    }
}

/// Country codes: seal certificates carry ISO 3166-1 alpha-2 (`C=BE`); EDC wants the EU authority
/// table's alpha-3 (`BEL`).
public enum Countries {
    /// Whether `code` is an alpha-3 code of the bundled country authority table.
    public static func isAlpha3(_ code: String) -> Bool {
        ControlledList.country.contains((ControlledList.country.codeBase ?? "") + code)
    }

    /// The alpha-3 code for an alpha-2 code (EU/EEA, candidate countries and frequent partners).
    public static func alpha3(fromAlpha2 code: String) -> String? { ISO3166.alpha3(fromAlpha2: code) }
}
