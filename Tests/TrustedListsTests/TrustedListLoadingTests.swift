import Foundation
import JAdES
import TestSupport
import Testing
import X509

@testable import TrustedLists

/// The test lists (a LOTL and BE, NL lists signed by xmlsec1), made once for the suite.
enum Lists {
    static let fixture: Result<TrustedListFixture, any Error> = Result { try TrustedListFixture.make() }

    static func make() throws -> TrustedListFixture { try fixture.get() }

    static func certificates(_ url: URL) throws -> [Certificate] { try JAdESPEM.certificates(contentsOf: url) }

    /// Loads `folder` (under the fixture) with the pinned LOTL signer.
    static func load(_ folder: URL, limits: TrustedListLimits = TrustedListLimits()) throws -> TrustedListSet {
        let fixture = try make()
        return try TrustedListSet.load(directory: folder, lotlSigners: try certificates(fixture.lotlSigner), limits: limits)
    }
}

@Suite("Trusted lists: loading and list signatures")
struct TrustedListLoadingTests {
    @Test("The LOTL verifies against the pinned signer and both national lists against the certificates its pointers announce")
    func goodSetLoads() throws {
        let fixture = try Lists.make()
        let set = try Lists.load(fixture.lists)
        #expect(set.listOfLists.territory == "EU")
        #expect(set.listOfLists.sequenceNumber == 300)
        #expect(set.lists.map(\.list.territory) == ["BE", "NL"])
        #expect(set.ignored.isEmpty, "\(set.ignored)")
        let be = try #require(set.lists.first { $0.list.territory == "BE" })
        #expect(be.list.sequenceNumber == 12)
        #expect(be.signer == (try Lists.certificates(fixture.url("pki/be-signer.pem"))).first)
        let service = try #require(be.list.services.first)
        #expect(service.name == "Test BE Qualified CA for e-seals")
        #expect(service.providerName == "Test QTSP BE")
        #expect(service.type == ServiceTypeURI.caQC)
        #expect(service.identity.certificates == (try Lists.certificates(fixture.beCA)))
        let period = try #require(service.history.first)
        #expect(period.isGranted)
        #expect(period.additionalInformation == [AdditionalServiceInformationURI.forESeals])
        #expect(period.qualifications.first?.qualifiers == [QualifierURI.forESeal, QualifierURI.qscdStatusAsInCert])
        #expect(period.qualifications.first?.criteria.assert == "atLeastOne")
        #expect(period.qualifications.first?.criteria.policySets == [["0.4.0.194112.1.3"]])
    }

    @Test("The withdrawn NL service keeps its history: granted in 2016, withdrawn ten days ago")
    func statusHistory() throws {
        let fixture = try Lists.make()
        let set = try Lists.load(fixture.lists)
        let service = try #require(set.lists.first { $0.list.territory == "NL" }?.list.services.first)
        #expect(service.history.count == 2)
        #expect(service.period(at: fixture.now)?.statusName == "withdrawn")
        #expect(service.period(at: fixture.withdrawal.addingTimeInterval(-1))?.statusName == "granted")
        #expect(service.period(at: fixture.withdrawal.addingTimeInterval(-1))?.qualifications.first?.qualifiers.contains(QualifierURI.withQSCD) == true)
        #expect(service.period(at: XSDDate.make("2016-06-30T23:59:59Z")) == nil)
    }

    @Test("A national list changed after signing is ignored, with the reason; the other list still loads")
    func tamperedListIgnored() throws {
        let fixture = try Lists.make()
        try fixture.writeLists(into: "tampered-nl", variants: ["NL": .tampered])
        let set = try Lists.load(fixture.url("tampered-nl"))
        #expect(set.lists.map(\.list.territory) == ["BE"])
        let ignored = try #require(set.ignored.first { $0.source == "NL.xml" })
        #expect(ignored.reason.contains("signature does not verify"), "\(ignored.reason)")
        #expect(ignored.reason.contains("changed after it was signed"), "\(ignored.reason)")
    }

    @Test("A national list signed by a key its LOTL pointer does not announce is ignored")
    func unannouncedSignerIgnored() throws {
        let fixture = try Lists.make()
        try fixture.writeLists(into: "rogue-be", variants: ["BE": .rogueSigner])
        let set = try Lists.load(fixture.url("rogue-be"))
        #expect(set.lists.map(\.list.territory) == ["NL"])
        let ignored = try #require(set.ignored.first { $0.source == "BE.xml" })
        #expect(ignored.reason.contains("which the LOTL pointer for BE does not announce"), "\(ignored.reason)")
        #expect(ignored.reason.contains("rogue-signer"), "\(ignored.reason)")
    }

    @Test("A LOTL not signed by the pinned signer loads nothing: no list is trusted because it is in the folder")
    func unpinnedLOTLRefused() throws {
        let fixture = try Lists.make()
        try fixture.writeLists(into: "rogue-lotl", variants: ["EU": .rogueSigner])
        #expect {
            _ = try Lists.load(fixture.url("rogue-lotl"))
        } throws: { error in
            let message = (error as? TrustedListSet.LoadError)?.message ?? ""
            return message.contains("no list of trusted lists verified against the pinned LOTL signer") && message.contains("not a pinned LOTL signer")
        }
        // Pinning the national signer instead does not help: the LOTL must verify against the pinned certificate itself.
        #expect(throws: TrustedListSet.LoadError.self) {
            _ = try TrustedListSet.load(directory: fixture.lists, lotlSigners: try Lists.certificates(fixture.url("pki/be-signer.pem")))
        }
        #expect(throws: TrustedListSet.LoadError.self) { _ = try TrustedListSet.load(directory: fixture.lists, lotlSigners: []) }
    }

    @Test("A tampered LOTL is refused with the reason")
    func tamperedLOTLRefused() throws {
        let fixture = try Lists.make()
        try fixture.writeLists(into: "tampered-lotl", variants: ["EU": .tampered])
        #expect {
            _ = try Lists.load(fixture.url("tampered-lotl"))
        } throws: { error in
            "\(error)".contains("changed after it was signed")
        }
    }

    @Test("xmlsec1 and the library agree on every list, good and tampered")
    func xmlsec1CrossCheck() throws {
        let fixture = try Lists.make()
        try fixture.writeLists(into: "cross-tampered", variants: ["EU": .tampered, "BE": .tampered, "NL": .tampered])
        let signers = ["eu-lotl.xml": "lotl-signer", "BE.xml": "be-signer", "NL.xml": "nl-signer"]
        for (file, signer) in signers {
            let signerURL = fixture.url("pki/\(signer).pem")
            let certificates = try Lists.certificates(signerURL)
            for (folder, expected) in [("lists", true), ("cross-tampered", false)] {
                let path = fixture.url("\(folder)/\(file)")
                let xml = try ListXML(bytes: Array(try Data(contentsOf: path)), limits: TrustedListLimits())
                let ours = ListSignatureVerifier.verify(xml, candidates: certificates).isVerified
                let theirs = try fixture.xmlsec1Verifies(path, signer: signerURL)
                #expect(ours == expected, "\(folder)/\(file): skillcred says \(ours)")
                #expect(theirs == expected, "\(folder)/\(file): xmlsec1 says \(theirs)")
            }
        }
    }
}

enum XSDDate {
    static func make(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        return formatter.date(from: text)!
    }
}
