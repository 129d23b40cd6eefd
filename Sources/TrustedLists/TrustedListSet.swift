import CredentialJSON
import Foundation
import Synchronization
import X509

/// The EU trusted lists a verifier loaded: the LOTL checked against the signer certificates the user pinned, each
/// national list checked against the certificates its LOTL pointer announces, and what was ignored and why.
///
/// Loading parses and verifies once; the value is immutable and shared (a server loads at start).
public final class TrustedListSet: Sendable {
    /// The list of trusted lists that verified against a pinned signer.
    public let listOfLists: TrustedList
    /// The file the LOTL came from.
    public let listOfListsSource: String
    /// The national lists that verified, with the files they came from.
    public let lists: [LoadedList]
    /// The files that were not used, each with the reason.
    public let ignored: [IgnoredList]
    /// Notes that do not stop a list from being used (a list past its next update, …).
    public let warnings: [String]
    /// The distinct service certificates by subject, for finding a seal's issuer quickly.
    let certificatesBySubject: [DistinguishedName: [Certificate]]
    /// The services each certificate identifies (one CA certificate may stand for several services or lists).
    let servicesByCertificate: [Certificate: [ServiceReference]]
    /// CA/QC services identified only by subject name and key identifier.
    let servicesByName: [String: [ServiceReference]]
    /// When the LOTL stops being used: its NextUpdate plus the grace for a late list (`nil`: no such end).
    public let listOfListsUsableUntil: Date?
    /// The lists this set stopped using because time passed their ``LoadedList/usableUntil`` after loading (a
    /// server runs for weeks on lists loaded at its start), by file; empty in a set just loaded.
    public let outdated: [String]
    /// The last set ``usable(at:)`` derived, so requests after an expiry share one set instead of rebuilding it.
    private let derived = Mutex<(from: Date, set: TrustedListSet)?>(nil)

    /// A national list that verified.
    public struct LoadedList: Sendable {
        /// The list.
        public let list: TrustedList
        /// Its file.
        public let source: String
        /// The announced certificate whose key verified its signature.
        public let signer: Certificate
        /// When it stops being used: its NextUpdate plus the grace for a late list (`nil`: no NextUpdate, or no
        /// grace limit was asked for).
        public let usableUntil: Date?
    }

    /// A file that was not used.
    public struct IgnoredList: Sendable, Hashable, CustomStringConvertible {
        /// The file.
        public let source: String
        /// Why it was not used.
        public let reason: String
        public var description: String { "\(source): \(reason)" }
    }

    /// A service and the list it is on.
    public struct ServiceReference: Sendable {
        /// The service.
        public let service: TrustService
        /// The list's territory.
        public let territory: String
        /// The list's sequence number.
        public let sequenceNumber: Int
        /// The list's file.
        public let source: String

        /// "service "X" of provider Y on the BE trusted list (sequence 5)".
        public var label: String {
            "service \"\(service.name)\" of \(service.providerName) on the \(territory) trusted list (sequence \(sequenceNumber))"
        }
    }

    /// Why trusted lists could not be loaded at all.
    public struct LoadError: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong.
        public let message: String
        init(_ message: String) { self.message = message }
        public var description: String { message }
    }

    init(
        listOfLists: TrustedList, listOfListsSource: String, lists: [LoadedList], ignored: [IgnoredList], warnings: [String],
        listOfListsUsableUntil: Date?, outdated: [String] = []
    ) {
        self.listOfLists = listOfLists
        self.listOfListsSource = listOfListsSource
        self.lists = lists
        self.ignored = ignored
        self.warnings = warnings
        self.listOfListsUsableUntil = listOfListsUsableUntil
        self.outdated = outdated
        var bySubject: [DistinguishedName: [Certificate]] = [:]
        var byCertificate: [Certificate: [ServiceReference]] = [:]
        var byName: [String: [ServiceReference]] = [:]
        for loaded in lists {
            for service in loaded.list.services {
                let reference = ServiceReference(
                    service: service, territory: loaded.list.territory, sequenceNumber: loaded.list.sequenceNumber, source: loaded.source)
                for certificate in Set(service.identity.certificates) {
                    if byCertificate[certificate] == nil { bySubject[certificate.subject, default: []].append(certificate) }
                    byCertificate[certificate, default: []].append(reference)
                }
                if service.identity.certificates.isEmpty {
                    for name in service.identity.subjectNames { byName[Self.normalized(name), default: []].append(reference) }
                }
            }
        }
        certificatesBySubject = bySubject
        servicesByCertificate = byCertificate
        servicesByName = byName
    }

    /// Loads the lists in `directory` (every `*.xml` file, at most ``TrustedListLimits/maxFiles``).
    ///
    /// - Parameters:
    ///   - lotlSigners: the certificates the user pinned for the LOTL. A LOTL signed by anything else is ignored, and
    ///     without a verified LOTL nothing loads: no list is trusted because it sits in the folder.
    ///   - now: the time a list's NextUpdate is compared with: a list past it is used with a warning for
    ///     ``TrustedListLimits/expiredListGrace``, and after that not at all.
    public static func load(
        directory: URL, lotlSigners: [Certificate], limits: TrustedListLimits = TrustedListLimits(), now: Date = Date()
    ) throws(LoadError) -> TrustedListSet {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory.path) } catch {
            throw LoadError("\(directory.path): not a readable directory")
        }
        let files = names.filter { $0.lowercased().hasSuffix(".xml") }.sorted()
        guard !files.isEmpty else { throw LoadError("\(directory.path): no trusted list (*.xml) in the directory") }
        guard files.count <= limits.maxFiles else {
            throw LoadError("\(directory.path): \(files.count) list files, more than the limit of \(limits.maxFiles)")
        }
        var documents: [(name: String, bytes: [UInt8])] = []
        for name in files {
            let url = directory.appendingPathComponent(name)
            let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
            if size > limits.maxBytes {
                documents.append((name, []))  // reported below without reading it
                continue
            }
            guard let data = FileManager.default.contents(atPath: url.path) else { throw LoadError("\(url.path): cannot read file") }
            documents.append((name, Array(data)))
        }
        return try load(
            documents: documents, lotlSigners: lotlSigners, limits: limits, now: now,
            sizeOf: { name in
                (try? FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(name).path)[.size] as? Int) ?? 0
            })
    }

    /// Loads lists from memory: `documents` are (name, bytes) pairs, as files or downloads.
    public static func load(
        documents: [(name: String, bytes: [UInt8])], lotlSigners: [Certificate], limits: TrustedListLimits = TrustedListLimits(),
        now: Date = Date()
    ) throws(LoadError) -> TrustedListSet {
        try load(documents: documents, lotlSigners: lotlSigners, limits: limits, now: now, sizeOf: { _ in 0 })
    }

    static func load(
        documents: [(name: String, bytes: [UInt8])], lotlSigners: [Certificate], limits: TrustedListLimits, now: Date,
        sizeOf: (String) -> Int
    ) throws(LoadError) -> TrustedListSet {
        guard !lotlSigners.isEmpty else {
            throw LoadError("no LOTL signer certificate is pinned: the list of trusted lists can only be trusted through a signer you chose")
        }
        var ignored: [IgnoredList] = []
        var parsed: [(name: String, xml: ListXML, list: TrustedList)] = []
        for (name, bytes) in documents {
            if bytes.isEmpty, sizeOf(name) > limits.maxBytes {
                ignored.append(
                    IgnoredList(source: name, reason: "the file is \(sizeOf(name)) bytes, more than the \(limits.maxBytes)-byte limit for a trusted list"))
                continue
            }
            do {
                let xml = try ListXML(bytes: bytes, limits: limits)
                parsed.append((name, xml, try TrustedListParser.parse(xml)))
            } catch let error as TrustedListXMLError {
                ignored.append(IgnoredList(source: name, reason: error.message))
            } catch {
                ignored.append(IgnoredList(source: name, reason: "not a trusted list: \(error)"))
            }
        }
        var listOfLists: (name: String, list: TrustedList)?
        for candidate in parsed where candidate.list.isListOfLists {
            switch ListSignatureVerifier.verify(candidate.xml, candidates: lotlSigners) {
            case .verified:
                if let chosen = listOfLists {
                    if candidate.list.sequenceNumber > chosen.list.sequenceNumber {
                        ignored.append(IgnoredList(source: chosen.name, reason: "a newer list of trusted lists (\(candidate.name)) verified too"))
                        listOfLists = (candidate.name, candidate.list)
                    } else {
                        ignored.append(IgnoredList(source: candidate.name, reason: "a newer list of trusted lists (\(chosen.name)) verified too"))
                    }
                } else {
                    listOfLists = (candidate.name, candidate.list)
                }
            case .signerNotAnnounced(let signer):
                ignored.append(
                    IgnoredList(source: candidate.name, reason: "the list of trusted lists is signed by \(signer.subject), which is not a pinned LOTL signer"))
            case .broken(let why):
                ignored.append(IgnoredList(source: candidate.name, reason: "the list of trusted lists' signature does not verify: \(why)"))
            }
        }
        guard let listOfLists else {
            let reasons = ignored.map(\.description).joined(separator: "; ")
            throw LoadError("no list of trusted lists verified against the pinned LOTL signer" + (reasons.isEmpty ? "" : " (\(reasons))"))
        }
        var warnings: [String] = []
        /// Why an expired list is not used (past its NextUpdate by more than the grace), or `nil` (noting a warning
        /// when it is past its NextUpdate within the grace).
        func expiry(_ list: TrustedList, _ name: String) -> String? {
            guard let next = list.nextUpdate, next < now else { return nil }
            let due = "the \(list.label) was due to be replaced on \(XSDDateTime.format(next))"
            guard let grace = limits.expiredListGrace else {
                warnings.append("\(name): \(due); get a current copy")
                return nil
            }
            let graceText = grace >= 86_400 ? "\(Int(grace / 86_400)) day(s)" : "\(Int(grace)) s"
            if now.timeIntervalSince(next) > grace {
                return "\(due), more than \(graceText) ago (the grace for a late list): it is not used; get a current copy"
            }
            warnings.append(
                "\(name): \(due); it is used until \(XSDDateTime.format(next.addingTimeInterval(grace))) (a grace of \(graceText)), then no more; get a current copy"
            )
            return nil
        }
        func usableUntil(_ list: TrustedList) -> Date? {
            guard let next = list.nextUpdate, let grace = limits.expiredListGrace else { return nil }
            return next.addingTimeInterval(grace)
        }
        if let expired = expiry(listOfLists.list, listOfLists.name) {
            throw LoadError("\(listOfLists.name): \(expired), and without a current list of trusted lists no national list is trusted")
        }
        var loaded: [LoadedList] = []
        for candidate in parsed where !candidate.list.isListOfLists {
            let pointers = listOfLists.list.pointers.filter { $0.isXML && $0.territory == candidate.list.territory }
            guard !pointers.isEmpty else {
                ignored.append(
                    IgnoredList(source: candidate.name, reason: "the list of trusted lists has no pointer to a \(candidate.list.territory) trusted list"))
                continue
            }
            let announced = pointers.flatMap(\.signingCertificates)
            switch ListSignatureVerifier.verify(candidate.xml, candidates: announced) {
            case .verified(let signer):
                if let expired = expiry(candidate.list, candidate.name) {
                    ignored.append(IgnoredList(source: candidate.name, reason: expired))
                    continue
                }
                if let duplicate = loaded.firstIndex(where: { $0.list.territory == candidate.list.territory }) {
                    // Two verified copies of one country's list: the higher sequence number is the current one.
                    if loaded[duplicate].list.sequenceNumber >= candidate.list.sequenceNumber {
                        ignored.append(
                            IgnoredList(source: candidate.name, reason: "a newer \(candidate.list.territory) list (\(loaded[duplicate].source)) verified too"))
                        continue
                    }
                    ignored.append(
                        IgnoredList(source: loaded[duplicate].source, reason: "a newer \(candidate.list.territory) list (\(candidate.name)) verified too"))
                    loaded.remove(at: duplicate)
                }
                loaded.append(
                    LoadedList(list: candidate.list, source: candidate.name, signer: signer, usableUntil: usableUntil(candidate.list)))
            case .signerNotAnnounced(let signer):
                ignored.append(
                    IgnoredList(
                        source: candidate.name,
                        reason: "signed by \(signer.subject), which the LOTL pointer for \(candidate.list.territory) does not announce"))
            case .broken(let why):
                ignored.append(IgnoredList(source: candidate.name, reason: "its signature does not verify: \(why)"))
            }
        }
        return TrustedListSet(
            listOfLists: listOfLists.list, listOfListsSource: listOfLists.name, lists: loaded.sorted { $0.list.territory < $1.list.territory },
            ignored: ignored.sorted { $0.source < $1.source }, warnings: warnings, listOfListsUsableUntil: usableUntil(listOfLists.list))
    }

    /// The first moment a list of this set stops being used, or `nil` when none ever does.
    public var usableUntil: Date? {
        ([listOfListsUsableUntil] + lists.map(\.usableUntil)).compactMap { $0 }.min()
    }

    /// The set as it may be used at `now`: without the national lists past their NextUpdate plus the grace, and
    /// without any national list once the LOTL is (nothing vouches for them then). Loading applies the same rule;
    /// this applies it again to a set a long-running server loaded at its start. Returns `self` while nothing has
    /// expired, so the common case costs one comparison.
    public func usable(at now: Date) -> TrustedListSet {
        guard let end = usableUntil, now >= end else { return self }
        let reuse = derived.withLock { last -> TrustedListSet? in
            guard let last, now >= last.from else { return nil }
            if let next = last.set.usableUntil, now >= next { return nil }
            return last.set
        }
        if let reuse { return reuse }
        let lotlExpired = listOfListsUsableUntil.map { now >= $0 } ?? false
        var kept: [LoadedList] = []
        var dropped: [IgnoredList] = []
        for loaded in lists {
            if let until = loaded.usableUntil, now >= until {
                dropped.append(
                    IgnoredList(
                        source: loaded.source,
                        reason: "the \(loaded.list.label) was due to be replaced on \(loaded.list.nextUpdate.map(XSDDateTime.format) ?? "?"); "
                            + "it was used until \(XSDDateTime.format(until)) (the grace for a late list) and no more; get a current copy"))
            } else if lotlExpired {
                dropped.append(
                    IgnoredList(
                        source: loaded.source,
                        reason: "the list of trusted lists (\(listOfListsSource)) was used until "
                            + "\(XSDDateTime.format(listOfListsUsableUntil!)) (its NextUpdate plus the grace for a late list): "
                            + "without a current one no national list is trusted; get a current copy"))
            } else {
                kept.append(loaded)
            }
        }
        let set = TrustedListSet(
            listOfLists: listOfLists, listOfListsSource: listOfListsSource, lists: kept,
            ignored: (ignored + dropped).sorted { $0.source < $1.source }, warnings: warnings,
            listOfListsUsableUntil: lotlExpired ? nil : listOfListsUsableUntil, outdated: outdated + dropped.map(\.source))
        derived.withLock { $0 = (now, set) }
        return set
    }

    /// A subject name compared loosely (case and spacing), for services identified without a certificate.
    static func normalized(_ name: String) -> String {
        name.lowercased().split(whereSeparator: { $0 == " " || $0 == "," }).joined(separator: ",")
    }
}
