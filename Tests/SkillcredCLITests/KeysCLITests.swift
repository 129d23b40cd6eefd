import CredentialJSON
import Foundation
import TestSupport
import Testing

private let skillcredBinary = SkillcredCLI.binary

private func skillcred(_ arguments: [String], in directory: URL) throws -> CLIOutput {
    try SkillcredCLI.run(arguments, in: directory)
}

@Suite("skillcred keys", .enabled(if: skillcredBinary != nil, "build the skillcred binary first (swift build)"))
struct KeysCLITests {
    @Test func generateShowAndRefuseOverwrite() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let generated = try skillcred(["keys", "generate", "--type", "p256", "--name", "issuer"], in: directory)
        #expect(generated.status == 0, "\(generated.stderr)")
        let parts = try JSONParser.parse(generated.stdout)
        #expect(parts["type"] == "p256")
        #expect(parts["did"]?.stringValue?.hasPrefix("did:key:zDna") == true)
        #expect(parts["publicKeyJwk"]?["crv"] == "P-256")

        let pemPath = directory.appendingPathComponent("keys/issuer.pem").path
        let mode = (try FileManager.default.attributesOfItem(atPath: pemPath)[.posixPermissions] as! NSNumber).intValue
        #expect(mode & 0o777 == 0o600)

        let shown = try skillcred(["keys", "show", "issuer"], in: directory)
        #expect(shown.status == 0)
        #expect(try JSONParser.parse(shown.stdout) == parts)

        let again = try skillcred(["keys", "generate", "--type", "ed25519", "--name", "issuer"], in: directory)
        #expect(again.status == 2)
        #expect(again.stderr.contains("already exists"))
        let forced = try skillcred(["keys", "generate", "--type", "ed25519", "--name", "issuer", "--force"], in: directory)
        #expect(forced.status == 0)
        #expect(try JSONParser.parse(forced.stdout)["type"] == "ed25519")

        let badType = try skillcred(["keys", "generate", "--type", "dsa", "--name", "x"], in: directory)
        #expect(badType.status == 64)
        #expect(badType.stderr.contains("--type"))
        #expect(badType.stderr.contains("ed25519"), "the usage error lists the key types: \(badType.stderr)")
    }

    @Test func importReadsAPEMAndStoresItPrivately() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // RFC 8410 §10.3 example key.
        let pem = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n-----END PRIVATE KEY-----\n"
        try Data(pem.utf8).write(to: directory.appendingPathComponent("in.pem"))
        let imported = try skillcred(["keys", "import", "--name", "rfc", "--pem", "in.pem", "--keys-dir", "store"], in: directory)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try JSONParser.parse(imported.stdout)["type"] == "ed25519")
        #expect(!imported.stdout.contains("MC4CAQAw"))
        let path = directory.appendingPathComponent("store/rfc.pem").path
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! NSNumber).intValue & 0o777 == 0o600)

        let missing = try skillcred(["keys", "import", "--name", "x", "--pem", "nope.pem"], in: directory)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("nope.pem"))
    }

    @Test func loadingAWorldReadableKeyIsRefusedWithTheFix() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try skillcred(["keys", "generate", "--type", "ed25519", "--name", "k"], in: directory).status == 0)
        let keys = directory.appendingPathComponent("keys")
        try FileManager.default.removeItem(at: keys.appendingPathComponent("k.pub.json"))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: keys.appendingPathComponent("k.pem").path)
        let shown = try skillcred(["keys", "show", "k"], in: directory)
        #expect(shown.status == 2)
        #expect(shown.stderr.contains("chmod 600"))
    }
}
