import Foundation

/// EU-style trusted lists made at test time with independent tools: keys and certificates by `openssl` (back-dated
/// with `faketime`), lists signed (enveloped XMLDSig with XAdES signed properties) by the `xmlsec1` command-line tool.
///
/// The set: a list of trusted lists (LOTL, territory EU, signed by an RSA key the tests pin) pointing at two national
/// lists, BE and NL, each signed by an EC key its pointer announces.
/// - BE: a CA/QC service for e-seals granted since 2016, with qualifiers QCForESeal and QCQSCDStatusAsInCert for
///   certificates under policy QCP-l-qscd (0.4.0.194112.1.3).
/// - NL: a CA/QC service for e-seals granted in 2016 and withdrawn at ``withdrawal`` (ten days ago).
/// Seal certificates (with QcStatements) are issued by either CA; a time-stamping authority under its own root makes
/// RFC 3161 tokens at chosen times.
public struct TrustedListFixture: Sendable {
    /// The working folder (keys, certificates, list variants).
    public let directory: URL
    /// The moment the fixture was made.
    public let now: Date
    /// When the NL service was withdrawn.
    public let withdrawal: Date
    /// When the certificates start (400 days ago).
    public let certificatesFrom: Date

    /// The pinned LOTL signer certificate (PEM file).
    public var lotlSigner: URL { url("pki/lotl-signer.pem") }
    /// A folder with the good set: `eu-lotl.xml`, `BE.xml`, `NL.xml`.
    public var lists: URL { url("lists") }
    /// The BE CA's certificate (PEM file).
    public var beCA: URL { url("pki/be-ca.pem") }
    /// The NL CA's certificate (PEM file).
    public var nlCA: URL { url("pki/nl-ca.pem") }
    /// The time-stamping root (PEM file), for `--tsa-anchors`.
    public var tsaRoot: URL { url("pki/tsa-root.pem") }
    /// The folder holding only the time-stamping root.
    public var tsaAnchors: URL { url("tsa-anchors") }

    static let day = 86_400.0

    /// Makes the PKI and the signed lists under a new temporary folder.
    public static func make() throws -> TrustedListFixture {
        let directory = TestDirectories.path("skillcred-tl")
        let now = Date()
        let fixture = TrustedListFixture(
            directory: directory, now: now, withdrawal: now.addingTimeInterval(-10 * day), certificatesFrom: now.addingTimeInterval(-400 * day))
        try fixture.build()
        return fixture
    }

    public func url(_ path: String) -> URL { directory.appendingPathComponent(path) }

    // MARK: - Tools

    static let tool = URL(fileURLWithPath: "/usr/bin/env")

    @discardableResult
    func run(_ arguments: [String], in folder: String = "pki", at time: Date? = nil) throws -> String {
        var arguments = arguments
        if let time { arguments = ["faketime", "-f", "@" + Self.fakeTime(time)] + arguments }
        return try ExternalTool.run(Self.tool, arguments, in: url(folder), environment: ["TZ": "UTC"])
    }

    static func fakeTime(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date)
    }

    /// `2026-01-01T00:00:00Z`.
    public static func xsd(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'"
        return formatter.string(from: date)
    }

    func write(_ text: String, to path: String) throws {
        let target = url(path)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: target)
    }

    public func read(_ path: String) throws -> String { String(decoding: try Data(contentsOf: url(path)), as: UTF8.self) }

    /// A certificate's DER, base64 (as trusted lists carry it). Each call writes its own file: tests make list
    /// variants concurrently from one fixture.
    public func base64DER(_ pem: String) throws -> String {
        try Data(contentsOf: url("pki/" + (try derFile(pem)))).base64EncodedString()
    }

    /// Converts a PEM certificate under pki/ to DER in a file of its own, and returns that file's name.
    func derFile(_ pem: String) throws -> String {
        let name = "\(pem)-\(UUID().uuidString).der"
        try run(["openssl", "x509", "-in", pem, "-outform", "DER", "-out", name])
        return name
    }

    // MARK: - PKI

    func build() throws {
        for folder in ["pki", "lists", "tsa-anchors", "work"] {
            try FileManager.default.createDirectory(at: url(folder), withIntermediateDirectories: true)
        }
        try write(Self.extensions, to: "pki/ext.cnf")
        // List signers: the LOTL's RSA key (RSA-SHA256, as the EU signs), the national lists' EC keys, and a rogue.
        try run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "lotl-signer.key"])
        try selfSigned("lotl-signer", subject: "/C=EU/O=Test European Commission/CN=Test LOTL signer", extensions: "signer")
        for name in ["be-signer", "nl-signer", "rogue-signer", "rogue-lotl-signer"] {
            try ecKey(name)
            try selfSigned(name, subject: "/C=XX/O=Test \(name)/CN=Test \(name)", extensions: "signer")
        }
        for name in ["be-ca", "nl-ca", "tsa-root"] {
            try ecKey(name)
            try selfSigned(name, subject: "/C=\(name.prefix(2).uppercased())/O=Test QTSP \(name)/CN=Test \(name) for e-seals", extensions: "ca")
        }
        try FileManager.default.copyItem(at: tsaRoot, to: url("tsa-anchors/tsa-root.pem"))
        try ecKey("tsa")
        try issue("tsa", by: "tsa-root", subject: "/C=BE/O=Test TSA/CN=Test time-stamping unit", extensions: "tsa")
        try writeLists(into: "lists", variants: [:])
    }

    func ecKey(_ name: String) throws {
        try run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "\(name).key"])
    }

    func selfSigned(_ name: String, subject: String, extensions: String) throws {
        try run(
            [
                "openssl", "req", "-x509", "-new", "-key", "\(name).key", "-out", "\(name).pem", "-days", "3650", "-sha256",
                "-subj", subject, "-config", "ext.cnf", "-extensions", extensions,
            ], at: certificatesFrom)
    }

    func issue(_ name: String, by ca: String, subject: String, extensions: String) throws {
        try run(["openssl", "req", "-new", "-key", "\(name).key", "-subj", subject, "-out", "\(name).csr", "-config", "ext.cnf"])
        try run(
            [
                "openssl", "x509", "-req", "-in", "\(name).csr", "-CA", "\(ca).pem", "-CAkey", "\(ca).key", "-set_serial",
                String(UInt32.random(in: 1...UInt32.max)), "-days", "1825", "-sha256", "-extfile", "ext.cnf", "-extensions", extensions,
                "-out", "\(name).pem",
            ], at: certificatesFrom)
    }

    /// A seal certificate and key from the BE or NL CA.
    public struct SealIdentity: Sendable {
        /// The key (PKCS#8 PEM).
        public let privateKeyPEM: String
        /// The seal certificate then its CA (PEM).
        public let chainPEM: String
    }

    /// Issues a seal certificate for `organization` by the `ca` ("be-ca" or "nl-ca"), with QcStatements: qualified,
    /// for e-seals, and with the QSCD statement when `qscd` (policy QCP-l-qscd, else QCP-l); `forESignatures` makes
    /// it a qualified certificate for e-signatures instead (QcType esign, QcSSCD, policy QCP-n-qscd).
    public func sealIdentity(ca: String, organization: String, identifier: String, qscd: Bool, forESignatures: Bool = false) throws -> SealIdentity {
        let name = "seal-\(UUID().uuidString.prefix(8))"
        try ecKey(name)
        try issue(
            name, by: ca, subject: "/C=BE/O=\(organization)/organizationIdentifier=\(identifier)/CN=\(organization) e-seal",
            extensions: forESignatures ? "seal_esign" : qscd ? "seal_qscd" : "seal_noqscd")
        let chain = try read("pki/\(name).pem") + read("pki/\(ca).pem")
        return SealIdentity(privateKeyPEM: try read("pki/\(name).key"), chainPEM: chain)
    }

    /// A forger's CA `name` (pki/NAME.key, pki/NAME.pem): a new key, self-signed under the very subject name and
    /// subject key identifier of the listed CA `ca`, so that everything but the key matches it.
    public func forgeCA(_ name: String, like ca: String) throws {
        let subject = try run(["openssl", "x509", "-in", "\(ca).pem", "-noout", "-subject", "-nameopt", "compat"])
            .trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "subject=", with: "")
        let printed = try run(["openssl", "x509", "-in", "\(ca).pem", "-noout", "-ext", "subjectKeyIdentifier"])
        guard let identifier = printed.split(separator: "\n").last?.trimmingCharacters(in: .whitespaces), identifier.contains(":") else {
            throw ExternalTool.Failure(description: "no subject key identifier in \(ca).pem: \(printed)")
        }
        try write(
            Self.extensions + "[ forged_ca ]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\n"
                + "subjectKeyIdentifier = \(identifier)\n", to: "pki/\(name).cnf")
        try ecKey(name)
        try run(
            [
                "openssl", "req", "-x509", "-new", "-key", "\(name).key", "-out", "\(name).pem", "-days", "3650", "-sha256",
                "-subj", subject, "-config", "\(name).cnf", "-extensions", "forged_ca",
            ], at: certificatesFrom)
    }

    /// A time-stamping authority of its own (pki/NAME.key, pki/NAME.pem, self-signed, for time-stamping), which no
    /// test trusts.
    public func makeUntrustedTSA(_ name: String) throws {
        try ecKey(name)
        try selfSigned(name, subject: "/C=XX/O=Untrusted TSA/CN=\(name)", extensions: "tsa")
    }

    /// An RFC 3161 token over `data`, made by `openssl ts` with the clock at `time`, by the fixture's TSA or by `tsa`
    /// (one of ``makeUntrustedTSA(_:)``).
    public func timeStampToken(over data: [UInt8], at time: Date, tsa: String? = nil) throws -> [UInt8] {
        let work = "work/ts-\(UUID().uuidString)"
        try FileManager.default.createDirectory(at: url(work), withIntermediateDirectories: true)
        try Data(data).write(to: url(work + "/data"))
        try run(["openssl", "ts", "-query", "-data", "data", "-sha256", "-cert", "-out", "q.tsq"], in: work)
        // A serial file per token: tests stamp concurrently, and openssl rewrites the file it reads.
        try write(
            Self.tsaConfig(folder: url("pki").path, serial: url(work + "/serial").path, signer: tsa ?? "tsa", chain: tsa ?? "tsa-root"),
            to: work + "/tsa.cnf")
        try write("01\n", to: work + "/serial")
        try run(["openssl", "ts", "-reply", "-config", "tsa.cnf", "-queryfile", "q.tsq", "-token_out", "-out", "token.der"], in: work, at: time)
        return Array(try Data(contentsOf: url(work + "/token.der")))
    }

    // MARK: - Lists

    /// How a variant set of lists differs from the good one.
    public enum Variant: Sendable, Equatable {
        /// The list is signed, then a byte of its content changed.
        case tampered
        /// The list is signed by a key its parent does not announce (for the LOTL: one that is not pinned).
        case rogueSigner
        /// The list is signed by the named key of pki/ (e.g. another territory's announced signer).
        case signedBy(String)
        /// The list is signed, then a second TrustServiceProviderList, granting a service to the rogue signer's
        /// certificate, is slipped into the signature's `ds:Object` (outside what the enveloped signature covers), with
        /// an element that repeats the signed properties' `Id`.
        case wrapped
        /// The list is signed with ECDSA-SHA1 and SHA-1 digests (or RSA-SHA1 for the LOTL).
        case sha1
        /// The list's NextUpdate is this date instead of 180 days after the fixture's time.
        case nextUpdate(Date)
    }

    /// Writes the three lists into `folder` (under the fixture), with `variants` applied by territory ("EU", "BE", "NL");
    /// `beServices` (``service(name:ca:status:since:extensions:history:identity:)`` XML) replaces the BE list's service.
    public func writeLists(into folder: String, variants: [String: Variant], beServices: [String]? = nil) throws {
        try FileManager.default.createDirectory(at: url(folder), withIntermediateDirectories: true)
        let be = try nationalList(
            territory: "BE", sequence: 12,
            services: try beServices ?? [
                service(
                    name: "Test BE Qualified CA for e-seals", ca: "be-ca", status: "granted", since: "2016-07-01T00:00:00Z",
                    extensions: Self.eSealExtensions(qscdQualifier: "QCQSCDStatusAsInCert"))
            ])
        let nl = try nationalList(
            territory: "NL", sequence: 7,
            services: [
                service(
                    name: "Test NL Qualified CA for e-seals", ca: "nl-ca", status: "withdrawn", since: Self.xsd(withdrawal), extensions: "",
                    history: [("granted", "2016-07-01T00:00:00Z", Self.eSealExtensions(qscdQualifier: "QCWithQSCD"))])
            ])
        let lotl = try listOfLists(pointers: [("BE", "be-signer"), ("NL", "nl-signer")])
        for (territory, listBody, signer) in [("EU", lotl, "lotl-signer"), ("BE", be, "be-signer"), ("NL", nl, "nl-signer")] {
            let file = territory == "EU" ? "eu-lotl.xml" : "\(territory).xml"
            var body = listBody
            if case .nextUpdate(let date)? = variants[territory] {
                body = body.replacingOccurrences(of: Self.xsd(now.addingTimeInterval(180 * Self.day)), with: Self.xsd(date))
            }
            var key = signer
            if variants[territory] == .rogueSigner { key = territory == "EU" ? "rogue-lotl-signer" : "rogue-signer" }
            if case .signedBy(let other)? = variants[territory] { key = other }
            try sign(body, with: key, to: "\(folder)/\(file)", sha1: variants[territory] == .sha1)
            if variants[territory] == .tampered {
                let signed = try read("\(folder)/\(file)")
                try write(signed.replacingOccurrences(of: "<tsl:TSLSequenceNumber>", with: "<tsl:TSLSequenceNumber>9"), to: "\(folder)/\(file)")
            }
            if variants[territory] == .wrapped {
                let signed = try read("\(folder)/\(file)")
                let forged = try service(
                    name: "Wrapped rogue service", ca: "rogue-signer", status: "granted", since: "2016-07-01T00:00:00Z",
                    extensions: Self.eSealExtensions(qscdQualifier: "QCWithQSCD"))
                let wrapper =
                    "<ds:Object><tsl:TrustServiceProviderList><tsl:TrustServiceProvider><tsl:TSPInformation><tsl:TSPName>"
                    + "<tsl:Name xml:lang=\"en\">Wrapped rogue QTSP</tsl:Name></tsl:TSPName></tsl:TSPInformation><tsl:TSPServices>\(forged)"
                    + "</tsl:TSPServices></tsl:TrustServiceProvider></tsl:TrustServiceProviderList>"
                    + "<xades:SignedProperties Id=\"xades-signed-properties\"/></ds:Object></ds:Signature>"
                try write(signed.replacingOccurrences(of: "</ds:Signature>", with: wrapper), to: "\(folder)/\(file)")
            }
        }
    }

    /// Signs `body` (a list whose `ds:Signature` template is in place) with xmlsec1 and the named key and certificate;
    /// with SHA-1 algorithms when `sha1`.
    func sign(_ body: String, with signer: String, to path: String, sha1: Bool = false) throws {
        let template = "work/\(UUID().uuidString).xml"
        let der = try derFile(signer + ".pem")
        try run(["openssl", "dgst", "-sha256", "-binary", "-out", der + ".sha256", der])
        let digest = try Data(contentsOf: url("pki/" + der + ".sha256")).base64EncodedString()
        let rsa = signer == "lotl-signer"
        let algorithm =
            sha1
            ? (rsa ? "http://www.w3.org/2000/09/xmldsig#rsa-sha1" : "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1")
            : (rsa ? "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256" : "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256")
        var signature = Self.signatureTemplate(algorithm: algorithm, certificateDigest: digest, signingTime: Self.xsd(now))
        if sha1 {
            signature = signature.replacingOccurrences(
                of: "http://www.w3.org/2001/04/xmlenc#sha256\"/><ds:DigestValue/>", with: "http://www.w3.org/2000/09/xmldsig#sha1\"/><ds:DigestValue/>")
        }
        let text = body.replacingOccurrences(of: "</tsl:TrustServiceStatusList>", with: signature + "</tsl:TrustServiceStatusList>")
        try write(text, to: template)
        try run(
            [
                "xmlsec1", "--sign", "--privkey-pem", "pki/\(signer).key,pki/\(signer).pem", "--id-attr:Id", Self.xadesNamespace + ":SignedProperties",
                "--output", path, template,
            ], in: "")
    }

    /// Whether the xmlsec1 tool verifies the list at `path` with `signer` (a PEM file) as its only trusted certificate.
    public func xmlsec1Verifies(_ path: URL, signer: URL) throws -> Bool {
        let outcome = try ExternalTool.capture(
            Self.tool,
            [
                "xmlsec1", "--verify", "--trusted-pem", signer.path, "--id-attr:Id", Self.xadesNamespace + ":SignedProperties",
                "--enabled-reference-uris", "empty,same-doc", path.path,
            ], in: directory, mergingErrors: true)
        return outcome.status == 0
    }

    func listOfLists(pointers: [(territory: String, signer: String)]) throws -> String {
        var xml = ""
        for (territory, signer) in pointers {
            xml += """
                <tsl:OtherTSLPointer><tsl:ServiceDigitalIdentities><tsl:ServiceDigitalIdentity><tsl:DigitalId>\
                <tsl:X509Certificate>\(try base64DER(signer + ".pem"))</tsl:X509Certificate></tsl:DigitalId></tsl:ServiceDigitalIdentity>\
                </tsl:ServiceDigitalIdentities><tsl:TSLLocation>https://tl.example/\(territory).xml</tsl:TSLLocation>\
                <tsl:AdditionalInformation><tsl:OtherInformation><tsl:TSLType>http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric</tsl:TSLType></tsl:OtherInformation>\
                <tsl:OtherInformation><tsl:SchemeTerritory>\(territory)</tsl:SchemeTerritory></tsl:OtherInformation>\
                <tsl:OtherInformation><tslx:MimeType>application/vnd.etsi.tsl+xml</tslx:MimeType></tsl:OtherInformation>\
                </tsl:AdditionalInformation></tsl:OtherTSLPointer>

                """
        }
        return header(territory: "EU", sequence: 300, type: "EUlistofthelists") + "<tsl:PointersToOtherTSL>\n\(xml)</tsl:PointersToOtherTSL>\n"
            + "</tsl:SchemeInformation>\n</tsl:TrustServiceStatusList>\n"
    }

    func nationalList(territory: String, sequence: Int, services: [String]) throws -> String {
        header(territory: territory, sequence: sequence, type: "EUgeneric") + "</tsl:SchemeInformation>\n<tsl:TrustServiceProviderList>\n"
            + "<tsl:TrustServiceProvider><tsl:TSPInformation><tsl:TSPName><tsl:Name xml:lang=\"en\">Test QTSP \(territory)</tsl:Name></tsl:TSPName></tsl:TSPInformation>\n"
            + "<tsl:TSPServices>\n" + services.joined() + "</tsl:TSPServices></tsl:TrustServiceProvider>\n"
            + "</tsl:TrustServiceProviderList>\n</tsl:TrustServiceStatusList>\n"
    }

    func header(territory: String, sequence: Int, type: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <tsl:TrustServiceStatusList xmlns:tsl="http://uri.etsi.org/02231/v2#" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" \
        xmlns:xades="\(Self.xadesNamespace)" xmlns:ecc="http://uri.etsi.org/TrstSvc/SvcInfoExt/eSigDir-1999-93-EC-TrustedList/#" \
        xmlns:tslx="http://uri.etsi.org/02231/v2/additionaltypes#" Id="tsl-\(territory)" TSLTag="http://uri.etsi.org/19612/TSLTag">
        <tsl:SchemeInformation>
        <tsl:TSLVersionIdentifier>5</tsl:TSLVersionIdentifier>
        <tsl:TSLSequenceNumber>\(sequence)</tsl:TSLSequenceNumber>
        <tsl:TSLType>http://uri.etsi.org/TrstSvc/TrustedList/TSLType/\(type)</tsl:TSLType>
        <tsl:SchemeOperatorName><tsl:Name xml:lang="en">Test supervisory body \(territory)</tsl:Name></tsl:SchemeOperatorName>
        <tsl:SchemeTerritory>\(territory)</tsl:SchemeTerritory>
        <tsl:ListIssueDateTime>\(Self.xsd(now.addingTimeInterval(-Self.day)))</tsl:ListIssueDateTime>
        <tsl:NextUpdate><tsl:dateTime>\(Self.xsd(now.addingTimeInterval(180 * Self.day)))</tsl:dateTime></tsl:NextUpdate>

        """
    }

    /// A `TSPService` of type CA/QC whose digital identity is the certificate `ca` (a PEM under pki/, without `.pem`),
    /// or `identity` (the `DigitalId` elements' content) when given; `history` holds (status, start, extensions).
    public func service(
        name: String, ca: String, status: String, since: String, extensions: String, history: [(String, String, String)] = [],
        identity digitalID: String? = nil
    ) throws -> String {
        let content: String
        if let digitalID { content = digitalID } else { content = "<tsl:X509Certificate>\(try base64DER(ca + ".pem"))</tsl:X509Certificate>" }
        let identity = """
            <tsl:ServiceDigitalIdentity><tsl:DigitalId>\(content)</tsl:DigitalId></tsl:ServiceDigitalIdentity>
            """
        func information(_ element: String, _ status: String, _ since: String, _ extensions: String) -> String {
            """
            <tsl:\(element)><tsl:ServiceTypeIdentifier>http://uri.etsi.org/TrstSvc/Svctype/CA/QC</tsl:ServiceTypeIdentifier>
            <tsl:ServiceName><tsl:Name xml:lang="en">\(name)</tsl:Name></tsl:ServiceName>
            \(identity)
            <tsl:ServiceStatus>http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/\(status)</tsl:ServiceStatus>
            <tsl:StatusStartingTime>\(since)</tsl:StatusStartingTime>
            \(extensions.isEmpty ? "" : "<tsl:ServiceInformationExtensions>\(extensions)</tsl:ServiceInformationExtensions>")
            </tsl:\(element)>

            """
        }
        var xml = "<tsl:TSPService>\n" + information("ServiceInformation", status, since, extensions)
        if !history.isEmpty {
            xml += "<tsl:ServiceHistory>\n" + history.map { information("ServiceHistoryInstance", $0.0, $0.1, $0.2) }.joined() + "</tsl:ServiceHistory>\n"
        }
        return xml + "</tsl:TSPService>\n"
    }

    /// ForeSeals, and a Qualifications extension: QCForESeal plus `qscdQualifier` for certificates under QCP-l-qscd.
    public static func eSealExtensions(qscdQualifier: String) -> String {
        """
        <tsl:Extension Critical="true"><tsl:AdditionalServiceInformation><tsl:URI xml:lang="en">http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/ForeSeals</tsl:URI></tsl:AdditionalServiceInformation></tsl:Extension>
        <tsl:Extension Critical="true"><ecc:Qualifications><ecc:QualificationElement><ecc:Qualifiers>\
        <ecc:Qualifier uri="http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/QCForESeal"/>\
        <ecc:Qualifier uri="http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/\(qscdQualifier)"/></ecc:Qualifiers>\
        <ecc:CriteriaList assert="atLeastOne"><ecc:PolicySet><ecc:PolicyIdentifier><xades:Identifier>urn:oid:0.4.0.194112.1.3</xades:Identifier>\
        </ecc:PolicyIdentifier></ecc:PolicySet></ecc:CriteriaList></ecc:QualificationElement></ecc:Qualifications></tsl:Extension>
        """
    }

    static let xadesNamespace = "http://uri.etsi.org/01903/v1.3.2#"

    static func signatureTemplate(algorithm: String, certificateDigest: String, signingTime: String) -> String {
        """
        <ds:Signature Id="tl-signature"><ds:SignedInfo>\
        <ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>\
        <ds:SignatureMethod Algorithm="\(algorithm)"/>\
        <ds:Reference Id="ref-list" URI=""><ds:Transforms>\
        <ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>\
        <ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>\
        <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference>\
        <ds:Reference URI="#xades-signed-properties" Type="http://uri.etsi.org/01903#SignedProperties"><ds:Transforms>\
        <ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>\
        <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference>\
        </ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo>\
        <ds:Object><xades:QualifyingProperties Target="#tl-signature"><xades:SignedProperties Id="xades-signed-properties">\
        <xades:SignedSignatureProperties><xades:SigningTime>\(signingTime)</xades:SigningTime><xades:SigningCertificateV2><xades:Cert>\
        <xades:CertDigest><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>\
        <ds:DigestValue>\(certificateDigest)</ds:DigestValue></xades:CertDigest></xades:Cert></xades:SigningCertificateV2>\
        </xades:SignedSignatureProperties></xades:SignedProperties></xades:QualifyingProperties></ds:Object></ds:Signature>

        """
    }

    static let extensions = """
        [ req ]
        distinguished_name = dn
        string_mask = utf8only
        [ dn ]
        [ signer ]
        basicConstraints = critical,CA:FALSE
        keyUsage = critical,digitalSignature,nonRepudiation
        subjectKeyIdentifier = hash
        [ ca ]
        basicConstraints = critical,CA:TRUE
        keyUsage = critical,keyCertSign,cRLSign
        subjectKeyIdentifier = hash
        [ tsa ]
        basicConstraints = critical,CA:FALSE
        keyUsage = critical,digitalSignature
        extendedKeyUsage = critical,timeStamping
        authorityKeyIdentifier = keyid
        [ seal_qscd ]
        basicConstraints = critical,CA:FALSE
        keyUsage = critical,digitalSignature,nonRepudiation
        authorityKeyIdentifier = keyid
        certificatePolicies = 0.4.0.194112.1.3
        1.3.6.1.5.5.7.1.3 = ASN1:SEQUENCE:qc_statements_qscd
        [ seal_noqscd ]
        basicConstraints = critical,CA:FALSE
        keyUsage = critical,digitalSignature,nonRepudiation
        authorityKeyIdentifier = keyid
        certificatePolicies = 0.4.0.194112.1.1
        1.3.6.1.5.5.7.1.3 = ASN1:SEQUENCE:qc_statements
        [ qc_statements_qscd ]
        compliance = SEQUENCE:qc_compliance
        sscd = SEQUENCE:qc_sscd
        type = SEQUENCE:qc_type
        [ qc_statements ]
        compliance = SEQUENCE:qc_compliance
        type = SEQUENCE:qc_type
        [ qc_compliance ]
        id = OID:0.4.0.1862.1.1
        [ qc_sscd ]
        id = OID:0.4.0.1862.1.4
        [ qc_type ]
        id = OID:0.4.0.1862.1.6
        types = SEQUENCE:qc_type_eseal
        [ qc_type_eseal ]
        eseal = OID:0.4.0.1862.1.6.2
        [ seal_esign ]
        basicConstraints = critical,CA:FALSE
        keyUsage = critical,digitalSignature,nonRepudiation
        authorityKeyIdentifier = keyid
        certificatePolicies = 0.4.0.194112.1.2
        1.3.6.1.5.5.7.1.3 = ASN1:SEQUENCE:qc_statements_esign
        [ qc_statements_esign ]
        compliance = SEQUENCE:qc_compliance
        sscd = SEQUENCE:qc_sscd
        type = SEQUENCE:qc_type_esign_statement
        [ qc_type_esign_statement ]
        id = OID:0.4.0.1862.1.6
        types = SEQUENCE:qc_type_esign
        [ qc_type_esign ]
        esign = OID:0.4.0.1862.1.6.1

        """

    static func tsaConfig(folder: String, serial: String, signer: String, chain: String) -> String {
        """
        [ tsa ]
        default_tsa = tsa_config
        [ tsa_config ]
        dir = \(folder)
        serial = \(serial)
        signer_cert = $dir/\(signer).pem
        certs = $dir/\(chain).pem
        signer_key = $dir/\(signer).key
        \(TSAConfiguration.commonSettings)

        """
    }
}
