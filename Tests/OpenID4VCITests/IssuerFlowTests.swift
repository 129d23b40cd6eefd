import CredentialJSON
import CredentialRegistry
import Foundation
import KeyManagement
import OpenID4VCI
import SDJWT
import StatusList
import Testing

/// The pre-authorized code flow against the registry: refusals first, then what a wallet receives.
@Suite("OpenID4VCI pre-authorized code flow")
struct IssuerFlowTests {
    let grant = CredentialIssuerDescription.preAuthorizedGrant

    @Test func anUnknownGrantTypeOrCodeIsRefused() async throws {
        let f = try Fixture()
        #expect(await errorCode { _ = try await f.issuer.token(["grant_type": "authorization_code", "code": "x"]) } == "unsupported_grant_type")
        #expect(await errorCode { _ = try await f.issuer.token(["grant_type": grant]) } == "invalid_request")
        #expect(await errorCode { _ = try await f.issuer.token(["grant_type": grant, "pre-authorized_code": "guessed"]) } == "invalid_grant")
    }

    @Test func aPreAuthorizedCodeWorksOnce() async throws {
        let f = try Fixture()
        let offer = try await f.offer()
        _ = try await f.accessToken(offer)
        #expect(await errorCode { _ = try await f.accessToken(offer) } == "invalid_grant")
    }

    @Test func anExpiredPreAuthorizedCodeIsRefused() async throws {
        var limits = OpenID4VCILimits()
        limits.offerLifetime = 60
        let f = try Fixture(limits: limits)
        let offer = try await f.offer(now: Date().addingTimeInterval(-120))
        #expect(await errorCode { _ = try await f.accessToken(offer) } == "invalid_grant")
    }

    @Test func aMissingOrWrongTransactionCodeIsRefusedAndFiveWrongOnesBurnTheCode() async throws {
        let f = try Fixture()
        let offer = try await f.offer(txCode: true)
        let code = offer.record.preAuthorizedCode
        #expect(offer.txCode?.count == 6)
        #expect(await errorCode { _ = try await f.issuer.token(["grant_type": grant, "pre-authorized_code": code]) } == "invalid_grant")
        for _ in 0..<4 {
            #expect(
                await errorCode { _ = try await f.issuer.token(["grant_type": grant, "pre-authorized_code": code, "tx_code": "000000x"]) } == "invalid_grant")
        }
        // Five wrong: even the right code no longer works.
        #expect(await errorCode { _ = try await f.accessToken(offer) } == "invalid_grant")
        let fresh = try Fixture()
        let other = try await fresh.offer(txCode: true)
        _ = try await fresh.accessToken(other)
    }

    @Test func theCredentialEndpointRefusesAnUnknownOrExpiredAccessToken() async throws {
        var limits = OpenID4VCILimits()
        limits.accessTokenLifetime = 1
        let f = try Fixture(limits: limits)
        let w = try Wallet()
        let nonce = try await f.issuer.nonce()
        #expect(
            await errorCode { _ = try await f.issuer.credential(accessToken: "forged", body: w.request(.sdJWT, proof: try w.proof(nonce: nonce))) }
                == "invalid_token")
        let token = try await f.accessToken(try await f.offer())
        #expect(
            await errorCode {
                _ = try await f.issuer.credential(
                    accessToken: token, body: w.request(.sdJWT, proof: try w.proof(nonce: nonce)), now: Date().addingTimeInterval(5))
            } == "invalid_token")
    }

    @Test func aReplayedProofOrAnUnknownNonceIsAnInvalidNonce() async throws {
        let f = try Fixture()
        let w = try Wallet()
        let token = try await f.accessToken(try await f.offer())
        #expect(
            await errorCode { _ = try await f.issuer.credential(accessToken: token, body: w.request(.sdJWT, proof: try w.proof(nonce: "made-up"))) }
                == "invalid_nonce")
        let nonce = try await f.issuer.nonce()
        let proof = try w.proof(nonce: nonce)
        _ = try await f.issuer.credential(accessToken: token, body: w.request(.sdJWT, proof: proof))
        #expect(await errorCode { _ = try await f.issuer.credential(accessToken: token, body: w.request(.sdJWT, proof: proof)) } == "invalid_nonce")
    }

    @Test func anExpiredNonceIsRefused() async throws {
        var limits = OpenID4VCILimits()
        limits.nonceLifetime = 1
        let f = try Fixture(limits: limits)
        let w = try Wallet()
        let token = try await f.accessToken(try await f.offer())
        let nonce = try await f.issuer.nonce(now: Date().addingTimeInterval(-5))
        #expect(
            await errorCode { _ = try await f.issuer.credential(accessToken: token, body: w.request(.sdJWT, proof: try w.proof(nonce: nonce))) }
                == "invalid_nonce")
    }

    @Test func aForgedProofDoesNotBurnTheNonce() async throws {
        let f = try Fixture()
        let w = try Wallet(), stranger = try Wallet()
        let token = try await f.accessToken(try await f.offer())
        let nonce = try await f.issuer.nonce()
        #expect(
            await errorCode {
                _ = try await f.issuer.credential(accessToken: token, body: w.request(.sdJWT, proof: try w.proof(nonce: nonce, signer: stranger.key)))
            } == "invalid_proof")
        _ = try await f.issuer.credential(accessToken: token, body: w.request(.sdJWT, proof: try w.proof(nonce: nonce)))
    }

    @Test func unknownConfigurationsIdentifiersAndMalformedRequestsAreRefused() async throws {
        let f = try Fixture()
        let w = try Wallet()
        let token = try await f.accessToken(try await f.offer(configurations: [.sdJWT]))
        let nonce = try await f.issuer.nonce()
        let proof = try w.proof(nonce: nonce)
        func code(_ body: JSONValue) async -> String? { await errorCode { _ = try await f.issuer.credential(accessToken: token, body: body) } }
        #expect(
            await code(.object(["credential_configuration_id": "mso_mdoc_thing", "proofs": .object(["jwt": .array([.string(proof)])])]))
                == "unknown_credential_configuration")
        // Offered configurations only: this offer has no ldp_vc.
        #expect(await code(w.request(.ldpVC, proof: proof)) == "unknown_credential_configuration")
        #expect(await code(.object(["credential_identifier": "x", "proofs": .object(["jwt": .array([.string(proof)])])])) == "unknown_credential_identifier")
        #expect(await code(.object(["proofs": .object(["jwt": .array([.string(proof)])])])) == "invalid_credential_request")
        #expect(await code(.array([])) == "invalid_credential_request")
        #expect(await code(.object(["credential_configuration_id": .string(CredentialConfiguration.sdJWT.rawValue)])) == "invalid_proof")
        #expect(
            await code(
                .object([
                    "credential_configuration_id": .string(CredentialConfiguration.sdJWT.rawValue),
                    "proofs": .object(["jwt": .array([.string(proof), .string(proof)])]),
                ])) == "invalid_proof")
        #expect(
            await code(
                .object([
                    "credential_configuration_id": .string(CredentialConfiguration.sdJWT.rawValue),
                    "proofs": .object(["ldp_vp": .array([])]),
                ])) == "invalid_proof")
    }

    @Test func offersAreIdempotentPerLearnerAndTemplate() async throws {
        let f = try Fixture()
        let first = try await f.offer(txCode: true)
        let again = try await f.offer(txCode: true)
        #expect(first.created && !again.created)
        #expect(again.record.id == first.record.id)
        #expect(again.record.preAuthorizedCode == first.record.preAuthorizedCode)
        #expect(again.txCode == nil)  // shown only once
        let document = try #require(try await f.issuer.offerDocument(id: first.record.id))
        #expect(document["credential_issuer"]?.stringValue == Fixture.issuerID)
        #expect(document["grants"]?[grant]?["tx_code"]?["length"]?.numberValue?.intValue == 6)
        #expect(try await f.issuer.offerDocument(id: "nope") == nil)
    }

    @Test func theSDJWTVCIsBoundToTheProofKeyAndEveryClaimIsDisclosable() async throws {
        let f = try Fixture()
        let w = try Wallet(.ed25519)
        let offer = try await f.offer()
        let token = try await f.accessToken(offer)
        let delivered = try await f.issuer.credential(accessToken: token, body: w.request(.sdJWT, proof: try w.proof(nonce: try await f.issuer.nonce())))
        let text = try #require(delivered.response["credentials"]?.arrayValue?.first?["credential"]?.stringValue)
        let sd = try SelectiveDisclosureJWT(parsing: text)
        #expect(sd.type == "dc+sd-jwt")
        #expect(sd.issuerJWT.isSigned(by: f.issuer.key.publicKey))
        let payload = sd.issuerJWT.payload
        #expect(payload["cnf"]?["jwk"]?.objectValue == w.key.publicKey.jwk)
        #expect(payload["vct"]?.stringValue == Fixture.issuerID + "/vct/learning-achievement/v1")
        #expect(payload["iss"]?.stringValue == f.issuer.issuerDID)
        #expect(payload["exp"] != nil)
        #expect(payload["status"]?["status_list"]?["uri"]?.stringValue?.hasPrefix(Fixture.issuerID + "/status-lists/token/revocation/") == true)
        // Nothing personal in the clear.
        let clear = JSONWriter.string(payload)
        for hidden in ["Amira", "Haddad", "1985-03-13", "learner.example", "esco"] { #expect(!clear.contains(hidden), "\(hidden)") }
        let claims = try sd.processedClaims().claims
        #expect(claims["given_name"]?.stringValue == "Amira")
        #expect(claims["achievement"]?["grade"]?.stringValue == "Merit")
        let outcomes = claims["achievement"]?["learning_outcomes"]?.arrayValue ?? []
        #expect(outcomes.count == 4)
        #expect(outcomes.allSatisfy { $0["esco_skill"]?["uri"]?.stringValue?.hasPrefix("http://data.europa.eu/esco/skill/") == true })
        // Each outcome is an array-element disclosure.
        #expect(sd.disclosures.filter { $0.name == nil }.count == 4)
    }

    @Test func theLdpVCHasTheHoldersDIDAsSubjectAndTheSameStatusEntries() async throws {
        let f = try Fixture()
        let w = try Wallet(.ed25519)
        let (vc, credentialID) = try await f.deliveredLdpVC(to: w)
        #expect(vc["credentialSubject"]?["id"]?.stringValue == (try w.key.publicKey.didKey()))
        #expect(vc["proof"]?["cryptosuite"]?.stringValue == "eddsa-rdfc-2022")
        #expect(vc["issuer"]?["id"]?.stringValue == f.issuer.issuerDID)
        let record = try #require(try await f.registry.credential(id: credentialID))
        let statuses = vc["credentialStatus"]?.arrayValue ?? []
        #expect(statuses.compactMap { $0["statusListIndex"]?.stringValue }.sorted() == record.statuses.map { String($0.index) }.sorted())
    }

    @Test func theJWTVCIsSignedByTheIssuerForTheHoldersDIDWithTheRecordsStatus() async throws {
        let f = try Fixture()
        let w = try Wallet(.p256)
        let token = try await f.accessToken(try await f.offer())
        let delivered = try await f.issuer.credential(
            accessToken: token, body: w.request(.jwtVC, proof: try w.proof(nonce: try await f.issuer.nonce(), keyHeader: .didJWK)))
        let jwt = try #require(delivered.response["credentials"]?.arrayValue?.first?["credential"]?.stringValue)
        let jws = try CompactJWS(jwt, what: "jwt_vc_json")
        #expect(jws.algorithm == "EdDSA")
        #expect(jws.isSigned(by: f.issuer.key.publicKey))
        let holderDID = DIDJWK.did(w.key.publicKey)
        #expect(jws.payload["sub"]?.stringValue == holderDID)
        #expect(jws.payload["iss"]?.stringValue == f.issuer.issuerDID)
        #expect(jws.payload["jti"]?.stringValue == delivered.credentialID)
        let vc = try #require(jws.payload["vc"])
        #expect(vc["credentialSubject"]?["id"]?.stringValue == holderDID)
        #expect(vc["credentialSubject"]?["achievement"]?["learning_outcomes"]?.arrayValue?.count == 4)
        let record = try #require(try await f.registry.credential(id: delivered.credentialID))
        #expect(vc["credentialStatus"]?["statusListIndex"]?.stringValue == record.status(for: "revocation").map { String($0.index) })
    }

    @Test func suspendingOrRevokingTheLearnersRecordShowsInTheSDJWTVCsStatusAndRevokingStopsDelivery() async throws {
        let f = try Fixture()
        let w = try Wallet()
        let offer = try await f.offer()
        let token = try await f.accessToken(offer)
        let delivered = try await f.issuer.credential(accessToken: token, body: w.request(.sdJWT, proof: try w.proof(nonce: try await f.issuer.nonce())))
        let sd = try SelectiveDisclosureJWT(parsing: delivered.response["credentials"]!.arrayValue!.first!["credential"]!.stringValue!)
        let idx = try #require(sd.issuerJWT.payload["status"]?["status_list"]?["idx"]?.numberValue?.intValue)
        let record = try #require(try await f.registry.credential(id: offer.record.credentialID))
        let bsl = try #require(record.status(for: "revocation"))
        #expect(idx == bsl.index)
        func tokenStatus() async throws -> UInt8 {
            let snapshot = try #require(try await f.registry.revocationListWithSuspensions(url: bsl.listURL))
            let jws = try CompactJWS(try f.issuer.statusListToken(for: snapshot), what: "status list")
            #expect(jws.header["typ"]?.stringValue == "statuslist+jwt")
            #expect(jws.isSigned(by: f.issuer.key.publicKey))
            #expect(jws.payload["sub"]?.stringValue == f.issuer.tokenListURL(forBitstringList: bsl.listURL))
            #expect(jws.payload["status_list"]?["bits"]?.numberValue?.intValue == 2)
            let list = try TokenStatusList(bits: 2, lst: jws.payload["status_list"]!["lst"]!.stringValue!)
            return try list.status(at: idx)
        }
        #expect(try await tokenStatus() == 0)
        _ = try await f.registry.changeStatus(credentialID: offer.record.credentialID, action: .suspend, reason: "test", actor: "test")
        #expect(try await tokenStatus() == 2)
        _ = try await f.registry.changeStatus(credentialID: offer.record.credentialID, action: .reinstate, reason: "test", actor: "test")
        #expect(try await tokenStatus() == 0)
        _ = try await f.registry.changeStatus(credentialID: offer.record.credentialID, action: .revoke, reason: "test", actor: "test")
        #expect(try await tokenStatus() == 1)
        #expect(
            await errorCode {
                _ = try await f.issuer.credential(accessToken: token, body: w.request(.ldpVC, proof: try w.proof(nonce: try await f.issuer.nonce())))
            } == "credential_request_denied")
    }

    @Test func metadataPutsTheWellKnownSegmentBeforeTheIssuersPath() {
        let d = CredentialIssuerDescription(issuer: "https://issuer.example/tenant/")
        #expect(d.issuer == "https://issuer.example/tenant")
        #expect(d.wellKnownURL("openid-credential-issuer") == "https://issuer.example/.well-known/openid-credential-issuer/tenant")
        #expect(d.wellKnownURL("oauth-authorization-server") == "https://issuer.example/.well-known/oauth-authorization-server/tenant")
        #expect(
            CredentialIssuerDescription(issuer: "https://issuer.example").wellKnownURL("openid-credential-issuer")
                == "https://issuer.example/.well-known/openid-credential-issuer")
        let m = d.metadata()
        #expect(m["credential_issuer"]?.stringValue == "https://issuer.example/tenant")
        #expect(m["nonce_endpoint"]?.stringValue == "https://issuer.example/tenant/openid4vci/nonce")
        let configs = m["credential_configurations_supported"]?.objectValue
        #expect(configs?[CredentialConfiguration.sdJWT.rawValue]?["format"]?.stringValue == "dc+sd-jwt")
        #expect(configs?[CredentialConfiguration.ldpVC.rawValue]?["format"]?.stringValue == "ldp_vc")
        #expect(configs?[CredentialConfiguration.jwtVC.rawValue]?["format"]?.stringValue == "jwt_vc_json")
        #expect(d.offerLink("abc") == "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fissuer.example%2Ftenant%2Fopenid4vci%2Foffers%2Fabc")
    }
}
