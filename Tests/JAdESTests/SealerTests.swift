import CredentialJSON
import Crypto
import CryptoExtras
import Foundation
import JAdES
import KeyManagement
import TestSupport
import Testing
import X509

/// A demo seal made at test time with ``DemoSeal`` (a throwaway CA whose key is discarded): the repository holds no
/// private key.
enum TestDemoSeal {
    static let material: DemoSeal.Material = {
        do { return try DemoSeal.make() } catch { fatalError("cannot make the demo seal: \(error)") }
    }()

    /// The demo CA certificate.
    static func anchors() throws -> [Certificate] { try JAdESPEM.certificates(fromPEM: material.caPEM) }

    static func sealer(algorithm: JAdESAlgorithm? = nil) throws -> JAdESSealer {
        try JAdESSealer(privateKeyPEM: material.sealKey.pkcs8PEM(), certificateChainPEM: material.chainPEM, algorithm: algorithm)
    }

    /// The material as files in a new temporary folder (remove it when done): the chain, and an anchor folder
    /// holding the demo CA alone.
    static func files() throws -> (folder: URL, chain: URL, anchors: URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("jades-demo-seal-\(UUID().uuidString)")
        let anchors = folder.appendingPathComponent("anchors")
        try FileManager.default.createDirectory(at: anchors, withIntermediateDirectories: true)
        let chain = folder.appendingPathComponent("demo-seal-cert.pem")
        try Data(material.chainPEM.utf8).write(to: chain)
        try Data(material.caPEM.utf8).write(to: anchors.appendingPathComponent("demo-ca.pem"))
        return (folder, chain, anchors)
    }
}

/// A small EDC-like credential written by CredentialJSON, with characters that need escaping in the payload string.
let samplePayload: [UInt8] = JSONWriter.data(
    .object([
        "@context": ["https://www.w3.org/2018/credentials/v1", "http://data.europa.eu/snb/model/context/edc-ap"],
        "id": "urn:credential:5a1e0000-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
        "credentialSubject": ["id": "urn:epass:person:1", "type": "Person", "note": "Zoë \"Z\" Ødegaard\\n\u{1F393}"],
    ]))

/// Finds an executable on PATH.
func executable(_ name: String) -> URL? {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
        let url = URL(fileURLWithPath: String(dir)).appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    return nil
}

/// Runs a process, returning its exit status and combined output.
func run(_ tool: URL, _ arguments: [String], in directory: URL) throws -> (Int32, String) {
    let ended = try ChildProcess.run(tool, arguments, in: directory, errors: .standardOutput)
    return (ended.status, ended.stdoutText)
}

/// A throwaway CA and seal certificate made with swift-certificates, for algorithms the demo seal does not use.
func makeChain(
    leafKey: Certificate.PrivateKey, keyUsage: KeyUsage = KeyUsage(digitalSignature: true, nonRepudiation: true)
)
    throws -> (leaf: Certificate, ca: Certificate)
{
    let caKey = Certificate.PrivateKey(P256.Signing.PrivateKey())
    let caName = try DistinguishedName {
        CountryName("BE"); OrganizationName("TEST CA"); CommonName("TEST CA")
    }
    let now = Date()
    let ca = try Certificate(
        version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: caKey.publicKey,
        notValidBefore: now - 3600, notValidAfter: now + 86400, issuer: caName, subject: caName,
        signatureAlgorithm: .ecdsaWithSHA256,
        extensions: try Certificate.Extensions {
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
            Critical(KeyUsage(keyCertSign: true, cRLSign: true))
        },
        issuerPrivateKey: caKey)
    let leafName = try DistinguishedName([
        RelativeDistinguishedName.Attribute(type: .RDNAttributeType.countryName, printableString: "BE"),
        RelativeDistinguishedName.Attribute(type: .RDNAttributeType.organizationName, utf8String: "TEST Academy"),
        RelativeDistinguishedName.Attribute(type: .RDNAttributeType.organizationIdentifier, utf8String: "NTRBE-0123456789"),
        RelativeDistinguishedName.Attribute(type: .RDNAttributeType.commonName, utf8String: "TEST seal"),
    ])
    let leaf = try Certificate(
        version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: leafKey.publicKey,
        notValidBefore: now - 3600, notValidAfter: now + 86400, issuer: caName, subject: leafName,
        signatureAlgorithm: .ecdsaWithSHA256,
        extensions: try Certificate.Extensions { Critical(keyUsage) },
        issuerPrivateKey: caKey)
    return (leaf, ca)
}

@Suite("Sealing", .needsSharedData)
struct SealerTests {
    @Test("sealedData writes what JSONWriter writes for the sealed document, every control character escaped")
    func sealedDataIsTheWritersLayout() throws {
        let controls = String(String.UnicodeScalarView((0..<0x20).compactMap(Unicode.Scalar.init)))
        let payload = JSONWriter.data(.object(["note": .string(controls + "\"\\/ Zoë \u{1F393}"), "id": "urn:x"]))
        let sealed = try TestDemoSeal.sealer().sealedData(payload: payload)
        let document = try JSONParser.parse(sealed)
        #expect(JSONWriter.data(document) == sealed)
        #expect(document["payload"]?.stringValue.map { Array($0.utf8) } == payload)
        #expect(JAdESVerifier().verify(sealed).isValid)
        #expect(throws: JAdESError.self) { try TestDemoSeal.sealer().sealedData(payload: [0x22, 0xFF, 0x22]) }
    }

    @Test("A demo seal verifies with our verifier and has the EU's header shape")
    func demoSealVerifies() throws {
        let sealer = try TestDemoSeal.sealer()
        #expect(sealer.algorithm == .es256)
        let sealed = try sealer.sealedData(payload: samplePayload)
        let result = JAdESVerifier().verify(sealed)
        #expect(result.isValid, "\(result.firstError.map(String.init(describing:)) ?? "")")
        #expect(result.payload == samplePayload)
        let signature = try #require(result.signatures.first)
        let header = try #require(signature.protectedHeader)
        #expect(header.keys == ["alg", "cty", "kid", "x5t#S256", "x5c", "typ", "b64", "sigT", "crit"])
        #expect(header["cty"] == "octet-stream")
        #expect(header["typ"] == "jose+json")
        #expect(header["b64"] == false)
        #expect(header["crit"] == ["b64", "sigT"])
        #expect(header["x5c"]?.arrayValue?.count == 2)
        #expect(signature.signer?.organizationIdentifier == "NTRBE-0000000000")
        #expect(status(result, .issuerSerial) == .ok)
        #expect(status(result, .certificateDigest) == .ok)
        // Top level: payload first, then signatures; no unprotected header at baseline-B.
        let document = try #require(try JSONParser.parse(sealed).objectValue)
        #expect(document.keys == ["payload", "signatures"])
        #expect(document["signatures"]?.arrayValue?.first?.objectValue?.keys == ["protected", "signature"])
    }

    @Test("The demo seal's header members follow the order of the EU's files")
    func headerOrderMatchesEU() throws {
        guard let bytes = try sampleBytes(signedSamples[2]) else { return }
        let euHeader = try #require(JAdESVerifier().verify(bytes).signatures.first?.protectedHeader)
        let ours = try TestDemoSeal.sealer().protectedHeader(signingTime: Date())
        #expect(ours.keys == euHeader.keys)
    }

    @Test("Tampering with our own seal fails")
    func ownSealTamperFails() throws {
        let sealed = try TestDemoSeal.sealer().sealedData(payload: samplePayload)
        var document = try #require(try JSONParser.parse(sealed).objectValue)
        let payload = try #require(document["payload"]?.stringValue)
        document["payload"] = .string(payload.replacingOccurrences(of: "Zoë", with: "Zoe"))
        #expect(!JAdESVerifier().verify(JSONWriter.data(.object(document))).isValid)
    }

    /// Checks a seal with `openssl dgst`, rebuilding the signing input independently of the verifier.
    /// Returns nil (with a message) when openssl is missing.
    func opensslVerifies(_ sealed: [UInt8], publicKeyPEM: String?, certificateFile: URL?, derSignature: ([UInt8]) throws -> [UInt8]) throws -> Bool? {
        guard let openssl = executable("openssl") else {
            print("SKIPPED openssl check: openssl not found on PATH")
            return nil
        }
        let document = try #require(try JSONParser.parse(sealed).objectValue)
        let entry = try #require(document["signatures"]?.arrayValue?.first?.objectValue)
        let protected = try #require(entry["protected"]?.stringValue)
        let payload = try #require(document["payload"]?.stringValue)
        let signatureText = try #require(entry["signature"]?.stringValue)
        let signature = try derSignature(try #require(base64URLDecode(signatureText)))

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jades-openssl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // The signing input: ASCII(protected) '.' payload bytes (RFC 7797 unencoded payload).
        let input = Array(protected.utf8) + [UInt8(ascii: ".")] + Array(payload.utf8)
        try Data(input).write(to: dir.appendingPathComponent("input.bin"))
        try Data(signature).write(to: dir.appendingPathComponent("sig.bin"))
        if let certificateFile {
            let (status, output) = try run(openssl, ["x509", "-in", certificateFile.path, "-noout", "-pubkey", "-out", "pubkey.pem"], in: dir)
            #expect(status == 0, "\(output)")
        } else if let publicKeyPEM {
            try Data(publicKeyPEM.utf8).write(to: dir.appendingPathComponent("pubkey.pem"))
        }
        let verify = ["dgst", "-sha256", "-verify", "pubkey.pem", "-signature", "sig.bin", "input.bin"]
        let (status, output) = try run(openssl, verify, in: dir)
        // openssl must also reject a changed input, or the check above proves nothing.
        try Data(input + [0x20]).write(to: dir.appendingPathComponent("input.bin"))
        let (tamperedStatus, _) = try run(openssl, verify, in: dir)
        #expect(tamperedStatus != 0)
        return status == 0 && output.contains("Verified OK")
    }

    @Test("A demo (ES256) seal verifies with the openssl command-line tool")
    func opensslVerifiesDemoSeal() throws {
        let sealed = try TestDemoSeal.sealer().sealedData(payload: samplePayload)
        let files = try TestDemoSeal.files()
        defer { try? FileManager.default.removeItem(at: files.folder) }
        // JWS carries ECDSA signatures as r || s; openssl wants DER.
        let ok = try opensslVerifies(sealed, publicKeyPEM: nil, certificateFile: files.chain) { raw in
            Array(try P256.Signing.ECDSASignature(rawRepresentation: raw).derRepresentation)
        }
        if let ok { #expect(ok) }
    }

    @Test("An EdDSA seal by any SigningKey (here an Ed25519 key in memory) verifies, with skillcred and with openssl")
    func edDSASealBySigningKey() throws {
        let key = try KeyManagement.PrivateKey.generate(.ed25519)
        guard case .ed25519(let raw) = key.material else { Issue.record("not Ed25519"); return }
        let (leaf, ca) = try makeChain(leafKey: Certificate.PrivateKey(raw))
        let sealer = try JAdESSealer(privateKey: .signingKey(key), certificateChain: [leaf, ca])
        #expect(sealer.algorithm == .edDSA)
        let sealed = try sealer.sealedData(payload: samplePayload)
        let result = JAdESVerifier().verify(sealed)
        #expect(result.isValid, "\(result.firstError.map(String.init(describing:)) ?? "")")
        // ES256 does not fit an Ed25519 key.
        #expect(throws: JAdESError.self) { try JAdESSealer(privateKey: .signingKey(key), certificateChain: [leaf, ca], algorithm: .es256) }
        guard let openssl = executable("openssl") else { print("SKIPPED openssl check: openssl not found on PATH"); return }
        let document = try #require(try JSONParser.parse(sealed).objectValue)
        let entry = try #require(document["signatures"]?.arrayValue?.first?.objectValue)
        let input = Array(try #require(entry["protected"]?.stringValue).utf8) + [UInt8(ascii: ".")] + Array(try #require(document["payload"]?.stringValue).utf8)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jades-eddsa-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(input).write(to: dir.appendingPathComponent("input.bin"))
        let signatureText = try #require(entry["signature"]?.stringValue)
        try Data(try #require(base64URLDecode(signatureText))).write(to: dir.appendingPathComponent("sig.bin"))
        try Data(key.publicKey.pem.utf8).write(to: dir.appendingPathComponent("pub.pem"))
        let verify = ["pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-in", "input.bin", "-sigfile", "sig.bin"]
        let (status, output) = try run(openssl, verify, in: dir)
        #expect(status == 0 && output.contains("Signature Verified Successfully"), "\(output)")
        try Data(input + [0x20]).write(to: dir.appendingPathComponent("input.bin"))
        #expect(try run(openssl, verify, in: dir).0 != 0)
    }

    @Test("An RS256 seal (the EU's algorithm) verifies with the openssl command-line tool")
    func opensslVerifiesRS256Seal() throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let (leaf, ca) = try makeChain(leafKey: Certificate.PrivateKey(key))
        let sealer = try JAdESSealer(privateKey: .rsa(key), certificateChain: [leaf, ca])
        #expect(sealer.algorithm == .rs256)
        let sealed = try sealer.sealedData(payload: samplePayload)
        #expect(JAdESVerifier().verify(sealed).isValid)
        let ok = try opensslVerifies(sealed, publicKeyPEM: key.publicKey.pemRepresentation, certificateFile: nil) { $0 }
        if let ok { #expect(ok) }
    }

    @Test("The demo seal chains to the demo CA; without anchors it is untrusted")
    func demoChainValidation() async throws {
        let sealed = try TestDemoSeal.sealer().sealedData(payload: samplePayload)
        let signature = try #require(JAdESVerifier().verify(sealed).signatures.first)
        let anchors = try TestDemoSeal.anchors()
        let trusted = await JAdESChainValidator(trustAnchors: anchors).validate(signature)
        #expect(trusted.isTrusted, "\(trusted)")
        #expect(trusted.description == "trusted")
        if case .trusted(let chain) = trusted { #expect(chain.count == 2) }
        let untrusted = await JAdESChainValidator(trustAnchors: []).validate(signature)
        #expect(untrusted == .untrusted(reason: "no trust anchors configured"))
        // A folder of anchors works the same way, and so does one PEM file.
        let files = try TestDemoSeal.files()
        defer { try? FileManager.default.removeItem(at: files.folder) }
        let fromFolder = await (try JAdESChainValidator(trustAnchorDirectory: files.anchors)).validate(signature)
        #expect(fromFolder.isTrusted)
        let fromFile = await (try JAdESChainValidator(trustAnchorDirectory: files.anchors.appendingPathComponent("demo-ca.pem"))).validate(signature)
        #expect(fromFile == trusted)
        // Validity is checked at the requested time: long after the demo certificates expire, untrusted.
        let late = await JAdESChainValidator(trustAnchors: anchors).validate(signature, validationTime: Date() + 20 * 365 * 86400)
        #expect(!late.isTrusted)
    }

    @Test("The e-seal key usage policy rejects a certificate meant only for encryption")
    func keyUsagePolicy() async throws {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let (leaf, ca) = try makeChain(leafKey: key, keyUsage: KeyUsage(keyEncipherment: true))
        let validation = await JAdESChainValidator(trustAnchors: [ca]).validate(leaf: leaf, intermediates: [])
        #expect(!validation.isTrusted)
        #expect(validation.description.contains("key usage"))
        let (goodLeaf, goodCA) = try makeChain(leafKey: key)
        #expect(await JAdESChainValidator(trustAnchors: [goodCA]).validate(leaf: goodLeaf, intermediates: []).isTrusted)
        let strict = JAdESChainValidator(trustAnchors: [goodCA], keyUsagePolicy: ESealKeyUsagePolicy(requireNonRepudiation: true))
        let (dsOnly, dsCA) = try makeChain(leafKey: key, keyUsage: KeyUsage(digitalSignature: true))
        #expect(await strict.validate(leaf: goodLeaf, intermediates: []).isTrusted)
        #expect(
            !(await JAdESChainValidator(trustAnchors: [dsCA], keyUsagePolicy: ESealKeyUsagePolicy(requireNonRepudiation: true))
                .validate(leaf: dsOnly, intermediates: []).isTrusted))
    }

    @Test("ES256, ES384, PS256 and PS512 seals verify", arguments: [JAdESAlgorithm.es256, .es384, .ps256, .ps512])
    func otherAlgorithms(algorithm: JAdESAlgorithm) throws {
        let privateKey: JAdESPrivateKey
        switch algorithm {
        case .es256: privateKey = try JAdESPrivateKey(pemRepresentation: P256.Signing.PrivateKey().pemRepresentation)
        case .es384: privateKey = try JAdESPrivateKey(pemRepresentation: P384.Signing.PrivateKey().pemRepresentation)
        default: privateKey = try JAdESPrivateKey(pemRepresentation: _RSA.Signing.PrivateKey(keySize: .bits2048).pemRepresentation)
        }
        let key: Certificate.PrivateKey
        switch privateKey {
        case .p256(let k): key = Certificate.PrivateKey(k)
        case .p384(let k): key = Certificate.PrivateKey(k)
        case .rsa(let k): key = Certificate.PrivateKey(k)
        case .p521(let k): key = Certificate.PrivateKey(k)
        case .signingKey:
            Issue.record("a PEM key is read into a swift-crypto key, never into a SigningKey")
            return
        }
        let (leaf, ca) = try makeChain(leafKey: key)
        let chain = [leaf, ca]
        let sealer = try JAdESSealer(privateKey: privateKey, certificateChain: chain, algorithm: algorithm)
        let result = JAdESVerifier().verify(try sealer.sealedData(payload: samplePayload))
        #expect(result.isValid, "\(result.firstError.map(String.init(describing:)) ?? "")")
        #expect(result.signatures.first?.algorithm == algorithm)
    }

    @Test("A seal whose alg does not fit the certificate key fails the algorithm check")
    func algorithmKeyMismatchFails() throws {
        let sealed = try TestDemoSeal.sealer().sealedData(payload: samplePayload)
        let edited = try withEditedHeader(sealed) { header in
            var h = header
            h["alg"] = "RS256"
            return h
        }
        let result = JAdESVerifier().verify(edited)
        #expect(status(result, .algorithm) == .error)
        #expect(!result.isValid)
    }

    @Test("The sealer refuses a key that is not the certificate's, and a key unfit for the algorithm")
    func sealerRefusesMismatches() throws {
        let chain = try JAdESPEM.certificates(fromPEM: TestDemoSeal.material.chainPEM)
        let otherKey = try JAdESPrivateKey(pemRepresentation: P256.Signing.PrivateKey().pemRepresentation)
        #expect(throws: JAdESError(.keyMismatch, "")) { try JAdESSealer(privateKey: otherKey, certificateChain: chain) }
        #expect(throws: JAdESError(.keyMismatch, "")) { try TestDemoSeal.sealer(algorithm: .rs256) }
        #expect(throws: JAdESError(.keyMismatch, "")) { try TestDemoSeal.sealer(algorithm: .es384) }
        #expect(throws: JAdESError(.invalidKey, "")) {
            try JAdESPrivateKey(pemRepresentation: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
        }
        #expect(throws: JAdESError(.invalidPayload, "")) { try TestDemoSeal.sealer().seal(payload: [0xFF, 0xFE]) }
    }

    @Test("The seal identity comes from the certificate: organizationIdentifier, O, C, CN")
    func sealIdentity() throws {
        let identity = try TestDemoSeal.sealer().sealIdentity()
        #expect(identity.organizationIdentifier == "NTRBE-0000000000")
        #expect(identity.legalName == "DEMO ONLY skillcred service")
        #expect(identity.countryCode == "BE")
        #expect(identity.commonName == "DEMO ONLY skillcred service e-seal")
        // A CA certificate has no organizationIdentifier: filling the EDC issuer from it must fail.
        let ca = try TestDemoSeal.anchors()[0]
        #expect(throws: JAdESError(.invalidCertificate, "")) { try JAdESSealIdentity(certificate: ca) }
    }
}
