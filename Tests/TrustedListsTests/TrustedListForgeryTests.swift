import Foundation
import JAdES
import TestSupport
import Testing
import X509

@testable import TrustedLists

/// A hostile party's attempts on the trusted lists: lists signed by the wrong announced key, content slipped outside
/// the signed part, weak algorithms, and services, statuses and CAs made to look qualified.
@Suite("Trusted lists: forged lists and forged qualification")
struct TrustedListForgeryTests {
    static let qualifiedESealClaims = CertificateQCClaims(compliance: true, qscd: true, types: [.eSeal])
    static let day = 86_400.0

    /// The seal certificate (leaf) and its CA from a fixture seal identity.
    func leaf(_ identity: TrustedListFixture.SealIdentity) throws -> (leaf: Certificate, ca: Certificate) {
        let chain = try JAdESPEM.certificates(fromPEM: identity.chainPEM)
        return (chain[0], chain[1])
    }

    /// Loads a set whose BE list holds `services`, in a new folder.
    func setWithBE(_ services: [String]) throws -> TrustedListSet {
        let fixture = try Lists.make()
        let folder = "custom-be-\(UUID().uuidString)"
        try fixture.writeLists(into: folder, variants: [:], beServices: services)
        let set = try Lists.load(fixture.url(folder))
        #expect(set.lists.map(\.list.territory) == ["BE", "NL"], "\(set.ignored)")
        return set
    }

    // MARK: - Forged lists

    @Test("A list claiming NL but signed by the key the LOTL announces for BE is ignored: an announcement is per territory")
    func otherTerritorysSignerIgnored() throws {
        let fixture = try Lists.make()
        try fixture.writeLists(into: "nl-by-be", variants: ["NL": .signedBy("be-signer")])
        let set = try Lists.load(fixture.url("nl-by-be"))
        #expect(set.lists.map(\.list.territory) == ["BE"])
        let ignored = try #require(set.ignored.first { $0.source == "NL.xml" })
        #expect(ignored.reason.contains("the LOTL pointer for NL does not announce"), "\(ignored.reason)")
    }

    @Test("A provider list slipped into the signature's ds:Object (outside the signed content, with a duplicate Id) grants nothing")
    func signatureWrappingGrantsNothing() throws {
        let fixture = try Lists.make()
        try fixture.writeLists(into: "wrapped-be", variants: ["BE": .wrapped])
        // The wrapped element is where the enveloped-signature transform removes it from the digest.
        #expect(try fixture.read("wrapped-be/BE.xml").contains("Wrapped rogue service"))
        let set = try Lists.load(fixture.url("wrapped-be"))
        let services = set.lists.flatMap(\.list.services)
        #expect(!services.contains { $0.name == "Wrapped rogue service" }, "\(services.map(\.name))")
        let rogue = try Lists.certificates(fixture.url("pki/rogue-signer.pem"))[0]
        #expect(set.servicesByCertificate[rogue] == nil)
        #expect(set.anchors(forSealCertificate: rogue, intermediates: [], at: fixture.now).isEmpty)
    }

    @Test("A list signed with SHA-1 is ignored, though its signature is otherwise valid")
    func sha1SignatureIgnored() throws {
        let fixture = try Lists.make()
        try fixture.writeLists(into: "sha1-be", variants: ["BE": .sha1])
        let set = try Lists.load(fixture.url("sha1-be"))
        #expect(set.lists.map(\.list.territory) == ["NL"])
        let ignored = try #require(set.ignored.first { $0.source == "BE.xml" })
        #expect(ignored.reason.contains("signature does not verify"), "\(ignored.reason)")
        #expect(ignored.reason.contains("algorithm"), "\(ignored.reason)")
        // xmlsec1 itself (its defaults allow SHA-1) verifies it: only the refusal of SHA-1 keeps it out.
        #expect(try fixture.xmlsec1Verifies(fixture.url("sha1-be/BE.xml"), signer: fixture.url("pki/be-signer.pem")))
    }

    @Test("Comments and whitespace outside the digest change nothing either side: the list verifies and reads as signed")
    func unsignedCommentsChangeNothing() throws {
        let fixture = try Lists.make()
        let folder = "commented-\(UUID().uuidString)"
        try fixture.writeLists(into: folder, variants: [:])
        let signed = try fixture.read("\(folder)/BE.xml")
        // A comment is not part of the signed (comment-free) canonical form, and libxml2 reads no comment as text.
        let commented =
            signed.replacingOccurrences(
                of: "Svcstatus/granted</tsl:ServiceStatus>", with: "Svcstatus/granted<!--/withdrawn--></tsl:ServiceStatus>") + "\n<!-- trailing -->\n"
        #expect(commented != signed + "\n<!-- trailing -->\n")
        try Data(commented.utf8).write(to: fixture.url("\(folder)/BE.xml"))
        let set = try Lists.load(fixture.url(folder))
        let service = try #require(set.lists.first { $0.list.territory == "BE" }?.list.services.first, "\(set.ignored)")
        #expect(service.history.first?.status == ServiceStatusURI.granted)
    }

    // MARK: - Forged qualification

    @Test("A forger's CA with the listed CA's subject name and key identifier issues nothing qualified and is no anchor")
    func sameNameAndKeyIdentifierIsNotTheCA() throws {
        let fixture = try Lists.make()
        let set = try Lists.load(fixture.lists)
        try fixture.forgeCA("forged-be-ca", like: "be-ca")
        let (forged, forgedCA) = try leaf(try fixture.sealIdentity(ca: "forged-be-ca", organization: "Forger", identifier: "VATBE-0000000000", qscd: true))
        let realCA = try Lists.certificates(fixture.beCA)[0]
        #expect(forgedCA.subject == realCA.subject)
        #expect(try forgedCA.extensions.subjectKeyIdentifier == realCA.extensions.subjectKeyIdentifier)
        #expect(try forged.extensions.authorityKeyIdentifier?.keyIdentifier == realCA.extensions.subjectKeyIdentifier?.keyIdentifier)
        #expect(set.services(issuing: forged).isEmpty)
        #expect(set.qualify(forged, chain: [], claims: Self.qualifiedESealClaims, at: fixture.now).level == .notQualified)
        // The listed certificate is offered as an anchor by name, but path validation with its key must then fail.
        #expect(set.anchors(forSealCertificate: forged, intermediates: [forgedCA], at: fixture.now) == [realCA])
        #expect(!realCA.publicKey.isValidSignature(forged.signature, for: forged))
    }

    @Test("A service identified only by subject name and key identifier: a name is not a key, so a forger's CA with both qualifies nothing")
    func nameOnlyServiceQualifiesNothingUnproven() throws {
        let fixture = try Lists.make()
        let realCA = try Lists.certificates(fixture.beCA)[0]
        let identifier = try #require(try realCA.extensions.subjectKeyIdentifier?.keyIdentifier)
        let identity =
            "<tsl:X509SubjectName>\(String(describing: realCA.subject))</tsl:X509SubjectName>"
            + "<tsl:X509SKI>\(Data(identifier).base64EncodedString())</tsl:X509SKI>"
        let set = try setWithBE([
            try fixture.service(
                name: "Name-only BE service", ca: "be-ca", status: "granted", since: "2016-07-01T00:00:00Z",
                extensions: TrustedListFixture.eSealExtensions(qscdQualifier: "QCWithQSCD"), identity: identity)
        ])
        try fixture.forgeCA("forged-be-ca-2", like: "be-ca")
        let (forged, forgedCA) = try leaf(try fixture.sealIdentity(ca: "forged-be-ca-2", organization: "Forger", identifier: "VATBE-0000000000", qscd: true))
        #expect(set.anchors(forSealCertificate: forged, intermediates: [forgedCA], at: fixture.now).isEmpty)
        let unproven = set.qualify(forged, chain: [], claims: Self.qualifiedESealClaims, at: fixture.now)
        #expect(unproven.level == .notQualified, "\(unproven.text)")
        // A genuine seal of the listed CA, whose chain the user's own anchor validated, is found by name and key identifier.
        let (genuine, _) = try leaf(try fixture.sealIdentity(ca: "be-ca", organization: "University", identifier: "VATBE-0123456789", qscd: true))
        let validated = set.qualify(genuine, chain: [genuine, realCA], claims: Self.qualifiedESealClaims, at: fixture.now)
        #expect(validated.level == .qualifiedESeal, "\(validated.text)")
        #expect(set.qualify(genuine, chain: [], claims: Self.qualifiedESealClaims, at: fixture.now).level == .notQualified)
    }

    @Test("Withdrawn then granted again: each period decides for its own time; a status that starts in the future is not in force")
    func statusHistoryWithGapsAndFutureStart() throws {
        let fixture = try Lists.make()
        let now = fixture.now
        let extensions = TrustedListFixture.eSealExtensions(qscdQualifier: "QCWithQSCD")
        let set = try setWithBE([
            try fixture.service(
                name: "Re-granted BE service", ca: "be-ca", status: "granted", since: TrustedListFixture.xsd(now - 5 * Self.day), extensions: extensions,
                history: [
                    ("withdrawn", TrustedListFixture.xsd(now - 20 * Self.day), ""), ("granted", "2016-07-01T00:00:00Z", extensions),
                ]),
            try fixture.service(
                name: "Future NL-CA service", ca: "nl-ca", status: "granted", since: TrustedListFixture.xsd(now + 30 * Self.day), extensions: extensions,
                history: [("withdrawn", "2020-01-01T00:00:00Z", ""), ("granted", "2016-07-01T00:00:00Z", extensions)]),
        ])
        let (be, beCA) = try leaf(try fixture.sealIdentity(ca: "be-ca", organization: "University", identifier: "VATBE-0123456789", qscd: true))
        for (offset, expected) in [(-30.0, true), (-10.0, false), (-1.0, true)] {
            let time = now + offset * Self.day
            let outcome = set.qualify(be, chain: [], claims: Self.qualifiedESealClaims, at: time)
            #expect(outcome.isQualified == expected, "at \(offset) days: \(outcome.text)")
            #expect(set.anchors(forSealCertificate: be, intermediates: [], at: time).contains(beCA) == expected, "at \(offset) days")
        }
        let (nl, _) = try leaf(try fixture.sealIdentity(ca: "nl-ca", organization: "University", identifier: "VATBE-0123456789", qscd: true))
        let future = set.qualify(nl, chain: [], claims: Self.qualifiedESealClaims, at: now)
        #expect(future.level == .notQualified && future.text.contains("withdrawn"), "\(future.text)")
        #expect(set.anchors(forSealCertificate: nl, intermediates: [], at: now).isEmpty)
    }

    @Test("A service granted only for e-signatures makes no qualified e-seal and is no e-seal anchor, whatever the certificate claims")
    func eSignatureServiceIsNotForESeals() throws {
        let fixture = try Lists.make()
        let forESignatures = """
            <tsl:Extension Critical="true"><tsl:AdditionalServiceInformation><tsl:URI xml:lang="en">\
            http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/ForeSignatures</tsl:URI></tsl:AdditionalServiceInformation></tsl:Extension>
            """
        let set = try setWithBE([
            try fixture.service(
                name: "BE CA for e-signatures", ca: "be-ca", status: "granted", since: "2016-07-01T00:00:00Z", extensions: forESignatures)
        ])
        let (esign, _) = try leaf(
            try fixture.sealIdentity(ca: "be-ca", organization: "University", identifier: "VATBE-0123456789", qscd: true, forESignatures: true))
        let claims = CertificateQCClaims(compliance: true, qscd: true, types: [.eSignature])
        let outcome = set.qualify(esign, chain: [], claims: claims, at: fixture.now)
        #expect(outcome.level == .advancedWithQualifiedCertificate, "\(outcome.text)")
        #expect(!outcome.isQualified)
        #expect(set.anchors(forSealCertificate: esign, intermediates: [], at: fixture.now).isEmpty)
        // A certificate of the same service that says "e-seal" is not believed.
        let (eseal, _) = try leaf(try fixture.sealIdentity(ca: "be-ca", organization: "University", identifier: "VATBE-0123456789", qscd: true))
        let claimed = set.qualify(eseal, chain: [], claims: Self.qualifiedESealClaims, at: fixture.now)
        #expect(claimed.level == .notQualified, "\(claimed.text)")
    }
}
