// Release-build benchmarks. Reproduce with: swift run -c release skillcred-bench [area…]
// Areas: status, rdfc, to-rdf, di, registry, issue, verify, lt, trusted-lists. Medians, in microseconds.
import Foundation

let requested = Set(CommandLine.arguments.dropFirst())
func wants(_ area: String) -> Bool { requested.isEmpty || requested.contains(area) }

print("skillcred benchmarks (release build expected; medians on this machine)")
if wants("status") { try runStatusListBenchmarks() }
if wants("rdfc") || requested.contains("--credential-runs") {
    do { try CanonicalizationBench.run() } catch { print("rdfc benchmark failed: \(error)") }
}
if wants("to-rdf") { try runToRDFBenchmarks() }
if wants("di") { await runDataIntegrityBenchmarks() }
if wants("registry") { try await runRegistryBenchmarks() }
if wants("issue") { try await runIssuanceBenchmarks() }
if wants("verify") { try await runVerifyBenchmarks() }
if wants("lt") { await runLongTermBenchmarks() }
if wants("trusted-lists") { try await runTrustedListBenchmarks() }
