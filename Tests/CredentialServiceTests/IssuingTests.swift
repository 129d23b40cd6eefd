import CredentialJSON
import CredentialService
import Foundation
import Hummingbird
import HummingbirdTesting
import JAdES
import Logging
import TestSupport
import Testing

/// The first learner of samples/recipients.csv, as a JSON recipient record.
let amira = """
    {"id":"L-0001","givenName":"Amira","familyName":"Haddad","dateOfBirth":"1985-03-13","email":"amira.1@learner.example",
     "grade":"Merit","date":"2026-06-11","project":"Library loans forecast"}
    """

func templateBody(template: String, recipient: String = amira, options: String = "{}") -> String {
    "{\"template\": \(template), \"recipient\": \(recipient), \"options\": \(options)}"
}

/// Issues through `POST /credentials/issue` and returns the `verifiableCredential`.
func issue(_ client: some TestClientProtocol, token: String, body: String, status: HTTPResponse.Status = .created) async throws -> JSONValue {
    try await client.execute(uri: "/credentials/issue", method: .post, headers: bearer(token), body: json(body)) { r in
        #expect(r.status == status, "\(String(buffer: r.body))")
        return try #require(try parse(r.body)["verifiableCredential"])
    }
}

/// Verifies through `POST /credentials/verify` and returns the result.
func verify(_ client: some TestClientProtocol, _ credential: JSONValue) async throws -> JSONValue {
    let body = JSONWriter.string(.object(["verifiableCredential": credential]))
    return try await client.execute(uri: "/credentials/verify", method: .post, headers: jsonHeaders, body: json(body)) { r in
        try parse(r.body)
    }
}

/// The problem a refused issue request answers with.
func refusal(_ client: some TestClientProtocol, token: String, body: String) async throws -> (status: HTTPResponse.Status, problem: JSONValue) {
    try await client.execute(uri: "/credentials/issue", method: .post, headers: bearer(token), body: json(body)) { r in
        #expect(r.headers[.contentType] == "application/problem+json")
        return (r.status, try parse(r.body))
    }
}

/// Why a verification was not Verified, for failure messages.
func why(_ result: JSONValue) -> String {
    (result["results"]?.asArray ?? []).filter { $0["status"]?.stringValue != "OK" }
        .map { "\($0["name"]?.stringValue ?? "?"): \($0["reason"]?.stringValue ?? "")" }.joined(separator: "; ")
}

/// The certificate-of-participation sample as an inline template, its image as a data: URI.
func inlineParticipationTemplate() throws -> String {
    let folder = SharedData.packageRoot.appendingPathComponent("samples/templates")
    let text = try String(contentsOf: folder.appendingPathComponent("certificate-of-participation.json"), encoding: .utf8)
    let image = try Data(contentsOf: folder.appendingPathComponent("certificate-of-participation.png")).base64EncodedString()
    return text.replacingOccurrences(of: "\"certificate-of-participation.png\"", with: "\"data:image/png;base64,\(image)\"")
}

@Suite("Service issuing from templates")
struct IssuingTests {
    @Test("a named template + recipient issues a credential that verifies as Verified", arguments: ["vc2", "edc-jades"])
    func namedTemplateIssuesVerifiedCredential(_ format: String) async throws {
        let s = try await TestService.make()
        try await s.app.test(.router) { client in
            let issued = try await issue(
                client, token: s.demoToken,
                body: templateBody(template: "\"micro-credential\"", options: "{\"format\": \"\(format)\"}"))
            if format == "vc2" {
                #expect(issued["issuer"]?["id"]?.stringValue == s.state.issuerDID)
                #expect(issued["proof"]?["cryptosuite"]?.stringValue == "eddsa-rdfc-2022")
                #expect(issued["credentialStatus"]?.asArray.count == 2)
            } else {
                let payload = try JSONParser.parse(Array(try #require(issued["payload"]?.stringValue).utf8))
                #expect(payload["credentialSubject"]?["givenName"]?["en"]?.stringValue == "Amira")
                #expect(payload["issuer"]?["legalName"]?["en"]?.stringValue == DemoSeal.organizationName)
                #expect(issued["signatures"]?.asArray.count == 1)
            }
            let result = try await verify(client, issued)
            #expect(result["verdict"]?.stringValue == "Verified", "\(why(result))")
            let revocation = result["results"]?.asArray.first { $0["name"]?.stringValue == "Revocation" }
            #expect(revocation?["status"]?.stringValue == "OK", "\(why(result))")
        }
    }

    @Test("an inline template object issues a credential that verifies as Verified", arguments: ["vc2", "edc-jades"])
    func inlineTemplateIssuesVerifiedCredential(_ format: String) async throws {
        let s = try await TestService.make()
        let template = try inlineParticipationTemplate()
        try await s.app.test(.router) { client in
            let issued = try await issue(client, token: s.demoToken, body: templateBody(template: template, options: "{\"format\": \"\(format)\"}"))
            let result = try await verify(client, issued)
            #expect(result["verdict"]?.stringValue == "Verified", "\(why(result))")
        }
    }

    @Test(
        "each cryptosuite issues as the did:key of its key and verifies as Verified",
        arguments: ["ecdsa-rdfc-2019", "eddsa-jcs-2022", "ecdsa-jcs-2019"])
    func suitesIssueVerifiedCredentials(_ suite: String) async throws {
        let s = try await TestService.make()
        let ecdsa = suite.hasPrefix("ecdsa")
        let expectedIssuer = try #require(ecdsa ? s.state.ecdsaIssuerDID : s.state.issuerDID)
        try await s.app.test(.router) { client in
            let fromTemplate = try await issue(
                client, token: s.demoToken,
                body: templateBody(template: "\"micro-credential\"", options: "{\"cryptosuite\": \"\(suite)\"}"))
            #expect(fromTemplate["issuer"]?["id"]?.stringValue == expectedIssuer)
            #expect(fromTemplate["proof"]?["cryptosuite"]?.stringValue == suite)
            let posted = try await issue(
                client, token: s.demoToken,
                body: "{\"credential\": \(unsignedCredential), \"options\": {\"cryptosuite\": \"\(suite)\"}}")
            #expect(posted["issuer"]?.stringValue == expectedIssuer)
            for credential in [fromTemplate, posted] {
                let result = try await verify(client, credential)
                #expect(result["verdict"]?.stringValue == "Verified", "\(why(result))")
            }
            // Each issuer's status lists are served signed by that issuer's key.
            let list = try #require(fromTemplate["credentialStatus"]?.asArray.first?["statusListCredential"]?.stringValue)
            try await client.execute(uri: String(list[list.range(of: "/status-lists/")!.lowerBound...]), method: .get) { r in
                #expect(r.status == .ok)
                let served = try parse(r.body)
                #expect(served["issuer"]?.stringValue == expectedIssuer)
                #expect(served["proof"]?["cryptosuite"]?.stringValue == (ecdsa ? "ecdsa-rdfc-2019" : "eddsa-rdfc-2022"))
            }
        }
    }

    @Test func repeatingTemplateAndRecipientReturnsTheStoredCredential() async throws {
        let s = try await TestService.make()
        try await s.app.test(.router) { client in
            let body = templateBody(template: "\"micro-credential\"")
            let first = try await issue(client, token: s.demoToken, body: body)
            let again = try await issue(client, token: s.demoToken, body: body, status: .ok)
            #expect(again == first)
            let other = try await issue(client, token: s.demoToken, body: body.replacingOccurrences(of: "L-0001", with: "L-0002"))
            #expect(other["id"] != first["id"])
        }
    }

    @Test func badRecipientFieldIsRefusedNamingIt() async throws {
        let s = try await TestService.make()
        try await s.app.test(.router) { client in
            let cases: [(String, String)] = [
                (amira.replacingOccurrences(of: "1985-03-13", with: "1985-13-03"), "$.recipient.dateOfBirth"),
                (amira.replacingOccurrences(of: "\"givenName\":\"Amira\",", with: ""), "$.recipient.givenName"),
                (amira.replacingOccurrences(of: ",\"project\":\"Library loans forecast\"", with: ""), "$.recipient.project"),
                (amira.replacingOccurrences(of: "amira.1@learner.example", with: "not-an-address"), "$.recipient.email"),
                (amira.replacingOccurrences(of: "\"L-0001\"", with: "\"../etc\""), "$.recipient.id"),
                (amira.replacingOccurrences(of: "\"Merit\"", with: "[\"Merit\"]"), "$.recipient.grade"),
            ]
            for (recipient, path) in cases {
                let (status, problem) = try await refusal(
                    client, token: s.demoToken, body: templateBody(template: "\"micro-credential\"", recipient: recipient))
                #expect(status == .unprocessableContent, "\(path)")
                #expect(problem["code"]?.stringValue == "invalidRecipient")
                #expect(problem["instance"]?.stringValue == path, "\(problem)")
            }
            let (status, problem) = try await refusal(client, token: s.demoToken, body: templateBody(template: "\"micro-credential\"", recipient: "\"L-0001\""))
            #expect(status == .badRequest)
            #expect(problem["instance"]?.stringValue == "$.recipient")
        }
    }

    @Test func unknownOrMalformedTemplatesAreRefused() async throws {
        let s = try await TestService.make()
        try await s.app.test(.router) { client in
            var (status, problem) = try await refusal(client, token: s.demoToken, body: templateBody(template: "\"no-such-template\""))
            #expect(status == .notFound)
            #expect(problem["code"]?.stringValue == "unknownTemplate")
            #expect(problem["instance"]?.stringValue == "$.template")
            #expect(problem["detail"]?.stringValue?.contains("micro-credential") == true)
            (status, problem) = try await refusal(client, token: s.demoToken, body: templateBody(template: "\"../registry\""))
            #expect(status == .badRequest)
            #expect(problem["instance"]?.stringValue == "$.template")
            let badImage = try inlineParticipationTemplate().replacingOccurrences(of: #"data:image/png;base64,"#, with: "/etc/")
            (status, problem) = try await refusal(client, token: s.demoToken, body: templateBody(template: badImage))
            #expect(status == .unprocessableContent)
            #expect(problem["instance"]?.stringValue == "$.template.display.image")
            let badLevel = try inlineParticipationTemplate().replacingOccurrences(of: #""volumeOfLearning": "PT14H""#, with: #""eqfLevel": 12"#)
            (status, problem) = try await refusal(client, token: s.demoToken, body: templateBody(template: badLevel))
            #expect(status == .unprocessableContent)
            #expect(problem["instance"]?.stringValue == "$.template.eqfLevel")
        }
    }

    @Test func unknownFormatOrSuiteIsRefusedNamingTheOption() async throws {
        let s = try await TestService.make()
        try await s.app.test(.router) { client in
            let cases: [(String, String)] = [
                (templateBody(template: "\"micro-credential\"", options: "{\"cryptosuite\": \"rsa-2048\"}"), "$.options.cryptosuite"),
                (templateBody(template: "\"micro-credential\"", options: "{\"format\": \"jwt\"}"), "$.options.format"),
                (
                    templateBody(template: "\"micro-credential\"", options: "{\"format\": \"edc-jades\", \"cryptosuite\": \"eddsa-rdfc-2022\"}"),
                    "$.options.cryptosuite"
                ),
                ("{\"credential\": \(unsignedCredential), \"options\": {\"cryptosuite\": \"bbs-2023\"}}", "$.options.cryptosuite"),
                ("{\"credential\": \(unsignedCredential), \"options\": {\"format\": \"edc-jades\"}}", "$.options.format"),
            ]
            for (body, path) in cases {
                let (status, problem) = try await refusal(client, token: s.demoToken, body: body)
                #expect(status == .unprocessableContent, "\(path): \(problem)")
                #expect(problem["instance"]?.stringValue == path, "\(problem)")
            }
        }
    }

    @Test func edcStatusListIsServedAndRevocationShows() async throws {
        let s = try await TestService.make()
        try await s.app.test(.router) { client in
            let sealed = try await issue(
                client, token: s.demoToken,
                body: templateBody(template: "\"micro-credential\"", options: "{\"format\": \"edc-jades\"}"))
            let edc = try JSONParser.parse(Array(try #require(sealed["payload"]?.stringValue).utf8))
            let id = try #require(edc["id"]?.stringValue)
            let list = try #require(edc["credentialStatus"]?["statusListCredential"]?.stringValue)
            let served = try await client.execute(uri: String(list[list.range(of: "/status-lists/")!.lowerBound...]), method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "application/jose+json")
                return try parse(r.body)
            }
            // The EDC issuer's list is sealed with JAdES by the service's e-seal: a JWS JSON document whose payload
            // is the list credential of the EDC's issuer.
            #expect(served["signatures"]?.asArray.count == 1)
            let listCredential = try JSONParser.parse(Array(try #require(served["payload"]?.stringValue).utf8))
            #expect(listCredential["issuer"] == edc["issuer"]?["id"])
            #expect(listCredential["type"]?.asArray.contains("BitstringStatusListCredential") == true)
            #expect(listCredential["proof"] == nil)
            // Its seal verifies, by the same e-seal as the EDC (the service's verifier reports the sealer).
            let listSeal = try await verify(client, served)["results"]?.asArray.first { $0["name"]?.stringValue == "Seal" }
            let edcSeal = try await verify(client, sealed)["results"]?.asArray.first { $0["name"]?.stringValue == "Seal" }
            #expect(listSeal?["status"]?.stringValue == "OK", "\(listSeal.map { JSONWriter.string($0) } ?? "no Seal result")")
            #expect(listSeal?["reason"]?.stringValue?.contains("The seal is intact") == true)
            let sealer = { (r: JSONValue?) in r?["details"]?.asArray.first { $0.stringValue?.hasPrefix("Sealed by:") == true } }
            #expect(sealer(listSeal) != nil && sealer(listSeal) == sealer(edcSeal))
            try await client.execute(
                uri: "/credentials/status", method: .post, headers: bearer(s.demoToken),
                body: json("{\"credentialId\":\"\(id)\",\"action\":\"revoke\"}")
            ) { r in
                #expect(r.status == .ok)
            }
            let result = try await verify(client, sealed)
            #expect(result["verified"]?.boolValue == false)
            let revocation = result["results"]?.asArray.first { $0["name"]?.stringValue == "Revocation" }
            #expect(revocation?["reason"]?.stringValue?.contains("revoked") == true, "\(why(result))")
            try await client.execute(uri: "/status-lists/issuers/someone-else/revocation/1", method: .get) { r in
                #expect(r.status == .notFound)
            }
        }
    }

    @Test func firstStartCreatesSealAndKeysPrivatelyAndSecondStartReusesThem() async throws {
        let s = try await TestService.make()
        let fm = FileManager.default
        let keys = s.directory.appendingPathComponent("keys")
        for name in ["seal.pem", "issuer-p256.pem", "issuer.pem"] {
            let mode = try #require(try fm.attributesOfItem(atPath: keys.appendingPathComponent(name).path)[.posixPermissions] as? NSNumber)
            #expect(mode.intValue & 0o777 == 0o600, "\(name)")
        }
        let chain = s.directory.appendingPathComponent("seal/seal-cert.pem")
        let chainBytes = try Data(contentsOf: chain)
        #expect(String(decoding: chainBytes, as: UTF8.self).components(separatedBy: "BEGIN CERTIFICATE").count == 3)
        #expect(fm.fileExists(atPath: s.directory.appendingPathComponent("seal/demo-ca.pem").path))
        #expect(fm.fileExists(atPath: s.directory.appendingPathComponent("templates/micro-credential.json").path))

        let again = try await ServiceSetup.prepare(s.state.configuration)
        #expect(again.createdSealSubject == nil && !again.createdECDSAKey && !again.createdIssuerKey && again.demoToken == nil)
        #expect(again.seededTemplates.isEmpty)
        #expect(again.state.ecdsaIssuerDID == s.state.ecdsaIssuerDID)
        #expect(try Data(contentsOf: chain) == chainBytes)
    }

    @Test func aSealKeyWithoutItsCertificateIsRefusedNotReplaced() async throws {
        let s = try await TestService.make()
        let chain = s.directory.appendingPathComponent("seal/seal-cert.pem")
        try FileManager.default.removeItem(at: chain)
        await #expect {
            _ = try await ServiceSetup.prepare(s.state.configuration)
        } throws: { ($0 as? ServiceSetupError)?.code == .incompleteSeal }
        #expect(!FileManager.default.fileExists(atPath: chain.path))
    }
}

@Suite("Instances sharing a registry")
struct SharedRegistryInstanceTests {
    /// Two instances on one registry behind different public URLs: each answers for the other's status lists from
    /// the registry, so a credential issued by one is fully verified — and shown revoked — by the other.
    @Test func anInstanceVerifiesTheStatusOfListsAnotherInstanceMade() async throws {
        let a = try await TestService.make { $0.publicBaseURL = "https://a.skillcred.example" }
        defer { try? FileManager.default.removeItem(at: a.directory) }
        var config = a.state.configuration
        config.publicBaseURL = "https://b.skillcred.example"
        let b = TestService(state: try await ServiceSetup.prepare(config).state, demoToken: a.demoToken, directory: a.directory)
        var logger = Logger(label: "skillcred-test")
        logger.logLevel = .warning
        let appB = Application(router: CredentialServiceRoutes.router(state: b.state), logger: logger)

        let credential = try await a.app.test(.router) { client in try await issue(client, token: a.demoToken) }
        let statusURL = try #require(credential["credentialStatus"]?.asArray.first?["statusListCredential"]?.stringValue)
        #expect(statusURL.hasPrefix("https://a.skillcred.example/"))
        let onB = try await appB.test(.router) { client in try await verify(client, credential) }
        #expect(onB["verdict"]?.stringValue == "Verified", "\(JSONWriter.string(onB))")

        let id = try #require(credential["id"]?.stringValue)
        _ = try await b.state.registry.changeStatus(credentialID: id, action: .revoke, reason: nil, actor: "test")
        let revoked = try await appB.test(.router) { client in try await verify(client, credential) }
        #expect(revoked["verdict"]?.stringValue == "Failed", "\(JSONWriter.string(revoked))")
    }
}
