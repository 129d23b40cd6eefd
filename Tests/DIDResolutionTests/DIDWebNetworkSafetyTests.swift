import DIDResolution
import Foundation
import Testing

/// did:web names a host chosen by whoever wrote the credential; the default transport must not let it
/// reach this machine or its networks (the checks themselves are tested in SecureFetchTests).
@Suite("did:web over the secure fetcher")
struct DIDWebNetworkSafetyTests {
    @Test(arguments: [
        "https://127.0.0.1/.well-known/did.json", "https://localhost:8443/.well-known/did.json",
        "https://[::1]/did.json", "https://10.0.0.1/did.json", "https://169.254.169.254/latest/meta-data",
        "https://[::ffff:192.168.1.1]/did.json",
    ])
    func localAddressesAreRefusedBeforeConnecting(_ url: String) async throws {
        let error = try await #require(throws: DIDError.self) {
            try await URLSessionDIDWebFetcher().fetch(URL(string: url)!, maxBytes: 1000, timeout: 300)
        }
        #expect(error.code == .networkNotEnabled)
        #expect(error.message.contains("forbiddenAddress"))
    }

    @Test(arguments: ["did:web:127.0.0.1", "did:web:localhost%3A8443", "did:web:192.168.0.10:issuers:1"])
    func theResolverRefusesDIDsThatNameLocalHosts(_ did: String) async throws {
        // A refusal needs no network; the long deadline only keeps a loaded machine (fixtures running openssl hold the
        // cooperative threads) from reading as a timeout.
        let resolver = DIDWebResolver(directory: nil, allowHTTPS: true, timeout: 300)
        let error = try await #require(throws: DIDError.self) { try await resolver.resolve(did) }
        #expect(error.code == .networkNotEnabled)
    }
}
