import CredentialJSON
import DataIntegrity
import Foundation
import TestSupport
import Testing

/// The signed examples of the VC Data Model 2.0 and Bitstring Status List RECs (eddsa-rdfc-2022 and
/// ecdsa-rdfc-2019 proofs): each verifies, and each with any one leaf value changed does not.
@Suite(.needsSharedData) struct SpecExampleTests {
    /// Example 15 of VCDM 2.0 is illustrative: its `proofValue` is elided (`…`) and its key is an https URL.
    /// Listed in Tests/SKIPPED-DataIntegrity.md.
    static let skipped: Set<String> = ["example-015-a-verifiable-credential-using-an-embedded-proof.json"]

    static func signedExamples() -> [(name: String, path: String)] {
        var out: [(String, String)] = []
        for folder in ["vc-data-model-2.0/spec-examples-REC", "bitstring-status-list/spec-examples-REC"] {
            guard let url = SharedData.vector(folder),
                let names = try? FileManager.default.contentsOfDirectory(atPath: url.path)
            else { continue }
            for name in names.sorted() where name.hasSuffix(".json") && name != "index.json" {
                guard let data = FileManager.default.contents(atPath: url.appendingPathComponent(name).path),
                    let doc = try? JSONParser.parse(Array(data))
                else { continue }
                let suites = (doc["proof"]?.asArray ?? []).compactMap { $0["cryptosuite"]?.stringValue }
                if suites.contains(where: { $0 == "eddsa-rdfc-2022" || $0 == "ecdsa-rdfc-2019" }) {
                    out.append((name, "\(folder)/\(name)"))
                }
            }
        }
        return out
    }

    let verifier = DataIntegrityVerifier(canonicalizer: JSONLDCanonicalizer(), resolver: DIDVerificationMethodResolver())
    let proofOnly = ProofVerificationOptions(issuerCheck: false)

    @Test func everySignedSpecExampleVerifiesProofOnly() async throws {
        let tally = ConformanceTally("di-spec-examples")
        let examples = Self.signedExamples()
        for (name, path) in examples {
            if Self.skipped.contains(name) { tally.skip(name); continue }
            let doc = try #require(try vectorJSON(path))
            let result = await verifier.verify(doc, options: proofOnly)
            tally.record("\(name): \(result.allErrors.map(\.description).joined(separator: "; "))", result.verified)
        }
        tally.report()
        #expect(tally.failed.isEmpty)
        #expect(tally.passed == 13)
    }

    /// The verifier checks signatures against `ProofHashing.hashData`, which hashes the canonical N-Quads as bytes:
    /// it must equal the step-by-step `hashInput(…).hashData`, for every proof, with SHA-256 and SHA-384, and for
    /// one-leaf mutations (where the bytes change, and JSON-LD errors must surface alike).
    @Test func hashDataWithoutStringsEqualsTheStepByStepHashInput() throws {
        let hashing = ProofHashing(canonicalizer: JSONLDCanonicalizer())
        var compared = 0
        for (name, path) in Self.signedExamples() where !Self.skipped.contains(name) {
            let doc = try #require(try vectorJSON(path))
            for candidate in [doc] + Mutations.singleLeafMutations(of: doc).prefix(30).map(\.1) {
                guard var unsecured = candidate.objectValue else { continue }
                let proofs = unsecured["proof"]?.asArray ?? []
                unsecured.removeValue(forKey: "proof")
                for proofValue in proofs {
                    guard let proof = try? EmbeddedProof(proofValue, path: .root.appending("proof")) else { continue }
                    for algorithm in [ProofHashAlgorithm.sha256, .sha384] {
                        let plain = Result { () throws(DataIntegrityError) in
                            try hashing.hashInput(unsecuredDocument: unsecured, proofConfig: proof.object, suite: proof.suite, hashAlgorithm: algorithm)
                                .hashData
                        }
                        let bytes = Result { () throws(DataIntegrityError) in
                            try hashing.hashData(unsecuredDocument: unsecured, proofConfig: proof.object, suite: proof.suite, hashAlgorithm: algorithm)
                        }
                        switch (plain, bytes) {
                        case (.success(let left), .success(let right)): #expect(left == right, "\(name)")
                        case (.failure(let left), .failure(let right)): #expect(left.code == right.code, "\(name)")
                        default: Issue.record("\(name): one path failed, the other did not")
                        }
                        compared += 1
                    }
                }
            }
        }
        #expect(compared >= 350)
    }

    @Test func issuerBindingFlagsTheSpecExamplesWhoseIssuerIsNotTheKeyController() async throws {
        let doc = try #require(try vectorJSON("bitstring-status-list/spec-examples-REC/example-004-a-revocable-verifiable-credential.eddsa-rdfc-2022.json"))
        let result = await verifier.verify(doc)
        #expect(!result.verified)
        #expect(result.proofs.first?.issuerMatches == false)
        #expect(result.allErrors.map(\.code) == [.issuerMismatch])
    }

    @Test func changingAnyOneValueOfASignedSpecExampleBreaksVerification() async throws {
        let tally = ConformanceTally("di-spec-example-mutations")
        for (name, path) in Self.signedExamples() where !Self.skipped.contains(name) {
            let doc = try #require(try vectorJSON(path))
            // A mutation only counts when the untouched example verifies.
            let baseline = await verifier.verify(doc, options: proofOnly)
            #expect(baseline.verified, "\(name) does not verify unchanged")
            guard baseline.verified else { continue }
            for (leafPath, mutated) in Mutations.singleLeafMutations(of: doc) {
                let result = await verifier.verify(mutated, options: proofOnly)
                tally.record("\(name) \(leafPath) still verifies", !result.verified)
            }
        }
        tally.report()
        #expect(tally.failed.isEmpty)
        #expect(tally.passed >= 200)
    }
}

/// Produces copies of a JSON document with exactly one leaf (string, number or boolean) changed.
enum Mutations {
    static func singleLeafMutations(of value: JSONValue) -> [(String, JSONValue)] {
        var out: [(String, JSONValue)] = []
        collect(value, path: JSONPath.root, rebuild: { $0 }, into: &out)
        return out
    }

    private static func mutate(_ leaf: JSONValue) -> JSONValue? {
        switch leaf {
        case .string(let s): return .string(s + "x")
        case .number(let n): return .number(JSONNumber(unchecked: n.lexeme == "0" ? "1" : (n.intValue.map { String($0 + 1) } ?? n.lexeme + "1")))
        case .bool(let b): return .bool(!b)
        case .null, .array, .object: return nil
        }
    }

    private static func collect(_ value: JSONValue, path: JSONPath, rebuild: (JSONValue) -> JSONValue, into out: inout [(String, JSONValue)]) {
        switch value {
        case .object(let object):
            for member in object {
                collect(
                    member.value, path: path.appending(member.key),
                    rebuild: { new in
                        var copy = object
                        copy[member.key] = new
                        return rebuild(.object(copy))
                    }, into: &out)
            }
        case .array(let array):
            for (i, element) in array.enumerated() {
                collect(
                    element, path: path.appending(i),
                    rebuild: { new in
                        var copy = array
                        copy[i] = new
                        return rebuild(.array(copy))
                    }, into: &out)
            }
        default:
            if let changed = mutate(value) { out.append((path.description, rebuild(changed))) }
        }
    }
}
