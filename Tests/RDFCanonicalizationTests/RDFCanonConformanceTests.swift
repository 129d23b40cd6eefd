import CredentialJSON
import Foundation
import RDF
import RDFCanonicalization
import TestSupport
import Testing

/// The W3C rdf-canon test suite (RDFC-1.0), driven by its manifest.
@Suite("rdf-canon conformance", .needsSharedData)
struct RDFCanonConformanceTests {
    struct Entry: Sendable {
        let id: String
        let type: String
        let action: String
        let result: String?
        let hashAlgorithm: HashAlgorithm
    }

    static func loadManifest() throws -> (folder: URL, entries: [Entry])? {
        guard let url = SharedData.vector("rdf-canon/tests/manifest.jsonld") else { return nil }
        let manifest = try JSONParser.parse(try SharedData.data(url))
        let entries = try #require(manifest["entries"]?.arrayValue)
        return (
            url.deletingLastPathComponent(),
            try entries.map { entry in
                let algorithm = entry["hashAlgorithm"]?.stringValue ?? "SHA256"
                return Entry(
                    id: try #require(entry["id"]?.stringValue),
                    type: try #require(entry["type"]?.stringValue),
                    action: try #require(entry["action"]?.stringValue),
                    result: entry["result"]?.stringValue,
                    hashAlgorithm: try #require(HashAlgorithm(rawValue: algorithm), "unknown hash \(algorithm)"))
            }
        )
    }

    /// Runs one entry; returns nil on success or the reason it failed.
    static func run(_ entry: Entry, folder: URL) -> String? {
        do {
            let input = try NQuads.parse(utf8: try SharedData.data(folder.appendingPathComponent(entry.action)))
            let canonicalizer = RDFCanonicalizer(hashAlgorithm: entry.hashAlgorithm)
            switch entry.type {
            case "rdfc:RDFC10EvalTest":
                let expected = try SharedData.data(folder.appendingPathComponent(entry.result ?? ""))
                let actual = try canonicalizer.canonicalize(input).nquads
                guard Array(actual.utf8) == Array(expected) else {
                    return "output differs:\n\(actual)\nexpected:\n\(String(decoding: expected, as: UTF8.self))"
                }
                // The bytes the RDFC cryptosuites hash, made without the String.
                return try canonicalizer.canonicalNQuadsUTF8(input) == Array(expected) ? nil : "canonicalNQuadsUTF8 differs from nquads"
            case "rdfc:RDFC10MapTest":
                let expectedJSON = try JSONParser.parse(try SharedData.data(folder.appendingPathComponent(entry.result ?? "")))
                guard let object = expectedJSON.objectValue else { return "map file is not an object" }
                var expected: [String: String] = [:]
                for (key, value) in object { expected[key] = value.stringValue }
                let actual = try canonicalizer.canonicalize(input).issuedIdentifiers
                return actual == expected ? nil : "map differs: \(actual) expected \(expected)"
            case "rdfc:RDFC10NegativeEvalTest":
                let start = ContinuousClock.now
                do {
                    _ = try canonicalizer.canonicalize(input)
                    return "canonicalization succeeded but must be rejected"
                } catch {
                    guard error.code == .workLimitExceeded else { return "wrong error \(error)" }
                    let elapsed = ContinuousClock.now - start
                    return elapsed < .seconds(1) ? nil : "rejected only after \(elapsed)"
                }
            default:
                return "unknown test type \(entry.type)"
            }
        } catch {
            return "error: \(error)"
        }
    }

    @Test("all rdf-canon manifest entries pass (eval byte for byte, maps, poison rejected)")
    func manifest() throws {
        guard let (folder, entries) = try Self.loadManifest() else { return }
        #expect(entries.count == 86)
        var passed = 0, failed = 0
        let start = ContinuousClock.now
        for entry in entries {
            if let failure = Self.run(entry, folder: folder) {
                failed += 1
                Issue.record("\(entry.id): \(failure)")
            } else {
                passed += 1
            }
        }
        let elapsed = ContinuousClock.now - start
        print("rdf-canon: \(passed) passed, \(failed) failed, 0 skipped (\(elapsed))")
        #expect(failed == 0)
    }
}

@Suite("rdf-canon work measurements", .needsSharedData)
struct RDFCanonWorkTests {
    /// The defaults must leave legitimate inputs (the evil tests 044–046 are the heaviest) far from the bounds,
    /// so that a slightly larger real dataset is not refused.
    @Test("every eval input stays at least 10 times below the default work limits")
    func headroom() throws {
        guard let (folder, entries) = try RDFCanonConformanceTests.loadManifest() else { return }
        var worst = CanonicalizationWork(nDegreeCalls: 0, maxNDegreeCallsForOneBlankNode: 0, permutations: 0)
        for entry in entries where entry.type == "rdfc:RDFC10EvalTest" {
            let input = try NQuads.parse(utf8: try SharedData.data(folder.appendingPathComponent(entry.action)))
            let w = try RDFCanonicalizer(hashAlgorithm: entry.hashAlgorithm).canonicalize(input).work
            worst.nDegreeCalls = max(worst.nDegreeCalls, w.nDegreeCalls)
            worst.recursiveNDegreeCalls = max(worst.recursiveNDegreeCalls, w.recursiveNDegreeCalls)
            worst.maxNDegreeCallsForOneBlankNode = max(worst.maxNDegreeCallsForOneBlankNode, w.maxNDegreeCallsForOneBlankNode)
            worst.permutations = max(worst.permutations, w.permutations)
        }
        print("rdf-canon heaviest eval input: \(worst)")
        let limits = CanonicalizationLimits.default
        #expect(worst.maxNDegreeCallsForOneBlankNode * 10 <= limits.maxNDegreeCallsPerBlankNode)
        #expect(worst.recursiveNDegreeCalls * 10 <= limits.maxRecursiveNDegreeCallsTotal)
        #expect(worst.permutations * 10 <= limits.maxPermutationsTotal)
    }
}
