import CredentialJSON
import CredentialVerification
import Foundation
import TestSupport
import Testing

/// What `skillcred issue` produced for the samples must pass the verifier's checks in its own format.
@Suite("Issued samples", .needsSharedData)
struct IssuedSampleTests {
    static let vc2Samples = [
        "samples/issued/vc2/micro-credential/L-0001.json",
        "samples/issued/vc2/certificate-of-participation/L-0001.json",
    ]

    @Test("an ELM credential in VC 2.0 form is not judged by the EDC (VC 1.1) profile", arguments: vc2Samples)
    func vc2OutputPassesFormatAndSeal(_ path: String) async throws {
        let bytes = try Array(Data(contentsOf: SharedData.packageRoot.appendingPathComponent(path)))
        let report = try await verifyOne(CredentialVerifier(), bytes, source: path)
        #expect(report.check(.format)?.status == .ok, "\(report.check(.format)?.reason ?? "")")
        #expect(report.check(.seal)?.status == .ok, "\(report.check(.seal)?.reason ?? "")")
        #expect(report.status != .failed)
    }
}

@Suite("Issued EDC samples", .needsSharedData)
struct IssuedEDCSampleTests {
    @Test(
        "a sealed EDC with a Bitstring status entry passes Format and Seal",
        arguments: [
            "samples/issued/edc/micro-credential/L-0001.json",
            "samples/issued/edc/certificate-of-participation/L-0001.json",
        ])
    func sealedEDCPassesFormatAndSeal(_ path: String) async throws {
        let bytes = try Array(Data(contentsOf: SharedData.packageRoot.appendingPathComponent(path)))
        let report = try await verifyOne(CredentialVerifier(), bytes, source: path)
        #expect(report.check(.format)?.status == .ok, "\(report.check(.format)?.reason ?? "")")
        #expect(report.check(.seal)?.status == .ok, "\(report.check(.seal)?.reason ?? "")")
        #expect(report.status != .failed)
    }
}
