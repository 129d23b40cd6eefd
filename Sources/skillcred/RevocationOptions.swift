import ArgumentParser
import CredentialJSON
import CredentialVerification
import Foundation
import JAdES
import SecureFetch
import X509

/// `skillcred verify`'s and `skillcred serve`'s options for the revocation of JAdES seal certificates.
struct RevocationOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "A CRL (DER or PEM) to check JAdES seal certificates against, besides a seal's own rVals; repeatable. It counts only if the certificate's CA signed it.",
            valueName: "FILE"))
    var crl: [String] = []

    @Option(
        name: .customLong("ocsp-response"),
        help: ArgumentHelp(
            "A DER OCSP response (e.g. from openssl ocsp -respout) about a seal certificate; repeatable. It counts only if signed by the CA or a responder the CA authorised.",
            valueName: "FILE"))
    var ocspResponse: [String] = []

    @Flag(
        name: .long,
        help:
            "Fail a JAdES seal whose certificate's revocation status is not established by a verified, current CRL or OCSP response (default: reported as not checked)."
    )
    var requireRevocationData = false

    @Flag(
        name: .long,
        help:
            "When neither the seal nor --crl/--ocsp-response establishes a seal or intermediate CA certificate's status, ask the OCSP responder it names (AIA; POST with a nonce, 64 KiB, 10 s), then fetch its CRLs (CRL distribution points; 16 MiB, 10 s); off by default; cached until nextUpdate."
    )
    var fetchRevocation = false

    /// The files, read and checked to parse.
    func inputs() throws(CLIFailure) -> [RevocationInput] {
        var out: [RevocationInput] = []
        for path in crl {
            let bytes = try readInput(path)
            do { _ = try CertificateRevocationList(derEncoded: bytes) } catch { throw CLIFailure("--crl \(path): \(error.message)") }
            out.append(RevocationInput(.crl, bytes: bytes, origin: .supplied(path)))
        }
        for path in ocspResponse {
            let bytes = try readInput(path)
            do { _ = try OCSPBasicResponse(derEncoded: bytes) } catch { throw CLIFailure("--ocsp-response \(path): \(error.message)") }
            out.append(RevocationInput(.ocsp, bytes: bytes, origin: .supplied(path)))
        }
        return out
    }

    /// The seal-revocation part of a verification policy.
    func policy() throws(CLIFailure) -> SealRevocationPolicy {
        SealRevocationPolicy(supplied: try inputs(), requireRevocationData: requireRevocationData, fetcher: fetchRevocation ? SecureFetcher() : nil)
    }
}

/// `skillcred seal`'s JAdES level: B-B, B-T (sigTst), B-LT (+ xVals, rVals), B-LTA (+ arcTst).
struct SealLevelOptions: ParsableArguments {
    enum Level: String, ExpressibleByArgument, CaseIterable {
        case bB = "b-b", bT = "b-t", bLT = "b-lt", bLTA = "b-lta"
    }

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The JAdES level: b-b (default), b-t (a signature time-stamp), b-lt (also the CA and TSA certificates in xVals and the --crl/--ocsp-response data in rVals), b-lta (also an archive time-stamp over them). b-t and above need --tsa-url.",
            valueName: "LEVEL"))
    var level: Level?

    @Option(name: .long, help: ArgumentHelp("A CRL (DER or PEM) of the seal certificate's CA to embed at b-lt/b-lta; repeatable.", valueName: "FILE"))
    var crl: [String] = []

    @Option(
        name: .customLong("ocsp-response"),
        help: ArgumentHelp("A DER OCSP response about the seal certificate to embed at b-lt/b-lta; repeatable.", valueName: "FILE"))
    var ocspResponse: [String] = []

    @Flag(
        name: .long,
        help:
            "At b-lt/b-lta, when --crl/--ocsp-response do not establish the seal certificate's status, ask its OCSP responder (AIA), then fetch its CRLs (CRL distribution points), and embed what was used (off by default)."
    )
    var fetchRevocation = false

    /// Checks the combination with the time-stamp options.
    func validate(tsaURL: String?) throws(ValidationError) {
        let chosen = level ?? (tsaURL == nil ? .bB : .bT)
        if chosen != .bB && tsaURL == nil {
            throw ValidationError("--level \(chosen.rawValue) needs --tsa-url URL: the time-stamping authority that stamps the seal")
        }
        if chosen == .bB && tsaURL != nil && level != nil {
            throw ValidationError("--level b-b and --tsa-url contradict each other: a time-stamped seal is b-t or above")
        }
        if (chosen == .bB || chosen == .bT) && (!crl.isEmpty || !ocspResponse.isEmpty || fetchRevocation) {
            throw ValidationError("--crl, --ocsp-response and --fetch-revocation embed validation data, which needs --level b-lt or b-lta")
        }
        if (chosen == .bLT || chosen == .bLTA) && crl.isEmpty && ocspResponse.isEmpty && !fetchRevocation {
            throw ValidationError(
                "--level \(chosen.rawValue) needs revocation data for the seal certificate: --crl FILE, --ocsp-response FILE or --fetch-revocation")
        }
    }

    /// Adds xVals/rVals (b-lt) and an archive time-stamp (b-lta) to a time-stamped seal.
    func extend(_ sealed: JSONValue, sealer: JAdESSealer, tsaURL: URL?) async throws(CLIFailure) -> JSONValue {
        guard let level, level == .bLT || level == .bLTA, let tsaURL else { return sealed }
        var inputs: [RevocationInput] = []
        for path in crl { inputs.append(RevocationInput(.crl, bytes: try readInput(path), origin: .supplied(path))) }
        for path in ocspResponse { inputs.append(RevocationInput(.ocsp, bytes: try readInput(path), origin: .supplied(path))) }
        let leaf = sealer.certificateChain[0]
        // The data must be about this seal certificate and verify against its CA: checked as a verifier would, now.
        let candidates = Array(sealer.certificateChain.dropFirst())
        let now = Date()
        let (check, fetched) = await SealLongTermEvidence.check(
            leaf, candidates: candidates, inputs: inputs, at: now, proven: false, claimedTime: nil,
            policy: SealRevocationPolicy(fetcher: fetchRevocation ? SecureFetcher() : nil), clockSkew: 300, now: now)
        inputs += fetched
        switch check.status {
        case .good: break
        case .revokedBefore(let date, let reason, _), .revokedAfter(let date, let reason, _):
            throw CLIFailure(
                "the seal certificate is revoked (\(XSDDateTime.format(date))\(reason.map { ", \($0)" } ?? "")): refusing to seal with it", status: 1)
        case .notChecked(let why):
            throw CLIFailure(
                "--level \(level.rawValue): the revocation data does not establish the seal certificate's status: \(why)"
                    + (check.findings.isEmpty ? "" : " (\(check.findings.map(\.text).joined(separator: "; ")))"), status: 1)
        }
        // The chain's intermediate CAs (not self-signed roots): their data is embedded too when fetched, and a revoked
        // one stops the seal; an open status does not, since a verifier may have the data elsewhere.
        for intermediate in candidates.filter({ $0.subject != $0.issuer }).prefix(SealLongTermEvidence.maximumIntermediates) {
            let (caCheck, caFetched) = await SealLongTermEvidence.check(
                intermediate, candidates: candidates, inputs: inputs, at: now, proven: false, claimedTime: nil,
                policy: SealRevocationPolicy(fetcher: fetchRevocation ? SecureFetcher() : nil), clockSkew: 300, now: now,
                role: "the intermediate CA certificate")
            if case .revokedBefore(let date, _, _) = caCheck.status {
                throw CLIFailure(
                    "the intermediate CA certificate \(intermediate.subject) is revoked (\(XSDDateTime.format(date))): refusing to seal under it", status: 1)
            }
            inputs += caFetched
        }
        // xVals: the CA certificates and the time-stamping authority's, so a verifier can rebuild every chain offline.
        var certificates = candidates
        let header = (try? JWSJSONDocument(sealed))?.signatures.first?.unprotectedHeader
        for der in JAdESTimeStamps.signatureTimeStampTokens(in: header) {
            if let token = try? TimeStampToken(derEncoded: der) {
                for certificate in token.certificates where !certificates.contains(certificate) { certificates.append(certificate) }
            }
        }
        var extended: JSONValue
        do {
            extended = try JAdESLongTermData.add(to: sealed, certificates: certificates, revocationData: inputs)
        } catch {
            throw CLIFailure("validation data: \(error.message)", status: 1)
        }
        guard level == .bLTA else { return extended }
        let request: (der: [UInt8], nonce: [UInt8])
        do { request = try JAdESArchiveTimeStamps.request(forSealed: extended) } catch {
            throw CLIFailure("archive time-stamp query: \(error.message)", status: 1)
        }
        let reply = try await TSAClient.post(query: request.der, to: tsaURL)
        do {
            extended = try JAdESArchiveTimeStamps.addArchiveTimeStamp(reply, to: extended, expectedNonce: request.nonce)
        } catch {
            throw CLIFailure("--tsa-url \(tsaURL.absoluteString) (archive time-stamp): \(error.message)", status: 1)
        }
        return extended
    }
}
