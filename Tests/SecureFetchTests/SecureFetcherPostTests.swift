import Foundation
import SecureFetch
import TestSupport
import Testing

/// POST through the fetcher (OCSP requests): the body and its type arrive, the caps and address rules hold, and a
/// redirect is never followed (a POST must not be replayed to another URL).
@Suite("SecureFetcher POST against a loopback server")
struct SecureFetcherPostTests {
    // The long deadline only keeps a loaded CI machine (parallel suites, openssl responders) from reading as a timeout.
    private let policy = FetchPolicy(
        maxBytes: 1024, deadline: .seconds(300), allowLoopbackAndPrivate: true, allowPlainHTTP: true, accept: "application/ocsp-response")

    @Test("A redirect answering a POST is refused, and the redirect target is never asked")
    func redirectNotFollowed() async throws {
        let target = try LoopbackHTTPServer { _ in LoopbackHTTPServer.response(status: "200 OK", headers: [], body: [1]) }
        defer { target.stop() }
        let redirecting = try LoopbackHTTPServer { _ in
            LoopbackHTTPServer.response(status: "307 Temporary Redirect", headers: ["Location: http://127.0.0.1:\(target.port)/"], body: [])
        }
        defer { redirecting.stop() }
        do {
            let document = try await SecureFetcher().post(
                "http://127.0.0.1:\(redirecting.port)/", body: [1, 2, 3], contentType: "application/ocsp-request", policy: policy)
            Issue.record("a redirected POST was followed: \(document.url)")
        } catch {
            #expect(error.code == .httpStatus && error.message.contains("not followed"), "\(error)")
        }
        #expect(target.requests.isEmpty)
    }

    @Test("An answer over maxBytes is refused; loopback is refused under the production rules")
    func capsAndAddresses() async throws {
        let server = try LoopbackHTTPServer { _ in LoopbackHTTPServer.response(status: "200 OK", headers: [], body: Array(repeating: 7, count: 4096)) }
        defer { server.stop() }
        let url = "http://127.0.0.1:\(server.port)/"
        await #expect(throws: FetchError(.tooLarge, "", url: url)) {
            try await SecureFetcher().post(url, body: [1], contentType: "application/ocsp-request", policy: policy)
        }
        var production = policy
        production.allowLoopbackAndPrivate = false
        await #expect(throws: FetchError(.forbiddenAddress, "", url: url)) {
            try await SecureFetcher().post(url, body: [1], contentType: "application/ocsp-request", policy: production)
        }
        #expect(server.requests.count == 1)
    }

    @Test("The body and its Content-Type arrive as sent, with the Accept header")
    func bodyArrives() async throws {
        let server = try LoopbackHTTPServer { request in
            LoopbackHTTPServer.response(status: "200 OK", headers: ["Content-Type: application/ocsp-response"], body: request.body.reversed())
        }
        defer { server.stop() }
        let document = try await SecureFetcher().post(
            "http://127.0.0.1:\(server.port)/ocsp", body: [1, 2, 3, 4], contentType: "application/ocsp-request", policy: policy)
        #expect(document.bytes == [4, 3, 2, 1])
        #expect(document.contentType == "application/ocsp-response")
        let head = server.requests.first?.head.lowercased() ?? ""
        #expect(head.hasPrefix("post /ocsp "))
        #expect(head.contains("content-type: application/ocsp-request"))
        #expect(head.contains("accept: application/ocsp-response"))
    }
}
