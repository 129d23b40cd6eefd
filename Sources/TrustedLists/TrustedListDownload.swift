import CredentialJSON
import Crypto
import Foundation
import SecureFetch
import X509

/// Downloads the EU list of trusted lists and the national lists it points to, through the project's bounded fetcher,
/// verifies them as ``TrustedListSet/load(directory:lotlSigners:limits:now:)`` does, and writes the verified ones with a
/// manifest. Only ever run when the user asks (`skillcred trust-lists update`).
public enum TrustedListDownload {
    /// Where the European Commission publishes the LOTL.
    public static let euListOfListsURL = "https://ec.europa.eu/tools/lotl/eu-lotl.xml"
    /// The manifest written next to the lists.
    public static let manifestName = "manifest.json"

    /// What an update did.
    public struct Outcome: Sendable {
        /// The lists as loaded from what was written.
        public let lists: TrustedListSet
        /// The files written (lists and manifest).
        public let written: [String]
        /// Lists that could not be fetched or were not used, with the reason.
        public let failures: [TrustedListSet.IgnoredList]
    }

    /// Fetches, verifies and writes the lists into `directory` (created when missing).
    ///
    /// - Parameters:
    ///   - listOfListsURL: the LOTL's address (https).
    ///   - lotlSigners: the pinned LOTL signer certificates; a LOTL they do not verify stops the update.
    ///   - fetcher: the fetcher (``SecureFetcher`` in production).
    ///   - deadline: the time allowed for each list.
    public static func update(
        listOfListsURL: String = euListOfListsURL, lotlSigners: [Certificate], into directory: URL, fetcher: any HTTPFetching,
        limits: TrustedListLimits = TrustedListLimits(), deadline: Duration = .seconds(60), now: Date = Date()
    ) async throws(TrustedListSet.LoadError) -> Outcome {
        let policy = FetchPolicy(
            maxBytes: limits.maxBytes, deadline: deadline, accept: "application/vnd.etsi.tsl+xml, application/xml;q=0.9, text/xml;q=0.8")
        let lotlBytes: [UInt8]
        do { lotlBytes = try await fetcher.fetch(listOfListsURL, policy: policy).bytes } catch {
            throw TrustedListSet.LoadError("\(listOfListsURL): cannot fetch the list of trusted lists: \(error)")
        }
        // The LOTL alone first: nothing it points to is fetched unless it verifies against the pinned signer.
        let listOfLists = try TrustedListSet.load(documents: [("eu-lotl.xml", lotlBytes)], lotlSigners: lotlSigners, limits: limits, now: now)
        var documents: [(name: String, bytes: [UInt8])] = [("eu-lotl.xml", lotlBytes)]
        var sources: [String: String] = ["eu-lotl.xml": listOfListsURL]
        var failures: [TrustedListSet.IgnoredList] = []
        let pointers = listOfLists.listOfLists.pointers.filter { $0.isXML && !($0.type ?? "").lowercased().hasSuffix("listofthelists") }
        for pointer in pointers.prefix(max(0, limits.maxFiles - 1)) {
            guard let territory = pointer.territory, Self.isTerritoryCode(territory) else {
                failures.append(.init(source: pointer.location, reason: "the pointer names no two-letter territory"))
                continue
            }
            let name = "\(territory).xml"
            guard !documents.contains(where: { $0.name == name }) else { continue }
            do {
                documents.append((name, try await fetcher.fetch(pointer.location, policy: policy).bytes))
                sources[name] = pointer.location
            } catch {
                failures.append(.init(source: pointer.location, reason: "cannot fetch: \(error)"))
            }
        }
        if pointers.count > limits.maxFiles - 1 {
            failures.append(
                .init(
                    source: listOfListsURL,
                    reason: "\(pointers.count - limits.maxFiles + 1) pointers past the limit of \(limits.maxFiles) lists were not followed"))
        }
        let lists = try TrustedListSet.load(documents: documents, lotlSigners: lotlSigners, limits: limits, now: now)
        failures += lists.ignored
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw TrustedListSet.LoadError("\(directory.path): cannot create the folder")
        }
        var written: [String] = []
        var entries: [JSONValue] = []
        let verified = [(lists.listOfListsSource, lists.listOfLists)] + lists.lists.map { ($0.source, $0.list) }
        for (name, list) in verified {
            guard let bytes = documents.first(where: { $0.name == name })?.bytes else { continue }
            do { try Data(bytes).write(to: directory.appendingPathComponent(name), options: .atomic) } catch {
                throw TrustedListSet.LoadError("\(directory.appendingPathComponent(name).path): cannot write")
            }
            written.append(name)
            entries.append([
                "file": .string(name), "url": .string(sources[name] ?? ""), "territory": .string(list.territory),
                "sequenceNumber": .string(String(list.sequenceNumber)),
                "sha256": .string(SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()),
                "nextUpdate": list.nextUpdate.map { .string(XSDDateTime.format($0)) } ?? .null,
            ])
        }
        let manifest: JSONValue = [
            "fetched": .string(XSDDateTime.format(now)),
            "listOfLists": .string(listOfListsURL),
            "lists": .array(entries),
            "ignored": .array(failures.map { ["source": .string($0.source), "reason": .string($0.reason)] }),
        ]
        do {
            try Data(JSONWriter.data(manifest, style: .pretty)).write(to: directory.appendingPathComponent(manifestName), options: .atomic)
        } catch {
            throw TrustedListSet.LoadError("\(directory.path): cannot write the manifest")
        }
        written.append(manifestName)
        return Outcome(lists: lists, written: written, failures: failures)
    }

    /// Two ASCII letters (the EU uses `EL` for Greece and `UK` historically), so a pointer cannot name a path.
    static func isTerritoryCode(_ text: String) -> Bool {
        text.count == 2 && text.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) }
    }
}
