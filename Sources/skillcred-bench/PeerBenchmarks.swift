import CredentialIssuance
import CredentialJSON
import CredentialRegistry
import CredentialVerification
import DataIntegrity
import Foundation
import KeyManagement
import ProfileValidation
import RDF
import RDFCanonicalization
import RegistrySQLite

/// skillcred's side of `scripts/bench-peers.sh`: the work `tools/bench-pyld.py` times with PyLD, on the same files.
///
/// `skillcred-bench peers WORK RDFC_DIR RUNS [CASE]` prints `PEER <case> <median µs>` for each case (see
/// `tools/bench-pyld.py` for what each case is; `edc-profile` and `verify-edc`, the EDC profile walk and a whole
/// verification of the EU's sealed sample `WORK/edc-sample.json`, are skillcred's alone; so is `issue-vc2`, one row
/// of bulk issuing from the sample template without the registry and the file: build, check, sign, write; and
/// `status-read`, the registry read each verification of a credential the service issued makes per status entry). With CASE it runs only that case, RUNS times, untimed: what
/// `valgrind --tool=callgrind` counts instructions of.
func runPeerBenchmarks(arguments: [String]) async throws {
    guard arguments.count >= 3, let runs = Int(arguments[2]) else {
        FileHandle.standardError.write(Data("usage: skillcred-bench peers WORK RDFC_DIR RUNS [CASE]\n".utf8))
        exit(2)
    }
    let work = URL(fileURLWithPath: arguments[0])
    let rdfcFolder = URL(fileURLWithPath: arguments[1])
    let only = arguments.count > 3 ? arguments[3] : nil

    func document(_ name: String) throws -> JSONValue {
        guard let data = FileManager.default.contents(atPath: work.appendingPathComponent(name).path) else {
            FileHandle.standardError.write(Data("skillcred-bench: cannot read \(work.appendingPathComponent(name).path)\n".utf8))
            exit(2)
        }
        return try JSONParser.parse(Array(data))
    }
    func unsecured(_ value: JSONValue) -> JSONValue {
        guard var object = value.objectValue else { return value }
        object.removeValue(forKey: "proof")
        return .object(object)
    }
    let canonicalizer = JSONLDCanonicalizer()
    let large = unsecured(try document("vc2-large.json"))
    let learning = unsecured(try document("learning.json"))
    var inputs: [(name: String, text: String)] = []
    let names = (try? FileManager.default.contentsOfDirectory(atPath: rdfcFolder.path)) ?? []
    for name in names.sorted() where name.hasSuffix("-in.nq") && name != "test074-in.nq" {
        inputs.append((name, try String(contentsOf: rdfcFolder.appendingPathComponent(name), encoding: .utf8)))
    }
    guard !inputs.isEmpty else {
        FileHandle.standardError.write(Data("skillcred-bench: no rdf-canon inputs in \(rdfcFolder.path)\n".utf8))
        exit(2)
    }
    let verifier = CredentialVerifier()
    let signedSmall = try document("signed-vc2-small.json")
    let signedLarge = try document("signed-vc2-large.json")
    for (name, signed) in [("small", signedSmall), ("large", signedLarge)] {
        let report = await verifier.verify(json: signed, source: name).first
        guard report?.check(.seal)?.status == .ok, report?.check(.format)?.status == .ok else {
            FileHandle.standardError.write(Data("skillcred-bench: signed-vc2-\(name).json does not verify: \(report?.problems ?? [])\n".utf8))
            exit(1)
        }
    }

    // The EU's 147 KB sealed sample, when the script put it there: skillcred's own cases (PyLD has no EDC profile).
    let edcPath = work.appendingPathComponent("edc-sample.json").path
    let edcBytes = FileManager.default.contents(atPath: edcPath).map { Array($0) }
    let edcPayload = edcBytes.flatMap { InputDetector.detect($0, source: "edc").first?.document }

    var sink = 0
    var cases: [(String, Int, () async throws -> Void)] = [
        ("canon-vc2-large", runs, { sink &+= try canonicalizer.canonicalNQuads(of: large, hashAlgorithm: .sha256).utf8.count }),
        ("canon-learning", runs, { sink &+= try canonicalizer.canonicalNQuads(of: learning, hashAlgorithm: .sha256).utf8.count }),
        (
            "rdfc-eval", max(3, runs / 20),
            {
                for input in inputs {
                    let algorithm: HashAlgorithm = input.name == "test075-in.nq" ? .sha384 : .sha256
                    sink &+= try RDFCanonicalizer(hashAlgorithm: algorithm).canonicalize(try NQuads.parse(input.text)).nquads.utf8.count
                }
            }
        ),
        ("verify-small", runs, { sink &+= await verifier.verify(json: signedSmall, source: "small").count }),
        ("verify-large", runs, { sink &+= await verifier.verify(json: signedLarge, source: "large").count }),
    ]
    if let edcBytes, let edcPayload {
        let validator = ProfileValidator()
        cases.append(("edc-profile", max(3, runs / 10), { sink &+= validator.validate(edcPayload).violations.count }))
        cases.append(("verify-edc", max(3, runs / 10), { sink &+= await verifier.verify(bytes: edcBytes, source: "edc").count }))
    }
    // A registry in a scratch folder, for the two cases below that need one: made only when one of them runs.
    var scratch: (folder: URL, registry: SQLiteRegistryStore)?
    defer { if let scratch { try? FileManager.default.removeItem(at: scratch.folder) } }
    func scratchRegistry() throws -> (folder: URL, registry: SQLiteRegistryStore) {
        if let scratch { return scratch }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-bench-peers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let made = (folder: folder, registry: try SQLiteRegistryStore(path: folder.appendingPathComponent("registry.sqlite").path))
        scratch = made
        return made
    }

    // One row of `skillcred issue --format vc2`: what each of the 10,000 rows of issue 19's bulk goal costs in CPU
    // besides the registry and the file. Its issuer needs a registry and an output folder, which `secure` does not touch.
    if only == nil || only == "issue-vc2" {
        let (template, rows) = try sampleTemplateAndRows()
        let (folder, registry) = try scratchRegistry()
        let securing = try CredentialSecuring.dataIntegrity(
            key: try PrivateKey.generate(.ed25519), issuerName: template.awardingBody.legalName, country: template.awardingBody.country)
        let issuer = BatchIssuer(
            template: template, securing: securing, registry: registry, outputDirectory: folder.appendingPathComponent("out"))
        let listURL = "https://issuer.example/status/1"
        let record = CredentialRecord(
            id: "urn:uuid:6f1c1e64-5a53-4a53-9a8e-0d6f3f0c2a11", issuer: "bench", batch: "bench", rowKey: rows[0].id, format: "vc2",
            state: .reserved,
            statuses: [
                StatusAssignment(purpose: "revocation", listURL: listURL, index: 7), StatusAssignment(purpose: "suspension", listURL: listURL + "s", index: 7),
            ],
            document: nil, createdAt: Date(timeIntervalSince1970: 1_780_000_000))
        cases.append(("issue-vc2", runs, { sink &+= try issuer.secure(row: rows[0], record: record, now: record.createdAt).count }))
    }

    // What each verification of a credential the service issued reads per status entry: its list from the registry.
    if only == nil || only == "status-read" {
        let store = try scratchRegistry().registry
        let reserved = try await store.reserve(
            [ReservationRequest(issuer: "bench", batch: "bench", rowKey: "r", format: "vc2", newCredentialID: "urn:uuid:\(UUID().uuidString)")],
            policy: StatusAllocationPolicy())
        guard let listURL = reserved.first?.statuses.first?.listURL else {
            FileHandle.standardError.write(Data("skillcred-bench: reserving gave no status entry\n".utf8))
            exit(1)
        }
        cases.append(("status-read", runs, { sink &+= try await store.statusList(url: listURL)?.bits.count ?? 0 }))
    }

    let clock = ContinuousClock()
    for (name, count, body) in cases where only == nil || only == name {
        if only != nil {
            for _ in 0..<runs { try await body() }
            continue
        }
        // Warm up for a fixed time, not one call: the context and key caches fill on the first call, but the first
        // case of a run was often timed up to twice as slow as the same work later in the run (the host's clock
        // and caches still settling), which one call did not cover.
        let warmUntil = clock.now.advanced(by: .milliseconds(300))
        repeat { try await body() } while clock.now < warmUntil
        var samples: [Double] = []
        samples.reserveCapacity(count)
        for _ in 0..<count {
            let start = clock.now
            try await body()
            let elapsed = clock.now - start
            samples.append(Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12)
        }
        samples.sort()
        print(String(format: "PEER %@ %.1f", name, samples[samples.count / 2]))
    }
    if sink == 42 { print("") }  // keeps the optimizer from removing the work
}
