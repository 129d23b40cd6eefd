import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A tiny blocking HTTP/1.1 server on 127.0.0.1 that serves fixed documents by path, so code that fetches (issuer
/// metadata, key sets) is tested through the real ``SecureFetch`` fetcher and a real socket, never the network.
/// Each connection gets its own thread and is closed after one response. Unknown paths answer 404.
public final class LoopbackDocumentServer: @unchecked Sendable {
    /// One canned answer.
    public struct Response: Sendable {
        public var status: String
        public var headers: [String]
        public var body: [UInt8]

        public init(status: String = "200 OK", headers: [String] = ["Content-Type: application/json"], body: [UInt8]) {
            self.status = status
            self.headers = headers
            self.body = body
        }

        /// A redirect to `location`.
        public static func redirect(_ location: String) -> Response {
            Response(status: "302 Found", headers: ["Location: \(location)"], body: [])
        }
    }

    private var listener: LoopbackListener?
    private let lock = NSLock()
    private var routes: [String: Response] = [:]
    private var _requests: [String] = []

    /// The port it listens on (chosen by the kernel).
    public var port: Int { listener?.port ?? 0 }

    /// The paths requested so far, in order.
    public var requests: [String] { lock.withLock { _requests } }

    /// Starts listening on an ephemeral loopback port.
    public init() throws {
        listener = try LoopbackListener { [weak self] fd in self?.answer(fd) }
    }

    /// `http://127.0.0.1:PORT`.
    public var origin: String { "http://127.0.0.1:\(port)" }

    /// Serves `response` at `path` (replacing what was there).
    public func serve(_ path: String, _ response: Response) {
        lock.withLock { routes[path] = response }
    }

    /// Serves a JSON document at `path`.
    public func serve(_ path: String, json: String) {
        serve(path, Response(body: Array(json.utf8)))
    }

    /// Stops accepting connections.
    public func stop() { listener?.stop() }

    private func answer(_ fd: Int32) {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while received.count < 16 * 1024, !String(decoding: received, as: UTF8.self).contains("\r\n\r\n") {
            let n = recv(fd, &buffer, buffer.count, 0)
            guard n > 0 else { return }
            received.append(contentsOf: buffer[0..<n])
        }
        let line = String(decoding: received, as: UTF8.self).split(separator: "\r\n").first ?? ""
        let parts = line.split(separator: " ")
        guard parts.count >= 2 else { return }
        let path = String(parts[1])
        let response: Response = lock.withLock {
            _requests.append(path)
            return routes[path] ?? Response(status: "404 Not Found", headers: [], body: [])
        }
        let head =
            "HTTP/1.1 \(response.status)\r\n"
            + (response.headers + ["Content-Length: \(response.body.count)", "Connection: close"]).map { $0 + "\r\n" }.joined() + "\r\n"
        _ = LoopbackListener.send(fd, Array(head.utf8) + response.body)
    }
}
