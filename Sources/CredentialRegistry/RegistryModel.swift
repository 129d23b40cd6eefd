import Foundation
import StatusList

/// Where a credential's status lives for one purpose: a list and an index in it.
public struct StatusAssignment: Sendable, Hashable, Codable {
    public var purpose: String
    public var listURL: String
    public var index: Int

    public init(purpose: String, listURL: String, index: Int) {
        self.purpose = purpose
        self.listURL = listURL
        self.index = index
    }
}

/// A credential the registry knows: reserved (indexes drawn, not yet signed) or issued.
public struct CredentialRecord: Sendable, Hashable {
    /// Reservation comes first so that a crash between drawing indexes and signing loses nothing:
    /// the next run finds the reservation and signs with the same indexes.
    public enum State: String, Sendable, Hashable, Codable {
        case reserved
        case issued
    }

    public var id: String
    public var issuer: String
    public var batch: String
    public var rowKey: String
    public var format: String
    public var state: State
    public var statuses: [StatusAssignment]
    /// The secured credential, once issued.
    public var document: [UInt8]?
    public var createdAt: Date

    public init(
        id: String, issuer: String, batch: String, rowKey: String, format: String, state: State,
        statuses: [StatusAssignment], document: [UInt8]?, createdAt: Date
    ) {
        self.id = id
        self.issuer = issuer
        self.batch = batch
        self.rowKey = rowKey
        self.format = format
        self.state = state
        self.statuses = statuses
        self.document = document
        self.createdAt = createdAt
    }

    /// The assignment for a purpose, if the credential has one.
    public func status(for purpose: String) -> StatusAssignment? { statuses.first { $0.purpose == purpose } }
}

/// A request to reserve a credential slot for one learner row of a batch.
public struct ReservationRequest: Sendable, Hashable {
    public var issuer: String
    /// Names the batch (for example the template's id); with `rowKey` and `format` it makes re-runs idempotent.
    public var batch: String
    /// The learner row's stable id from the recipients file.
    public var rowKey: String
    public var format: String
    /// The id a new credential gets; ignored when the row was reserved before.
    public var newCredentialID: String

    public init(issuer: String, batch: String, rowKey: String, format: String, newCredentialID: String) {
        self.issuer = issuer
        self.batch = batch
        self.rowKey = rowKey
        self.format = format
        self.newCredentialID = newCredentialID
    }
}

/// How status list entries are drawn.
public struct StatusAllocationPolicy: Sendable, Hashable {
    /// The purposes each credential gets an entry for.
    public var purposes: [String]
    /// Entries per list; the spec's minimum (and skillcred's default) is 131,072.
    public var listSize: Int
    /// A new list starts once this fraction of a list is used, so that every index is still drawn
    /// from a large pool of unused ones.
    public var fillThreshold: Double
    /// The URL prefix of status list credentials; lists are `<base>/<purpose>/<n>`.
    public var statusBaseURL: String

    /// The purposes every credential gets a status entry for unless a policy says otherwise.
    public static let standardPurposes = ["revocation", "suspension"]

    public init(
        purposes: [String] = StatusAllocationPolicy.standardPurposes, listSize: Int = 131_072,
        fillThreshold: Double = 0.9375, statusBaseURL: String = "http://localhost:8080/status-lists"
    ) {
        self.purposes = purposes
        self.listSize = listSize
        self.fillThreshold = fillThreshold
        self.statusBaseURL = statusBaseURL
    }

    /// The URL of list number `sequence` for `purpose`.
    public func listURL(purpose: String, sequence: Int) -> String {
        var base = statusBaseURL
        while base.hasSuffix("/") { base.removeLast() }
        return "\(base)/\(purpose)/\(sequence)"
    }

    /// How many entries a list may hold before a new one starts.
    public var capacityPerList: Int { max(1, Int(Double(listSize) * fillThreshold)) }
}

/// A status change an operator asks for.
public enum StatusAction: String, Sendable, Hashable, Codable, CaseIterable {
    /// Sets the revocation bit; final.
    case revoke
    /// Sets the suspension bit.
    case suspend
    /// Clears the suspension bit; revocation cannot be undone.
    case reinstate
}

/// What a status change did.
public struct StatusChangeResult: Sendable, Hashable {
    public var credentialID: String
    public var action: StatusAction
    /// False when the credential was already in the requested state (nothing was written but the audit entry).
    public var changed: Bool
    public var listURL: String
    public var index: Int

    public init(credentialID: String, action: StatusAction, changed: Bool, listURL: String, index: Int) {
        self.credentialID = credentialID
        self.action = action
        self.changed = changed
        self.listURL = listURL
        self.index = index
    }
}

/// One line of the audit log.
public struct AuditEntry: Sendable, Hashable {
    public var at: Date
    public var credentialID: String
    public var action: String
    public var reason: String?
    public var actor: String

    public init(at: Date, credentialID: String, action: String, reason: String?, actor: String) {
        self.at = at
        self.credentialID = credentialID
        self.action = action
        self.reason = reason
        self.actor = actor
    }
}

/// The current bits of a status list, for publishing.
public struct StatusListSnapshot: Sendable, Hashable {
    public var url: String
    public var issuer: String
    public var purpose: String
    public var size: Int
    public var bits: [UInt8]
    public var allocatedCount: Int
    public var updatedAt: Date

    public init(url: String, issuer: String, purpose: String, size: Int, bits: [UInt8], allocatedCount: Int, updatedAt: Date) {
        self.url = url
        self.issuer = issuer
        self.purpose = purpose
        self.size = size
        self.bits = bits
        self.allocatedCount = allocatedCount
        self.updatedAt = updatedAt
    }
}

/// The current state of a credential's status bits.
public struct CredentialStatusState: Sendable, Hashable {
    public var record: CredentialRecord
    public var revoked: Bool
    public var suspended: Bool

    public init(record: CredentialRecord, revoked: Bool, suspended: Bool) {
        self.record = record
        self.revoked = revoked
        self.suspended = suspended
    }
}

/// A revocation list as an SD-JWT VC's Token Status List publishes it.
///
/// An SD-JWT VC carries one status entry, its record's revocation index, so that one list must also say which of
/// its credentials are suspended: without this a suspended credential would read as valid to every verifier.
public struct RevocationListWithSuspensions: Sendable, Hashable {
    /// The revocation list with its current bits.
    public var revocation: StatusListSnapshot
    /// The indexes in ``revocation`` whose credentials' suspension bit is set, ascending.
    public var suspendedIndexes: [Int]

    public init(revocation: StatusListSnapshot, suspendedIndexes: [Int]) {
        self.revocation = revocation
        self.suspendedIndexes = suspendedIndexes
    }

    /// The status of entry `index` as the IETF Token Status List registers it: 1 (invalid) when revoked, else 2
    /// (suspended) when suspended, else 0 (valid). Revocation wins: it is final, a suspension is not.
    public func tokenStatus(at index: Int) -> UInt8 {
        if Bitstring(bytes: revocation.bits).bit(at: index) == true { return 1 }
        return suspendedIndexes.binarySearchContains(index) ? 2 : 0
    }
}

extension Array where Element == Int {
    /// Whether a sorted array holds `value`.
    fileprivate func binarySearchContains(_ value: Int) -> Bool {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if self[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low < count && self[low] == value
    }
}

/// One status list's allocation as stored: the bitmap of drawn indexes beside the indexes that
/// credentials actually hold, so that a check can prove the two agree.
public struct ListAllocation: Sendable, Hashable {
    public var url: String
    public var size: Int
    /// One bit per entry, most significant bit first, set when the index was drawn.
    public var allocated: [UInt8]
    /// The counter kept beside the bitmap.
    public var allocatedCount: Int
    /// The indexes `credential_status` rows hold on this list (with repeats, if any).
    public var usedIndexes: [Int]

    public init(url: String, size: Int, allocated: [UInt8], allocatedCount: Int, usedIndexes: [Int]) {
        self.url = url
        self.size = size
        self.allocated = allocated
        self.allocatedCount = allocatedCount
        self.usedIndexes = usedIndexes
    }

    /// Every way the list breaks the registry's invariants, one readable line each (empty when consistent):
    /// an index held by a credential but free in the bitmap (it could be drawn again), an index held twice,
    /// an index marked drawn that no credential holds (a leak), or a counter that disagrees with the bitmap.
    public var problems: [String] {
        var out: [String] = []
        var seen = Set<Int>()
        func isAllocated(_ index: Int) -> Bool { index >= 0 && index < size && allocated[index >> 3] & (UInt8(0x80) >> UInt8(index & 7)) != 0 }
        for index in usedIndexes {
            if !seen.insert(index).inserted { out.append("\(url): index \(index) is used twice") }
            if !isAllocated(index) { out.append("\(url): index \(index) is used but free in the allocation bitmap") }
        }
        let marked = IndexAllocator.popcount(allocated, size: size)
        if marked != seen.count {
            out.append("\(url): \(marked) indexes marked drawn but \(seen.count) held by credentials")
        }
        if marked != allocatedCount {
            out.append("\(url): allocated_count \(allocatedCount) disagrees with the bitmap (\(marked))")
        }
        return out
    }
}
