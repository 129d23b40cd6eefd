import CredentialJSON
import DIDResolution
import Foundation
import KeyManagement
import Multiformats
import TestSupport
import Testing

private func sharedJSON(_ relativePath: String) throws -> JSONValue? {
    guard let url = SharedData.vector(relativePath) else { return nil }
    return try JSONParser.parse(Array(try SharedData.data(url)))
}

private func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-did-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

private func write(_ json: JSONObject, to url: URL) throws {
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(JSONWriter.string(.object(json)).utf8).write(to: url)
}

/// Serves canned bodies by URL and records what was asked, so no test touches the network.
final class FakeFetcher: DIDWebFetcher, @unchecked Sendable {
    let body: [String: [UInt8]]
    private let lock = NSLock()
    private var _requests: [String] = []
    private var _limits: [Int] = []
    var requests: [String] { lock.withLock { _requests } }
    var limits: [Int] { lock.withLock { _limits } }

    init(body: [String: [UInt8]]) { self.body = body }

    func fetch(_ url: URL, maxBytes: Int, timeout: Double) async throws(DIDError) -> [UInt8] {
        lock.withLock {
            _requests.append(url.absoluteString)
            _limits.append(maxBytes)
        }
        guard let bytes = body[url.absoluteString] else { throw DIDError(.notFound, "HTTP status 404", location: url.absoluteString) }
        return bytes
    }
}

@Suite("did:key", .needsSharedData)
struct DIDKeyTests {
    /// The Ed25519 document for the W3C di-eddsa vector key, written out in full.
    @Test func ed25519DocumentMatchesTheExpectedJSON() async throws {
        guard let pair = try sharedJSON("di-eddsa/TestVectors/keyPair.json") else { return }
        let mb = pair["publicKeyMultibase"]!.stringValue!
        #expect(mb == "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2")
        let document = try await DIDKeyResolver().resolve("did:key:" + mb)
        let expected = """
            {"@context":["https://www.w3.org/ns/did/v1","https://w3id.org/security/multikey/v1"],\
            "id":"did:key:\(mb)",\
            "verificationMethod":[{"id":"did:key:\(mb)#\(mb)","type":"Multikey","controller":"did:key:\(mb)","publicKeyMultibase":"\(mb)"}],\
            "authentication":["did:key:\(mb)#\(mb)"],"assertionMethod":["did:key:\(mb)#\(mb)"],\
            "capabilityDelegation":["did:key:\(mb)#\(mb)"],"capabilityInvocation":["did:key:\(mb)#\(mb)"]}
            """
        #expect(JSONWriter.string(.object(document.json)) == expected)
    }

    @Test(arguments: ["di-ecdsa/TestVectors/p256KeyPair.json", "di-ecdsa/TestVectors/p384KeyPair.json", "di-eddsa/TestVectors/keyPair.json"])
    func documentsForVectorKeysBindTheKey(file: String) async throws {
        guard let pair = try sharedJSON(file) else { return }
        let mb = pair["publicKeyMultibase"]!.stringValue!
        let did = "did:key:" + mb
        let document = try await DIDKeyResolver().resolve(did)
        #expect(document.id == did)
        #expect(document.verificationMethods.count == 1)
        let method = try #require(document.verificationMethod(id: "\(did)#\(mb)"))
        #expect(method.type == "Multikey")
        #expect(method.controller == did)
        #expect(try method.publicKey() == PublicKey(multibase: mb))
        for relationship in [VerificationRelationship.authentication, .assertionMethod, .capabilityInvocation, .capabilityDelegation] {
            #expect(document.authorizes(method.id, for: relationship))
        }
        #expect(!document.authorizes(method.id, for: .keyAgreement))
        #expect(try DIDKeyResolver.document(for: PublicKey(multibase: mb)) == document)
    }

    @Test(arguments: [
        "did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme",  // secp256k1: not supported
        "did:key:u7QGrq1Iq2F9h0R3gNn7nq4K0XmAqKhyH4ZVkP5G8JXgqRg",  // base64url multibase
        "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ",  // truncated
        "did:key:", "did:key", "did:KEY:z6Mk", "key:z6Mk",
        "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#frag",
    ])
    func malformedOrUnsupportedDIDsAreRejected(did: String) async throws {
        let error = try await #require(throws: DIDError.self) { try await DIDKeyResolver().resolve(did) }
        #expect(error.code == .invalidDID)
    }

    @Test func rsaKeysHaveNoDIDKey() async throws {
        let key = try PrivateKey.generate(.rsa2048).publicKey
        await #expect(throws: DIDError(.invalidKey, "")) { try DIDKeyResolver.document(for: key) }
    }
}

@Suite("did:jwk")
struct DIDJWKTests {
    /// The P-256 example from the did:jwk specification.
    static let specExample =
        "did:jwk:eyJjcnYiOiJQLTI1NiIsImt0eSI6IkVDIiwieCI6ImFjYklRaXVNczNpOF91c3pFakoydHBUdFJNNEVVM3l6OTFQSDZDZEgyVjAiLCJ5IjoiX0tjeUxqOXZXTXB0bm1LdG00NkdxRHo4d2Y3NEk1TEtncmwyR3pIM25TRSJ9"

    @Test func specExampleResolvesToAJsonWebKeyMethod() async throws {
        let document = try await DIDJWKResolver().resolve(Self.specExample)
        let method = try #require(document.verificationMethod(id: "#0"))
        #expect(method.id == Self.specExample + "#0")
        #expect(method.type == "JsonWebKey")
        #expect(method.controller == Self.specExample)
        let key = try method.publicKey()
        #expect(key.type == .p256)
        #expect(key.jwk["x"] == "acbIQiuMs3i8_uszEjJ2tpTtRM4EU3yz91PH6CdH2V0")
        #expect(document.authorizes(method.id, for: .assertionMethod))
        #expect(document.authorizes(method.id, for: .authentication))
        // Our encoding of the same key uses RFC 7638 member order, which the example also uses.
        #expect(DIDJWKResolver.did(for: key) == Self.specExample)
    }

    @Test(arguments: [KeyType.ed25519, .p384, .rsa2048])
    func didJWKRoundTrips(type: KeyType) async throws {
        let key = try PrivateKey.generate(type).publicKey
        let did = DIDJWKResolver.did(for: key)
        let resolved = try await VerificationMethodResolver(resolver: MultiMethodDIDResolver.offline)
            .resolve(did + "#0", relationship: .assertionMethod, expectedController: did)
        #expect(resolved.publicKey == key)
    }

    @Test func encryptionOnlyKeysAreNotAssertionMethods() async throws {
        var jwk = try PrivateKey.generate(.p256).publicKey.jwk
        jwk["use"] = "enc"
        let did = "did:jwk:" + Base64URL.encode(Array(JSONWriter.string(.object(jwk)).utf8))
        let document = try await DIDJWKResolver().resolve(did)
        #expect(!document.authorizes(did + "#0", for: .assertionMethod))
        #expect(document.authorizes(did + "#0", for: .keyAgreement))
        let error = try await #require(throws: DIDError.self) {
            try await VerificationMethodResolver(resolver: DIDJWKResolver()).resolve(did + "#0", relationship: .assertionMethod, expectedController: nil)
        }
        #expect(error.code == .relationshipNotAuthorized)
    }

    @Test func privateJWKsAndGarbageAreRejected() async throws {
        let withD = #"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}"#
        let error = try await #require(throws: DIDError.self) { try await DIDJWKResolver().resolve("did:jwk:" + Base64URL.encode(Array(withD.utf8))) }
        #expect(error.code == .invalidKey)
        #expect(!error.description.contains("nWGxne"))
        await #expect(throws: DIDError(.invalidDID, "")) { try await DIDJWKResolver().resolve("did:jwk:eyJ=") }
        await #expect(throws: DIDError(.invalidDID, "")) { try await DIDJWKResolver().resolve("did:jwk:" + Base64URL.encode(Array("[1]".utf8))) }
    }
}

@Suite("did:web (local directory)")
struct DIDWebTests {
    @Test(arguments: [
        ("did:web:example.com", "example.com/.well-known/did.json"),
        ("did:web:example.com:issuers:42", "example.com/issuers/42/did.json"),
        ("did:web:example.com%3A8443", "example.com:8443/.well-known/did.json"),
        ("did:web:w3c-ccg.github.io:user:alice", "w3c-ccg.github.io/user/alice/did.json"),
    ])
    func didsMapToTheDocumentedLayout(did: String, path: String) async throws {
        #expect(try DIDWebResolver.relativePath(for: did) == path)
    }

    @Test(arguments: [
        "did:web:example.com:..", "did:web:example.com:%2E%2E", "did:web:example.com:a%2Fb", "did:web:example.com::x",
        "did:web:..", "did:web:exa_mple.com", "did:web:example.com%3Aport", "did:web:example.com:a%00b",
    ])
    func unsafeOrMalformedDIDsAreRefused(did: String) async throws {
        await #expect(throws: DIDError(.invalidDID, "")) { try DIDWebResolver.relativePath(for: did) }
    }

    @Test func resolvesFromTheDirectoryAndChecksTheID() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let key = try PrivateKey.generate(.ed25519).publicKey
        let did = "did:web:issuer.example:org"
        let document: JSONObject = [
            "@context": ["https://www.w3.org/ns/did/v1"],
            "id": .string(did),
            "verificationMethod": [
                ["id": "#key-1", "type": "Multikey", "controller": .string(did), "publicKeyMultibase": .string(try key.publicKeyMultibase())]
            ],
            "assertionMethod": ["#key-1"],
        ]
        try write(document, to: root.appendingPathComponent("issuer.example/org/did.json"))
        let resolver = DIDWebResolver(directory: root)
        let resolved = try await resolver.resolve(did)
        #expect(resolved.verificationMethod(id: did + "#key-1") != nil)
        let vm = try await VerificationMethodResolver(resolver: resolver).resolve(did + "#key-1", relationship: .assertionMethod, expectedController: did)
        #expect(vm.publicKey == key)

        var wrongID = document
        wrongID["id"] = "did:web:elsewhere.example"
        try write(wrongID, to: root.appendingPathComponent("issuer.example/other/did.json"))
        await #expect(throws: DIDError(.documentIDMismatch, "")) { try await resolver.resolve("did:web:issuer.example:other") }
        await #expect(throws: DIDError(.notFound, "")) { try await resolver.resolve("did:web:issuer.example:missing") }
    }

    @Test func withoutOptInNothingIsFetched() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let fetcher = FakeFetcher(body: [:])
        await #expect(throws: DIDError(.notFound, "")) { try await DIDWebResolver(directory: root, fetcher: fetcher).resolve("did:web:example.com") }
        await #expect(throws: DIDError(.networkNotEnabled, "")) { try await DIDWebResolver(directory: nil, fetcher: fetcher).resolve("did:web:example.com") }
        #expect(fetcher.requests.isEmpty)
    }

    @Test(arguments: [
        ("did:web:example.com", "https://example.com/.well-known/did.json"),
        ("did:web:example.com:issuers:42", "https://example.com/issuers/42/did.json"),
        ("did:web:example.com%3A8443:a%20b", "https://example.com:8443/a%20b/did.json"),
    ])
    func httpsURLsFollowTheDidWebSpec(did: String, url: String) async throws {
        #expect(try DIDWebResolver.httpsURL(for: did).absoluteString == url)
    }

    @Test func optInFetchesOnceThenUsesTheCache() async throws {
        let did = "did:web:net.example:issuer"
        let key = try PrivateKey.generate(.ed25519).publicKey
        let document: JSONObject = [
            "id": .string(did),
            "verificationMethod": [["id": "#k", "type": "Multikey", "controller": .string(did), "publicKeyMultibase": .string(try key.publicKeyMultibase())]],
            "assertionMethod": ["#k"],
        ]
        let fetcher = FakeFetcher(body: ["https://net.example/issuer/did.json": Array(JSONWriter.string(.object(document)).utf8)])
        let resolver = DIDWebResolver(directory: nil, allowHTTPS: true, maxDocumentSize: 4096, timeout: 3, fetcher: fetcher)
        let vm = try await VerificationMethodResolver(resolver: resolver).resolve(did + "#k", relationship: .assertionMethod, expectedController: did)
        #expect(vm.publicKey == key)
        _ = try await resolver.resolve(did)
        #expect(fetcher.requests == ["https://net.example/issuer/did.json"])
        #expect(fetcher.limits == [4096])
        #expect(resolver.cache.count == 1)
        await #expect(throws: DIDError(.notFound, "")) { try await resolver.resolve("did:web:net.example:missing") }
        #expect(resolver.cache.count == 1)
    }

    @Test func fetchedDocumentsAreCheckedLikeLocalOnes() async throws {
        let big = Array(JSONWriter.string(["id": "did:web:a.example", "x": .string(String(repeating: "x", count: 500))]).utf8)
        let wrongID = Array(JSONWriter.string(["id": "did:web:evil.example"]).utf8)
        let fetcher = FakeFetcher(body: [
            "https://a.example/.well-known/did.json": big,
            "https://b.example/.well-known/did.json": wrongID,
        ])
        let resolver = DIDWebResolver(directory: nil, allowHTTPS: true, maxDocumentSize: 100, fetcher: fetcher)
        await #expect(throws: DIDError(.documentTooLarge, "")) { try await resolver.resolve("did:web:a.example") }
        await #expect(throws: DIDError(.documentIDMismatch, "")) { try await resolver.resolve("did:web:b.example") }
        #expect(resolver.cache.count == 0)
    }

    @Test func cacheEntriesExpireAndAreBounded() async throws {
        let cache = DIDDocumentCache(timeToLive: 10, maxEntries: 2)
        let now = Date()
        for i in 0..<3 {
            cache.store(try DIDDocument(json: ["id": .string("did:web:\(i).example")]), for: "did:web:\(i).example", now: now)
        }
        #expect(cache.count == 2)
        #expect(cache.document(for: "did:web:0.example", now: now) == nil)
        #expect(cache.document(for: "did:web:2.example", now: now) != nil)
        #expect(cache.document(for: "did:web:2.example", now: now.addingTimeInterval(11)) == nil)
    }

    @Test func theURLSessionFetcherRefusesPlainHTTP() async throws {
        let error = try await #require(throws: DIDError.self) {
            try await URLSessionDIDWebFetcher().fetch(URL(string: "http://127.0.0.1:9/did.json")!, maxBytes: 10, timeout: 60)
        }
        #expect(error.code == .networkNotEnabled)
    }

    @Test func oversizedAndMalformedDocumentsAreRefused() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let url = root.appendingPathComponent("big.example/.well-known/did.json")
        try write(["id": "did:web:big.example", "padding": .string(String(repeating: "x", count: 2000))], to: url)
        await #expect(throws: DIDError(.documentTooLarge, "")) {
            try await DIDWebResolver(directory: root, maxDocumentSize: 1000).resolve("did:web:big.example")
        }
        try Data("{\"id\": \"did:web:big.example\",}".utf8).write(to: url)
        await #expect(throws: DIDError(.invalidDocument, "")) { try await DIDWebResolver(directory: root).resolve("did:web:big.example") }
    }
}

@Suite("verification method binding", .needsSharedData)
struct VerificationMethodBindingTests {
    static let vectorVM = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    let resolver = VerificationMethodResolver(resolver: MultiMethodDIDResolver.offline)

    @Test func theDIEdDSAVectorMethodResolvesForAssertion() async throws {
        guard let signed = try sharedJSON("di-eddsa/TestVectors/eddsa-rdfc-2022/signedDataInt.json") else { return }
        let vm = try #require(signed["proof"]?["verificationMethod"]?.stringValue)
        #expect(vm == Self.vectorVM)
        let resolved = try await resolver.resolve(vm, relationship: .assertionMethod, expectedController: nil)
        #expect(resolved.publicKey.type == .ed25519)
        // The vector's issuer is not the signing DID, so an issuer-bound check must fail, naming the rule.
        let issuer = try #require(signed["issuer"]?.stringValue)
        let error = try await #require(throws: DIDError.self) { try await resolver.resolve(vm, relationship: .assertionMethod, expectedController: issuer) }
        #expect(error.code == .controllerMismatch)
        #expect(error.message.contains(issuer))
    }

    @Test func theIssuerDIDIsAcceptedAsController() async throws {
        let did = String(Self.vectorVM.split(separator: "#")[0])
        #expect(try await resolver.resolve(Self.vectorVM, relationship: .authentication, expectedController: did).method.id == Self.vectorVM)
    }

    @Test func eachBindingRuleFailsWithItsOwnCode() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let key = try PrivateKey.generate(.p256).publicKey
        let mb = try key.publicKeyMultibase()
        let did = "did:web:rules.example"
        let document: JSONObject = [
            "id": .string(did),
            "verificationMethod": [
                ["id": .string(did + "#auth"), "type": "Multikey", "controller": .string(did), "publicKeyMultibase": .string(mb)],
                ["id": .string(did + "#foreign"), "type": "JsonWebKey", "controller": "did:web:other.example", "publicKeyJwk": .object(key.jwk)],
                ["id": .string(did + "#unlisted"), "type": "Multikey", "controller": .string(did), "publicKeyMultibase": .string(mb)],
            ],
            "authentication": ["#auth"],
            "assertionMethod": [
                .string(did + "#foreign"),
                ["id": .string(did + "#embedded"), "type": "JsonWebKey2020", "controller": .string(did), "publicKeyJwk": .object(key.jwk)],
            ],
        ]
        try write(document, to: root.appendingPathComponent("rules.example/.well-known/did.json"))
        let resolver = VerificationMethodResolver(resolver: MultiMethodDIDResolver(webDirectory: root))
        func code(_ vm: String, _ relationship: VerificationRelationship, _ controller: String? = did) async -> DIDError.Code? {
            do {
                _ = try await resolver.resolve(vm, relationship: relationship, expectedController: controller)
                return nil
            } catch {
                return error.code
            }
        }
        #expect(await code(did + "#auth", .authentication) == nil)
        #expect(await code(did + "#embedded", .assertionMethod) == nil)
        #expect(await code(did + "#auth", .assertionMethod) == .relationshipNotAuthorized)
        #expect(await code(did + "#unlisted", .authentication) == .relationshipNotAuthorized)
        #expect(await code(did + "#missing", .authentication) == .verificationMethodNotFound)
        #expect(await code(did + "#foreign", .assertionMethod) == .controllerDocumentMismatch)
        #expect(await code(did + "#auth", .authentication, "did:web:someone.else") == .controllerMismatch)
        #expect(await code(did, .authentication) == .invalidDID)
        #expect(await code("https://rules.example/keys/1", .authentication) == .methodNotSupported)
        #expect(await code("did:example:123#k", .authentication) == .methodNotSupported)
    }
}

@Suite("verification method objects")
struct VerificationMethodObjectTests {
    @Test func embeddedMultikeyAndJsonWebKeyMethodsYieldTheirKeys() async throws {
        let key = try PrivateKey.generate(.p384).publicKey
        let multikey = try VerificationMethod(
            json: [
                "id": "https://issuer.example/keys#1", "type": "Multikey", "controller": "https://issuer.example/keys",
                "publicKeyMultibase": .string(try key.publicKeyMultibase()),
            ], documentID: nil)
        #expect(try multikey.publicKey() == key)
        let jwk = try VerificationMethod(
            json: [
                "id": "#2", "type": "JsonWebKey", "controller": "https://issuer.example/keys", "publicKeyJwk": .object(key.jwk),
            ], documentID: "https://issuer.example/keys")
        #expect(jwk.id == "https://issuer.example/keys#2")
        #expect(try jwk.publicKey() == key)
    }

    @Test func malformedMethodsAreRejected() async throws {
        let p256 = try PrivateKey.generate(.p256)
        let mb = try p256.publicKey.publicKeyMultibase()
        let base: JSONObject = ["id": "did:example:1#k", "controller": "did:example:1"]
        func make(_ extra: JSONObject) throws(DIDError) -> VerificationMethod {
            var object = base
            for (k, v) in extra { object[k] = v }
            return try VerificationMethod(json: object, documentID: nil)
        }
        await #expect(throws: DIDError(.invalidVerificationMethod, "")) {
            try make(["type": "EcdsaSecp256k1VerificationKey2019", "publicKeyMultibase": .string(mb)])
        }
        await #expect(throws: DIDError(.invalidVerificationMethod, "")) { try make(["type": "Multikey"]) }
        await #expect(throws: DIDError(.invalidVerificationMethod, "")) {
            try make(["type": "Multikey", "publicKeyMultibase": .string(mb), "publicKeyJwk": .object(p256.publicKey.jwk)])
        }
        await #expect(throws: DIDError(.invalidVerificationMethod, "")) {
            try make(["type": "Multikey", "publicKeyMultibase": .string(mb), "secretKeyMultibase": .string(try p256.secretKeyMultibase())])
        }
        await #expect(throws: DIDError(.invalidVerificationMethod, "")) {
            try VerificationMethod(json: ["id": "did:example:1#k", "type": "Multikey", "publicKeyMultibase": .string(mb)], documentID: nil)
        }
        // A legacy Ed25519VerificationKey2020 must hold an Ed25519 key.
        let legacy = try make(["type": "Ed25519VerificationKey2020", "publicKeyMultibase": .string(mb)])
        await #expect(throws: DIDError(.invalidKey, "")) { try legacy.publicKey() }
        let badKey = try make(["type": "Multikey", "publicKeyMultibase": "z6MkrJVnaZ"])
        await #expect(throws: DIDError(.invalidKey, "")) { try badKey.publicKey() }
    }

    @Test func duplicateMethodIDsMakeADocumentInvalid() async throws {
        let mb = try PrivateKey.generate(.ed25519).publicKey.publicKeyMultibase()
        let vm: JSONValue = ["id": "#k", "type": "Multikey", "controller": "did:example:1", "publicKeyMultibase": .string(mb)]
        await #expect(throws: DIDError(.invalidDocument, "")) { try DIDDocument(json: ["id": "did:example:1", "verificationMethod": [vm, vm]]) }
        await #expect(throws: DIDError(.invalidDocument, "")) { try DIDDocument(json: ["id": "https://not-a-did.example"]) }
        await #expect(throws: DIDError(.invalidDocument, "")) { try DIDDocument(json: ["id": "did:example:1", "assertionMethod": [1]]) }
    }
}
