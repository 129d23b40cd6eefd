import CredentialJSON
import Foundation
import KeyManagement
import Multiformats
import Testing

@Suite("Multikey vectors (W3C di-eddsa / di-ecdsa)", .needsSharedData)
struct MultikeyVectorTests {
    /// (file, member holding the secret key): the EdDSA vectors call it `privateKeyMultibase`.
    static let files: [(String, String)] = [
        ("di-eddsa/TestVectors/keyPair.json", "privateKeyMultibase"),
        ("di-ecdsa/TestVectors/p256KeyPair.json", "secretKeyMultibase"),
        ("di-ecdsa/TestVectors/p384KeyPair.json", "secretKeyMultibase"),
    ]

    static func pairs() throws -> [(String, JSONObject)] {
        var out: [(String, JSONObject)] = []
        for (file, _) in files {
            guard let json = try sharedJSON(file) else { continue }
            out.append((file, json.objectValue!))
        }
        if let chain = try sharedJSON("di-eddsa/TestVectors/proof-set-chain/multiKeyPairs.json") {
            for (name, value) in chain.objectValue! { out.append(("multiKeyPairs.json/\(name)", value.objectValue!)) }
        }
        return out
    }

    @Test func publicAndSecretKeysRoundTripAndMatch() throws {
        let pairs = try Self.pairs()
        var passed = 0, failed = 0
        for (name, pair) in pairs {
            let publicText = try #require(pair["publicKeyMultibase"]?.stringValue)
            let secretText = try #require((pair["secretKeyMultibase"] ?? pair["privateKeyMultibase"])?.stringValue)
            let publicKey = try PublicKey(multibase: publicText)
            let privateKey = try PrivateKey(secretKeyMultibase: secretText)
            let reencodedPublic = try publicKey.publicKeyMultibase()
            let reencodedSecret = try privateKey.secretKeyMultibase()
            let derivedPublic = try privateKey.publicKey.publicKeyMultibase()
            let ok =
                reencodedPublic == publicText && reencodedSecret == secretText
                && privateKey.publicKey == publicKey && derivedPublic == publicText
            #expect(ok, "\(name)")
            if ok { passed += 1 } else { failed += 1 }
        }
        print("Multikey vectors: \(passed) passed, \(failed) failed, 0 skipped")
        if !pairs.isEmpty { #expect(pairs.count == 7) }
    }

    @Test func vectorKeysHaveTheExpectedTypesAndPrefixes() throws {
        guard let ed = try sharedJSON("di-eddsa/TestVectors/keyPair.json"),
            let p256 = try sharedJSON("di-ecdsa/TestVectors/p256KeyPair.json"),
            let p384 = try sharedJSON("di-ecdsa/TestVectors/p384KeyPair.json")
        else { return }
        #expect(try PublicKey(multibase: ed["publicKeyMultibase"]!.stringValue!).type == .ed25519)
        #expect(try PublicKey(multibase: p256["publicKeyMultibase"]!.stringValue!).type == .p256)
        #expect(try PublicKey(multibase: p384["publicKeyMultibase"]!.stringValue!).type == .p384)
        #expect(ed["publicKeyMultibase"]!.stringValue!.hasPrefix("z6Mk"))
        #expect(p256["publicKeyMultibase"]!.stringValue!.hasPrefix("zDna"))
        #expect(p384["publicKeyMultibase"]!.stringValue!.hasPrefix("z82L"))
    }

    @Test func aSecretKeyIsNotAcceptedAsAPublicKeyOrTheReverse() throws {
        guard let ed = try sharedJSON("di-eddsa/TestVectors/keyPair.json") else { return }
        let pub = ed["publicKeyMultibase"]!.stringValue!
        let sec = ed["privateKeyMultibase"]!.stringValue!
        #expect(throws: KeyError(.invalidMultikey, "")) { try PublicKey(multibase: sec) }
        #expect(throws: KeyError(.invalidMultikey, "")) { try PrivateKey(secretKeyMultibase: pub) }
    }

    @Test func anInvalidCurvePointIsRejected() throws {
        // A compressed P-256 "point" whose x is p-1 region garbage: prefix 0x02 + 32 × 0xff is not on the curve.
        let bogus = try MulticodecKey(codec: .p256Public, keyBytes: [0x02] + [UInt8](repeating: 0xff, count: 32))
        #expect(throws: KeyError(.invalidKey, "")) { try PublicKey(multibase: bogus.multibase) }
    }
}

@Suite("signing and verification")
struct SigningTests {
    static let message = Array("skillcred test message".utf8)

    @Test(arguments: [
        (KeyType.ed25519, SignatureAlgorithm.eddsa, 64),
        (.p256, .es256, 64),
        (.p384, .es384, 96),
    ])
    func signaturesVerifyAndTamperingIsDetected(type: KeyType, algorithm: SignatureAlgorithm, length: Int) throws {
        let key = try PrivateKey.generate(type)
        #expect(key.type == type)
        let signature = try key.signature(for: Self.message)
        #expect(signature.count == length)
        #expect(key.publicKey.isValidSignature(signature, for: Self.message))
        #expect(key.publicKey.isValidSignature(signature, for: Self.message, algorithm: algorithm))
        var tampered = signature
        tampered[5] ^= 1
        #expect(!key.publicKey.isValidSignature(tampered, for: Self.message))
        #expect(!key.publicKey.isValidSignature(signature, for: Self.message + [0]))
        #expect(!key.publicKey.isValidSignature(signature.dropLast(), for: Self.message))
        let other = try PrivateKey.generate(type)
        #expect(!other.publicKey.isValidSignature(signature, for: Self.message))
    }

    @Test(arguments: [KeyType.p256, .p384])
    func ecdsaSignaturesCanBeDEREncoded(type: KeyType) throws {
        let key = try PrivateKey.generate(type)
        let der = try key.signature(for: Self.message, ecdsaFormat: .der)
        #expect(der.first == 0x30)
        #expect(key.publicKey.isValidSignature(der, for: Self.message, ecdsaFormat: .der))
        #expect(!key.publicKey.isValidSignature(der, for: Self.message, ecdsaFormat: .p1363))
    }

    @Test func ed25519SigningIsDeterministicPerRFC8032() throws {
        // RFC 8032 §7.1 TEST 2.
        let seed = hexBytes("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb")
        let key = try PrivateKey(secretKeyMultibase: try MulticodecKey(codec: .ed25519Secret, keyBytes: seed).multibase)
        #expect(key.publicKey.jwk["x"]?.stringValue == Base64URL.encode(hexBytes("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c")))
        let signature = try key.signature(for: [0x72])
        #expect(
            signature
                == hexBytes(
                    "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
                ))
    }

    @Test(.timeLimit(.minutes(1)), arguments: [SignatureAlgorithm.rs256, .ps256])
    func rsaSignaturesVerify(algorithm: SignatureAlgorithm) throws {
        let key = try PrivateKey.generate(.rsa2048)
        #expect(key.type == .rsa2048)
        let signature = try key.signature(for: Self.message, algorithm: algorithm)
        #expect(signature.count == 256)
        #expect(key.publicKey.isValidSignature(signature, for: Self.message, algorithm: algorithm))
        let otherPadding: SignatureAlgorithm = algorithm == .rs256 ? .ps256 : .rs256
        #expect(!key.publicKey.isValidSignature(signature, for: Self.message, algorithm: otherPadding))
        #expect(!key.publicKey.isValidSignature(signature, for: Self.message + [1], algorithm: algorithm))
    }

    @Test func rsaPKCS1SignaturesAreDeterministic() throws {
        let key = try PrivateKey.generate(.rsa2048)
        #expect(try key.signature(for: Self.message, algorithm: .rs256) == (try key.signature(for: Self.message, algorithm: .rs256)))
    }

    @Test func aMismatchedAlgorithmIsRefused() throws {
        let key = try PrivateKey.generate(.ed25519)
        #expect(throws: KeyError(.algorithmMismatch, "")) { try key.signature(for: Self.message, algorithm: .es256) }
        let signature = try key.signature(for: Self.message)
        #expect(!key.publicKey.isValidSignature(signature, for: Self.message, algorithm: .es256))
        let p256 = try PrivateKey.generate(.p256)
        #expect(throws: KeyError(.algorithmMismatch, "")) { try p256.signature(for: Self.message, algorithm: .es384) }
    }
}

@Suite("JWK")
struct JWKTests {
    /// RFC 8037 Appendix A.1–A.3.
    @Test func ed25519JWKAndThumbprintMatchRFC8037() throws {
        let jwk: JSONObject = ["kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"]
        let key = try PublicKey(jwk: jwk)
        #expect(key.type == .ed25519)
        #expect(key.jwkThumbprint() == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k")
        #expect(key.jwk == jwk)
    }

    /// RFC 7638 §3.1.
    @Test func rsaThumbprintMatchesRFC7638() throws {
        let jwk: JSONObject = [
            "kty": "RSA",
            "n":
                "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
            "e": "AQAB",
            "alg": "RS256",
            "kid": "2011-04-29",
        ]
        let key = try PublicKey(jwk: jwk)
        #expect(key.type == .rsa2048)
        #expect(key.jwkThumbprint() == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
    }

    @Test(arguments: [KeyType.ed25519, .p256, .p384])
    func jwksRoundTrip(type: KeyType) throws {
        let key = try PrivateKey.generate(type).publicKey
        #expect(try PublicKey(jwk: key.jwk) == key)
    }

    @Test func privateMembersAreRefused() throws {
        let jwk: JSONObject = [
            "kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
            "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
        ]
        let error = try #require(throws: KeyError.self) { try PublicKey(jwk: jwk) }
        #expect(error.code == .privateMaterialInPublicJWK)
        #expect(!error.description.contains("nWGxne"))
    }

    @Test func wrongLengthsAndCurvesAreRefused() throws {
        let key = try PrivateKey.generate(.p256).publicKey
        var jwk = key.jwk
        jwk["x"] = .string(Base64URL.encode([UInt8](repeating: 1, count: 31)))
        #expect(throws: KeyError(.invalidJWK, "")) { try PublicKey(jwk: jwk) }
        jwk = key.jwk
        jwk["crv"] = "P-521"
        #expect(throws: KeyError(.unsupportedKeyType, "")) { try PublicKey(jwk: jwk) }
        jwk = key.jwk
        jwk["y"] = jwk["x"]
        #expect(throws: KeyError(.invalidKey, "")) { try PublicKey(jwk: jwk) }
        jwk = key.jwk
        jwk["x"] = .string(jwk["x"]!.stringValue! + "=")
        #expect(throws: KeyError(.invalidJWK, "")) { try PublicKey(jwk: jwk) }
        #expect(throws: KeyError(.unsupportedKeyType, "")) { try PublicKey(jwk: ["kty": "oct", "kk": "x"]) }
        #expect(throws: KeyError(.invalidJWK, "")) { try PublicKey(jwk: ["crv": "Ed25519"]) }
    }
}

@Suite("PKCS#8 and PEM")
struct PEMTests {
    @Test(arguments: [KeyType.ed25519, .p256, .p384, .rsa2048])
    func pkcs8PEMRoundTrips(type: KeyType) throws {
        let key = try PrivateKey.generate(type)
        let pem = key.pkcs8PEM()
        #expect(pem.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        let again = try PrivateKey(pem: pem)
        #expect(again.type == type)
        #expect(again.publicKey == key.publicKey)
        #expect(again.pkcs8DER() == key.pkcs8DER())
        let publicAgain = try PublicKey(pem: key.publicKey.pem)
        #expect(publicAgain == key.publicKey)
    }

    @Test func ed25519PKCS8MatchesRFC8410Example() throws {
        // RFC 8410 §10.3.
        let pem = """
            -----BEGIN PRIVATE KEY-----
            MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC
            -----END PRIVATE KEY-----
            """
        let key = try PrivateKey(pem: pem)
        #expect(key.type == .ed25519)
        #expect(key.pkcs8PEM() == pem + "\n")
        #expect(key.publicKey.pem.contains("MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE="))
    }

    /// RFC 5958 OneAsymmetricKey v2 (with the public key), using RFC 8032 §7.1 TEST 2's key pair.
    @Test func pkcs8Version2IsReadAndItsPublicKeyMustMatch() throws {
        let seed = hexBytes("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb")
        let pub = hexBytes("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c")
        let prefix: [UInt8] = [0x30, 0x51, 0x02, 0x01, 0x01, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]
        let der = prefix + seed + [0x81, 0x21, 0x00] + pub
        let key = try PrivateKey(pkcs8DER: der)
        #expect(key.publicKey.jwk["x"]?.stringValue == Base64URL.encode(pub))
        var wrong = pub
        wrong[0] ^= 1
        #expect(throws: KeyError(.invalidKey, "")) { try PrivateKey(pkcs8DER: prefix + seed + [0x81, 0x21, 0x00] + wrong) }
        // Version 2 is not defined.
        var badVersion = der
        badVersion[4] = 2
        #expect(throws: KeyError(.invalidDER, "")) { try PrivateKey(pkcs8DER: badVersion) }
    }

    @Test func unsupportedAlgorithmsAreNamed() throws {
        // X25519 PKCS#8 (RFC 8410 OID 1.3.101.110) cannot sign.
        let x25519: [UInt8] =
            [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20]
            + [UInt8](repeating: 7, count: 32)
        let error = try #require(throws: KeyError.self) { try PrivateKey(pkcs8DER: x25519) }
        #expect(error.code == .unsupportedKeyType)
        #expect(error.message.contains("X25519"))
    }

    @Test func encryptedAndUnknownPEMAreRefusedWithoutEchoingContent() throws {
        let encrypted = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBvTBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQI\n-----END ENCRYPTED PRIVATE KEY-----\n"
        let e1 = try #require(throws: KeyError.self) { try PrivateKey(pem: encrypted) }
        #expect(e1.code == .encryptedKey)
        #expect(e1.message.contains("openssl pkey"))
        let certificate = "-----BEGIN CERTIFICATE-----\nMIIBSECRETSECRET\n-----END CERTIFICATE-----\n"
        let e2 = try #require(throws: KeyError.self) { try PrivateKey(pem: certificate) }
        #expect(!e2.description.contains("SECRETSECRET"))
        let garbage = "-----BEGIN PRIVATE KEY-----\nAAAASECRETSECRET\n-----END PRIVATE KEY-----\n"
        let e3 = try #require(throws: KeyError.self) { try PrivateKey(pem: garbage) }
        #expect(!e3.description.contains("SECRETSECRET"))
        #expect(throws: KeyError(.invalidPEM, "")) { try PrivateKey(pem: "not pem") }
    }
}

@Suite("OpenSSL interoperability", .enabled(if: opensslPath != nil, "openssl CLI not installed"))
struct OpenSSLTests {
    @Test(arguments: [KeyType.ed25519, .p256, .p384, .rsa2048])
    func opensslReadsOurPKCS8AndAgreesOnThePublicKey(type: KeyType) throws {
        let key = try PrivateKey.generate(type)
        let result = try openssl(["pkey", "-pubout"], input: Array(key.pkcs8PEM().utf8))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(String(decoding: result.stdout, as: UTF8.self) == key.publicKey.pem)
    }

    /// (openssl arguments, expected type, PEM label OpenSSL writes).
    @Test(arguments: [
        (["genpkey", "-algorithm", "ed25519"], KeyType.ed25519, "PRIVATE KEY"),
        (["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"], .p256, "PRIVATE KEY"),
        (["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"], .p384, "PRIVATE KEY"),
        (["ecparam", "-name", "prime256v1", "-genkey"], .p256, "EC PRIVATE KEY"),
        (["ecparam", "-name", "secp384r1", "-genkey", "-noout"], .p384, "EC PRIVATE KEY"),
        (["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"], .rsa2048, "PRIVATE KEY"),
        (["genrsa", "-traditional", "2048"], .rsa2048, "RSA PRIVATE KEY"),
    ])
    func weImportKeysOpenSSLGenerates(arguments: [String], type: KeyType, label: String) throws {
        let generated = try openssl(arguments)
        #expect(generated.status == 0, "\(generated.stderr)")
        let pem = String(decoding: generated.stdout, as: UTF8.self)
        #expect(pem.contains("-----BEGIN \(label)-----"))
        let key = try PrivateKey(pem: pem)
        #expect(key.type == type)
        let publicPEM = try openssl(["pkey", "-pubout"], input: generated.stdout)
        #expect(String(decoding: publicPEM.stdout, as: UTF8.self) == key.publicKey.pem)
        // And the key signs something OpenSSL's public key accepts through us.
        let signature = try key.signature(for: [1, 2, 3])
        #expect(try PublicKey(pem: String(decoding: publicPEM.stdout, as: UTF8.self)).isValidSignature(signature, for: [1, 2, 3]))
    }

    @Test func opensslVerifiesOurEd25519AndECDSASignatures() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let message = Array("interop".utf8)
        let messagePath = directory.appendingPathComponent("msg").path
        try Data(message).write(to: URL(fileURLWithPath: messagePath))
        for (type, format) in [(KeyType.ed25519, ECDSASignatureFormat.p1363), (.p256, .der), (.p384, .der)] {
            let key = try PrivateKey.generate(type)
            let pubPath = directory.appendingPathComponent("\(type).pub").path
            let sigPath = directory.appendingPathComponent("\(type).sig").path
            try Data(key.publicKey.pem.utf8).write(to: URL(fileURLWithPath: pubPath))
            try Data(try key.signature(for: message, ecdsaFormat: format)).write(to: URL(fileURLWithPath: sigPath))
            let arguments: [String] =
                type == .ed25519
                ? ["pkeyutl", "-verify", "-pubin", "-inkey", pubPath, "-rawin", "-in", messagePath, "-sigfile", sigPath]
                : ["dgst", type == .p256 ? "-sha256" : "-sha384", "-verify", pubPath, "-signature", sigPath, messagePath]
            let result = try openssl(arguments)
            #expect(result.status == 0, "\(type): \(result.stderr)")
        }
        // RS256 and PS256 (salt length = hash length, as RFC 7518 §3.5 requires).
        let rsa = try PrivateKey.generate(.rsa2048)
        let pubPath = directory.appendingPathComponent("rsa.pub").path
        try Data(rsa.publicKey.pem.utf8).write(to: URL(fileURLWithPath: pubPath))
        for algorithm in [SignatureAlgorithm.rs256, .ps256] {
            let sigPath = directory.appendingPathComponent("\(algorithm).sig").path
            try Data(try rsa.signature(for: message, algorithm: algorithm)).write(to: URL(fileURLWithPath: sigPath))
            var arguments = ["dgst", "-sha256", "-verify", pubPath, "-signature", sigPath]
            if algorithm == .ps256 {
                arguments += ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32", "-sigopt", "rsa_mgf1_md:sha256"]
            }
            let result = try openssl(arguments + [messagePath])
            #expect(result.status == 0, "\(algorithm): \(result.stderr)")
        }
    }
}

@Suite("redaction")
struct RedactionTests {
    @Test(arguments: [KeyType.ed25519, .p256, .p384])
    func descriptionsNeverContainPrivateMaterial(type: KeyType) throws {
        let key = try PrivateKey.generate(type)
        let secret = try key.secretKeyMultibase()
        let pemBody = key.pkcs8PEM().split(separator: "\n").dropFirst().dropLast().joined()
        var dumped = ""
        dump(key, to: &dumped)
        for text in [String(describing: key), String(reflecting: key), "\(key)", dumped, String(describing: [key])] {
            #expect(!text.contains(secret))
            #expect(!text.contains(String(secret.dropFirst(4))))
            #expect(!text.contains(String(pemBody.suffix(40))))
            #expect(text.contains("redacted"))
        }
        #expect(String(describing: key).contains(try key.publicKey.publicKeyMultibase()))
    }

    @Test func rsaDescriptionsNeverContainPrivateMaterial() throws {
        let key = try PrivateKey.generate(.rsa2048)
        let pemBody = key.pkcs8PEM().split(separator: "\n").dropFirst().dropLast().joined()
        let text = String(reflecting: key)
        #expect(!text.contains(String(pemBody.suffix(40))))
        #expect(text.contains("redacted"))
    }
}
