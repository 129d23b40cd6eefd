import CredentialJSON
import CredentialService
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Service API")
struct APITests {
    @Test func healthzAnswersOK() async throws {
        let s = try await TestService.make()
        try await s.app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { r in
                #expect(r.status == .ok)
                #expect((try? parse(r.body))?["status"]?.stringValue == "ok")
            }
        }
    }

    @Test func issueFillsIssuerAddsStatusAndProof() async throws {
        let s = try await TestService.make()
        try await s.app.test(.router) { client in
            let vc = try await issue(client, token: s.demoToken)
            #expect(vc["issuer"]?.stringValue == s.state.issuerDID)
            #expect(vc["proof"]?["cryptosuite"]?.stringValue == "eddsa-rdfc-2022")
            let purposes = vc["credentialStatus"]?.asArray.compactMap { $0["statusPurpose"]?.stringValue }
            #expect(purposes == ["revocation", "suspension"])
            #expect(vc["id"]?.stringValue?.hasPrefix("urn:uuid:") == true)
        }
    }

    @Test func issueRefusesACredentialBreakingTheDataModelBeforeTheRegistryIsTouched() async throws {
        let s = try await TestService.make()
        let bad = unsignedCredential.replacingOccurrences(of: "\"name\":\"Data", with: "\"validFrom\":\"soon\",\"name\":\"Data")
        try await s.app.test(.router) { client in
            try await client.execute(uri: "/credentials/issue", method: .post, headers: bearer(s.demoToken), body: json(issueBody(bad))) { r in
                #expect(r.status == .unprocessableContent)
                let problem = try? parse(r.body)
                #expect(problem?["code"]?.stringValue == "dataModelViolation")
                #expect(problem?["instance"]?.stringValue == "$.credential.validFrom", "\(String(buffer: r.body))")
            }
            // The refusal reserved nothing: the next credential is issued as the first would have been.
            let vc = try await issue(client, token: s.demoToken)
            #expect(vc["proof"] != nil)
        }
    }

    @Test func issueRefusesAnotherIssuer() async throws {
        let s = try await TestService.make()
        let other = unsignedCredential.replacingOccurrences(of: "\"name\":\"Data", with: "\"issuer\":\"did:example:someone-else\",\"name\":\"Data")
        try await s.app.test(.router) { client in
            try await client.execute(uri: "/credentials/issue", method: .post, headers: bearer(s.demoToken), body: json(issueBody(other))) { r in
                #expect(r.status == .unprocessableContent)
                #expect(r.headers[.contentType] == "application/problem+json")
                #expect((try? parse(r.body))?["code"]?.stringValue == "issuerMismatch")
            }
        }
    }

    @Test func issueRefusesUndefinedTermsAndMissingCredential() async throws {
        let s = try await TestService.make()
        let undefined = """
            {"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"credentialSubject":{"notDefinedAnywhere":"x"}}
            """
        try await s.app.test(.router) { client in
            try await client.execute(uri: "/credentials/issue", method: .post, headers: bearer(s.demoToken), body: json(issueBody(undefined))) { r in
                #expect(r.status == .unprocessableContent)
                #expect((try? parse(r.body))?["code"]?.stringValue == "cannotSecure")
            }
            try await client.execute(uri: "/credentials/issue", method: .post, headers: bearer(s.demoToken), body: json("{\"options\":{}}")) { r in
                #expect(r.status == .badRequest)
                #expect((try? parse(r.body))?["instance"]?.stringValue == "$.credential")
            }
            try await client.execute(uri: "/credentials/issue", method: .post, headers: bearer(s.demoToken), body: json("{\"credential\": [")) { r in
                #expect(r.status == .badRequest)
                #expect((try? parse(r.body))?["code"]?.stringValue == "invalidJSON")
            }
        }
    }

    @Test func verifyAcceptsIssuedCredentialAndRejectsTampered() async throws {
        let s = try await TestService.make()
        try await s.app.test(.router) { client in
            let vc = try await issue(client, token: s.demoToken)
            let body = JSONWriter.string(.object(["verifiableCredential": vc, "options": .object([:])]))
            try await client.execute(uri: "/credentials/verify", method: .post, headers: jsonHeaders, body: json(body)) { r in
                #expect(r.status == .ok, "\(String(buffer: r.body))")
                let result = try parse(r.body)
                #expect(result["verified"]?.boolValue == true)
                #expect(result["verdict"]?.stringValue == "Verified")
            }
            let tampered = body.replacingOccurrences(of: "Alice Example", with: "Mallory Example")
            try await client.execute(uri: "/credentials/verify", method: .post, headers: jsonHeaders, body: json(tampered)) { r in
                #expect(r.status == .unprocessableContent)
                let result = try parse(r.body)
                #expect(result["verified"]?.boolValue == false)
                #expect(result["errors"]?.asArray.isEmpty == false)
            }
            try await client.execute(uri: "/credentials/verify", method: .post, headers: jsonHeaders, body: json("{\"options\":{}}")) { r in
                #expect(r.status == .badRequest)
            }
        }
    }

    @Test func presentationVerifyChecksEachCredential() async throws {
        let s = try await TestService.make()
        try await s.app.test(.router) { client in
            let vc = try await issue(client, token: s.demoToken)
            let vp: JSONValue = .object([
                "@context": .array([.string("https://www.w3.org/ns/credentials/v2")]),
                "type": .array([.string("VerifiablePresentation")]),
                "verifiableCredential": .array([vc]),
            ])
            let body = JSONWriter.string(.object(["verifiablePresentation": vp]))
            try await client.execute(uri: "/presentations/verify", method: .post, headers: jsonHeaders, body: json(body)) { r in
                #expect(r.status == .ok, "\(String(buffer: r.body))")
                #expect((try? parse(r.body))?["credentials"]?.asArray.count == 1)
            }
            let notVP = JSONWriter.string(.object(["verifiablePresentation": vc]))
            try await client.execute(uri: "/presentations/verify", method: .post, headers: jsonHeaders, body: json(notVP)) { r in
                #expect(r.status == .badRequest)
            }
            let tampered = body.replacingOccurrences(of: "Alice Example", with: "Mallory Example")
            try await client.execute(uri: "/presentations/verify", method: .post, headers: jsonHeaders, body: json(tampered)) { r in
                #expect(r.status == .unprocessableContent)
            }
        }
    }

    @Test func statusChangesAndStatusListServed() async throws {
        let s = try await TestService.make()
        try await s.app.test(.router) { client in
            let vc = try await issue(client, token: s.demoToken)
            let id = try #require(vc["id"]?.stringValue)
            let list = try #require(vc["credentialStatus"]?.asArray.first?["statusListCredential"]?.stringValue)
            let path = String(list[list.range(of: "/status-lists/")!.lowerBound...])
            try await client.execute(uri: path, method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.cacheControl] == "public, max-age=300")
                let credential = try parse(r.body)
                #expect(credential["type"]?.asArray.contains(.string("BitstringStatusListCredential")) == true)
                #expect(credential["proof"] != nil)
            }
            try await client.execute(
                uri: "/credentials/status", method: .post, headers: bearer(s.demoToken),
                body: json(
                    "{\"credentialId\":\"\(id)\",\"credentialStatus\":{\"type\":\"BitstringStatusListEntry\",\"statusPurpose\":\"suspension\"},\"status\":true}"
                )
            ) { r in
                #expect(r.status == .ok)
                #expect((try? parse(r.body))?["action"]?.stringValue == "suspend")
            }
            try await client.execute(
                uri: "/credentials/status", method: .post, headers: bearer(s.demoToken),
                body: json("{\"credentialId\":\"\(id)\",\"action\":\"reinstate\"}")
            ) { r in
                #expect(r.status == .ok)
                #expect((try? parse(r.body))?["changed"]?.boolValue == true)
            }
            try await client.execute(
                uri: "/credentials/status", method: .post, headers: bearer(s.demoToken),
                body: json("{\"credentialId\":\"urn:uuid:00000000-0000-0000-0000-000000000000\",\"action\":\"revoke\"}")
            ) { r in
                #expect(r.status == .notFound)
            }
            try await client.execute(
                uri: "/credentials/status", method: .post, headers: bearer(s.demoToken),
                body: json("{\"credentialId\":\"\(id)\",\"action\":\"explode\"}")
            ) { r in
                #expect(r.status == .badRequest)
            }
            try await client.execute(uri: "/status-lists/revocation/99", method: .get) { r in
                #expect(r.status == .notFound)
                #expect(r.headers[.contentType] == "application/problem+json")
            }
            try await client.execute(uri: "/status-lists/other/0", method: .get) { r in
                #expect(r.status == .notFound)
            }
        }
    }

    @Test func unknownRouteIsProblemJSON() async throws {
        let s = try await TestService.make()
        try await s.app.test(.router) { client in
            try await client.execute(uri: "/nope", method: .get) { r in
                #expect(r.status == .notFound)
                #expect(r.headers[.contentType] == "application/problem+json")
            }
        }
    }

    @Test func corsOnlyOnPublicEndpoints() async throws {
        let s = try await TestService.make()
        try await s.app.test(.router) { client in
            try await client.execute(uri: "/credentials/verify", method: .options, headers: [.origin: "https://employer.example"]) { r in
                #expect(r.status == .noContent)
                #expect(r.headers[.accessControlAllowOrigin] == "*")
            }
            try await client.execute(
                uri: "/credentials/issue", method: .post,
                headers: [.origin: "https://evil.example", .authorization: "Bearer \(s.demoToken)"], body: json(issueBody())
            ) { r in
                #expect(r.headers[.accessControlAllowOrigin] == nil)
            }
        }
    }
}
