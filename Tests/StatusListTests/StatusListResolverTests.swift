import CredentialJSON
import Foundation
import StatusList
import Testing

@Suite("Status list sources and cache")
struct StatusListResolverTests {
    func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-status-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func mirrorMapsURLsToHostAndPath() throws {
        let mirror = LocalStatusListMirror(directory: URL(fileURLWithPath: "/m"))
        #expect(mirror.fileURL(for: "https://Issuer.Example/status/3")?.path == "/m/issuer.example/status/3.json")
        #expect(mirror.fileURL(for: "https://issuer.example/lists/7.json")?.path == "/m/issuer.example/lists/7.json")
        #expect(mirror.fileURL(for: "https://issuer.example/a/../../etc/passwd") == nil)
        #expect(mirror.fileURL(for: "file:///etc/passwd") == nil)
        #expect(mirror.fileURL(for: "did:example:123") == nil)
    }

    @Test func mirrorServesAPublishedFileAndNamesAMissingOne() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let mirror = LocalStatusListMirror(directory: dir)
        let url = "https://issuer.example/status/1"
        let file = try #require(mirror.fileURL(for: url))
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: file)
        #expect(try await mirror.fetch(url: url) == Array("{}".utf8))
        let error = await #expect(throws: StatusListError.self) { try await mirror.fetch(url: "https://issuer.example/status/2") }
        #expect(error?.code == .retrieval)
        #expect(error?.message.contains("status/2") == true)
    }

    @Test func mirrorRefusesOversizedFiles() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let mirror = LocalStatusListMirror(directory: dir, maximumFileBytes: 10)
        let url = "https://issuer.example/big"
        let file = try #require(mirror.fileURL(for: url))
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(repeating: 0x20, count: 11).write(to: file)
        let error = await #expect(throws: StatusListError.self) { try await mirror.fetch(url: url) }
        #expect(error?.code == .retrieval)
    }

    @Test func chainedSourceFallsThroughToTheNextSource() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let empty = LocalStatusListMirror(directory: dir.appendingPathComponent("empty"))
        let full = LocalStatusListMirror(directory: dir)
        let url = "https://issuer.example/status/1"
        let file = try #require(full.fileURL(for: url))
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("[]".utf8).write(to: file)
        #expect(try await ChainedStatusListSource([empty, full]).fetch(url: url) == Array("[]".utf8))
    }

    @Test func cacheHonoursTTLInMilliseconds() throws {
        let cache = StatusListCache(defaultTTL: 3600)
        let list: JSONValue = ["credentialSubject": ["ttl": 1000]]
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        cache.store(list, for: "u", now: t0)
        #expect(cache.credential(for: "u", now: t0.addingTimeInterval(0.5)) != nil)
        #expect(cache.credential(for: "u", now: t0.addingTimeInterval(1.5)) == nil)
    }

    @Test func cacheNeverKeepsAListPastValidUntil() throws {
        let cache = StatusListCache(defaultTTL: 3600)
        let t0 = try #require(ISO8601DateFormatter().date(from: "2030-01-01T00:00:00Z"))
        let list: JSONValue = ["validUntil": "2030-01-01T00:01:00Z", "credentialSubject": ["ttl": 86_400_000]]
        cache.store(list, for: "u", now: t0)
        #expect(cache.credential(for: "u", now: t0.addingTimeInterval(59)) != nil)
        #expect(cache.credential(for: "u", now: t0.addingTimeInterval(61)) == nil)
        let expired: JSONValue = ["validUntil": "2029-01-01T00:00:00Z"]
        cache.store(expired, for: "v", now: t0)
        #expect(cache.credential(for: "v", now: t0) == nil)
    }

    @Test func cacheEvictsWhenFull() {
        let cache = StatusListCache(defaultTTL: 60, capacity: 2)
        let now = Date()
        cache.store(["n": 1], for: "a", now: now)
        cache.store(["n": 2], for: "b", now: now.addingTimeInterval(1))
        cache.store(["n": 3], for: "c", now: now.addingTimeInterval(2))
        #expect(cache.credential(for: "a", now: now.addingTimeInterval(3)) == nil)
        #expect(cache.credential(for: "c", now: now.addingTimeInterval(3)) != nil)
    }
}
