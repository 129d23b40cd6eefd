import Foundation
import SecureFetch
import Synchronization
import TestSupport
import Testing

@testable import TrustedLists

/// Serves files of a fixture folder at `https://tl.example/<name>` (the LOTL at `eu-lotl.xml`) and records what was
/// asked for: the download logic's network, without a network.
final class FolderFetcher: HTTPFetching {
    let folder: URL
    let requests = Mutex<[String]>([])

    init(folder: URL) { self.folder = folder }

    func fetch(_ url: String, policy: FetchPolicy) async throws(FetchError) -> FetchedDocument {
        requests.withLock { $0.append(url) }
        guard url.hasPrefix("https://tl.example/"),
            let data = FileManager.default.contents(atPath: folder.appendingPathComponent(String(url.dropFirst(19))).path)
        else { throw FetchError(.httpStatus, "404", url: url, status: 404) }
        guard data.count <= policy.maxBytes else { throw FetchError(.tooLarge, "over \(policy.maxBytes) bytes", url: url) }
        return FetchedDocument(bytes: Array(data), url: url, contentType: "application/vnd.etsi.tsl+xml", status: 200)
    }
}

@Suite("Trusted lists: trust-lists update")
struct TrustedListDownloadTests {
    @Test("The LOTL and the lists it points to are fetched, verified and written with a manifest")
    func updateWritesVerifiedLists() async throws {
        let fixture = try Lists.make()
        let out = fixture.url("update-\(UUID().uuidString)")
        let fetcher = FolderFetcher(folder: fixture.lists)
        let outcome = try await TrustedListDownload.update(
            listOfListsURL: "https://tl.example/eu-lotl.xml", lotlSigners: try Lists.certificates(fixture.lotlSigner), into: out, fetcher: fetcher)
        #expect(outcome.written == ["eu-lotl.xml", "BE.xml", "NL.xml", "manifest.json"])
        #expect(outcome.failures.isEmpty, "\(outcome.failures)")
        #expect(fetcher.requests.withLock { $0 } == ["https://tl.example/eu-lotl.xml", "https://tl.example/BE.xml", "https://tl.example/NL.xml"])
        // What was written loads on its own, and the manifest names each list's digest.
        let reloaded = try Lists.load(out)
        #expect(reloaded.lists.map(\.list.territory) == ["BE", "NL"])
        let manifest = String(decoding: try Data(contentsOf: out.appendingPathComponent("manifest.json")), as: UTF8.self)
        #expect(manifest.contains("\"sha256\""))
        #expect(manifest.contains("https://tl.example/BE.xml"))
    }

    @Test("A national list that does not verify is not written; the manifest says why")
    func updateLeavesOutBrokenList() async throws {
        let fixture = try Lists.make()
        try fixture.writeLists(into: "served-tampered", variants: ["NL": .tampered])
        let out = fixture.url("update-\(UUID().uuidString)")
        let outcome = try await TrustedListDownload.update(
            listOfListsURL: "https://tl.example/eu-lotl.xml", lotlSigners: try Lists.certificates(fixture.lotlSigner), into: out,
            fetcher: FolderFetcher(folder: fixture.url("served-tampered")))
        #expect(outcome.written == ["eu-lotl.xml", "BE.xml", "manifest.json"])
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("NL.xml").path))
        let manifest = String(decoding: try Data(contentsOf: out.appendingPathComponent("manifest.json")), as: UTF8.self)
        #expect(manifest.contains("changed after it was signed"), "\(manifest)")
    }

    @Test("A LOTL that the pinned signer does not verify stops the update before anything it points to is fetched")
    func updateStopsAtUnpinnedLOTL() async throws {
        let fixture = try Lists.make()
        try fixture.writeLists(into: "served-rogue-lotl", variants: ["EU": .rogueSigner])
        let fetcher = FolderFetcher(folder: fixture.url("served-rogue-lotl"))
        let out = fixture.url("update-\(UUID().uuidString)")
        await #expect(throws: TrustedListSet.LoadError.self) {
            _ = try await TrustedListDownload.update(
                listOfListsURL: "https://tl.example/eu-lotl.xml", lotlSigners: try Lists.certificates(fixture.lotlSigner), into: out, fetcher: fetcher)
        }
        #expect(fetcher.requests.withLock { $0 } == ["https://tl.example/eu-lotl.xml"])
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}
