import CredentialJSON
import Crypto
import Foundation
import JAdES
import KeyManagement
import SwiftASN1
import TestSupport
import Testing
import X509

/// A small PKI made at test time with swift-certificates (no private key is committed): a CA the verifier is told to
/// trust, a time-stamping authority it is told to trust, and the material an attacker can make for free.
struct ForgeryPKI {
    let directory: URL
    let caKey = P256.Signing.PrivateKey()
    let ca: Certificate
    let tsaRootKey = P256.Signing.PrivateKey()
    let tsaRoot: Certificate
    let now = Date()
    static let year = 365.0 * 86_400
    static let universityOrg = "VATBE-0123456789"
    static let universityDID = "did:web:university.example"

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-forgery-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let start = now.addingTimeInterval(-10 * Self.year)
        let caName = try DistinguishedName {
            CountryName("BE"); OrganizationName("Test Qualified CA"); CommonName("Test Qualified CA for e-seals")
        }
        ca = try Self.caCertificate(name: caName, key: caKey, from: start, until: now.addingTimeInterval(10 * Self.year))
        let tsaName = try DistinguishedName {
            CountryName("BE"); OrganizationName("Test TSA Root"); CommonName("Test Time-Stamping Root")
        }
        tsaRoot = try Self.caCertificate(name: tsaName, key: tsaRootKey, from: start, until: now.addingTimeInterval(10 * Self.year))
        try write(ca, to: "anchors/ca.pem")
        try write(tsaRoot, to: "tsa-anchors/tsa-root.pem")
        let trusted = """
            {"trustedIssuers": [
              {"id": "\(Self.universityDID)", "name": "University of Example"},
              {"organizationIdentifier": "\(Self.universityOrg)", "name": "University of Example (e-seal)"}
            ]}
            """
        try Data(trusted.utf8).write(to: url("trusted-issuers.json"))
    }

    func url(_ path: String) -> URL { directory.appendingPathComponent(path) }
    var anchorDirectory: URL { url("anchors") }
    var tsaAnchorDirectory: URL { url("tsa-anchors") }
    var trustedIssuersFile: URL { url("trusted-issuers.json") }

    func write(_ certificate: Certificate, to path: String) throws {
        let target = url(path)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data((try certificate.serializeAsPEM().pemString + "\n").utf8).write(to: target)
    }

    static func caCertificate(name: DistinguishedName, key: P256.Signing.PrivateKey, from: Date, until: Date) throws -> Certificate {
        try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: from, notValidAfter: until, issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 1))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: .init(key.publicKey))
            },
            issuerPrivateKey: .init(key))
    }

    /// An e-seal certificate for an organisation, issued by the trusted CA or, with `selfSigned`, by nobody.
    func seal(
        organization: String, identifier: String, selfSigned: Bool = false,
        from: Date? = nil, until: Date? = nil
    ) throws -> JAdESSealer {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName([
            RelativeDistinguishedName.Attribute(type: .RDNAttributeType.countryName, printableString: "BE"),
            RelativeDistinguishedName.Attribute(type: .RDNAttributeType.organizationName, utf8String: organization),
            RelativeDistinguishedName.Attribute(type: .RDNAttributeType.organizationIdentifier, utf8String: identifier),
            RelativeDistinguishedName.Attribute(type: .RDNAttributeType.commonName, utf8String: organization + " e-seal"),
        ])
        let issuerName = selfSigned ? name : ca.subject
        let leaf = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: from ?? now.addingTimeInterval(-86_400), notValidAfter: until ?? now.addingTimeInterval(2 * Self.year),
            issuer: issuerName, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, nonRepudiation: true))
            },
            issuerPrivateKey: selfSigned ? .init(key) : .init(caKey))
        return try JAdESSealer(privateKey: .p256(key), certificateChain: selfSigned ? [leaf] : [leaf, ca])
    }

    /// A time-stamping authority: its key and certificate as PEM files for `openssl ts -reply`, and its config.
    struct TSA {
        let config: URL
    }

    /// Makes a TSA certificate (critical EKU timeStamping) under `root` (the trusted TSA root, or a rogue one).
    func tsa(named name: String, rogue: Bool) throws -> TSA {
        let folder = url("tsa-\(name)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let rootKey = rogue ? P256.Signing.PrivateKey() : tsaRootKey
        let root =
            rogue
            ? try Self.caCertificate(
                name: try DistinguishedName { CommonName("Rogue TSA root \(name)") }, key: rootKey,
                from: now.addingTimeInterval(-10 * Self.year), until: now.addingTimeInterval(10 * Self.year))
            : tsaRoot
        let key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName {
            CountryName("BE"); OrganizationName(rogue ? "Rogue TSA" : "Test TSA"); CommonName("\(name) time-stamping unit")
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-9 * Self.year), notValidAfter: now.addingTimeInterval(9 * Self.year),
            issuer: root.subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                Critical(try ExtendedKeyUsage([.timeStamping]))
            },
            issuerPrivateKey: .init(rootKey))
        try Data(key.pemRepresentation.utf8).write(to: folder.appendingPathComponent("tsa.key"))
        try Data((try certificate.serializeAsPEM().pemString + "\n").utf8).write(to: folder.appendingPathComponent("tsa.pem"))
        try Data((try root.serializeAsPEM().pemString + "\n").utf8).write(to: folder.appendingPathComponent("root.pem"))
        let config = """
            [ tsa ]
            default_tsa = tsa_config
            [ tsa_config ]
            dir = \(folder.path)
            serial = $dir/serial
            signer_cert = $dir/tsa.pem
            certs = $dir/root.pem
            signer_key = $dir/tsa.key
            \(TSAConfiguration.commonSettings)
            """
        try Data(config.utf8).write(to: folder.appendingPathComponent("tsa.cnf"))
        try Data("01\n".utf8).write(to: folder.appendingPathComponent("serial"))
        return TSA(config: folder.appendingPathComponent("tsa.cnf"))
    }

    /// An RFC 3161 token (DER) over `data`, made by `openssl ts` with the clock set to `time` by `faketime`.
    func timeStampToken(over data: [UInt8], by tsa: TSA, at time: Date) throws -> [UInt8] {
        let work = url("ts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try Data(data).write(to: work.appendingPathComponent("data"))
        try Self.run(["openssl", "ts", "-query", "-data", "data", "-sha256", "-cert", "-out", "q.tsq"], in: work)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        try Self.run(
            [
                "faketime", "-f", "@" + formatter.string(from: time), "openssl", "ts", "-reply", "-config", tsa.config.path,
                "-queryfile", "q.tsq", "-token_out", "-out", "token.der",
            ], in: work, environment: ["TZ": "UTC"])
        return Array(try Data(contentsOf: work.appendingPathComponent("token.der")))
    }

    static func run(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws {
        try ExternalTool.run(URL(fileURLWithPath: "/usr/bin/env"), arguments, in: directory, environment: environment)
    }

    struct ToolFailure: Error, CustomStringConvertible { let description: String }
}

/// A sealed document with a signature time-stamp token added to its unprotected header (`etsiU` → `sigTst`).
func addingSignatureTimeStamp(_ token: [UInt8], to document: JSONValue) throws -> JSONValue {
    guard case .object(var o) = document, case .array(var signatures)? = o["signatures"], case .object(var entry)? = signatures.first else {
        throw ForgeryPKI.ToolFailure(description: "not a general JWS JSON document")
    }
    let item: JSONValue = ["sigTst": ["tstTokens": [["val": .string(Data(token).base64EncodedString())]]]]
    entry["header"] = ["etsiU": [item]]
    signatures[0] = .object(entry)
    o["signatures"] = .array(signatures)
    return .object(o)
}

/// The signature value of a sealed document's first signature, as written (the sigTst imprint covers these bytes).
func signatureValue(_ document: JSONValue) -> [UInt8] {
    Array((document["signatures"]?.arrayValue?.first?["signature"]?.stringValue ?? "").utf8)
}

/// A real EDC payload (one skillcred issued, from samples/issued), re-addressed to an organisation: its issuer's eIDAS
/// identifier set to `identifier`, status entry removed (no status source is configured in these tests).
func edcPayload(eIDASIdentifier identifier: String) throws -> JSONValue {
    let file = SharedData.packageRoot.appendingPathComponent("samples/issued/edc/micro-credential/L-0001.json")
    let sealed = try JSONParser.parse(Array(try Data(contentsOf: file)))
    var payload = try JSONParser.parse(Array((sealed["payload"]?.stringValue ?? "").utf8))
    guard case .object(var o) = payload, case .object(var issuer)? = o["issuer"],
        case .object(var legal)? = issuer["eIDASIdentifier"]
    else { throw ForgeryPKI.ToolFailure(description: "unexpected sample shape") }
    legal["notation"] = .string(identifier)
    issuer["eIDASIdentifier"] = .object(legal)
    issuer["id"] = .string("urn:epass:org:6f1f7d3c-0000-4000-8000-00000000beef")
    o["issuer"] = .object(issuer)
    o["credentialStatus"] = nil
    payload = .object(o)
    return payload
}

/// A VC 2.0 payload claiming `issuer`.
func vc2Payload(issuer: String, name: String = "Bachelor of Science") -> JSONValue {
    [
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
        "id": "urn:uuid:0b5f6a4e-0000-4000-8000-00000000f00d",
        "type": ["VerifiableCredential", "ExampleDegreeCredential"],
        "issuer": .string(issuer),
        "validFrom": "2025-01-01T00:00:00Z",
        "name": .string(name),
        "credentialSubject": ["id": "did:example:learner", "degree": ["type": "ExampleBachelorDegree", "name": .string(name)]],
    ]
}
