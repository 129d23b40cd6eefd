import CredentialJSON
import StatusList
import Testing

/// A credential's status entries are bounded: a verified credential stays verified with its entries repeated
/// (RDF has no duplicate triples), and 8,000 copies took 5.2 s to verify on the service (debug build).
@Suite struct StatusEntryLimitTests {
    static func credential(entries count: Int) -> JSONValue {
        let entry: JSONValue = [
            "id": "https://issuer.example/status/1#94567", "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
            "statusListIndex": "94567", "statusListCredential": "https://issuer.example/status/1",
        ]
        return ["credentialStatus": .array(Array(repeating: entry, count: count))]
    }

    @Test func moreEntriesThanTheLimitAreRefusedNamingCredentialStatus() {
        let count = StatusListEntry.defaultMaxEntries + 1
        let error = #expect(throws: StatusListError.self) { try StatusListEntry.entries(in: Self.credential(entries: count)) }
        #expect(error?.code == .malformedValue)
        #expect(error?.message == "credentialStatus holds \(count) entries, more than the limit of \(StatusListEntry.defaultMaxEntries)")
    }

    @Test func entriesUpToTheLimitAreRead() throws {
        #expect(try StatusListEntry.entries(in: Self.credential(entries: StatusListEntry.defaultMaxEntries)).count == StatusListEntry.defaultMaxEntries)
    }

    @Test func theLimitCanBeRaised() throws {
        #expect(try StatusListEntry.entries(in: Self.credential(entries: 40), maxEntries: 40).count == 40)
    }
}
