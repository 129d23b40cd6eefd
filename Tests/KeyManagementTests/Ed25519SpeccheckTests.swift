import Foundation
import KeyManagement
import Testing

/// "Taming the many EdDSAs" (ed25519-speccheck) cases 0–11 against our Ed25519 verification,
/// which is swift-crypto's (BoringSSL `ED25519_verify` on Linux).
///
/// The expected outcomes were measured on swift-crypto 4.5.2 / Linux, and match the
/// BoringSSL row of the paper's table (`../shared/vectors/ed25519-speccheck/results.md`).
/// See `Tests/ed25519-speccheck.md` for what each case means and why the
/// outcome is acceptable. If swift-crypto changes behaviour this test fails, which is the point:
/// a verifier change must be a deliberate, documented decision.
@Suite("ed25519-speccheck", .needsSharedData)
struct Ed25519SpeccheckTests {
    /// true = accepted, false = rejected; index = case number.
    static let expected: [Bool] = [
        true,  // 0: small-order A and R, S = 0
        true,  // 1: small-order A only
        true,  // 2: small-order R only
        true,  // 3: mixed-order A and R, passes cofactored and cofactorless
        false,  // 4: mixed-order A and R, passes only cofactored
        false,  // 5: passes cofactored only when 8h is pre-reduced
        false,  // 6: S > L (non-canonical S)
        false,  // 7: S >> L (high bit set)
        false,  // 8: non-canonical R, reduced for the hash
        false,  // 9: non-canonical R, not reduced for the hash
        false,  // 10: non-canonical A, reduced for the hash
        true,  // 11: non-canonical A, not reduced for the hash
    ]

    @Test func eachCaseHasItsDocumentedOutcome() throws {
        guard let cases = try sharedJSON("ed25519-speccheck/cases.json")?.arrayValue else { return }
        #expect(cases.count == 12)
        var passed = 0, failed = 0
        for (index, item) in cases.enumerated() {
            let message = hexBytes(item["message"]!.stringValue!)
            let publicKey = hexBytes(item["pub_key"]!.stringValue!)
            let signature = hexBytes(item["signature"]!.stringValue!)
            // A key that cannot be constructed counts as a rejection.
            let accepted: Bool
            if let key = try? PublicKey(jwk: ["kty": "OKP", "crv": "Ed25519", "x": .string(base64url(publicKey))]) {
                accepted = key.isValidSignature(signature, for: message)
            } else {
                accepted = false
            }
            let ok = accepted == Self.expected[index]
            #expect(ok, "case \(index): verification \(accepted ? "accepted" : "rejected"), documented \(Self.expected[index] ? "accept" : "reject")")
            if ok { passed += 1 } else { failed += 1 }
        }
        print("ed25519-speccheck: \(passed) passed, \(failed) failed, 0 skipped")
    }

    private func base64url(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
