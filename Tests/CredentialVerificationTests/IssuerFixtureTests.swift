import CredentialIssuance
import CredentialJSON
import CredentialVerification
import DataIntegrity
import Foundation
import TestSupport
import Testing

/// The W3C VC Data Model 2.0 suite's credential fixtures, driven the way that suite drives an issuer: the issuer
/// is filled in, the credential is secured (here with eddsa-rdfc-2022 and eddsa-jcs-2022, after
/// ``IssuerChecks``), and what was issued is verified. `-fail` and `-fail-or-inject` fixtures must be refused.
@Suite("VC DM 2.0 fixtures driven as the suite drives an issuer", .needsSharedData)
struct IssuerFixtureTests {
    static func fixtures() throws -> [(name: String, json: JSONValue)] {
        var out: [(String, JSONValue)] = []
        for folder in ["test-suites/vc-data-model-2.0/tests/input", "test-suites/vc-data-model-2.0/tests/input/names-and-descriptions"] {
            guard let dir = SharedData.vector(folder) else { return [] }
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
            where name.hasSuffix(".json") && !name.hasPrefix("presentation") {
                out.append((String(name.dropLast(5)), try JSONParser.parse(try Data(contentsOf: dir.appendingPathComponent(name)))))
            }
        }
        return out
    }

    /// What the suite does to a fixture before sending it: dates for the placeholders, the issuer's id.
    static func prepared(_ json: JSONValue, issuer: String) -> JSONValue {
        guard case .object(var o) = json else { return json }
        for key in ["validFrom", "validUntil"] {
            if o[key] == "PAST DATE" { o[key] = "2020-01-01T00:00:00Z" }
            if o[key] == "FUTURE DATE" { o[key] = "2099-01-01T00:00:00Z" }
        }
        switch o["issuer"] {
        case nil: o["issuer"] = .string(issuer)
        case .object(var object)? where object["id"] == nil:
            object["id"] = .string(issuer)
            o["issuer"] = .object(object)
        default: break
        }
        return .object(o)
    }

    @Test(arguments: [Cryptosuite.eddsaRdfc2022, .eddsaJcs2022])
    func everyOkFixtureIsSecuredWithAProofThatVerifiesAndEveryFailFixtureIsRefused(_ suite: Cryptosuite) async throws {
        let fixtures = try Self.fixtures()
        try #require(!fixtures.isEmpty || !SharedData.isRequired)
        let issuer = try DemoIssuer()
        let signer = DataIntegritySigner(canonicalizer: JSONLDCanonicalizer())
        let verifier = CredentialVerifier()
        var right = 0
        for (name, json) in fixtures {
            let mustRefuse = name.hasSuffix("-fail") || name.hasSuffix("-fail-or-inject")
            let document = Self.prepared(json, issuer: issuer.did)
            var secured: JSONValue?
            var refusal = ""
            do {
                try IssuerChecks.check(document, cryptosuite: suite)
                secured = try signer.addProof(
                    to: document, options: ProofOptions(cryptosuite: suite, verificationMethod: issuer.method),
                    key: try ProofSigningKey(issuer.key))
            } catch {
                refusal = "\(error)"
            }
            if mustRefuse {
                #expect(secured == nil, "\(name) (\(suite)): an issuer must refuse it, but it was secured")
                if secured == nil { right += 1 }
                continue
            }
            guard let secured else {
                Issue.record("\(name) (\(suite)): an issuer must secure it, but it was refused: \(refusal)")
                continue
            }
            let report = try #require(await verifier.verify(json: secured, source: name).first)
            let seal = report.check(.seal)
            if name == "credential-proof-ok" {
                // The fixture already holds a proof (with no verification method): the new proof joins the set
                // and the earlier one is reported by what is wrong with it.
                #expect(secured["proof"]?.arrayValue?.count == 2, "\(name): a proof set of two")
                #expect(
                    seal?.status == .error
                        && (seal?.reason.hasPrefix("Proof 1 of 2 ($.proof[0]) does not verify: the proof has no `verificationMethod`") ?? false),
                    "\(name): \(seal?.reason ?? "")")
                right += 1
                continue
            }
            #expect(report.check(.format)?.status == .ok, "\(name) (\(suite)) Format: \(report.check(.format)?.reason ?? "")")
            #expect(seal?.status == .ok, "\(name) (\(suite)) Seal: \(seal?.reason ?? "")")
            if report.check(.format)?.status == .ok, seal?.status == .ok { right += 1 }
        }
        print("vc-data-model-2.0 driven as an issuer (\(suite)): \(right) of \(fixtures.count) as the suite expects")
        #expect(right == fixtures.count)
    }
}
