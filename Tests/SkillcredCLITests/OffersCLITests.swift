import Foundation
import TestSupport
import Testing

/// `skillcred offers create`: one offer per learner, the same one when run again, QR codes beside, bad options refused.
@Suite("skillcred offers")
struct OffersCLITests {
    static let template = SharedData.packageRoot.appendingPathComponent("samples/templates/micro-credential.json").path
    static let recipients = SharedData.packageRoot.appendingPathComponent("samples/recipients.csv").path

    @Test func badOptionsAreRefusedBeforeAnythingIsWritten() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-offers-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        for extra in [["--format", "mso_mdoc"], ["--valid-days", "0"], ["--public-url", "not a url"]] {
            let r = try await SkillcredCLI.run(
                [
                    "offers", "create", "--template", Self.template, "--recipients", Self.recipients,
                    "--data-dir", dir.path,
                ] + extra)
            #expect(r.status == 64, "\(extra): \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("registry.sqlite").path))
    }

    @Test func eachLearnerGetsOneOfferAndRunningAgainGivesTheSameOnes() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-offers-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let args = [
            "offers", "create", "--template", Self.template, "--recipients", Self.recipients, "--data-dir", dir.path,
            "--public-url", "https://credentials.school.example", "--format", "dc+sd-jwt",
        ]
        let first = try await SkillcredCLI.run(args + ["--tx-code", "--out", dir.appendingPathComponent("qr").path])
        #expect(first.status == 0, "\(first.stderr)")
        let lines = first.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(lines.count == 20)
        #expect(
            lines.allSatisfy {
                $0.count == 4
                    && $0[1].hasPrefix("openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fcredentials.school.example%2Fopenid4vci%2Foffers%2F")
                    && $0[2] == "tx-code" && $0[3].count == 6
            })
        #expect(Set(lines.map { $0[1] }).count == 20)
        #expect(first.stderr.contains("20 offer(s) made, 0 already offered; formats dc+sd-jwt"))
        for learner in ["L-0001", "L-0020"] {
            let png = try Data(contentsOf: dir.appendingPathComponent("qr/\(learner).png"))
            #expect(Array(png.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
            #expect(try String(contentsOf: dir.appendingPathComponent("qr/\(learner).svg"), encoding: .utf8).hasPrefix("<svg"))
        }

        let again = try await SkillcredCLI.run(args)
        #expect(again.status == 0, "\(again.stderr)")
        let againLines = again.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(againLines.map { $0[1] } == lines.map { $0[1] })
        #expect(!again.stdout.contains("tx-code"), "a transaction code is shown only when the offer is made")
        #expect(again.stderr.contains("0 offer(s) made, 20 already offered"))
    }
}
