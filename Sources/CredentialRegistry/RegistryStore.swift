import Foundation

/// A registry failure.
public struct RegistryError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let name: String
        public var description: String { name }
        /// No credential with that id.
        public static let notFound = Code(name: "notFound")
        /// The change is not allowed (e.g. reinstating a revoked credential).
        public static let notAllowed = Code(name: "notAllowed")
        /// The credential has no status entry for the purpose the action needs.
        public static let noStatusEntry = Code(name: "noStatusEntry")
        /// The database refused or failed; the message says what it said.
        public static let storage = Code(name: "storage")
        /// The database was written by a newer skillcred.
        public static let schema = Code(name: "schema")
        /// A constraint that guards consistency fired (an index would be used twice).
        public static let conflict = Code(name: "conflict")
        /// A status list credential could not be built, signed or written.
        public static let publishing = Code(name: "publishing")
        /// Something with that name already exists (e.g. an API token).
        public static let alreadyExists = Code(name: "alreadyExists")
        /// A value the caller gave is not acceptable (e.g. a token name with characters outside the allowed set).
        public static let invalidInput = Code(name: "invalidInput")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
    public static func == (lhs: RegistryError, rhs: RegistryError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}

/// The issuer's registry. SQLite and PostgreSQL implement it with the same schema and behaviour.
///
/// Every method is one transaction: it either happens completely and durably, or not at all.
public protocol RegistryStore: CredentialOfferStore {
    /// Reserves a credential (id and status indexes) for each request, or returns the existing
    /// reservation or issued record for a row seen before, so that re-running a batch never duplicates.
    func reserve(_ requests: [ReservationRequest], policy: StatusAllocationPolicy) async throws(RegistryError) -> [CredentialRecord]

    /// Stores the secured documents of reserved credentials and marks them issued.
    func complete(_ documents: [(credentialID: String, document: [UInt8])], actor: String) async throws(RegistryError)

    /// The record of a credential, if the registry has it.
    func credential(id: String) async throws(RegistryError) -> CredentialRecord?

    /// A credential with its current revocation and suspension bits.
    func statusState(credentialID: String) async throws(RegistryError) -> CredentialStatusState

    /// Revokes, suspends or reinstates; returns once the change is durably committed.
    func changeStatus(credentialID: String, action: StatusAction, reason: String?, actor: String) async throws(RegistryError) -> StatusChangeResult

    /// The status lists with their current bits (all issuers when `issuer` is nil).
    func statusLists(issuer: String?) async throws(RegistryError) -> [StatusListSnapshot]

    /// One status list with its current bits, or `nil` when the registry has no list at `url`
    /// (what a verifier reads for every status entry, so engines answer it with one indexed lookup).
    func statusList(url: String) async throws(RegistryError) -> StatusListSnapshot?

    /// The status lists at `urls` that the registry has, in one read (a credential's revocation and suspension
    /// entries name two lists, and each read's own cost, not the lookup, is most of it); a URL it has no list at
    /// is left out, and the order is the registry's.
    func statusLists(urls: [String]) async throws(RegistryError) -> [StatusListSnapshot]

    /// The revocation list at `url` with the indexes in it of suspended credentials, read in one transaction, or
    /// `nil` when the registry has no list at `url` (what an SD-JWT VC's Token Status List is built from).
    func revocationListWithSuspensions(url: String) async throws(RegistryError) -> RevocationListWithSuspensions?

    /// The audit log of a credential, oldest first.
    func auditLog(credentialID: String) async throws(RegistryError) -> [AuditEntry]

    /// Each list's allocation bitmap with the indexes credentials hold, read in one transaction,
    /// for consistency checks (after a crash, or in `skillcred status check`).
    func allocations() async throws(RegistryError) -> [ListAllocation]

    /// Every API token, active and revoked, ordered by name.
    func apiTokens() async throws(RegistryError) -> [APIToken]

    /// The unrevoked token whose stored hash equals `hash`, if any: an indexed lookup, safe because the hash of
    /// a 256-bit random secret cannot be guessed. The caller still compares the hash in constant time.
    func activeAPIToken(hash: String) async throws(RegistryError) -> APIToken?

    /// Stores a new token; `alreadyExists` when its name is taken, `invalidInput` for a bad name.
    func insertAPIToken(_ token: APIToken) async throws(RegistryError)

    /// Revokes the token `name` from `at` on (a second revocation keeps the first time); `notFound` when there is none.
    func revokeAPIToken(name: String, at: Date) async throws(RegistryError)
}

extension RegistryStore {
    /// Every invariant violation across all lists; empty when the registry is consistent.
    public func consistencyProblems() async throws(RegistryError) -> [String] {
        try await allocations().flatMap(\.problems)
    }
}
