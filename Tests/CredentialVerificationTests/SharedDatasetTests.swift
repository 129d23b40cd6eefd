import CredentialJSON
import CredentialVerification
import DataIntegrity
import Foundation
import JSONLD
import JSONLDToRDF
import TestSupport
import Testing

/// The verifier expands and converts a credential once for the Format check and its Data Integrity proof
/// (`DatasetMemo`); these tests show it does, and that every verdict is the one separate conversions give.
@Suite struct SharedDatasetTests {
    /// The old path: the proof verified, then the Format and Seal checks run, with no memo, so each converts
    /// the document itself.
    static func separateChecks(_ input: DetectedInput, verifier: CredentialVerifier) async -> [CheckResult] {
        #expect(DatasetMemo.current == nil)
        let document = input.document ?? .null
        // As the verifier finds the seal evidence of a credential or presentation with a proof.
        let options = ProofVerificationOptions(now: verifier.policy.now, issuerCheck: true)
        let seal = SealEvidence.dataIntegrity(await verifier.context.dataIntegrity.verify(document, options: options))
        let subject = VerificationSubject(input: input, seal: seal)
        return [await FormatCheck().run(subject, context: verifier.context), await SealCheck().run(subject, context: verifier.context)]
    }

    /// The same two checks from the verifier's own run (one memo per item).
    static func sharedChecks(_ document: JSONValue, verifier: CredentialVerifier, memo: DatasetMemo) async -> [CheckResult] {
        let report = await DatasetMemo.$current.withValue(memo) { await verifier.verify(json: document, source: "test").first }
        return [report?.check(.format), report?.check(.seal)].compactMap { $0 }
    }

    @Test func aSignedCredentialIsExpandedOnceForTheFormatCheckAndTheProof() async throws {
        let issuer = try DemoIssuer()
        var credential = try #require(
            try JSONParser.parse(
                Array(
                    Data(
                        contentsOf: URL(fileURLWithPath: #filePath)
                            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                            .appendingPathComponent("samples/vc2-small.json")))
            ).objectValue)
        credential["issuer"] = .string(issuer.did)
        credential["proof"] = nil
        let signed = try issuer.sign(.object(credential))
        let memo = DatasetMemo()
        let checks = await Self.sharedChecks(signed, verifier: CredentialVerifier(), memo: memo)
        #expect(checks.map(\.status) == [.ok, .ok])
        // The credential without its proof once (shared by the two checks), the proof options once.
        #expect(memo.conversions == 2)
        #expect(memo.reuses == 1)
    }

    @Test func aDocumentThatDiffersOnlyInMemberOrderIsConvertedAgain() async throws {
        let memo = DatasetMemo()
        let options = JSONLDCanonicalizer().jsonldOptions
        let first: JSONValue = ["@context": "https://www.w3.org/ns/credentials/v2", "type": "VerifiableCredential", "id": "urn:x:1"]
        let reordered: JSONValue = ["@context": "https://www.w3.org/ns/credentials/v2", "id": "urn:x:1", "type": "VerifiableCredential"]
        #expect(first == reordered)
        #expect(!first.isIdentical(to: reordered))
        DatasetMemo.$current.withValue(memo) {
            _ = DatasetMemo.dataset(of: first, jsonld: options, options: ToRDFOptions(rdfDirection: .i18nDatatype))
            _ = DatasetMemo.dataset(of: reordered, jsonld: options, options: ToRDFOptions(rdfDirection: .i18nDatatype))
            _ = DatasetMemo.dataset(of: first, jsonld: options, options: ToRDFOptions(rdfDirection: .compoundLiteral))
            _ = DatasetMemo.dataset(of: first, jsonld: options, options: ToRDFOptions(rdfDirection: .i18nDatatype))
        }
        #expect(memo.conversions == 3)
        #expect(memo.reuses == 1)
    }

    /// The Format check of a sealed payload asks only whether it converts (``DatasetMemo/conversionProblem``); the
    /// dataset forms are asked the same way with the same options.
    static let rdf = ToRDFOptions(rdfDirection: .i18nDatatype)
    static let plainCredential: JSONValue = ["@context": "https://www.w3.org/ns/credentials/v2", "type": "VerifiableCredential", "id": "urn:x:1"]

    static func checked(_ document: JSONValue) -> DatasetConversionError? {
        DatasetMemo.conversionProblem(of: document, jsonld: JSONLDCanonicalizer().jsonldOptions, options: rdf)
    }

    /// The dataset's quad count, or why there is none.
    static func converted(_ document: JSONValue) -> (quads: Int?, problem: DatasetConversionError?) {
        switch DatasetMemo.dataset(of: document, jsonld: JSONLDCanonicalizer().jsonldOptions, options: rdf) {
        case .success(let dataset): return (dataset.quads.count, nil)
        case .failure(let error): return (nil, error)
        }
    }

    @Test func aCheckIsAnsweredByADatasetAlreadyMade() {
        let memo = DatasetMemo()
        DatasetMemo.$current.withValue(memo) {
            #expect(Self.converted(Self.plainCredential).quads == 1)
            #expect(Self.checked(Self.plainCredential) == nil)
        }
        #expect(memo.conversions == 1)
        #expect(memo.reuses == 1)
    }

    @Test func aCheckNeverServesAsADataset() {
        let memo = DatasetMemo()
        DatasetMemo.$current.withValue(memo) {
            #expect(Self.checked(Self.plainCredential) == nil)
            // The check kept no quads, so the dataset is converted.
            #expect(Self.converted(Self.plainCredential).quads == 1)
        }
        #expect(memo.conversions == 2)
        #expect(memo.reuses == 0)
    }

    @Test func aCheckRefusesWhatTheDatasetRefuses() {
        let documents: [JSONValue] = [
            ["@context": "https://www.w3.org/ns/credentials/v2", "type": "VerifiableCredential", "undefinedTerm": "x"],
            ["@context": "https://www.w3.org/ns/credentials/v2", "type": "VerifiableCredential", "id": "relative"],
            ["@context": "https://www.w3.org/ns/credentials/v2", "type": "VerifiableCredential", "name": ["@value": "x", "@language": "not a tag"]],
        ]
        for document in documents {
            let checked = Self.checked(document)
            #expect(checked != nil)
            #expect(checked.map { "\($0)" } == Self.converted(document).problem.map { "\($0)" })
        }
    }

    @Test func anotherCacheABaseOrAWarningHandlerIsNeverServedTheSameDataset() {
        let memo = DatasetMemo()
        let options = JSONLDCanonicalizer().jsonldOptions
        let document: JSONValue = ["@context": "https://www.w3.org/ns/credentials/v2", "type": "VerifiableCredential", "id": "urn:x:1"]
        var otherCache = options
        otherCache.contextCache = ContextCache()
        var otherBase = options
        otherBase.base = "https://example.org/"
        var warned = options
        warned.warningHandler = { _ in }
        let rdf = ToRDFOptions(rdfDirection: .i18nDatatype)
        DatasetMemo.$current.withValue(memo) {
            _ = DatasetMemo.dataset(of: document, jsonld: options, options: rdf)
            _ = DatasetMemo.dataset(of: document, jsonld: otherCache, options: rdf)
            _ = DatasetMemo.dataset(of: document, jsonld: otherBase, options: rdf)
            _ = DatasetMemo.dataset(of: document, jsonld: warned, options: rdf)
        }
        // The warning handler's call is neither served nor remembered (its handler must see every warning).
        #expect(memo.conversions == 3)
        #expect(memo.reuses == 0)
    }

    @Test func aStringThatIsOnlyCanonicallyEquivalentIsConvertedAgain() {
        let precomposed: JSONValue = ["name": "\u{E9}"]
        let decomposed: JSONValue = ["name": "e\u{301}"]
        #expect(precomposed == decomposed)  // Swift's String equality
        #expect(!precomposed.isIdentical(to: decomposed))
    }

    /// The samples signed by a fresh key, every Data Integrity vector and signed spec example (their issuer set to
    /// the proof's key controller, so the Seal check reaches the hashing), and each with any one leaf changed: the
    /// Format and Seal verdicts through the shared dataset equal those of separate conversions, word for word.
    @Test(.needsSharedData) func sharedDatasetsGiveTheVerdictsOfSeparateConversions() async throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let issuer = try DemoIssuer()
        var documents: [(String, JSONValue)] = []
        for sample in [
            "samples/vc2-small.json", "samples/vc2-large.json", "samples/open-badges/data-analysis.unsigned.json",
            "samples/issued/vc2/micro-credential/L-0001.json", "samples/issued/vc2/certificate-of-participation/L-0001.json",
        ] {
            var credential = try #require(try JSONParser.parse(Array(Data(contentsOf: repository.appendingPathComponent(sample)))).objectValue)
            credential["proof"] = nil
            if case .object(var profile)? = credential["issuer"] {
                profile["id"] = .string(issuer.did)
                credential["issuer"] = .object(profile)
            } else {
                credential["issuer"] = .string(issuer.did)
            }
            documents.append((sample, try issuer.sign(.object(credential))))
        }
        let paths = [
            "di-eddsa/TestVectors/eddsa-rdfc-2022/signedDataInt.json", "di-eddsa/TestVectors/eddsa-rdfc-2022/employ/signedDataInt.json",
            "di-eddsa/TestVectors/eddsa-jcs-2022/signedJCS.json", "di-eddsa/TestVectors/Ed25519Signature2020/signedEdSig.json",
            "di-ecdsa/TestVectors/ecdsa-rdfc-2019-p256/signedECDSAP256.json", "di-ecdsa/TestVectors/ecdsa-rdfc-2019-p256/employ/signedECDSAP256.json",
            "di-ecdsa/TestVectors/ecdsa-rdfc-2019-p384/signedECDSAP384.json", "di-ecdsa/TestVectors/ecdsa-rdfc-2019-p384/employ/signedECDSAP384.json",
            "di-eddsa/TestVectors/proof-set-chain/signedProofSet1.json", "di-eddsa/TestVectors/proof-set-chain/signedProofChain2.json",
        ]
        var vectors: [(String, JSONValue)] = []
        for path in paths {
            guard let url = SharedData.vector(path) else { continue }
            vectors.append((path, try JSONParser.parse(Array(try Data(contentsOf: url)))))
        }
        for folder in ["vc-data-model-2.0/spec-examples-REC", "bitstring-status-list/spec-examples-REC"] {
            guard let url = SharedData.vector(folder) else { continue }
            for name in try FileManager.default.contentsOfDirectory(atPath: url.path).sorted() where name.hasSuffix(".json") && name != "index.json" {
                let document = try JSONParser.parse(Array(try Data(contentsOf: url.appendingPathComponent(name))))
                if document["proof"] != nil { vectors.append(("\(folder)/\(name)", document)) }
            }
        }
        #expect(vectors.count >= 20)
        for (name, vector) in vectors {
            documents.append((name, vector))
            // The key's controller as the issuer, so the proof is checked as far as the signature.
            guard case .object(var object) = vector,
                let method = vector["proof"]?.asArray.first?["verificationMethod"]?.stringValue,
                let controller = method.split(separator: "#").first.map(String.init)
            else { continue }
            object["issuer"] = .string(controller)
            documents.append(("\(name) issued by \(controller)", .object(object)))
        }
        var cases: [(String, JSONValue)] = []
        for (name, document) in documents {
            cases.append((name, document))
            for (leaf, mutated) in Self.singleLeafMutations(of: document) { cases.append(("\(name) \(leaf)", mutated)) }
        }
        let verifier = CredentialVerifier()
        var reused = 0
        var verified = 0
        for (name, document) in cases {
            // A change that makes the document something else (no longer a credential) never reaches JSON-LD.
            let input = InputDetector.classify(document, source: "test")
            guard input.kind == .dataIntegrityCredential || input.kind == .presentation else { continue }
            let separate = await Self.separateChecks(input, verifier: verifier)
            let memo = DatasetMemo()
            let shared = await Self.sharedChecks(document, verifier: verifier, memo: memo)
            #expect(shared == separate, "\(name)")
            reused += memo.reuses
            if shared.allSatisfy({ $0.status == .ok }) { verified += 1 }
        }
        print("shared datasets: \(cases.count) documents, same Format and Seal verdicts; \(verified) verified, \(reused) datasets reused")
        #expect(cases.count >= 1_000)
        #expect(verified >= 5)
        #expect(reused >= 500)
    }

    /// Copies of `value` with exactly one string, number or boolean leaf changed.
    static func singleLeafMutations(of value: JSONValue) -> [(String, JSONValue)] {
        var out: [(String, JSONValue)] = []
        collect(value, path: "$", rebuild: { $0 }, into: &out)
        return out
    }

    private static func collect(_ value: JSONValue, path: String, rebuild: (JSONValue) -> JSONValue, into out: inout [(String, JSONValue)]) {
        switch value {
        case .string(let text): out.append((path, rebuild(.string(text + "x"))))
        case .number: out.append((path, rebuild(.number(JSONNumber(7)))))
        case .bool(let flag): out.append((path, rebuild(.bool(!flag))))
        case .null: break
        case .array(let items):
            for (position, item) in items.enumerated() {
                collect(
                    item, path: "\(path)[\(position)]",
                    rebuild: { changed in
                        var copy = items
                        copy[position] = changed
                        return rebuild(.array(copy))
                    }, into: &out)
            }
        case .object(let object):
            for member in object.members {
                collect(
                    member.value, path: "\(path).\(member.key)",
                    rebuild: { changed in
                        var copy = object
                        copy[member.key] = changed
                        return rebuild(.object(copy))
                    }, into: &out)
            }
        }
    }
}
