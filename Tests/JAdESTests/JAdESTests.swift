import CredentialJSON
import Crypto
import Foundation
import JAdES
import SwiftASN1
import TestSupport
import Testing
import X509

/// The six signed files of ../shared/edc-samples (README.txt there, oracle A).
let signedSamples = [
    "edc-samples/ec-elm/v3.1-master/Sample-CertOfPart-signed.jsonld",
    "edc-samples/ec-elm/v3.1-master/Sample-MC-Annex1-signed.jsonld",
    "edc-samples/mynextid/edc-dc-signed.jsonld",
    "edc-samples/mynextid/edc-mc-signed.jsonld",
    "edc-samples/ec-edci-code/credential-signed.jsonld",
    "edc-samples/ec-edci-code/json_to_seal-signed-jades-baseline-lta.json",
]

/// Reads a shared sample, or nil (the test then returns after SharedData printed why).
func sampleBytes(_ path: String) throws -> [UInt8]? {
    guard let url = SharedData.shared(path) else { return nil }
    return Array(try SharedData.data(url))
}

func status(_ result: JAdESVerificationResult, _ code: JAdESCheck.Code) -> JAdESCheck.Status? {
    let matching = result.checks.filter { $0.code == code }
    if matching.contains(where: { $0.status == .error }) { return .error }
    return matching.last?.status
}

/// Replaces the first signature's protected header with `edit(header)` re-encoded, keeping everything else.
func withEditedHeader(_ bytes: [UInt8], _ edit: (JSONObject) -> JSONObject) throws -> [UInt8] {
    var document = try #require(try JSONParser.parse(bytes).objectValue)
    var signatures = try #require(document["signatures"]?.arrayValue)
    var entry = try #require(signatures[0].objectValue)
    let protected = try #require(entry["protected"]?.stringValue)
    let headerBytes = try #require(base64URLDecode(protected))
    let header = try #require(try JSONParser.parse(headerBytes).objectValue)
    entry["protected"] = .string(base64URLEncode(JSONWriter.data(.object(edit(header)))))
    signatures[0] = .object(entry)
    document["signatures"] = .array(signatures)
    return JSONWriter.data(.object(document))
}

func base64URLDecode(_ s: String) -> [UInt8]? {
    var t = s.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while t.count % 4 != 0 { t += "=" }
    return Data(base64Encoded: t).map(Array.init)
}

func base64URLEncode(_ bytes: [UInt8]) -> String {
    Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
        .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
}

@Suite("EU and third-party JAdES samples", .needsSharedData)
struct SampleTests {
    @Test("All six signed samples verify: signature, x5t#S256, kid, crit, signing time", arguments: signedSamples)
    func signedSampleVerifies(path: String) throws {
        guard let bytes = try sampleBytes(path) else { return }
        let result = JAdESVerifier().verify(bytes)
        for check in result.checks { print("\(path): \(check)") }
        #expect(result.isValid, "\(result.firstError.map(String.init(describing:)) ?? "")")
        #expect(result.serialization == .general)
        for code in [
            JAdESCheck.Code.signature, .certificateDigest, .issuerSerial, .critical, .algorithm,
            .signingTime, .certificateValidityAtSigningTime,
        ] {
            #expect(status(result, code) == .ok, "\(code)")
        }
        let signature = try #require(result.signatures.first)
        #expect(signature.algorithm == .rs256)
        #expect(signature.signingTime != nil)
        let signer = try #require(signature.signer)
        #expect(signer.organizationIdentifier?.hasPrefix("VAT") == true || signer.organizationIdentifier?.hasPrefix("NTR") == true)
        #expect(signer.keyUsage.contains("nonRepudiation"))
        // The payload is the credential text, parseable once the seal checks out.
        let payload = try #require(result.payload)
        #expect(try JSONParser.parse(payload).objectValue != nil)
    }

    @Test("EU sample suite summary: every signed sample verifies")
    func sampleSummary() throws {
        var passed = 0, failed = 0, skipped = 0
        for path in signedSamples {
            guard let bytes = try sampleBytes(path) else { skipped += 1; continue }
            let result = JAdESVerifier().verify(bytes)
            if result.isValid {
                passed += 1
            } else {
                failed += 1
                print("FAILED \(path): \(result.firstError.map(String.init(describing:)) ?? "")")
            }
        }
        print("JAdES signed samples: \(passed) passed, \(failed) failed, \(skipped) skipped")
        #expect(failed == 0)
        #expect(passed + skipped == signedSamples.count)
    }

    @Test("A verifier that does not accept adoTst refuses the EC samples' crit")
    func strictCritRefusesContentTimestamp() throws {
        guard let bytes = try sampleBytes(signedSamples[0]) else { return }
        let strict = JAdESVerifier(understoodCriticalHeaders: ["b64", "sigT"])
        let result = strict.verify(bytes)
        #expect(!result.isValid)
        #expect(status(result, .critical) == .error)
    }

    @Test("Signer summary of the EC sample seal reads the eIDAS organisation identifier")
    func signerSummary() throws {
        guard let bytes = try sampleBytes(signedSamples[0]) else { return }
        let signer = try #require(JAdESVerifier().verify(bytes).signatures.first?.signer)
        #expect(signer.organizationIdentifier == "VATES-A00000000")
        #expect(signer.organizationName == "ORGANIZACION TEST")
        #expect(signer.commonName == "TEST SEAL")
        #expect(signer.country == "ES")
        #expect(signer.serialNumber == "03378F4D568B289FB8ED0C03")
        #expect(signer.issuer.contains("ANF AC Qualified Certificates for eSeal"))
    }

    @Test("IssuerSerial encoding reproduces the EU's kid bytes exactly", arguments: signedSamples)
    func kidEncodingMatches(path: String) throws {
        guard let bytes = try sampleBytes(path) else { return }
        let signature = try #require(JAdESVerifier().verify(bytes).signatures.first)
        let leaf = try #require(signature.signingCertificate)
        let kid = try #require(signature.protectedHeader?["kid"]?.stringValue)
        #expect(Data(JAdESIssuerSerial(certificate: leaf).derBytes).base64EncodedString() == kid)
    }

    @Test("Changing one payload character breaks every sample's seal", arguments: signedSamples)
    func payloadTamperFails(path: String) throws {
        guard let bytes = try sampleBytes(path) else { return }
        var document = try #require(try JSONParser.parse(bytes).objectValue)
        var payload = Array(try #require(document["payload"]?.stringValue).utf8)
        let index = try #require(payload.indices.dropFirst(payload.count / 2).first { payload[$0] >= 0x61 && payload[$0] <= 0x79 })
        payload[index] += 1
        document["payload"] = .string(String(decoding: payload, as: UTF8.self))
        let result = JAdESVerifier().verify(JSONWriter.data(.object(document)))
        #expect(!result.isValid)
        #expect(status(result, .signature) == .error)
    }

    @Test("Changing one byte of the raw file inside the payload breaks the seal")
    func rawByteTamperFails() throws {
        guard var bytes = try sampleBytes(signedSamples[2]) else { return }
        // "payload" comes first in these files; change a letter well inside it.
        let index = try #require(bytes.indices.dropFirst(500).first { bytes[$0] >= 0x61 && bytes[$0] <= 0x79 })
        bytes[index] += 1
        let result = JAdESVerifier().verify(bytes)
        #expect(!result.isValid)
        #expect(status(result, .signature) == .error)
    }

    @Test("Changing one byte of the protected header breaks the seal", arguments: signedSamples)
    func headerTamperFails(path: String) throws {
        guard let bytes = try sampleBytes(path) else { return }
        // Move sigT by one second: a well-formed header that was not signed.
        let edited = try withEditedHeader(bytes) { header in
            var h = header
            let sigT = h["sigT"]?.stringValue ?? ""
            var chars = Array(sigT.utf8)
            chars[18] = chars[18] == UInt8(ascii: "9") ? UInt8(ascii: "8") : chars[18] + 1
            h["sigT"] = .string(String(decoding: chars, as: UTF8.self))
            return h
        }
        let result = JAdESVerifier().verify(edited)
        #expect(!result.isValid)
        #expect(status(result, .signature) == .error)
        #expect(status(result, .signingTime) == .ok)
    }

    @Test("Changing one character of the protected member text breaks the seal")
    func protectedMemberTamperFails() throws {
        guard let bytes = try sampleBytes(signedSamples[0]) else { return }
        var document = try #require(try JSONParser.parse(bytes).objectValue)
        var signatures = try #require(document["signatures"]?.arrayValue)
        var entry = try #require(signatures[0].objectValue)
        var protected = Array(try #require(entry["protected"]?.stringValue).utf8)
        // Inside the base64 of the x5c certificate: still decodes, different bytes.
        let i = protected.count / 2
        protected[i] = protected[i] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        entry["protected"] = .string(String(decoding: protected, as: UTF8.self))
        signatures[0] = .object(entry)
        document["signatures"] = .array(signatures)
        let result = JAdESVerifier().verify(JSONWriter.data(.object(document)))
        #expect(!result.isValid)
    }

    @Test("An unknown crit entry fails the critical check")
    func unknownCritFails() throws {
        guard let bytes = try sampleBytes(signedSamples[2]) else { return }
        let edited = try withEditedHeader(bytes) { header in
            var h = header
            h["exp"] = 1
            h["crit"] = ["b64", "sigT", "exp"]
            return h
        }
        let result = JAdESVerifier().verify(edited)
        #expect(!result.isValid)
        let critical = result.checks.first { $0.code == .critical }
        #expect(critical?.status == .error)
        #expect(critical?.reason.contains("exp") == true)
    }

    @Test("b64:false without b64 in crit fails the critical check")
    func b64NotCriticalFails() throws {
        guard let bytes = try sampleBytes(signedSamples[2]) else { return }
        let edited = try withEditedHeader(bytes) { header in
            var h = header
            h["crit"] = ["sigT"]
            return h
        }
        #expect(status(JAdESVerifier().verify(edited), .critical) == .error)
    }

    @Test("alg none and HMAC algorithms are refused", arguments: ["none", "HS256", "RS1"])
    func disallowedAlgorithmFails(alg: String) throws {
        guard let bytes = try sampleBytes(signedSamples[0]) else { return }
        let edited = try withEditedHeader(bytes) { header in
            var h = header
            h["alg"] = .string(alg)
            return h
        }
        let result = JAdESVerifier().verify(edited)
        #expect(!result.isValid)
        #expect(status(result, .algorithm) == .error)
        #expect(status(result, .signature) == .error)
    }

    @Test("A wrong x5t#S256 fails the certificate digest check")
    func wrongDigestFails() throws {
        guard let bytes = try sampleBytes(signedSamples[2]) else { return }
        let edited = try withEditedHeader(bytes) { header in
            var h = header
            h["x5t#S256"] = "yFhiSlOALcqZZiW0-YfDctVcCXm96bUTtj5xN6pqvwQ"
            return h
        }
        #expect(status(JAdESVerifier().verify(edited), .certificateDigest) == .error)
    }

    @Test("A kid naming another certificate fails the IssuerSerial check")
    func wrongKidFails() throws {
        guard let bytes = try sampleBytes(signedSamples[2]) else { return }
        guard let other = try sampleBytes(signedSamples[0]) else { return }
        let otherKid = try #require(JAdESVerifier().verify(other).signatures.first?.protectedHeader?["kid"])
        let edited = try withEditedHeader(bytes) { header in
            var h = header
            h["kid"] = otherKid
            return h
        }
        #expect(status(JAdESVerifier().verify(edited), .issuerSerial) == .error)
    }

    @Test("Non-JWS input fails the format check with a reason")
    func notJWSFails() {
        let result = JAdESVerifier().verify(Array(#"{"id":"urn:x","type":"VerifiableCredential"}"#.utf8))
        #expect(!result.isValid)
        #expect(status(result, .format) == .error)
        #expect(result.firstError?.reason.contains("payload") == true)
        #expect(!JAdESVerifier().verify(Array("not json".utf8)).isValid)
    }

    @Test("The EU samples' seal certificates are untrusted without configured anchors", arguments: signedSamples)
    func samplesUntrustedByDefault(path: String) async throws {
        guard let bytes = try sampleBytes(path) else { return }
        let signature = try #require(JAdESVerifier().verify(bytes).signatures.first)
        let validation = await JAdESChainValidator(trustAnchors: []).validate(signature)
        #expect(!validation.isTrusted)
        #expect(validation.description.hasPrefix("untrusted: "))
    }

    @Test("An EU sample's chain does not validate against the demo CA")
    func samplesUntrustedByDemoCA() async throws {
        guard let bytes = try sampleBytes(signedSamples[0]) else { return }
        let signature = try #require(JAdESVerifier().verify(bytes).signatures.first)
        let anchors = try TestDemoSeal.anchors()
        let validation = await JAdESChainValidator(trustAnchors: anchors).validate(signature, validationTime: signature.signingTime)
        #expect(!validation.isTrusted)
    }
}

@Suite("JWS JSON forms", .needsSharedData)
struct FormTests {
    @Test("Sealed files are recognised as JWS JSON; plain credentials are not")
    func detection() throws {
        guard let signed = try sampleBytes(signedSamples[0]),
            let unsigned = try sampleBytes("edc-samples/ec-elm/v3.1-master/Sample-CertOfPart-unsigned.jsonld")
        else { return }
        #expect(JWSJSONDocument.looksLikeJWS(try JSONParser.parse(signed)))
        #expect(!JWSJSONDocument.looksLikeJWS(try JSONParser.parse(unsigned)))
        #expect(try JWSJSONDocument(parsing: signed).signatures.count == 1)
        #expect(throws: JAdESError(.malformedDocument, "")) { try JWSJSONDocument(parsing: unsigned) }
    }

    @Test("A sample rewritten in flattened serialization still verifies")
    func flattenedVerifies() throws {
        guard let bytes = try sampleBytes(signedSamples[0]) else { return }
        let document = try #require(try JSONParser.parse(bytes).objectValue)
        let entry = try #require(document["signatures"]?.arrayValue?.first?.objectValue)
        var flattened = JSONObject()
        flattened["payload"] = document["payload"]
        for member in entry { flattened[member.key] = member.value }
        let result = JAdESVerifier().verify(JSONWriter.data(.object(flattened)))
        #expect(result.isValid, "\(result.firstError.map(String.init(describing:)) ?? "")")
        #expect(result.serialization == .flattened)
    }

    @Test("A base64url-encoded payload (b64 absent) verifies and yields the decoded payload")
    func encodedPayloadVerifies() throws {
        let key = P256.Signing.PrivateKey()
        let (leaf, _) = try makeChain(leafKey: Certificate.PrivateKey(key))
        var serializer = DER.Serializer()
        try serializer.serialize(leaf)
        let der = serializer.serializedBytes
        let header: JSONValue = .object([
            "alg": "ES256",
            "x5c": [.string(Data(der).base64EncodedString())],
            "x5t#S256": .string(base64URLEncode(Array(SHA256.hash(data: der)))),
            "sigT": "2026-01-01T00:00:00Z",
        ])
        let protected = base64URLEncode(JSONWriter.data(header))
        let payload = base64URLEncode(Array(#"{"hello":"world"}"#.utf8))
        let signature = try key.signature(for: SHA256.hash(data: Array((protected + "." + payload).utf8)))
        let document: JSONValue = .object([
            "payload": .string(payload), "protected": .string(protected),
            "signature": .string(base64URLEncode(Array(signature.rawRepresentation))),
        ])
        let result = JAdESVerifier().verify(JSONWriter.data(document))
        // The certificate in this test is valid from an hour ago, so the 2026-01-01 claim may precede it.
        #expect(status(result, .signature) == .ok)
        #expect(status(result, .issuerSerial) == .skipped)
        #expect(result.payload == Array(#"{"hello":"world"}"#.utf8))
    }

    @Test("A protected header with a duplicate member is refused")
    func duplicateHeaderMemberFails() throws {
        guard let bytes = try sampleBytes(signedSamples[0]) else { return }
        var document = try #require(try JSONParser.parse(bytes).objectValue)
        var signatures = try #require(document["signatures"]?.arrayValue)
        var entry = try #require(signatures[0].objectValue)
        entry["protected"] = .string(base64URLEncode(Array(#"{"alg":"RS256","alg":"none"}"#.utf8)))
        signatures[0] = .object(entry)
        document["signatures"] = .array(signatures)
        let result = JAdESVerifier().verify(JSONWriter.data(.object(document)))
        #expect(status(result, .protectedHeader) == .error)
        #expect(!result.isValid)
    }

    @Test("A member in both protected and unprotected headers is refused")
    func overlappingHeadersFail() throws {
        guard let bytes = try sampleBytes(signedSamples[2]) else { return }
        var document = try #require(try JSONParser.parse(bytes).objectValue)
        var signatures = try #require(document["signatures"]?.arrayValue)
        var entry = try #require(signatures[0].objectValue)
        var header = try #require(entry["header"]?.objectValue)
        header["alg"] = "RS256"
        entry["header"] = .object(header)
        signatures[0] = .object(entry)
        document["signatures"] = .array(signatures)
        #expect(status(JAdESVerifier().verify(JSONWriter.data(.object(document))), .protectedHeader) == .error)
    }

    @Test("With its issuing CA from xVals as anchor, a real e-seal certificate validates at its signing time but not today")
    func realChainWithIssuingCA() async throws {
        guard let bytes = try sampleBytes(signedSamples[0]) else { return }
        let signature = try #require(JAdESVerifier().verify(bytes).signatures.first)
        let leaf = try #require(signature.signingCertificate)
        // xVals holds the issuing CA but not the ANF root, so the issuing CA stands in as the anchor.
        let anchors = signature.unsignedCertificates.filter { $0.subject == leaf.issuer }
        try #require(!anchors.isEmpty)
        let validator = JAdESChainValidator(trustAnchors: anchors)
        let atSigning = await validator.validate(signature, validationTime: signature.signingTime)
        #expect(atSigning.isTrusted, "\(atSigning)")
        // The test seal certificate expired in 2025.
        #expect(!(await validator.validate(signature)).isTrusted)
    }
}
