import CredentialJSON
import Crypto
import Foundation
import JAdES
import SwiftASN1
import TestSupport
import Testing
import X509

// RFC 3161 time-stamp tokens: tokens made by Debian's `openssl ts` at test time, the EU samples' sigTst
// tokens, and the sigTst round trip through a JAdES seal.

/// `/usr/bin/openssl`, or nil. Under `SKILLCRED_REQUIRE_SHARED=1` a missing openssl is a test failure, not a skip.
func requireOpenSSL(sourceLocation: SourceLocation = #_sourceLocation) -> URL? {
    let url = URL(fileURLWithPath: "/usr/bin/openssl")
    if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    if SharedData.isRequired {
        Issue.record("/usr/bin/openssl is missing but SKILLCRED_REQUIRE_SHARED=1", sourceLocation: sourceLocation)
    } else {
        print("SKIPPED: /usr/bin/openssl not found")
    }
    return nil
}

/// Runs openssl in `directory`; throws with its output when it fails.
@discardableResult
func opensslRun(_ openssl: URL, _ arguments: [String], in directory: URL) throws -> String {
    try ExternalTool.run(openssl, arguments, in: directory)
}

/// A throwaway time-stamping authority made with openssl in a temporary folder: a root CA and a TSA
/// certificate (critical EKU timeStamping, keyUsage digitalSignature).
final class OpenSSLTSA: Sendable {
    enum Kind: Sendable { case rsa, ecP256 }

    let openssl: URL
    let dir: URL
    let kind: Kind

    static let config = """
        [ tsa ]
        default_tsa = tsa_config
        [ tsa_config ]
        serial = ./tsaserial
        crypto_device = builtin
        \(TSAConfiguration.commonSettings)
        other_policies = 1.2.3.4.2
        [ tsa_ext ]
        basicConstraints = critical, CA:false
        keyUsage = critical, digitalSignature
        extendedKeyUsage = critical, timeStamping
        subjectKeyIdentifier = hash
        [ plain_ext ]
        basicConstraints = critical, CA:false
        keyUsage = critical, digitalSignature
        subjectKeyIdentifier = hash
        [ ca_ext ]
        basicConstraints = critical, CA:true
        keyUsage = critical, keyCertSign, cRLSign
        subjectKeyIdentifier = hash
        [ ca ]
        default_ca = ca_default
        [ ca_default ]
        database = ./index.txt
        new_certs_dir = .
        serial = ./caserial
        default_md = sha256
        policy = policy_any
        unique_subject = no
        [ policy_any ]
        commonName = supplied

        """

    /// Makes the CA and TSA; nil when openssl is absent (after recording a failure when it is required).
    static func make(_ kind: Kind) throws -> OpenSSLTSA? {
        guard let openssl = requireOpenSSL() else { return nil }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-tsa-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let tsa = OpenSSLTSA(openssl: openssl, dir: dir, kind: kind)
        try Data(config.utf8).write(to: dir.appendingPathComponent("tsa.cnf"))
        try Data("01\n".utf8).write(to: dir.appendingPathComponent("tsaserial"))
        try Data("1000\n".utf8).write(to: dir.appendingPathComponent("caserial"))
        try Data().write(to: dir.appendingPathComponent("index.txt"))
        try tsa.run(
            ["req", "-x509", "-nodes"] + tsa.newKey + [
                "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=Test TSA Root \(kind)",
                "-days", "3", "-config", "tsa.cnf", "-extensions", "ca_ext",
            ])
        try tsa.issue("tsa", subject: "/CN=Test TSA \(kind)", extensions: "tsa_ext")
        return tsa
    }

    private init(openssl: URL, dir: URL, kind: Kind) {
        self.openssl = openssl
        self.dir = dir
        self.kind = kind
    }

    deinit { try? FileManager.default.removeItem(at: dir) }

    var newKey: [String] {
        switch kind {
        case .rsa: return ["-newkey", "rsa:2048"]
        case .ecP256: return ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
        }
    }

    @discardableResult
    func run(_ arguments: [String]) throws -> String { try opensslRun(openssl, arguments, in: dir) }

    func url(_ name: String) -> URL { dir.appendingPathComponent(name) }
    func bytes(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: url(name))) }
    func write(_ bytes: [UInt8], _ name: String) throws { try Data(bytes).write(to: url(name)) }

    /// Issues `NAME.key`/`NAME.pem` from the CA with an extension section of tsa.cnf, optionally with fixed dates.
    func issue(_ name: String, subject: String, extensions: String, dates: (String, String)? = nil) throws {
        try run(["req", "-new", "-nodes"] + newKey + ["-keyout", "\(name).key", "-out", "\(name).csr", "-subj", subject])
        if let (start, end) = dates {
            try run([
                "ca", "-batch", "-config", "tsa.cnf", "-cert", "ca.pem", "-keyfile", "ca.key", "-in", "\(name).csr",
                "-out", "\(name).pem", "-startdate", start, "-enddate", end, "-extfile", "tsa.cnf", "-extensions", extensions, "-notext",
            ])
        } else {
            try run([
                "x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial", "\(Int.random(in: 1000...999_999))",
                "-out", "\(name).pem", "-days", "2", "-extfile", "tsa.cnf", "-extensions", extensions,
            ])
        }
    }

    /// A TimeStampResp for a DER query, signed by `signer` (default: the TSA).
    func reply(query: [UInt8], signer: String = "tsa") throws -> [UInt8] {
        let name = UUID().uuidString
        try write(query, "\(name).tsq")
        try run([
            "ts", "-reply", "-queryfile", "\(name).tsq", "-config", "tsa.cnf", "-inkey", "\(signer).key",
            "-signer", "\(signer).pem", "-chain", "ca.pem", "-out", "\(name).tsr",
        ])
        return try bytes("\(name).tsr")
    }

    /// A time-stamp token over `data` (SHA-256 query with certReq), signed by `signer`.
    func token(over data: [UInt8], signer: String = "tsa") throws -> [UInt8] {
        let name = UUID().uuidString
        try write(data, "\(name).dat")
        try run(["ts", "-query", "-data", "\(name).dat", "-sha256", "-cert", "-out", "\(name).tsq"])
        try write(try reply(query: try bytes("\(name).tsq"), signer: signer), "\(name).tsr")
        try run(["ts", "-reply", "-in", "\(name).tsr", "-token_out", "-out", "\(name).tst"])
        return try bytes("\(name).tst")
    }

    /// Re-signs a token's TSTInfo with `openssl cms -sign` (a CMS signer openssl ts would refuse, or another
    /// SignerIdentifier / padding); `options` are extra cms arguments.
    func cmsResign(_ token: [UInt8], signer: String, options: [String] = []) throws -> [UInt8] {
        let name = UUID().uuidString
        try write(token, "\(name).tst")
        try run(["cms", "-verify", "-noverify", "-inform", "DER", "-in", "\(name).tst", "-binary", "-out", "\(name).tstinfo"])
        try run(
            [
                "cms", "-sign", "-binary", "-nodetach", "-in", "\(name).tstinfo", "-econtent_type", "1.2.840.113549.1.9.16.1.4",
                "-signer", "\(signer).pem", "-inkey", "\(signer).key", "-md", "sha256", "-nosmimecap", "-outform", "DER",
                "-out", "\(name).cms",
            ] + options)
        return try bytes("\(name).cms")
    }

    func certificate(_ name: String) throws -> Certificate {
        try Certificate(pemEncoded: String(contentsOf: url("\(name).pem"), encoding: .utf8))
    }
}

/// The index of the first occurrence of `needle` in `haystack`.
func byteIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
    guard !needle.isEmpty, needle.count <= haystack.count else { return nil }
    for i in 0...(haystack.count - needle.count) where haystack[i..<(i + needle.count)].elementsEqual(needle) {
        return i
    }
    return nil
}

/// The JAdESError `body` throws, or nil (recording an issue for any other error).
func timeStampError(_ body: () throws -> Void) -> JAdESError? {
    do {
        try body()
        return nil
    } catch let error as JAdESError {
        return error
    } catch {
        Issue.record("expected a JAdESError, got \(error)")
        return nil
    }
}

func derBytes(_ certificate: Certificate) throws -> [UInt8] {
    var serializer = DER.Serializer()
    try serializer.serialize(certificate)
    return serializer.serializedBytes
}

let stampedData = Array("skillcred time-stamp test data\n".utf8)

@Suite("RFC 3161 time-stamp tokens made by openssl ts")
struct OpenSSLTimeStampTests {
    @Test("A good token verifies: imprint, genTime, serial, certificates", arguments: [OpenSSLTSA.Kind.rsa, .ecP256])
    func goodTokenVerifies(kind: OpenSSLTSA.Kind) throws {
        guard let tsa = try OpenSSLTSA.make(kind) else { return }
        let der = try tsa.token(over: stampedData)
        let token = try TimeStampToken(derEncoded: der)
        #expect(token.hashAlgorithmName == "SHA-256")
        #expect(token.imprintMatches(stampedData))
        #expect(!token.imprintMatches(stampedData + [0x0A]))
        #expect(token.hashedMessage == Array(SHA256.hash(data: stampedData)))
        #expect(abs(token.genTime.timeIntervalSinceNow) < 120)
        #expect(!token.serialNumber.isEmpty && token.serialNumber == token.serialNumber.uppercased())
        #expect(token.signerCertificate == (try tsa.certificate("tsa")))
        #expect(token.certificates.contains(try tsa.certificate("ca")))
        #expect(token.nonce != nil)
        #expect(token.policy == "1.2.3.4.1")
        #expect(token.derEncoded == der)
    }

    @Test("The TSA chain is trusted with the TSA root as anchor, untrusted with none or another root")
    func chainTrust() async throws {
        guard let tsa = try OpenSSLTSA.make(.rsa), let other = try OpenSSLTSA.make(.ecP256) else { return }
        let token = try TimeStampToken(derEncoded: try tsa.token(over: stampedData))
        let trusted = await TimeStampAuthorityValidator(trustAnchors: [try tsa.certificate("ca")]).validate(token)
        #expect(trusted.isTrusted, "\(trusted)")
        if case .trusted(let chain) = trusted {
            #expect(chain.count == 2)
            #expect(chain.first == token.signerCertificate)
        }
        let none = await TimeStampAuthorityValidator(trustAnchors: []).validate(token)
        #expect(!none.isTrusted)
        let wrong = await TimeStampAuthorityValidator(trustAnchors: [try other.certificate("ca")]).validate(token)
        #expect(!wrong.isTrusted, "\(wrong)")

        // The EC TSA's token under its own root.
        let ecToken = try TimeStampToken(derEncoded: try other.token(over: stampedData))
        #expect(await TimeStampAuthorityValidator(trustAnchors: [try other.certificate("ca")]).validate(ecToken).isTrusted)
    }

    @Test("A signer certificate without the timeStamping EKU is refused")
    func noTimeStampingEKU() async throws {
        guard let tsa = try OpenSSLTSA.make(.rsa) else { return }
        try tsa.issue("plain", subject: "/CN=Not a TSA", extensions: "plain_ext")
        let resigned = try tsa.cmsResign(try tsa.token(over: stampedData), signer: "plain")
        let error = timeStampError { _ = try TimeStampToken(derEncoded: resigned) }
        #expect(error?.code == .invalidTimeStamp)
        #expect(error?.message.contains("timeStamping") == true, "\(String(describing: error))")
    }

    @Test("A token whose SignerIdentifier is a subjectKeyIdentifier verifies (openssl cms -keyid)")
    func subjectKeyIdentifierSigner() throws {
        guard let tsa = try OpenSSLTSA.make(.ecP256) else { return }
        let resigned = try tsa.cmsResign(try tsa.token(over: stampedData), signer: "tsa", options: ["-keyid"])
        let token = try TimeStampToken(derEncoded: resigned)
        #expect(token.imprintMatches(stampedData))
        #expect(token.signerCertificate == (try tsa.certificate("tsa")))
    }

    @Test("An RSASSA-PSS signed token verifies (salt length = digest length)")
    func pssToken() throws {
        guard let tsa = try OpenSSLTSA.make(.rsa) else { return }
        let resigned = try tsa.cmsResign(
            try tsa.token(over: stampedData), signer: "tsa",
            options: ["-keyopt", "rsa_padding_mode:pss", "-keyopt", "rsa_pss_saltlen:digest"])
        let token = try TimeStampToken(derEncoded: resigned)
        #expect(token.imprintMatches(stampedData))
    }

    @Test("A changed byte in the TSTInfo fails the messageDigest check")
    func tstInfoTampered() throws {
        guard let tsa = try OpenSSLTSA.make(.rsa) else { return }
        var der = try tsa.token(over: stampedData)
        let at = try #require(byteIndex(of: Array(SHA256.hash(data: stampedData)), in: der))
        der[at] ^= 0x01
        let error = timeStampError { _ = try TimeStampToken(derEncoded: der) }
        #expect(error?.code == .invalidTimeStamp)
        #expect(error?.message.contains("messageDigest") == true, "\(String(describing: error))")
    }

    @Test("Changed signed attributes fail the signature (signingTime) or the ESS binding (signingCertificateV2)")
    func signedAttributesTampered() throws {
        guard let tsa = try OpenSSLTSA.make(.rsa) else { return }
        let der = try tsa.token(over: stampedData)
        // signingTime: OID 1.2.840.113549.1.9.5, then SET { UTCTime "YYMMDDhhmmssZ" }; change a digit of the minutes.
        let signingTimeOID: [UInt8] = [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x05]
        var timeChanged = der
        let at = try #require(byteIndex(of: signingTimeOID, in: der))
        let digit = at + signingTimeOID.count + 4 + 9  // SET hdr, UTCTime hdr, then YYMMDDhhm|m
        #expect(timeChanged[digit] >= 0x30 && timeChanged[digit] <= 0x39)
        timeChanged[digit] = timeChanged[digit] == 0x30 ? 0x31 : 0x30
        let error = timeStampError { _ = try TimeStampToken(derEncoded: timeChanged) }
        #expect(error?.code == .invalidTimeStamp)
        #expect(error?.message.contains("signature") == true, "\(String(describing: error))")

        // The ESSCertIDv2 hash: SHA-256 of the signer certificate inside the attribute.
        let certHash = Array(SHA256.hash(data: try derBytes(try tsa.certificate("tsa"))))
        var hashChanged = der
        let hashAt = try #require(byteIndex(of: certHash, in: der))
        hashChanged[hashAt] ^= 0x80
        let essError = timeStampError { _ = try TimeStampToken(derEncoded: hashChanged) }
        #expect(essError?.message.contains("signingCertificateV2") == true, "\(String(describing: essError))")
    }

    @Test("A TSA certificate expired at genTime parses but is untrusted")
    func expiredTSA() async throws {
        guard let tsa = try OpenSSLTSA.make(.rsa) else { return }
        try tsa.issue("expired", subject: "/CN=Expired TSA", extensions: "tsa_ext", dates: ("20200101000000Z", "20200102000000Z"))
        let token = try TimeStampToken(derEncoded: try tsa.token(over: stampedData, signer: "expired"))
        #expect(token.imprintMatches(stampedData))
        let result = await TimeStampAuthorityValidator(trustAnchors: [try tsa.certificate("ca")]).validate(token)
        #expect(!result.isTrusted)
        print("expired TSA: \(result)")
    }

    @Test("Oversized tokens are refused")
    func sizeLimit() throws {
        var big: [UInt8] = [0x30, 0x83, 0x01, 0x00, 0x00]
        big += [UInt8](repeating: 0, count: 0x10000)
        let error = timeStampError { _ = try TimeStampToken(derEncoded: big) }
        #expect(error?.code == .invalidTimeStamp)
        #expect(error?.message.contains("64 KiB") == true)
    }

    @Test("Truncations and bit flips of a good token throw or still verify to the same content; never crash")
    func fuzz() throws {
        guard let tsa = try OpenSSLTSA.make(.ecP256) else { return }
        let der = try tsa.token(over: stampedData)
        let original = try TimeStampToken(derEncoded: der)
        var generator = SystemRandomNumberGenerator()
        var parsed = 0, refused = 0
        for round in 0..<400 {
            var mutated = der
            switch round % 4 {
            case 0:
                mutated = Array(der.prefix(Int.random(in: 0..<der.count, using: &generator)))
            case 1, 2:
                let i = Int.random(in: 0..<der.count, using: &generator)
                mutated[i] ^= UInt8(1) << UInt8.random(in: 0...7, using: &generator)
            default:
                for _ in 0..<4 {
                    mutated[Int.random(in: 0..<der.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
            }
            do {
                let token = try TimeStampToken(derEncoded: mutated)
                parsed += 1
                // Whatever still parses must still be the same stamp, by the same signer.
                #expect(token.imprintMatches(stampedData))
                #expect(token.genTime == original.genTime)
                #expect(token.serialNumber == original.serialNumber)
                #expect(token.signerCertificate == original.signerCertificate)
            } catch {
                refused += 1
                #expect(error.code == .invalidTimeStamp)
            }
        }
        print("fuzz: \(refused) refused, \(parsed) still parsed")
        #expect(refused > 300)
    }
}

@Suite("The EU samples' sigTst time-stamps", .needsSharedData)
struct SampleTimeStampTests {
    @Test(
        "Each sample's sigTst verifies, stamps its signature value, follows sigT, and chains to the root in the token",
        arguments: signedSamples)
    func sampleSignatureTimeStamp(path: String) async throws {
        guard let bytes = try sampleBytes(path) else { return }
        let document = try JWSJSONDocument(parsing: bytes)
        let verification = JAdESVerifier().verify(document)
        for (entry, signature) in zip(document.signatures, verification.signatures) {
            let tokens = JAdESTimeStamps.signatureTimeStampTokens(in: entry.unprotectedHeader)
            #expect(tokens.count == 1, "\(path): \(tokens.count) sigTst tokens")
            for der in tokens {
                let token = try TimeStampToken(derEncoded: der)
                #expect(token.imprintMatches(JAdESTimeStamps.signatureTimeStampInput(signatureEncoded: entry.signatureEncoded)))
                #expect(!token.imprintMatches(Array(entry.protectedEncoded.utf8)))
                let sigT = try #require(signature.signingTime)
                let delay = token.genTime.timeIntervalSince(sigT)
                #expect(delay >= 0 && delay < 30, "\(path): genTime \(token.genTime) vs sigT \(sigT)")

                #expect(!(await TimeStampAuthorityValidator(trustAnchors: []).validate(token)).isTrusted)
                let roots = token.certificates.filter { $0.subject == $0.issuer }
                print(
                    "\(path): TSA \(token.signerCertificate.subject), genTime \(token.genTime) (+\(delay) s after sigT), "
                        + "serial \(token.serialNumber), \(token.certificates.count) certificate(s), "
                        + "roots in token: \(roots.map { "\($0.subject)" })")
                if roots.isEmpty {
                    print("\(path): no self-signed TSA root in the token; trust not tested")
                } else {
                    let result = await TimeStampAuthorityValidator(trustAnchors: roots).validate(token)
                    #expect(result.isTrusted, "\(path): \(result)")
                    print("\(path): with the token's own root as anchor: \(result)")
                }
            }
        }
    }
}

@Suite("Adding a sigTst to a seal")
struct AddSignatureTimeStampTests {
    static func seal(_ payload: [UInt8]) throws -> JSONValue {
        let key = P256.Signing.PrivateKey()
        let (leaf, ca) = try makeChain(leafKey: Certificate.PrivateKey(key))
        let sealer = try JAdESSealer(privateKey: .p256(key), certificateChain: [leaf, ca])
        return try sealer.seal(payload: payload)
    }

    @Test("request → openssl ts -reply → addSignatureTimeStamp → signatureTimeStampTokens round trip")
    func roundTrip() throws {
        guard let tsa = try OpenSSLTSA.make(.rsa) else { return }
        let sealed = try Self.seal(samplePayload)
        let (query, nonce) = try JAdESTimeStamps.request(forSealed: sealed)
        #expect(nonce.count == 8 && nonce[0] != 0)
        // openssl reads the query back: SHA-256 imprint of the signature value, certReq, the nonce.
        try tsa.write(query, "ours.tsq")
        let text = try tsa.run(["ts", "-query", "-in", "ours.tsq", "-text"])
        #expect(text.contains("Hash Algorithm: sha256"))
        #expect(text.contains("Certificate required: yes"))
        let reply = try tsa.reply(query: query)

        let stamped = try JAdESTimeStamps.addSignatureTimeStamp(reply, to: sealed, expectedNonce: nonce)
        let document = try JWSJSONDocument(stamped)
        let tokens = JAdESTimeStamps.signatureTimeStampTokens(in: document.signatures[0].unprotectedHeader)
        #expect(tokens.count == 1)
        let token = try TimeStampToken(derEncoded: try #require(tokens.first))
        #expect(token.imprintMatches(JAdESTimeStamps.signatureTimeStampInput(signatureEncoded: document.signatures[0].signatureEncoded)))
        #expect(token.nonce == nonce)
        try tsa.write(reply, "ours.tsr")
        try tsa.run(["ts", "-reply", "-in", "ours.tsr", "-token_out", "-out", "ours.tst"])
        #expect(tokens.first == (try tsa.bytes("ours.tst")))
        let item = document.signatures[0].unprotectedHeader?["etsiU"]?.arrayValue?.first
        #expect(item?["sigTst"]?["tstTokens"]?.arrayValue?.first?["val"]?.isString == true)

        // The seal still verifies (etsiU is unsigned), the payload is unchanged.
        let verification = JAdESVerifier().verify(envelope: stamped)
        #expect(verification.isValid, "\(String(describing: verification.firstError))")
        #expect(stamped["payload"] == sealed["payload"])

        // A second stamp appends to etsiU; a bare token is accepted too.
        let twice = try JAdESTimeStamps.addSignatureTimeStamp(try #require(tokens.first), to: stamped)
        #expect(JAdESTimeStamps.signatureTimeStampTokens(in: try JWSJSONDocument(twice).signatures[0].unprotectedHeader).count == 2)
    }

    @Test("A reply for another signature, a nonce mismatch, and a rejection are refused")
    func refusals() throws {
        guard let tsa = try OpenSSLTSA.make(.ecP256) else { return }
        let sealed = try Self.seal(samplePayload)
        let other = try Self.seal(samplePayload)
        let (query, nonce) = try JAdESTimeStamps.request(forSealed: sealed)
        let reply = try tsa.reply(query: query)

        let wrongSignature = timeStampError { _ = try JAdESTimeStamps.addSignatureTimeStamp(reply, to: other) }
        #expect(wrongSignature?.code == .invalidTimeStamp)
        #expect(wrongSignature?.message.contains("imprint") == true, "\(String(describing: wrongSignature))")

        var otherNonce = nonce
        otherNonce[7] ^= 0xFF
        let wrongNonce = timeStampError { _ = try JAdESTimeStamps.addSignatureTimeStamp(reply, to: sealed, expectedNonce: otherNonce) }
        #expect(wrongNonce?.code == .invalidTimeStamp)
        #expect(wrongNonce?.message.contains("nonce") == true, "\(String(describing: wrongNonce))")

        // openssl rejects a SHA-1 query (not in the configured digests) with status 2.
        try tsa.write(stampedData, "sha1.dat")
        try tsa.run(["ts", "-query", "-data", "sha1.dat", "-sha1", "-cert", "-out", "sha1.tsq"])
        let rejection = try tsa.reply(query: try tsa.bytes("sha1.tsq"))
        let rejected = timeStampError { _ = try JAdESTimeStamps.addSignatureTimeStamp(rejection, to: sealed) }
        #expect(rejected?.code == .invalidTimeStamp)
        #expect(rejected?.message.contains("rejection") == true, "\(String(describing: rejected))")

        // Garbage is refused without a crash.
        let garbage = timeStampError { _ = try JAdESTimeStamps.addSignatureTimeStamp([0x30, 0x03, 0x02, 0x01], to: sealed) }
        #expect(garbage?.code == .invalidTimeStamp)
    }
}
