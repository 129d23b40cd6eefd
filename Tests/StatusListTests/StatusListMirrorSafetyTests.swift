import Foundation
import StatusList
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The status list URL comes from the credential being verified, so it must never name a file outside
/// the mirror, and errors must never tell a caller where the mirror lives.
@Suite("Local status list mirror: traversal and disclosure")
struct StatusListMirrorSafetyTests {
    private func makeMirror() throws -> (root: URL, mirror: URL) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-mirror-\(UUID().uuidString)")
        let mirror = root.appendingPathComponent("mirror")
        try FileManager.default.createDirectory(at: mirror, withIntermediateDirectories: true)
        // A file one level above the mirror: what `https://../secret` used to read.
        try Data("secret".utf8).write(to: root.appendingPathComponent("secret.json"))
        try Data("secret".utf8).write(to: root.appendingPathComponent("secret"))
        return (root, mirror)
    }

    private func expectNoPath(_ error: StatusListError?, _ root: URL, _ url: String) {
        guard let error else {
            Issue.record("\(url) was not refused")
            return
        }
        #expect(error.code == .retrieval)
        #expect(!error.message.contains(root.path), "\(url): \(error.message)")
        #expect(!error.message.contains(FileManager.default.temporaryDirectory.path), "\(url): \(error.message)")
        #expect(!error.message.contains("secret\""), "\(url): \(error.message)")
    }

    static let traversals = [
        "https://../secret", "https://%2e%2e/secret", "https://%2E%2E/secret", "https://./secret", "https://.../secret",
        "https://mirror/../secret", "https://host/a/../../secret", "https://host/../../secret",
        "https://host/%2e%2e/%2e%2e/secret", "https://host/a/%2E%2E/../secret", "https://host/.%2e/.%2e/secret",
        "https://host/..%2f..%2fsecret", "https://host/..%2F..%2Fsecret", "https://host/a%2f..%2f..%2f..%2fsecret",
        "https://host/..%5c..%5csecret", "https://host/a%00b", "https://host/./secret", "https://%2e%2e%2fsecret/x",
        "https://ho%2fst/x", "https:///secret", "file:///etc/passwd", "https://host", "https://host/",
    ]

    @Test(arguments: traversals)
    func traversalURLsAreRefusedWithoutNamingPaths(_ url: String) async throws {
        let (root, mirror) = try makeMirror()
        defer { try? FileManager.default.removeItem(at: root) }
        let source = LocalStatusListMirror(directory: mirror)
        #expect(LocalStatusListMirror.relativePath(for: url) == nil, "\(url)")
        #expect(source.fileURL(for: url) == nil, "\(url)")
        let error = await #expect(throws: StatusListError.self) { try await source.fetch(url: url) }
        expectNoPath(error, root, url)
    }

    @Test func ordinaryURLsStillMap() {
        #expect(LocalStatusListMirror.relativePath(for: "https://Issuer.Example/status/3") == "issuer.example/status/3.json")
        #expect(LocalStatusListMirror.relativePath(for: "https://issuer.example/lists/7.json") == "issuer.example/lists/7.json")
        #expect(LocalStatusListMirror.relativePath(for: "https://issuer.example:8443/a//b?x=1#f") == "issuer.example/a/b.json")
        #expect(LocalStatusListMirror.relativePath(for: "https://issuer.example/list%20one") == "issuer.example/list one.json")
        #expect(LocalStatusListMirror.relativePath(for: "https://issuer.example/..list") == "issuer.example/..list")  // ".list" counts as an extension
        #expect(LocalStatusListMirror.relativePath(for: "http://127.0.0.1/s/1") == "127.0.0.1/s/1.json")
    }

    @Test func aMissingFileIsNamedByItsURLOnly() async throws {
        let (root, mirror) = try makeMirror()
        defer { try? FileManager.default.removeItem(at: root) }
        let url = "https://issuer.example/status/9"
        let error = await #expect(throws: StatusListError.self) { try await LocalStatusListMirror(directory: mirror).fetch(url: url) }
        expectNoPath(error, root, url)
        #expect(error?.message.contains("the mirror has no file for \(url)") == true)
        #expect(error?.message.contains("issuer.example/status/9.json") == true)
    }

    @Test func symlinksMayNotLeadOutOfTheMirror() async throws {
        let (root, mirror) = try makeMirror()
        defer { try? FileManager.default.removeItem(at: root) }
        let fm = FileManager.default
        // A file link and a directory link, both pointing above the mirror.
        try fm.createDirectory(at: mirror.appendingPathComponent("a.example"), withIntermediateDirectories: true)
        try fm.createSymbolicLink(at: mirror.appendingPathComponent("a.example/list.json"), withDestinationURL: root.appendingPathComponent("secret.json"))
        try fm.createSymbolicLink(at: mirror.appendingPathComponent("b.example"), withDestinationURL: root)
        let source = LocalStatusListMirror(directory: mirror)
        for url in ["https://a.example/list", "https://b.example/secret"] {
            let error = await #expect(throws: StatusListError.self) { try await source.fetch(url: url) }
            expectNoPath(error, root, url)
            #expect(error?.message.contains("outside the mirror") == true)
        }
        // A link that stays inside the mirror is fine.
        try fm.createDirectory(at: mirror.appendingPathComponent("c.example"), withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: mirror.appendingPathComponent("c.example/real.json"))
        try fm.createSymbolicLink(
            at: mirror.appendingPathComponent("c.example/alias.json"), withDestinationURL: mirror.appendingPathComponent("c.example/real.json"))
        #expect(try await source.fetch(url: "https://c.example/alias") == Array("{}".utf8))
    }

    @Test func onlyRegularFilesAreRead() async throws {
        let (root, mirror) = try makeMirror()
        defer { try? FileManager.default.removeItem(at: root) }
        let host = mirror.appendingPathComponent("d.example")
        try FileManager.default.createDirectory(at: host.appendingPathComponent("dir.json"), withIntermediateDirectories: true)
        // A FIFO would block a plain read forever.
        #expect(mkfifo(host.appendingPathComponent("pipe.json").path, 0o600) == 0)
        let source = LocalStatusListMirror(directory: mirror)
        for url in ["https://d.example/dir", "https://d.example/pipe"] {
            let error = await #expect(throws: StatusListError.self) { try await source.fetch(url: url) }
            expectNoPath(error, root, url)
        }
    }
}

@Suite("HTTP status list source")
struct HTTPStatusListSourceTests {
    @Test func theDefaultSourceRefusesPlainHTTPAndLocalAddresses() async throws {
        let source = HTTPStatusListSource()
        #expect(source.timeout == 10)
        #expect(source.maximumBytes == 4 * 1024 * 1024)
        let plain = await #expect(throws: StatusListError.self) { try await source.fetch(url: "http://127.0.0.1:9/status/1") }
        #expect(plain?.code == .retrieval)
        #expect(plain?.message.contains("notHTTPS") == true)
        for url in ["https://127.0.0.1:9/status/1", "https://localhost:9/status/1", "https://[::1]:9/s", "https://169.254.169.254/latest"] {
            let local = await #expect(throws: StatusListError.self) { try await source.fetch(url: url) }
            #expect(local?.code == .retrieval)
            #expect(local?.message.contains("forbiddenAddress") == true, "\(url): \(local?.message ?? "")")
        }
    }

    @Test func theTimeoutInitializerKeepsItsMeaning() {
        let source = HTTPStatusListSource(timeout: 2.5, maximumBytes: 1000)
        #expect(source.timeout == 2.5)
        #expect(source.maximumBytes == 1000)
        #expect(source.policy.allowPlainHTTP == false)
        #expect(source.policy.allowLoopbackAndPrivate == false)
    }
}
