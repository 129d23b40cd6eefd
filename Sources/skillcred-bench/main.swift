// Release-build benchmarks. Reproduce with: swift run -c release skillcred-bench [area…]
// Areas: status, rdfc, to-rdf, di, registry, issue, verify, lt, trusted-lists. Medians, in microseconds.
// `peers WORK RDFC_DIR RUNS [CASE]` is scripts/bench-peers.sh's side against PyLD (PeerBenchmarks.swift).
//
// The top level stays synchronous (async work runs through `runBlocking`): an async top level parks the main
// thread in libdispatch's sigsuspend, which valgrind 3.19 cannot follow in this binary (it dies reading the
// signal mask), and callgrind's instruction counts are how changes are compared on a shared machine.
import Dispatch
import Foundation

/// Runs `body` on the concurrency runtime's pool and waits for it; an error ends the process.
func runBlocking(_ body: @escaping @Sendable () async throws -> Void) {
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        do { try await body() } catch {
            FileHandle.standardError.write(Data("skillcred-bench: \(error)\n".utf8))
            exit(1)
        }
        done.signal()
    }
    done.wait()
}

if CommandLine.arguments.count > 1 && CommandLine.arguments[1] == "peers" {
    let arguments = Array(CommandLine.arguments.dropFirst(2))
    runBlocking { try await runPeerBenchmarks(arguments: arguments) }
    exit(0)
}

let requested = Set(CommandLine.arguments.dropFirst())
func wants(_ area: String) -> Bool { requested.isEmpty || requested.contains(area) }

print("skillcred benchmarks (release build expected; medians on this machine)")
if wants("status") { try runStatusListBenchmarks() }
if wants("rdfc") || requested.contains("--credential-runs") {
    do { try CanonicalizationBench.run() } catch { print("rdfc benchmark failed: \(error)") }
}
if wants("to-rdf") { try runToRDFBenchmarks() }
if wants("di") { runBlocking { await runDataIntegrityBenchmarks() } }
if wants("registry") { runBlocking { try await runRegistryBenchmarks() } }
if wants("issue") { runBlocking { try await runIssuanceBenchmarks() } }
if wants("verify") { runBlocking { try await runVerifyBenchmarks() } }
if wants("lt") { runBlocking { await runLongTermBenchmarks() } }
if wants("trusted-lists") { runBlocking { try await runTrustedListBenchmarks() } }
