import CredentialJSON
import CredentialService
import Foundation
import Hummingbird
import HummingbirdTesting
import KeyManagement
import OpenID4VCI
import SDJWT
import StatusList
import Testing

/// The OpenID4VCI route group over HTTP: refusals first (auth, content types, limits), then a wallet's whole path
/// ending with the service verifying what it issued, and the offer's QR code, page and status list.
@Suite("OpenID4VCI routes")
struct OpenID4VCIRouteTests {
    static let grant = CredentialIssuerDescription.preAuthorizedGrant

    func proof(_ key: PrivateKey, nonce: String, audience: String) throws -> String {
        try SDJWTIssuing.sign(
            header: ["typ": "openid4vci-proof+jwt", "jwk": .object(key.publicKey.jwk)],
            payload: .object(["aud": .string(audience), "iat": .number(JSONNumber(Int(Date().timeIntervalSince1970))), "nonce": .string(nonce)]),
            key: key)
    }

    func createOffer(_ client: some TestClientProtocol, token: String, body: String, status: HTTPResponse.Status = .created) async throws -> JSONValue {
        try await client.execute(uri: "/openid4vci/offers", method: .post, headers: bearer(token), body: json(body)) { r in
            #expect(r.status == status, "\(String(buffer: r.body))")
            return try parse(r.body)
        }
    }

    @Test func creatingAnOfferNeedsATokenWithTheIssueScope() async throws {
        let s = try await TestService.make()
        let statusOnly = try await s.token("status-only", [.status])
        try await s.app.test(.router) { client in
            let body = "{\"template\": \"micro-credential\", \"recipient\": \(amira)}"
            try await client.execute(uri: "/openid4vci/offers", method: .post, headers: jsonHeaders, body: json(body)) { r in #expect(r.status == .unauthorized)
            }
            try await client.execute(uri: "/openid4vci/offers", method: .post, headers: bearer(statusOnly), body: json(body)) { r in
                #expect(r.status == .forbidden)
            }
            try await client.execute(
                uri: "/openid4vci/offers", method: .post, headers: bearer(s.demoToken),
                body: json("{\"template\": \"micro-credential\", \"recipient\": \(amira), \"formats\": [\"mso_mdoc\"]}")
            ) { r in
                #expect(r.status == .unprocessableContent)
            }
        }
    }

    @Test func theTokenEndpointTakesOnlyAFormAndTheCredentialEndpointOnlyABearerToken() async throws {
        let s = try await TestService.make()
        try await s.app.test(.router) { client in
            try await client.execute(uri: "/openid4vci/token", method: .post, headers: jsonHeaders, body: json("{\"grant_type\": \"x\"}")) { r in
                #expect(r.status == .badRequest)
                #expect((try? parse(r.body))?["error"]?.stringValue == "invalid_request")
                #expect(r.headers[.cacheControl] == "no-store")
            }
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            try await client.execute(
                uri: "/openid4vci/token", method: .post, headers: form,
                body: json("grant_type=\(Self.grant)&pre-authorized_code=a&pre-authorized_code=b")
            ) { r in
                #expect((try? parse(r.body))?["error"]?.stringValue == "invalid_request")
            }
            try await client.execute(
                uri: "/openid4vci/token", method: .post, headers: form,
                body: json("grant_type=\(Self.grant)&pre-authorized_code=" + String(repeating: "x", count: 70_000))
            ) { r in
                #expect(r.status == .badRequest)
            }
            try await client.execute(
                uri: "/openid4vci/credential", method: .post, headers: jsonHeaders,
                body: json("{\"credential_configuration_id\": \"learning_achievement_dc_sd_jwt\"}")
            ) { r in
                #expect(r.status == .unauthorized)
                #expect((try? parse(r.body))?["error"]?.stringValue == "invalid_token")
                #expect(r.headers[.wwwAuthenticate]?.contains("invalid_token") == true)
            }
        }
    }

    @Test func aWalletReceivesAnSDJWTVCThatTheServiceThenVerifies() async throws {
        let s = try await TestService.make()
        let issuer = s.state.openID4VCI.description.issuer
        try await s.app.test(.router) { client in
            let made = try await createOffer(
                client, token: s.demoToken, body: "{\"template\": \"micro-credential\", \"recipient\": \(amira), \"txCode\": true}")
            let again = try await createOffer(client, token: s.demoToken, body: "{\"template\": \"micro-credential\", \"recipient\": \(amira)}", status: .ok)
            #expect(again["offerId"] == made["offerId"])
            #expect(again["txCode"] == nil)
            let tx = try #require(made["txCode"]?.stringValue)
            let id = try #require(made["offerId"]?.stringValue)
            #expect(made["offerLink"]?.stringValue?.hasPrefix("openid-credential-offer://?credential_offer_uri=") == true)

            let metadata = try await client.execute(uri: "/.well-known/openid-credential-issuer", method: .get) { r in try parse(r.body) }
            #expect(metadata["credential_issuer"]?.stringValue == issuer)
            let asMetadata = try await client.execute(uri: "/.well-known/oauth-authorization-server", method: .get) { r in try parse(r.body) }
            #expect(asMetadata["pre-authorized_grant_anonymous_access_supported"] == .bool(true))

            let offer = try await client.execute(uri: "/openid4vci/offers/\(id)", method: .get) { r in
                #expect(r.headers[.cacheControl] == "no-store")
                return try parse(r.body)
            }
            let code = try #require(offer["grants"]?[Self.grant]?["pre-authorized_code"]?.stringValue)
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            let encoded = Self.grant.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            try await client.execute(
                uri: "/openid4vci/token", method: .post, headers: form,
                body: json("grant_type=\(encoded)&pre-authorized_code=\(code)&tx_code=000000x")
            ) { r in
                #expect((try? parse(r.body))?["error"]?.stringValue == "invalid_grant")
            }
            let accessToken = try await client.execute(
                uri: "/openid4vci/token", method: .post, headers: form,
                body: json("grant_type=\(encoded)&pre-authorized_code=\(code)&tx_code=\(tx)")
            ) { r in
                #expect(r.status == .ok, "\(String(buffer: r.body))")
                return try #require(try parse(r.body)["access_token"]?.stringValue)
            }
            let nonce = try await client.execute(uri: "/openid4vci/nonce", method: .post) { r in try #require(try parse(r.body)["c_nonce"]?.stringValue) }
            let wallet = try PrivateKey.generate(.p256)
            let request = JSONWriter.string(
                .object([
                    "credential_configuration_id": "learning_achievement_dc_sd_jwt",
                    "proofs": .object(["jwt": .array([.string(try proof(wallet, nonce: nonce, audience: issuer))])]),
                ]))
            let sdJWT = try await client.execute(uri: "/openid4vci/credential", method: .post, headers: bearer(accessToken), body: json(request)) { r in
                #expect(r.status == .ok, "\(String(buffer: r.body))")
                return try #require(try parse(r.body)["credentials"]?.arrayValue?.first?["credential"]?.stringValue)
            }
            try await client.execute(uri: "/openid4vci/credential", method: .post, headers: bearer(accessToken), body: json(request)) { r in
                #expect((try? parse(r.body))?["error"]?.stringValue == "invalid_nonce")
            }
            let result = try await verify(client, .string(sdJWT))
            #expect(result["verified"] == .bool(true), "\(JSONWriter.string(result))")

            // The status list the SD-JWT VC names, and the type metadata its vct names.
            let parsed = try SelectiveDisclosureJWT(parsing: sdJWT)
            let uri = try #require(parsed.issuerJWT.payload["status"]?["status_list"]?["uri"]?.stringValue)
            let path = String(uri.dropFirst(issuer.count))
            try await client.execute(uri: path, method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "application/statuslist+jwt")
                let jws = try? CompactJWS(String(buffer: r.body), what: "status list")
                #expect(jws?.header["typ"]?.stringValue == "statuslist+jwt")
            }
            try await client.execute(uri: "/status-lists/token/suspension/1", method: .get) { r in #expect(r.status == .notFound) }
            let vct = try #require(parsed.issuerJWT.payload["vct"]?.stringValue)
            try await client.execute(uri: String(vct.dropFirst(issuer.count)), method: .get) { r in
                #expect((try? parse(r.body))?["vct"]?.stringValue == vct)
            }

            // The SD-JWT VC's one status entry is its record's revocation index, so its Token Status List must carry
            // the record's suspension too: suspended, it is not valid; reinstated, it is again; revoked, for good.
            let credentialID = try #require(made["credentialId"]?.stringValue)
            let index = try #require(parsed.issuerJWT.payload["status"]?["status_list"]?["idx"]?.numberValue?.intValue)
            func change(_ action: String) async throws {
                try await client.execute(
                    uri: "/credentials/status", method: .post, headers: bearer(s.demoToken),
                    body: json("{\"credentialId\":\"\(credentialID)\",\"action\":\"\(action)\"}")
                ) { r in #expect(r.status == .ok, "\(String(buffer: r.body))") }
            }
            func published() async throws -> UInt8? {
                try await client.execute(uri: path, method: .get) { r in
                    let jws = try CompactJWS(String(buffer: r.body), what: "status list")
                    #expect(jws.payload["status_list"]?["bits"]?.numberValue?.intValue == 2)
                    let lst = try #require(jws.payload["status_list"]?["lst"]?.stringValue)
                    return try TokenStatusList(bits: 2, lst: lst).status(at: index)
                }
            }
            #expect(try await published() == 0)
            try await change("suspend")
            #expect(try await published() == 2)
            let suspended = try await verify(client, .string(sdJWT))
            #expect(suspended["verified"] == .bool(false), "\(JSONWriter.string(suspended))")
            #expect(JSONWriter.string(suspended).contains("The credential is suspended"), "\(JSONWriter.string(suspended))")
            try await change("reinstate")
            #expect(try await published() == 0)
            let reinstated = try await verify(client, .string(sdJWT))
            #expect(reinstated["verified"] == .bool(true), "\(JSONWriter.string(reinstated))")
            try await change("suspend")
            try await change("revoke")
            #expect(try await published() == 1)
            let revoked = try await verify(client, .string(sdJWT))
            #expect(revoked["verified"] == .bool(false))
            #expect(JSONWriter.string(revoked).contains("revoked"), "\(JSONWriter.string(revoked))")
        }
    }

    @Test func theOfferPageShowsTheQRCodeWithTheLinkUnderIt() async throws {
        let s = try await TestService.make()
        try await s.app.test(.router) { client in
            let made = try await createOffer(client, token: s.demoToken, body: "{\"template\": \"micro-credential\", \"recipient\": \(amira)}")
            let id = try #require(made["offerId"]?.stringValue)
            let link = try #require(made["offerLink"]?.stringValue)
            try await client.execute(uri: "/offers/\(id)", method: .get) { r in
                #expect(r.status == .ok)
                let html = String(buffer: r.body)
                #expect(html.contains("<svg"))
                #expect(html.contains(link.replacingOccurrences(of: "&", with: "&amp;")))
                #expect(html.range(of: "<svg")!.lowerBound < html.range(of: "offer-link")!.lowerBound)
            }
            try await client.execute(uri: "/openid4vci/offers/\(id)/qr.svg", method: .get) { r in #expect(r.headers[.contentType] == "image/svg+xml") }
            try await client.execute(uri: "/openid4vci/offers/\(id)/qr.png", method: .get) { r in
                #expect(r.headers[.contentType] == "image/png")
                #expect(Array(r.body.readableBytesView.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
            }
            for path in [
                "/offers/unknown", "/openid4vci/offers/unknown", "/openid4vci/offers/..%2F..%2Fetc/qr.png", "/offers/\(String(repeating: "a", count: 100))",
            ] {
                try await client.execute(uri: path, method: .get) { r in #expect(r.status == .notFound, "\(path)") }
            }
        }
    }

    @Test func anIssuerWithAPathHasItsMetadataWithTheWellKnownSegmentFirst() async throws {
        let s = try await TestService.make { $0.publicBaseURL = "https://credentials.school.example/tenant" }
        try await s.app.test(.router) { client in
            for name in ["openid-credential-issuer", "oauth-authorization-server"] {
                try await client.execute(uri: "/.well-known/\(name)/tenant", method: .get) { r in
                    #expect(r.status == .ok)
                    let m = (try? parse(r.body)) ?? .null
                    #expect((m["credential_issuer"] ?? m["issuer"])?.stringValue == "https://credentials.school.example/tenant")
                }
                try await client.execute(uri: "/.well-known/\(name)/other", method: .get) { r in #expect(r.status == .notFound) }
            }
        }
    }

    /// A client flooding the wallet endpoints (each nonce is a registry row) is slowed down like a verifier flood:
    /// 429 with Retry-After once its bucket is empty, while another client is still served. CORS preflight answers.
    @Test func theWalletEndpointsAreRateLimitedPerClient() async throws {
        // A bucket of two that refills once in 1,000 s: the third request is refused however slow the machine is.
        let s = try await TestService.make {
            $0.walletRatePerSecond = 0.001
            $0.walletBurst = 2
        }
        try await s.app.test(.router) { client in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<4 {
                statuses.append(
                    try await client.execute(uri: "/openid4vci/nonce", method: .post) { r in
                        if r.status == .tooManyRequests { #expect(r.headers[.retryAfter] == "1") }
                        return r.status
                    })
            }
            #expect(statuses.prefix(2).allSatisfy { $0 == .ok }, "\(statuses)")
            #expect(statuses.last == .tooManyRequests, "\(statuses)")
            try await client.execute(uri: "/openid4vci/nonce", method: .options, headers: [.origin: "https://wallet.example"]) { r in
                #expect(r.status == .noContent)
                #expect(r.headers[.accessControlAllowOrigin] == "*")
            }
        }
    }
}
