import Foundation

/// Where a token's PIN comes from: `file:PATH` (the file's first line) or `env:NAME` (an environment variable).
///
/// There is deliberately no way to give the PIN itself: a PIN on the command line is visible to every user in
/// `ps` and stays in shell histories. The PIN is held as bytes, handed to `C_Login`, and never printed: the
/// type's descriptions show only the source.
public struct PINSource: Sendable, Hashable, CustomStringConvertible {
    enum Kind: Hashable { case file(String), environment(String) }
    let kind: Kind

    /// Parses `file:PATH` or `env:NAME`.
    public init(_ text: String) throws(PKCS11Error) {
        if text.hasPrefix("file:") {
            var path = String(text.dropFirst(5))
            // RFC 7512's pin-source is a URI: accept file:///abs/path too.
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            guard !path.isEmpty else { throw PKCS11Error(.pinSource, "--pin-source file: needs a path, e.g. file:/run/secrets/token-pin") }
            kind = .file(path)
        } else if text.hasPrefix("env:") {
            let name = String(text.dropFirst(4))
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw PKCS11Error(.pinSource, "--pin-source env: needs a variable name, e.g. env:SKILLCRED_PIN")
            }
            kind = .environment(name)
        } else {
            // Never echo the text back: someone may have typed the PIN itself here.
            throw PKCS11Error(.pinSource, "--pin-source must be file:PATH or env:NAME (the PIN itself is never given on the command line)")
        }
    }

    /// Reads the PIN: the file's content up to the first line break, or the variable's value.
    public func read() throws(PKCS11Error) -> [UInt8] {
        switch kind {
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw PKCS11Error(.pinSource, "cannot read the PIN file", location: path)
            }
            let bytes = Array(data.prefix { $0 != 0x0A && $0 != 0x0D })
            guard !bytes.isEmpty else { throw PKCS11Error(.pinSource, "the PIN file is empty", location: path) }
            return bytes
        case .environment(let name):
            guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
                throw PKCS11Error(.pinSource, "the environment variable \(name) holding the PIN is not set")
            }
            return Array(value.utf8)
        }
    }

    public var description: String {
        switch kind {
        case .file(let path): return "file:\(path)"
        case .environment(let name): return "env:\(name)"
        }
    }
}
