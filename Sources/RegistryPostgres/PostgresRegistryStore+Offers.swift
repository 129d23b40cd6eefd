import CredentialRegistry
import Foundation
import Logging
import PostgresNIO

// OpenID4VCI offers, access tokens and nonces on PostgreSQL. Single use is decided by the database, not by a read
// followed by a write: redeeming takes the offer row FOR UPDATE, and a nonce is consumed by DELETE … RETURNING, so
// two instances given the same code or nonce at the same moment cannot both accept it.
extension PostgresRegistryStore {
    static let offerColumns = """
        id, issuer, batch, row_key, credential_id, configurations, template, recipient, pre_authorized_code, tx_code_hash,
        tx_code_length, expires_at, redeemed_at, failed_attempts, created_at
        """

    public func createOffer(_ offer: CredentialOfferRecord) async throws(RegistryError) -> (offer: CredentialOfferRecord, created: Bool) {
        try await transaction("store a credential offer", retryOnUniqueViolation: true) { conn, log in
            let inserted = try await conn.query(
                """
                INSERT INTO openid4vci_offer (id, issuer, batch, row_key, credential_id, configurations, template, recipient,
                    pre_authorized_code, tx_code_hash, tx_code_length, expires_at, redeemed_at, failed_attempts, created_at)
                VALUES (\(offer.id), \(offer.issuer), \(offer.batch), \(offer.rowKey), \(offer.credentialID), \(offer.storedConfigurations),
                        \(Data(offer.template)), \(Data(offer.recipient)), \(offer.preAuthorizedCode), \(offer.txCodeHash), \(offer.txCodeLength),
                        \(offer.expiresAt), \(offer.redeemedAt), \(offer.failedAttempts), \(offer.createdAt))
                ON CONFLICT (issuer, batch, row_key) DO NOTHING RETURNING id
                """, logger: log
            ).collect()
            if !inserted.isEmpty { return (offer, true) }
            guard
                let existing = try await Self.offers(
                    conn, log,
                    """
                    SELECT \(unescaped: Self.offerColumns) FROM openid4vci_offer
                    WHERE issuer = \(offer.issuer) AND batch = \(offer.batch) AND row_key = \(offer.rowKey)
                    """
                ).first
            else { throw RegistryError(.conflict, "the offer for \(offer.rowKey) was neither stored nor found") }
            return (existing, false)
        }
    }

    public func offer(id: String) async throws(RegistryError) -> CredentialOfferRecord? {
        try await transaction("read a credential offer") { conn, log in
            try await Self.offers(conn, log, "SELECT \(unescaped: Self.offerColumns) FROM openid4vci_offer WHERE id = \(id)").first
        }
    }

    public func offer(issuer: String, batch: String, rowKey: String) async throws(RegistryError) -> CredentialOfferRecord? {
        try await transaction("read a credential offer") { conn, log in
            try await Self.offers(
                conn, log,
                """
                SELECT \(unescaped: Self.offerColumns) FROM openid4vci_offer WHERE issuer = \(issuer) AND batch = \(batch) AND row_key = \(rowKey)
                """
            ).first
        }
    }

    public func redeemPreAuthorizedCode(
        _ code: String, txCodeHash: String?, accessTokenHash: String, tokenExpiresAt: Date,
        now: Date
    ) async throws(RegistryError) -> CodeRedemption {
        try await transaction("redeem a pre-authorized code") { conn, log in
            guard
                let offer = try await Self.offers(
                    conn, log,
                    """
                    SELECT \(unescaped: Self.offerColumns) FROM openid4vci_offer WHERE pre_authorized_code = \(code) FOR UPDATE
                    """
                ).first
            else { return .unknown }
            let verdict = OfferRules.redemption(offer, txCodeHash: txCodeHash, now: now)
            switch verdict {
            case .redeemed:
                try await conn.query("UPDATE openid4vci_offer SET redeemed_at = \(now) WHERE id = \(offer.id)", logger: log)
                try await conn.query(
                    """
                    INSERT INTO openid4vci_access_token (hash, offer_id, expires_at) VALUES (\(accessTokenHash), \(offer.id), \(tokenExpiresAt))
                    """, logger: log)
                var redeemed = offer
                redeemed.redeemedAt = now
                return .redeemed(redeemed)
            case .wrongTransactionCode:
                try await conn.query("UPDATE openid4vci_offer SET failed_attempts = failed_attempts + 1 WHERE id = \(offer.id)", logger: log)
                return verdict
            default:
                return verdict
            }
        }
    }

    public func offer(accessTokenHash: String, now: Date) async throws(RegistryError) -> CredentialOfferRecord? {
        try await transaction("look up an access token") { conn, log in
            try await Self.offers(
                conn, log,
                """
                SELECT \(unescaped: Self.offerColumns.split(separator: ",").map { "o." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", "))
                FROM openid4vci_access_token t JOIN openid4vci_offer o ON o.id = t.offer_id
                WHERE t.hash = \(accessTokenHash) AND t.expires_at > \(now)
                """
            ).first
        }
    }

    public func insertNonce(_ nonce: String, expiresAt: Date) async throws(RegistryError) {
        try await transaction("store a nonce") { conn, log in
            try await conn.query("DELETE FROM openid4vci_nonce WHERE expires_at < \(Date())", logger: log)
            try await conn.query("INSERT INTO openid4vci_nonce (nonce, expires_at) VALUES (\(nonce), \(expiresAt))", logger: log)
        }
    }

    public func consumeNonce(_ nonce: String, now: Date) async throws(RegistryError) -> Bool {
        try await transaction("use a nonce") { conn, log in
            var fresh = false
            for try await expires in try await conn.query("DELETE FROM openid4vci_nonce WHERE nonce = \(nonce) RETURNING expires_at", logger: log)
                .decode(Date.self)
            {
                fresh = expires > now
            }
            return fresh
        }
    }

    static func offers(_ conn: PostgresConnection, _ log: Logger, _ query: PostgresQuery) async throws -> [CredentialOfferRecord] {
        var out: [CredentialOfferRecord] = []
        for try await (
            id, issuer, batch, rowKey, credentialID, configurations, template, recipient, code, txHash, txLength, expires, redeemed, attempts, created
        )
            in try await conn.query(query, logger: log)
            .decode((String, String, String, String, String, String, Data, Data, String, String?, Int?, Date, Date?, Int, Date).self)
        {
            out.append(
                CredentialOfferRecord(
                    id: id, issuer: issuer, batch: batch, rowKey: rowKey, credentialID: credentialID,
                    configurations: CredentialOfferRecord.configurations(stored: configurations), template: Array(template), recipient: Array(recipient),
                    preAuthorizedCode: code, txCodeHash: txHash, txCodeLength: txLength, expiresAt: expires, redeemedAt: redeemed,
                    failedAttempts: attempts, createdAt: created))
        }
        return out
    }
}
