import JAdES
import Testing

@Suite("eIDAS organisation identifiers: an EDC issuer's notation against a seal certificate")
struct OrganizationIdentifierTests {
    struct Case: Sendable, CustomStringConvertible {
        let certificate: String
        let notation: String
        let spatial: String?
        let matches: Bool
        var description: String { "\(notation) [\(spatial ?? "-")] vs \(certificate)" }
    }

    static let cases: [Case] = [
        // The EU samples: the full form, with spatial agreeing.
        Case(certificate: "VATES-A00000000", notation: "VATES-A00000000", spatial: "ESP", matches: true),
        Case(certificate: "VATES-A00000000", notation: "VATES-A00000000", spatial: nil, matches: true),
        // mynextid: the bare registration number, the country in spatial (alpha-3 ↔ alpha-2).
        Case(certificate: "NTREE-17207834", notation: "17207834", spatial: "EST", matches: true),
        Case(certificate: "NTREE-17207834", notation: "17207834", spatial: nil, matches: false),
        Case(certificate: "NTREE-17207834", notation: "17207834", spatial: "LVA", matches: false),
        // Another type, another country, another number, a suffix, a prefix: never.
        Case(certificate: "NTREE-17207834", notation: "VATEE-17207834", spatial: "EST", matches: false),
        Case(certificate: "VATBE-0123456789", notation: "VATFR-0123456789", spatial: nil, matches: false),
        Case(certificate: "VATBE-0123456789", notation: "VATBE-0123456780", spatial: "BEL", matches: false),
        Case(certificate: "VATBE-0123456789", notation: "23456789", spatial: "BEL", matches: false),
        Case(certificate: "VATBE-0123456789", notation: "VATBE-0123456789X", spatial: "BEL", matches: false),
        Case(certificate: "VATBE-0123456789", notation: "vatbe-0123456789", spatial: "BEL", matches: false),
        Case(certificate: "VATBE-0123456789", notation: " VATBE-0123456789", spatial: "BEL", matches: false),
        // Full form whose spatial contradicts it.
        Case(certificate: "VATBE-0123456789", notation: "VATBE-0123456789", spatial: "NLD", matches: false),
        // Greece writes EL in VAT numbers, GR in ISO 3166.
        Case(certificate: "VATEL-123456789", notation: "123456789", spatial: "GRC", matches: true),
        Case(certificate: "VATEL-123456789", notation: "VATGR-123456789", spatial: "GRC", matches: true),
        // National schemes (two letters and ":" name the scheme, then the country).
        Case(certificate: "AB:ES-B12345678", notation: "AB:ES-B12345678", spatial: "ESP", matches: true),
        Case(certificate: "AB:ES-B12345678", notation: "AC:ES-B12345678", spatial: "ESP", matches: false),
        Case(certificate: "AB:ES-B12345678", notation: "B12345678", spatial: "ESP", matches: true),
    ]

    @Test("Type, country and reference are compared; the bare reference needs the country in spatial", arguments: cases)
    func notationMatches(c: Case) throws {
        let certificate = try #require(EIDASOrganizationIdentifier(c.certificate))
        #expect(certificate.matches(notation: c.notation, spatialAlpha3: c.spatial) == c.matches)
    }

    @Test("Text that is not in the ETSI EN 319 412-1 form does not parse")
    func malformedIdentifiers() {
        for text in ["", "VAT", "VATBE-", "VATBE0123", "vatbe-0123", "VAT BE-0123", "VATB-0123", "VATBE-01 23", "17207834"] {
            #expect(EIDASOrganizationIdentifier(text) == nil, "\(text)")
        }
        #expect(EIDASOrganizationIdentifier("LEIXG-5493001KJTIIGC8Y1R12")?.type == "LEI")
    }

    @Test("The derived issuer id is stable per identifier and differs between identifiers")
    func stableIssuerID() {
        let a = EIDASOrganizationIdentifier.stableIssuerID(organizationIdentifier: "NTRBE-0000000000")
        #expect(a == EIDASOrganizationIdentifier.stableIssuerID(organizationIdentifier: "NTRBE-0000000000"))
        #expect(a != EIDASOrganizationIdentifier.stableIssuerID(organizationIdentifier: "NTRBE-0000000001"))
        #expect(a.hasPrefix("urn:epass:org:"))
    }
}
