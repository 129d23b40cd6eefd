import CredentialJSON
import DIDResolution
import DataIntegrity  // ControllerDocumentResolver: documents supplied with a request
import Dispatch
import Foundation
import KeyManagement

/// Answers every did:web fetch with the fuzzer's bytes: the resolver's HTTPS path without a network.
struct FixedFetcher: DIDWebFetcher {
    let bytes: [UInt8]
    func fetch(_ url: URL, maxBytes: Int, timeout: Double) throws(DIDError) -> [UInt8] { bytes }
}

func absolute(_ s: String) -> Bool {
    guard let colon = s.firstIndex(of: ":"), colon != s.startIndex else { return false }
    return s[..<colon].allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }
}

/// What VerificationMethodResolver must decide for a method of a document resolved for its own DID.
func shouldResolve(_ m: VerificationMethod, in d: DIDDocument, for r: VerificationRelationship) -> Bool {
    guard m.id.hasPrefix("did:"), let hash = m.id.firstIndex(of: "#"), m.id.index(after: hash) != m.id.endIndex,
        String(m.id[..<hash]) == d.id
    else { return false }
    return m.controller == d.id && d.authorizes(m.id, for: r)
}

/// A key's other forms must give the same key back: JWK, Multikey, did:key, did:jwk.
func checkKeyForms(_ key: PublicKey, _ context: String) async {
    guard (try? PublicKey(jwk: key.jwk)) == key else { fatalError("\(context): the key's JWK does not read back to it") }
    if let didJWK = try? await DIDJWKResolver().resolve(DIDJWKResolver.did(for: key)) {
        guard didJWK.verificationMethods.count == 1, (try? didJWK.verificationMethods[0].publicKey()) == key else {
            fatalError("\(context): did:jwk of the key resolves to another key")
        }
    } else {
        fatalError("\(context): the did:jwk of a usable key does not resolve")
    }
    guard let multibase = try? key.publicKeyMultibase() else { return }  // RSA has no Multikey form
    guard (try? PublicKey(multibase: multibase)) == key else { fatalError("\(context): the Multikey \(multibase) reads back to another key") }
    guard let didKey = try? await DIDKeyResolver().resolve("did:key:" + multibase),
        (try? didKey.verificationMethods.first?.publicKey()) == key,
        didKey.authorizes("did:key:\(multibase)#\(multibase)", for: .assertionMethod)
    else {
        fatalError("\(context): did:key:\(multibase) does not resolve to the key")
    }
}

/// The invariants of a DID document that was read successfully.
func checkDocument(_ d: DIDDocument) async {
    guard d.id.hasPrefix("did:") else { fatalError("document id \(d.id) is not a DID") }
    var ids = Set<String>()
    for m in d.verificationMethods {
        guard ids.insert(m.id).inserted else { fatalError("method id \(m.id) twice") }
        guard absolute(m.id), absolute(m.controller) else { fatalError("method \(m.id) / controller \(m.controller) not absolute") }
        guard d.verificationMethod(id: m.id) == m else { fatalError("verificationMethod(id: \(m.id)) does not find it") }
    }
    for (r, list) in d.relationships {
        for id in list where !absolute(id) { fatalError("\(r) lists a relative id \(id)") }
        for m in d.verificationMethods(for: r) where !ids.contains(m.id) { fatalError("\(r) yields an unknown method \(m.id)") }
    }
    // Reading the document's JSON again, directly or written out and parsed, gives the same document.
    guard (try? DIDDocument(json: d.json)) == d else { fatalError("DIDDocument(json:) is not deterministic for \(d.id)") }
    let written = JSONWriter.data(.object(d.json))
    guard let reparsed = try? JSONParser.parse(written).objectValue, (try? DIDDocument(json: reparsed)) == d else {
        fatalError("the document written as JSON does not read back: \(String(decoding: written, as: UTF8.self))")
    }
    // Binding: VerificationMethodResolver accepts a method exactly when the rules say so, with the method's key.
    let binder = VerificationMethodResolver(resolver: ControllerDocumentResolver([d]))
    for m in d.verificationMethods {
        let key = try? m.publicKey()
        if let key { await checkKeyForms(key, m.id) }
        for r in VerificationRelationship.allCases {
            let expected = key != nil && shouldResolve(m, in: d, for: r)
            do {
                let resolved = try await binder.resolve(m.id, relationship: r, expectedController: nil)
                guard expected, resolved.method == m, resolved.publicKey == key, resolved.document == d else {
                    fatalError("\(m.id) resolved for \(r), expected \(expected ? "its own key" : "a refusal")")
                }
            } catch {
                guard !expected else { fatalError("\(m.id) refused for \(r): \(error)") }
            }
        }
    }
}

/// DID handling without a network. Input starting with `did:` is a DID: its did:web path must stay inside the
/// mirror directory (no empty, `.` or `..` segment, no absolute path), and did:key / did:jwk documents must hold a
/// key whose forms all read back. Anything else is the body of a fetched `did.json`, read through DIDWebResolver
/// (HTTPS enabled, the fetch answered with the input) for the document's own did:web id, else `did:web:example.com`;
/// a document that is read must keep the invariants in `checkDocument` and agree with DIDDocument(json:).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDIDDocument(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // Resolution is async (a did:web fetch may wait); run each input to completion.
    let done = DispatchSemaphore(value: 0)
    Task {
        await check(bytes)
        done.signal()
    }
    done.wait()
    return 0
}

func check(_ bytes: [UInt8]) async {
    if bytes.starts(with: Array("did:".utf8)) {
        guard let did = String(validating: bytes, as: UTF8.self) else { return }
        if let path = try? DIDWebResolver.relativePath(for: did) {
            let segments = path.split(separator: "/", omittingEmptySubsequences: false)
            guard !path.hasPrefix("/"), segments.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." && !$0.contains("\0") && !$0.contains("\\") }) else {
                fatalError("did:web \(did) maps to the unsafe path \(path)")
            }
            if let url = try? DIDWebResolver.httpsURL(for: did) {
                guard url.scheme == "https", let host = url.host, !host.isEmpty else { fatalError("did:web \(did) maps to \(url)") }
            }
        }
        if let document = try? await MultiMethodDIDResolver.offline.resolve(did) {
            guard document.id == did else { fatalError("\(did) resolved to a document for \(document.id)") }
            await checkDocument(document)
            guard let key = try? document.verificationMethods.first?.publicKey() else { fatalError("\(did) resolved without a usable key") }
            if did.hasPrefix("did:key:"), (try? DIDKeyResolver.document(for: key)) != document {
                fatalError("\(did) is not the did:key document of its own key")
            }
        }
        return
    }
    let object = (try? JSONParser.parse(bytes))?.objectValue
    let ownID = object?["id"]?.stringValue
    let did = ownID.flatMap { (try? DIDWebResolver.relativePath(for: $0)) != nil ? $0 : nil } ?? "did:web:example.com"
    let resolver = DIDWebResolver(directory: nil, allowHTTPS: true, fetcher: FixedFetcher(bytes: bytes), cache: DIDDocumentCache())
    let direct = object.flatMap { try? DIDDocument(json: $0) }
    do {
        let document = try await resolver.resolve(did)
        guard document.id == did, document == direct else { fatalError("did:web read \(document.id) for \(did), DIDDocument(json:) disagrees") }
        await checkDocument(document)
    } catch {
        if let direct {
            // Only the id check may refuse what DIDDocument(json:) accepts (or a DID with no HTTPS URL).
            guard error.code == .documentIDMismatch && direct.id != did || (try? DIDWebResolver.httpsURL(for: did)) == nil else {
                fatalError("did:web refused a document DIDDocument(json:) reads: \(error)")
            }
            await checkDocument(direct)
        }
    }
}
