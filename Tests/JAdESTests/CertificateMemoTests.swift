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
        let huge = try DistinguishedName { CommonName(String(repeating: "x", count: 4_096)) }
        #expect(huge.text == String(describing: huge))
        #expect(huge.text.utf8.count > CertificateMemo.maximumCachedNameBytes)
        #expect(!CertificateMemo.keeps(huge))
        let small = try DistinguishedName { CommonName("skillcred memo test \(UInt64.random(in: 0...UInt64.max))") }
        _ = small.text
        #expect(CertificateMemo.keeps(small))
    }
}
