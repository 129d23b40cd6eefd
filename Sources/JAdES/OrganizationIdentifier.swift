import Crypto

/// An eIDAS organisation identifier as e-seal certificates carry it in `organizationIdentifier` (2.5.4.97),
/// ETSI EN 319 412-1 §5.1.4: the type of identity (`VAT`, `NTR`, `PSD`, `LEI`, or a two-letter national scheme
/// followed by `:`), the ISO 3166-1 alpha-2 country of the register, a hyphen, and the reference in that register:
/// `VATBE-0123456789`, `NTREE-17207834`, `LEIXG-…`.
///
/// EDC issuers write the same identity in `eIDASIdentifier.notation`, either in this form (the EU's samples) or as
/// the bare reference with the country in `spatial` (an EU authority-table alpha-3 code). ``matches(notation:spatialAlpha3:)``
/// compares the two by these semantics and nothing looser: no legal names, no suffix matches.
public struct EIDASOrganizationIdentifier: Sendable, Hashable, CustomStringConvertible {
    /// The type of identity: `VAT`, `NTR`, `PSD`, `LEI`, or a national scheme like `ES:` (letters uppercase).
    public let type: String
    /// The register's country, ISO 3166-1 alpha-2 uppercase (`EL` for Greece, as VAT numbers write it).
    public let country: String
    /// The reference within that register, as written.
    public let reference: String

    /// Parses the ETSI EN 319 412-1 form; `nil` when `text` does not have it.
    public init?(_ text: String) {
        let chars = Array(text)
        func isUpper(_ character: Character) -> Bool { character.isASCII && character.isUppercase && character.isLetter }
        let typeLength: Int
        if chars.count > 3, chars[0...2].allSatisfy(isUpper) {
            typeLength = 3
        } else if chars.count > 3, chars[0...1].allSatisfy(isUpper), chars[2] == ":" {
            typeLength = 3
        } else {
            return nil
        }
        guard chars.count > typeLength + 3, isUpper(chars[typeLength]), isUpper(chars[typeLength + 1]),
            chars[typeLength + 2] == "-"
        else { return nil }
        let reference = String(chars[(typeLength + 3)...])
        guard !reference.isEmpty, !reference.contains(where: { $0.isWhitespace }) else { return nil }
        type = String(chars[0..<typeLength])
        country = String(chars[typeLength...(typeLength + 1)])
        self.reference = reference
    }

    public var description: String { type + country + "-" + reference }

    /// Whether an EDC issuer's `eIDASIdentifier` names this organisation.
    ///
    /// - Parameters:
    ///   - notation: `eIDASIdentifier.notation`: the full form (type, country and reference must all be equal) or the
    ///     bare reference (it must equal ``reference``, and `spatialAlpha3` must name ``country``).
    ///   - spatialAlpha3: the alpha-3 code of `eIDASIdentifier.spatial`, when the credential states one; when it does,
    ///     it must agree with the certificate's country in either form.
    public func matches(notation: String, spatialAlpha3: String?) -> Bool {
        if let spatialAlpha3 {
            guard let alpha2 = ISO3166.alpha2(fromAlpha3: spatialAlpha3), ISO3166.sameCountry(alpha2, country) else { return false }
        }
        if let full = EIDASOrganizationIdentifier(notation) {
            return full.type == type && ISO3166.sameCountry(full.country, country) && full.reference == reference
        }
        // The bare reference says nothing of the country on its own: `spatial` must (checked above).
        return spatialAlpha3 != nil && notation == reference
    }

    /// The `urn:epass:org:` id skillcred gives the EDC issuer sealed with this organisation identifier: the same for
    /// every credential and status list of one organisation, and derived from the identifier alone, so a verifier can
    /// check it against the seal certificate. The UUID (version 8, RFC 9562 §5.8) is taken from a SHA-256 hash.
    public static func stableIssuerID(organizationIdentifier: String) -> String {
        var bytes = Array(SHA256.hash(data: Array("skillcred EDC issuer \(organizationIdentifier)".utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x80
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        let digits = Array(hex)
        return "urn:epass:org:"
            + [String(digits[0..<8]), String(digits[8..<12]), String(digits[12..<16]), String(digits[16..<20]), String(digits[20..<32])].joined(separator: "-")
    }
}

/// ISO 3166-1 country codes as e-seals and EDCs use them: certificates carry alpha-2 (`C=BE`, `VATBE-…`), EDCs the EU
/// authority table's alpha-3 (`BEL`).
public enum ISO3166 {
    /// The alpha-3 code for an alpha-2 code (EU/EEA, candidate countries and frequent partners).
    public static func alpha3(fromAlpha2 code: String) -> String? { alpha2To3[code.uppercased()] }

    /// The alpha-2 code for an alpha-3 code (`GRC` gives `GR`).
    public static func alpha2(fromAlpha3 code: String) -> String? { alpha3To2[code.uppercased()] }

    /// Whether two alpha-2 codes name one country (`EL` and `GR` are both Greece; `UK` and `GB` the United Kingdom).
    public static func sameCountry(_ lhs: String, _ rhs: String) -> Bool {
        let left = lhs.uppercased(), right = rhs.uppercased()
        return left == right || (alpha2To3[left] != nil && alpha2To3[left] == alpha2To3[right])
    }

    // The countries an EU e-seal certificate realistically names; extend when a user needs another.
    static let alpha2To3: [String: String] = [
        "AT": "AUT", "BE": "BEL", "BG": "BGR", "HR": "HRV", "CY": "CYP", "CZ": "CZE", "DK": "DNK", "EE": "EST",
        "FI": "FIN", "FR": "FRA", "DE": "DEU", "GR": "GRC", "EL": "GRC", "HU": "HUN", "IE": "IRL", "IT": "ITA",
        "LV": "LVA", "LT": "LTU", "LU": "LUX", "MT": "MLT", "NL": "NLD", "PL": "POL", "PT": "PRT", "RO": "ROU",
        "SK": "SVK", "SI": "SVN", "ES": "ESP", "SE": "SWE", "IS": "ISL", "LI": "LIE", "NO": "NOR", "CH": "CHE",
        "GB": "GBR", "UK": "GBR", "AL": "ALB", "BA": "BIH", "ME": "MNE", "MK": "MKD", "RS": "SRB", "TR": "TUR",
        "UA": "UKR", "MD": "MDA", "GE": "GEO", "XK": "XKX", "US": "USA", "CA": "CAN", "AU": "AUS", "JP": "JPN",
    ]

    // Inverse of the table above, with the ISO code where two alpha-2 spellings share a country.
    static let alpha3To2: [String: String] = {
        var table: [String: String] = [:]
        for (two, three) in alpha2To3 where two != "EL" && two != "UK" { table[three] = two }
        return table
    }()
}
