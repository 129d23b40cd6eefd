import CredentialVerification
import DataIntegrity
import Dispatch
import Foundation
import Multiformats

// did:key and did:jwk only (no did:web directory): no files, no network. A fixed clock keeps runs reproducible.
let resolver = DIDVerificationMethodResolver()
let now = Date(timeIntervalSince1970: 1_780_000_000)  // 2026-05-28
let plain: JWTVerifier = {
    var v = JWTVerifier(resolver: resolver)
    v.now = now
    return v
}()
// A verifier that asked for a challenge and a domain, so a presentation's nonce and aud are checked too.
let challenged: JWTVerifier = {
    var v = plain
    v.challenge = "fuzz-challenge"
    v.domain = ["verifier.example"]
    return v
}()
let verbose = ProcessInfo.processInfo.environment["FUZZ_VERBOSE"] != nil

final class Box<T>: @unchecked Sendable { var value: T? }

/// Runs async work to completion from libFuzzer's synchronous callback.
func blocking<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
    let box = Box<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        box.value = await body()
        done.signal()
    }
    done.wait()
    return box.value!
}

func verify(_ verifier: JWTVerifier, _ token: String) -> JWTVerification {
    blocking { await verifier.verify(token) }
}

/// The token with one part replaced by the base64url of `bytes`.
func replacing(_ parts: [Substring], _ index: Int, with bytes: [UInt8]) -> String {
    var p = parts.map(String.init)
    p[index] = Base64URL.encode(bytes)
    return p.joined(separator: ".")
}

/// Input detection as the verifier does it (a compact JWS, or JSON holding `EnvelopedVerifiableCredential`s), then
/// JWTVerifier on each token, with and without a required challenge and domain. Checked:
/// - an enveloped-JWT item carries its token, and its document is exactly the token's claims;
/// - a failure carries no "verified" details; a success has an allowed `alg` (never `none`), a `kid` and one detail;
/// - a verified token stops verifying when the signature, the header bytes or the payload bytes change, even when
///   the change keeps the JSON's meaning (a space appended): the signature covers bytes, not parsed claims.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJWT(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for item in InputDetector.detect(bytes, source: "fuzz") where item.kind == .envelopedJWT {
        guard let token = item.compactJWS else { fatalError("an envelopedJWT item without its token: \(item.source)") }
        guard item.document == JWTVerifier.claims(token) else { fatalError("the detected document is not the token's claims: \(token)") }
        for verifier in [plain, challenged] {
            let result = verify(verifier, token)
            if verbose {
                FileHandle.standardError.write(
                    Data(
                        "\(item.source) challenge=\(verifier.challenge != nil): \(result.errors.isEmpty ? "verified \(result.details)" : result.errors.map(\.detail).joined(separator: "; "))\n"
                            .utf8))
            }
            guard result.errors.isEmpty else {
                guard result.details.isEmpty else { fatalError("a failed JWS has details \(result.details): \(token)") }
                continue
            }
            guard let alg = result.algorithm, JWTVerifier.allowedAlgorithms.contains(alg) else {
                fatalError("verified with algorithm \(result.algorithm ?? "(none)"): \(token)")
            }
            guard result.keyID != nil, result.details.count == 1 else { fatalError("verified without a key id or detail: \(token)") }
            let parts = token.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 3, let header = try? Base64URL.decode(String(parts[0])), let payload = try? Base64URL.decode(String(parts[1])),
                var signature = try? Base64URL.decode(String(parts[2])), !signature.isEmpty
            else {
                fatalError("verified a token that is not three base64url parts: \(token)")
            }
            signature[signature.count / 2] ^= 0x01
            let tampered = [
                ("signature", replacing(parts, 2, with: signature)),
                ("header + space", replacing(parts, 0, with: header + [0x20])),
                ("payload + space", replacing(parts, 1, with: payload + [0x20])),
            ]
            for (what, changed) in tampered where verify(verifier, changed).errors.isEmpty {
                fatalError("still verifies after changing the \(what): \(changed)")
            }
        }
    }
    return 0
}
