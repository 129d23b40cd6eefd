import ArgumentParser
import Foundation
import JAdES
import TrustedLists
import X509

/// `--eu-trusted-lists DIR --lotl-signer FILE`: the EU trusted lists a verifier qualifies seals against, shared by
/// `verify` and `serve`. The lists are loaded and their signatures checked once, when the command starts.
struct TrustedListOptions: ParsableArguments {
    @Option(
        name: .customLong("eu-trusted-lists"),
        help: ArgumentHelp(
            "A folder of EU trusted lists (the LOTL and national lists, *.xml; `skillcred trust-lists update` writes one). Seals are qualified against them, and a CA/QC service granted for e-seals counts as a trust anchor. Needs --lotl-signer.",
            valueName: "DIR"))
    var euTrustedLists: String?

    @Option(
        name: .customLong("lotl-signer"),
        help: ArgumentHelp(
            "The certificate(s) allowed to sign the EU list of trusted lists (a PEM file, or a folder of them), as published in the Official Journal. Never taken from the lists folder.",
            valueName: "PEM"))
    var lotlSigner: String?

    @Option(
        name: .customLong("expired-list-grace-days"),
        help: ArgumentHelp(
            "How many days a trusted list past its NextUpdate is still used, with a warning (default 7); past that a national list is ignored and an expired LOTL loads nothing.",
            valueName: "DAYS"))
    var expiredListGraceDays: Int = Int(TrustedListLimits.defaultExpiredListGrace / 86_400)

    func validate() throws {
        if expiredListGraceDays < 0 { throw ValidationError("--expired-list-grace-days must be 0 or more") }
        if euTrustedLists != nil && lotlSigner == nil {
            throw ValidationError("--eu-trusted-lists needs --lotl-signer: the list of trusted lists is trusted only through a signer you pin")
        }
        if lotlSigner != nil && euTrustedLists == nil { throw ValidationError("--lotl-signer is used only with --eu-trusted-lists") }
    }

    /// The loaded lists, or `nil` when none were asked for.
    func load(now: Date = Date()) throws(CLIFailure) -> TrustedListSet? {
        guard let euTrustedLists, let lotlSigner else { return nil }
        let signers = try Self.signers(lotlSigner)
        do {
            let limits = TrustedListLimits(expiredListGrace: TimeInterval(expiredListGraceDays) * 86_400)
            return try TrustedListSet.load(directory: URL(fileURLWithPath: euTrustedLists), lotlSigners: signers, limits: limits, now: now)
        } catch {
            throw CLIFailure("--eu-trusted-lists \(euTrustedLists): \(error.message)")
        }
    }

    /// The pinned LOTL signer certificates from a PEM file or a folder of PEM files.
    static func signers(_ path: String) throws(CLIFailure) -> [Certificate] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CLIFailure("--lotl-signer \(path): no such file or folder")
        }
        do {
            let certificates =
                isDirectory.boolValue
                ? try JAdESPEM.trustAnchors(directory: URL(fileURLWithPath: path))
                : try JAdESPEM.certificates(contentsOf: URL(fileURLWithPath: path))
            guard !certificates.isEmpty else { throw CLIFailure("--lotl-signer \(path): no certificate in it") }
            return certificates
        } catch let failure as CLIFailure {
            throw failure
        } catch {
            throw CLIFailure("--lotl-signer \(path): \(error)")
        }
    }
}
