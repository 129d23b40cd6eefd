import CredentialRegistry
import Foundation
import GRDB

// OpenID4VCI offers, access tokens and nonces on SQLite: each method one write transaction (SQLite's one writer is
// the lock), so a code is redeemed and a nonce consumed exactly once even with several processes on the file.
extension SQLiteRegistryStore {
    public func createOffer(_ offer: CredentialOfferRecord) async throws(RegistryError) -> (offer: CredentialOfferRecord, created: Bool) {
        try await write { db in
            if let existing = try Self.fetchOffer(db, where: "issuer = ? AND batch = ? AND row_key = ?", [offer.issuer, offer.batch, offer.rowKey]) {
                return (existing, false)
            }
            try db.execute(
                sql: """
                    INSERT INTO openid4vci_offer (id, issuer, batch, row_key, credential_id, configurations, template, recipient,
                        pre_authorized_code, tx_code_hash, tx_code_length, expires_at, redeemed_at, failed_attempts, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    offer.id, offer.issuer, offer.batch, offer.rowKey, offer.credentialID, offer.storedConfigurations,
                    Data(offer.template), Data(offer.recipient), offer.preAuthorizedCode, offer.txCodeHash, offer.txCodeLength,
                    offer.expiresAt, offer.redeemedAt, offer.failedAttempts, offer.createdAt,
                ])
            return (offer, true)
        }
    }

    public func offer(id: String) async throws(RegistryError) -> CredentialOfferRecord? {
        try await read { db in try Self.fetchOffer(db, where: "id = ?", [id]) }
    }

    public func offer(issuer: String, batch: String, rowKey: String) async throws(RegistryError) -> CredentialOfferRecord? {
        try await read { db in try Self.fetchOffer(db, where: "issuer = ? AND batch = ? AND row_key = ?", [issuer, batch, rowKey]) }
    }

    public func redeemPreAuthorizedCode(
        _ code: String, txCodeHash: String?, accessTokenHash: String, tokenExpiresAt: Date,
        now: Date
    ) async throws(RegistryError) -> CodeRedemption {
        try await write { db in
            guard let offer = try Self.fetchOffer(db, where: "pre_authorized_code = ?", [code]) else { return .unknown }
            let verdict = OfferRules.redemption(offer, txCodeHash: txCodeHash, now: now)
            switch verdict {
            case .redeemed:
                try db.execute(sql: "UPDATE openid4vci_offer SET redeemed_at = ? WHERE id = ? AND redeemed_at IS NULL", arguments: [now, offer.id])
                guard db.changesCount == 1 else { return .alreadyRedeemed }
                try db.execute(
                    sql: "INSERT INTO openid4vci_access_token (hash, offer_id, expires_at) VALUES (?, ?, ?)",
                    arguments: [accessTokenHash, offer.id, tokenExpiresAt])
                var redeemed = offer
                redeemed.redeemedAt = now
                return .redeemed(redeemed)
            case .wrongTransactionCode:
                try db.execute(sql: "UPDATE openid4vci_offer SET failed_attempts = failed_attempts + 1 WHERE id = ?", arguments: [offer.id])
                return verdict
            default:
                return verdict
            }
        }
    }

    public func offer(accessTokenHash: String, now: Date) async throws(RegistryError) -> CredentialOfferRecord? {
        try await read { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT offer_id, expires_at FROM openid4vci_access_token WHERE hash = ?",
                    arguments: [accessTokenHash]),
                (row["expires_at"] as Date) > now
            else { return nil }
            return try Self.fetchOffer(db, where: "id = ?", [row["offer_id"] as String])
        }
    }

    public func insertNonce(_ nonce: String, expiresAt: Date) async throws(RegistryError) {
        try await write { db in
            // Expired nonces go as new ones come: the table holds only the ones still usable (indexed by expiry).
            try db.execute(sql: "DELETE FROM openid4vci_nonce WHERE expires_at < ?", arguments: [Date()])
            try db.execute(sql: "INSERT INTO openid4vci_nonce (nonce, expires_at) VALUES (?, ?)", arguments: [nonce, expiresAt])
        }
    }

    public func consumeNonce(_ nonce: String, now: Date) async throws(RegistryError) -> Bool {
        try await write { db in
            guard let expires = try Date.fetchOne(db, sql: "SELECT expires_at FROM openid4vci_nonce WHERE nonce = ?", arguments: [nonce]) else {
                return false
            }
            try db.execute(sql: "DELETE FROM openid4vci_nonce WHERE nonce = ?", arguments: [nonce])
            return expires > now
        }
    }

    private static func fetchOffer(_ db: Database, where condition: String, _ arguments: StatementArguments) throws -> CredentialOfferRecord? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT id, issuer, batch, row_key, credential_id, configurations, template, recipient, pre_authorized_code, tx_code_hash,
                           tx_code_length, expires_at, redeemed_at, failed_attempts, created_at FROM openid4vci_offer WHERE \(condition)
                    """, arguments: arguments)
        else { return nil }
        return CredentialOfferRecord(
            id: row["id"], issuer: row["issuer"], batch: row["batch"], rowKey: row["row_key"], credentialID: row["credential_id"],
            configurations: CredentialOfferRecord.configurations(stored: row["configurations"]),
            template: Array(row["template"] as Data), recipient: Array(row["recipient"] as Data),
            preAuthorizedCode: row["pre_authorized_code"], txCodeHash: row["tx_code_hash"], txCodeLength: row["tx_code_length"],
            expiresAt: row["expires_at"], redeemedAt: row["redeemed_at"], failedAttempts: row["failed_attempts"], createdAt: row["created_at"])
    }
}
