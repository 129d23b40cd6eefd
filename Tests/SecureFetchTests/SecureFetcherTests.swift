import Foundation
import SecureFetch
import Testing

/// What the loopback server needs: loopback addresses and plain http (the server speaks no TLS).
private let testPolicy = FetchPolicy(
    maxBytes: 64 * 1024, deadline: .seconds(5), allowLoopbackAndPrivate: true, allowPlainHTTP: true, accept: "application/json")

/// Two servers, the first redirecting to the second for the cross-port cases.
private func servers() throws -> (main: LoopbackServer, other: LoopbackServer) {
    let other = try LoopbackServer()
    let main = try LoopbackServer(otherPort: other.port)
    return (main, other)
}

private func fetchError(_ url: String, _ policy: FetchPolicy) async -> FetchError? {
    do {
        let document = try await SecureFetcher().fetch(url, policy: policy)
        Issue.record("expected a refusal, got \(document.bytes.count) bytes from \(document.url)")
        return nil
    } catch {
        return error
    }
}

@Suite("SecureFetcher against a loopback server", .serialized)
struct SecureFetcherTests {
    // MARK: refused before connecting

    @Test func everyLoopbackURLIsRefusedBeforeConnecting() async throws {
        let (server, other) = try servers()
        defer { server.stop(); other.stop() }
        var policy = testPolicy
        policy.allowLoopbackAndPrivate = false
        // A refusal needs no network; the long deadline only keeps a loaded CI machine from reading as a timeout.
        policy.deadline = .seconds(60)
        let paths = ["/small", "/endless", "/announced-huge", "/slow", "/slow-head", "/redirect-http", "/redirect-other-port"]
        for path in paths {
            let error = await fetchError(server.url(path), policy)
            #expect(error?.code == .forbiddenAddress, "\(path): \(String(describing: error))")
        }
        // Other spellings of this machine go through the resolver and are refused too.
        for url in [
            "http://localhost:\(server.port)/small", "http://127.1:\(server.port)/small",
            "http://[::1]:\(server.port)/small", "http://[::ffff:127.0.0.1]:\(server.port)/small",
            "http://0.0.0.0:\(server.port)/small", "https://127.0.0.1:\(server.port)/small",
        ] {
            let error = await fetchError(url, policy)
            #expect(error?.code == .forbiddenAddress, "\(url): \(String(describing: error))")
        }
        #expect(server.connections == 0)
        #expect(other.connections == 0)
    }

    @Test func plainHTTPAndOtherSchemesAreRefusedByDefault() async throws {
        let server = try LoopbackServer()
        defer { server.stop() }
        var policy = testPolicy
        policy.allowPlainHTTP = false
        #expect(await fetchError(server.url("/small"), policy)?.code == .notHTTPS)
        #expect(await fetchError("file:///etc/passwd", policy)?.code == .notHTTPS)
        #expect(await fetchError("ftp://127.0.0.1/x", policy)?.code == .notHTTPS)
        #expect(await fetchError("gopher://127.0.0.1:70/x", testPolicy)?.code == .notHTTPS)
        #expect(server.connections == 0)
    }

    @Test func hostsThatCouldDodgeThePinAreRefused() async throws {
        for url in [
            "https://%31%32%37.0.0.1/x", "https://user:secret@example.com/x", "https:///x", "https://../x",
            "not a url", "https://exa mple.com/", "https://[::1/x", "https://[fe80::1%25lo]/x",
        ] {
            #expect(await fetchError(url, testPolicy)?.code == .invalidURL, "\(url)")
        }
    }

    // MARK: with loopback allowed (the test switch)

    @Test func aSmallDocumentIsFetched() async throws {
        let server = try LoopbackServer()
        defer { server.stop() }
        let document = try await SecureFetcher().fetch(server.url("/small"), policy: testPolicy)
        #expect(document.bytes == Array(#"{"ok":true}"#.utf8))
        #expect(document.contentType == "application/json")
        #expect(document.url == server.url("/small"))
        #expect(document.status == 200)
    }

    @Test func anEndlessBodyStopsAtTheCap() async throws {
        let server = try LoopbackServer()
        defer { server.stop() }
        let started = ContinuousClock.now
        let error = await fetchError(server.url("/endless"), testPolicy)
        #expect(error?.code == .tooLarge)
        #expect(ContinuousClock.now - started < .seconds(20), "the deadline bounds the fetch")
        // The connection was dropped at once: the server could write only about what the socket buffers
        // hold, not the gibibyte it wanted to send (and the client held at most the cap).
        server.settle()
        #expect(server.openConnections == 0)
        #expect(server.bodyBytesSent < 32 * 1024 * 1024, "server wrote \(server.bodyBytesSent) bytes")
    }

    @Test func anAnnouncedHugeBodyIsRefusedBeforeReading() async throws {
        let server = try LoopbackServer()
        defer { server.stop() }
        let started = ContinuousClock.now
        let error = await fetchError(server.url("/announced-huge"), testPolicy)
        #expect(error?.code == .tooLarge)
        #expect(error?.message.contains("announces") == true)
        #expect(ContinuousClock.now - started < .seconds(20), "the deadline bounds the fetch")
        server.settle()
        #expect(server.bodyBytesSent < 32 * 1024 * 1024)
    }

    @Test func aSlowBodyHitsTheDeadline() async throws {
        let server = try LoopbackServer()
        defer { server.stop() }
        var policy = testPolicy
        policy.deadline = .milliseconds(800)
        let started = ContinuousClock.now
        let error = await fetchError(server.url("/slow"), policy)
        #expect(error?.code == .timeout)
        let elapsed = ContinuousClock.now - started
        #expect(elapsed >= .milliseconds(700) && elapsed < .seconds(20), "took \(elapsed)")
    }

    @Test func aServerThatNeverAnswersHitsTheDeadline() async throws {
        let server = try LoopbackServer()
        defer { server.stop() }
        var policy = testPolicy
        policy.deadline = .milliseconds(500)
        let started = ContinuousClock.now
        #expect(await fetchError(server.url("/slow-head"), policy)?.code == .timeout)
        #expect(ContinuousClock.now - started < .seconds(20), "the deadline bounds the fetch")
    }

    @Test func redirectsMustLeadToHTTPS() async throws {
        let (server, other) = try servers()
        defer { server.stop(); other.stop() }
        for path in ["/redirect-http", "/redirect-relative", "/redirect-other-port"] {
            let error = await fetchError(server.url(path), testPolicy)
            #expect(error?.code == .notHTTPS, "\(path): \(String(describing: error))")
        }
        #expect(other.connections == 0)
    }

    @Test func eachRedirectTargetIsCheckedAgain() async throws {
        let (server, other) = try servers()
        defer { server.stop(); other.stop() }
        // Even the test switch never allows these, so the redirect is refused before any connection.
        let unspecified = await fetchError(server.url("/redirect-https-unspecified"), testPolicy)
        #expect(unspecified?.code == .forbiddenAddress, "\(String(describing: unspecified))")
        #expect(unspecified?.url == "https://0.0.0.0:\(server.port)/small")
        let multicast = await fetchError(server.url("/redirect-https-mapped-multicast"), testPolicy)
        #expect(multicast?.code == .forbiddenAddress, "\(String(describing: multicast))")
        // With it off, the starting URL is already refused; with it on, an https loopback target is allowed
        // and really dialled (the other server sees the TLS ClientHello and hangs up).
        var strict = testPolicy
        strict.allowLoopbackAndPrivate = false
        #expect(await fetchError(server.url("/redirect-https-loopback"), strict)?.code == .forbiddenAddress)
        #expect(other.connections == 0)
        let tls = await fetchError(server.url("/redirect-https-loopback"), testPolicy)
        #expect(tls?.code == .transport, "\(String(describing: tls))")
        other.settle()
        #expect(other.connections >= 1)  // AsyncHTTPClient retries a failed connection until its connect timeout
    }

    @Test func redirectsAreCounted() async throws {
        let (server, other) = try servers()
        defer { server.stop(); other.stop() }
        var policy = testPolicy
        policy.maxRedirects = 0
        #expect(await fetchError(server.url("/redirect-https-loopback"), policy)?.code == .tooManyRedirects)
        #expect(other.connections == 0)
    }

    @Test func aNonSuccessStatusIsAnError() async throws {
        let server = try LoopbackServer()
        defer { server.stop() }
        let error = await fetchError(server.url("/not-found"), testPolicy)
        #expect(error?.code == .httpStatus)
        #expect(error?.status == 404)
    }

    @Test func aClosedPortIsATransportError() async throws {
        let server = try LoopbackServer()
        let port = server.port
        server.stop()
        let started = ContinuousClock.now
        let error = await fetchError("http://127.0.0.1:\(port)/small", testPolicy)
        // AsyncHTTPClient retries refused connects until the connect timeout (half the time left), then
        // reports the last connect error, not a timeout.
        #expect(error?.code == .transport, "\(String(describing: error))")
        #expect(ContinuousClock.now - started < .seconds(20), "the deadline bounds the fetch")
    }
}
