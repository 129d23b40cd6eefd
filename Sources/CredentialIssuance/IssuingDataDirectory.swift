import CredentialJSON
import Foundation
import JAdES
import KeyManagement

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The issuing material in a data directory: the issuer keys and the e-seal `skillcred serve` issues with, and that
/// `skillcred issue`, `seal` and `status publish` use when no key is named.
///
/// What is missing is made at first use — an issuer key, or a demo e-seal (``DemoSeal``: its own demo CA, whose key
/// is discarded at once, and a seal certificate and key) — and reused on later runs. Nothing of it is committed
/// anywhere: each clone, machine and test makes its own. Every file made here is mode 0600 and every folder 0700,
/// whatever the umask:
///
/// | path | what |
/// |---|---|
/// | `keys/issuer.pem`, `keys/issuer.pub.json` | the Ed25519 issuer key (a did:key issuer) |
/// | `keys/issuer-p256.pem` | the service's P-256 issuer key (ECDSA suites) |
/// | `keys/seal.pem` | the e-seal's private key |
/// | `seal/seal-cert.pem` | the seal certificate chain, seal certificate first |
/// | `seal/demo-ca.pem` | the demo CA certificate, only beside a demo seal (delete it when installing a real seal) |
public struct IssuingDataDirectory: Sendable {
    /// The data directory.
    public let url: URL

    /// The name of the Ed25519 issuer key in `keys/`.
    public static let issuerKeyName = "issuer"
    /// The name of the P-256 issuer key (ECDSA suites) in `keys/`.
    public static let ecdsaKeyName = "issuer-p256"
    /// The name of the e-seal's private key in `keys/`.
    public static let sealKeyName = "seal"
    /// The folder of the seal certificate chain and the demo CA.
    public static let sealFolderName = "seal"
    /// The seal certificate chain (seal certificate first), in `seal/`.
    public static let sealChainFile = "seal-cert.pem"
    /// The demo CA certificate, in `seal/`.
    public static let demoCAFile = "demo-ca.pem"

    /// A data directory at `url` (nothing is created until something is missing).
    public init(_ url: URL) {
        self.url = url
    }

    /// The key store `DATA_DIR/keys`.
    public var keys: KeyStore { KeyStore(directory: url.appendingPathComponent("keys")) }
    /// `DATA_DIR/seal`.
    public var sealFolder: URL { url.appendingPathComponent(Self.sealFolderName) }
    /// `DATA_DIR/seal/seal-cert.pem`.
    public var sealChainURL: URL { sealFolder.appendingPathComponent(Self.sealChainFile) }
    /// `DATA_DIR/seal/demo-ca.pem`.
    public var demoCAURL: URL { sealFolder.appendingPathComponent(Self.demoCAFile) }
    /// `DATA_DIR/keys/seal.pem`.
    public var sealKeyPath: String { keys.privateKeyPath(Self.sealKeyName) }

    /// A key of the data directory.
    public struct Key: Sendable {
        /// The private key.
        public let key: PrivateKey
        /// Its file, `DATA_DIR/keys/NAME.pem`.
        public let path: String
        /// Whether this call made it.
        public let created: Bool
    }

    /// The e-seal of the data directory.
    public struct Seal: Sendable {
        /// A sealer over the key and chain.
        public let sealer: JAdESSealer
        /// The private key's file.
        public let keyPath: String
        /// The chain's file.
        public let chainURL: URL
        /// The demo CA certificate's file, when there is one beside the chain.
        public let demoCAURL: URL?
        /// The demo material, when this call made it (the seal certificate's subject says who it claims to be).
        public let created: DemoSeal.Material?
    }

    /// The key `NAME` (Ed25519, P-256, …), made now when the data directory has none.
    public func loadOrCreateKey(_ name: String, type: KeyType) throws(DataDirectoryError) -> Key {
        let store = keys
        let path = store.privateKeyPath(name)
        if !store.contains(name) {
            let created: PrivateKey? = try withCreationLock { () throws(DataDirectoryError) -> PrivateKey? in
                // Another process may have made it while this one waited for the lock.
                guard !store.contains(name) else { return nil }
                do throws(KeyError) {
                    let key = try PrivateKey.generate(type)
                    try store.save(key, name: name, publicPartsMode: 0o600)
                    return key
                } catch {
                    throw DataDirectoryError(.key, error.message, location: error.location ?? path)
                }
            }
            if let created { return Key(key: created, path: path, created: true) }
        }
        do {
            return Key(key: try store.load(name), path: path, created: false)
        } catch {
            throw DataDirectoryError(.key, error.message, location: error.location ?? path)
        }
    }

    /// The key `NAME`, when the data directory has it; nothing is made.
    public func existingKey(_ name: String) throws(DataDirectoryError) -> Key? {
        let store = keys
        guard store.contains(name) else { return nil }
        do {
            return Key(key: try store.load(name), path: store.privateKeyPath(name), created: false)
        } catch {
            throw DataDirectoryError(.key, error.message, location: error.location ?? store.privateKeyPath(name))
        }
    }

    /// The e-seal: `keys/seal.pem` with `seal/seal-cert.pem`, a demo one made now when neither exists.
    ///
    /// Half a seal (a key without its chain, or a chain without its key) is refused rather than replaced, so an
    /// operator's real seal is never overwritten by a demo one.
    public func loadOrCreateSeal(now: Date = Date()) throws(DataDirectoryError) -> Seal {
        var created: DemoSeal.Material?
        if try !sealIsComplete() {
            created = try withCreationLock { () throws(DataDirectoryError) -> DemoSeal.Material? in
                guard try !sealIsComplete() else { return nil }
                let demo: DemoSeal.Material
                do { demo = try DemoSeal.make(now: now) } catch {
                    throw DataDirectoryError(.fileError, "cannot make the demo seal: \(error)", location: sealChainURL.path)
                }
                try Self.makeDirectory(sealFolder)
                do throws(KeyError) {
                    try keys.save(demo.sealKey, name: Self.sealKeyName, publicPartsMode: 0o600)
                    try KeyStore.writeAtomically(Array(demo.caPEM.utf8), to: demoCAURL.path, mode: 0o600, overwrite: true)
                    // The chain last: with it the seal is complete.
                    try KeyStore.writeAtomically(Array(demo.chainPEM.utf8), to: sealChainURL.path, mode: 0o600, overwrite: true)
                } catch {
                    throw DataDirectoryError(.fileError, error.message, location: error.location ?? sealChainURL.path)
                }
                return demo
            }
        }
        let key: PrivateKey
        do { key = try keys.load(Self.sealKeyName) } catch {
            throw DataDirectoryError(.key, error.message, location: error.location ?? sealKeyPath)
        }
        guard let data = FileManager.default.contents(atPath: sealChainURL.path) else {
            throw DataDirectoryError(.unreadableSeal, "cannot read the seal certificate chain", location: sealChainURL.path)
        }
        guard let chain = String(data: data, encoding: .utf8) else {
            throw DataDirectoryError(.unreadableSeal, "not UTF-8 PEM text", location: sealChainURL.path)
        }
        let sealer: JAdESSealer
        do { sealer = try JAdESSealer(privateKeyPEM: key.pkcs8PEM(), certificateChainPEM: chain) } catch {
            throw DataDirectoryError(.unreadableSeal, error.message, location: error.code == .invalidKey ? sealKeyPath : sealChainURL.path)
        }
        let ca = FileManager.default.fileExists(atPath: demoCAURL.path) ? demoCAURL : nil
        return Seal(sealer: sealer, keyPath: sealKeyPath, chainURL: sealChainURL, demoCAURL: ca, created: created)
    }

    /// Whether both halves of the seal exist; `false` when neither does; half a seal is an error.
    private func sealIsComplete() throws(DataDirectoryError) -> Bool {
        switch (FileManager.default.fileExists(atPath: sealChainURL.path), keys.contains(Self.sealKeyName)) {
        case (false, false):
            return false
        case (true, false):
            throw DataDirectoryError(
                .incompleteSeal,
                "the seal certificate chain exists but the seal key \(sealKeyPath) does not; add the key, or remove the chain to get a demo seal",
                location: sealChainURL.path)
        case (false, true):
            throw DataDirectoryError(
                .incompleteSeal,
                "the seal key exists but its certificate chain \(sealChainURL.path) does not; add the chain, or remove the key to get a demo seal",
                location: sealKeyPath)
        case (true, true):
            return true
        }
    }

    /// Runs `body` holding an exclusive lock on `DATA_DIR/.skillcred-lock`, so two processes starting at once (two
    /// CLI runs, the CLI and the service) make one set of material, not two halves of different ones.
    private func withCreationLock<T>(_ body: () throws(DataDirectoryError) -> T) throws(DataDirectoryError) -> T {
        try Self.makeDirectory(url)
        let path = url.appendingPathComponent(".skillcred-lock").path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw DataDirectoryError(.fileError, "cannot open the lock file: \(String(cString: strerror(errno)))", location: path)
        }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw DataDirectoryError(.fileError, "cannot lock: \(String(cString: strerror(errno)))", location: path)
            }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }

    /// Creates a folder (and its parents) with mode 0700 when missing; an existing one is left as it is.
    static func makeDirectory(_ folder: URL) throws(DataDirectoryError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw DataDirectoryError(.fileError, "not a directory", location: folder.path) }
            return
        }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw DataDirectoryError(.fileError, "cannot create the folder: \(error.localizedDescription)", location: folder.path)
        }
    }
}

/// A data directory whose issuing material cannot be used as it is.
public typealias DataDirectoryError = LocatedError<DataDirectoryErrors>

/// The codes of ``DataDirectoryError``.
public enum DataDirectoryErrors: ErrorDomain {}

extension LocatedError.Code where Domain == DataDirectoryErrors {
    /// The seal certificate chain exists without the seal key, or the key without the chain.
    public static var incompleteSeal: Self { Self(name: "incompleteSeal") }
    /// The seal certificate chain cannot be read, or does not fit the key.
    public static var unreadableSeal: Self { Self(name: "unreadableSeal") }
    /// A key cannot be made or loaded (its file's mode, its PEM).
    public static var key: Self { Self(name: "key") }
    /// A file or folder cannot be made.
    public static var fileError: Self { Self(name: "fileError") }
}
