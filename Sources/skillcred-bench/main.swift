// Release-build benchmarks. Reproduce with: swift run -c release skillcred-bench [area…]
// Areas: status, canonicalize, verify (more are added as the engine grows). Medians, in microseconds.
import Foundation

let requested = Set(CommandLine.arguments.dropFirst())
func wants(_ area: String) -> Bool { requested.isEmpty || requested.contains(area) }

print("skillcred benchmarks (release build expected; medians on this machine)")
if wants("status") { try runStatusListBenchmarks() }
if wants("canonicalize") { try CanonicalizationBench.run() }
if wants("verify") { try await runVerifyBenchmarks() }
