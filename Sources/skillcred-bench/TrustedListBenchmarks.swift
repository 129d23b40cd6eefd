import CredentialVerification
import Foundation
import JAdES
import TrustedLists

/// The cost of the EU trusted lists (issue 15): loading and verifying a folder of lists, qualifying one seal, and a
/// whole verification with and without the lists.
///
/// Needs a folder of lists, its pinned LOTL signer and a seal made under one of its services, named by
/// `SKILLCRED_BENCH_TRUSTED_LISTS`, `SKILLCRED_BENCH_LOTL_SIGNER` and `SKILLCRED_BENCH_SEALED` (the test suite's
/// TrustedListFixture makes such a set; docs/trusted-lists.md shows how to keep one for the benchmark).
func runTrustedListBenchmarks() async throws {
    let environment = ProcessInfo.processInfo.environment
    guard let folder = environment["SKILLCRED_BENCH_TRUSTED_LISTS"], let signerPath = environment["SKILLCRED_BENCH_LOTL_SIGNER"],
        let sealedPath = environment["SKILLCRED_BENCH_SEALED"], let sealed = FileManager.default.contents(atPath: sealedPath)
    else {
        print("trusted-lists: set SKILLCRED_BENCH_TRUSTED_LISTS, SKILLCRED_BENCH_LOTL_SIGNER and SKILLCRED_BENCH_SEALED; skipping")
        return
    }
    let signers = try JAdESPEM.certificates(contentsOf: URL(fileURLWithPath: signerPath))
    let directory = URL(fileURLWithPath: folder)
    let lists = try TrustedListSet.load(directory: directory, lotlSigners: signers)
    let services = lists.lists.reduce(0) { $0 + $1.list.services.count }
    try Benchmark("trusted lists: load + verify \(lists.lists.count + 1) lists (\(services) CA/QC services)", iterations: 20, warmup: 2).run {
        _ = try TrustedListSet.load(directory: directory, lotlSigners: signers)
    }
    let bytes = Array(sealed)
    guard let signature = JAdESVerifier().verify(bytes).signatures.first, let leaf = signature.signingCertificate else {
        print("trusted-lists: \(sealedPath) is not a verifiable JAdES seal; skipping the per-seal figures")
        return
    }
    let intermediates = Array(signature.certificateChain.dropFirst())
    let claims = CertificateQCClaims(compliance: true, qscd: true, types: [.eSeal])
    let now = Date()
    Benchmark("trusted lists: anchors + qualification of one seal", iterations: 2000, warmup: 50).run {
        _ = lists.anchors(forSealCertificate: leaf, intermediates: intermediates, at: now)
        _ = lists.qualify(leaf, chain: [], claims: claims, at: now)
    }
    var withLists = VerificationPolicy()
    withLists.trustedLists = lists
    for (name, verifier) in [("without lists", CredentialVerifier()), ("with lists", CredentialVerifier(policy: withLists))] {
        _ = await verifier.verify(bytes: bytes, source: "warm")
        var samples: [Double] = []
        let clock = ContinuousClock()
        for _ in 0..<200 {
            let start = clock.now
            _ = await verifier.verify(bytes: bytes, source: "bench")
            let elapsed = clock.now - start
            samples.append(Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12)
        }
        samples.sort()
        print(
            "trusted lists: one sealed EDC verified, \(name)".padding(toLength: 60, withPad: " ", startingAt: 0)
                + String(format: " median %10.2f µs   p90 %10.2f µs   (n=200)", samples[100], samples[180]))
    }
}
