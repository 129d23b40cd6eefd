import Caching
import CredentialJSON
import Synchronization

/// Builds the unsigned `BitstringStatusListCredential` for a list (Bitstring Status List §2.2).
///
/// Signing is the Data Integrity layer's job; this type only decides the shape.
public struct StatusListCredentialBuilder: Sendable {
    public var url: String
    public var issuer: String
    public var statusPurpose: String
    public var validFrom: String?
    public var validUntil: String?
    /// How long, in milliseconds, a verifier may cache the list.
    public var ttl: Int?

    public init(
        url: String, issuer: String, statusPurpose: String, validFrom: String? = nil,
        validUntil: String? = nil, ttl: Int? = nil
    ) {
        self.url = url
        self.issuer = issuer
        self.statusPurpose = statusPurpose
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.ttl = ttl
    }

    /// The credential with `encodedList` computed from `bits`.
    public func credential(for bits: Bitstring) throws(StatusListError) -> JSONValue {
        var subject: JSONObject = [
            "id": .string(url + "#list"),
            "type": "BitstringStatusList",
            "statusPurpose": .string(statusPurpose),
            "encodedList": .string(try bits.encoded()),
        ]
        if let ttl { subject["ttl"] = .number(JSONNumber(ttl)) }
        var credential: JSONObject = [
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": .string(url),
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": .string(issuer),
        ]
        if let validFrom { credential["validFrom"] = .string(validFrom) }
        if let validUntil { credential["validUntil"] = .string(validUntil) }
        credential["credentialSubject"] = .object(subject)
        return .object(credential)
    }
}

/// The outcome of reading one status entry.
public struct StatusResult: Sendable, Hashable {
    public var purpose: String
    /// The entry's value; for `statusSize` 1, 0 means "not set" and 1 "set" (revoked, suspended…).
    public var status: UInt64
    /// The `statusMessage` text for this value, when the entry has messages.
    public var message: String?
    /// Whether the value is 0, which the spec defines as valid.
    public var isValid: Bool { status == 0 }
}

/// Reads a status entry against its (already proof-checked) status list credential (§3.2 steps 2–5).
public struct StatusListChecker: Sendable {
    /// Lists shorter than this are refused (herd privacy); the spec's minimum unless an ecosystem sets another.
    public var minimumBitCount: Int
    /// Lists that decompress to more than this are refused before inflating.
    public var maximumBytes: Int

    public init(minimumBitCount: Int = Bitstring.minimumBitCount, maximumBytes: Int = Bitstring.defaultMaximumBytes) {
        self.minimumBitCount = minimumBitCount
        self.maximumBytes = maximumBytes
    }

    /// Decodes the list inside a status list credential and checks its type, purpose and issuer.
    ///
    /// - Parameter expectedIssuer: the credential's issuer; the list must come from the same issuer
    ///   (pass `nil` only where an ecosystem allows a separate status issuer).
    public func bitstring(
        from listCredential: JSONValue, purpose: String, expectedIssuer: String?,
        format: StatusListEntry.Format = .bitstring
    ) throws(StatusListError) -> Bitstring {
        let types = listCredential["type"]?.asArray.compactMap(\.stringValue) ?? []
        guard types.contains(format.listCredentialType) else {
            throw StatusListError(.verification, "the status list credential's type is not \(format.listCredentialType)")
        }
        if let expectedIssuer {
            let issuer = listCredential["issuer"]?.stringValue ?? listCredential["issuer"]?["id"]?.stringValue
            guard issuer == expectedIssuer else {
                throw StatusListError(
                    .verification,
                    "the status list was issued by \(issuer ?? "nobody"), not by the credential's issuer \(expectedIssuer)")
            }
        }
        guard let subject = listCredential["credentialSubject"]?.asArray.first else {
            throw StatusListError(.malformedValue, "the status list credential has no credentialSubject")
        }
        let subjectTypes = subject["type"]?.asArray.compactMap(\.stringValue) ?? []
        guard subjectTypes.contains(format.listType) else {
            throw StatusListError(.malformedValue, "credentialSubject.type must be \(format.listType)")
        }
        let purposes = subject["statusPurpose"]?.asArray.compactMap(\.stringValue) ?? []
        guard purposes.contains(purpose) else {
            throw StatusListError(
                .verification,
                "the entry's purpose '\(purpose)' is not among the list's purposes (\(purposes.joined(separator: ", ")))")
        }
        guard let encoded = subject["encodedList"]?.stringValue else {
            throw StatusListError(.malformedValue, "credentialSubject.encodedList must be a string")
        }
        return try DecodedListCache.shared.bitstring(encoded: encoded, format: format, maximumBytes: maximumBytes)
    }

    /// The status of `entry` in `list`.
    public func status(of entry: StatusListEntry, in list: Bitstring) throws(StatusListError) -> StatusResult {
        guard list.bitCount / entry.statusSize >= minimumBitCount else {
            throw StatusListError(
                .listLength,
                "the list has \(list.bitCount / entry.statusSize) entries, fewer than the minimum of \(minimumBitCount)")
        }
        let value = try list.status(at: entry.statusListIndex, statusSize: entry.statusSize)
        let message = entry.statusMessages.first(where: { $0.status == value })?.message
        return StatusResult(purpose: entry.statusPurpose, status: value, message: message)
    }

    /// Steps 2–5 in one call: decode the list credential, check it, read the entry.
    public func check(_ entry: StatusListEntry, against listCredential: JSONValue, expectedIssuer: String?) throws(StatusListError) -> StatusResult {
        let list = try bitstring(from: listCredential, purpose: entry.statusPurpose, expectedIssuer: expectedIssuer, format: entry.format)
        return try status(of: entry, in: list)
    }
}

/// Lists already inflated, by their `encodedList` text.
///
/// A verifier reads the same few lists for every credential of an issuer; inflating 16 KiB or more per
/// status entry would cost more than the rest of the status check. The text determines the bits, so a hit
/// is exact; the cache holds at most `capacity` lists of at most `maximumEntryBytes` each (32 × 1 MiB).
final class DecodedListCache: Sendable {
    static let shared = DecodedListCache()

    /// The same text decodes differently with and without a multibase prefix, so the format is part of the key.
    private struct Key: Hashable, Sendable {
        var encoded: String
        var format: StatusListEntry.Format
    }

    private let lists: BoundedCache<Key, Bitstring>
    let maximumEntryBytes: Int

    init(capacity: Int = 32, maximumEntryBytes: Int = 1024 * 1024) {
        self.lists = BoundedCache(capacity: capacity)
        self.maximumEntryBytes = maximumEntryBytes
    }

    func bitstring(encoded: String, format: StatusListEntry.Format, maximumBytes: Int) throws(StatusListError) -> Bitstring {
        let key = Key(encoded: encoded, format: format)
        if let hit = lists.value(for: key), hit.bytes.count <= maximumBytes { return hit }
        let decoded: Bitstring
        switch format {
        case .bitstring: decoded = try Bitstring(encoded: encoded, maximumBytes: maximumBytes)
        case .statusList2021: decoded = try Bitstring(base64URLGZip: encoded, maximumBytes: maximumBytes)
        }
        if decoded.bytes.count <= maximumEntryBytes { lists.store(decoded, for: key) }
        return decoded
    }
}
