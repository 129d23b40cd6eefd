import CredentialJSON
import CredentialRegistry
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
        case dataIntegrity(DataIntegritySigner, ProofSigningKey, verificationMethod: String)
    }

    let method: Method
    /// The issuer written into every credential.
    public let issuer: IssuerProfile
    /// The issuer's key in the registry (the eIDAS identifier or the DID).
    public let registryIssuer: String
    public let format: IssueFormat

    /// EDC sealing: the issuer's eIDAS identifier, legal name and country come from the seal certificate.
    public static func jades(_ sealer: JAdESSealer) throws(IssuanceError) -> CredentialSecuring {
        let identity: JAdESSealIdentity
        do { identity = try sealer.sealIdentity() } catch {
            throw IssuanceError(.invalidKey, error.message, location: "seal certificate")
        }
        guard let country = Countries.alpha3(fromAlpha2: identity.countryCode) else {
            throw IssuanceError(.invalidKey, "the seal certificate's country \(identity.countryCode) is not one skillcred maps to an EU country code", location: "seal certificate")
        }
        let issuer = IssuerProfile(legalName: LanguageMap("en", identity.legalName), country: country,
                                   eIDASIdentifier: identity.organizationIdentifier, altLabel: identity.commonName)
        return CredentialSecuring(method: .jades(sealer), issuer: issuer, registryIssuer: identity.organizationIdentifier, format: .edcJAdES)
    }

    /// VC 2.0 with an eddsa-rdfc-2022 (Ed25519) or ecdsa-rdfc-2019 (P-256/P-384) proof; the issuer is the key's did:key.
    public static func dataIntegrity(key: PrivateKey, issuerName: LanguageMap, country: String,
                                     eIDASIdentifier: String? = nil) throws(IssuanceError) -> CredentialSecuring {
        let proofKey: ProofSigningKey
        let did: String, vm: String
        do {
            proofKey = try ProofSigningKey(key)
        } catch {
            throw IssuanceError(.invalidKey, error.message, location: "--key")
        }
        do {
            did = try key.publicKey.didKey()
            vm = try key.publicKey.didKeyVerificationMethod()
        } catch {
            throw IssuanceError(.invalidKey, error.message, location: "--key")
        }
        let issuer = IssuerProfile(id: did, legalName: issuerName, country: country, eIDASIdentifier: eIDASIdentifier)
        return CredentialSecuring(method: .dataIntegrity(DataIntegritySigner(canonicalizer: JSONLDCanonicalizer()), proofKey, verificationMethod: vm),
                                  issuer: issuer, registryIssuer: did, format: .vc2)
    }

    var cryptosuite: Cryptosuite? {
        guard case .dataIntegrity(_, let key, _) = method else { return nil }
        switch key {
        case .ed25519: return .eddsaRdfc2022
        default: return .ecdsaRdfc2019
        }
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
/// chunk); within a chunk, building and securing run on all cores. Memory holds one chunk of
/// credentials at a time, whatever the batch size.
public struct BatchIssuer: Sendable {
    public let template: CredentialTemplate
    public let securing: CredentialSecuring
    public let registry: any RegistryStore
    /// Where `<rowid>.json` files go; created when missing.
    public let outputDirectory: URL
    /// Status lists are `<statusBaseURL>/<issuer>/<purpose>/<n>`, `<issuer>` being the registry issuer
    /// (eIDAS identifier or DID) with characters other than letters, digits, `.`, `_`, `-` replaced by `-`:
    /// each issuer signs its own lists, so two issuers never share one.
    public var statusBaseURL: String
    /// Rows per registry transaction.
    public var chunkSize = 256
    /// Parallel signing tasks (default: the number of active cores).
    public var concurrency = ProcessInfo.processInfo.activeProcessorCount
    /// Check every EDC against the generic-full profile before sealing (a violation stops the batch).
    public var validateProfile = true
    /// Who is recorded in the audit log.
    public var actor = "skillcred issue"

    public init(template: CredentialTemplate, securing: CredentialSecuring, registry: any RegistryStore,
                outputDirectory: URL, statusBaseURL: String = StatusAllocationPolicy().statusBaseURL) {
        self.template = template
        self.securing = securing
        self.registry = registry
        self.outputDirectory = outputDirectory
        self.statusBaseURL = statusBaseURL
    }

    /// The status purposes each credential gets. The EDC shapes allow one `credentialStatus`, so EDCs get
    /// a revocation entry only; VC 2.0 credentials get revocation and suspension.
    public var statusPolicy: StatusAllocationPolicy {
        var base = statusBaseURL
        while base.hasSuffix("/") { base.removeLast() }
        let slug = String(String.UnicodeScalarView(securing.registryIssuer.unicodeScalars.map { c in
            (c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "." || c == "_" || c == "-")) ? c : "-"
        }))
        return StatusAllocationPolicy(purposes: securing.format == .vc2 ? ["revocation", "suspension"] : ["revocation"],
                                      statusBaseURL: base + "/" + slug)
    }

    /// The output file of a row.
    public func outputURL(rowID: String) -> URL { outputDirectory.appendingPathComponent(rowID + ".json") }

    /// Issues every row; safe to run again (issued rows are rewritten from the registry, not re-signed).
    public func issue(_ rows: [RecipientRow], progress: @Sendable (IssueProgress) -> Void = { _ in }) async throws(IssuanceError) -> IssueSummary {
        let start = Date()
        do {
            try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
        } catch {
            throw IssuanceError(.output, "cannot create the output folder: \(error.localizedDescription)", location: outputDirectory.path)
        }
        var summary = IssueSummary()
        var done = 0
        let policy = statusPolicy
        var offset = 0
        while offset < rows.count {
            let chunk = Array(rows[offset..<min(rows.count, offset + max(1, chunkSize))])
            offset += chunk.count
            let requests = chunk.map {
                ReservationRequest(issuer: securing.registryIssuer, batch: template.id, rowKey: $0.id, format: securing.format.rawValue,
                                   newCredentialID: "urn:credential:" + UUID().uuidString.lowercased())
            }
            let records: [CredentialRecord]
            do { records = try await registry.reserve(requests, policy: policy) } catch {
                throw IssuanceError(.registry, error.message, location: "registry")
            }
            let byRow = Dictionary(records.map { ($0.rowKey, $0) }, uniquingKeysWith: { a, _ in a })
            var work: [(row: RecipientRow, record: CredentialRecord)] = []
            for row in chunk {
                guard let record = byRow[row.id] else {
                    throw IssuanceError(.registry, "the registry returned no reservation for row \(row.id)", location: "registry")
                }
                if record.state == .issued, let document = record.document {
                    try write(document, to: outputURL(rowID: row.id))
                    summary.alreadyIssued += 1
                } else {
                    if record.state == .reserved && record.createdAt < start { summary.resumed += 1 }
                    work.append((row, record))
                }
            }
            let secured = try await secureInParallel(work)
            if !secured.isEmpty {
                do { try await registry.complete(secured, actor: actor) } catch {
                    throw IssuanceError(.registry, error.message, location: "registry")
                }
            }
            summary.issued += secured.count
            done += chunk.count
            progress(IssueProgress(done: done, total: rows.count, elapsed: Date().timeIntervalSince(start)))
        }
        summary.elapsedSeconds = Date().timeIntervalSince(start)
        return summary
    }

    private func secureInParallel(_ work: [(row: RecipientRow, record: CredentialRecord)]) async throws(IssuanceError) -> [(credentialID: String, document: [UInt8])] {
        guard !work.isEmpty else { return [] }
        let lanes = max(1, min(concurrency, work.count))
        let me = self
        let outcome: Result<[(Int, [(credentialID: String, document: [UInt8])])], IssuanceError> = await withTaskGroup(
            of: Result<(Int, [(credentialID: String, document: [UInt8])]), IssuanceError>.self
        ) { group in
            for lane in 0..<lanes {
                group.addTask {
                    var out: [(credentialID: String, document: [UInt8])] = []
                    var k = lane
                    while k < work.count {
                        do {
                            let document = try me.secure(row: work[k].row, record: work[k].record)
                            try me.write(document, to: me.outputURL(rowID: work[k].row.id))
                            out.append((work[k].record.id, document))
                        } catch let error as IssuanceError {
                            return .failure(error)
                        } catch {
                            return .failure(IssuanceError(.securing, "\(error)"))
                        }
                        k += lanes
                    }
                    return .success((lane, out))
                }
            }
            var all: [(Int, [(credentialID: String, document: [UInt8])])] = []
            for await r in group {
                switch r {
                case .success(let part): all.append(part)
                case .failure(let e):
                    group.cancelAll()
                    return .failure(e)
                }
            }
            return .success(all)
        }
        switch outcome {
        case .failure(let e): throw e
        case .success(let parts): return parts.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }

    /// Builds and secures one row's credential.
    public func secure(row: RecipientRow, record: CredentialRecord, now: Date = Date()) throws(IssuanceError) -> [UInt8] {
        let builder = CredentialBuilder(template: template)
        let entries = record.statuses.map {
            StatusListEntry(id: "\($0.listURL)#\($0.index)", statusPurpose: $0.purpose, statusListIndex: $0.index, statusListCredential: $0.listURL)
        }
        switch securing.method {
        case .jades(let sealer):
            let json = builder.edcJSON(row: row, credentialID: record.id, issuer: securing.issuer, issued: now,
                                       status: entries.first { $0.statusPurpose == "revocation" })
            if validateProfile {
                let report = ProfileValidator().validate(json)
                if let first = report.violations.first {
                    throw IssuanceError(.profileViolation, "the credential for row \(row.id) breaks the EDC profile (\(report.violations.count) violation(s)); first: \(first)",
                                        location: "line \(row.line)")
                }
            }
            do {
                return try sealer.sealedData(payload: JSONWriter.data(json), signingTime: now)
            } catch {
                throw IssuanceError(.securing, error.message, location: "line \(row.line)")
            }
        case .dataIntegrity(let signer, let key, let vm):
            let json = builder.vc2JSON(row: row, credentialID: record.id, issuer: securing.issuer, issued: now, statuses: entries)
            let options = ProofOptions(cryptosuite: securing.cryptosuite ?? .eddsaRdfc2022, verificationMethod: vm,
                                       created: DateTimeStamp.format(now))
            do {
                return JSONWriter.data(try signer.addProof(to: json, options: options, key: key), style: .pretty)
            } catch {
                throw IssuanceError(.securing, "\(error)", location: "line \(row.line)")
            }
        }
    }

    /// Writes a file atomically (temporary file + rename), so a crash never leaves half a credential.
    func write(_ bytes: [UInt8], to url: URL) throws(IssuanceError) {
        do { try Data(bytes).write(to: url, options: .atomic) } catch {
            throw IssuanceError(.output, "cannot write: \(error.localizedDescription)", location: url.path)
        }
    }
}
