import SwiftASN1

/// ASN.1 structures swift-crypto does not expose for every key type: PKCS#8 (RFC 5208/5958) and
/// SubjectPublicKeyInfo for Ed25519 (RFC 8410), and the algorithm/curve dispatch needed to pick
/// the right swift-crypto type for a PEM file made by OpenSSL. This is container parsing only;
/// all key arithmetic stays in swift-crypto.
///
/// Error messages here describe structure, never content, because the input is secret.
enum ASN1Support {
    enum Algorithm: Sendable {
        case ed25519, ecP256, ecP384, rsa

        var displayName: String {
            switch self {
            case .ed25519: return "Ed25519"
            case .ecP256: return "P-256"
            case .ecP384: return "P-384"
            case .rsa: return "RSA"
            }
        }
    }

    static let ed25519OID: ASN1ObjectIdentifier = [1, 3, 101, 112]
    static let ecPublicKeyOID: ASN1ObjectIdentifier = [1, 2, 840, 10045, 2, 1]
    static let rsaEncryptionOID: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 1]
    static let rsaPSSOID: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 10]
    static let p256OID: ASN1ObjectIdentifier = [1, 2, 840, 10045, 3, 1, 7]
    static let p384OID: ASN1ObjectIdentifier = [1, 3, 132, 0, 34]
    static let x25519OID: ASN1ObjectIdentifier = [1, 3, 101, 110]
    static let ed448OID: ASN1ObjectIdentifier = [1, 3, 101, 113]

    struct PEM {
        var type: String
        var der: [UInt8]
    }

    static func pemDocument(_ text: String) throws(KeyError) -> PEM {
        do {
            let document = try PEMDocument(pemString: text)
            return PEM(type: document.discriminator, der: document.derBytes)
        } catch {
            throw KeyError(.invalidPEM, "not a PEM document (expected one -----BEGIN …----- block with base64 content)")
        }
    }

    static func pem(label: String, der: [UInt8]) -> String {
        PEMDocument(type: label, derBytes: der).pemString + "\n"
    }

    // MARK: Algorithm identifiers

    private static func algorithm(oid: ASN1ObjectIdentifier, parameters: ASN1Node?, what: String) throws(KeyError) -> Algorithm {
        if oid == ed25519OID {
            guard parameters == nil else {
                throw KeyError(.invalidDER, "\(what): Ed25519 algorithm identifier must not have parameters (RFC 8410)")
            }
            return .ed25519
        }
        if oid == ecPublicKeyOID {
            guard let parameters, let curve = try? ASN1ObjectIdentifier(derEncoded: parameters) else {
                throw KeyError(.invalidDER, "\(what): EC key without a named curve (explicit curve parameters are not supported)")
            }
            if curve == p256OID { return .ecP256 }
            if curve == p384OID { return .ecP384 }
            throw KeyError(.unsupportedKeyType, "\(what): EC curve \(curve) is not supported (only P-256 and P-384)")
        }
        if oid == rsaEncryptionOID { return .rsa }
        if oid == rsaPSSOID {
            throw KeyError(
                .unsupportedKeyType, "\(what): RSASSA-PSS-restricted keys (OID 1.2.840.113549.1.1.10) are not supported; export the key as plain rsaEncryption")
        }
        if oid == x25519OID {
            throw KeyError(.unsupportedKeyType, "\(what): X25519 keys cannot sign; use an Ed25519 key")
        }
        if oid == ed448OID {
            throw KeyError(.unsupportedKeyType, "\(what): Ed448 keys are not supported")
        }
        throw KeyError(.unsupportedKeyType, "\(what): key algorithm \(oid) is not supported (Ed25519, P-256, P-384, RSA)")
    }

    private static func parseAlgorithmIdentifier(_ node: ASN1Node, what: String) throws(KeyError) -> Algorithm {
        let parsed: (ASN1ObjectIdentifier, ASN1Node?)
        do {
            parsed = try DER.sequence(node, identifier: .sequence) { nodes in
                let oid = try ASN1ObjectIdentifier(derEncoded: &nodes)
                let parameters = nodes.next()
                return (oid, parameters)
            }
        } catch {
            throw KeyError(.invalidDER, "\(what): malformed AlgorithmIdentifier")
        }
        // An explicit NULL parameter is normal for RSA and harmless elsewhere; treat it as absent.
        var parameters = parsed.1
        if parameters?.identifier == .null { parameters = nil }
        return try algorithm(oid: parsed.0, parameters: parameters, what: what)
    }

    // MARK: PKCS#8

    struct PKCS8 {
        var algorithm: Algorithm
        /// The contents of the `privateKey` OCTET STRING (itself DER for every algorithm here).
        var privateKey: [UInt8]
        /// The OneAsymmetricKey `publicKey` bits, when present.
        var publicKey: [UInt8]?
    }

    static func parsePKCS8(_ der: [UInt8]) throws(KeyError) -> PKCS8 {
        let what = "PKCS#8 private key"
        let root: ASN1Node
        do { root = try DER.parse(der) } catch {
            throw KeyError(.invalidDER, "\(what): not valid DER")
        }
        var algorithmNode: ASN1Node?
        var privateKey: [UInt8] = []
        var publicKey: [UInt8]?
        do {
            try DER.sequence(root, identifier: .sequence) { nodes in
                let version = try Int(derEncoded: &nodes)
                guard version == 0 || version == 1 else {
                    throw ASN1Error.invalidASN1Object(reason: "version")
                }
                guard let alg = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "algorithm") }
                algorithmNode = alg
                privateKey = Array(try ASN1OctetString(derEncoded: &nodes).bytes)
                while let node = nodes.next() {
                    if node.identifier == ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific) {
                        let bits = try ASN1BitString(derEncoded: node, withIdentifier: node.identifier)
                        publicKey = Array(bits.bytes)
                    }
                    // [0] attributes are allowed and ignored.
                }
            }
        } catch {
            throw KeyError(.invalidDER, "\(what): malformed OneAsymmetricKey structure")
        }
        guard let algorithmNode else { throw KeyError(.invalidDER, "\(what): missing algorithm") }
        let algorithm = try parseAlgorithmIdentifier(algorithmNode, what: what)
        return PKCS8(algorithm: algorithm, privateKey: privateKey, publicKey: publicKey)
    }

    /// The 32-byte Ed25519 seed inside a PKCS#8 `privateKey` (an inner OCTET STRING, RFC 8410 §7).
    static func ed25519Seed(fromPKCS8PrivateKey inner: [UInt8]) throws(KeyError) -> [UInt8] {
        let seed: [UInt8]
        do {
            seed = Array(try ASN1OctetString(derEncoded: inner).bytes)
        } catch {
            throw KeyError(.invalidDER, "PKCS#8 Ed25519 private key: the CurvePrivateKey is not an OCTET STRING")
        }
        guard seed.count == 32 else {
            throw KeyError(.invalidKey, "Ed25519 private key must be 32 bytes, found \(seed.count)")
        }
        return seed
    }

    /// PKCS#8 v1 for an Ed25519 seed, the form `openssl genpkey -algorithm ed25519` writes.
    static func ed25519PKCS8(seed: [UInt8]) -> [UInt8] {
        var serializer = DER.Serializer()
        // Serializing fixed, well-formed values cannot fail.
        try! serializer.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(0)
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                try coder.serialize(ed25519OID)
            }
            var inner = DER.Serializer()
            try inner.serialize(ASN1OctetString(contentBytes: ArraySlice(seed)))
            try coder.serialize(ASN1OctetString(contentBytes: ArraySlice(inner.serializedBytes)))
        }
        return serializer.serializedBytes
    }

    // MARK: SEC1

    struct SEC1 {
        var algorithm: Algorithm
        var privateKey: [UInt8]
        var publicKey: [UInt8]?
    }

    /// Parses an RFC 5915 ECPrivateKey ("EC PRIVATE KEY"); the curve comes from the parameters,
    /// or from the scalar length when OpenSSL omitted them.
    static func parseSEC1(_ der: [UInt8]) throws(KeyError) -> SEC1 {
        let what = "SEC1 EC private key"
        var scalar: [UInt8] = []
        var curve: ASN1ObjectIdentifier?
        var publicKey: [UInt8]?
        do {
            let root = try DER.parse(der)
            try DER.sequence(root, identifier: .sequence) { nodes in
                let version = try Int(derEncoded: &nodes)
                guard version == 1 else { throw ASN1Error.invalidASN1Object(reason: "version") }
                scalar = Array(try ASN1OctetString(derEncoded: &nodes).bytes)
                while let node = nodes.next() {
                    if node.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
                        curve = try DER.explicitlyTagged(node, tagNumber: 0, tagClass: .contextSpecific) { inner in
                            try ASN1ObjectIdentifier(derEncoded: inner)
                        }
                    } else if node.identifier == ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific) {
                        publicKey = try DER.explicitlyTagged(node, tagNumber: 1, tagClass: .contextSpecific) { inner in
                            Array(try ASN1BitString(derEncoded: inner).bytes)
                        }
                    }
                }
            }
        } catch {
            throw KeyError(.invalidDER, "\(what): malformed ECPrivateKey structure")
        }
        let algorithm: Algorithm
        if let curve {
            if curve == p256OID {
                algorithm = .ecP256
            } else if curve == p384OID {
                algorithm = .ecP384
            } else {
                throw KeyError(.unsupportedKeyType, "\(what): EC curve \(curve) is not supported (only P-256 and P-384)")
            }
        } else if scalar.count == 32 {
            algorithm = .ecP256
        } else if scalar.count == 48 {
            algorithm = .ecP384
        } else {
            throw KeyError(.invalidDER, "\(what): no curve parameters and a \(scalar.count)-byte scalar")
        }
        return SEC1(algorithm: algorithm, privateKey: scalar, publicKey: publicKey)
    }

    // MARK: SPKI

    struct SPKI {
        var algorithm: Algorithm
        var keyBytes: [UInt8]
    }

    static func parseSPKI(_ der: [UInt8]) throws(KeyError) -> SPKI {
        let what = "SubjectPublicKeyInfo"
        var algorithmNode: ASN1Node?
        var keyBytes: [UInt8] = []
        do {
            let root = try DER.parse(der)
            try DER.sequence(root, identifier: .sequence) { nodes in
                guard let alg = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "algorithm") }
                algorithmNode = alg
                let bits = try ASN1BitString(derEncoded: &nodes)
                guard bits.paddingBits == 0 else { throw ASN1Error.invalidASN1Object(reason: "padding") }
                keyBytes = Array(bits.bytes)
            }
        } catch {
            throw KeyError(.invalidDER, "\(what): malformed structure")
        }
        guard let algorithmNode else { throw KeyError(.invalidDER, "\(what): missing algorithm") }
        return SPKI(algorithm: try parseAlgorithmIdentifier(algorithmNode, what: what), keyBytes: keyBytes)
    }

    static func ed25519SPKI(_ key: [UInt8]) -> [UInt8] {
        var serializer = DER.Serializer()
        try! serializer.appendConstructedNode(identifier: .sequence) { coder in
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                try coder.serialize(ed25519OID)
            }
            try coder.serialize(ASN1BitString(bytes: ArraySlice(key)))
        }
        return serializer.serializedBytes
    }
}
