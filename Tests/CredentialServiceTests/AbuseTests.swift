import CredentialJSON
import CredentialService
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import RegistryStores
import Testing

/// One hostile client against the public endpoints: every answer is a bounded 4xx problem or a bounded report.
@Suite("Public endpoints under abuse")
struct AbuseTests {
    @Test("An upload of a 200,000-element array is refused before any work, naming the item limit")
    func hugeArrayUploadIsRefused() async throws {
        let s = try await TestService.make()
        let zeros = "[" + Array(repeating: "0", count: 200_000).joined(separator: ",") + "]"
        try await s.app.test(.router) { client in
            try await client.execute(uri: "/", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: zeros)) { r in
                #expect(r.status == .contentTooLarge)
                let problem = try parse(r.body)
                #expect(problem["code"]?.stringValue == "tooManyItems")
                #expect(problem["limit"] == .number(JSONNumber(100)))
                #expect(r.body.readableBytes < 2_000)
            }
            // The same through the API: a presentation of 150 credentials.
            let vc: JSONValue = [
                "@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
                "issuer": "did:example:x", "credentialSubject": ["id": "did:example:y"],
            ]
            let vp: JSONValue = [
                "@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
                "verifiableCredential": .array(Array(repeating: vc, count: 150)),
            ]
            let body = JSONWriter.data(.object(["verifiablePresentation": vp]))
            try await client.execute(uri: "/presentations/verify", method: .post, headers: jsonHeaders, body: ByteBuffer(bytes: body)) { r in
                #expect(r.status == .contentTooLarge)
                #expect((try? parse(r.body))?["instance"]?.stringValue == "$.verifiablePresentation")
            }
            // Within the limit it is verified.
            let small: JSONValue = [
                "@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
                "verifiableCredential": .array(Array(repeating: vc, count: 3)),
            ]
            try await client.execute(
                uri: "/presentations/verify", method: .post, headers: jsonHeaders,
                body: ByteBuffer(bytes: JSONWriter.data(.object(["verifiablePresentation": small])))
            ) { r in
                #expect(r.status == .ok || r.status == .unprocessableContent)
                #expect((try? parse(r.body))?["credentials"]?.arrayValue?.count == 3)
            }
        }
    }

    @Test("A credential of millions of values, or of 100,000 wide members, is refused with a bounded problem or report")
    func valueFloodsAreBounded() async throws {
        let s = try await TestService.make()
        // 1.7 GB and 14 s in a release build before the parser counted values (a 9 MB body of 4.5 million zeros).
        let zeros =
            #"{"verifiableCredential":{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"#
            + #""issuer":"did:example:x","credentialSubject":{"http://example.org/p":["#
            + Array(repeating: "0", count: 1_100_000).joined(separator: ",") + "]}}}"
        // Within the body's 250,000 values, but past expansion's 100,000: a failed Format check, not a quadratic hour.
        let wide =
            #"{"verifiableCredential":{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"#
            + #""issuer":"did:example:x","credentialSubject":{"#
            + (0..<120_000).map { #""http://example.org/p\#($0)":"v""# }.joined(separator: ",") + "}}}"
        // 300,000 members (10 MB) are past the body's budget: 170 MB and 3 s before it.
        let wider =
            #"{"verifiableCredential":{"credentialSubject":{"#
            + (0..<300_000).map { #""http://example.org/p\#($0)":"v""# }.joined(separator: ",") + "}}}"
        try await s.app.test(.router) { client in
            try await client.execute(uri: "/credentials/verify", method: .post, headers: jsonHeaders, body: ByteBuffer(string: zeros)) { r in
                #expect(r.status == .contentTooLarge)
                let problem = try parse(r.body)
                #expect(problem["code"]?.stringValue == "tooManyValues")
                #expect(problem["detail"]?.stringValue?.contains("250000") == true)
            }
            try await client.execute(uri: "/credentials/verify", method: .post, headers: jsonHeaders, body: ByteBuffer(string: wider)) { r in
                #expect(r.status == .contentTooLarge)
                #expect((try? parse(r.body))?["code"]?.stringValue == "tooManyValues")
            }
            try await client.execute(uri: "/credentials/verify", method: .post, headers: jsonHeaders, body: ByteBuffer(string: wide)) { r in
                #expect(r.status == .unprocessableContent)
                #expect(r.body.readableBytes < 20_000)
                #expect(String(buffer: r.body).contains("more than 100000 values to expand"))
            }
        }
    }

    @Test("A token's payload is held to the body's limits: values and depth inside a JWT or SD-JWT string are refused by name")
    func tokenPayloadsAreHeldToTheBodyLimits() async throws {
        let s = try await TestService.make()
        func base64url(_ text: String) -> String {
            Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
        let header = base64url(#"{"alg":"EdDSA","typ":"vc+jwt"}"#)
        // 300,000 values in a 2.8 MB string: one JSON value in the body, past its 250,000 once decoded.
        let flood = base64url(#"{"vc":{"p":["# + Array(repeating: "0", count: 300_000).joined(separator: ",") + "]}}")
        // 100 levels in a few hundred bytes: past the body's depth of 64.
        let deep = base64url(String(repeating: #"{"a":"#, count: 100) + "1" + String(repeating: "}", count: 100))
        let cases = [
            ("\(header).\(flood).AAAA", "more than 250000 values"),
            ("\(header).\(deep).AAAA", "nesting deeper than the limit of 64"),
            ("\(base64url(#"{"alg":"ES256","typ":"dc+sd-jwt"}"#)).\(flood).AAAA~", "more than 250000 values"),
        ]
        try await s.app.test(.router) { client in
            for (token, reason) in cases {
                let body = JSONWriter.string(["verifiableCredential": .string(token)])
                try await client.execute(uri: "/credentials/verify", method: .post, headers: jsonHeaders, body: ByteBuffer(string: body)) { r in
                    #expect(r.status == .unprocessableContent, "\(reason)")
                    #expect(String(buffer: r.body).contains(reason), "\(String(buffer: r.body).prefix(600))")
                }
            }
        }
    }

    @Test("A report larger than the answer limit becomes a problem naming the limit")
    func answerIsBounded() async throws {
        let s = try await TestService.make { $0.maxAnswerBytes = 64 * 1024 }
        let long = String(repeating: "x", count: 3_000)
        let items = (0..<60).map { i -> JSONValue in
            [
                "@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"], "issuer": .string("did:example:\(long)\(i)"),
                "credentialSubject": ["id": "did:example:y"],
            ]
        }
        try await s.app.test(.router) { client in
            try await client.execute(
                uri: "/", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(bytes: JSONWriter.data(.array(items)))
            ) { r in
                #expect(r.status == .contentTooLarge)
                #expect((try? parse(r.body))?["code"]?.stringValue == "answerTooLarge")
            }
        }
    }

    @Test("Multipart: a boundary over RFC 2046's 70 characters is refused; a normal form is read by MultipartKit")
    func multipartBoundaries() async throws {
        let s = try await TestService.make()
        let boundary = String(repeating: "b", count: 16_000)
        let body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"json\"\r\n\r\n{}\r\n--\(boundary)--\r\n"
        try await s.app.test(.router) { client in
            try await client.execute(
                uri: "/", method: .post, headers: [.contentType: "multipart/form-data; boundary=\(boundary)"],
                body: ByteBuffer(string: body)
            ) { r in
                #expect(r.status == .badRequest)
                #expect((try? parse(r.body))?["code"]?.stringValue == "invalidBoundary")
            }
            // A body full of near-boundaries is read in one pass and answered.
            let near = String(repeating: "\r\n--boundar", count: 100_000)
            let (h, b) = (
                "multipart/form-data; boundary=boundary", "--boundary\r\nContent-Disposition: form-data; name=\"json\"\r\n\r\n\(near)\r\n--boundary--\r\n"
            )
            try await client.execute(uri: "/", method: .post, headers: [.contentType: h], body: ByteBuffer(string: b)) { r in
                #expect(r.status == .ok)
                #expect(String(buffer: r.body).contains("Result: Failed"))
            }
            try await client.execute(
                uri: "/", method: .post, headers: [.contentType: "multipart/form-data; boundary=x"],
                body: ByteBuffer(string: "--x\r\nBad Header\r\n\r\n")
            ) { r in
                #expect(r.status == .badRequest)
            }
        }
    }

    @Test("The VC API string form (a compact JWT) is verified as a JWT, not read as JSON null")
    func jwtStringForm() async throws {
        let s = try await TestService.make()
        try await s.app.test(.router) { client in
            let body = #"{"verifiableCredential": "eyJhbGciOiJFUzI1NiIsInR5cCI6InZjK2p3dCJ9.eyJpc3MiOiJkaWQ6ZXhhbXBsZTp4In0.c2ln"}"#
            try await client.execute(uri: "/credentials/verify", method: .post, headers: jsonHeaders, body: ByteBuffer(string: body)) { r in
                let result = try parse(r.body)
                #expect(result["kind"]?.stringValue == "enveloped credential (JWT)", "\(result)")
                #expect(!String(buffer: r.body).contains("JSON null"))
            }
        }
    }

    @Test("Problems never show the server's absolute paths")
    func problemsHideServerPaths() async throws {
        let s = try await TestService.make()
        let templates = s.state.templateDirectory
        // A real template whose display image has gone missing from the server's folder.
        var template = try JSONParser.parse(Array(try Data(contentsOf: templates.appendingPathComponent("micro-credential.json"))))
        if case .object(var o) = template, case .object(var display)? = o["display"] {
            display["image"] = "missing-image.png"
            o["display"] = .object(display)
            template = .object(o)
        }
        try Data(JSONWriter.data(template)).write(to: templates.appendingPathComponent("broken.json"))
        try await s.app.test(.router) { client in
            let body = #"{"template": "broken", "recipient": {"id": "L-1", "givenName": "A", "familyName": "B"}, "options": {}}"#
            try await client.execute(uri: "/credentials/issue", method: .post, headers: bearer(s.demoToken), body: ByteBuffer(string: body)) { r in
                let text = String(buffer: r.body)
                #expect(r.status.code >= 400 && r.status.code < 500, "\(text)")
                #expect(text.contains("DATA_DIR/templates/missing-image.png"), "\(text)")
                #expect(!text.contains(s.directory.path), "\(text)")
                #expect(!text.contains(FileManager.default.currentDirectoryPath + "/"), "\(text)")
            }
        }
    }

    @Test("The data directory is created private to the service's user, and a wider one is named")
    func dataDirectoryIsPrivate() async throws {
        let s = try await TestService.make()
        let mode = try #require((try FileManager.default.attributesOfItem(atPath: s.directory.path)[.posixPermissions] as? NSNumber)?.intValue)
        #expect(mode & 0o077 == 0, "mode \(String(mode, radix: 8))")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: s.directory.path)
        let prepared = try await ServiceSetup.prepare(s.state.configuration)
        #expect(prepared.permissionWarnings.contains { $0.contains("chmod 700 \(s.directory.path)") }, "\(prepared.permissionWarnings)")
    }

    @Test("Database passwords are redacted wherever a spec is shown")
    func passwordsAreRedacted() {
        let spec = "postgres://skillcred:S3cret%21@db.example:5432/registry?schema=x"
        #expect(RegistryConnection.redacted(spec) == "postgres://skillcred:***@db.example:5432/registry?schema=x")
        #expect(!RegistryConnection.redact("cannot connect to \(spec): auth failed for S3cret%21", spec: spec).contains("S3cret"))
        #expect(RegistryConnection.redacted("skillcred-data/registry.sqlite") == "skillcred-data/registry.sqlite")
        #expect(RegistryConnection.redacted("postgres://nopassword@db/registry") == "postgres://nopassword@db/registry")
    }

    @Test("A live server closes connections whose headers or body never complete; at the cap a newcomer replaces the longest-idle one")
    func connectionsAreBounded() async throws {
        let s = try await TestService.make { config in
            config.port = 0
            config.idleTimeoutSeconds = 1
            config.bodyTimeoutSeconds = 2
            config.maxConnections = 3
        }
        var logger = Logger(label: "skillcred-abuse")
        logger.logLevel = .critical
        let app = CredentialServiceRunner.application(state: s.state, logger: logger)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            // Half a request, then silence: closed by the idle timeout.
            let slow = try RawConnection(port: port)
            try slow.send("POST /credentials/verify HTTP/1.1\r\nHost: x\r\nContent-Ty")
            let start = Date()
            #expect(await offPool { slow.waitForClose(seconds: 5) })
            #expect(Date().timeIntervalSince(start) < 10, "closed by the 1 s idle timeout, not by the client")
            // Three idle connections fill the cap; a fourth takes the place of the longest idle, and is served.
            let held = try (0..<3).map { _ in try RawConnection(port: port) }
            try await Task.sleep(for: .milliseconds(200))
            // The request goes out at once: left idle, the newcomer would itself meet the 1 s idle timeout on a
            // loaded machine before it asked for anything.
            let newcomer = try RawConnection(port: port)
            try newcomer.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(await offPool { newcomer.readResponse(seconds: 30) }.hasPrefix("HTTP/1.1 200"))
            #expect(await offPool { held[0].waitForClose(seconds: 30) }, "the longest-idle connection makes room")
            held.forEach { $0.close() }
            // Three connections each in the middle of a request body are busy: a fourth is closed at once.
            try await Task.sleep(for: .milliseconds(300))
            let busy = try (0..<3).map { _ -> RawConnection in
                let c = try RawConnection(port: port)
                try c.send("POST /credentials/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
                return c
            }
            try await Task.sleep(for: .milliseconds(300))
            let refused = try RawConnection(port: port)
            #expect(await offPool { refused.waitForClose(seconds: 2) }, "every connection is busy, so the newcomer is closed")
            // A body that never completes: the connection is closed at the body deadline, not held.
            #expect(await offPool { busy[0].waitForClose(seconds: 10) }, "closed by the 2 s body timeout")
            busy.forEach { $0.close() }
            try await Task.sleep(for: .milliseconds(300))
            // (The test client's own keep-alive connection has been idle-closed too: ask on a fresh one.)
            let probe = try RawConnection(port: port)
            try probe.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(await offPool { probe.readResponse(seconds: 5) }.hasPrefix("HTTP/1.1 200"))
        }
    }
}

/// Runs blocking work (socket waits, a child process) on a thread of its own: blocking one of the few threads of
/// Swift's cooperative pool would starve the in-process server this test waits for, and every other test.
func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: work()) }.start()
    }
}

/// A plain TCP client on loopback, for what an HTTP client library will not do (send half a request and wait).
final class RawConnection: @unchecked Sendable {
    let fd: Int32
    private var closed = false

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else { throw POSIXError(.EIO) }
    }

    /// Whether the server closes the connection within `seconds` (a read returns 0 or fails).
    func waitForClose(seconds: Double) -> Bool {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            let ready = poll(&descriptor, 1, 100)
            if ready > 0 {
                let n = read(fd, &buffer, buffer.count)
                if n <= 0 { return true }
            }
        }
        return false
    }

    /// Everything the server sends until it closes (or `seconds` pass), as text.
    func readResponse(seconds: Double) -> String {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let deadline = Date().addingTimeInterval(seconds)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            guard poll(&descriptor, 1, 100) > 0 else { continue }
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            received += buffer[0..<n]
        }
        return String(decoding: received, as: UTF8.self)
    }

    func close() {
        guard !closed else { return }
        closed = true
        _ = Glibc.close(fd)
    }

    deinit { close() }
}
