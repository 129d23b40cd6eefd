import Caching
import Crypto
import SwiftASN1
import Testing
import X509

@testable import JAdES

/// The memo of parsed certificates and written names must give what parsing and writing give, byte for byte: a
/// certificate that differs from a remembered one in a single byte (a forged signature, another serial) is its own.
@Suite struct CertificateMemoTests {
    static func demoDER() throws -> (seal: [UInt8], ca: [UInt8]) {
        let made = try DemoSeal.certificates(for: Certificate.PublicKey(P256.Signing.PrivateKey().publicKey))
        return (made.seal.derBytes, made.ca.derBytes)
    }

    @Test func aRememberedCertificateIsTheOneParsingGives() throws {
        let (seal, ca) = try Self.demoDER()
        for der in [seal, ca, seal, ca] {
            #expect(try CertificateMemo.certificate(derEncoded: der) == Certificate(derEncoded: der))
        }
    }

    @Test func aCertificateDifferingInOneByteIsParsedNotRemembered() throws {
        let (seal, _) = try Self.demoDER()
        let original = try CertificateMemo.certificate(derEncoded: seal)
        // The last byte is inside the signature value: still DER, but another certificate (a forged signature).
        var forged = seal
        forged[forged.count - 1] ^= 0x01
        let parsed = try CertificateMemo.certificate(derEncoded: forged)
        #expect(parsed != original)
        #expect(parsed == (try Certificate(derEncoded: forged)))
        #expect(parsed.signature != original.signature)
    }

    /// A signature remembered as valid must be the one verification gives: another key, a forged signature or
    /// changed signed bytes each verify (and fail) on their own, before and after the genuine pair was remembered.
    @Test func aSignatureIsRememberedOnlyForTheExactCertificateAndKey() throws {
        let (sealDER, caDER) = try Self.demoDER()
        let seal = try Certificate(derEncoded: sealDER), ca = try Certificate(derEncoded: caDER)
        // Another demo CA: the same issuer name, another key.
        let (_, otherCADER) = try Self.demoDER()
        let otherCA = try Certificate(derEncoded: otherCADER)
        #expect(otherCA.subject == ca.subject && otherCA.publicKey != ca.publicKey)
        var forgedDER = sealDER
        forgedDER[forgedDER.count - 1] ^= 0x01  // inside the signature value
        let forged = try Certificate(derEncoded: forgedDER)
        for _ in 0..<3 {
            #expect(CertificateMemo.isValidSignature(of: seal, by: ca.publicKey))
            #expect(!CertificateMemo.isValidSignature(of: seal, by: otherCA.publicKey))
            #expect(!CertificateMemo.isValidSignature(of: forged, by: ca.publicKey))
            #expect(!CertificateMemo.isValidSignature(of: ca, by: seal.publicKey))
            #expect(CertificateMemo.isValidSignature(of: ca, by: ca.publicKey))  // self-signed
            #expect(SealRevocationChecker.issuer(of: seal, among: [otherCA, seal]) == nil)
            #expect(SealRevocationChecker.issuer(of: seal, among: [otherCA, ca]) == ca)
            #expect(SealRevocationChecker.issuer(of: forged, among: [ca]) == nil)
        }
    }

    /// The outer signature algorithm is not signed: the same signed bytes, signature and key under ecdsa-with-SHA384
    /// or -SHA512 (swift-certificates does not compare it with the one inside) must not borrow the SHA-256 answer.
    @Test func anotherSignatureAlgorithmIsNotAnsweredFromTheMemo() throws {
        let (sealDER, caDER) = try Self.demoDER()
        let seal = try Certificate(derEncoded: sealDER), ca = try Certificate(derEncoded: caDER)
        #expect(CertificateMemo.isValidSignature(of: seal, by: ca.publicKey))
        let sha256OID: [UInt8] = [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02]  // 1.2.840.10045.4.3.2
        // The last occurrence is the outer identifier, after the signed bytes.
        let at = try #require((0...(sealDER.count - sha256OID.count)).last { Array(sealDER[$0..<($0 + sha256OID.count)]) == sha256OID })
        #expect(at > seal.tbsCertificateBytes.count)
        for last: UInt8 in [0x03, 0x04] {
            var swapped = sealDER
            swapped[at + sha256OID.count - 1] = last
            let other = try Certificate(derEncoded: swapped)
            #expect(other.tbsCertificateBytes == seal.tbsCertificateBytes && other.signature == seal.signature)
            #expect(other.signatureAlgorithm != seal.signatureAlgorithm)
            #expect(!ca.publicKey.isValidSignature(other.signature, for: other))
            #expect(!CertificateMemo.isValidSignature(of: other, by: ca.publicKey))
            #expect(SealRevocationChecker.issuer(of: other, among: [ca]) == nil)
        }
    }

    /// Changed signed bytes under the genuine signature (here: the serial number) are a different certificate.
    @Test func aCertificateWithChangedSignedBytesIsNotSignedByTheCA() throws {
        let (sealDER, caDER) = try Self.demoDER()
        let seal = try Certificate(derEncoded: sealDER), ca = try Certificate(derEncoded: caDER)
        #expect(CertificateMemo.isValidSignature(of: seal, by: ca.publicKey))
        let serial = seal.serialNumber.bytes
        let at = try #require(sealDER.indices.first { Array(sealDER[$0..<min($0 + serial.count, sealDER.count)]) == Array(serial) })
        var changedDER = sealDER
        changedDER[at + serial.count - 1] ^= 0x01
        let changed = try Certificate(derEncoded: changedDER)
        #expect(changed.serialNumber != seal.serialNumber && changed.signature == seal.signature)
        #expect(!CertificateMemo.isValidSignature(of: changed, by: ca.publicKey))
        #expect(SealRevocationChecker.issuer(of: changed, among: [ca]) == nil)
    }

    @Test func whatDoesNotParseStillThrowsEveryTime() throws {
        let (seal, _) = try Self.demoDER()
        let truncated = Array(seal.dropLast(10))
        for _ in 0..<2 {
            #expect(throws: (any Error).self) { try CertificateMemo.certificate(derEncoded: truncated) }
        }
        #expect(throws: (any Error).self) { try CertificateMemo.certificate(derEncoded: []) }
    }

    @Test func namesAreWrittenAsTheirDescription() throws {
        let (seal, ca) = try Self.demoDER()
        for der in [seal, ca, seal] {
            let certificate = try Certificate(derEncoded: der)
            #expect(certificate.subject.text == String(describing: certificate.subject))
            #expect(certificate.issuer.text == String(describing: certificate.issuer))
        }
    }

    @Test func aHugeNameIsWrittenButNotKept() throws {
        // Anyone who posts a credential picks the names in its certificates: a 4 KB name must not stay in memory.
        let cache = BoundedCache<DERKey, String>(capacity: 8)
        let huge = try DistinguishedName { CommonName(String(repeating: "x", count: 4_096)) }
        #expect(CertificateMemo.text(of: huge, in: cache) == String(describing: huge))
        #expect(cache.count == 0)
        let small = try DistinguishedName { CommonName("skillcred memo test") }
        #expect(CertificateMemo.text(of: small, in: cache) == String(describing: small))
        #expect(cache.count == 1)
    }

    @Test func canonicallyEquivalentNamesKeepTheirOwnText() throws {
        // "é" precomposed (NFC) and as e + combining acute (NFD): equal as Swift Strings, different names in DER.
        let cache = BoundedCache<DERKey, String>(capacity: 8)
        let composed = try DistinguishedName { CommonName("Caf\u{E9}") }
        let decomposed = try DistinguishedName { CommonName("Cafe\u{301}") }
        #expect(CertificateMemo.text(of: composed, in: cache).unicodeScalars.elementsEqual(String(describing: composed).unicodeScalars))
        #expect(CertificateMemo.text(of: decomposed, in: cache).unicodeScalars.elementsEqual(String(describing: decomposed).unicodeScalars))
        #expect(!CertificateMemo.text(of: composed, in: cache).unicodeScalars.elementsEqual(CertificateMemo.text(of: decomposed, in: cache).unicodeScalars))
        #expect(cache.count == 2)
    }

    @Test func aNameParsedFromALargeBufferIsKeptAsItsOwnBytes() throws {
        // The key is the name's DER, a fresh array: a name read out of a large CRL or certificate must not keep it.
        let (seal, _) = try Self.demoDER()
        let certificate = try Certificate(derEncoded: seal)
        let key = try #require(CertificateMemo.nameKey(certificate.subject))
        var serializer = DER.Serializer()
        try serializer.serialize(certificate.subject)
        #expect(key.bytes == serializer.serializedBytes)
        #expect(key.bytes.count < seal.count)
    }
}
