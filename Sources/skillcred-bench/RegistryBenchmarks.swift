import CredentialJSON
import CredentialRegistry
import Foundation
import RegistrySQLite
import StatusList

/// The registry on SQLite (a temp file, WAL, synchronous=FULL): bulk issue, mass revocation, republishing.
///
/// Each step is timed once (it is a bulk job, not a hot path); every transaction is durably committed, so
/// the revocation figure is dominated by the disk's fsync latency.
func runRegistryBenchmarks() async throws {
    let count = 10_000
    let chunk = 500
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-bench-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let store = try SQLiteRegistryStore(path: directory.appendingPathComponent("registry.sqlite").path)
    let policy = StatusAllocationPolicy()
    let document = [UInt8](repeating: UInt8(ascii: "x"), count: 2048)  // about the size of a signed credential
    let clock = ContinuousClock()

    func report(_ name: String, _ elapsed: Duration, operations: Int) {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let label = name.padding(toLength: max(60, name.count), withPad: " ", startingAt: 0)
        print(label + String(format: " total %9.3f s   per item %9.1f µs", seconds, seconds / Double(operations) * 1e6))
    }

    var ids: [String] = []
    ids.reserveCapacity(count)
    var reserving = Duration.zero
    var completing = Duration.zero
    for start in stride(from: 0, to: count, by: chunk) {
        let requests = (start..<min(count, start + chunk)).map {
            ReservationRequest(
                issuer: "did:example:bench", batch: "bench", rowKey: "row-\($0)", format: "vc2",
                newCredentialID: "urn:uuid:\(UUID().uuidString.lowercased())")
        }
        var records: [CredentialRecord] = []
        reserving += try await clock.measure { records = try await store.reserve(requests, policy: policy) }
        completing += try await clock.measure {
            try await store.complete(records.map { (credentialID: $0.id, document: document) }, actor: "bench")
        }
        ids += records.map(\.id)
    }
    report("registry (SQLite): reserve \(count) credentials, chunks of \(chunk)", reserving, operations: count)
    report("registry (SQLite): complete \(count) (2 KiB documents), chunks of \(chunk)", completing, operations: count)

    let revoked = try await clock.measure {
        for id in ids {
            _ = try await store.changeStatus(credentialID: id, action: .revoke, reason: "benchmark", actor: "bench")
        }
    }
    report("registry (SQLite): revoke \(count), one durable commit each", revoked, operations: count)

    let publisher = StatusListPublisher(directory: directory.appendingPathComponent("published"))
    var bytes = 0
    let republished = try await clock.measure {
        let lists = try await store.statusLists(issuer: nil)
        for list in lists {
            bytes += JSONWriter.string(try publisher.credential(for: list), style: .pretty).utf8.count
        }
    }
    report("registry (SQLite): read + build + encode all lists (unsigned), \(bytes) bytes", republished, operations: 1)

    let written = try await clock.measure {
        _ = try publisher.publish(try await store.statusLists(issuer: nil))
    }
    report("registry (SQLite): republish to files (atomic write + fsync)", written, operations: 1)
    let problems = try await store.consistencyProblems()
    if !problems.isEmpty { print("registry benchmark left an inconsistent registry: \(problems)") }
}
