import CredentialJSON
import CredentialRegistry
import Crypto
import DataIntegrity
import Foundation
import JAdES
import KeyManagement
import LearningModel
import ProfileValidation
import StatusList

/// How credentials are secured, and who the issuer is.
public struct CredentialSecuring: Sendable {
    enum Method: Sendable {
        case jades(JAdESSealer)
        case dataIntegrity(DataIntegritySigner, ProofSigningKey, verificationMethod: String, suite: Cryptosuite)
    }

    let method: Method
    /// The issuer written into every credential.
    public let issuer: IssuerProfile
    /// The issuer's key in the registry (the EDC issuer's `urn:epass:org:` id or the DID).
    public let registryIssuer: String
    public let format: IssueFormat

    /// EDC sealing: the issuer's eIDAS identifier, legal name and country come from the seal certificate.
    ///
    /// - Parameter issuerID: the EDC issuer's `id`, also its key in the registry and the issuer of its status
    ///   lists. A verifier accepts a status list only from the credential's issuer, so every EDC of one
    ///   organisation needs the same id: `nil` takes ``stableEDCIssuerID(organizationIdentifier:)`` of the seal
    ///   certificate's eIDAS identifier.
    public static func jades(_ sealer: JAdESSealer, issuerID: String? = nil) throws(IssuanceError) -> CredentialSecuring {
        let identity: JAdESSealIdentity
        do { identity = try sealer.sealIdentity() } catch {
            throw IssuanceError(.invalidKey, error.message, location: "seal certificate")
        }
        guard let country = Countries.alpha3(fromAlpha2: identity.countryCode) else {
            throw IssuanceError(
                .invalidKey, "the seal certificate's country \(identity.countryCode) is not one skillcred maps to an EU country code",
                location: "seal certificate")
        }
        let id = issuerID ?? stableEDCIssuerID(organizationIdentifier: identity.organizationIdentifier)
        let issuer = IssuerProfile(
            id: id, legalName: LanguageMap("en", identity.legalName), country: country,
            eIDASIdentifier: identity.organizationIdentifier, altLabel: identity.commonName)
        return CredentialSecuring(method: .jades(sealer), issuer: issuer, registryIssuer: id, format: .edcJAdES)
    }

    /// The e-seal, when this securing seals EDCs (it also seals their issuer's status lists).
    public var jadesSealer: JAdESSealer? {
        if case .jades(let sealer) = method { return sealer }
        return nil
    }

    /// A `urn:epass:org:<uuid>` id that is the same for every EDC sealed for one organisation: the UUID
    /// (version 8, RFC 9562 §5.8) is taken from the SHA-256 of the eIDAS identifier.
    public static func stableEDCIssuerID(organizationIdentifier: String) -> String {
        EIDASOrganizationIdentifier.stableIssuerID(organizationIdentifier: organizationIdentifier)
    }

    /// VC 2.0 with a Data Integrity proof; the issuer is the key's did:key.
    ///
    /// - Parameter cryptosuite: the proof's suite; `nil` takes the key's default (eddsa-rdfc-2022 for Ed25519,
    ///   ecdsa-rdfc-2019 for P-256/P-384). A suite the key cannot sign (an ECDSA suite with an Ed25519 key, or
    ///   the reverse) is refused with ``IssuanceError/Code/invalidKey``.
    public static func dataIntegrity(
        key: any SigningKey, issuerName: LanguageMap, country: String,
        eIDASIdentifier: String? = nil, cryptosuite: Cryptosuite? = nil
    ) throws(IssuanceError) -> CredentialSecuring {
        let proofKey: ProofSigningKey
        let did: String, vm: String
        do {
            proofKey = try ProofSigningKey(signingKey: key)
        } catch {
            throw IssuanceError(.invalidKey, error.message, location: "--key")
        }
        let suite = cryptosuite ?? proofKey.defaultCryptosuite
        guard proofKey.publicKey.supports(.dataIntegrity(suite)) else {
            throw IssuanceError(.invalidKey, "\(suite.rawValue) cannot be used with a \(proofKey.publicKey.algorithmName) key", location: "--key")
        }
        do {
            did = try key.publicKey.didKey()
            vm = try key.publicKey.didKeyVerificationMethod()
        } catch {
            throw IssuanceError(.invalidKey, error.message, location: "--key")
        }
        let issuer = IssuerProfile(id: did, legalName: issuerName, country: country, eIDASIdentifier: eIDASIdentifier)
        return CredentialSecuring(
            method: .dataIntegrity(DataIntegritySigner(canonicalizer: JSONLDCanonicalizer()), proofKey, verificationMethod: vm, suite: suite),
            issuer: issuer, registryIssuer: did, format: .vc2)
    }

    /// The Data Integrity suite of VC 2.0 credentials; `nil` for EDC sealing.
    public var cryptosuite: Cryptosuite? {
        guard case .dataIntegrity(_, _, _, let suite) = method else { return nil }
        return suite
    }
}

/// Progress of a running batch.
public struct IssueProgress: Sendable {
    /// Rows finished (issued now or rewritten from the registry).
    public var done: Int
    public var total: Int
    /// Seconds since the batch started.
    public var elapsed: Double
}

/// What a batch did.
public struct IssueSummary: Sendable, Hashable {
    /// Credentials signed and recorded in this run.
    public var issued = 0
    /// Rows the registry had already issued: their stored document was written again, not re-signed.
    public var alreadyIssued = 0
    /// Rows reserved by an interrupted run and completed now (counted in `issued` too).
    public var resumed = 0
    public var elapsedSeconds = 0.0
}

/// Issues a batch: reserve in the registry, build, secure, write `<rowid>.json`, record as issued.
///
/// Rows go in chunks (one registry transaction for the reservations and one for the completions of each
/// chunk); within a chunk, building and securing run on all cores, while the registry records the chunk
/// before and reserves the chunk after. Memory holds at most three chunks (reserved, being secured, being
/// recorded), whatever the batch size.
public struct BatchIssuer: Sendable {
    public let template: CredentialTemplate
    public let securing: CredentialSecuring
    public let registry: any RegistryStore
    /// Where `<rowid>.json` files go; created when missing.
    public let outputDirectory: URL
    /// Status lists are `<statusBaseURL>/<issuer>/<purpose>/<n>`, `<issuer>` being the registry issuer
    /// (the EDC issuer's `urn:epass:org:` id or the DID) with characters other than letters, digits, `.`, `_`, `-` replaced by `-`:
    /// each issuer signs or seals its own lists, so two issuers never share one.
    public var statusBaseURL: String
    /// Rows per registry transaction.
    public var chunkSize = 256
    /// Parallel signing tasks (default: the number of active cores).
    public var concurrency = ProcessInfo.processInfo.activeProcessorCount
    /// Check every EDC against the generic-full profile before sealing (a violation stops the batch).
    public var validateProfile = true
    /// Who is recorded in the audit log.
    public var actor = "skillcred issue"

    public init(
        template: CredentialTemplate, securing: CredentialSecuring, registry: any RegistryStore,
        outputDirectory: URL, statusBaseURL: String = StatusAllocationPolicy().statusBaseURL
    ) {
        self.template = template
        self.securing = securing
        self.registry = registry
        self.outputDirectory = outputDirectory
        self.statusBaseURL = statusBaseURL
    }

    /// The status purposes each credential gets. The EDC shapes allow one `credentialStatus`, so EDCs get
    /// a revocation entry only; VC 2.0 credentials get revocation and suspension.
    public var statusPolicy: StatusAllocationPolicy {
        Self.statusPolicy(registryIssuer: securing.registryIssuer, format: securing.format, statusBaseURL: statusBaseURL)
    }

    /// The allocation policy for an issuer's credentials of one format: lists at
    /// `<statusBaseURL>/<issuer slug>/<purpose>/<n>`, revocation only for EDC, revocation and suspension for VC 2.0.
    public static func statusPolicy(registryIssuer: String, format: IssueFormat, statusBaseURL: String) -> StatusAllocationPolicy {
        var base = statusBaseURL
        while base.hasSuffix("/") { base.removeLast() }
        let slug = String(
            String.UnicodeScalarView(
                registryIssuer.unicodeScalars.map { c in
                    (c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "." || c == "_" || c == "-")) ? c : "-"
                }))
        return StatusAllocationPolicy(purposes: statusPurposes(format), statusBaseURL: base + "/" + slug)
    }

    /// The status purposes a credential of `format` gets.
    public static func statusPurposes(_ format: IssueFormat) -> [String] {
        format == .vc2 ? ["revocation", "suspension"] : ["revocation"]
    }

    /// What ``issueOne(_:policy:now:)`` did.
    public struct SingleIssue: Sendable {
        /// The registry's id of the credential.
        public var credentialID: String
        /// The secured credential (for EDC, the JAdES document).
        public var document: [UInt8]
        /// `true` when the registry had issued this row before: `document` is the stored one, not re-signed.
        public var alreadyIssued: Bool
    }

    /// Issues one row without writing a file (for a service answering one request): reserve (or find) the
    /// row's registry record, build and secure its credential, record it as issued.
    ///
    /// Idempotent like ``issue(_:progress:)``: a row the registry has issued (same template id, row id and
    /// format) gives back the stored document; a reservation left by an interrupted request is completed with
    /// its status indexes.
    ///
    /// - Parameter policy: where status lists go; `nil` is ``statusPolicy``. Lists are per issuer, so a
    ///   different base only decides the URL of the issuer's next new list.
    public func issueOne(_ row: RecipientRow, policy: StatusAllocationPolicy? = nil, now: Date = Date()) async throws(IssuanceError) -> SingleIssue {
        let request = ReservationRequest(
            issuer: securing.registryIssuer, batch: template.id, rowKey: row.id, format: securing.format.rawValue,
            newCredentialID: "urn:credential:" + UUID().uuidString.lowercased())
        let records: [CredentialRecord]
        do { records = try await registry.reserve([request], policy: policy ?? statusPolicy) } catch {
            throw IssuanceError(.registry, error.message, location: "registry")
        }
        guard let record = records.first else {
            throw IssuanceError(.registry, "the registry returned no reservation for row \(row.id)", location: "registry")
        }
        if record.state == .issued, let document = record.document {
            return SingleIssue(credentialID: record.id, document: document, alreadyIssued: true)
        }
        let document = try secure(row: row, record: record, now: now)
        do { try await registry.complete([(credentialID: record.id, document: document)], actor: actor) } catch {
            throw IssuanceError(.registry, error.message, location: "registry")
        }
        return SingleIssue(credentialID: record.id, document: document, alreadyIssued: false)
    }

    /// The output file of a row.
    public func outputURL(rowID: String) -> URL { outputDirectory.appendingPathComponent(rowID + ".json") }

    /// The hidden folder of the output directory where files are written before being renamed into place.
    public static let partialFolderName = ".skillcred-partial"

    /// Where a file is written before it is renamed into place: `<output>/.skillcred-partial/`. Inside the
    /// output directory so the rename stays on one file system (and so is atomic); in a folder of its own so a
    /// crash leaves nothing among the credentials, and the next run knows what to sweep.
    public var partialDirectory: URL { outputDirectory.appendingPathComponent(Self.partialFolderName, isDirectory: true) }

    /// Removes what an interrupted run left: everything in ``partialDirectory``, and the `.dat.nosync…` temporary
    /// files that Foundation's atomic writes (used by earlier versions) left in the output directory itself.
    ///
    /// Always safe: the registry, not the files, records what was issued, and every issued row's file is
    /// written again from the registry by the next run. A run going on at the same moment in the same folder
    /// loses at most a temporary file, which its ``write(_:toFile:)`` notices and writes again.
    public func removeLeftoverTemporaryFiles() {
        let fm = FileManager.default
        for name in (try? fm.contentsOfDirectory(atPath: partialDirectory.path)) ?? [] {
            try? fm.removeItem(at: partialDirectory.appendingPathComponent(name))
        }
        for name in (try? fm.contentsOfDirectory(atPath: outputDirectory.path)) ?? [] where name.hasPrefix(".dat.nosync") {
            try? fm.removeItem(at: outputDirectory.appendingPathComponent(name))
        }
    }

    /// Issues every row; safe to run again (issued rows are rewritten from the registry, not re-signed).
    ///
    /// The registry work runs beside the signing: while the lanes secure chunk *k*, one task records chunk
    /// *k − 1* as issued (then reports its progress) and reserves chunk *k + 1*. A failure waits for that
    /// task, so a chunk whose completion has started is either recorded and reported, or not reported at all.
    ///
    /// Durability: the registry's commit of a chunk is the record that a credential was issued, and `progress`
    /// (hence the CLI's progress line) reports a chunk only after that commit. Files are written before it,
    /// each atomically (see ``write(_:toFile:)``), and every run writes the file of every issued row again from the
    /// registry; once all chunks are committed, one `syncfs` flushes the files before the summary is returned.
    public func issue(_ rows: [RecipientRow], progress: @Sendable (IssueProgress) -> Void = { _ in }) async throws(IssuanceError) -> IssueSummary {
        let start = Date()
        do {
            try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
        } catch {
            throw IssuanceError(.output, "cannot create the output folder: \(error.localizedDescription)", location: outputDirectory.path)
        }
        removeLeftoverTemporaryFiles()
        let size = max(1, chunkSize)
        let chunks = stride(from: 0, to: rows.count, by: size).map { rows[$0..<min(rows.count, $0 + size)] }
        var summary = IssueSummary()
        let policy = statusPolicy
        let me = self
        var records = chunks.isEmpty ? [] : try await reserve(chunks[0], policy: policy)
        // The chunk secured in the previous round, waiting to be recorded as issued; and rows done before it.
        var previous: [(credentialID: String, document: [UInt8])] = []
        var doneBeforePrevious = 0
        for (index, chunk) in chunks.enumerated() {
            let byRow = Dictionary(records.map { ($0.rowKey, $0) }, uniquingKeysWith: { first, _ in first })
            var work: [(row: RecipientRow, record: CredentialRecord)] = []
            var failure: IssuanceError?
            for row in chunk {
                guard let record = byRow[row.id] else {
                    failure = IssuanceError(.registry, "the registry returned no reservation for row \(row.id)", location: "registry")
                    break
                }
                if record.state == .issued, let document = record.document {
                    do { try write(document, toFile: row.id + ".json") } catch {
                        failure = error
                        break
                    }
                    summary.alreadyIssued += 1
                } else {
                    if record.state == .reserved && record.createdAt < start { summary.resumed += 1 }
                    work.append((row, record))
                }
            }
            // After a failure nothing more is reserved; the previous chunk is still recorded.
            let next = failure == nil && index + 1 < chunks.count ? chunks[index + 1] : nil
            let toComplete = previous, doneAfterPrevious = doneBeforePrevious + (index > 0 ? chunks[index - 1].count : 0)
            async let registryStep = me.completeAndReserve(
                toComplete, reportingDone: doneAfterPrevious, of: rows.count, since: start, progress: progress,
                thenReserve: next, policy: policy)
            var secured: Result<[(credentialID: String, document: [UInt8])], IssuanceError> = .success([])
            if failure == nil {
                do { secured = .success(try await secureInParallel(work)) } catch { secured = .failure(error) }
            }
            // Awaited before any error is thrown: a completion is never cancelled halfway.
            let stepResult = await registryStep
            if let failure { throw failure }
            let reserved = try stepResult.get()
            previous = try secured.get()
            summary.issued += previous.count
            doneBeforePrevious = doneAfterPrevious
            records = reserved
        }
        if !chunks.isEmpty {
            _ = try await completeAndReserve(
                previous, reportingDone: rows.count, of: rows.count, since: start, progress: progress, thenReserve: nil, policy: policy
            ).get()
        }
        // The files of this run reach the disk before the summary says they are done (one flush for all of
        // them instead of one per file; see write(_:toFile:)).
        if let failure = Self.flushFileSystem(of: outputDirectory) {
            throw IssuanceError(.output, "cannot flush the credentials to disk: \(String(cString: strerror(failure)))", location: outputDirectory.path)
        }
        // Leave only credentials behind. rmdir, not a recursive removal: it fails, harmlessly, while another
        // run in the same folder has a file in there.
        rmdir(partialDirectory.path)
        summary.elapsedSeconds = Date().timeIntervalSince(start)
        return summary
    }

    /// Flushes the file system holding `folder` to disk (Linux `syncfs`, found at run time because the C
    /// library declares it only for `_GNU_SOURCE`; elsewhere `sync`); the errno on failure.
    static func flushFileSystem(of folder: URL) -> Int32? {
        typealias SyncFS = @convention(c) (Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "syncfs") else {
            sync()
            return nil
        }
        let fd = open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return errno }
        defer { close(fd) }
        return unsafeBitCast(symbol, to: SyncFS.self)(fd) == 0 ? nil : errno
    }

    /// Reserves a chunk's rows (or finds their records).
    private func reserve(_ chunk: ArraySlice<RecipientRow>, policy: StatusAllocationPolicy) async throws(IssuanceError) -> [CredentialRecord] {
        let requests = chunk.map {
            ReservationRequest(
                issuer: securing.registryIssuer, batch: template.id, rowKey: $0.id, format: securing.format.rawValue,
                newCredentialID: "urn:credential:" + UUID().uuidString.lowercased())
        }
        do { return try await registry.reserve(requests, policy: policy) } catch {
            throw IssuanceError(.registry, error.message, location: "registry")
        }
    }

    /// The registry's share of a round: records `secured` as issued and reports `done` rows, then reserves
    /// `next` (when given). Returns the reservations, or the first error.
    private func completeAndReserve(
        _ secured: [(credentialID: String, document: [UInt8])], reportingDone done: Int, of total: Int, since start: Date,
        progress: @Sendable (IssueProgress) -> Void, thenReserve next: ArraySlice<RecipientRow>?, policy: StatusAllocationPolicy
    ) async -> Result<[CredentialRecord], IssuanceError> {
        if !secured.isEmpty {
            do { try await registry.complete(secured, actor: actor) } catch {
                return .failure(IssuanceError(.registry, error.message, location: "registry"))
            }
        }
        if done > 0 { progress(IssueProgress(done: done, total: total, elapsed: Date().timeIntervalSince(start))) }
        guard let next else { return .success([]) }
        do { return .success(try await reserve(next, policy: policy)) } catch { return .failure(error) }
    }

    private func secureInParallel(
        _ work: [(row: RecipientRow, record: CredentialRecord)]
    ) async throws(IssuanceError) -> [(credentialID: String, document: [UInt8])] {
        guard !work.isEmpty else { return [] }
        let lanes = max(1, min(concurrency, work.count))
        let me = self
        let outcome: Result<[(Int, [(credentialID: String, document: [UInt8])])], IssuanceError> = await withTaskGroup(
            of: Result<(Int, [(credentialID: String, document: [UInt8])]), IssuanceError>.self
        ) { group in
            for lane in 0..<lanes {
                group.addTask {
                    var out: [(credentialID: String, document: [UInt8])] = []
                    var position = lane
                    while position < work.count {
                        do {
                            let document = try me.secure(row: work[position].row, record: work[position].record)
                            try me.write(document, toFile: work[position].row.id + ".json")
                            out.append((work[position].record.id, document))
                        } catch let error as IssuanceError {
                            return .failure(error)
                        } catch {
                            return .failure(IssuanceError(.securing, "\(error)"))
                        }
                        position += lanes
                        // Lets the registry task of the round (recording the previous chunk, reserving the next)
                        // run: the lanes occupy every thread of the cooperative pool.
                        await Task.yield()
                    }
                    return .success((lane, out))
                }
            }
            var all: [(Int, [(credentialID: String, document: [UInt8])])] = []
            for await laneResult in group {
                switch laneResult {
                case .success(let part): all.append(part)
                case .failure(let error):
                    group.cancelAll()
                    return .failure(error)
                }
            }
            return .success(all)
        }
        switch outcome {
        case .failure(let error): throw error
        case .success(let parts): return parts.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }

    /// Builds and secures one row's credential.
    ///
    /// - Parameter subjectID: for VC 2.0, the `credentialSubject.id` (a wallet's DID, when the credential is
    ///   delivered over OpenID4VCI); `nil` keeps the learner's generated id.
    public func secure(row: RecipientRow, record: CredentialRecord, now: Date = Date(), subjectID: String? = nil) throws(IssuanceError) -> [UInt8] {
        let builder = CredentialBuilder(template: template)
        let entries = record.statuses.map {
            StatusListEntry(id: "\($0.listURL)#\($0.index)", statusPurpose: $0.purpose, statusListIndex: $0.index, statusListCredential: $0.listURL)
        }
        switch securing.method {
        case .jades(let sealer):
            let json = builder.edcJSON(
                row: row, credentialID: record.id, issuer: securing.issuer, issued: now,
                status: entries.first { $0.statusPurpose == "revocation" })
            if validateProfile {
                let report = ProfileValidator().validate(json)
                if let first = report.violations.first {
                    throw IssuanceError(
                        .profileViolation, "the credential for row \(row.id) breaks the EDC profile (\(report.violations.count) violation(s)); first: \(first)",
                        location: "line \(row.line)")
                }
            }
            do {
                return try sealer.sealedData(payload: JSONWriter.data(json), signingTime: now)
            } catch {
                throw IssuanceError(.securing, error.message, location: "line \(row.line)")
            }
        case .dataIntegrity(let signer, let key, let vm, let suite):
            var json = builder.vc2JSON(row: row, credentialID: record.id, issuer: securing.issuer, issued: now, statuses: entries)
            if let subjectID, case .object(var object) = json, case .object(var subject)? = object["credentialSubject"] {
                subject["id"] = .string(subjectID)
                object["credentialSubject"] = .object(subject)
                json = .object(object)
            }
            do throws(IssuerChecks.Refusal) {
                try IssuerChecks.check(json, cryptosuite: suite)
            } catch {
                throw IssuanceError(
                    .dataModelViolation, "the credential for row \(row.id) breaks the VC data model: \(error)",
                    location: "line \(row.line)")
            }
            let options = ProofOptions(
                cryptosuite: suite, verificationMethod: vm,
                created: XSDDateTime.format(now))
            do {
                return JSONWriter.data(try signer.addProof(to: json, options: options, key: key), style: .pretty)
            } catch {
                throw IssuanceError(.securing, "\(error)", location: "line \(row.line)")
            }
        }
    }

    /// Writes a file atomically, so a crash never leaves half a credential, nor a stray temporary file among
    /// the credentials: the bytes go to a uniquely named file in ``partialDirectory`` and are then renamed to
    /// `url`.
    ///
    /// No fsync per file: a killed process loses nothing the kernel has (the rename makes the whole file
    /// visible at once), and what a power cut or a kernel crash could lose (a file, or its contents) the
    /// registry still holds, because ``issue(_:progress:)`` reports a row only once the registry has durably
    /// recorded its document, and every run writes every issued row's file again from the registry. One
    /// `syncfs` at the end of the run stands for the per-file flushes, which cost a journal commit each (a
    /// third of the run's time in the kernel).
    ///
    /// - Parameter name: the file's name in ``outputDirectory`` (paths are joined as text: building a `URL` per
    ///   file was 2 % of bulk issuing).
    func write(_ bytes: [UInt8], toFile name: String) throws(IssuanceError) {
        let path = outputDirectory.path + "/" + name
        // A second attempt covers a temporary file (or the folder) removed under us by another run's start-up sweep.
        var attempt = 0
        while true {
            attempt += 1
            let temp = partialDirectory.path + "/" + name + "." + UUID().uuidString.prefix(8).lowercased() + ".tmp"
            let failure =
                Self.writeFile(bytes, to: temp, folder: partialDirectory)
                ?? (rename(temp, path) == 0 ? nil : errno)
            guard let failure else { return }
            unlink(temp)
            if failure == ENOENT && attempt < 3 { continue }
            throw IssuanceError(.output, "cannot write: \(String(cString: strerror(failure)))", location: path)
        }
    }

    /// Creates `path` (creating `folder` when missing) and writes all of `bytes`; the errno on failure.
    private static func writeFile(_ bytes: [UInt8], to path: String, folder: URL) -> Int32? {
        var fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        if fd < 0 && errno == ENOENT {
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        }
        guard fd >= 0 else { return errno }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + written, $0.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                let failure = errno
                close(fd)
                return failure
            }
            written += count
        }
        // close can report a deferred write error (NFS, quota): a file that may be incomplete is not renamed.
        return close(fd) == 0 ? nil : errno
    }
}
