import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A throwaway PKI run by the openssl CLI in a temporary folder, with faketime for back-dated operations: a CA
/// (`openssl ca` database, so it can revoke), certificates it issues, CRLs (`openssl ca -gencrl`), OCSP responses
/// (`openssl ocsp -index … -reqin … -respout`) and RFC 3161 time-stamp tokens (`openssl ts -reply`).
///
/// Everything is EC P-256 and files; callers read DER or PEM bytes back. `make` returns nil when openssl or faketime
/// is missing (recording a failure when shared data is required, as `.ci/run` sets it).
public final class OpenSSLPKI: Sendable {
    /// The folder holding every file.
    public let directory: URL
    /// The CA's subject common name.
    public let caName: String

    /// A delegated OCSP responder's extensions (RFC 6960 §4.2.2.2), shared by the profiles with and without
    /// id-pkix-ocsp-nocheck.
    static let ocspResponderExtensions = """
        basicConstraints = critical, CA:false
        keyUsage = critical, digitalSignature
        extendedKeyUsage = critical, OCSPSigning
        subjectKeyIdentifier = hash
        """

    static let config = """
        [ req ]
        distinguished_name = dn
        [ dn ]
        [ ca ]
        default_ca = ca_default
        [ ca_default ]
        database = ./index.txt
        new_certs_dir = .
        serial = ./serial
        crlnumber = ./crlnumber
        default_md = sha256
        policy = policy_any
        unique_subject = no
        copy_extensions = none
        [ policy_any ]
        commonName = supplied
        organizationName = optional
        organizationIdentifier = optional
        countryName = optional
        [ ca_ext ]
        basicConstraints = critical, CA:true
        keyUsage = critical, keyCertSign, cRLSign, digitalSignature
        subjectKeyIdentifier = hash
        [ seal_ext ]
        basicConstraints = critical, CA:false
        keyUsage = critical, digitalSignature, nonRepudiation
        subjectKeyIdentifier = hash
        authorityKeyIdentifier = keyid
        crlDistributionPoints = URI:http://crl.invalid/ca.crl
        [ ocsp_ext ]
        \(ocspResponderExtensions)
        noCheck = ignored
        [ ocsp_checked_ext ]
        \(ocspResponderExtensions)
        [ plain_ext ]
        basicConstraints = critical, CA:false
        keyUsage = critical, digitalSignature
        [ tsa_ext ]
        basicConstraints = critical, CA:false
        keyUsage = critical, digitalSignature
        extendedKeyUsage = critical, timeStamping
        [ tsa ]
        default_tsa = tsa_config
        [ tsa_config ]
        serial = ./tsaserial
        crypto_device = builtin
        \(TSAConfiguration.commonSettings)

        """

    /// Makes a CA named `name` (valid from ten years ago to ten years ahead); nil when openssl or faketime is absent.
    public static func make(name: String = "Test Revocation CA") throws -> OpenSSLPKI? {
        for tool in ["/usr/bin/openssl", "/usr/bin/faketime"] where !FileManager.default.isExecutableFile(atPath: tool) {
            if SharedData.isRequired {
                Issue.record("\(tool) is missing but SKILLCRED_REQUIRE_SHARED=1 (.ci/run installs openssl and faketime)")
            } else {
                print("SKIPPED: \(tool) not found")
            }
            return nil
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-pki-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let pki = OpenSSLPKI(directory: directory, caName: name)
        try Data(config.utf8).write(to: pki.url("pki.cnf"))
        try Data().write(to: pki.url("index.txt"))
        try Data("1000\n".utf8).write(to: pki.url("serial"))
        try Data("01\n".utf8).write(to: pki.url("crlnumber"))
        try Data("01\n".utf8).write(to: pki.url("tsaserial"))
        try pki.openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca.key"])
        try pki.openssl(
            [
                "req", "-x509", "-new", "-key", "ca.key", "-out", "ca.pem", "-subj", "/CN=\(name)", "-config", "pki.cnf",
                "-extensions", "ca_ext", "-days", "7300",
            ], at: Date().addingTimeInterval(-10 * 365 * 86_400))
        return pki
    }

    private init(directory: URL, caName: String) {
        self.directory = directory
        self.caName = caName
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// A file in the folder.
    public func url(_ name: String) -> URL { directory.appendingPathComponent(name) }
    /// A file's bytes.
    public func bytes(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: url(name))) }
    /// A file's text.
    public func text(_ name: String) throws -> String { try String(contentsOf: url(name), encoding: .utf8) }

    /// Runs openssl in the folder, with the clock at `time` (faketime) when given.
    @discardableResult
    public func openssl(_ arguments: [String], at time: Date? = nil) throws -> String {
        guard let time else {
            return try ExternalTool.run(URL(fileURLWithPath: "/usr/bin/openssl"), arguments, in: directory)
        }
        return try ExternalTool.run(
            URL(fileURLWithPath: "/usr/bin/faketime"), ["-f", "@" + Self.fakeTime(time), "/usr/bin/openssl"] + arguments, in: directory,
            environment: ["TZ": "UTC"])
    }

    static func fakeTime(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date)
    }

    static func asn1Time(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMddHHmmss'Z'"
        return formatter.string(from: date)
    }

    /// Issues `NAME.key` / `NAME.pem` from this CA, recorded in its database, with an extension section of the
    /// configuration (`seal_ext`, `ocsp_ext` (a responder marked id-pkix-ocsp-nocheck), `ocsp_checked_ext` (one that is not),
    /// `tsa_ext`, `plain_ext`), valid from `from` to `until`.
    /// `ocspURL` adds an authority-information-access OCSP responder; `crlURL` replaces the CRL distribution point.
    public func issue(
        _ name: String, subject: String, extensions: String, from: Date, until: Date, ocspURL: String? = nil, crlURL: String? = nil
    ) throws {
        try openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "\(name).key"])
        try openssl(["req", "-new", "-key", "\(name).key", "-out", "\(name).csr", "-subj", subject, "-config", "pki.cnf"])
        try sign("\(name).csr", into: "\(name).pem", extensions: extensions, from: from, until: until, ocspURL: ocspURL, crlURL: crlURL)
    }

    /// Signs a request in the folder with this CA, recorded in its database.
    private func sign(_ request: String, into output: String, extensions: String, from: Date, until: Date, ocspURL: String?, crlURL: String?) throws {
        var extfile = "pki.cnf"
        var section = extensions
        if ocspURL != nil || crlURL != nil {
            // The named section, copied, with the access URLs: openssl cannot extend a section from the command line.
            let lines = Self.config.components(separatedBy: "\n")
            guard let start = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "[ \(extensions) ]" }) else {
                throw ExternalTool.Failure(description: "no section \(extensions) in the test PKI's configuration")
            }
            var body = lines[(start + 1)...].prefix { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("[") }.map { $0.trimmingCharacters(in: .whitespaces) }
            if let crlURL { body = body.filter { !$0.hasPrefix("crlDistributionPoints") } + ["crlDistributionPoints = URI:\(crlURL)"] }
            if let ocspURL { body.append("authorityInfoAccess = OCSP;URI:\(ocspURL)") }
            extfile = "\(output).ext"
            section = "with_urls"
            try Data((["[ with_urls ]"] + body).joined(separator: "\n").utf8).write(to: url(extfile))
        }
        try openssl([
            "ca", "-batch", "-config", "pki.cnf", "-cert", "ca.pem", "-keyfile", "ca.key", "-in", request, "-out", output,
            "-startdate", Self.asn1Time(from), "-enddate", Self.asn1Time(until), "-extfile", extfile, "-extensions", section, "-notext",
        ])
    }

    /// Makes `subordinate`'s CA an intermediate of this one: its key is certified here (recorded as `NAME.pem` in this
    /// CA's database, so this CA can revoke it and answer OCSP about it) and replaces its self-signed `ca.pem`.
    public func certify(
        _ subordinate: OpenSSLPKI, as name: String, from: Date, until: Date, ocspURL: String? = nil, crlURL: String? = nil
    ) throws {
        try subordinate.openssl(["req", "-new", "-key", "ca.key", "-out", "ca.csr", "-subj", "/CN=\(subordinate.caName)", "-config", "pki.cnf"])
        try Data(try subordinate.bytes("ca.csr")).write(to: url("\(name).csr"))
        try sign("\(name).csr", into: "\(name).pem", extensions: "ca_ext", from: from, until: until, ocspURL: ocspURL, crlURL: crlURL)
        try Data(try bytes("\(name).pem")).write(to: subordinate.url("ca.pem"))
    }

    /// A running `openssl ocsp -index … -port N` responder for this CA, signing with `NAME.pem`/`NAME.key`.
    public final class OCSPResponder: @unchecked Sendable {
        let process: ChildProcess
        /// `http://127.0.0.1:PORT/`.
        public let url: String

        init(process: ChildProcess, url: String) {
            self.process = process
            self.url = url
        }

        /// Stops the responder (SIGKILL, which no signal mask or handler delays) and waits for it to end.
        public func stop() { process.stop() }

        deinit { stop() }
    }

    /// A free loopback port: one the kernel just handed out and that was let go again.
    public static func freePort() throws -> Int {
        let probe = try LoopbackListener { _ in }
        defer { probe.stop() }
        return probe.port
    }

    /// Starts an OCSP responder on `port` (see ``freePort()``) answering from this CA's database, signed by the
    /// certificate and key `responder` names ("ca" for the CA itself), each response valid for a day; it is ready
    /// when this returns. Stop it with ``OCSPResponder/stop()`` (in a `defer`).
    public func startOCSPResponder(responder: String, port: Int) throws -> OCSPResponder {
        // Ready once it says so on stderr: a probing connection would hang the single-threaded responder, which
        // waits for that connection's request before accepting the next.
        let log = url("ocsp-\(port).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = try ChildProcess.start(
            URL(fileURLWithPath: "/usr/bin/openssl"),
            [
                "ocsp", "-index", "index.txt", "-port", String(port), "-rsigner", "\(responder).pem", "-rkey", "\(responder).key", "-CA", "ca.pem",
                "-ndays", "1",
            ], in: directory, output: .null, errors: .file(log))
        let handle = OCSPResponder(process: process, url: "http://127.0.0.1:\(port)/")
        for _ in 0..<200 {
            if (try? String(contentsOf: log, encoding: .utf8))?.contains("waiting for OCSP client connections") == true { return handle }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        handle.stop()
        throw ExternalTool.Failure(
            description: "openssl ocsp did not start listening on port \(port): \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
    }

    /// Revokes `NAME.pem` with the clock at `time`, so that its revocation date is `time`; `compromisedAt` records
    /// a key compromise from that earlier time (the CRL entry's invalidityDate), `hold` puts it on hold instead.
    public func revoke(_ name: String, reason: String = "keyCompromise", at time: Date, compromisedAt: Date? = nil, hold: Bool = false) throws {
        var how = ["-crl_reason", reason]
        if let compromisedAt { how = ["-crl_compromise", Self.asn1Time(compromisedAt)] }
        if hold { how = ["-crl_hold", "holdInstructionReject"] }
        try openssl(["ca", "-config", "pki.cnf", "-cert", "ca.pem", "-keyfile", "ca.key", "-revoke", "\(name).pem"] + how, at: time)
    }

    /// A DER CRL issued at `time` (thisUpdate) with nextUpdate `hours` later, signed by the CA (or by the key and
    /// certificate `signer` names, to forge one).
    public func crl(at time: Date, hours: Int = 24, signer: String? = nil) throws -> [UInt8] {
        let name = UUID().uuidString
        let (cert, key) = signer.map { ("\($0).pem", "\($0).key") } ?? ("ca.pem", "ca.key")
        try openssl(
            ["ca", "-config", "pki.cnf", "-gencrl", "-cert", cert, "-keyfile", key, "-crlhours", String(hours), "-out", "\(name).crl"], at: time)
        try openssl(["crl", "-in", "\(name).crl", "-outform", "DER", "-out", "\(name).der"])
        return try bytes("\(name).der")
    }

    /// A DER OCSP response about `NAME.pem`, produced at `time` by the responder `responder` (a certificate and key
    /// in the folder; "ca" for the CA itself), valid for `days`; answering a request with a nonce when `nonce`.
    public func ocspResponse(for name: String, responder: String, at time: Date, days: Int = 1, nonce: Bool = false) throws -> [UInt8] {
        let work = UUID().uuidString
        try openssl(["ocsp", "-issuer", "ca.pem", "-cert", "\(name).pem", "-reqout", "\(work).req"] + (nonce ? [] : ["-no_nonce"]))
        try openssl(
            [
                "ocsp", "-index", "index.txt", "-CA", "ca.pem", "-rsigner", "\(responder).pem", "-rkey", "\(responder).key",
                "-reqin", "\(work).req", "-respout", "\(work).resp", "-ndays", String(days),
            ], at: time)
        return try bytes("\(work).resp")
    }

    /// An RFC 3161 token (DER) over `data`, stamped at `time` by the TSA certificate `NAME.pem` (issued with `tsa_ext`).
    public func timeStampToken(over data: [UInt8], tsa: String, at time: Date) throws -> [UInt8] {
        let work = UUID().uuidString
        try Data(data).write(to: url("\(work).dat"))
        try openssl(["ts", "-query", "-data", "\(work).dat", "-sha256", "-cert", "-out", "\(work).tsq"])
        try openssl(
            [
                "ts", "-reply", "-config", "pki.cnf", "-queryfile", "\(work).tsq", "-inkey", "\(tsa).key", "-signer", "\(tsa).pem",
                "-chain", "ca.pem", "-token_out", "-out", "\(work).tst",
            ], at: time)
        return try bytes("\(work).tst")
    }

    /// A TimeStampResp (DER) answering a DER query, stamped at `time` by `NAME.pem`.
    public func timeStampReply(query: [UInt8], tsa: String, at time: Date? = nil) throws -> [UInt8] {
        let work = UUID().uuidString
        try Data(query).write(to: url("\(work).tsq"))
        try openssl(
            [
                "ts", "-reply", "-config", "pki.cnf", "-queryfile", "\(work).tsq", "-inkey", "\(tsa).key", "-signer", "\(tsa).pem",
                "-chain", "ca.pem", "-out", "\(work).tsr",
            ], at: time)
        return try bytes("\(work).tsr")
    }
}
