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
    public static func alpha3(fromAlpha2 code: String) -> String? { alpha2To3[code.uppercased()] }

    // The countries an EU e-seal certificate realistically names; extend when a user needs another.
    static let alpha2To3: [String: String] = [
        "AT": "AUT", "BE": "BEL", "BG": "BGR", "HR": "HRV", "CY": "CYP", "CZ": "CZE", "DK": "DNK", "EE": "EST",
        "FI": "FIN", "FR": "FRA", "DE": "DEU", "GR": "GRC", "EL": "GRC", "HU": "HUN", "IE": "IRL", "IT": "ITA",
        "LV": "LVA", "LT": "LTU", "LU": "LUX", "MT": "MLT", "NL": "NLD", "PL": "POL", "PT": "PRT", "RO": "ROU",
        "SK": "SVK", "SI": "SVN", "ES": "ESP", "SE": "SWE", "IS": "ISL", "LI": "LIE", "NO": "NOR", "CH": "CHE",
        "GB": "GBR", "UK": "GBR", "AL": "ALB", "BA": "BIH", "ME": "MNE", "MK": "MKD", "RS": "SRB", "TR": "TUR",
        "UA": "UKR", "MD": "MDA", "GE": "GEO", "XK": "XKX", "US": "USA", "CA": "CAN", "AU": "AUS", "JP": "JPN",
    ]
}
