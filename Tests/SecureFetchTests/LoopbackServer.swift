import Foundation
import TestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A tiny blocking HTTP/1.1 server on 127.0.0.1 with canned misbehaviours, so the fetcher's limits are
/// tested against a real socket without ever touching the network. Each connection gets its own thread;
/// every response closes the connection.
final class LoopbackServer: @unchecked Sendable {
    /// Where `/redirect-other-port` and `/redirect-https-loopback` point (another server's port).
    let otherPort: Int
    private var listener: LoopbackListener?
    private let lock = NSLock()
    private var _connections = 0
    private var _bodyBytesSent = 0
    private var _open = 0

    /// The port it listens on (chosen by the kernel).
    var port: Int { listener?.port ?? 0 }
    /// Connections accepted so far.
    var connections: Int { lock.withLock { _connections } }
    /// Body bytes written by the streaming routes (`/endless`, `/announced-huge`, `/slow`).
    var bodyBytesSent: Int { lock.withLock { _bodyBytesSent } }
    /// Connections still being served.
    var openConnections: Int { lock.withLock { _open } }

    init(otherPort: Int = 9) throws {
        self.otherPort = otherPort
        listener = try LoopbackListener { [weak self] fd in
            guard let self else { return }
            lock.withLock {
                _connections += 1
                _open += 1
            }
            serve(fd)
            lock.withLock { _open -= 1 }
        }
    }

    /// Stops accepting; connections being served end on their own when the client goes away.
    func stop() { listener?.stop() }

    /// `http://127.0.0.1:PORT` + `path`.
    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// Waits (briefly) until no connection is being served, so counters are final.
    func settle(timeout: TimeInterval = 5) {
        let end = Date().addingTimeInterval(timeout)
        while openConnections > 0, Date() < end { usleep(10_000) }
    }

    private func serve(_ fd: Int32) {
        guard let path = readRequestPath(fd) else { return }
        let json = Array(#"{"ok":true}"#.utf8)
        switch path {
        case "/small":
            respond(fd, "200 OK", ["Content-Type: application/json", "Content-Length: \(json.count)"], body: json)
        case "/not-found":
            respond(fd, "404 Not Found", ["Content-Length: 0"], body: [])
        case "/endless":
            // No Content-Length: the body runs until the connection closes, here practically forever.
            respond(fd, "200 OK", ["Content-Type: application/json"], body: [])
            stream(fd, chunk: 64 * 1024, pause: 0, limit: 1 << 30)
        case "/announced-huge":
            respond(fd, "200 OK", ["Content-Type: application/json", "Content-Length: \(400 * 1024 * 1024)"], body: [])
            stream(fd, chunk: 64 * 1024, pause: 0, limit: 400 * 1024 * 1024)
        case "/slow":
            respond(fd, "200 OK", ["Content-Type: application/json", "Content-Length: 1000"], body: [])
            stream(fd, chunk: 1, pause: 100_000, limit: 1000)
        case "/slow-head":
            // Never answers; waits until the client hangs up.
            var byte: UInt8 = 0
            _ = recv(fd, &byte, 1, 0)
        case "/redirect-http":
            redirect(fd, "http://127.0.0.1:\(port)/small")
        case "/redirect-relative":
            redirect(fd, "/small")
        case "/redirect-other-port":
            redirect(fd, "http://127.0.0.1:\(otherPort)/small")
        case "/redirect-https-loopback":
            redirect(fd, "https://127.0.0.1:\(otherPort)/small")
        case "/redirect-https-unspecified":
            redirect(fd, "https://0.0.0.0:\(port)/small")
        case "/redirect-https-mapped-multicast":
            redirect(fd, "https://[::ffff:224.0.0.1]/x")
        default:
            respond(fd, "404 Not Found", ["Content-Length: 0"], body: [])
        }
    }

    /// The request target, or nil for something that is not a plain HTTP request (a TLS ClientHello).
    private func readRequestPath(_ fd: Int32) -> String? {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while received.count < 16 * 1024 {
            let n = recv(fd, &buffer, buffer.count, 0)
            guard n > 0 else { return nil }
            received.append(contentsOf: buffer[0..<n])
            // 0x16 opens a TLS handshake record: this server speaks no TLS, so hang up at once.
            if received.first == 0x16 { return nil }
            if received.count >= 4, String(decoding: received, as: UTF8.self).contains("\r\n\r\n") { break }
        }
        let head = String(decoding: received, as: UTF8.self)
        let parts = head.split(separator: "\r\n").first?.split(separator: " ") ?? []
        guard parts.count >= 2 else { return nil }
        return String(parts[1])
    }

    private func redirect(_ fd: Int32, _ location: String) {
        respond(fd, "302 Found", ["Location: \(location)", "Content-Length: 0"], body: [])
    }

    private func respond(_ fd: Int32, _ status: String, _ headers: [String], body: [UInt8]) {
        let head = "HTTP/1.1 \(status)\r\n" + (headers + ["Connection: close"]).map { $0 + "\r\n" }.joined() + "\r\n"
        _ = send(fd, Array(head.utf8) + body)
    }

    /// Writes `limit` bytes in `chunk`s, `pause` µs apart, counting them; stops when the client goes away.
    private func stream(_ fd: Int32, chunk: Int, pause: UInt32, limit: Int) {
        let block = [UInt8](repeating: 0x20, count: chunk)
        var sent = 0
        while sent < limit {
            guard send(fd, block) else { return }
            sent += chunk
            lock.withLock { _bodyBytesSent += chunk }
            if pause > 0 { usleep(pause) }
        }
    }

    private func send(_ fd: Int32, _ bytes: [UInt8]) -> Bool { LoopbackListener.send(fd, bytes) }
}
