import CredentialJSON
import CredentialVerification
import Crypto
import Foundation
import JAdES
import StatusList
import Testing
import X509

/// An e-seal for tests: a P-256 key and a certificate naming an organisation (C, O, organizationIdentifier, CN),
/// issued by a small CA of its own so that trust-anchor rules can be exercised.
private struct TestSeal {
    let sealer: JAdESSealer
    let ca: Certificate

    init(organization: String, identifier: String) throws {
        let caKey = P256.Signing.PrivateKey()
        let key = P256.Signing.PrivateKey()
        let start = Date().addingTimeInterval(-3600)
        let caName = try DistinguishedName {
            CountryName("BE"); OrganizationName("Test CA for \(organization)"); CommonName("Test CA")
        }
        let ca = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(caKey.publicKey),
            notValidBefore: start, notValidAfter: start.addingTimeInterval(86_400 * 30),
            issuer: caName, subject: caName, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(caKey))
        let name = try DistinguishedName([
            RelativeDistinguishedName.Attribute(type: .RDNAttributeType.countryName, printableString: "BE"),
            RelativeDistinguishedName.Attribute(type: .RDNAttributeType.organizationName, utf8String: organization),
            RelativeDistinguishedName.Attribute(type: .RDNAttributeType.organizationIdentifier, utf8String: identifier),
            RelativeDistinguishedName.Attribute(type: .RDNAttributeType.commonName, utf8String: organization + " e-seal"),
        ])
        let leaf = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: start, notValidAfter: start.addingTimeInterval(86_400 * 30),
            issuer: caName, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, nonRepudiation: true))
            },
            issuerPrivateKey: .init(caKey))
        sealer = try JAdESSealer(privateKey: .p256(key), certificateChain: [leaf, ca])
        self.ca = ca
    }

    func seal(_ value: JSONValue) throws -> JSONValue {
        try sealer.seal(payload: JSONWriter.data(value))
    }
}

/// Serves fixed documents by URL, as a mirror would.
private struct FixedSource: StatusListSource {
    let documents: [String: [UInt8]]
    func fetch(url: String) async throws(StatusListError) -> [UInt8] {
        guard let bytes = documents[url] else { throw StatusListError(.retrieval, "no list \(url)") }
        return bytes
    }
}

private let listURL = "https://status.example/edc/revocation/1"
private let edcIssuer = "urn:epass:org:7b0c8a52-1f6e-8a3d-9c41-5d2e8f0a6b13"

/// A minimal EDC-shaped credential (only what the Revocation check reads) with one revocation entry.
private func edc(index: Int, issuer: String = edcIssuer) -> JSONValue {
    [
        "@context": ["https://www.w3.org/2018/credentials/v1", "http://data.europa.eu/snb/model/context/edc-ap"],
        "id": .string("urn:uuid:7b0c8a52-0000-4000-8000-00000000000\(index)"),
        "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
        "issuer": ["id": .string(issuer), "type": "Organisation"],
        "credentialStatus": [
            "id": .string("\(listURL)#\(index)"), "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
            "statusListIndex": .string(String(index)), "statusListCredential": .string(listURL),
        ],
    ]
}

/// The list credential with `revoked` set.
private func list(revoked: [Int], issuer: String = edcIssuer) throws -> JSONValue {
    var bits = Bitstring()
    for i in revoked { try bits.setBit(at: i, to: true) }
    return try StatusListCredentialBuilder(url: listURL, issuer: issuer, statusPurpose: "revocation").credential(for: bits)
}

private func revocation(
    of credential: JSONValue, list: JSONValue, anchors: [Certificate] = [],
    verifier: CredentialVerification.CredentialVerifier? = nil
) async throws -> CheckResult {
    let v =
        verifier
        ?? CredentialVerification.CredentialVerifier(
            policy: VerificationPolicy(trustAnchors: anchors, statusSource: FixedSource(documents: [listURL: JSONWriter.data(list)])))
    return try #require(try await verifyOne(v, credential).check(.revocation))
}

@Suite("Status lists sealed with JAdES (EDC issuers)")
struct SealedStatusListTests {
    @Test func listSealedByTheCredentialsOwnSealIsReadRevokedAndNot() async throws {
        let seal = try TestSeal(organization: "Example University", identifier: "VATBE-0123456789")
        let sealedList = try seal.seal(try list(revoked: [3]))
        let revoked = try await revocation(of: try seal.seal(edc(index: 3)), list: sealedList)
        #expect(revoked.status == .error)
        #expect(revoked.reason.contains("has been revoked"), "\(revoked.reason)")
        let fine = try await revocation(of: try seal.seal(edc(index: 4)), list: sealedList)
        #expect(fine.status == .ok, "\(fine.reason)")
        #expect(fine.details.contains { $0.contains("sealed (JAdES) by Example University (organisationIdentifier VATBE-0123456789)") }, "\(fine.details)")
    }

    @Test func listSealedByAnotherOrganisationIsNotTrusted() async throws {
        let university = try TestSeal(organization: "Example University", identifier: "VATBE-0123456789")
        let intruder = try TestSeal(organization: "Someone Else", identifier: "VATFR-99999999999")
        let result = try await revocation(
            of: try university.seal(edc(index: 3)), list: try intruder.seal(try list(revoked: [])),
            anchors: [university.ca, intruder.ca])
        #expect(result.status == .skipped)
        #expect(result.limitsTrust)
        #expect(result.reason.contains("sealed by Someone Else"), "\(result.reason)")
        #expect(result.reason.contains("VATFR-99999999999") && result.reason.contains("VATBE-0123456789"), "\(result.reason)")
        #expect(result.problems.first?.code == "STATUS_VERIFICATION_ERROR")
    }

    @Test func sealedListWithOneBitChangedInItsPayloadHasABrokenSeal() async throws {
        let seal = try TestSeal(organization: "Example University", identifier: "VATBE-0123456789")
        guard case .object(var document) = try seal.seal(try list(revoked: [3])) else { Issue.record("not an object"); return }
        // The forger clears bit 3 (un-revoking credential 3) and keeps the seal.
        document["payload"] = .string(JSONWriter.string(try list(revoked: [])))
        let result = try await revocation(of: try seal.seal(edc(index: 3)), list: .object(document))
        #expect(result.status == .skipped)
        #expect(result.reason.contains("seal is broken"), "\(result.reason)")
        #expect(result.problems.first?.code == "STATUS_VERIFICATION_ERROR")
    }

    @Test func credentialWithADataIntegrityProofDoesNotAcceptASealedList() async throws {
        let issuer = try DemoIssuer()
        let seal = try TestSeal(organization: "Example University", identifier: "VATBE-0123456789")
        let credential = try issuer.sign(
            issuer.credential(extra: [
                "credentialStatus": [
                    "id": .string("\(listURL)#3"), "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
                    "statusListIndex": "3", "statusListCredential": .string(listURL),
                ]
            ]))
        let result = try await revocation(of: credential, list: try seal.seal(try list(revoked: [], issuer: issuer.did)))
        #expect(result.status == .skipped)
        #expect(result.reason.contains("sealed with JAdES, but the credential is not"), "\(result.reason)")
    }

    @Test func anotherCertificateOfTheSameOrganisationCountsOnlyWhenATrustAnchorVouchesForIt() async throws {
        let current = try TestSeal(organization: "Example University", identifier: "VATBE-0123456789")
        let renewed = try TestSeal(organization: "Example University", identifier: "VATBE-0123456789")
        let credential = try current.seal(edc(index: 3))
        let sealedList = try renewed.seal(try list(revoked: [3]))
        let untrusted = try await revocation(of: credential, list: sealedList)
        #expect(untrusted.status == .skipped)
        #expect(untrusted.reason.contains("another certificate of VATBE-0123456789"), "\(untrusted.reason)")
        let anchored = try await revocation(of: credential, list: sealedList, anchors: [renewed.ca])
        #expect(anchored.status == .error)
        #expect(anchored.reason.contains("has been revoked"), "\(anchored.reason)")
    }

    @Test func cachedSealedListIsJudgedAgainForEachCredential() async throws {
        let university = try TestSeal(organization: "Example University", identifier: "VATBE-0123456789")
        let intruder = try TestSeal(organization: "Someone Else", identifier: "VATFR-99999999999")
        let sealedList = try university.seal(try list(revoked: []))
        let verifier = CredentialVerification.CredentialVerifier(
            policy: VerificationPolicy(statusSource: FixedSource(documents: [listURL: JSONWriter.data(sealedList)])))
        let first = try await revocation(of: try university.seal(edc(index: 3)), list: sealedList, verifier: verifier)
        #expect(first.status == .ok, "\(first.reason)")
        // Same verifier (the list is now cached): a credential sealed by another organisation, naming the same
        // issuer id and list, must not borrow the university's list.
        let forged = try await revocation(of: try intruder.seal(edc(index: 3)), list: sealedList, verifier: verifier)
        #expect(forged.status == .skipped)
        #expect(forged.reason.contains("not by the organisation that sealed the credential"), "\(forged.reason)")
    }
}
