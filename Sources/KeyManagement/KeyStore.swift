import CredentialJSON
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension PublicKey {
    /// The public parts as the key store writes them to `NAME.pub.json`:
    /// `name`, `type`, `publicKeyMultibase`, `did`, `verificationMethod` (Multikey types only),
    /// `publicKeyJwk` and `jwkThumbprint`.
    public func publicParts(name: String? = nil) -> JSONObject {
        var out = JSONObject()
        if let name { out["name"] = .string(name) }
        out["type"] = .string(type.rawValue)
        if let mb = try? publicKeyMultibase() {
            out["publicKeyMultibase"] = .string(mb)
            out["did"] = .string("did:key:" + mb)
            out["verificationMethod"] = .string("did:key:\(mb)#\(mb)")
        }
        out["publicKeyJwk"] = .object(jwk)
        out["jwkThumbprint"] = .string(jwkThumbprint())
        return out
    }
}

/// Private keys on disk: a directory holding `NAME.pem` (PKCS#8, mode 0600) and
/// `NAME.pub.json` (the ``PublicKey/publicParts(name:)``).
///
/// Private key files are created with mode 0600 from the first byte (never widened then
/// narrowed), written to a temporary file in the same directory and moved into place, so a
/// crash cannot leave a truncated key or a moment where the key is readable by others.
/// Loading refuses a key file that group or others can read, naming the `chmod` that fixes it.
public struct KeyStore: Sendable {
    /// The directory holding the keys.
    public let directory: URL

    /// The directory used when none is given: `keys` under the current directory.
    public static let defaultDirectory = "keys"

    /// The longest accepted key name.
    public static let maxNameLength = 64

    /// The largest key file read (RSA-4096 PKCS#8 PEM is about 3.3 KB).
    public static let maxFileSize = 64 * 1024

    /// Creates a store over `directory` (not created until a key is saved).
    public init(directory: URL) {
        self.directory = directory
    }

    /// Creates a store over a directory path (relative paths are relative to the current directory).
    public init(path: String = KeyStore.defaultDirectory) {
        self.directory = URL(fileURLWithPath: path)
    }

    /// Checks a key name: 1–64 characters from `A–Z a–z 0–9 . _ -`, not starting with `.` or `-`.
    public static func validate(name: String) throws(KeyError) {
        let allowed = name.unicodeScalars.allSatisfy { s in
            (s >= "a" && s <= "z") || (s >= "A" && s <= "Z") || (s >= "0" && s <= "9") || s == "." || s == "_" || s == "-"
        }
        guard !name.isEmpty, name.count <= maxNameLength, allowed, !name.hasPrefix("."), !name.hasPrefix("-") else {
            throw KeyError(.invalidName, "key name \"\(name)\" must be 1–\(maxNameLength) characters from A–Z a–z 0–9 . _ - and not start with '.' or '-'")
        }
    }

    /// The private key file path for a name.
    public func privateKeyPath(_ name: String) -> String { directory.appendingPathComponent(name + ".pem").path }

    /// The public parts file path for a name.
    public func publicPartsPath(_ name: String) -> String { directory.appendingPathComponent(name + ".pub.json").path }

    /// Whether a key (private or public file) with that name exists.
    public func contains(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: privateKeyPath(name)) || FileManager.default.fileExists(atPath: publicPartsPath(name))
    }

    /// Saves a key as `NAME.pem` (0600) and `NAME.pub.json` (0644, or `publicPartsMode`).
    ///
    /// - Parameters:
    ///   - overwrite: replace an existing key of that name; without it an existing
    ///     `NAME.pem` or `NAME.pub.json` is an error (``KeyError/Code/keyExists``) and nothing is written.
    ///   - publicPartsMode: the mode of `NAME.pub.json` (a data directory keeps even public files private: 0600).
    public func save(_ key: PrivateKey, name: String, overwrite: Bool = false, publicPartsMode: mode_t = 0o644) throws(KeyError) {
        try Self.validate(name: name)
        try createDirectory()
        let pemPath = privateKeyPath(name)
        let pubPath = publicPartsPath(name)
        if !overwrite && contains(name) {
            throw KeyError(.keyExists, "a key named \"\(name)\" already exists; use --force to replace it", location: pemPath)
        }
        try Self.writeAtomically(Array(key.pkcs8PEM().utf8), to: pemPath, mode: 0o600, overwrite: overwrite)
        let json = JSONWriter.string(.object(key.publicKey.publicParts(name: name)), style: .pretty) + "\n"
        try Self.writeAtomically(Array(json.utf8), to: pubPath, mode: publicPartsMode, overwrite: true)
    }

    /// Loads `NAME.pem`, refusing it when group or others can read or write it.
    public func load(_ name: String) throws(KeyError) -> PrivateKey {
        try Self.validate(name: name)
        let path = privateKeyPath(name)
        let text = try Self.readPrivateKeyFile(path)
        do {
            return try PrivateKey(pem: text)
        } catch {
            throw KeyError(error.code, error.message, location: path)
        }
    }

    /// Loads the public key: from `NAME.pub.json` when present (no private key access needed),
    /// else derived from `NAME.pem`.
    ///
    /// A `NAME.pub.json` whose `publicKeyMultibase` disagrees with its `publicKeyJwk` is refused.
    public func loadPublic(_ name: String) throws(KeyError) -> PublicKey {
        try Self.validate(name: name)
        let path = publicPartsPath(name)
        guard FileManager.default.fileExists(atPath: path) else {
            guard FileManager.default.fileExists(atPath: privateKeyPath(name)) else {
                throw KeyError(.keyNotFound, "no key named \"\(name)\" in \(directory.path)", location: path)
            }
            return try load(name).publicKey
        }
        let bytes = try Self.readFile(path, descriptor: nil)
        let object: JSONObject
        do {
            guard let parsed = try JSONParser.parse(bytes).objectValue else {
                throw KeyError(.invalidJWK, "public parts file is not a JSON object", location: path)
            }
            object = parsed
        } catch let error as KeyError {
            throw error
        } catch {
            throw KeyError(.invalidJWK, "public parts file is not valid JSON: \(error)", location: path)
        }
        guard let jwk = object["publicKeyJwk"]?.objectValue else {
            throw KeyError(.invalidJWK, "public parts file has no \"publicKeyJwk\" object", location: path)
        }
        let key: PublicKey
        do { key = try PublicKey(jwk: jwk) } catch {
            throw KeyError(error.code, error.message, location: "\(path): publicKeyJwk")
        }
        if let mb = object["publicKeyMultibase"]?.stringValue, (try? key.publicKeyMultibase()) != mb {
            throw KeyError(.invalidMultikey, "\"publicKeyMultibase\" does not match \"publicKeyJwk\"", location: path)
        }
        return key
    }

    /// The names of the keys in the store (from their `.pem` files), sorted.
    public func names() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".pem") }.map { String($0.dropLast(4)) }.sorted()
    }

    // MARK: File primitives

    private func createDirectory() throws(KeyError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw KeyError(.fileError, "not a directory", location: directory.path)
            }
            return
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw KeyError(.fileError, "cannot create the key directory", location: directory.path)
        }
    }

    /// Writes through a temporary file created with the final mode, then renames (overwrite) or
    /// hard-links (no overwrite, which fails atomically if the target appeared meanwhile).
    public static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t, overwrite: Bool) throws(KeyError) {
        let directory = (path as NSString).deletingLastPathComponent
        let base = (path as NSString).lastPathComponent
        let temp = (directory.isEmpty ? "." : directory) + "/." + base + ".tmp-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else {
            throw KeyError(.fileError, "cannot create file: \(String(cString: strerror(errno)))", location: path)
        }
        var ok = true
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    ok = false
                    return
                }
                offset += written
            }
        }
        // umask may have narrowed the mode; it can only remove bits, never add them, so a
        // private key stays 0600 or stricter. Public files get their intended mode.
        if ok && mode != 0o600 { ok = fchmod(fd, mode) == 0 }
        if ok { ok = fsync(fd) == 0 }
        close(fd)
        guard ok else {
            unlink(temp)
            throw KeyError(.fileError, "cannot write file", location: path)
        }
        if overwrite {
            guard rename(temp, path) == 0 else {
                let reason = String(cString: strerror(errno))
                unlink(temp)
                throw KeyError(.fileError, "cannot move the file into place: \(reason)", location: path)
            }
        } else {
            let linked = link(temp, path)
            let code = errno
            unlink(temp)
            guard linked == 0 else {
                if code == EEXIST {
                    throw KeyError(.keyExists, "file already exists; use --force to replace it", location: path)
                }
                throw KeyError(.fileError, "cannot move the file into place: \(String(cString: strerror(code)))", location: path)
            }
        }
    }

    /// Opens a private key file and checks its mode on the open descriptor, so the check and
    /// the read concern the same file.
    static func readPrivateKeyFile(_ path: String) throws(KeyError) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT {
                throw KeyError(.keyNotFound, "no such key file", location: path)
            }
            throw KeyError(.fileError, "cannot open: \(String(cString: strerror(errno)))", location: path)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw KeyError(.fileError, "cannot stat: \(String(cString: strerror(errno)))", location: path)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw KeyError(.fileError, "not a regular file", location: path)
        }
        let permissions = info.st_mode & 0o777
        if permissions & 0o077 != 0 {
            let octal = String(permissions, radix: 8)
            throw KeyError(
                .insecurePermissions,
                "private key file is accessible by group or others (mode \(octal.count < 4 ? String(repeating: "0", count: 4 - octal.count) + octal : octal)); "
                    + "restrict it with `chmod 600 \(path)` and check whether the key was exposed",
                location: path
            )
        }
        let bytes = try readFile(path, descriptor: fd)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw KeyError(.invalidPEM, "key file is not UTF-8 text (PEM expected)", location: path)
        }
        return text
    }

    static func readFile(_ path: String, descriptor: Int32?) throws(KeyError) -> [UInt8] {
        let fd = descriptor ?? open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw KeyError(errno == ENOENT ? .keyNotFound : .fileError, "cannot open: \(String(cString: strerror(errno)))", location: path)
        }
        defer { if descriptor == nil { close(fd) } }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw KeyError(.fileError, "cannot read: \(String(cString: strerror(errno)))", location: path)
            }
            if count == 0 { break }
            out.append(contentsOf: buffer[0..<count])
            if out.count > maxFileSize {
                throw KeyError(.fileError, "file is larger than \(maxFileSize) bytes", location: path)
            }
        }
        return out
    }
}
