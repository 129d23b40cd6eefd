import Foundation
import QRCode
import TestSupport
import Testing

/// QR codes through libqrencode: shape, formats, and (when zbarimg is installed) that they decode to the offer link.
@Suite("Offer QR codes")
struct QRCodeTests {
    static let link = "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fissuer.example%2Fopenid4vci%2Foffers%2FAbC-123_xyz"

    @Test func tooLongATextIsRefused() {
        #expect(throws: QRCode.EncodingError.self) { try QRCode(String(repeating: "a", count: 5000)) }
    }

    @Test func theCodeIsSquareWithFinderPatternsAndRendersAsSVGAndPNG() throws {
        let code = try QRCode(Self.link)
        #expect(code.size >= 21 && (code.size - 17) % 4 == 0)
        // The top-left finder pattern: a dark 7×7 ring.
        #expect((0..<7).allSatisfy { code.isDark(x: $0, y: 0) && code.isDark(x: 0, y: $0) })
        #expect(code.svg().hasPrefix("<svg"))
        let png = code.png()
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    }

    @Test func thePNGDecodesToTheLinkWithZbarimg() throws {
        let zbar = "/usr/bin/zbarimg"
        guard FileManager.default.isExecutableFile(atPath: zbar) else {
            print("SKIPPED: zbarimg (Debian zbar-tools) is not installed; the QR code was not decoded")
            return
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("qr-\(UUID().uuidString).png")
        try Data(try QRCode(Self.link).png(scale: 4)).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let decoded = try ChildProcess.run(URL(fileURLWithPath: zbar), ["--raw", "-q", file.path])
        #expect(decoded.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) == Self.link, "\(decoded.stderrText)")
    }
}
