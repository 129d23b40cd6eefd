import CredentialJSON
import CredentialRegistry
import CredentialService
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Service security")
struct SecurityTests {
    @Test func issueWithoutTokenIs401() async throws {
        let s = try await TestService.make()
        try await s.app.test(.router) { client in
            try await client.execute(uri: "/credentials/issue", method: .post, headers: jsonHeaders, body: json(issueBody())) { r in
                #expect(r.status == .unauthorized)
                #expect(r.headers[.wwwAuthenticate] == "Bearer")
                #expect(r.headers[.contentType] == "application/problem+json")
            }
        }
    }

    @Test func wrongTokenIs401() async throws {
        let s = try await TestService.make()
        try await s.app.test(.router) { client in
            try await client.execute(uri: "/credentials/issue", method: .post, headers: bearer("sc_not-a-real-token"), body: json(issueBody())) { r in
                #expect(r.status == .unauthorized)
            }
            try await client.execute(
                uri: "/credentials/status", method: .post, headers: bearer(s.demoToken + "x"),
                body: json("{\"credentialId\":\"x\",\"action\":\"revoke\"}")
            ) { r in
                #expect(r.status == .unauthorized)
            }
        }
    }

    @Test func revokedTokenIs401() async throws {
        let s = try await TestService.make()
        let token = try await s.token("ci", [.issue])
        try await s.app.test(.router) { client in
            _ = try await issue(client, token: token)
            try await s.state.registry.revokeAPIToken(name: "ci", at: Date())
            try await client.execute(uri: "/credentials/issue", method: .post, headers: bearer(token), body: json(issueBody())) { r in
                #expect(r.status == .unauthorized)
            }
        }
    }

    @Test func wrongScopeIs403() async throws {
        let s = try await TestService.make()
        let statusOnly = try await s.token("registrar", [.status])
        let issueOnly = try await s.token("sis", [.issue])
        try await s.app.test(.router) { client in
            try await client.execute(uri: "/credentials/issue", method: .post, headers: bearer(statusOnly), body: json(issueBody())) { r in
                #expect(r.status == .forbidden)
                #expect((try? parse(r.body))?["code"]?.stringValue == "insufficientScope")
            }
            try await client.execute(
                uri: "/credentials/status", method: .post, headers: bearer(issueOnly),
                body: json("{\"credentialId\":\"x\",\"action\":\"revoke\"}")
            ) { r in
                #expect(r.status == .forbidden)
            }
        }
    }

    @Test func oversizedBodyIs413() async throws {
        let s = try await TestService.make(maxBodyBytes: 4096)
        let big = "{\"verifiableCredential\": {\"x\": \"" + String(repeating: "a", count: 10_000) + "\"}}"
        try await s.app.test(.router) { client in
            try await client.execute(uri: "/credentials/verify", method: .post, headers: jsonHeaders, body: json(big)) { r in
                #expect(r.status == .contentTooLarge)
                #expect((try? parse(r.body))?["code"]?.stringValue == "bodyTooLarge")
            }
            try await client.execute(uri: "/credentials/issue", method: .post, headers: bearer(s.demoToken), body: json(big)) { r in
                #expect(r.status == .contentTooLarge)
            }
        }
    }

    @Test func deepJSONIs400() async throws {
        let s = try await TestService.make()
        let deep = "{\"verifiableCredential\": " + String(repeating: "[", count: 200) + String(repeating: "]", count: 200) + "}"
        try await s.app.test(.router) { client in
            try await client.execute(uri: "/credentials/verify", method: .post, headers: jsonHeaders, body: json(deep)) { r in
                #expect(r.status == .badRequest)
                #expect((try? parse(r.body))?["code"]?.stringValue == "jsonTooDeep")
            }
        }
    }

    @Test func verifyIsRateLimitedPerClient() async throws {
        let s = try await TestService.make(verifyRate: 0.001, burst: 2)
        try await s.app.test(.router) { client in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<3 {
                statuses.append(try await client.execute(uri: "/credentials/verify", method: .post, headers: jsonHeaders, body: json("{}")) { $0.status })
            }
            #expect(statuses == [.badRequest, .badRequest, .tooManyRequests])
        }
    }

    @Test func responsesCarryNoKeyMaterialOrInternals() async throws {
        let s = try await TestService.make()
        let pem = try String(contentsOf: s.directory.appendingPathComponent("keys/issuer.pem"), encoding: .utf8)
        let attr = try FileManager.default.attributesOfItem(atPath: s.directory.appendingPathComponent("keys/issuer.pem").path)
        #expect((attr[.posixPermissions] as? Int) == 0o600)
        try await s.app.test(.router) { client in
            let vc = try await issue(client, token: s.demoToken)
            let text = JSONWriter.string(vc)
            #expect(!text.contains("PRIVATE"))
            #expect(!pem.isEmpty && !text.contains(pem.split(separator: "\n")[1]))
        }
    }

    @Test func tokensAreStoredOnlyAsHashesAndComparedByValue() throws {
        let secret = Tokens.generateSecret()
        let token = APIToken(name: "t", scopes: [.issue], hash: Tokens.hash(secret), createdAt: Date())
        #expect(token.hash.count == 64 && token.hash != secret)
        #expect(Tokens.authenticate(secret, in: [token])?.name == "t")
        #expect(Tokens.authenticate(secret + "x", in: [token]) == nil)
        var revoked = token
        revoked.revokedAt = Date()
        #expect(Tokens.authenticate(secret, in: [revoked]) == nil)
        #expect(SecretComparison.equal("abc", "abc") && !SecretComparison.equal("abc", "abd") && !SecretComparison.equal("abc", "ab"))
    }
}
