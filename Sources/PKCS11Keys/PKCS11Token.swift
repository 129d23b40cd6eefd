import CPKCS11
import Dispatch
import Foundation
import Synchronization

/// An open connection to one token: a login and a pool of sessions, shared by every key used from it.
///
/// The user logs in once, on the first session; PKCS#11 makes a login hold for all of an application's
/// sessions with the token for as long as one of them is open, and the pool keeps that first session open for
/// the token's lifetime. Signing takes a session from the pool, so parallel workers each sign in their own
/// session and a batch logs in once, not once per credential. The PIN is used for `C_Login` only and not kept.
public final class PKCS11Token: Sendable {
    /// The module the token is reached through.
    public let module: PKCS11Module
    /// The token's description.
    public let info: PKCS11Module.TokenInfo
    /// Whether sessions are read-write (needed to generate keys or store certificates).
    public let readWrite: Bool
    /// Whether the user logged in (a PIN was given); without it private keys are invisible on most tokens.
    public let loggedIn: Bool

    private let idle = Mutex<[CK_SESSION_HANDLE]>([])
    // Bounds the sessions open at once: tokens have few (a smart card may allow a handful).
    private let available: DispatchSemaphore

    /// Opens the token the URI selects and logs in with `pin` (when given).
    ///
    /// - Parameters:
    ///   - maxSessions: the most sessions open at once (default: one per core plus one).
    /// - Throws: ``PKCS11Error/Code/wrongPIN``, ``PKCS11Error/Code/pinLocked`` and the other login failures;
    ///   ``PKCS11Error/Code/tokenNotFound`` when no token matches.
    public init(
        module: PKCS11Module, uri: PKCS11URI, pin: [UInt8]?, readWrite: Bool = false,
        maxSessions: Int = ProcessInfo.processInfo.activeProcessorCount + 1
    ) throws(PKCS11Error) {
        self.module = module
        self.readWrite = readWrite
        let info = try module.token(matching: uri)
        self.info = info
        let tokenName = "token \"\(info.label)\""
        if info.pinLocked {
            // Checked before trying the PIN: a locked token must not be asked again.
            throw PKCS11Error(
                .pinLocked, "\(tokenName): the user PIN is locked (CKF_USER_PIN_LOCKED) after too many wrong attempts; the security officer must unblock it")
        }
        available = DispatchSemaphore(value: max(1, maxSessions))
        let primary = try Self.openSession(module: module, slot: info.slot, readWrite: readWrite, token: tokenName)
        if var pin {
            // C_Login takes a mutable pointer; this local copy is the only one the token code makes, and it is
            // dropped when the call returns.
            let rv = pin.withUnsafeMutableBufferPointer { buffer in
                module.functions.pointee.C_Login!(primary, CK_USER_TYPE(CKU_USER), buffer.baseAddress, CK_ULONG(buffer.count))
            }
            if rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN {
                _ = module.functions.pointee.C_CloseSession!(primary)
                throw PKCS11Error("C_Login", returned: rv, location: tokenName)
            }
        }
        // Without a PIN only public objects are visible (enough for `keys list`); finding a private key then says
        // that a login is missing.
        loggedIn = pin != nil
        // The login session is the pool's first; the pool never closes sessions, so the login lasts.
        idle.withLock { $0.append(primary) }
    }

    deinit {
        let table = module.functions.pointee
        // Closing the last session also ends the login.
        for session in idle.withLock({ $0 }) { _ = table.C_CloseSession!(session) }
    }

    /// `token "LABEL"`, for messages.
    public var name: String { "token \"\(info.label)\"" }

    private static func openSession(module: PKCS11Module, slot: UInt, readWrite: Bool, token: String) throws(PKCS11Error) -> CK_SESSION_HANDLE {
        var session: CK_SESSION_HANDLE = 0
        let flags = CK_FLAGS(CKF_SERIAL_SESSION) | (readWrite ? CK_FLAGS(CKF_RW_SESSION) : 0)
        let rv = module.functions.pointee.C_OpenSession!(CK_SLOT_ID(slot), flags, nil, nil, &session)
        guard rv == CKR_OK else { throw PKCS11Error("C_OpenSession", returned: rv, location: token) }
        return session
    }

    /// Runs `body` with a session no other thread uses meanwhile; sessions are reused, one per concurrent caller.
    func withSession<T>(_ body: (CK_SESSION_HANDLE) throws(PKCS11Error) -> T) throws(PKCS11Error) -> T {
        available.wait()
        defer { available.signal() }
        let session: CK_SESSION_HANDLE
        if let reused = idle.withLock({ $0.popLast() }) {
            session = reused
        } else {
            session = try Self.openSession(module: module, slot: info.slot, readWrite: readWrite, token: name)
        }
        do {
            let result = try body(session)
            idle.withLock { $0.append(session) }
            return result
        } catch {
            // A session the token has dropped (token pulled out and back, HSM fail-over) is not reused: the next
            // caller opens a fresh one. Any other failure leaves the session usable.
            let dead = ["CKR_SESSION_HANDLE_INVALID", "CKR_SESSION_CLOSED", "CKR_DEVICE_REMOVED", "CKR_TOKEN_NOT_PRESENT"]
            if dead.contains(where: error.message.contains) {
                _ = module.functions.pointee.C_CloseSession!(session)
            } else {
                idle.withLock { $0.append(session) }
            }
            throw error
        }
    }

    // MARK: Objects

    /// A PKCS#11 attribute to match or set: its type and value bytes.
    struct Attribute {
        let type: CK_ATTRIBUTE_TYPE
        let value: [UInt8]

        init(_ type: UInt, bytes: [UInt8]) { self.type = CK_ATTRIBUTE_TYPE(type); self.value = bytes }
        init(_ type: UInt, ulong: UInt) { self.init(type, bytes: withUnsafeBytes(of: CK_ULONG(ulong)) { Array($0) }) }
        init(_ type: UInt, bool: Bool) { self.init(type, bytes: [bool ? 1 : 0]) }
        init(_ type: UInt, text: String) { self.init(type, bytes: Array(text.utf8)) }
    }

    /// Calls `body` with a C array of the attributes; the value buffers live until it returns.
    static func withTemplate<R>(_ attributes: [Attribute], _ body: (UnsafeMutablePointer<CK_ATTRIBUTE>?, CK_ULONG) -> R) -> R {
        let buffers = attributes.map { a -> UnsafeMutableRawBufferPointer in
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, a.value.count), alignment: 8)
            buffer.copyBytes(from: a.value)
            return buffer
        }
        defer { buffers.forEach { $0.deallocate() } }
        var template = zip(attributes, buffers).map { a, b in
            CK_ATTRIBUTE(type: a.type, pValue: b.baseAddress, ulValueLen: CK_ULONG(a.value.count))
        }
        return template.withUnsafeMutableBufferPointer { body($0.baseAddress, CK_ULONG($0.count)) }
    }

    /// The handles of the objects matching all `attributes`.
    func findObjects(_ attributes: [Attribute], session: CK_SESSION_HANDLE) throws(PKCS11Error) -> [CK_OBJECT_HANDLE] {
        let table = module.functions.pointee
        var rv = Self.withTemplate(attributes) { table.C_FindObjectsInit!(session, $0, $1) }
        guard rv == CKR_OK else { throw PKCS11Error("C_FindObjectsInit", returned: rv, location: name) }
        defer { _ = table.C_FindObjectsFinal!(session) }
        var found: [CK_OBJECT_HANDLE] = []
        var batch = [CK_OBJECT_HANDLE](repeating: 0, count: 64)
        while true {
            var count: CK_ULONG = 0
            rv = batch.withUnsafeMutableBufferPointer { table.C_FindObjects!(session, $0.baseAddress, CK_ULONG($0.count), &count) }
            guard rv == CKR_OK else { throw PKCS11Error("C_FindObjects", returned: rv, location: name) }
            if count == 0 { break }
            found += batch.prefix(Int(count))
            // A defensive bound: a token with more objects than this is not a seal token.
            if found.count > 100_000 { break }
        }
        return found
    }

    /// One attribute's value; `nil` when the object has no such attribute or keeps it secret.
    func attribute(_ type: UInt, of object: CK_OBJECT_HANDLE, session: CK_SESSION_HANDLE) throws(PKCS11Error) -> [UInt8]? {
        let table = module.functions.pointee
        var probe = CK_ATTRIBUTE(type: CK_ATTRIBUTE_TYPE(type), pValue: nil, ulValueLen: 0)
        var rv = table.C_GetAttributeValue!(session, object, &probe, 1)
        if rv == CKR_ATTRIBUTE_TYPE_INVALID || rv == CKR_ATTRIBUTE_SENSITIVE { return nil }
        guard rv == CKR_OK else { throw PKCS11Error("C_GetAttributeValue", returned: rv, location: name) }
        if probe.ulValueLen == CK_ULONG.max { return nil }
        var value = [UInt8](repeating: 0, count: Int(probe.ulValueLen))
        rv = value.withUnsafeMutableBytes { buffer in
            var read = CK_ATTRIBUTE(type: CK_ATTRIBUTE_TYPE(type), pValue: buffer.baseAddress, ulValueLen: CK_ULONG(buffer.count))
            return table.C_GetAttributeValue!(session, object, &read, 1)
        }
        guard rv == CKR_OK else { throw PKCS11Error("C_GetAttributeValue", returned: rv, location: name) }
        return value
    }

    /// A `CK_ULONG` attribute (class, key type, modulus bits).
    func ulongAttribute(_ type: UInt, of object: CK_OBJECT_HANDLE, session: CK_SESSION_HANDLE) throws(PKCS11Error) -> UInt? {
        guard let bytes = try attribute(type, of: object, session: session), bytes.count == MemoryLayout<CK_ULONG>.size else { return nil }
        return UInt(bytes.withUnsafeBytes { $0.loadUnaligned(as: CK_ULONG.self) })
    }

    // MARK: Signing

    /// Signs `data` with the key `object` and `mechanism` (with its parameter bytes), returning the token's output.
    func sign(_ data: [UInt8], key object: CK_OBJECT_HANDLE, mechanism: CK_MECHANISM_TYPE, parameter: [UInt8]?) throws(PKCS11Error) -> [UInt8] {
        try withSession { (session) throws(PKCS11Error) -> [UInt8] in
            let table = module.functions.pointee
            var parameterBytes = parameter ?? []
            let rv: CK_RV = parameterBytes.withUnsafeMutableBytes { raw in
                var mechanismValue = CK_MECHANISM(
                    mechanism: mechanism, pParameter: parameter == nil ? nil : raw.baseAddress,
                    ulParameterLen: CK_ULONG(parameter?.count ?? 0))
                return table.C_SignInit!(session, &mechanismValue, object)
            }
            guard rv == CKR_OK else { throw PKCS11Error("C_SignInit", returned: rv, location: name) }
            // One C_Sign with a buffer large enough for RSA-8192 (no length query first): one round trip less to
            // a slow token, and a complete C_Sign always ends the operation, so the session is free again.
            var signature = [UInt8](repeating: 0, count: 1024)
            var length = CK_ULONG(signature.count)
            var input = data
            let signed = input.withUnsafeMutableBufferPointer { inBuffer in
                signature.withUnsafeMutableBufferPointer { outBuffer in
                    table.C_Sign!(session, inBuffer.baseAddress, CK_ULONG(inBuffer.count), outBuffer.baseAddress, &length)
                }
            }
            guard signed == CKR_OK else { throw PKCS11Error("C_Sign", returned: signed, location: name) }
            return Array(signature.prefix(Int(length)))
        }
    }
}
