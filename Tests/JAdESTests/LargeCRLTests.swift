import Foundation
import JAdES
import TestSupport
import Testing
import X509

// Large CRLs made by `openssl ca -gencrl` from a database of 30,000 revoked certificates, forged, corrupted and
// re-signed with `openssl dgst`: a CRL's entries may be read only once its CA's signature is verified, and then
// without building them all.

extension OpenSSLPKI {
    /// Adds `count` revoked certificates to the CA's database (serials 0x01000000 on, revoked a day before `now`,
    /// every fourth with a reason), as `openssl ca -revoke` would record them.
    func recordRevoked(count: Int, now: Date) throws {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyMMddHHmmss'Z'"  // the database keeps UTCTime
        let expiry = formatter.string(from: now + 365 * day)
        let revoked = formatter.string(from: now - day)
        var lines = ""
        lines.reserveCapacity(count * 64)
        for number in 0..<count {
            let reason = number % 4 == 0 ? ",keyCompromise" : ""
            lines += "R\t\(expiry)\t\(revoked)\(reason)\t\(String(format: "%08X", LargeCRL.firstSerial + number))\tunknown\t/CN=revoked \(number)\n"
        }
        let handle = try FileHandle(forWritingTo: url("index.txt"))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(lines.utf8))
    }
}

struct SurgeryFailure: Error, CustomStringConvertible {
    let description: String
}

/// Byte surgery on openssl's CRLs.
enum LargeCRL {
    static let firstSerial = 0x0100_0000
    static let count = 30_000

    /// The end of the DER element at `offset` and where its content starts.
    static func element(_ bytes: [UInt8], at offset: Int) -> (contentStart: Int, end: Int) {
        let first = Int(bytes[offset + 1])
        guard first & 0x80 != 0 else { return (offset + 2, offset + 2 + first) }
        let octets = first & 0x7F
        let length = bytes[(offset + 2)..<(offset + 2 + octets)].reduce(0) { $0 << 8 | Int($1) }
        return (offset + 2 + octets, offset + 2 + octets + length)
    }

    /// A DER element of `tag` holding `content`.
    static func der(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        var length: [UInt8] = []
        var remaining = content.count
        while remaining > 0 {
            length.insert(UInt8(remaining & 0xFF), at: 0)
            remaining >>= 8
        }
        let header: [UInt8] = content.count < 0x80 ? [UInt8(content.count)] : [0x80 | UInt8(length.count)] + length
        return [tag] + header + content
    }

    /// The CRL with the entry of synthetic serial `number` spoiled: its serial's INTEGER tag becomes a UTF8String's,
    /// same length, so the structure around it still holds and only decoding that entry can notice.
    static func spoilingEntry(_ crl: [UInt8], number: Int) throws -> [UInt8] {
        let serial = firstSerial + number
        let pattern: [UInt8] = [0x02, 0x04, UInt8(serial >> 24), UInt8(serial >> 16 & 0xFF), UInt8(serial >> 8 & 0xFF), UInt8(serial & 0xFF)]
        var found: Int?
        var offset = 0
        while found == nil, offset + pattern.count <= crl.count {
            if crl[offset] == pattern[0], crl[offset + 1] == pattern[1], crl[offset + 2] == pattern[2], crl[offset + 3] == pattern[3],
                crl[offset + 4] == pattern[4], crl[offset + 5] == pattern[5]
            {
                found = offset
            }
            offset += 1
        }
        guard let at = found else { throw SurgeryFailure(description: "serial \(serial) is not in the CRL") }
        var spoiled = crl
        spoiled[at] = 0x0C
        return spoiled
    }

    /// `crl` signed anew over its (possibly altered) tbsCertList with the key `signer` names, by `openssl dgst`.
    static func resigned(_ crl: [UInt8], by signer: String, in pki: OpenSSLPKI) throws -> [UInt8] {
        let outer = element(crl, at: 0)
        let tbs = element(crl, at: outer.contentStart)
        let algorithm = element(crl, at: tbs.end)
        return try signed(tbs: Array(crl[outer.contentStart..<tbs.end]), algorithm: Array(crl[tbs.end..<algorithm.end]), by: signer, in: pki)
    }

    /// A CertificateList of `tbs` (a whole tbsCertList element) and `algorithm`, signed with the key `signer` names.
    static func signed(tbs: [UInt8], algorithm: [UInt8], by signer: String, in pki: OpenSSLPKI) throws -> [UInt8] {
        let work = UUID().uuidString
        try Data(tbs).write(to: pki.url("\(work).tbs"))
        try pki.openssl(["dgst", "-sha256", "-sign", "\(signer).key", "-out", "\(work).sig", "\(work).tbs"])
        let signature = try pki.bytes("\(work).sig")
        return der(0x30, tbs + algorithm + der(0x03, [0] + signature))
    }

    /// The elements inside the element at `offset`, as whole-element byte ranges.
    static func children(_ bytes: [UInt8], of offset: Int) -> [Range<Int>] {
        let parent = element(bytes, at: offset)
        var out: [Range<Int>] = []
        var position = parent.contentStart
        while position < parent.end {
            let child = element(bytes, at: position)
            out.append(position..<child.end)
            position = child.end
        }
        return out
    }

    /// An empty openssl CRL (version, algorithm, issuer, thisUpdate, nextUpdate, crlExtensions) with one entry added
    /// for serial 0x0101 carrying `extensions` (the DER of Extension elements), signed by the CA.
    static func withEntry(extensions: [UInt8], from empty: [UInt8], in pki: OpenSSLPKI) throws -> [UInt8] {
        let outer = element(empty, at: 0)
        let fields = children(empty, of: outer.contentStart)
        let tbsEnd = element(empty, at: outer.contentStart).end
        let algorithm = element(empty, at: tbsEnd)
        let thisUpdate = Array(empty[fields[3]])
        let entry = der(0x30, der(0x02, [0x01, 0x01]) + thisUpdate + der(0x30, extensions))
        let tbs = der(0x30, fields[..<5].flatMap { Array(empty[$0]) } + der(0x30, entry) + fields[5...].flatMap { Array(empty[$0]) })
        return try signed(tbs: tbs, algorithm: Array(empty[tbsEnd..<algorithm.end]), by: "ca", in: pki)
    }
}

// Serialized, and 30,000 entries rather than 200,000: openssl runs synchronously, and several large CRLs made at once held
// both cooperative threads long enough to time out unrelated tests (did:web refusals at 60 s). The size figures are
// in docs/long-term-validation.md (scripts/make-big-crl.sh).
@Suite("Large and hostile CRLs: entries are read only from a CRL its CA signed, and never all at once", .serialized)
struct LargeCRLTests {
    /// A fixture whose CA has revoked 30,000 other certificates.
    func fixture() throws -> RevocationFixture? {
        guard let fixture = try RevocationFixture.make() else { return nil }
        try fixture.pki.recordRevoked(count: LargeCRL.count, now: fixture.now)
        return fixture
    }

    @Test("A 30,000-entry CRL under the CA's name but another key is refused for its signature, its entries unread")
    func forgedLargeCRLRefusedUnread() async throws {
        guard let fixture = try fixture(), let impostor = try OpenSSLPKI.make(name: fixture.pki.caName) else { return }
        try impostor.recordRevoked(count: LargeCRL.count, now: fixture.now)
        // A spoiled entry deep inside: decoding the entries before the signature check would refuse the CRL for it.
        let forged = try LargeCRL.spoilingEntry(try impostor.crl(at: fixture.now - 60), number: LargeCRL.count - 7)
        #expect(forged.count > 600_000)

        let parsed = try CertificateRevocationList(derEncoded: forged)
        let outcome = await fixture.check([crl(forged)], at: fixture.now, proven: false)

        #expect(parsed.issuer == fixture.ca.subject)
        #expect(parsed.problem(signedBy: fixture.ca)?.contains("does not verify") == true)
        guard case .notChecked = outcome.status else {
            Issue.record("a forged CRL must establish nothing, got \(outcome.status)")
            return
        }
        let text = outcome.findings.first?.text ?? ""
        #expect(text.contains("refused") && text.contains("does not verify"), "\(text)")
        #expect(!text.contains("DER"), "the spoiled entry must not have been read: \(text)")
    }

    @Test("A 30,000-entry CRL of the CA: a certificate it lists is found, with its reason; one it does not list is not")
    func largeCRLLookups() async throws {
        guard let fixture = try fixture() else { return }
        let before = try fixture.pki.crl(at: fixture.now - 120)
        try fixture.pki.revoke("seal", at: fixture.now - 3600)
        let after = try fixture.pki.crl(at: fixture.now - 60)
        let parsed = try CertificateRevocationList(derEncoded: after)
        #expect(parsed.problem(signedBy: fixture.ca) == nil)

        let listed = try #require(parsed.entry(for: Certificate.SerialNumber(bytes: [0x01, 0x00, 0x50, 0x00])))
        #expect(listed.reason?.description == "keyCompromise")  // number 0x5000 = 20,480, a multiple of four
        #expect(abs(listed.revocationDate.timeIntervalSince(fixture.now - day)) < 5)
        let plain = try #require(parsed.entry(for: Certificate.SerialNumber(bytes: [0x01, 0x00, 0x50, 0x01])))
        #expect(plain.reason == nil)
        #expect(parsed.entry(for: Certificate.SerialNumber(bytes: [0x01, 0x00, 0x75, 0x30])) == nil)  // one past the last (30,000)
        #expect(parsed.entry(for: Certificate.SerialNumber(bytes: [0x00, 0x01, 0x00, 0x50, 0x00])) == listed)  // leading zero octets do not count

        let revoked = await fixture.check([crl(after)], at: fixture.now, proven: false)
        guard case .revokedBefore(let date, let reason, _) = revoked.status else {
            Issue.record("the seal certificate is listed, got \(revoked.status)")
            return
        }
        #expect(abs(date.timeIntervalSince(fixture.now - 3600)) < 5)
        #expect(reason?.description == "keyCompromise")
        let good = await fixture.check([crl(before)], at: fixture.now, proven: false)
        guard case .good = good.status else {
            Issue.record("a current CRL that does not list the seal certificate says good, got \(good.status): \(good.findings.map(\.text))")
            return
        }
    }

    @Test("A CRL its CA signed with one malformed entry is refused once its signature verifies, wherever that entry sits")
    func signedCRLWithMalformedEntryRefused() async throws {
        guard let fixture = try fixture() else { return }
        let spoiled = try LargeCRL.resigned(LargeCRL.spoilingEntry(try fixture.pki.crl(at: fixture.now - 60), number: 12_345), by: "ca", in: fixture.pki)
        let parsed = try CertificateRevocationList(derEncoded: spoiled)
        let problem = try #require(parsed.problem(signedBy: fixture.ca))
        #expect(problem.contains("its signature verifies") && problem.contains("an entry makes it unusable"), "re-signed by the CA's key: \(problem)")
        // Asked about an entry elsewhere in the list, it answers nothing.
        #expect(parsed.entry(for: Certificate.SerialNumber(bytes: [0x01, 0x00, 0x00, 0x01])) == nil)
        let outcome = await fixture.check([crl(spoiled)], at: fixture.now, proven: false)
        guard case .notChecked(let why) = outcome.status else {
            Issue.record("a malformed CRL must establish nothing, got \(outcome.status)")
            return
        }
        #expect(why.contains("a CRL of the CA has an unusable entry"), "\(why)")
        #expect(outcome.findings.first?.text.contains("an entry makes it unusable") == true, "\(outcome.findings.map(\.text))")
    }

    @Test("The CRL rules hold: delta, indirect and unknown critical CRL extensions are refused from the header, a limited scope proves no silence")
    func crlLevelRules() async throws {
        guard let fixture = try RevocationFixture.make() else { return }
        let sections = """

            [ delta_ext ]
            2.5.29.27 = critical, ASN1:INTEGER:1
            [ indirect_ext ]
            issuingDistributionPoint = critical, @indirect_idp
            [ indirect_idp ]
            indirectCRL = TRUE
            [ unknown_ext ]
            1.2.3.4 = critical, ASN1:NULL
            [ only_ca_ext ]
            issuingDistributionPoint = critical, @only_ca_idp
            [ only_ca_idp ]
            onlyCA = TRUE

            """
        try Data((try fixture.pki.text("pki.cnf") + sections).utf8).write(to: fixture.pki.url("pki.cnf"))
        func list(_ section: String) throws -> [UInt8] {
            try fixture.pki.openssl(
                [
                    "ca", "-config", "pki.cnf", "-gencrl", "-cert", "ca.pem", "-keyfile", "ca.key", "-crlexts", section, "-crlhours", "24", "-out",
                    "\(section).crl",
                ])
            try fixture.pki.openssl(["crl", "-in", "\(section).crl", "-outform", "DER", "-out", "\(section).der"])
            return try fixture.pki.bytes("\(section).der")
        }
        for (section, reason) in [
            ("delta_ext", "it is a delta CRL"), ("indirect_ext", "it is an indirect CRL"), ("unknown_ext", "unknown critical extension 1.2.3.4"),
        ] {
            let bytes = try list(section)
            #expect {
                _ = try CertificateRevocationList(derEncoded: bytes)
            } throws: { error in
                (error as? JAdESError)?.message.contains(reason) == true
            }
            let outcome = await fixture.check([crl(bytes)], at: fixture.now, proven: false)
            #expect(outcome.findings.first?.text.contains(reason) == true, "\(section): \(outcome.findings.map(\.text))")
        }
        let onlyCA = await fixture.check([crl(try list("only_ca_ext"))], at: fixture.now, proven: false)
        #expect(onlyCA.findings.first?.text.contains("it lists only CA certificates, so its silence proves nothing") == true, "\(onlyCA.findings.map(\.text))")
    }

    @Test("An entry's certificateIssuer (indirect CRL) or unknown critical extension refuses a CRL its CA signed")
    func entryLevelRules() async throws {
        guard let fixture = try RevocationFixture.make() else { return }
        let empty = try fixture.pki.crl(at: fixture.now - 60)
        let certificateIssuer = LargeCRL.der(0x30, LargeCRL.der(0x06, [0x55, 0x1D, 0x1D]) + LargeCRL.der(0x04, [0x30, 0x00]))
        let unknownCritical = LargeCRL.der(
            0x30, LargeCRL.der(0x06, [0x2A, 0x03, 0x04]) + LargeCRL.der(0x01, [0xFF]) + LargeCRL.der(0x04, [0x05, 0x00]))
        for (extensions, reason) in [
            (certificateIssuer, "indirect CRL (certificateIssuer"), (unknownCritical, "an entry has the unknown critical extension 1.2.3.4"),
        ] {
            let bytes = try LargeCRL.withEntry(extensions: extensions, from: empty, in: fixture.pki)
            let parsed = try CertificateRevocationList(derEncoded: bytes)
            let problem = parsed.problem(signedBy: fixture.ca) ?? ""
            #expect(problem.contains("its signature verifies") && problem.contains(reason), "\(problem)")
            let outcome = await fixture.check([crl(bytes)], at: fixture.now, proven: false)
            guard case .notChecked = outcome.status else {
                Issue.record("a CRL with a refused entry must establish nothing, got \(outcome.status)")
                continue
            }
            #expect(outcome.findings.first?.text.contains(reason) == true, "\(outcome.findings.map(\.text))")
        }
        // The same entry with a reasonCode only is an ordinary CRL: not listed, current, good.
        let reason = LargeCRL.der(0x30, LargeCRL.der(0x06, [0x55, 0x1D, 0x15]) + LargeCRL.der(0x04, [0x0A, 0x01, 0x01]))
        let ordinary = try CertificateRevocationList(derEncoded: try LargeCRL.withEntry(extensions: reason, from: empty, in: fixture.pki))
        #expect(ordinary.problem(signedBy: fixture.ca) == nil)
        #expect(ordinary.entry(for: Certificate.SerialNumber(bytes: [0x01, 0x01]))?.reason?.description == "keyCompromise")
        #expect(ordinary.entry(for: fixture.seal.serialNumber) == nil)
    }

    @Test("A seal's CRLs past the per-seal count or byte limit are refused unread, naming the limit; the user's own CRL still decides")
    func embeddedCRLLimits() async throws {
        guard let fixture = try RevocationFixture.make() else { return }
        try fixture.pki.revoke("seal", at: fixture.now - 5 * day)
        let list = try fixture.pki.crl(at: fixture.now - 60)
        let supplied = RevocationInput(.crl, bytes: list, origin: .supplied("ca.crl"))

        let many = Array(repeating: crl(list), count: SealRevocationChecker.defaultMaxEmbeddedCRLs + 2) + [supplied]
        let counted = await fixture.check(many, at: fixture.now, proven: false)
        #expect(counted.status.isFailure)
        let overCount = counted.findings.filter { $0.text.contains("more than 16 CRLs, the limit per seal") }
        #expect(overCount.count == 2, "\(counted.findings.map(\.text))")
        #expect(overCount.allSatisfy { $0.origin == .embedded })

        let small = SealRevocationChecker(maxEmbeddedCRLBytes: list.count * 2)
        let weighed = await small.check(
            fixture.seal, candidates: [fixture.ca], inputs: Array(repeating: crl(list), count: 3) + [supplied], at: fixture.now, proven: false)
        #expect(weighed.status.isFailure)
        #expect(
            weighed.findings.filter { $0.text.contains("over the limit of \(list.count * 2) bytes of CRLs per seal") }.count == 1,
            "\(weighed.findings.map(\.text))")
    }
}
