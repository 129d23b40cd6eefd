import CredentialJSON
import CredentialVerification
import Foundation
import Testing

/// Compact JWS detection and splitting work on UTF-8 bytes now; they must accept exactly what the
/// grapheme-by-grapheme version accepted.
@Suite("Compact JWS detection on bytes")
struct CompactJWSDetectionTests {
    /// The earlier, Character-based predicate: the reference.
    static func reference(_ text: String) -> Bool {
        guard text.hasPrefix("ey"), text.count < 16 * 1024 * 1024 else { return false }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else { return false }
        return parts.allSatisfy { $0.allSatisfy { $0.isLetter && $0.isASCII || $0.isNumber && $0.isASCII || $0 == "-" || $0 == "_" } }
    }

    static let header = "eyJhbGciOiJFUzI1NiJ9"
    static let payload = "eyJpc3MiOiJkaWQ6ZXhhbXBsZTp4In0"

    @Test(
        "detection agrees with the grapheme-based predicate",
        arguments: [
            "\(header).\(payload).c2ln", "\(header).\(payload).", "\(header)..c2ln", ".\(payload).c2ln",
            "\(header).\(payload)", "\(header).\(payload).c2ln.x", "\(header).\(payload).c2l=", "\(header).\(payload).c2l n",
            "\(header).\(payload).c2lé", "\(header).e\u{301}.c2ln", "\(header).\(payload).\u{FF21}", "ex.\(payload).c2ln",
            "\(header).\(payload).-_09azAZ", "\(header)\u{2E}\u{301}\(payload).c2ln",
        ])
    func agreesWithReference(_ token: String) {
        let detected = InputDetector.detect(Array(token.utf8), source: "t").first?.kind == .envelopedJWT
        #expect(detected == Self.reference(token), "\(token)")
    }

    @Test("a 4 MB token is detected and its claims read", .timeLimit(.minutes(1)))
    func largeTokenIsRead() throws {
        var claims = JSONObject()
        for index in 0..<100_000 { claims["http://example.org/p\(index)"] = .string("v") }
        let encoded = Data(JSONWriter.data(.object(claims))).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        let token = "\(Self.header).\(encoded).c2ln"
        let item = try #require(InputDetector.detect(Array(token.utf8), source: "t").first)
        #expect(item.kind == .envelopedJWT)
        #expect(JWTVerifier.claims(token)?.objectValue?.count == 100_000)
    }
}
