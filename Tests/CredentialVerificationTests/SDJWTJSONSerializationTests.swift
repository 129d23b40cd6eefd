import CredentialJSON
import CredentialVerification
import Foundation
import SDJWT
import Testing

/// RFC 9901 §8: the same SD-JWT VC in flattened or general JWS JSON serialization (disclosures and the key binding
/// JWT in the unprotected header) is verified exactly as its compact form, as a file and as a JSON object (the API's
/// form), and every way of changing it fails.
@Suite("SD-JWT VC in JSON serialization (RFC 9901 §8)")
struct SDJWTJSONSerializationTests {
    enum Form: String, CaseIterable { case flattened, general }

    /// The JSON serialization of a compact SD-JWT (`<JWT>~<D1>~…~<Dn>~[<KB-JWT>]`), as a holder would send it.
    static func json(_ compact: String, _ form: Form, edit: (inout JSONObject) -> Void = { _ in }) -> JSONValue {
        let parts = compact.split(separator: "~", omittingEmptySubsequences: false).map(String.init)
        let jws = parts[0].split(separator: ".").map(String.init)
        var header: JSONObject = ["disclosures": .array(parts[1..<(parts.count - 1)].map { .string($0) })]
        if let kb = parts.last, !kb.isEmpty { header["kb_jwt"] = .string(kb) }
        var signature: JSONObject = ["protected": .string(jws[0]), "header": .object(header), "signature": .string(jws[2])]
        edit(&signature)
        switch form {
        case .flattened:
            var o = signature
            o["payload"] = .string(jws[1])
            return .object(o)
        case .general:
            return ["payload": .string(jws[1]), "signatures": [.object(signature)]]
        }
    }

    static func verify(_ value: JSONValue, _ policy: VerificationPolicy) async throws -> VerificationReport {
        try await verifyOne(CredentialVerifier(policy: policy), value)
    }

    // MARK: Forgeries first

    @Test("A changed disclosure, an added one, a changed payload or signature fails on Seal", arguments: Form.allCases)
    func changedPartsFail(form: Form) async throws {
        let issuer = try SDJWTIssuer()
        let made = try issuer.make()
        let compact = issuer.presented(made)
        let forged = SDJWTIssuing.disclosure(name: "degree", value: "PhD Computing").encoded
        let variants: [(String, JSONValue)] = [
            (
                "changed disclosure",
                Self.json(compact, form) { s in
                    s["header"] = ["disclosures": .array([.string(forged)] + made.disclosures.dropFirst(2).map { .string($0.encoded) })]
                }
            ),
            (
                "added disclosure",
                Self.json(compact, form) { s in
                    s["header"] = ["disclosures": .array(made.disclosures.map { .string($0.encoded) } + [.string(forged)])]
                }
            ),
            (
                "changed signature",
                Self.json(compact, form) { s in
                    s["signature"] = .string(base64URLEncode(Array(repeating: 7, count: 64)))
                }
            ),
        ]
        for (name, value) in variants {
            let report = try await Self.verify(value, issuer.policy())
            #expect(report.kind == .sdJWT, "\(name)")
            #expect(report.status == .failed && report.check(.seal)?.status == .error, "\(form) \(name):\n\(why(report))")
        }
        // Another payload under the issuer's signature.
        let other = try issuer.make(edit: { payload, _ in payload["vct"] = "https://credentials.example/other" })
        guard case .object(var o) = Self.json(compact, form) else { Issue.record("not an object"); return }
        o["payload"] = .string(String(other.issuerJWT.split(separator: ".")[1]))
        let report = try await Self.verify(.object(o), issuer.policy())
        #expect(report.status == .failed && report.check(.seal)?.status == .error, "\(form) changed payload:\n\(why(report))")
    }

    @Test("A key binding JWT made for other disclosures, or answering another nonce, fails on Owner", arguments: Form.allCases)
    func keyBindingMismatchFails(form: Form) async throws {
        let issuer = try SDJWTIssuer()
        let made = try issuer.make()
        let challenged = issuer.policy(VerificationPolicy(challenge: "challenge-1", domain: ["https://verifier.example"]))
        // sd_hash over one disclosure; the JSON carries all four.
        let fewer = SDJWTIssuing.combine(issuerJWT: made.issuerJWT, disclosures: [made.disclosures[0].encoded])
        let kb = String(try issuer.withKB(fewer).dropFirst(fewer.count))
        let swapped = Self.json(issuer.presented(made) + kb, form)
        let report = try await Self.verify(swapped, challenged)
        #expect(report.status == .failed && report.check(.owner)?.reason.contains("sd_hash") == true, "\(why(report))")
        let stale = try await Self.verify(Self.json(try issuer.withKB(issuer.presented(made), nonce: "old"), form), challenged)
        #expect(stale.status == .failed && stale.check(.owner)?.status == .error, "\(why(stale))")
    }

    @Test("Malformed: disclosures not an array, a disclosure with a ~, two signatures, no protected header, kb_jwt outside the signature")
    func malformedFormsFail() async throws {
        let issuer = try SDJWTIssuer()
        let compact = issuer.presented(try issuer.make())
        let signatureValue = Self.json(compact, .general)["signatures"]?.arrayValue?.first ?? .null
        let variants: [(String, JSONValue)] = [
            ("disclosures not an array", Self.json(compact, .flattened) { s in s["header"] = ["disclosures": "WyJhIiwiYiIsImMiXQ"] }),
            ("a ~ inside a disclosure", Self.json(compact, .flattened) { s in s["header"] = ["disclosures": ["WyJh~IiwiYiJd"]] }),
            ("two signatures", ["payload": Self.json(compact, .general)["payload"] ?? .null, "signatures": [signatureValue, signatureValue]]),
            ("no protected header", Self.json(compact, .flattened) { s in s["protected"] = nil }),
            (
                "general with a top-level header",
                {
                    guard case .object(var o) = Self.json(compact, .general) else { return .null }
                    o["header"] = ["kb_jwt": "eyJ.eyJ.sig"]
                    return .object(o)
                }()
            ),
        ]
        for (name, value) in variants {
            let report = try await Self.verify(value, issuer.policy())
            #expect(report.status == .failed && report.check(.format)?.status == .error, "\(name):\n\(why(report))")
        }
    }

    // MARK: What verifies

    @Test(
        "Flattened and general forms verify like the compact form, with and without key binding, as a file and as a parsed object",
        arguments: Form.allCases)
    func verifiesLikeTheCompactForm(form: Form) async throws {
        let issuer = try SDJWTIssuer()
        let presented = issuer.presented(try issuer.make())
        let challenged = issuer.policy(VerificationPolicy(challenge: "challenge-1", domain: ["https://verifier.example"]))
        for (compact, policy) in [(presented, issuer.policy()), (try issuer.withKB(presented), challenged)] {
            let value = Self.json(compact, form)
            let fromFile = try await verifyOne(CredentialVerifier(policy: policy), JSONWriter.data(value), source: "token.json")
            #expect(fromFile.kind == .sdJWT && fromFile.status == .verified, "\(form):\n\(why(fromFile))")
            let fromAPI = try #require(await CredentialVerifier(policy: policy).verify(json: value, source: "verifiableCredential").first)
            #expect(fromAPI.status == .verified, "\(form):\n\(why(fromAPI))")
            let reference = try await verifySD(compact, policy)
            #expect(fromFile.checks.map(\.status) == reference.checks.map(\.status))
        }
        // Only the disclosures the holder put in the header are disclosed; leaving one out is selective disclosure.
        let made = try issuer.make()
        let partial = Self.json(SDJWTIssuing.combine(issuerJWT: made.issuerJWT, disclosures: [made.disclosures[0].encoded]), form)
        let report = try await Self.verify(partial, issuer.policy())
        #expect(report.status == .verified, "\(why(report))")
    }
}
