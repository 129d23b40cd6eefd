import CredentialJSON
import Foundation
import StatusList

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns the registry's lists into `BitstringStatusListCredential` files in the layout
/// ``LocalStatusListMirror`` reads (`DIR/<host>/<path>.json`), which a web server can serve as they are.
///
/// Signing is injected (the CLI passes a Data Integrity signer for DID issuers' lists and a JAdES sealer for EDC
/// issuers') so this type stays free of key handling, and an HTTP service can reuse ``credential(for:now:)`` to
/// serve lists without writing files.
public struct StatusListPublisher: Sendable {
    /// Adds a proof to an unsigned list credential, or wraps it in a seal (a JAdES JWS JSON document whose payload
    /// is the list credential); `nil` publishes unsigned lists.
    public typealias Signer = @Sendable (_ unsigned: JSONValue, _ list: StatusListSnapshot) throws -> JSONValue

    public var directory: URL
    /// How long a published list is valid (`validUntil` = now + this); verifiers refetch after it.
    public var validity: TimeInterval
    /// The `ttl` (milliseconds) advertised to verifiers' caches.
    public var ttl: Int?
    public var signer: Signer?

    public init(directory: URL, validity: TimeInterval = 7 * 24 * 3600, ttl: Int? = 300_000, signer: Signer? = nil) {
        self.directory = directory
        self.validity = validity
        self.ttl = ttl
        self.signer = signer
    }

    /// One written list.
    public struct Published: Sendable, Hashable {
        public var url: String
        public var file: URL
        public var bytes: Int
    }

    /// The list credential for a snapshot: built, encoded and (when a signer is set) signed.
    public func credential(for list: StatusListSnapshot, now: Date = Date()) throws(RegistryError) -> JSONValue {
        let builder = StatusListCredentialBuilder(
            url: list.url, issuer: list.issuer, statusPurpose: list.purpose,
            validFrom: Self.timestamp(now), validUntil: Self.timestamp(now.addingTimeInterval(validity)),
            ttl: ttl)
        let unsigned: JSONValue
        do {
            unsigned = try builder.credential(for: Bitstring(bytes: list.bits))
        } catch {
            throw RegistryError(.publishing, "cannot encode status list \(list.url): \(error)")
        }
        guard let signer else { return unsigned }
        do {
            return try signer(unsigned, list)
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError(.publishing, "cannot sign status list \(list.url): \(error)")
        }
    }

    /// The file a list's URL maps to under ``directory``.
    public func file(for url: String) throws(RegistryError) -> URL {
        guard let file = LocalStatusListMirror(directory: directory).fileURL(for: url) else {
            throw RegistryError(.publishing, "status list URL \(url) is not an http(s) URL with a host; it cannot be published as a file")
        }
        return file
    }

    /// Writes every list, each replaced atomically, and returns what was written.
    public func publish(_ lists: [StatusListSnapshot], now: Date = Date()) throws(RegistryError) -> [Published] {
        var out: [Published] = []
        for list in lists {
            let file = try file(for: list.url)
            let bytes = Array(JSONWriter.string(try credential(for: list, now: now), style: .pretty).utf8)
            try Self.writeAtomically(bytes, to: file)
            out.append(Published(url: list.url, file: file, bytes: bytes.count))
        }
        return out
    }

    /// Writes a temporary file beside `file`, flushes it to disk, and renames it over `file`: a reader sees the
    /// old list or the new one, never half of either, and a crash leaves at most a stray temporary file.
    public static func writeAtomically(_ bytes: [UInt8], to file: URL) throws(RegistryError) {
        let directory = file.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw RegistryError(.publishing, "cannot create \(directory.path): \(error)")
        }
        let temporary = directory.appendingPathComponent(".\(file.lastPathComponent).\(UUID().uuidString).tmp")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { throw RegistryError(.publishing, "cannot create \(temporary.path): errno \(errno)") }
        var written = 0
        let ok: Bool = bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let count = write(fd, buffer.baseAddress! + written, buffer.count - written)
                if count <= 0 { return false }
                written += count
            }
            return fsync(fd) == 0
        }
        close(fd)
        guard ok, rename(temporary.path, file.path) == 0 else {
            let code = errno
            unlink(temporary.path)
            throw RegistryError(.publishing, "cannot write \(file.path): errno \(code)")
        }
    }

    /// An XML Schema dateTimeStamp in UTC without fractions, as `validFrom`/`validUntil` take.
    public static func timestamp(_ date: Date) -> String {
        XSDDateTime.format(date)
    }
}
