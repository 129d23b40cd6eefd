import CPKCS11
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A PKCS#11 module (the vendor's `.so`), loaded at run time with `dlopen` and initialised once per process.
///
/// Modules are kept loaded for the life of the process and never finalised: many modules do not survive being
/// unloaded, and `C_Initialize` may be called only once per process. ``load(path:)`` therefore hands out one shared
/// instance per file.
public final class PKCS11Module: Sendable {
    /// The module's file, as given.
    public let path: String
    // The function list belongs to the module and lives as long as the process; the module (with
    // CKF_OS_LOCKING_OK) is responsible for its own thread safety.
    nonisolated(unsafe) let functions: UnsafeMutablePointer<CK_FUNCTION_LIST>

    private static let loaded = Mutex<[String: PKCS11Module]>([:])

    private init(path: String, functions: UnsafeMutablePointer<CK_FUNCTION_LIST>) {
        self.path = path
        self.functions = functions
    }

    /// Loads and initialises the module at `path`, or returns the instance this process already loaded.
    ///
    /// - Throws: ``PKCS11Error/Code/moduleNotFound`` when the file is missing, ``PKCS11Error/Code/notAPKCS11Module``
    ///   when it is not a shared library or exports no `C_GetFunctionList`, ``PKCS11Error/Code/moduleFailed`` when
    ///   `C_Initialize` fails.
    public static func load(path: String) throws(PKCS11Error) -> PKCS11Module {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw PKCS11Error(
                .moduleNotFound, "no PKCS#11 module at this path (Debian's SoftHSM: /usr/lib/softhsm/libsofthsm2.so; see docs/pkcs11.md)", location: path)
        }
        let key = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        return try loaded.withLock { (modules) throws(PKCS11Error) -> PKCS11Module in
            if let module = modules[key] { return module }
            let module = try open(path: path)
            modules[key] = module
            return module
        }
    }

    private static func open(path: String) throws(PKCS11Error) -> PKCS11Module {
        // RTLD_LOCAL: the module's symbols must not satisfy other libraries' (it may bundle its own OpenSSL).
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "dlopen failed"
            throw PKCS11Error(.notAPKCS11Module, "not a loadable shared library: \(reason.replacingOccurrences(of: path + ": ", with: ""))", location: path)
        }
        guard let symbol = dlsym(handle, "C_GetFunctionList") else {
            dlclose(handle)
            throw PKCS11Error(.notAPKCS11Module, "a shared library without C_GetFunctionList: not a PKCS#11 module", location: path)
        }
        typealias GetFunctionList = @convention(c) (UnsafeMutablePointer<UnsafeMutablePointer<CK_FUNCTION_LIST>?>?) -> CK_RV
        let getFunctionList = unsafeBitCast(symbol, to: GetFunctionList.self)
        var list: UnsafeMutablePointer<CK_FUNCTION_LIST>?
        let rv = getFunctionList(&list)
        guard rv == CKR_OK, let list else {
            throw PKCS11Error("C_GetFunctionList", returned: rv, location: path)
        }
        guard list.pointee.version.major == 2, let initialize = list.pointee.C_Initialize else {
            throw PKCS11Error(
                .notAPKCS11Module, "the module implements Cryptoki \(list.pointee.version.major).\(list.pointee.version.minor); skillcred needs 2.x",
                location: path)
        }
        // The OS's locking: signing runs on several threads at once.
        var args = CK_C_INITIALIZE_ARGS()
        args.flags = CK_FLAGS(CKF_OS_LOCKING_OK)
        let initialized = withUnsafeMutablePointer(to: &args) { initialize(UnsafeMutableRawPointer($0)) }
        // Another library in this process (e.g. a p11-kit proxy user) may have initialised it already.
        guard initialized == CKR_OK || initialized == CKR_CRYPTOKI_ALREADY_INITIALIZED else {
            throw PKCS11Error("C_Initialize", returned: initialized, location: path)
        }
        return PKCS11Module(path: path, functions: list)
    }

    /// A token as `C_GetTokenInfo` describes it.
    public struct TokenInfo: Sendable, Hashable {
        /// The slot holding it.
        public let slot: UInt
        /// `label`, trailing blanks removed.
        public let label: String
        public let manufacturer: String
        public let model: String
        public let serial: String
        /// `CKF_LOGIN_REQUIRED`.
        public let loginRequired: Bool
        /// `CKF_USER_PIN_LOCKED`.
        public let pinLocked: Bool
        /// `CKF_TOKEN_INITIALIZED`.
        public let initialized: Bool
    }

    /// The tokens present in the module's slots.
    public func tokens() throws(PKCS11Error) -> [TokenInfo] {
        let table = functions.pointee
        var count: CK_ULONG = 0
        var rv = table.C_GetSlotList(CK_BBOOL(CK_TRUE), nil, &count)
        guard rv == CKR_OK else { throw PKCS11Error("C_GetSlotList", returned: rv, location: path) }
        var slots = [CK_SLOT_ID](repeating: 0, count: Int(count))
        rv = slots.withUnsafeMutableBufferPointer { table.C_GetSlotList(CK_BBOOL(CK_TRUE), $0.baseAddress, &count) }
        guard rv == CKR_OK else { throw PKCS11Error("C_GetSlotList", returned: rv, location: path) }
        var tokens: [TokenInfo] = []
        for slot in slots.prefix(Int(count)) {
            var info = CK_TOKEN_INFO()
            let result = table.C_GetTokenInfo(slot, &info)
            // A token pulled out between the two calls is simply not listed.
            if result == CKR_TOKEN_NOT_PRESENT || result == CKR_TOKEN_NOT_RECOGNIZED { continue }
            guard result == CKR_OK else { throw PKCS11Error("C_GetTokenInfo", returned: result, location: path) }
            tokens.append(
                TokenInfo(
                    slot: UInt(slot), label: Self.blankPadded(info.label), manufacturer: Self.blankPadded(info.manufacturerID),
                    model: Self.blankPadded(info.model), serial: Self.blankPadded(info.serialNumber),
                    loginRequired: info.flags & CK_FLAGS(CKF_LOGIN_REQUIRED) != 0,
                    pinLocked: info.flags & CK_FLAGS(CKF_USER_PIN_LOCKED) != 0,
                    initialized: info.flags & CK_FLAGS(CKF_TOKEN_INITIALIZED) != 0))
        }
        return tokens
    }

    /// The token the URI's token attributes select: exactly one must match.
    public func token(matching uri: PKCS11URI) throws(PKCS11Error) -> TokenInfo {
        // An empty slot SoftHSM (and some readers) offer for initialisation holds no keys: never pick it.
        let all = try tokens().filter(\.initialized)
        let matching = all.filter { t in
            (uri.token.map { $0 == t.label } ?? true) && (uri.manufacturer.map { $0 == t.manufacturer } ?? true)
                && (uri.serial.map { $0 == t.serial } ?? true) && (uri.model.map { $0 == t.model } ?? true)
                && (uri.slotID.map { $0 == t.slot } ?? true)
        }
        let labels = all.map { "\"\($0.label)\"" }.joined(separator: ", ")
        guard let first = matching.first else {
            throw PKCS11Error(
                .tokenNotFound,
                all.isEmpty
                    ? "no token is present in any slot of the module"
                    : "no token matches \(uri.token.map { "token=\($0)" } ?? "the URI") (tokens present: \(labels))", location: path)
        }
        guard matching.count == 1 else {
            throw PKCS11Error(.ambiguousToken, "\(matching.count) tokens match the URI (\(labels)); add token=LABEL or serial=…", location: path)
        }
        return first
    }

    /// Whether the token in `slot` offers `mechanism` for signing: listed by `C_GetMechanismList` (which honours a
    /// token's mechanism policy, where `C_GetMechanismInfo` alone may not) with `CKF_SIGN`.
    func supportsSigning(_ mechanism: CK_MECHANISM_TYPE, slot: UInt) -> Bool {
        let table = functions.pointee
        var count: CK_ULONG = 0
        guard table.C_GetMechanismList!(CK_SLOT_ID(slot), nil, &count) == CKR_OK else { return false }
        var list = [CK_MECHANISM_TYPE](repeating: 0, count: Int(count))
        let rv = list.withUnsafeMutableBufferPointer { table.C_GetMechanismList!(CK_SLOT_ID(slot), $0.baseAddress, &count) }
        guard rv == CKR_OK, list.prefix(Int(count)).contains(mechanism) else { return false }
        var info = CK_MECHANISM_INFO()
        guard functions.pointee.C_GetMechanismInfo(CK_SLOT_ID(slot), mechanism, &info) == CKR_OK else { return false }
        return info.flags & CK_FLAGS(CKF_SIGN) != 0
    }

    /// A fixed-size blank-padded CK_UTF8CHAR field as a string.
    static func blankPadded<T>(_ field: T) -> String {
        withUnsafeBytes(of: field) { raw in
            var bytes = Array(raw)
            while let last = bytes.last, last == 0x20 || last == 0 { bytes.removeLast() }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
