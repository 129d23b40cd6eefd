import CredentialJSON
import CredentialVerification
import DataIntegrity
import Foundation
import JAdES
import KeyManagement
import ProfileValidation

/// Batch verification (issue 7 goal: ≤ 2 s for each batch of 1,000 on 2 cores): 1,000 sealed EDCs of the
/// EU sample's size and 1,000 VC 2.0 credentials with an eddsa-rdfc-2022 proof, through `verifyBatch`.
func runVerifyBenchmarks(runs: Int = 3) async throws {
    let edcPath = repositoryRoot.appendingPathComponent("../shared/edc-samples/ec-elm/v3.1-master/Sample-MC-Annex1-signed.jsonld").standardizedFileURL
    guard let edc = FileManager.default.contents(atPath: edcPath.path) else {
        print("verify: \(edcPath.path) not found; skipping the sealed-EDC batch")
        return
    }
    let key = try PrivateKey.generate(.ed25519)
    var credential = try JSONParser.parse(sampleBytes("samples/vc2-small.json"))
    if case .object(var object) = credential {
        object["issuer"] = .string(try key.publicKey.didKey())
        object["proof"] = nil
        credential = .object(object)
    }
    let signed = try DataIntegritySigner(canonicalizer: JSONLDCanonicalizer()).addProof(
        to: credential, options: ProofOptions(verificationMethod: try key.publicKey.didKeyVerificationMethod()), key: try ProofSigningKey(key))
    let batches: [(String, [(source: String, bytes: [UInt8])])] = [
        ("1,000 sealed EDCs (\(edc.count / 1024) KiB each)", (0..<1000).map { ("edc\($0)", Array(edc)) }),
        ("1,000 VC 2.0 eddsa-rdfc-2022 credentials", (0..<1000).map { ("vc\($0)", JSONWriter.data(signed)) }),
    ]
    // Where a sealed EDC's time goes, one item at a time.
    let edcBytes = Array(edc)
    let payload = InputDetector.detect(edcBytes, source: "edc").first?.document ?? .null
    Benchmark("verify parts: detect (parse JWS and payload)", iterations: 20, warmup: 2).run { _ = InputDetector.detect(edcBytes, source: "edc") }
    Benchmark("verify parts: JAdES seal verification", iterations: 20, warmup: 2).run { _ = JAdESVerifier().verify(edcBytes) }
    Benchmark("verify parts: EDC profile validation", iterations: 20, warmup: 2).run { _ = ProfileValidator().validate(payload) }
    Benchmark("verify parts: summary", iterations: 20, warmup: 2).run { _ = CredentialSummary(credential: payload) }
    let clock = ContinuousClock()
    // The third run shows what the safe-mode JSON-LD pass of the Format check costs on large EDCs.
    let runsToDo: [(String, [(source: String, bytes: [UInt8])], CredentialVerifier)] = [
        (batches[0].0, batches[0].1, CredentialVerifier()),
        (batches[1].0, batches[1].1, CredentialVerifier()),
        (batches[0].0 + ", Format without JSON-LD", batches[0].1, CredentialVerifier(policy: VerificationPolicy(jsonLDFormatCheck: false))),
    ]
    for (name, items, verifier) in runsToDo {
        _ = await verifier.verifyBatch(Array(items.prefix(20)))  // warm the context and key caches
        var seconds: [Double] = []
        var sealOK = 0
        for _ in 0..<runs {
            let start = clock.now
            let reports = await verifier.verifyBatch(items)
            let elapsed = clock.now - start
            seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            sealOK = reports.filter { $0.first?.check(.seal)?.status == .ok }.count
        }
        seconds.sort()
        print(
            "verify: \(name)".padding(toLength: 60, withPad: " ", startingAt: 0)
                + String(
                    format: " median %8.3f s   (%d runs, %d/%d seals OK, %d cores)", seconds[seconds.count / 2], runs, sealOK, items.count,
                    ProcessInfo.processInfo.activeProcessorCount))
    }
}
