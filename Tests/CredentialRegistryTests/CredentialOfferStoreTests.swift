import CredentialRegistry
import Foundation
import RegistryPostgres
import RegistrySQLite
import Testing

/// OpenID4VCI state in the registry, on every engine: offers are idempotent, a pre-authorized code and a nonce are
/// accepted exactly once even when two instances on one database race for them.
@Suite("Registry engines: OpenID4VCI offers, tokens, nonces")
struct CredentialOfferStoreTests {
    /// Two stores on one database (two processes' worth of connections).
    static func pair(_ engine: RegistryEngine) throws -> (any RegistryStore, any RegistryStore) {
        switch engine {
        case .sqlite:
            let path = SQLiteRegistryTests.temporaryPath()
            return (try SQLiteRegistryStore(path: path), try SQLiteRegistryStore(path: path))
        case .postgres:
            let spec = try PostgresTestServer.freshSpec()
            return (try PostgresRegistryStore(url: spec), try PostgresRegistryStore(url: spec))
        }
    }

    static func offer(
        _ store: any RegistryStore, row: String = "L-1", expires: Date = Date().addingTimeInterval(3600),
        txCodeHash: String? = nil
    ) async throws -> CredentialOfferRecord {
        let record = try await store.reserve(
            [
                ReservationRequest(
                    issuer: "did:example:i", batch: "tpl", rowKey: row, format: "openid4vci",
                    newCredentialID: "urn:credential:\(UUID())")
            ], policy: StatusAllocationPolicy())[0]
        return CredentialOfferRecord(
            id: "offer-\(UUID())", issuer: "did:example:i", batch: "tpl", rowKey: row, credentialID: record.id,
            configurations: ["a", "b"], template: Array("{}".utf8), recipient: Array("{\"id\":\"L-1\"}".utf8),
            preAuthorizedCode: "code-\(UUID())", txCodeHash: txCodeHash, txCodeLength: txCodeHash == nil ? nil : 6,
            expiresAt: expires, createdAt: Date())
    }

    @Test(arguments: RegistryEngine.available)
    func anOfferIsStoredOncePerLearnerAndReadBackWhole(_ engine: RegistryEngine) async throws {
        let (a, b) = try Self.pair(engine)
        let offer = try await Self.offer(a)
        let first = try await a.createOffer(offer)
        #expect(first.created)
        var other = offer
        other.id = "another"
        other.preAuthorizedCode = "another-code"
        let second = try await b.createOffer(other)
        #expect(!second.created)
        #expect(second.offer.id == offer.id)
        let read = try #require(try await b.offer(id: offer.id))
        #expect(read.configurations == ["a", "b"])
        #expect(read.template == offer.template && read.recipient == offer.recipient)
        #expect(abs(read.expiresAt.timeIntervalSince(offer.expiresAt)) < 0.01)
        #expect(try await a.offer(issuer: "did:example:i", batch: "tpl", rowKey: "L-1")?.id == offer.id)
        #expect(try await a.offer(id: "unknown") == nil)
    }

    @Test(arguments: RegistryEngine.available)
    func twoInstancesRedeemingOneCodeAtOnceGiveOneAccessToken(_ engine: RegistryEngine) async throws {
        let (a, b) = try Self.pair(engine)
        let offer = try await a.createOffer(try await Self.offer(a)).offer
        let now = Date()
        async let x = a.redeemPreAuthorizedCode(
            offer.preAuthorizedCode, txCodeHash: nil, accessTokenHash: "hash-a", tokenExpiresAt: now.addingTimeInterval(300), now: now)
        async let y = b.redeemPreAuthorizedCode(
            offer.preAuthorizedCode, txCodeHash: nil, accessTokenHash: "hash-b", tokenExpiresAt: now.addingTimeInterval(300), now: now)
        let outcomes = try await [x, y]
        #expect(outcomes.filter { if case .redeemed = $0 { return true } else { return false } }.count == 1)
        #expect(outcomes.contains(.alreadyRedeemed))
        let winner = outcomes.firstIndex { if case .redeemed = $0 { return true } else { return false } }!
        #expect(try await b.offer(accessTokenHash: winner == 0 ? "hash-a" : "hash-b", now: now)?.id == offer.id)
        #expect(try await a.offer(accessTokenHash: winner == 0 ? "hash-b" : "hash-a", now: now) == nil)
        // The token works until it expires.
        #expect(try await a.offer(accessTokenHash: winner == 0 ? "hash-a" : "hash-b", now: now.addingTimeInterval(301)) == nil)
        #expect(try await a.redeemPreAuthorizedCode("no-such-code", txCodeHash: nil, accessTokenHash: "h", tokenExpiresAt: now, now: now) == .unknown)
    }

    @Test(arguments: RegistryEngine.available)
    func anExpiredCodeAndWrongTransactionCodesAreRefusedAndCounted(_ engine: RegistryEngine) async throws {
        let (a, _) = try Self.pair(engine)
        let now = Date()
        let expired = try await a.createOffer(try await Self.offer(a, row: "L-2", expires: now.addingTimeInterval(-1))).offer
        #expect(
            try await a.redeemPreAuthorizedCode(expired.preAuthorizedCode, txCodeHash: nil, accessTokenHash: "h1", tokenExpiresAt: now, now: now) == .expired)
        let guarded = try await a.createOffer(try await Self.offer(a, row: "L-3", txCodeHash: "right")).offer
        #expect(
            try await a.redeemPreAuthorizedCode(guarded.preAuthorizedCode, txCodeHash: nil, accessTokenHash: "h2", tokenExpiresAt: now, now: now)
                == .wrongTransactionCode)
        for _ in 0..<4 {
            #expect(
                try await a.redeemPreAuthorizedCode(guarded.preAuthorizedCode, txCodeHash: "wrong", accessTokenHash: "h3", tokenExpiresAt: now, now: now)
                    == .wrongTransactionCode)
        }
        #expect(try await a.offer(id: guarded.id)?.failedAttempts == 5)
        #expect(
            try await a.redeemPreAuthorizedCode(guarded.preAuthorizedCode, txCodeHash: "right", accessTokenHash: "h4", tokenExpiresAt: now, now: now) == .locked
        )
    }

    @Test(arguments: RegistryEngine.available)
    func aNonceIsConsumedOnceEvenWhenTwoInstancesRace(_ engine: RegistryEngine) async throws {
        let (a, b) = try Self.pair(engine)
        let now = Date()
        try await a.insertNonce("n-1", expiresAt: now.addingTimeInterval(60))
        async let x = a.consumeNonce("n-1", now: now)
        async let y = b.consumeNonce("n-1", now: now)
        #expect(try await [x, y].filter { $0 }.count == 1)
        #expect(try await a.consumeNonce("never-given", now: now) == false)
        try await b.insertNonce("n-2", expiresAt: now.addingTimeInterval(60))
        #expect(try await a.consumeNonce("n-2", now: now.addingTimeInterval(61)) == false)
        #expect(try await a.consumeNonce("n-2", now: now) == false)  // gone, even though the first use came too late
    }
}
