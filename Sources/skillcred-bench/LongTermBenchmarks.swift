import CredentialJSON
import CredentialVerification
import Foundation
import JAdES

/// Issue 15 goal: verifying a B-LTA sample (sigTst, xVals, rVals, arcTst) within 5 ms, release build, warm.
/// The sample is the MyNextID degree EDC (DSS-made B-LTA, RS256, a 5.8 KiB CRL in rVals). Three figures: the seal
/// alone (signature, sigTst, xVals, rVals with its CRL signature, arcTst imprint), the seal's full evidence as the
/// Seal check sees it (chain, time, revocation, long-term lines), and the whole `skillcred verify` pipeline.
func runLongTermBenchmarks() async {
    let path = repositoryRoot.appendingPathComponent("../shared/edc-samples/mynextid/edc-dc-signed.jsonld").standardizedFileURL
    guard let data = FileManager.default.contents(atPath: path.path) else {
        print("lt: \(path.path) not found; skipping the B-LTA benchmark")
        return
    }
    let bytes = Array(data)
    guard let document = try? JWSJSONDocument(parsing: bytes) else { return }
    let entry = document.signatures[0]
    Benchmark("lt: JAdES B-LTA seal (signature, sigTst, arcTst imprint)", iterations: 200, warmup: 10).run {
        let result = JAdESVerifier().verify(document)
        let tokens = JAdESTimeStamps.signatureTimeStampTokens(in: entry.unprotectedHeader).compactMap { try? TimeStampToken(derEncoded: $0) }
        let properties = JAdESUnsignedProperties(unprotectedHeader: entry.unprotectedHeader)
        let archive = JAdESArchiveTimeStamps.check(payloadMember: document.payloadMember, entry: entry, properties: properties)
        precondition(result.isValid && tokens.count == 1 && archive.first?.problem == nil)
    }
    let verifier = CredentialVerifier()
    let clock = ContinuousClock()
    for (name, policy) in [
        ("lt: full verify of the B-LTA EDC (all checks)", VerificationPolicy()),
        ("lt: full verify of the B-LTA EDC, Format without JSON-LD", VerificationPolicy(jsonLDFormatCheck: false)),
    ] {
        let verifier = name.contains("without") ? CredentialVerifier(policy: policy) : verifier
        for _ in 0..<10 { _ = await verifier.verify(bytes: bytes, source: "lta") }
        var samples: [Double] = []
        for _ in 0..<100 {
            let start = clock.now
            let reports = await verifier.verify(bytes: bytes, source: "lta")
            let elapsed = clock.now - start
            precondition(reports.first?.check(.seal)?.details.contains { $0.hasPrefix("arcTst: archive time-stamp") } == true)
            samples.append(Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6)
        }
        samples.sort()
        print(
            name.padding(toLength: 60, withPad: " ", startingAt: 0)
                + String(format: " median %10.2f µs   p90 %10.2f µs   (n=%d)", samples[50], samples[90], 100))
    }
}
