import CredentialJSON
import Foundation
import OpenID4VCI
import TestSupport
import Testing

/// A Python with PyLD and `cryptography` (`.ci/run` makes one in `.venv-pyld`); `nil` when not configured.
private let pyld: String? = ProcessInfo.processInfo.environment["SKILLCRED_PYLD"].flatMap { $0.isEmpty ? nil : $0 }

/// The ldp_vc a wallet receives, checked by an independent eddsa-rdfc-2022 over PyLD (`tools/di-crosscheck.py`): a
/// wallet on another JSON-LD stack must reach the same canonical form of the learning credential (ELM terms, ESCO
/// skills, two status entries), or it would reject what skillcred calls valid.
@Suite(
    "OpenID4VCI ldp_vc: an independent verifier agrees",
    .enabled(if: pyld != nil || SharedData.isRequired, "set SKILLCRED_PYLD to a Python with pyld and cryptography"))
struct LdpVCCrossTests {
    func pyldVerifies(_ credential: JSONValue) throws -> ExternalTool.Outcome {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ldp-vc-\(UUID().uuidString).json")
        try Data(JSONWriter.data(credential)).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try ExternalTool.capture(
            URL(fileURLWithPath: try #require(pyld)),
            [SharedData.packageRoot.appendingPathComponent("tools/di-crosscheck.py").path, "verify", url.path])
    }

    @Test func pyldVerifiesTheDeliveredCredentialAndRejectsItTampered() async throws {
        let vc = try await Fixture().deliveredLdpVC(to: try Wallet(.ed25519)).credential
        let genuine = try pyldVerifies(vc)
        #expect(genuine.status == 0, "\(genuine.stdout)\(genuine.stderr)")

        // The holder is the one thing a wallet might be tempted to change: the signature covers it.
        guard case .object(var tampered) = vc, case .object(var subject)? = tampered["credentialSubject"] else {
            Issue.record("the credential has no credentialSubject object")
            return
        }
        subject["id"] = .string("did:example:someone-else")
        tampered["credentialSubject"] = .object(subject)
        let forged = try pyldVerifies(.object(tampered))
        #expect(forged.status != 0, "PyLD accepted a credential whose holder was changed: \(forged.stdout)")
    }
}
