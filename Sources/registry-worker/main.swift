// registry-worker: a test-only helper, not part of the skillcred product.
//
// The registry's multi-process and crash tests (Tests/CredentialRegistryTests/RegistryProcessTests.swift)
// spawn it to reserve and complete a batch from a separate OS process, run two at once, or SIGKILL one
// mid-batch and check what it left behind. It prints one line per committed step, flushed at once, so the
// test knows how far it got:
//
//   registry-worker SPEC --batch NAME --count N [--chunk C] [--complete] [--list-size S] [--purposes a,b]
//                   [--issuer DID] [--delay-ms D]
//
//   reserved <row-key> <credential-id> <purpose>=<list-url>#<index> ...   (after each reservation commits)
//   completed <credential-id>                                            (after each completion commits)
//   done <N>
//
// Exit status: 0 done, 2 bad arguments, 1 registry failure (message on standard error).
import CredentialRegistry
import Foundation
import RegistryStores

func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data(("registry-worker: " + message + "\n").utf8))
    exit(status)
}

func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

struct Options {
    var spec = ""
    var batch = "batch"
    var count = 100
    var chunk = 10
    var complete = false
    var listSize = 131_072
    var purposes = ["revocation", "suspension"]
    var issuer = "did:example:worker-issuer"
    var delayMilliseconds = 0

    init(_ arguments: [String]) {
        guard let spec = arguments.first, !spec.hasPrefix("--") else {
            fail(
                "usage: registry-worker SPEC --batch NAME --count N [--chunk C] [--complete] [--list-size S] [--purposes a,b] [--issuer DID] [--delay-ms D]",
                status: 2)
        }
        self.spec = spec
        var position = 1
        func value(_ name: String) -> String {
            guard position + 1 < arguments.count else { fail("\(name) needs a value", status: 2) }
            position += 1
            return arguments[position]
        }
        func number(_ name: String) -> Int {
            let text = value(name)
            guard let count = Int(text), count >= 0 else { fail("\(name) must be a non-negative integer, not `\(text)`", status: 2) }
            return count
        }
        while position < arguments.count {
            switch arguments[position] {
            case "--batch": batch = value("--batch")
            case "--count": count = number("--count")
            case "--chunk": chunk = max(1, number("--chunk"))
            case "--complete": complete = true
            case "--list-size": listSize = max(1, number("--list-size"))
            case "--purposes": purposes = value("--purposes").split(separator: ",").map(String.init)
            case "--issuer": issuer = value("--issuer")
            case "--delay-ms": delayMilliseconds = number("--delay-ms")
            default: fail("unknown option \(arguments[position])", status: 2)
            }
            position += 1
        }
    }
}

let options = Options(Array(CommandLine.arguments.dropFirst()))
let (spec, batch, count, chunk, complete, issuer, delayMilliseconds) =
    (options.spec, options.batch, options.count, options.chunk, options.complete, options.issuer, options.delayMilliseconds)

let policy = StatusAllocationPolicy(purposes: options.purposes, listSize: options.listSize, fillThreshold: 1)
do {
    let store = try await RegistryConnection.openReady(spec)
    var start = 0
    while start < count {
        let rows = start..<min(count, start + chunk)
        let requests = rows.map {
            ReservationRequest(
                issuer: issuer, batch: batch, rowKey: "row-\($0)", format: "vc2",
                newCredentialID: "urn:uuid:\(UUID().uuidString.lowercased())")
        }
        let records = try await store.reserve(requests, policy: policy)
        for record in records {
            let statuses = record.statuses.map { "\($0.purpose)=\($0.listURL)#\($0.index)" }.joined(separator: " ")
            emit("reserved \(record.rowKey) \(record.id) \(statuses)")
        }
        if complete {
            let pending = records.filter { $0.state == .reserved }
            try await store.complete(pending.map { (credentialID: $0.id, document: Array("{\"id\":\"\($0.id)\"}".utf8)) }, actor: "registry-worker")
            for record in pending { emit("completed \(record.id)") }
        }
        if delayMilliseconds > 0 { try await Task.sleep(nanoseconds: UInt64(delayMilliseconds) * 1_000_000) }
        start = rows.upperBound
    }
    emit("done \(count)")
} catch {
    fail("\(error)", status: 1)
}
