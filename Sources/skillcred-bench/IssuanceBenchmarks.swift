import CredentialIssuance
import Foundation
import JAdES
import KeyManagement
import LearningModel
import RegistrySQLite

/// Bulk issuing from the sample template with registry writes, in both formats.
///
/// N credentials (env SKILLCRED_BENCH_ISSUE_COUNT, default 1000; issue 19's goal is 10,000 EDCs in ≤ 8 s and
/// 10,000 VC 2.0 in ≤ 6 s on 2 cores). A first run of N/10 shows that peak memory does not grow with the
/// batch size: compare the two VmHWM figures. SKILLCRED_BENCH_ISSUE_FORMATS=edc or =vc2 runs one format only.
func runIssuanceBenchmarks() async throws {
    let environment = ProcessInfo.processInfo.environment
    let count = environment["SKILLCRED_BENCH_ISSUE_COUNT"].flatMap(Int.init) ?? 1000
    let formats = Set((environment["SKILLCRED_BENCH_ISSUE_FORMATS"] ?? "edc,vc2").split(separator: ",").map(String.init))
    let (template, sample) = try sampleTemplateAndRows()
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
    // Every run's folder is removed at the end, not after the run: on ext4 without a journal (this machine's
    // disk), creating a file scans past inodes freed in the last ~30 s, so deleting thousands of credentials
    // between runs made the next run slower (a sixth of its CPU time in the kernel's recently_deleted).
    var made: [URL] = []
    defer { for dir in made { try? FileManager.default.removeItem(at: dir) } }
    for (format, name, securing) in [("edc", "edc-jades (ES256 demo seal)", edc), ("vc2", "vc2 (eddsa-rdfc-2022)", vc2)]
    where formats.contains(format) {
        for learners in [max(1, count / 10), count] {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-bench-issue-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            made.append(dir)
            let store = try SQLiteRegistryStore(path: dir.appendingPathComponent("registry.sqlite").path)
            let issuer = BatchIssuer(
                template: template, securing: securing, registry: store,
                outputDirectory: dir.appendingPathComponent("out"))
            let batch = rows(learners, prefix: "B\(learners)")
            let clock = ContinuousClock()
            let cpuBefore = processCPUSeconds()
            let elapsed = try await clock.measure { _ = try await issuer.issue(batch) }
            let cpu = processCPUSeconds() - cpuBefore
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let label = "issue \(name): \(learners) credentials".padding(toLength: 60, withPad: " ", startingAt: 0)
            print(
                label + String(format: " total %8.2f s   %7.0f /s   CPU (user+sys) %6.2f s", seconds, Double(learners) / seconds, cpu)
                    + "   peak RSS (VmHWM) " + peakRSS())
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

/// User plus system CPU time of the process so far: with every core busy, wall time ≈ this / cores, so it
/// shows what a run costs even when other processes share the cores.
func processCPUSeconds() -> Double {
    var usage = rusage()
    #if canImport(Glibc)
    getrusage(RUSAGE_SELF.rawValue, &usage)
    #else
    getrusage(RUSAGE_SELF, &usage)
    #endif
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}
