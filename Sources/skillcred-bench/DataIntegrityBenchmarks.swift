import BundledContexts
import CredentialJSON
import DataIntegrity
import Foundation
import JSONLD
import JSONLDToRDF
import KeyManagement
import RDFCanonicalization

/// Data Integrity benchmarks: eddsa-rdfc-2022 sign and verify of the sample credential, and raw Ed25519.
///
/// Reads `samples/vc2-large.json` (or, when absent, the W3C `employ` vector credential from
/// `../shared`) and prints the median of `runs` timings of each step in milliseconds.
/// Run in release: `swift run -c release skillcred-bench`.
func runDataIntegrityBenchmarks(runs: Int = 200) async {
    let candidates = [
        "samples/vc2-large.json",
        "../shared/vectors/di-eddsa/TestVectors/employmentAuth.json",
    ]
    guard let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }),
        let data = FileManager.default.contents(atPath: path),
        var credential = try? JSONParser.parse(Array(data)).objectValue
    else {
        print("di: no sample credential found (looked for \(candidates.joined(separator: ", ")))")
        return
    }
    credential.removeValue(forKey: "proof")
    let key: ProofSigningKey
    let did: String
    let verificationMethod: String
    do {
        let managed = try PrivateKey.generate(.ed25519)
        key = try ProofSigningKey(managed)
        did = try managed.publicKey.didKey()
        verificationMethod = try managed.publicKey.didKeyVerificationMethod()
    } catch {
        print("di: cannot make a key: \(error)")
        return
    }
    credential["issuer"] = .string(did)

    let canonicalizer = JSONLDCanonicalizer()
    let signer = DataIntegritySigner(canonicalizer: canonicalizer)
    let verifier = DataIntegrityVerifier(canonicalizer: canonicalizer, resolver: DIDVerificationMethodResolver())
    let options = ProofOptions(cryptosuite: .eddsaRdfc2022, verificationMethod: verificationMethod)

    let signed: JSONValue
    do {
        signed = try signer.addProof(to: .object(credential), options: options, key: key)
    } catch {
        print("di: signing the sample failed: \(error)")
        return
    }
    let firstCheck = await verifier.verify(signed)
    guard firstCheck.verified else {
        print("di: the signed sample does not verify: \(firstCheck.allErrors)")
        return
    }

    func median(_ samples: [Double]) -> Double {
        let sorted = samples.sorted()
        return sorted[sorted.count / 2]
    }
    let clock = ContinuousClock()
    func ms(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    var signTimes: [Double] = []
    var verifyTimes: [Double] = []
    for _ in 0..<runs {
        signTimes.append(ms(clock.measure { _ = try? signer.addProof(to: .object(credential), options: options, key: key) }))
    }
    for _ in 0..<runs {
        let start = clock.now
        _ = await verifier.verify(signed)
        verifyTimes.append(ms(clock.now - start))
    }
    let message = Array(repeating: UInt8(7), count: 64)
    let publicKey = key.publicKey
    let signature = (try? key.signature(for: message)) ?? []
    var rawSign: [Double] = []
    var rawVerify: [Double] = []
    for _ in 0..<runs {
        rawSign.append(ms(clock.measure { _ = try? key.signature(for: message) }))
        rawVerify.append(ms(clock.measure { _ = publicKey.isValidSignature(signature, for: message) }))
    }
    // Where the time goes: the three steps of canonicalizing the credential, done once per sign or verify.
    let jsonld = ContextBundle.options()
    var expandTimes: [Double] = [], toRDFTimes: [Double] = [], rdfcTimes: [Double] = []
    var quadCount = 0
    for _ in 0..<runs {
        var start = clock.now
        guard let expanded = try? JSONLDProcessor.expand(.object(credential), options: jsonld) else { break }
        expandTimes.append(ms(clock.now - start))
        start = clock.now
        guard let dataset = try? RDFConversion.toRDF(expanded: expanded) else { break }
        toRDFTimes.append(ms(clock.now - start))
        quadCount = dataset.count
        start = clock.now
        _ = try? RDFCanonicalizer().canonicalize(dataset)
        rdfcTimes.append(ms(clock.now - start))
    }
    let resolver = DIDVerificationMethodResolver()
    var resolveTimes: [Double] = []
    for _ in 0..<runs {
        let start = clock.now
        _ = try? await resolver.resolve(verificationMethod: verificationMethod, relationship: .assertionMethod)
        resolveTimes.append(ms(clock.now - start))
    }
    var hashTimes: [Double] = []
    if let proofValue = signed["proof"], let proof = try? EmbeddedProof(proofValue, path: .root) {
        var unsecured = signed.objectValue ?? [:]
        unsecured.removeValue(forKey: "proof")
        for _ in 0..<runs {
            hashTimes.append(ms(clock.measure { _ = try? verifier.hashInputForVerification(proof: proof, document: unsecured, key: key.publicKey) }))
        }
    }
    print("di: sample \(path), \(runs) runs, median ms")
    print(String(format: "di:   verifier hash input %.3f ms", median(hashTimes)))
    print(String(format: "di:   did:key resolution %.3f ms", median(resolveTimes)))
    if !expandTimes.isEmpty, !toRDFTimes.isEmpty, !rdfcTimes.isEmpty {
        print(
            String(
                format: "di:   expand %.3f ms, toRDF %.3f ms (%d quads), RDFC-1.0 %.3f ms",
                median(expandTimes), median(toRDFTimes), quadCount, median(rdfcTimes)))
    }
    print(String(format: "di: eddsa-rdfc-2022 sign   %.3f ms", median(signTimes)))
    print(String(format: "di: eddsa-rdfc-2022 verify %.3f ms", median(verifyTimes)))
    print(String(format: "di: raw Ed25519 sign       %.4f ms", median(rawSign)))
    print(String(format: "di: raw Ed25519 verify     %.4f ms", median(rawVerify)))
}
