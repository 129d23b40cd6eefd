import CredentialJSON
import Crypto
import DataIntegrity
import Foundation
import JAdES
import KeyManagement
import Multiformats
import PKCS11Keys
import TestSupport
import Testing
import X509

#if canImport(Glibc)
import Glibc
#endif

/// One SoftHSM set-up for the whole test process: SoftHSM reads `SOFTHSM2_CONF` once, when the module is first
/// initialised, so every suite here shares these tokens. Each test makes its own keys (random labels).
enum SoftHSM {
    static let keysToken = "skillcred-keys"
    static let abuseToken = "skillcred-abuse"

    static let fixture: Result<SoftHSMFixture, any Error> = Result {
        let made = try SoftHSMFixture.make(tokens: [keysToken, abuseToken])
        setenv("SOFTHSM2_CONF", made.configuration.path, 1)
        // The tokens live as long as the test process (the module stays loaded): remove them when it exits.
        folderToRemove = made.directory.path
        atexit { if let folder = SoftHSM.folderToRemove { try? FileManager.default.removeItem(atPath: folder) } }
        return made
    }

    nonisolated(unsafe) static var folderToRemove: String?

    static func get() throws -> SoftHSMFixture { try fixture.get() }

    static func uri(_ token: String, object: String? = nil) -> PKCS11URI {
        var uri = PKCS11URI()
        uri.token = token
        uri.object = object
        return uri
    }

    /// Opens the keys token, logged in.
    static func token(readWrite: Bool = false) throws -> PKCS11Token {
        let f = try get()
        return try PKCS11Token(module: try PKCS11Module.load(path: f.module), uri: uri(keysToken), pin: Array(SoftHSMFixture.pin.utf8), readWrite: readWrite)
    }

    /// A new key on the keys token with a DEMO seal certificate (and its CA) stored beside it; returns its URI.
    static func makeSealKey(_ type: KeyType) throws -> String {
        let token = try token(readWrite: true)
        let label = "seal-\(type)-\(UUID().uuidString.prefix(8))"
        let id = Array(UUID().uuidString.utf8.prefix(8))
        let key = try token.generateKey(type, label: label, id: id)
        let made = try DemoSeal.certificates(for: try JAdESPrivateKey.signingKey(key).publicKey)
        try token.storeCertificate(made.seal, label: label, id: id)
        try token.storeCertificate(made.ca, label: label + " CA", id: Array("ca-\(label)".utf8))
        return "pkcs11:token=\(keysToken);object=\(label)"
    }

    /// The payload of a sample EDC (what skillcred seals).
    static func edcPayload() throws -> [UInt8] {
        let sealed = SharedData.packageRoot.appendingPathComponent("samples/issued/edc/micro-credential/L-0001.json")
        let document = try JSONParser.parse(Array(try Data(contentsOf: sealed)))
        return Array(try #require(document["payload"]?.stringValue).utf8)
    }
}

// Serialized: SoftHSM 2.6 has been seen to fail key generation (CKR_GENERAL_ERROR, CKR_TEMPLATE_INCONSISTENT) when
// several sessions generate keys on one token at once, as the parameterized cases here did on a loaded machine.
@Suite(
    "Signing with keys on a SoftHSM token", .serialized,
    .enabled(if: SoftHSMFixture.shouldRun, "SoftHSM 2 is not installed (apt-get install softhsm2)"))
struct SoftHSMSigningTests {
    static let algorithms: [(KeyType, [JAdESAlgorithm])] = [
        (.p256, [.es256]), (.p384, [.es384]), (.rsa3072, [.rs256, .ps256]), (.ed25519, [.edDSA]),
    ]

    @Test(
        "An EDC sealed with a token key verifies with skillcred's verifier and with openssl",
        arguments: [KeyType.p256, .p384, .rsa3072, .ed25519])
    func sealsAnEDC(type: KeyType) throws {
        let fixture = try SoftHSM.get()
        let reference = try SoftHSM.makeSealKey(type)
        let key = try PKCS11KeyReference.open(reference, modulePath: fixture.module, pinSource: "file:" + fixture.pinFile.path)
        #expect(key.type == type)
        let chain = try key.certificateChain()
        #expect(chain.count == 2, "the seal certificate and its CA, both read from the token")
        #expect(chain.first?.publicKey == (try JAdESPrivateKey.signingKey(key).publicKey))
        let payload = try SoftHSM.edcPayload()
        for algorithm in Self.algorithms.first(where: { $0.0 == type })!.1 {
            try key.checkSigning(algorithm.signatureAlgorithm!)
            let sealer = try JAdESSealer(privateKey: .signingKey(key), certificateChain: chain, algorithm: algorithm)
            let sealed = try sealer.sealedData(payload: payload)
            let result = JAdESVerifier().verify(sealed)
            #expect(result.isValid, "\(algorithm): \(result)")
            #expect(result.signatures.first?.algorithm == algorithm)
            if let ok = try OpenSSLCheck.verifies(sealed, publicKey: key.publicKey, algorithm: algorithm) {
                #expect(ok, "openssl rejects the \(algorithm) seal")
            }
            // The verifier must notice a changed payload, or the check above proves nothing.
            var tampered = try #require(try JSONParser.parse(sealed).objectValue)
            tampered["payload"] = .string(String(decoding: payload, as: UTF8.self).replacingOccurrences(of: "L-0001", with: "L-0002"))
            #expect(!JAdESVerifier().verify(JSONWriter.data(.object(tampered))).isValid)
        }
    }

    @Test(
        "A VC 2.0 credential signed with a token key carries a Data Integrity proof that verifies",
        arguments: [KeyType.p256, .p384, .ed25519])
    func signsAVC2Credential(type: KeyType) async throws {
        let token = try SoftHSM.token(readWrite: true)
        let key = try token.generateKey(type, label: "di-\(type)-\(UUID().uuidString.prefix(8))", id: Array(UUID().uuidString.utf8.prefix(6)))
        let credential = try JSONParser.parse(Array(try Data(contentsOf: SharedData.packageRoot.appendingPathComponent("samples/vc2-small.json"))))
        var document = try #require(credential.objectValue)
        document["issuer"] = .string(try key.publicKey.didKey())
        let proofKey = try ProofSigningKey(signingKey: key)
        let options = ProofOptions(cryptosuite: proofKey.defaultCryptosuite, verificationMethod: try key.publicKey.didKeyVerificationMethod())
        let secured = try DataIntegritySigner(canonicalizer: JSONLDCanonicalizer()).addProof(to: .object(document), options: options, key: proofKey)
        let verifier = DataIntegrityVerifier(canonicalizer: JSONLDCanonicalizer(), resolver: DIDVerificationMethodResolver())
        let result = await verifier.verify(secured)
        #expect(result.verified, "\(result.allErrors)")
        var changed = try #require(secured.objectValue)
        changed["name"] = "Certificate of something else"
        #expect(!(await verifier.verify(.object(changed))).verified)
    }

    @Test("An RSA token key is refused for Data Integrity proofs, naming the reason")
    func refusesRSAForDataIntegrity() throws {
        let token = try SoftHSM.token(readWrite: true)
        let key = try token.generateKey(.rsa2048, label: "di-rsa-\(UUID().uuidString.prefix(8))", id: Array(UUID().uuidString.utf8.prefix(6)))
        let error = #expect(throws: DataIntegrityError.self) { try ProofSigningKey(signingKey: key) }
        #expect(error?.message.contains("RSA keys cannot make Data Integrity proofs") == true)
    }

    @Test("Keys made by keys generate are sensitive and non-extractable, and listed with their certificate")
    func generatedKeysStayOnTheToken() throws {
        let reference = try SoftHSM.makeSealKey(.p256)
        let label = try #require(try PKCS11URI(reference).object)
        let objects = try SoftHSM.token().objects().filter { $0.label?.hasPrefix(label) == true }
        let privateKey = try #require(objects.first { $0.kind == "private key" })
        #expect(privateKey.extractable == false)
        #expect(privateKey.keyType == "p256")
        #expect(objects.contains { $0.kind == "public key" && $0.idHex == privateKey.idHex })
        #expect(objects.contains { $0.kind == "certificate" && $0.idHex == privateKey.idHex && $0.subject?.contains("DEMO ONLY") == true })
        #expect(try PKCS11URI(privateKey.uri).object == label)
    }

    @Test("Workers signing in parallel share one login and each get their own session; every signature verifies")
    func parallelSigning() async throws {
        let token = try SoftHSM.token(readWrite: true)
        let key = try token.generateKey(.p256, label: "parallel-\(UUID().uuidString.prefix(8))", id: Array(UUID().uuidString.utf8.prefix(6)))
        let results = await withTaskGroup(of: Bool.self) { group in
            for worker in 0..<6 {
                group.addTask {
                    (0..<20).allSatisfy { n in
                        let message = Array("worker \(worker) message \(n)".utf8)
                        guard let signature = try? key.sign(message, algorithm: .es256) else { return false }
                        return key.publicKey.isValidSignature(signature, for: message, algorithm: .es256)
                    }
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results == Array(repeating: true, count: 6))
    }
}

@Suite("PKCS#11 failures are one line naming the cause", .enabled(if: SoftHSMFixture.shouldRun, "SoftHSM 2 is not installed (apt-get install softhsm2)"))
struct PKCS11AbuseTests {
    @Test("A wrong PIN is CKR_PIN_INCORRECT, and the message holds neither PIN")
    func wrongPIN() throws {
        let fixture = try SoftHSM.get()
        let module = try PKCS11Module.load(path: fixture.module)
        let wrong = "not-the-pin-9137"
        let error = #expect(throws: PKCS11Error.self) {
            try PKCS11Token(module: module, uri: SoftHSM.uri(SoftHSM.abuseToken), pin: Array(wrong.utf8))
        }
        #expect(error?.code == .wrongPIN)
        #expect(error?.description.contains("CKR_PIN_INCORRECT") == true)
        #expect(error?.description.contains(wrong) == false)
        #expect(error?.description.contains(SoftHSMFixture.pin) == false)
        #expect(error?.description.contains("\n") == false)
    }

    @Test("A token that needs a login and gets no PIN source says so")
    func missingPIN() throws {
        let module = try PKCS11Module.load(path: try SoftHSM.get().module)
        let token = try PKCS11Token(module: module, uri: SoftHSM.uri(SoftHSM.abuseToken), pin: nil)
        #expect(!token.loggedIn)
        let error = #expect(throws: PKCS11Error.self) { try PKCS11SigningKey(token: token, uri: SoftHSM.uri(SoftHSM.abuseToken, object: "seal")) }
        #expect(error?.code == .pinUnusable)
        #expect(error?.message.contains("--pin-source") == true)
    }

    @Test("A missing key names the label looked for and the keys the token has")
    func missingObject() throws {
        let fixture = try SoftHSM.get()
        let existing = try SoftHSM.makeSealKey(.p256)
        let error = #expect(throws: PKCS11Error.self) {
            try PKCS11KeyReference.open(
                "pkcs11:token=\(SoftHSM.keysToken);object=no-such-key", modulePath: fixture.module, pinSource: "file:" + fixture.pinFile.path)
        }
        #expect(error?.code == .objectNotFound)
        #expect(error?.description.contains("object=no-such-key") == true)
        #expect(error?.description.contains(try #require(try PKCS11URI(existing).object)) == true)
    }

    @Test("A token label no slot has lists the tokens present")
    func missingToken() throws {
        let fixture = try SoftHSM.get()
        let error = #expect(throws: PKCS11Error.self) {
            try PKCS11KeyReference.open("pkcs11:token=nope;object=k", modulePath: fixture.module, pinSource: "file:" + fixture.pinFile.path)
        }
        #expect(error?.code == .tokenNotFound)
        #expect(error?.description.contains(SoftHSM.keysToken) == true)
    }

    @Test("An absent module, a file that is no library and a library that is no PKCS#11 module are told apart")
    func badModules() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-p11-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = #expect(throws: PKCS11Error.self) { try PKCS11Module.load(path: folder.appendingPathComponent("absent.so").path) }
        #expect(missing?.code == .moduleNotFound)
        let text = folder.appendingPathComponent("notes.so")
        try Data("not a library".utf8).write(to: text)
        let notLibrary = #expect(throws: PKCS11Error.self) { try PKCS11Module.load(path: text.path) }
        #expect(notLibrary?.code == .notAPKCS11Module)
        #expect(notLibrary?.description.contains("shared library") == true)
        // zlib: a real shared library, but without C_GetFunctionList.
        let zlib = ["/lib/x86_64-linux-gnu/libz.so.1", "/usr/lib/x86_64-linux-gnu/libz.so.1", "/lib/aarch64-linux-gnu/libz.so.1", "/usr/lib/libz.dylib"]
            .first { FileManager.default.fileExists(atPath: $0) }
        if let zlib {
            let noPKCS11 = #expect(throws: PKCS11Error.self) { try PKCS11Module.load(path: zlib) }
            #expect(noPKCS11?.code == .notAPKCS11Module)
            #expect(noPKCS11?.description.contains("C_GetFunctionList") == true)
        }
    }

    @Test("An algorithm that does not fit the token key is refused before the token is asked")
    func algorithmMismatch() throws {
        let token = try SoftHSM.token(readWrite: true)
        let key = try token.generateKey(.p256, label: "mismatch-\(UUID().uuidString.prefix(8))", id: Array(UUID().uuidString.utf8.prefix(6)))
        #expect(throws: KeyError.self) { try key.sign([1, 2, 3], algorithm: .ps256) }
    }
}

/// Checks a JAdES seal with the openssl command-line tool, rebuilding the signing input on its own.
enum OpenSSLCheck {
    static let openssl: URL? = ["/usr/bin/openssl", "/usr/local/bin/openssl", "/opt/homebrew/bin/openssl"]
        .map(URL.init(fileURLWithPath:)).first { FileManager.default.isExecutableFile(atPath: $0.path) }

    /// `nil` (with a note) when openssl is missing and not required.
    static func verifies(_ sealed: [UInt8], publicKey: PublicKey, algorithm: JAdESAlgorithm) throws -> Bool? {
        guard let openssl else {
            if ProcessInfo.processInfo.environment["SKILLCRED_REQUIRE_SHARED"] == "1" { Issue.record("openssl is missing") }
            return nil
        }
        let document = try #require(try JSONParser.parse(sealed).objectValue)
        let entry = try #require(document["signatures"]?.arrayValue?.first?.objectValue)
        let protected = try #require(entry["protected"]?.stringValue)
        let payload = try #require(document["payload"]?.stringValue)
        var signature = try Base64URL.decode(try #require(entry["signature"]?.stringValue))
        // JWS carries ECDSA as r‖s; openssl wants DER.
        if algorithm == .es256 { signature = Array(try P256.Signing.ECDSASignature(rawRepresentation: signature).derRepresentation) }
        if algorithm == .es384 { signature = Array(try P384.Signing.ECDSASignature(rawRepresentation: signature).derRepresentation) }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("p11-openssl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = Array(protected.utf8) + [UInt8(ascii: ".")] + Array(payload.utf8)
        try Data(input).write(to: dir.appendingPathComponent("input.bin"))
        try Data(signature).write(to: dir.appendingPathComponent("sig.bin"))
        try Data(publicKey.pem.utf8).write(to: dir.appendingPathComponent("pub.pem"))
        let arguments: [String]
        switch algorithm {
        case .edDSA: arguments = ["pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-in", "input.bin", "-sigfile", "sig.bin"]
        case .es384: arguments = ["dgst", "-sha384", "-verify", "pub.pem", "-signature", "sig.bin", "input.bin"]
        case .ps256:
            arguments = [
                "dgst", "-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32", "-verify", "pub.pem", "-signature", "sig.bin",
                "input.bin",
            ]
        default: arguments = ["dgst", "-sha256", "-verify", "pub.pem", "-signature", "sig.bin", "input.bin"]
        }
        let good = try ExternalTool.capture(openssl, arguments, in: dir, mergingErrors: true)
        try Data(input + [0x20]).write(to: dir.appendingPathComponent("input.bin"))
        let tampered = try ExternalTool.capture(openssl, arguments, in: dir, mergingErrors: true)
        #expect(tampered.status != 0, "openssl accepted a changed input")
        return good.status == 0 && good.stdout.contains("Verified")
    }
}
