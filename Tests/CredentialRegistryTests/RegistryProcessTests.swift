import CredentialRegistry
import Foundation
import RegistryStores
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The test-only `registry-worker` executable that `swift build` / `swift test` build beside the test bundle.
enum RegistryWorker {
    static let binary: URL? = {
        var candidates: [URL] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(URL(fileURLWithPath: exe).deletingLastPathComponent())
        }
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
        candidates.append(Bundle.main.bundleURL)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug"))
        return candidates.map { $0.appendingPathComponent("registry-worker") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    /// One `reserved` line: a row and what it got.
    struct Reservation: Hashable {
        var rowKey: String
        var id: String
        var statuses: [String]  // purpose=url#index
    }

    /// A running worker; its output is collected as it comes (``ChildProcess``).
    final class Running: Sendable {
        let process: ChildProcess

        init(_ arguments: [String]) throws {
            let binary = try #require(RegistryWorker.binary, "registry-worker is not built: run swift build first")
            process = try ChildProcess.start(binary, arguments)
        }

        /// The complete lines written so far.
        var output: [String] { Self.lines(process.standardOutput) }

        /// The complete lines of `bytes` (what follows the last newline is empty, or a line still being written).
        static func lines(_ bytes: [UInt8]) -> [String] {
            var lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            lines.removeLast()
            return lines
        }

        var standardError: String { String(decoding: process.standardError, as: UTF8.self) }

        /// Polls until `condition` holds on the output so far or the worker exits; false on timeout.
        func wait(upTo seconds: Int, until condition: ([String]) -> Bool) -> Bool {
            process.waitForOutput(limit: .seconds(seconds)) { condition(Self.lines($0)) }
        }

        /// Waits for exit and the end of its output (bounded; killed after that) and returns the status.
        @discardableResult
        func waitForExit(seconds: Int = 60) -> Int32? {
            guard let ended = process.wait(limit: .seconds(seconds)) else {
                process.stop()
                return nil
            }
            return ended.status
        }

        /// Whether a signal ended it.
        var wasKilled: Bool { process.wait(limit: .zero)?.signalled == true }

        func kill() { process.send(signal: SIGKILL) }
    }

    static func reservations(in lines: [String]) -> [Reservation] {
        lines.compactMap { line in
            let parts = line.split(separator: " ").map(String.init)
            guard parts.first == "reserved", parts.count >= 3 else { return nil }
            return Reservation(rowKey: parts[1], id: parts[2], statuses: Array(parts.dropFirst(3)))
        }
    }
}

/// Separate OS processes against one registry: two reserving at once, and one SIGKILLed mid-batch.
/// Engine-neutral; each engine's suite passes a fresh spec.
struct RegistryProcessBehaviour {
    let freshSpec: @Sendable () throws -> String

    func twoProcessesReservingAtOnceNeverShareAnIndex() async throws {
        let spec = try freshSpec()
        // Small lists, so both processes also race to start new lists.
        let common = ["--count", "120", "--chunk", "4", "--list-size", "128", "--purposes", "revocation"]
        let a = try RegistryWorker.Running([spec, "--batch", "a"] + common)
        let b = try RegistryWorker.Running([spec, "--batch", "b"] + common)
        #expect(a.waitForExit() == 0, "\(a.standardError)")
        #expect(b.waitForExit() == 0, "\(b.standardError)")
        let all = RegistryWorker.reservations(in: a.output) + RegistryWorker.reservations(in: b.output)
        #expect(all.count == 240)
        let slots = all.flatMap(\.statuses)
        #expect(Set(slots).count == 240, "an index was handed out twice")
        let store = try await RegistryConnection.openReady(spec)
        #expect(try await store.consistencyProblems() == [])
        let allocations = try await store.allocations()
        #expect(allocations.map(\.usedIndexes.count).reduce(0, +) == 240)
        #expect(allocations.count == 2)  // 240 of 128 per list
    }

    func aBatchKilledMidwayIsConsistentAndResumes() async throws {
        let spec = try freshSpec()
        let arguments = [spec, "--batch", "bulk", "--count", "150", "--chunk", "3", "--complete", "--list-size", "1024"]
        // A short pause between chunks makes sure the kill lands mid-batch even on a fast machine.
        let first = try RegistryWorker.Running(arguments + ["--delay-ms", "2"])
        let gotFar = first.wait(upTo: 60) { RegistryWorker.reservations(in: $0).count >= 24 }
        first.kill()
        first.waitForExit()
        #expect(gotFar, "the worker never got going: \(first.standardError)")
        #expect(first.wasKilled, "the worker finished before it was killed")
        let before = RegistryWorker.reservations(in: first.output)
        #expect(before.count < 150)

        let store = try await RegistryConnection.openReady(spec)
        #expect(try await store.consistencyProblems() == [])
        for r in before {
            let record = try #require(try await store.credential(id: r.id), "reported reservation \(r.id) is missing after the crash")
            #expect(record.statuses.map { "\($0.purpose)=\($0.listURL)#\($0.index)" } == r.statuses)
        }

        let rerun = try RegistryWorker.Running(arguments)
        #expect(rerun.waitForExit() == 0, "\(rerun.standardError)")
        #expect(rerun.output.last == "done 150")
        let after = RegistryWorker.reservations(in: rerun.output)
        #expect(after.count == 150)
        let byRow = Dictionary(uniqueKeysWithValues: after.map { ($0.rowKey, $0) })
        for r in before {
            #expect(byRow[r.rowKey] == r, "row \(r.rowKey) did not come back with its credential and indexes")
        }
        #expect(Set(after.map(\.id)).count == 150)
        #expect(Set(after.flatMap(\.statuses)).count == 300)
        #expect(try await store.consistencyProblems() == [])
        let allocations = try await store.allocations()
        #expect(allocations.map(\.usedIndexes.count).reduce(0, +) == 300)
        for r in after {
            #expect(try await store.credential(id: r.id)?.state == .issued)
        }
    }
}

@Suite(
    "SQLite registry across processes",
    .enabled(
        if: RegistryWorker.binary != nil || PostgresTestServer.isRequired,
        "build registry-worker first (swift build)"))
struct SQLiteProcessTests {
    let behaviour = RegistryProcessBehaviour { SQLiteRegistryTests.temporaryPath() }

    @Test func twoProcessesReservingAtOnceNeverShareAnIndex() async throws { try await behaviour.twoProcessesReservingAtOnceNeverShareAnIndex() }
    @Test func aBatchKilledMidwayIsConsistentAndResumes() async throws { try await behaviour.aBatchKilledMidwayIsConsistentAndResumes() }
}

@Suite("PostgreSQL registry across processes", .enabled(if: PostgresTestServer.enabled, "SKILLCRED_TEST_POSTGRES_URL is not set"))
struct PostgresProcessTests {
    let behaviour = RegistryProcessBehaviour { try PostgresTestServer.freshSpec() }

    @Test func twoProcessesReservingAtOnceNeverShareAnIndex() async throws { try await behaviour.twoProcessesReservingAtOnceNeverShareAnIndex() }
    @Test func aBatchKilledMidwayIsConsistentAndResumes() async throws { try await behaviour.aBatchKilledMidwayIsConsistentAndResumes() }
}
