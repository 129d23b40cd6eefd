import CredentialJSON
import Foundation
import StatusList
import TestSupport
import Testing

@Suite("Bitstring Status List encoding", .needsSharedData)
struct BitstringTests {
    @Test func bitZeroIsTheMostSignificantBitOfByteZero() throws {
        var list = Bitstring(bitCount: 16)
        try list.setBit(at: 0, to: true)
        try list.setBit(at: 9, to: true)
        #expect(list.bytes == [0x80, 0x40])
        #expect(list.bit(at: 0) == true)
        #expect(list.bit(at: 1) == false)
        try list.setBit(at: 0, to: false)
        #expect(list.bytes == [0x00, 0x40])
    }

    @Test func encodedListDecodesToTheHandBuiltBytes() throws {
        var list = Bitstring()
        try list.setBit(at: 0, to: true)
        try list.setBit(at: 94_567, to: true)
        try list.setBit(at: 131_071, to: true)
        var expected = [UInt8](repeating: 0, count: 16_384)
        expected[0] = 0b1000_0000
        expected[94_567 / 8] = 0x80 >> (94_567 % 8)  // byte 11820, bit 7 → 0x01
        expected[16_383] = 0b0000_0001
        #expect(expected[11_820] == 0x01)
        let encoded = try list.encoded()
        #expect(encoded.hasPrefix("uH4sI"))  // multibase 'u' + base64url of the gzip magic 1f 8b 08
        #expect(!encoded.contains("="))
        #expect(try Bitstring(encoded: encoded).bytes == expected)
    }

    @Test func encodingIsDeterministic() throws {
        var list = Bitstring()
        try list.setBit(at: 42, to: true)
        #expect(try list.encoded() == (try list.encoded()))
    }

    @Test func specExampleFiveDecodesTo16384ZeroBytes() throws {
        guard let url = SharedData.vector("bitstring-status-list/spec-examples-REC/example-005-a-status-list-verifiable-credential.unsigned.json")
        else { return }
        let credential = try JSONParser.parse(try Data(contentsOf: url))
        let list = try StatusListChecker().bitstring(from: credential, purpose: "revocation", expectedIssuer: nil)
        #expect(list.bytes.count == 16_384)
        #expect(list.bytes.allSatisfy { $0 == 0 })
    }

    @Test func everySpecExampleWithAnEncodedListDecodes() throws {
        guard let dir = SharedData.vector("bitstring-status-list/spec-examples-REC") else { return }
        var decoded = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() where name.hasSuffix(".json") {
            let value = try JSONParser.parse(try Data(contentsOf: dir.appendingPathComponent(name)))
            guard let subject = value["credentialSubject"], let encoded = subject["encodedList"]?.stringValue else { continue }
            let list = try Bitstring(encoded: encoded)
            #expect(list.bitCount == 131_072, "\(name)")
            decoded += 1
        }
        #expect(decoded >= 3)
    }

    @Test func specExampleFourEntryIsRead() throws {
        guard let url = SharedData.vector("bitstring-status-list/spec-examples-REC/example-004-a-revocable-verifiable-credential.unsigned.json")
        else { return }
        let entries = try StatusListEntry.entries(in: try JSONParser.parse(try Data(contentsOf: url)))
        #expect(
            entries == [
                StatusListEntry(
                    id: "https://example.com/credentials/status/3#94567", statusPurpose: "revocation",
                    statusListIndex: 94_567, statusListCredential: "https://example.com/credentials/status/3")
            ])
    }

    @Test func refusesAListThatDeclaresMoreThanTheLimitBeforeInflating() throws {
        let big = Bitstring(bitCount: 8 * 1_048_576)  // 1 MiB of zeros compresses to about 1 KiB
        let encoded = try big.encoded()
        #expect(encoded.count < 4_096)
        let error = #expect(throws: StatusListError.self) { try Bitstring(encoded: encoded, maximumBytes: 65_536) }
        #expect(error?.code == .listTooLarge)
    }

    @Test func refusesAListWhoseTrailerUnderstatesItsSize() throws {
        let encoded = try Bitstring(bitCount: 131_072).encoded()
        var gzip = try #require(Data(base64Encoded: base64(fromURL: String(encoded.dropFirst()))))
        // Claim 16 bytes in the ISIZE trailer: inflating must stop at 17 bytes and fail, not allocate 16 KiB.
        let n = gzip.count
        gzip[n - 4] = 16; gzip[n - 3] = 0; gzip[n - 2] = 0; gzip[n - 1] = 0
        let forged =
            "u"
            + gzip.base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        let error = #expect(throws: StatusListError.self) { try Bitstring(encoded: forged) }
        #expect(error?.code == .malformedValue)
    }

    @Test(arguments: ["H4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA", "u!!!!", "uAAAA", "zH4sI"])
    func rejectsMalformedEncodings(_ text: String) {
        let error = #expect(throws: StatusListError.self) { try Bitstring(encoded: text) }
        #expect(error?.code == .malformedValue)
    }

    @Test func readsMultiBitStatusValues() throws {
        var list = Bitstring(bitCount: 16)
        try list.setBit(at: 2, to: true)  // entry 1 of size 2 covers bits 2–3 → value 0b10
        #expect(try list.status(at: 1, statusSize: 2) == 2)
        #expect(try list.status(at: 0, statusSize: 2) == 0)
        let error = #expect(throws: StatusListError.self) { try list.status(at: 8, statusSize: 2) }
        #expect(error?.code == .range)
    }

    private func base64(fromURL s: String) -> String {
        var t = s.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while t.count % 4 != 0 { t += "=" }
        return t
    }
}

@Suite("Status entries and list checks")
struct StatusCheckTests {
    let listURL = "https://issuer.example/status/1"
    let issuer = "did:example:issuer"

    func entry(_ purpose: String = "revocation", index: Int = 94_567) -> StatusListEntry {
        StatusListEntry(id: "urn:uuid:1", statusPurpose: purpose, statusListIndex: index, statusListCredential: listURL)
    }

    @Test func reportsASetBitAsNotValid() throws {
        var bits = Bitstring()
        try bits.setBit(at: 94_567, to: true)
        let list = try StatusListCredentialBuilder(url: listURL, issuer: issuer, statusPurpose: "revocation", ttl: 300_000)
            .credential(for: bits)
        let checker = StatusListChecker()
        #expect(try checker.check(entry(), against: list, expectedIssuer: issuer).isValid == false)
        #expect(try checker.check(entry(index: 94_566), against: list, expectedIssuer: issuer).isValid == true)
    }

    @Test func aListDecodedBeforeIsStillHeldToASmallerSizeLimit() throws {
        var bits = Bitstring(bitCount: 8 * 65_536)
        try bits.setBit(at: 7, to: true)
        let list = try StatusListCredentialBuilder(url: listURL, issuer: issuer, statusPurpose: "revocation").credential(for: bits)
        // The first read inflates the list and keeps it; the second, with a lower limit, must not get it from the cache.
        #expect(try StatusListChecker().check(entry(index: 7), against: list, expectedIssuer: issuer).isValid == false)
        let error = #expect(throws: StatusListError.self) {
            try StatusListChecker(maximumBytes: 16_384).check(entry(index: 7), against: list, expectedIssuer: issuer)
        }
        #expect(error?.code == .listTooLarge)
    }

    @Test func refusesAListFromAnotherIssuer() throws {
        let list = try StatusListCredentialBuilder(url: listURL, issuer: "did:example:other", statusPurpose: "revocation")
            .credential(for: Bitstring())
        let error = #expect(throws: StatusListError.self) {
            try StatusListChecker().check(entry(), against: list, expectedIssuer: issuer)
        }
        #expect(error?.code == .verification)
    }

    @Test func refusesAPurposeTheListDoesNotHave() throws {
        let list = try StatusListCredentialBuilder(url: listURL, issuer: issuer, statusPurpose: "revocation").credential(for: Bitstring())
        let error = #expect(throws: StatusListError.self) {
            try StatusListChecker().check(entry("suspension"), against: list, expectedIssuer: issuer)
        }
        #expect(error?.code == .verification)
    }

    @Test func refusesAShortList() throws {
        let list = try StatusListCredentialBuilder(url: listURL, issuer: issuer, statusPurpose: "revocation")
            .credential(for: Bitstring(bitCount: 1024))
        let error = #expect(throws: StatusListError.self) {
            try StatusListChecker().check(entry(index: 3), against: list, expectedIssuer: issuer)
        }
        #expect(error?.code == .listLength)
    }

    @Test func refusesAnIndexBeyondTheList() throws {
        let list = try StatusListCredentialBuilder(url: listURL, issuer: issuer, statusPurpose: "revocation").credential(for: Bitstring())
        let error = #expect(throws: StatusListError.self) {
            try StatusListChecker().check(entry(index: 131_072), against: list, expectedIssuer: issuer)
        }
        #expect(error?.code == .range)
    }

    @Test func entryRoundTripsThroughJSON() throws {
        let e = entry()
        #expect(try StatusListEntry(json: e.json) == e)
        #expect(e.json["statusListIndex"] == "94567")
    }

    @Test(arguments: [
        (#"{"type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":"-1","statusListCredential":"https://x/1"}"#, "statusListIndex"),
        (#"{"type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":"1e3","statusListCredential":"https://x/1"}"#, "statusListIndex"),
        (#"{"type":"BitstringStatusListEntry","statusListIndex":"1","statusListCredential":"https://x/1"}"#, "statusPurpose"),
        (#"{"type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":"1"}"#, "statusListCredential"),
        (
            #"{"id":"https://x/1","type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":"1","statusListCredential":"https://x/1"}"#,
            "id"
        ),
        (
            #"{"type":"BitstringStatusListEntry","statusPurpose":"message","statusListIndex":"1","statusListCredential":"https://x/1","statusSize":2,"statusMessage":[{"status":"0x0","message":"ok"}]}"#,
            "statusMessage"
        ),
        (#"{"type":"RevocationList2020Status","statusPurpose":"revocation","statusListIndex":"1","statusListCredential":"https://x/1"}"#, "type"),
    ])
    func malformedEntriesNameTheirField(_ text: String, _ field: String) throws {
        let error = #expect(throws: StatusListError.self) { try StatusListEntry(json: try JSONParser.parse(text)) }
        #expect(error?.code == .malformedValue)
        #expect(error?.message.contains("credentialStatus.\(field)") == true, "\(error?.message ?? "")")
    }

    @Test func multiBitEntryReportsItsMessage() throws {
        let text =
            #"{"type":"BitstringStatusListEntry","statusPurpose":"message","statusListIndex":"1","statusListCredential":"https://issuer.example/status/1","statusSize":2,"statusMessage":[{"status":"0x0","message":"pending"},{"status":"0x1","message":"accepted"},{"status":"0x2","message":"rejected"},{"status":"0x3","message":"undefined"}]}"#
        let e = try StatusListEntry(json: try JSONParser.parse(text))
        var bits = Bitstring(bitCount: 2 * 131_072)
        try bits.setBit(at: 2, to: true)
        let list = try StatusListCredentialBuilder(url: listURL, issuer: issuer, statusPurpose: "message").credential(for: bits)
        let result = try StatusListChecker().check(e, against: list, expectedIssuer: issuer)
        #expect(result.status == 2)
        #expect(result.message == "rejected")
    }
}
