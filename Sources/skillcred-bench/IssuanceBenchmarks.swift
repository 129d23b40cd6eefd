import CredentialIssuance
import Foundation
import JAdES
import KeyManagement
import LearningModel
import RegistrySQLite

/// Bulk issuing from the sample template with registry writes, in both formats.
///
/// N credentials (env SKILLCRED_BENCH_ISSUE_COUNT, default 1000; the target is 10,000 in ≤ 20 s per
/// format on 2 cores). A first run of N/10 shows that peak memory does not grow with the batch size:
/// compare the two VmHWM figures.
func runIssuanceBenchmarks() async throws {
    let count = ProcessInfo.processInfo.environment["SKILLCRED_BENCH_ISSUE_COUNT"].flatMap(Int.init) ?? 1000
    let template = try CredentialTemplate.load(path: repositoryRoot.appendingPathComponent("samples/templates/micro-credential.json").path)
    let sample = try Recipients.validate(csv: sampleBytes("samples/recipients.csv"), name: "recipients.csv", template: template).validRows
    func rows(_ size: Int, prefix: String) -> [RecipientRow] {
        (0..<size).map { i in
            var values = sample[i % sample.count].values
            values["id"] = String(format: "\(prefix)-%07d", i)
            return RecipientRow(line: i + 2, values: values)
        }
    }
    // Keys made for this run (a demo seal under a throwaway CA, an Ed25519 issuer key); none is stored anywhere.
    let edc = try CredentialSecuring.jades(try DemoSeal.make().sealer())
    let key = try PrivateKey.generate(.ed25519)
    let vc2 = try CredentialSecuring.dataIntegrity(key: key, issuerName: template.awardingBody.legalName, country: template.awardingBody.country)

    print(
        "issue: \(count) credentials from samples/templates/micro-credential.json, registry in a temporary SQLite file, \(ProcessInfo.processInfo.activeProcessorCount) cores"
    )
    for (name, securing) in [("edc-jades (ES256 demo seal)", edc), ("vc2 (eddsa-rdfc-2022)", vc2)] {
        for learners in [max(1, count / 10), count] {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-bench-issue-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let store = try SQLiteRegistryStore(path: dir.appendingPathComponent("registry.sqlite").path)
            let issuer = BatchIssuer(
                template: template, securing: securing, registry: store,
                outputDirectory: dir.appendingPathComponent("out"))
            let batch = rows(learners, prefix: "B\(learners)")
            let clock = ContinuousClock()
            let elapsed = try await clock.measure { _ = try await issuer.issue(batch) }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let label = "issue \(name): \(learners) credentials".padding(toLength: 60, withPad: " ", startingAt: 0)
            print(label + String(format: " total %8.2f s   %7.0f /s", seconds, Double(learners) / seconds) + "   peak RSS (VmHWM) " + peakRSS())
        }
    }
}

/// The process's peak resident set size from /proc/self/status (Linux), e.g. "52340 kB".
func peakRSS() -> String {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
    else { return "n/a" }
    return line.dropFirst("VmHWM:".count).trimmingCharacters(in: .whitespaces)
}
