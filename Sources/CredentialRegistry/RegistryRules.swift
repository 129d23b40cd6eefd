import Foundation
import StatusList

// The registry's rules, shared by the engines: what a reservation draws and in which order lists are taken, and
// what a status change may do. The engines (RegistrySQLite, RegistryPostgres) only read and write rows; every
// decision is made here, so the two cannot drift apart.

/// A status list opened for drawing: its allocation bitmap and how many entries are taken.
public struct OpenStatusList: Sendable, Hashable {
    public var url: String
    public var size: Int
    public var allocated: [UInt8]
    public var allocatedCount: Int

    public init(url: String, size: Int, allocated: [UInt8], allocatedCount: Int) {
        self.url = url
        self.size = size
        self.allocated = allocated
        self.allocatedCount = allocatedCount
    }

    /// A new, empty list as the policy makes it.
    public static func empty(url: String, policy: StatusAllocationPolicy) -> OpenStatusList {
        OpenStatusList(url: url, size: policy.listSize, allocated: policy.emptyBitmap, allocatedCount: 0)
    }

    /// Whether the policy lets this list take more entries; when not, the next list in the sequence is started.
    public func hasRoom(under policy: StatusAllocationPolicy) -> Bool { allocatedCount < policy.capacityPerList }
}

extension StatusAllocationPolicy {
    /// An all-zero bitmap of one list (status bits or allocation bits).
    public var emptyBitmap: [UInt8] { [UInt8](repeating: 0, count: (listSize + 7) / 8) }
}

/// How a batch of reservations is carried out. An engine, inside one transaction, finds the requests it has seen
/// before, then for each ``Step`` opens the list (``OpenStatusList``), calls ``draw(_:from:)`` until the step's
/// requests have their entries, writes each list back, and finally stores ``records(now:)``.
public struct ReservationPlan: Sendable {
    /// One (issuer, purpose) to draw entries for.
    public struct Step: Sendable, Hashable {
        public let issuer: String
        public let purpose: String
    }

    public let requests: [ReservationRequest]
    /// The records found for requests seen before, by request position.
    private var existing: [Int: CredentialRecord] = [:]
    private var pending: [Step: ArraySlice<Int>] = [:]
    private var assignments: [Int: [StatusAssignment]] = [:]
    /// Requests with no record yet, in request order.
    public private(set) var fresh: [Int] = []
    /// The steps in the one order every engine takes lists in — issuers sorted, then the policy's purposes — so
    /// two reservations running at once lock lists in the same order and cannot deadlock.
    public private(set) var steps: [Step] = []

    /// A plan for `requests`, given the record already stored for each (nil when new).
    public init(_ requests: [ReservationRequest], existing records: [CredentialRecord?], policy: StatusAllocationPolicy) {
        precondition(records.count == requests.count, "one lookup result per request")
        self.requests = requests
        for (position, record) in records.enumerated() {
            if let record { existing[position] = record } else { fresh.append(position) }
        }
        let byIssuer = Dictionary(grouping: fresh, by: { requests[$0].issuer })
        for issuer in byIssuer.keys.sorted() {
            for purpose in policy.purposes {
                let step = Step(issuer: issuer, purpose: purpose)
                steps.append(step)
                pending[step] = byIssuer[issuer]![...]
            }
        }
    }

    /// Whether the step still has requests without an entry.
    public func needsEntries(_ step: Step) -> Bool { !(pending[step]?.isEmpty ?? true) }

    /// Draws random unused indexes from `list` for as many of the step's waiting requests as the list has room
    /// for, marking them in its bitmap and count; returns how many were drawn.
    public mutating func draw(_ step: Step, from list: inout OpenStatusList, policy: StatusAllocationPolicy) -> Int {
        guard var waiting = pending[step], !waiting.isEmpty else { return 0 }
        let room = max(0, policy.capacityPerList - list.allocatedCount)
        let indexes = IndexAllocator.draw(min(room, waiting.count), size: list.size, allocated: &list.allocated)
        for index in indexes {
            let position = waiting.removeFirst()
            assignments[position, default: []].append(StatusAssignment(purpose: step.purpose, listURL: list.url, index: index))
        }
        list.allocatedCount += indexes.count
        pending[step] = waiting
        return indexes.count
    }

    /// The new records to store, by request position (statuses ordered by purpose, as engines read them back).
    public func newRecords(now: Date) -> [(position: Int, record: CredentialRecord)] {
        fresh.map { position in
            let request = requests[position]
            let statuses = (assignments[position] ?? []).sorted { $0.purpose < $1.purpose }
            return (
                position,
                CredentialRecord(
                    id: request.newCredentialID, issuer: request.issuer, batch: request.batch, rowKey: request.rowKey, format: request.format,
                    state: .reserved, statuses: statuses, document: nil, createdAt: now)
            )
        }
    }

    /// One record per request, in request order: the stored one for requests seen before, else the new one.
    public func records(now: Date) -> [CredentialRecord] {
        var out = existing
        for (position, record) in newRecords(now: now) { out[position] = record }
        return requests.indices.map { out[$0]! }
    }
}

/// What revoking, suspending and reinstating may do. Revocation is final; a change that changes nothing is still
/// written to the audit log, marked "(no change)".
public enum StatusChangeRules {
    /// The status entry an action changes, or why there is none.
    public static func entry(for action: StatusAction, of record: CredentialRecord?, credentialID: String) throws(RegistryError) -> StatusAssignment {
        guard let record else { throw RegistryError(.notFound, "no credential \(credentialID) in the registry") }
        let purpose = action == .revoke ? "revocation" : "suspension"
        guard let entry = record.status(for: purpose) else {
            throw RegistryError(.noStatusEntry, "credential \(credentialID) has no \(purpose) status entry")
        }
        return entry
    }

    /// The revocation entry whose bit must be read before this action (reinstating a revoked credential is
    /// refused), or nil when the action needs no such check.
    public static func revocationToCheck(before action: StatusAction, of record: CredentialRecord) -> StatusAssignment? {
        action == .reinstate ? record.status(for: "revocation") : nil
    }

    /// Refuses to reinstate a revoked credential.
    public static func check(revoked: Bool, before action: StatusAction, credentialID: String) throws(RegistryError) {
        if action == .reinstate && revoked {
            throw RegistryError(.notAllowed, "credential \(credentialID) is revoked; revocation is final and cannot be reinstated")
        }
    }

    /// Sets the entry's bit as the action wants it; whether the bit changed (the list must then be written back).
    public static func apply(_ action: StatusAction, to bits: inout Bitstring, at entry: StatusAssignment) throws(RegistryError) -> Bool {
        let target = action != .reinstate
        guard let current = bits.bit(at: entry.index) else {
            throw RegistryError(.storage, "status list \(entry.listURL) has no index \(entry.index)")
        }
        guard current != target else { return false }
        do { try bits.setBit(at: entry.index, to: target) } catch {
            throw RegistryError(.storage, "status list \(entry.listURL): \(error)")
        }
        return true
    }

    /// The audit log's action text for a change.
    public static func auditAction(_ action: StatusAction, changed: Bool) -> String {
        action.rawValue + (changed ? "" : " (no change)")
    }

    /// The result the engines return once the change is committed.
    public static func result(_ action: StatusAction, credentialID: String, entry: StatusAssignment, changed: Bool) -> StatusChangeResult {
        StatusChangeResult(credentialID: credentialID, action: action, changed: changed, listURL: entry.listURL, index: entry.index)
    }

    /// A credential's state from its record and a reader of its entries' bits (false when a list is missing).
    public static func state(of record: CredentialRecord, bit: (StatusAssignment) throws -> Bool?) rethrows -> CredentialStatusState {
        func read(_ purpose: String) throws -> Bool {
            guard let entry = record.status(for: purpose) else { return false }
            return try bit(entry) ?? false
        }
        return CredentialStatusState(record: record, revoked: try read("revocation"), suspended: try read("suspension"))
    }
}

/// How an engine finds the suspended credentials of a revocation list (``RevocationListWithSuspensions``): it reads
/// the issuer's suspension lists, takes the indexes set in them, and asks which of those credentials hold an entry in
/// the revocation list — work in proportion to the suspensions, which are few, not to the list's credentials.
public enum SuspensionMirror {
    /// The indexes whose bit is set in a status list's bits (most significant bit first), ascending.
    public static func setIndexes(_ bits: [UInt8]) -> [Int] {
        var out: [Int] = []
        for (position, byte) in bits.enumerated() where byte != 0 {
            for bit in 0..<8 where byte & (0x80 >> UInt8(bit)) != 0 { out.append(position * 8 + bit) }
        }
        return out
    }

    /// How many indexes one query names (SQLite allows 32,766 parameters; smaller chunks keep statements short).
    public static let queryChunk = 500
}
