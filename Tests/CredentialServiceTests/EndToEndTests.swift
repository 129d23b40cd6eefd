import CredentialJSON
import CredentialService
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Service end to end over a socket")
struct EndToEndTests {
    @Test func issueVerifyRevokeVerifyShowsRevoked() async throws {
        let s = try await TestService.make()
        try await s.app.test(.live) { client in
            let vc = try await issue(client, token: s.demoToken)
            let id = try #require(vc["id"]?.stringValue)
            let body = json(JSONWriter.string(.object(["verifiableCredential": vc])))
            try await client.execute(uri: "/credentials/verify", method: .post, headers: jsonHeaders, body: body) { r in
                #expect(r.status == .ok)
            }
            try await client.execute(
                uri: "/credentials/status", method: .post, headers: bearer(s.demoToken),
                body: json("{\"credentialId\":\"\(id)\",\"action\":\"revoke\",\"reason\":\"issued in error\"}")
            ) { r in
                #expect(r.status == .ok)
            }
            try await client.execute(uri: "/credentials/verify", method: .post, headers: jsonHeaders, body: body) { r in
                #expect(r.status == .unprocessableContent)
                let result = try parse(r.body)
                let revocation = result["results"]?.asArray.first { $0["name"]?.stringValue == "Revocation" }
                #expect(revocation?["status"]?.stringValue?.lowercased() == "error")
                #expect(revocation?["reason"]?.stringValue?.contains("revoked") == true)
            }
            try await client.execute(
                uri: "/credentials/status", method: .post, headers: bearer(s.demoToken),
                body: json("{\"credentialId\":\"\(id)\",\"credentialStatus\":{\"statusPurpose\":\"revocation\"},\"status\":false}")
            ) { r in
                #expect(r.status == .unprocessableContent)
            }
        }
    }
}
