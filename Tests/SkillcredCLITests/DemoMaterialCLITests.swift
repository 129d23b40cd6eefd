import CredentialJSON
import Foundation
import TestSupport
import Testing

/// A fresh data directory in which the CLI itself made its demo e-seal at first use (`skillcred seal --data-dir`), as a
/// new user's first `skillcred issue` or `seal` does: the tests' keys are made at test time, never committed.
/// The folder is removed when the value goes away.
final class DemoDataDirectory: @unchecked Sendable {
    let root: URL
    var url: URL { root.appendingPathComponent("data") }
    var path: String { url.path }
    var sealKey: String { url.appendingPathComponent("keys/seal.pem").path }
    var sealCert: String { url.appendingPathComponent("seal/seal-cert.pem").path }
    var demoCA: String { url.appendingPathComponent("seal/demo-ca.pem").path }

    init() async throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-demo-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let made = try await SkillcredCLI.run(["seal", "--data-dir", url.path, "samples/vc2-small.json"])
        guard made.status == 0 else {
            throw ToolFailure(description: "skillcred seal --data-dir could not make the demo seal: \(made.stderr)")
        }
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    struct ToolFailure: Error, CustomStringConvertible { let description: String }
}

/// The mode bits of a file or folder.
private func mode(_ path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return try #require(attributes[.posixPermissions] as? NSNumber).intValue & 0o777
}

/// No private key is committed: `issue`, `seal` and `status publish` make the demo e-seal and issuer key in the data
/// directory at first use, say so on standard error, reuse them afterwards, and verifiers label them DEMO.
@Suite("Demo material made at first use (no key in git)")
struct DemoMaterialCLITests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-first-use-\(UUID().uuidString)")
    var data: URL { root.appendingPathComponent("data") }

    func issue(_ format: String, out: String, extra: [String] = []) async throws -> CLIOutput {
        try await SkillcredCLI.run(
            [
                "issue", "--template", "samples/templates/micro-credential.json", "--recipients", "samples/recipients.csv",
                "--out", root.appendingPathComponent(out).path, "--format", format,
                "--database", root.appendingPathComponent("registry.sqlite").path, "--data-dir", data.path,
            ] + extra)
    }

    @Test("A fresh data directory gets the demo e-seal and issuer key, files 0600 and folders 0700, with a DEMO notice; later runs reuse them")
    func firstUseMakesThenReuses() async throws {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let edc = try await issue("edc-jades", out: "edc")
        #expect(edc.status == 0, "\(edc.stderr)")
        #expect(edc.stderr.contains("skillcred: DEMO — first use: made a demo e-seal in \(data.path)"), "\(edc.stderr)")
        for file in ["keys/seal.pem", "seal/seal-cert.pem", "seal/demo-ca.pem"] {
            #expect(edc.stderr.contains(data.appendingPathComponent(file).path), "the notice does not name \(file): \(edc.stderr)")
        }
        #expect(edc.stderr.contains("O=DEMO ONLY skillcred service"), "\(edc.stderr)")
        let vc2 = try await issue("vc2", out: "vc2")
        #expect(vc2.status == 0, "\(vc2.stderr)")
        #expect(vc2.stderr.contains("skillcred: DEMO — first use: made an issuer key in \(data.path)"), "\(vc2.stderr)")
        #expect(vc2.stderr.contains(data.appendingPathComponent("keys/issuer.pem").path) && vc2.stderr.contains("did:key:z6Mk"), "\(vc2.stderr)")
        #expect(!vc2.stderr.contains("demo e-seal"), "the e-seal was made again: \(vc2.stderr)")

        // Everything in the data directory is for this user only, whatever the umask.
        let fm = FileManager.default
        #expect(try mode(data.path) == 0o700)
        var files: [String] = []
        for relative in try fm.subpathsOfDirectory(atPath: data.path) {
            let path = data.appendingPathComponent(relative).path
            var isDirectory: ObjCBool = false
            _ = fm.fileExists(atPath: path, isDirectory: &isDirectory)
            let found = try mode(path)
            #expect(found == (isDirectory.boolValue ? 0o700 : 0o600), "\(relative) has mode \(String(found, radix: 8))")
            if !isDirectory.boolValue { files.append(relative) }
        }
        #expect(Set(files).isSuperset(of: ["keys/seal.pem", "keys/issuer.pem", "seal/seal-cert.pem", "seal/demo-ca.pem"]), "\(files)")
        let before = try files.map { try Data(contentsOf: data.appendingPathComponent($0)) }

        // Later runs reuse it all, without a notice: issuing again, sealing, publishing.
        for format in ["edc-jades", "vc2"] {
            let again = try await issue(format, out: "again-\(format)")
            #expect(again.status == 0, "\(again.stderr)")
            #expect(!again.stderr.contains("DEMO"), "\(again.stderr)")
        }
        let sealed = try await SkillcredCLI.run(["seal", "--data-dir", data.path, "samples/vc2-small.json"])
        #expect(sealed.status == 0 && !sealed.stderr.contains("DEMO"), "\(sealed.stderr)")
        let chain = try String(contentsOf: data.appendingPathComponent("seal/seal-cert.pem"), encoding: .utf8)
        let protected = try #require(try JSONParser.parse(Array(sealed.stdoutData))["signatures"]?.arrayValue?.first?["protected"]?.stringValue)
        let header = try JSONParser.parse(Array(try #require(Data(base64Encoded: base64(protected)))))
        let leaf = try #require(header["x5c"]?.arrayValue?.first?.stringValue)
        #expect(chain.replacingOccurrences(of: "\n", with: "").contains(leaf), "the seal does not use the data directory's certificate")
        #expect(try files.map { try Data(contentsOf: data.appendingPathComponent($0)) } == before, "a later run changed the material")

        // A seal certificate needs its own key: alone, it is refused before anything is issued.
        let half = try await issue("edc-jades", out: "half", extra: ["--seal-cert", data.appendingPathComponent("seal/seal-cert.pem").path])
        #expect(half.status == 64 && half.stderr.contains("--seal-cert") && half.stderr.contains("--key"), "\(half.stderr)")
    }

    @Test("A credential sealed with the demo e-seal is Partially verified with a DEMO reason by default; Verified, still DEMO, only with its CA as anchor")
    func demoSealIsLabelledAndNeverTrustedByDefault() async throws {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try await issue("edc-jades", out: "edc").status == 0)
        let site = root.appendingPathComponent("site").path
        let published = try await SkillcredCLI.run([
            "status", "publish", "--out", site, "--database", root.appendingPathComponent("registry.sqlite").path,
            "--data-dir", data.path,
        ])
        #expect(published.status == 0 && published.stdout.contains("(1 sealed with JAdES)"), "\(published.stdout)\(published.stderr)")
        let file = root.appendingPathComponent("edc/L-0001.json").path

        let byDefault = try await SkillcredCLI.run(["verify", "--json", "--status-mirror", site, file])
        #expect(byDefault.status == 3, "\(byDefault.stdout)")
        let report = try JSONParser.parse(Array(byDefault.stdoutData))
        #expect(report["verdict"]?.stringValue == "Partially verified")
        #expect(report["demo"] == .bool(true))
        let seal = try #require(report["results"]?.arrayValue?.first { $0["name"]?.stringValue == "Seal" })
        let reason = try #require(seal["reason"]?.stringValue)
        #expect(reason.hasPrefix("DEMO: The seal is intact") && reason.contains("but its certificate is not trusted"), "\(reason)")
        #expect(reason.contains("It is demo material") && reason.contains("DEMO ONLY"), "\(reason)")
        let terminal = try await SkillcredCLI.run(["verify", "--status-mirror", site, file])
        #expect(terminal.stdout.hasPrefix("◐ Partially verified  DEMO"), "\(terminal.stdout)")

        let anchored = try await SkillcredCLI.run([
            "verify", "--json", "--status-mirror", site, "--trust-anchors",
            data.appendingPathComponent("seal/demo-ca.pem").path, file,
        ])
        #expect(anchored.status == 0, "\(anchored.stdout)")
        let trusted = try JSONParser.parse(Array(anchored.stdoutData))
        #expect(trusted["verdict"]?.stringValue == "Verified" && trusted["demo"] == .bool(true), "\(anchored.stdout)")
    }
}

/// base64url (as in a JWS) to base64 with padding.
private func base64(_ text: String) -> String {
    var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while s.count % 4 != 0 { s += "=" }
    return s
}
