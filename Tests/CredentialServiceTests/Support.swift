import CredentialJSON
import CredentialRegistry
import CredentialService
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import TestSupport
import Testing

/// A service on a fresh temporary data directory, as the first `skillcred serve` creates it.
struct TestService {
    let state: CredentialServiceState
    let demoToken: String
    let directory: URL

    static func make(
        maxBodyBytes: Int = 10 * 1024 * 1024, verifyRate: Double = 1000, burst: Double = 1000,
        adjust: (inout ServiceConfiguration) -> Void = { _ in }
    ) async throws -> TestService {
        let dir = TestDirectories.path("skillcred-service")
        var config = ServiceConfiguration(
            dataDirectory: dir, maxBodyBytes: maxBodyBytes, maxJSONDepth: 64,
            verifyRatePerSecond: verifyRate, verifyBurst: burst,
            templateSeedDirectory: SharedData.packageRoot.appendingPathComponent("samples/templates"))
        adjust(&config)
        let prepared = try await ServiceSetup.prepare(config)
        let token = try #require(prepared.demoToken)
        return TestService(state: prepared.state, demoToken: token, directory: dir)
    }

    var app: some ApplicationProtocol {
        var logger = Logger(label: "skillcred-test")
        logger.logLevel = .warning
        return Application(router: CredentialServiceRoutes.router(state: state), logger: logger)
    }

    func token(_ name: String, _ scopes: Set<TokenScope>) async throws -> String {
        let secret = Tokens.generateSecret()
        try await state.registry.insertAPIToken(APIToken(name: name, scopes: scopes, hash: Tokens.hash(secret), createdAt: Date()))
        return secret
    }
}

func json(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)", .contentType: "application/json"] }

let jsonHeaders: HTTPFields = [.contentType: "application/json"]

func parse(_ buffer: ByteBuffer) throws -> JSONValue {
    try JSONParser.parse(Array(buffer.readableBytesView))
}

/// A small VC 2.0 credential without issuer, proof or status, as a client sends it to be issued.
let unsignedCredential = """
    {"@context":["https://www.w3.org/ns/credentials/v2","https://www.w3.org/ns/credentials/examples/v2"],
     "type":["VerifiableCredential","ExampleAchievementCredential"],
     "name":"Data Analysis with Python",
     "credentialSubject":{"id":"did:example:learner-1","name":"Alice Example"}}
    """

func issueBody(_ credential: String = unsignedCredential) -> String { "{\"credential\": \(credential), \"options\": {}}" }

/// Issues the sample credential and returns it.
func issue(_ client: some TestClientProtocol, token: String) async throws -> JSONValue {
    try await client.execute(uri: "/credentials/issue", method: .post, headers: bearer(token), body: json(issueBody())) { response in
        #expect(response.status == .created, "\(String(buffer: response.body))")
        return try #require(try parse(response.body)["verifiableCredential"])
    }
}
