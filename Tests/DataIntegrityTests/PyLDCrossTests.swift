import BundledContexts
import CredentialJSON
import DataIntegrity
import Foundation
import KeyManagement
import TestSupport
import Testing

/// A Python with PyLD and `cryptography` (`.ci/run` makes one in `.venv-pyld`); `nil` when not configured.
private let pyld: String? = ProcessInfo.processInfo.environment["SKILLCRED_PYLD"].flatMap { $0.isEmpty ? nil : $0 }

/// Runs `tools/di-crosscheck.py` (an independent eddsa-rdfc-2022 over PyLD) and returns its status and output.
private func crosscheck(_ arguments: [String]) throws -> ExternalTool.Outcome {
    try ExternalTool.capture(
        URL(fileURLWithPath: try #require(pyld)),
        [SharedData.packageRoot.appendingPathComponent("tools/di-crosscheck.py").path] + arguments)
}

/// Values with a base direction, signed by skillcred and by PyLD (`rdfDirection: i18n-datatype`, as Digital
/// Bazaar's stack behind the W3C suites canonicalizes): the canonical forms are the same, and each verifies the
/// other's signature. Without this, a credential with `@direction` signed elsewhere could not be verified here.
@Suite(
    "@direction: skillcred and PyLD agree", .enabled(if: pyld != nil || SharedData.isRequired, "set SKILLCRED_PYLD to a Python with pyld and cryptography"),
    .needsSharedData)
struct PyLDCrossTests {
    static let directionFixtures = [
        "credential-name-language-direction-en-ok", "credential-description-language-direction-en-ok",
        "issuer-name-language-direction-en-ok", "issuer-description-language-direction-en-ok",
    ]

    static let arabic: JSONValue = [
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "name": ["@value": "شهادة تحليل البيانات", "@language": "ar", "@direction": "rtl"],
        "description": [
            ["@value": "Data analysis", "@language": "en", "@direction": "ltr"],
            ["@value": "تحليل البيانات", "@language": "ar-EG", "@direction": "rtl"],
        ],
        "credentialSubject": ["id": "did:example:learner", "name": ["@value": "ليلى", "@direction": "rtl"]],
    ]

    func documents(issuer: String) throws -> [(String, JSONValue)] {
        var out: [(String, JSONValue)] = [("arabic", Self.arabic)]
        let folder = try #require(SharedData.vector("test-suites/vc-data-model-2.0/tests/input/names-and-descriptions"))
        for name in Self.directionFixtures {
            out.append((name, try JSONParser.parse(try Data(contentsOf: folder.appendingPathComponent(name + ".json")))))
        }
        return out.map { name, json in
            guard case .object(var o) = json else { return (name, json) }
            switch o["issuer"] {
            case nil: o["issuer"] = .string(issuer)
            case .object(var i)?: i["id"] = .string(issuer); o["issuer"] = .object(i)
            default: break
            }
            return (name, .object(o))
        }
    }

    func file(_ value: JSONValue) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pyld-\(UUID().uuidString).json")
        try Data(JSONWriter.data(value)).write(to: url)
        return url
    }

    @Test func theCanonicalFormsAreTheSame() throws {
        for (name, document) in try documents(issuer: "did:example:issuer") {
            let url = try file(document)
            defer { try? FileManager.default.removeItem(at: url) }
            let python = try crosscheck(["canon", url.path])
            #expect(python.status == 0, "\(name): \(python.stderr)")
            let swift = try JSONLDCanonicalizer().canonicalNQuads(of: document, hashAlgorithm: .sha256)
            #expect(swift == python.stdout, "\(name)\nskillcred:\n\(swift)\nPyLD:\n\(python.stdout)")
            #expect(swift.contains("^^<https://www.w3.org/ns/i18n#"), "\(name): the direction is carried")
        }
    }

    @Test func eachVerifiesTheOthersSignatureAndATurnedDirectionFailsBoth() async throws {
        let key = try PrivateKey.generate(.ed25519)
        let did = try key.publicKey.didKey()
        let signer = DataIntegritySigner(canonicalizer: JSONLDCanonicalizer())
        let verifier = DataIntegrityVerifier()
        for (name, document) in try documents(issuer: did) {
            // skillcred signs, PyLD verifies.
            let signed = try signer.addProof(
                to: document, options: ProofOptions(cryptosuite: .eddsaRdfc2022, verificationMethod: try key.publicKey.didKeyVerificationMethod()),
                key: try ProofSigningKey(key))
            let ours = try file(signed)
            defer { try? FileManager.default.removeItem(at: ours) }
            let checked = try crosscheck(["verify", ours.path])
            #expect(checked.status == 0, "\(name): PyLD refused skillcred's proof: \(checked.stderr)")

            // PyLD signs, skillcred verifies.
            var unsigned = document
            if case .object(var o) = unsigned {
                if case .object(var i)? = o["issuer"] { i["id"] = nil; o["issuer"] = .object(i) } else { o["issuer"] = nil }
                unsigned = .object(o)
            }
            let input = try file(unsigned)
            defer { try? FileManager.default.removeItem(at: input) }
            let theirs = try crosscheck(["sign", input.path, String(repeating: "07", count: 32)])
            #expect(theirs.status == 0, "\(name): \(theirs.stderr)")
            let theirDocument = try JSONParser.parse(theirs.stdout)
            let result = await verifier.verify(theirDocument)
            #expect(result.verified, "\(name): skillcred refused PyLD's proof: \(result.allErrors)")

            // The same signatures over a turned direction: neither accepts.
            let turned = try JSONParser.parse(
                theirs.stdout.replacingOccurrences(of: "\"rtl\"", with: "\"ltr\"").replacingOccurrences(of: "\"ltr\"", with: "\"rtl\""))
            #expect(!(await verifier.verify(turned)).verified, "\(name): a turned direction must not verify")
            let turnedFile = try file(turned)
            defer { try? FileManager.default.removeItem(at: turnedFile) }
            #expect(try crosscheck(["verify", turnedFile.path]).status != 0, "\(name): PyLD accepted a turned direction")
        }
    }
}
