import CredentialJSON
import Foundation
import HummingbirdTesting
import StatusList
import Testing

@testable import CredentialService

@Suite("Status lists from the service's registry")
struct RegistryStatusSourceTests {
    /// What verification reads for a credential the service issued: both of its lists in one registry read, each
    /// answer the one `fetch(url:)` gives, and a URL the registry does not hold refused as `fetch(url:)` refuses it.
    @Test func aCredentialsListsAreReadTogetherAndAnswerAsOneByOne() async throws {
        let service = try await TestService.make()
        defer { try? FileManager.default.removeItem(at: service.directory) }
        let credential = try await service.app.test(.router) { client in try await issue(client, token: service.demoToken) }
        let urls = try #require(credential["credentialStatus"]?.asArray.compactMap { $0["statusListCredential"]?.stringValue })
        #expect(urls.count == 2)
        let base = service.state.configuration.statusBaseURL
        let unknownOwn = base + "/revocation/999"
        let foreign = "https://elsewhere.example/status/1"
        let source = RegistryStatusSource(state: service.state)

        let answers = try #require(await source.fetchTogether(urls: urls + [unknownOwn, foreign]))
        #expect(Set(answers.keys) == Set(urls + [unknownOwn, foreign]))
        for url in urls {
            guard case .json(let together)? = try answers[url]?.get() else {
                Issue.record("\(url) was not answered as JSON")
                continue
            }
            #expect(together == (try JSONParser.parse(try await source.fetch(url: url))))
            #expect(together["id"]?.stringValue == url)
        }
        for url in [unknownOwn, foreign] {
            var alone: StatusListError?
            do { _ = try await source.fetch(url: url) } catch { alone = error }
            guard case .failure(let error)? = answers[url] else {
                Issue.record("\(url) was answered")
                continue
            }
            #expect(error.message == alone?.message)
            #expect(error.code == .retrieval)
        }

        // A Token Status List URL (an SD-JWT VC's, mirroring the revocation list) is left out of the answer, so the
        // verifier asks `fetch(url:)` for it, which builds the token; asked with nothing else, there is no answer.
        let revocationList = try #require(urls.first { $0.contains("/revocation/") })
        let tokenList = service.state.openID4VCI.tokenListURL(forBitstringList: revocationList)
        let mixed = try #require(await source.fetchTogether(urls: [revocationList, tokenList]))
        #expect(Set(mixed.keys) == [revocationList])
        #expect(await source.fetchTogether(urls: [tokenList]) == nil)
        let token = String(decoding: try await source.fetch(url: tokenList), as: UTF8.self)
        #expect(token.split(separator: ".").count == 3, "not a JWT: \(token.prefix(80))")

        // A suspension made now is in the next read (the service never serves a list older than the registry's).
        let id = try #require(credential["id"]?.stringValue)
        _ = try await service.state.registry.changeStatus(credentialID: id, action: .suspend, reason: nil, actor: "test")
        let verdict = try await service.app.test(.router) { client in try await verify(client, credential) }
        #expect(verdict["verdict"]?.stringValue == "Failed", "\(JSONWriter.string(verdict))")
        #expect(JSONWriter.string(verdict).contains("suspended"))
    }
}
