import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 (an ephemeral port, ``LoopbackListener``) that answers each request (head and
/// body) with what its handler returns: for the tests of clients that POST (time-stamp and OCSP requests). One
/// request per connection, `Connection: close`.
public final class LoopbackHTTPServer: @unchecked Sendable {
    /// A request as received.
    public struct Request: Sendable {
        /// The request line and headers.
        public let head: String
        /// The body (Content-Length bytes).
        public let body: [UInt8]
    }

    private var listener: LoopbackListener?
    private let handler: @Sendable (Request) -> [UInt8]
    private let lock = NSLock()
    private var _requests: [Request] = []
    /// The requests so far.
    public var requests: [Request] { lock.withLock { _requests } }
    /// The port it listens on.
    public var port: UInt16 { UInt16(listener?.port ?? 0) }

    /// A whole HTTP/1.1 response.
    public static func response(status: String, headers: [String], body: [UInt8]) -> [UInt8] {
        let head = (["HTTP/1.1 \(status)", "Content-Length: \(body.count)", "Connection: close"] + headers).joined(separator: "\r\n")
        return Array((head + "\r\n\r\n").utf8) + body
    }

    /// Starts listening; `handler` answers each request with the bytes of a whole response.
    public init(handler: @escaping @Sendable (Request) -> [UInt8]) throws {
        self.handler = handler
        listener = try LoopbackListener(backlog: 8) { [weak self] connection in self?.serve(connection) }
    }

    /// Stops accepting connections.
    public func stop() { listener?.stop() }

    private func serve(_ connection: Int32) {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        var request: Request?
        while request == nil {
            let n = read(connection, &chunk, chunk.count)
            guard n > 0 else { break }
            buffer += chunk[0..<n]
            guard let end = Self.headerEnd(buffer) else { continue }
            let head = String(decoding: buffer[0..<end], as: UTF8.self)
            let length =
                head.split(separator: "\r\n").compactMap { line -> Int? in
                    let parts = line.split(separator: ":", maxSplits: 1)
                    guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
                    return Int(parts[1].trimmingCharacters(in: .whitespaces))
                }.first ?? 0
            if buffer.count - (end + 4) >= length {
                request = Request(head: head, body: Array(buffer[(end + 4)..<(end + 4 + length)]))
            }
        }
        if let request {
            lock.withLock { _requests.append(request) }
            _ = LoopbackListener.send(connection, handler(request))
        }
    }

    private static func headerEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 0...(bytes.count - 4) where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
            return i
        }
        return nil
    }
}
