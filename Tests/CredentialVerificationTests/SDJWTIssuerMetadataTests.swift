import CredentialJSON
import CredentialVerification
import Foundation
import KeyManagement
import SDJWT
import SecureFetch
import StatusList
import TestSupport
import Testing

/// An https issuer's keys from its JWT VC Issuer Metadata (SD-JWT VC draft): a folder mirroring the HTTPS documents,
/// or the issuer's origin through SecureFetch when fetching is enabled (a loopback server here).
@Suite("SD-JWT VC issuer keys from JWT VC Issuer Metadata")
struct SDJWTIssuerMetadataTests {
    static let iss = "https://issuer.example"

    /// A token by `issuer`'s key, for `iss`, with `kid` in its header.
    func token(_ issuer: SDJWTIssuer, iss: String = Self.iss, kid: String? = "key-1", key: PrivateKey? = nil) throws -> String {
        var header: JSONObject = ["typ": "dc+sd-jwt"]
        if let kid { header["kid"] = .string(kid) }
        return issuer.presented(try issuer.make(issuer: iss, header: header, key: key))
    }

    func jwk(_ key: PublicKey, kid: String? = "key-1") -> JSONValue {
        var jwk = key.jwk
        if let kid { jwk["kid"] = .string(kid) }
        return .object(jwk)
    }

    func metadata(issuer: String = Self.iss, keys: [JSONValue]) -> String {
        JSONWriter.string(["issuer": .string(issuer), "jwks": ["keys": .array(keys)]])
    }

    /// A folder holding `files` (path relative to the folder → text).
    func folder(_ files: [String: String]) throws -> URL {
        let dir = try temporaryDirectory()
        for (path, text) in files {
            let file = dir.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
        }
        return dir
    }

    func policy(_ issuer: SDJWTIssuer, _ resolver: JWTIssuerMetadataResolver?, trusted: String? = SDJWTIssuerMetadataTests.iss) -> VerificationPolicy {
        var p = issuer.policy(VerificationPolicy(trustedIssuers: TrustedIssuerList(entries: trusted.map { [.init(id: $0, name: "Web University")] } ?? [])))
        p.issuerMetadata = resolver
        return p
    }

    // MARK: Forgeries and refusals first

    @Test("Metadata whose issuer is not exactly iss fails the Seal, even with the right key")
    func issuerMismatchFails() async throws {
        let issuer = try SDJWTIssuer()
        for stated in ["https://other.example", "https://issuer.example/", "HTTPS://issuer.example"] {
            let dir = try folder(["issuer.example/.well-known/jwt-vc-issuer.json": metadata(issuer: stated, keys: [jwk(issuer.key.publicKey)])])
            let r = try await verifySD(try token(issuer), policy(issuer, JWTIssuerMetadataResolver(directory: dir)))
            #expect(r.status == .failed && r.check(.seal)?.status == .error, "\(stated): \(why(r))")
            #expect(r.check(.seal)?.reason.contains("is for the issuer \(stated), not https://issuer.example") == true, "\(why(r))")
        }
    }

    @Test("A jwks_uri on another origin is refused (Failed), even when that origin serves the right key")
    func offOriginJWKSURIRefused() async throws {
        let issuer = try SDJWTIssuer()
        let keys = JSONWriter.string(["keys": [jwk(issuer.key.publicKey)]])
        for uri in [
            "https://keys.example/jwks.json", "https://issuer.example:8443/jwks.json", "http://issuer.example/jwks.json",
            "https://keys.example@issuer.example/jwks.json", "/jwks.json",
        ] {
            let dir = try folder([
                "issuer.example/.well-known/jwt-vc-issuer.json": JSONWriter.string(["issuer": .string(Self.iss), "jwks_uri": .string(uri)]),
                "keys.example/jwks.json": keys, "issuer.example/jwks.json": keys,
            ])
            let r = try await verifySD(try token(issuer), policy(issuer, JWTIssuerMetadataResolver(directory: dir)))
            #expect(r.status == .failed && r.check(.seal)?.reason.contains("not on the issuer's origin") == true, "\(uri): \(why(r))")
        }
    }

    @Test("A kid the metadata does not publish, a token signed by another key, a key for another use or alg: Failed on Seal")
    func wrongKeysFail() async throws {
        let issuer = try SDJWTIssuer()
        let other = try PrivateKey.generate(.p256)
        func run(_ keys: [JSONValue], _ token: String) async throws -> VerificationReport {
            let dir = try folder(["issuer.example/.well-known/jwt-vc-issuer.json": metadata(keys: keys)])
            return try await verifySD(token, policy(issuer, JWTIssuerMetadataResolver(directory: dir)))
        }
        let noKid = try await run([jwk(issuer.key.publicKey, kid: "key-2")], try token(issuer))
        #expect(noKid.status == .failed && noKid.check(.seal)?.reason.contains("no key with kid key-1") == true, "\(why(noKid))")
        // The attacker signs under the published kid: the published key does not verify it.
        let forged = try await run([jwk(issuer.key.publicKey)], try token(issuer, key: other))
        #expect(forged.status == .failed && forged.check(.seal)?.reason.contains("does not verify") == true, "\(why(forged))")
        // No kid and two keys: nothing says which.
        let ambiguous = try await run([jwk(issuer.key.publicKey), jwk(other.publicKey, kid: "key-2")], try token(issuer, kid: nil))
        #expect(ambiguous.status == .failed && ambiguous.check(.seal)?.reason.contains("none can be chosen") == true, "\(why(ambiguous))")
        var encryption = issuer.key.publicKey.jwk
        encryption["kid"] = "key-1"
        encryption["use"] = "enc"
        let wrongUse = try await run([.object(encryption)], try token(issuer))
        #expect(wrongUse.status == .failed && wrongUse.check(.seal)?.reason.contains("use enc") == true, "\(why(wrongUse))")
        var es384 = issuer.key.publicKey.jwk
        es384["kid"] = "key-1"
        es384["alg"] = "ES384"
        let wrongAlg = try await run([.object(es384)], try token(issuer))
        #expect(wrongAlg.status == .failed && wrongAlg.check(.seal)?.status == .error, "\(why(wrongAlg))")
        // A private key published by mistake is not used.
        var secret = try PrivateKey.generate(.p256).publicKey.jwk
        secret["kid"] = "key-1"
        secret["d"] = "AAAA"
        let privateMember = try await run([.object(secret)], try token(issuer))
        #expect(privateMember.status == .failed, "\(why(privateMember))")
    }

    @Test("Fetching not enabled and no folder holding the metadata: the key is unresolved, Seal skipped, not Verified, and the reason says how to enable it")
    func notConsultedIsNotVerified() async throws {
        let issuer = try SDJWTIssuer()
        let none = try await verifySD(try token(issuer), policy(issuer, nil))
        #expect(none.status == .partiallyVerified && none.check(.seal)?.status == .skipped, "\(why(none))")
        #expect(none.check(.seal)?.reason.contains("--allow-http-status") == true, "\(why(none))")
        let emptyFolder = try await verifySD(try token(issuer), policy(issuer, JWTIssuerMetadataResolver(directory: try folder([:]))))
        #expect(emptyFolder.status == .partiallyVerified && emptyFolder.check(.seal)?.status == .skipped, "\(why(emptyFolder))")
        #expect(emptyFolder.check(.seal)?.reason.contains("fetching is not enabled") == true, "\(why(emptyFolder))")
        // And the issuer is not accredited on a key nobody checked.
        #expect(emptyFolder.check(.accreditation)?.status != .ok, "\(why(emptyFolder))")
        // A DID kid under an https iss: the metadata is not asked (the draft's rule), and a DID key binds no web issuer.
        let didKid = try await verifySD(
            try token(issuer, kid: issuer.did + "#0"),
            policy(
                issuer,
                JWTIssuerMetadataResolver(
                    directory: try folder([
                        "issuer.example/.well-known/jwt-vc-issuer.json": metadata(keys: [jwk(issuer.key.publicKey, kid: issuer.did + "#0")])
                    ]))))
        #expect(didKid.status == .partiallyVerified && didKid.check(.seal)?.reason.contains("is a DID URL") == true, "\(why(didKid))")
    }

    @Test("An http (not https) iss has no issuer metadata: its key is never taken from one, so it is not Verified")
    func plainHTTPIssuerRefused() async throws {
        let issuer = try SDJWTIssuer()
        let dir = try folder(["issuer.example/.well-known/jwt-vc-issuer.json": metadata(issuer: "http://issuer.example", keys: [jwk(issuer.key.publicKey)])])
        let r = try await verifySD(
            try token(issuer, iss: "http://issuer.example"),
            policy(issuer, JWTIssuerMetadataResolver(directory: dir), trusted: "http://issuer.example"))
        #expect(r.status != .verified && r.check(.seal)?.status == .skipped, "\(why(r))")
        #expect(r.check(.seal)?.reason.contains("not an https URL") == true, "\(why(r))")
    }

    @Test("Oversized metadata is refused, from the folder and over the wire")
    func oversizedRefused() async throws {
        let issuer = try SDJWTIssuer()
        let padding = String(repeating: " ", count: 300 * 1024)
        let dir = try folder(["issuer.example/.well-known/jwt-vc-issuer.json": metadata(keys: [jwk(issuer.key.publicKey)]) + padding])
        let r = try await verifySD(try token(issuer), policy(issuer, JWTIssuerMetadataResolver(directory: dir)))
        #expect(r.status == .failed && r.check(.seal)?.reason.contains("cannot be used") == true, "\(why(r))")

        let server = try LoopbackDocumentServer()
        defer { server.stop() }
        server.serve("/.well-known/jwt-vc-issuer", json: metadata(issuer: server.origin, keys: [jwk(issuer.key.publicKey)]) + padding)
        let wire = try await verifySD(try token(issuer, iss: server.origin), policy(issuer, loopbackResolver(), trusted: server.origin))
        #expect(wire.status == .failed && wire.check(.seal)?.reason.contains("larger than") == true, "\(why(wire))")
    }

    @Test("A redirect of the well-known document is not followed (the key must come from the issuer's own address)")
    func redirectRefused() async throws {
        let issuer = try SDJWTIssuer()
        let server = try LoopbackDocumentServer()
        defer { server.stop() }
        server.serve("/.well-known/jwt-vc-issuer", .redirect(server.origin + "/elsewhere"))
        server.serve("/elsewhere", json: metadata(issuer: server.origin, keys: [jwk(issuer.key.publicKey)]))
        let r = try await verifySD(try token(issuer, iss: server.origin), policy(issuer, loopbackResolver(), trusted: server.origin))
        #expect(r.status == .failed && r.check(.seal)?.reason.contains("redirects") == true, "\(why(r))")
        #expect(!server.requests.contains("/elsewhere"))
    }

    // MARK: What verifies

    @Test(
        "Metadata from the folder: inline jwks and a same-origin jwks_uri verify; a path iss inserts the well-known segment before its path; listed → Verified, unlisted → Partially"
    )
    func folderVerifies() async throws {
        let issuer = try SDJWTIssuer()
        let keys = [jwk(issuer.key.publicKey, kid: "old"), jwk(issuer.key.publicKey)]
        let dir = try folder([
            "issuer.example/.well-known/jwt-vc-issuer.json": metadata(keys: keys),
            "issuer.example/.well-known/jwt-vc-issuer/tenants/7.json": JSONWriter.string([
                "issuer": "https://issuer.example/tenants/7", "jwks_uri": "https://issuer.example/tenants/7/jwks.json",
            ]),
            "issuer.example/tenants/7/jwks.json": JSONWriter.string(["keys": [jwk(issuer.key.publicKey, kid: nil)]]),
        ])
        let resolver = JWTIssuerMetadataResolver(directory: dir)
        let r = try await verifySD(try token(issuer), policy(issuer, resolver))
        #expect(r.status == .verified, "\(why(r))")
        #expect(r.check(.seal)?.reason.contains("the key key-1 that https://issuer.example publishes in its JWT VC Issuer Metadata") == true, "\(why(r))")
        #expect(r.check(.accreditation)?.status == .ok, "\(why(r))")
        let tenant = "https://issuer.example/tenants/7"
        let t = try await verifySD(try token(issuer, iss: tenant, kid: nil), policy(issuer, resolver, trusted: tenant))
        #expect(t.status == .verified, "\(why(t))")
        // Bound to the origin, but not trusted unless a trusted-issuer entry names it.
        let unlisted = try await verifySD(try token(issuer), policy(issuer, resolver, trusted: "https://someone-else.example"))
        #expect(
            unlisted.status == .partiallyVerified && unlisted.check(.seal)?.status == .ok && unlisted.check(.accreditation)?.status == .skipped,
            "\(why(unlisted))")
        #expect(try resolver.metadataURL(for: "https://issuer.example/tenants/7/") == "https://issuer.example/.well-known/jwt-vc-issuer/tenants/7")
    }

    @Test("Over the wire (SecureFetch on loopback): the metadata and its jwks_uri are fetched once, then the keys come from the cache")
    func loopbackFetchAndCache() async throws {
        let issuer = try SDJWTIssuer()
        let server = try LoopbackDocumentServer()
        defer { server.stop() }
        server.serve(
            "/.well-known/jwt-vc-issuer/school",
            json: JSONWriter.string([
                "issuer": .string(server.origin + "/school"), "jwks_uri": .string(server.origin + "/school/jwks"),
            ]))
        server.serve("/school/jwks", json: JSONWriter.string(["keys": [jwk(issuer.key.publicKey)]]))
        let iss = server.origin + "/school"
        let resolver = loopbackResolver()
        let first = try await verifySD(try token(issuer, iss: iss), policy(issuer, resolver, trusted: iss))
        #expect(first.status == .verified, "\(why(first))")
        let second = try await verifySD(try token(issuer, iss: iss), policy(issuer, resolver, trusted: iss))
        #expect(second.status == .verified, "\(why(second))")
        #expect(server.requests == ["/.well-known/jwt-vc-issuer/school", "/school/jwks"], "\(server.requests)")
        // An issuer whose metadata is missing (404): Partially verified, and asked once for a batch, not per token.
        let missing = server.origin + "/gone"
        for _ in 0..<2 {
            let r = try await verifySD(try token(issuer, iss: missing), policy(issuer, resolver, trusted: missing))
            #expect(r.status == .partiallyVerified && r.check(.seal)?.reason.contains("HTTP 404") == true, "\(why(r))")
        }
        #expect(server.requests.filter { $0 == "/.well-known/jwt-vc-issuer/gone" }.count == 1, "\(server.requests)")
        // The production policy refuses this very server: plain http, and a loopback address.
        let production = JWTIssuerMetadataResolver(fetcher: SecureFetcher())
        let refused = try await verifySD(try token(issuer, iss: iss), policy(issuer, production, trusted: iss))
        #expect(refused.status != .verified && refused.check(.seal)?.status == .skipped, "\(why(refused))")
    }

    @Test(
        "A Token Status List of an https issuer is checked with the key in the same metadata: revoked fails, the neighbour passes, a list by another key is refused"
    )
    func statusListSignedWithMetadataKey() async throws {
        let issuer = try SDJWTIssuer()
        let uri = "https://issuer.example/status/1"
        var list = try TokenStatusList(bits: 1, count: 16)
        try list.setStatus(1, at: 3)
        func listToken(_ key: PrivateKey) throws -> String {
            try SDJWTIssuing.sign(
                header: ["typ": "statuslist+jwt", "kid": "key-1"],
                payload: .object([
                    "sub": .string(uri), "iat": .number(JSONNumber(Int(issuer.now.timeIntervalSince1970))),
                    "status_list": ["bits": 1, "lst": .string(try list.encoded())],
                ]), key: key)
        }
        // One folder serves as status mirror and metadata folder: both mirror the HTTPS layout.
        let dir = try folder([
            "issuer.example/.well-known/jwt-vc-issuer.json": metadata(keys: [jwk(issuer.key.publicKey)]),
            "issuer.example/status/1.json": try listToken(issuer.key),
        ])
        var p = policy(issuer, JWTIssuerMetadataResolver(directory: dir))
        p.statusSource = LocalStatusListMirror(directory: dir)
        func credential(_ idx: Int) throws -> String {
            issuer.presented(
                try issuer.make(issuer: Self.iss, header: ["typ": "dc+sd-jwt", "kid": "key-1"]) { payload, _ in
                    payload["status"] = ["status_list": ["idx": .number(JSONNumber(idx)), "uri": .string(uri)]]
                })
        }
        let revoked = try await verifySD(try credential(3), p)
        #expect(revoked.status == .failed && revoked.check(.revocation)?.reason.contains("revoked") == true, "\(why(revoked))")
        let neighbour = try await verifySD(try credential(4), p)
        #expect(neighbour.status == .verified, "\(why(neighbour))")
        try Data(try listToken(try PrivateKey.generate(.p256)).utf8).write(to: dir.appendingPathComponent("issuer.example/status/1.json"))
        let forged = try await verifySD(try credential(4), p)
        #expect(forged.status == .failed && forged.check(.revocation)?.status == .error, "\(why(forged))")
    }

    /// The real fetcher, loosened only as a loopback test needs (SecureFetch's own test allowance).
    func loopbackResolver() -> JWTIssuerMetadataResolver {
        var policy = JWTIssuerMetadataResolver.defaultPolicy
        policy.allowLoopbackAndPrivate = true
        policy.allowPlainHTTP = true
        // The loopback answers at once; the long deadline only keeps a loaded CI machine from reading as a timeout
        // (the whole test run shares two cores, and fixtures that run openssl or xmlsec1 hold its threads for a while).
        policy.deadline = .seconds(300)
        return JWTIssuerMetadataResolver(fetcher: SecureFetcher(), policy: policy)
    }
}
