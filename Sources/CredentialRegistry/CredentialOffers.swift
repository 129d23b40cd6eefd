import Foundation

/// An OpenID4VCI credential offer for one learner (pre-authorized code flow), as the registry stores it.
///
/// Offers, their access tokens and the `c_nonce` values live in the registry, not in a service's memory, so every
/// instance sharing one database accepts a code or nonce another instance handed out, and each is used once.
public struct CredentialOfferRecord: Sendable, Hashable {
    /// Random, unguessable: the last path segment of `credential_offer_uri`.
    public var id: String
    /// The registry issuer the learner's credential record belongs to.
    public var issuer: String
    /// The template id (with `rowKey`, what makes `offers create` idempotent).
    public var batch: String
    /// The learner's id in the recipients records.
    public var rowKey: String
    /// The registry credential every delivered format shares (its status entries; revoking it revokes them all).
    public var credentialID: String
    /// The credential configuration ids the offer names (`dc+sd-jwt` configuration, `ldp_vc` configuration, …).
    public var configurations: [String]
    /// The template the credentials are built from (JSON; images inlined as `data:` URIs).
    public var template: [UInt8]
    /// The learner's record (a JSON object of column → value).
    public var recipient: [UInt8]
    /// The pre-authorized code. Stored as it is because the offer document carries it; whoever holds the offer
    /// link holds the code, which is what the optional transaction code is for.
    public var preAuthorizedCode: String
    /// Lower-case hex SHA-256 of the transaction code (the PIN sent to the learner apart from the link), if any.
    public var txCodeHash: String?
    /// The transaction code's length (for `tx_code.length` in the offer).
    public var txCodeLength: Int?
    /// When the pre-authorized code stops being accepted.
    public var expiresAt: Date
    /// When the code was exchanged for an access token (it is accepted once).
    public var redeemedAt: Date?
    /// Wrong transaction codes given so far; at ``CredentialOfferRecord/maximumTxCodeAttempts`` the code is burnt.
    public var failedAttempts: Int
    public var createdAt: Date

    public init(
        id: String, issuer: String, batch: String, rowKey: String, credentialID: String, configurations: [String],
        template: [UInt8], recipient: [UInt8], preAuthorizedCode: String, txCodeHash: String?, txCodeLength: Int?,
        expiresAt: Date, redeemedAt: Date? = nil, failedAttempts: Int = 0, createdAt: Date
    ) {
        self.id = id
        self.issuer = issuer
        self.batch = batch
        self.rowKey = rowKey
        self.credentialID = credentialID
        self.configurations = configurations
        self.template = template
        self.recipient = recipient
        self.preAuthorizedCode = preAuthorizedCode
        self.txCodeHash = txCodeHash
        self.txCodeLength = txCodeLength
        self.expiresAt = expiresAt
        self.redeemedAt = redeemedAt
        self.failedAttempts = failedAttempts
        self.createdAt = createdAt
    }

    /// Wrong transaction codes accepted before the pre-authorized code is burnt (a 6-digit code then resists guessing).
    public static let maximumTxCodeAttempts = 5

    /// The configurations as stored: comma-separated.
    public var storedConfigurations: String { configurations.joined(separator: ",") }

    /// Configurations from their stored form.
    public static func configurations(stored: String) -> [String] { stored.split(separator: ",").map(String.init) }
}

/// What exchanging a pre-authorized code for an access token did.
public enum CodeRedemption: Sendable, Hashable {
    /// The code was good: the access token is now bound to this offer.
    case redeemed(CredentialOfferRecord)
    /// No offer has this code.
    case unknown
    /// The code was exchanged before (a code is single use).
    case alreadyRedeemed
    /// The code is past its expiry.
    case expired
    /// The offer needs a transaction code and none, or a wrong one, was given (the attempt is counted).
    case wrongTransactionCode
    /// Too many wrong transaction codes: the code no longer works.
    case locked
}

/// The registry's side of OpenID4VCI: offers, access tokens bound to them, and single-use nonces.
public protocol CredentialOfferStore: Sendable {
    /// Stores `offer`, or returns the offer already stored for its issuer, batch and learner (idempotent, like issuing).
    func createOffer(_ offer: CredentialOfferRecord) async throws(RegistryError) -> (offer: CredentialOfferRecord, created: Bool)

    /// The offer with this id.
    func offer(id: String) async throws(RegistryError) -> CredentialOfferRecord?

    /// The offer for a learner of a batch.
    func offer(issuer: String, batch: String, rowKey: String) async throws(RegistryError) -> CredentialOfferRecord?

    /// Exchanges a pre-authorized code, in one transaction: checks expiry, single use and the transaction code
    /// (by its hash), and on success marks the code used and stores the access token's hash until `tokenExpiresAt`.
    func redeemPreAuthorizedCode(
        _ code: String, txCodeHash: String?, accessTokenHash: String, tokenExpiresAt: Date,
        now: Date
    ) async throws(RegistryError) -> CodeRedemption

    /// The offer an unexpired access token (by its hash) is bound to.
    func offer(accessTokenHash: String, now: Date) async throws(RegistryError) -> CredentialOfferRecord?

    /// Stores a fresh `c_nonce` until `expiresAt` (and drops expired ones).
    func insertNonce(_ nonce: String, expiresAt: Date) async throws(RegistryError)

    /// Uses a nonce up: true when it existed and had not expired; it is gone afterwards either way.
    func consumeNonce(_ nonce: String, now: Date) async throws(RegistryError) -> Bool
}

/// The rules of redeeming a code, shared by the engines (they differ only in how they lock).
public enum OfferRules {
    /// The verdict for presenting `offer`'s code with `txCodeHash` at `now`; `.redeemed` means "may be redeemed".
    public static func redemption(_ offer: CredentialOfferRecord, txCodeHash: String?, now: Date) -> CodeRedemption {
        if offer.redeemedAt != nil { return .alreadyRedeemed }
        if offer.expiresAt <= now { return .expired }
        if offer.failedAttempts >= CredentialOfferRecord.maximumTxCodeAttempts { return .locked }
        if let wanted = offer.txCodeHash {
            guard let given = txCodeHash, SecretComparison.equal(given, wanted) else { return .wrongTransactionCode }
        }
        return .redeemed(offer)
    }
}
