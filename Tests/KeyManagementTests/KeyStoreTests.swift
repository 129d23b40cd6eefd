import CredentialJSON
import Foundation
import KeyManagement
import Testing

private func mode(_ path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return (attributes[.posixPermissions] as! NSNumber).intValue & 0o777
}

@Suite("key store")
struct KeyStoreTests {
    @Test(arguments: [KeyType.ed25519, .p256, .p384])
    func savedKeysAreMode0600AndLoadBack(type: KeyType) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = KeyStore(directory: directory.appendingPathComponent("keys"))
        let key = try PrivateKey.generate(type)
        try store.save(key, name: "issuer")
        #expect(try mode(store.privateKeyPath("issuer")) == 0o600)
        #expect(try mode(store.publicPartsPath("issuer")) == 0o644)
        #expect(try mode(store.directory.path) == 0o700)
        let loaded = try store.load("issuer")
        #expect(loaded.publicKey == key.publicKey)
        #expect(try store.loadPublic("issuer") == key.publicKey)
        #expect(store.names() == ["issuer"])
        // No temporary files are left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.directory.path).sorted() == ["issuer.pem", "issuer.pub.json"])
    }

    @Test func publicPartsFileHoldsTypeMultikeyDidAndJWK() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = KeyStore(directory: directory)
        let key = try PrivateKey.generate(.ed25519)
        try store.save(key, name: "k1")
        let json = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: store.publicPartsPath("k1")))))
        let mb = try key.publicKey.publicKeyMultibase()
        #expect(json["name"] == "k1")
        #expect(json["type"] == "ed25519")
        #expect(json["publicKeyMultibase"]?.stringValue == mb)
        #expect(json["did"]?.stringValue == "did:key:" + mb)
        #expect(json["verificationMethod"]?.stringValue == "did:key:\(mb)#\(mb)")
        #expect(json["publicKeyJwk"]?.objectValue == key.publicKey.jwk)
        #expect(json["jwkThumbprint"]?.stringValue == key.publicKey.jwkThumbprint())
        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: store.publicPartsPath("k1"))), as: UTF8.self)
        #expect(!text.contains(try key.secretKeyMultibase()))
    }

    @Test(arguments: [0o644, 0o640, 0o604, 0o660, 0o666])
    func groupOrWorldAccessibleKeysAreRefusedWithTheFix(permissions: Int) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = KeyStore(directory: directory)
        try store.save(try PrivateKey.generate(.ed25519), name: "leaky")
        let path = store.privateKeyPath("leaky")
        try FileManager.default.setAttributes([.posixPermissions: permissions], ofItemAtPath: path)
        let error = try #require(throws: KeyError.self) { try store.load("leaky") }
        #expect(error.code == .insecurePermissions)
        #expect(error.description.contains("chmod 600 \(path)"))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        _ = try store.load("leaky")
        try FileManager.default.setAttributes([.posixPermissions: 0o400], ofItemAtPath: path)
        _ = try store.load("leaky")
    }

    @Test func existingKeysAreNotOverwrittenUnlessForced() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = KeyStore(directory: directory)
        let first = try PrivateKey.generate(.ed25519)
        try store.save(first, name: "a")
        let second = try PrivateKey.generate(.p256)
        #expect(throws: KeyError(.keyExists, "")) { try store.save(second, name: "a") }
        #expect(try store.load("a").publicKey == first.publicKey)
        try store.save(second, name: "a", overwrite: true)
        #expect(try store.load("a").publicKey == second.publicKey)
        #expect(try mode(store.privateKeyPath("a")) == 0o600)
        #expect(try store.loadPublic("a") == second.publicKey)
    }

    @Test(arguments: ["", "../escape", "a/b", ".hidden", "-flag", "sp ace", String(repeating: "x", count: 65), "é"])
    func unsafeNamesAreRefused(name: String) throws {
        let store = KeyStore(directory: try temporaryDirectory())
        defer { try? FileManager.default.removeItem(at: store.directory) }
        #expect(throws: KeyError(.invalidName, "")) { try store.save(try PrivateKey.generate(.ed25519), name: name) }
        #expect(throws: KeyError(.invalidName, "")) { try store.load(name) }
    }

    @Test func missingKeysAreReportedByName() throws {
        let store = KeyStore(directory: try temporaryDirectory())
        defer { try? FileManager.default.removeItem(at: store.directory) }
        #expect(throws: KeyError(.keyNotFound, "")) { try store.load("nope") }
        #expect(throws: KeyError(.keyNotFound, "")) { try store.loadPublic("nope") }
    }

    @Test func aTamperedPublicPartsFileIsDetected() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = KeyStore(directory: directory)
        try store.save(try PrivateKey.generate(.ed25519), name: "k")
        let other = try PrivateKey.generate(.ed25519).publicKey
        var parts = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: store.publicPartsPath("k"))))).objectValue!
        parts["publicKeyJwk"] = .object(other.jwk)
        try Data(JSONWriter.string(.object(parts)).utf8).write(to: URL(fileURLWithPath: store.publicPartsPath("k")))
        #expect(throws: KeyError(.invalidMultikey, "")) { try store.loadPublic("k") }
    }

    @Test(.enabled(if: opensslPath != nil, "openssl CLI not installed"))
    func opensslReadsTheStoredKeyFile() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = KeyStore(directory: directory)
        for type in [KeyType.ed25519, .p256, .p384] {
            try store.save(try PrivateKey.generate(type), name: type.rawValue)
            let result = try openssl(["pkey", "-in", store.privateKeyPath(type.rawValue), "-noout"])
            #expect(result.status == 0, "\(type): \(result.stderr)")
        }
    }
}
