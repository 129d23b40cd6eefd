import CredentialJSON
import DataIntegrity
import Foundation
import KeyManagement
import TestSupport

struct MissingSharedFile: Error, CustomStringConvertible {
    let path: String
    var description: String { "shared test data missing: \(path)" }
}

/// Reads a file under the shared vectors folder (nil, with a loud message, when the data is absent).
func vectorData(_ relativePath: String) throws -> Data? {
    guard let url = SharedData.vector(relativePath) else { return nil }
    return try Data(contentsOf: url)
}

func vectorJSON(_ relativePath: String) throws -> JSONValue? {
    guard let data = try vectorData(relativePath) else { return nil }
    return try JSONParser.parse(Array(data))
}

func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

func bytes(fromHex text: String) -> [UInt8] {
    var out: [UInt8] = []
    var it = text.trimmingCharacters(in: .whitespacesAndNewlines).makeIterator()
    while let a = it.next(), let b = it.next() { out.append(UInt8(String([a, b]), radix: 16)!) }
    return out
}

/// One W3C step-by-step vector set (a folder of `canonDoc*`, `proofCanon*`, … files sharing a suffix).
struct DIVector: CustomStringConvertible, Sendable {
    let folder: String
    let suffix: String
    let keyFile: String
    let suite: ProofSuite

    var description: String { folder }

    func text(_ prefix: String) throws -> String {
        let path = "\(folder)/\(prefix)\(suffix).txt"
        guard let data = try vectorData(path) else { throw MissingSharedFile(path: path) }
        return String(decoding: data, as: UTF8.self)
    }

    func json(_ prefix: String) throws -> JSONValue {
        let path = "\(folder)/\(prefix)\(suffix).json"
        guard let value = try vectorJSON(path) else { throw MissingSharedFile(path: path) }
        return value
    }

    func signingKey() throws -> ProofSigningKey {
        guard let keys = try vectorJSON(keyFile) else { throw MissingSharedFile(path: keyFile) }
        let secret = keys["privateKeyMultibase"]?.stringValue ?? keys["secretKeyMultibase"]?.stringValue ?? ""
        return try TestKeys.signingKey(multibase: secret)
    }

    static let all: [DIVector] = [
        DIVector(
            folder: "di-eddsa/TestVectors/eddsa-rdfc-2022", suffix: "DataInt", keyFile: "di-eddsa/TestVectors/keyPair.json",
            suite: .dataIntegrity(.eddsaRdfc2022)),
        DIVector(
            folder: "di-eddsa/TestVectors/eddsa-rdfc-2022/employ", suffix: "DataInt", keyFile: "di-eddsa/TestVectors/keyPair.json",
            suite: .dataIntegrity(.eddsaRdfc2022)),
        DIVector(
            folder: "di-eddsa/TestVectors/eddsa-jcs-2022", suffix: "JCS", keyFile: "di-eddsa/TestVectors/keyPair.json", suite: .dataIntegrity(.eddsaJcs2022)),
        DIVector(
            folder: "di-eddsa/TestVectors/Ed25519Signature2020", suffix: "EdSig", keyFile: "di-eddsa/TestVectors/keyPair.json", suite: .ed25519Signature2020),
        DIVector(
            folder: "di-ecdsa/TestVectors/ecdsa-rdfc-2019-p256", suffix: "ECDSAP256", keyFile: "di-ecdsa/TestVectors/p256KeyPair.json",
            suite: .dataIntegrity(.ecdsaRdfc2019)),
        DIVector(
            folder: "di-ecdsa/TestVectors/ecdsa-rdfc-2019-p256/employ", suffix: "ECDSAP256", keyFile: "di-ecdsa/TestVectors/p256KeyPair.json",
            suite: .dataIntegrity(.ecdsaRdfc2019)),
        DIVector(
            folder: "di-ecdsa/TestVectors/ecdsa-rdfc-2019-p384", suffix: "ECDSAP384", keyFile: "di-ecdsa/TestVectors/p384KeyPair.json",
            suite: .dataIntegrity(.ecdsaRdfc2019)),
        DIVector(
            folder: "di-ecdsa/TestVectors/ecdsa-rdfc-2019-p384/employ", suffix: "ECDSAP384", keyFile: "di-ecdsa/TestVectors/p384KeyPair.json",
            suite: .dataIntegrity(.ecdsaRdfc2019)),
        DIVector(
            folder: "di-ecdsa/TestVectors/ecdsa-jcs-2019-p256", suffix: "JCSECDSAP256", keyFile: "di-ecdsa/TestVectors/p256KeyPair.json",
            suite: .dataIntegrity(.ecdsaJcs2019)),
        DIVector(
            folder: "di-ecdsa/TestVectors/ecdsa-jcs-2019-p384", suffix: "JCSECDSAP384", keyFile: "di-ecdsa/TestVectors/p384KeyPair.json",
            suite: .dataIntegrity(.ecdsaJcs2019)),
    ]
}

/// Multikey decoding for the vectors' key files, through KeyManagement's Multikey support.
enum TestKeys {
    static func signingKey(multibase: String) throws -> ProofSigningKey {
        try ProofSigningKey(PrivateKey(secretKeyMultibase: multibase))
    }
}

/// Counts conformance outcomes and prints them in the project's `N passed, N failed` form.
final class ConformanceTally: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var passed = 0
    private(set) var failed: [String] = []
    private(set) var skipped: [String] = []
    let name: String

    init(_ name: String) { self.name = name }

    func record(_ label: String, _ ok: Bool) {
        lock.lock(); defer { lock.unlock() }
        if ok { passed += 1 } else { failed.append(label) }
    }

    func skip(_ label: String) {
        lock.lock(); defer { lock.unlock() }
        skipped.append(label)
    }

    func report() {
        print("\(name): \(passed) passed, \(failed.count) failed, \(skipped.count) skipped")
        for f in failed { print("  FAILED \(f)") }
    }
}
