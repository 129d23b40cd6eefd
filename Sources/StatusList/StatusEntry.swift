import CredentialJSON

/// A `BitstringStatusListEntry` found in a credential's `credentialStatus` (Bitstring Status List §2.1), or its
/// predecessor `StatusList2021Entry` (VC Status List 2021, still used by VC 1.1 credentials and Open Badges 3.0).
public struct StatusListEntry: Sendable, Hashable {
    /// Which specification an entry (and the list it points to) follows.
    public enum Format: String, Sendable, Hashable {
        /// W3C Bitstring Status List v1.0: `BitstringStatusListEntry`, lists with a multibase `encodedList`.
        case bitstring = "BitstringStatusListEntry"
        /// VC Status List 2021: `StatusList2021Entry`, `StatusList2021Credential` lists whose `encodedList` is
        /// base64url without a multibase prefix; one bit per entry, purpose `revocation` or `suspension`.
        case statusList2021 = "StatusList2021Entry"
    }

    /// The entry's specification.
    public var format: Format = .bitstring
    public var id: String?
    /// `revocation`, `suspension`, `refresh`, `message` or an ecosystem's own purpose.
    public var statusPurpose: String
    /// The entry's position in the list, counted in entries (not bits).
    public var statusListIndex: Int
    /// The URL of the `BitstringStatusListCredential`.
    public var statusListCredential: String
    /// Bits per entry, 1 unless stated.
    public var statusSize: Int
    /// The meaning of each status value, required when `statusSize` > 1.
    public var statusMessages: [StatusMessage]

    /// One `statusMessage` element: a hex status value and what it means.
    public struct StatusMessage: Sendable, Hashable {
        public var status: UInt64
        public var message: String
    }

    public init(
        id: String? = nil, statusPurpose: String, statusListIndex: Int, statusListCredential: String,
        statusSize: Int = 1, statusMessages: [StatusMessage] = []
    ) {
        self.id = id
        self.statusPurpose = statusPurpose
        self.statusListIndex = statusListIndex
        self.statusListCredential = statusListCredential
        self.statusSize = statusSize
        self.statusMessages = statusMessages
    }

    /// Reads an entry, reporting the first malformed member by its JSON path.
    public init(json: JSONValue, path: JSONPath = .root.appending("credentialStatus")) throws(StatusListError) {
        guard let object = json.objectValue else {
            throw StatusListError(.malformedValue, "\(path) must be an object")
        }
        let types = object["type"]?.asArray.compactMap(\.stringValue) ?? []
        guard let format = Format.allKnown.first(where: { types.contains($0.rawValue) }) else {
            throw StatusListError(.malformedValue, "\(path.appending("type")) must be BitstringStatusListEntry or StatusList2021Entry")
        }
        guard let purpose = object["statusPurpose"]?.stringValue, !purpose.isEmpty else {
            throw StatusListError(.malformedValue, "\(path.appending("statusPurpose")) must be a non-empty string")
        }
        // The spec makes the index a base-10 string; a JSON number is accepted too, as several issuers emit one.
        let indexValue = object["statusListIndex"]
        let indexText = indexValue?.stringValue ?? indexValue?.numberValue.flatMap { $0.isIntegerLexeme ? $0.lexeme : nil }
        guard let indexText, !indexText.isEmpty, indexText.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let index = Int(indexText)
        else {
            throw StatusListError(.malformedValue, "\(path.appending("statusListIndex")) must be a non-negative base-10 integer string")
        }
        // Bytes, not Foundation's `contains(_:)` (a CFString search, 0.7 % of the service's CPU per VC 2.0 verification).
        guard let listURL = object["statusListCredential"]?.stringValue, listURL.utf8.contains(UInt8(ascii: ":")) else {
            throw StatusListError(.malformedValue, "\(path.appending("statusListCredential")) must be a URL")
        }
        let id = object["id"]?.stringValue
        if let id, id == listURL {
            throw StatusListError(.malformedValue, "\(path.appending("id")) must not be the status list's URL")
        }
        var size = 1
        if let sizeValue = object["statusSize"] {
            guard let declared = sizeValue.numberValue?.intValue, declared >= 1, declared <= 64 else {
                throw StatusListError(.malformedValue, "\(path.appending("statusSize")) must be an integer from 1 to 64")
            }
            size = declared
        }
        var messages: [StatusMessage] = []
        if let list = object["statusMessage"] {
            for (index, message) in list.asArray.enumerated() {
                let messagePath = path.appending("statusMessage").appending(index)
                guard let hex = message["status"]?.stringValue, hex.hasPrefix("0x"),
                    let status = UInt64(hex.dropFirst(2), radix: 16),
                    let text = message["message"]?.stringValue
                else {
                    throw StatusListError(.malformedValue, "\(messagePath) must have a hex `status` (0x…) and a `message`")
                }
                messages.append(StatusMessage(status: status, message: text))
            }
        }
        if size > 1 {
            guard size < 63, messages.count == 1 << size else {
                throw StatusListError(
                    .malformedValue,
                    "\(path.appending("statusMessage")) must have exactly 2^statusSize (\(size > 20 ? "many" : String(1 << size))) entries when statusSize > 1")
            }
        }
        if format == .statusList2021, size != 1 || !messages.isEmpty {
            throw StatusListError(.malformedValue, "\(path): a StatusList2021Entry has one bit per entry (no statusSize or statusMessage)")
        }
        self.init(
            id: id, statusPurpose: purpose, statusListIndex: index, statusListCredential: listURL,
            statusSize: size, statusMessages: messages)
        self.format = format
    }

    /// The JSON form skillcred writes into credentials.
    public var json: JSONValue {
        var object = JSONObject()
        if let id { object["id"] = .string(id) }
        object["type"] = "BitstringStatusListEntry"
        object["statusPurpose"] = .string(statusPurpose)
        object["statusListIndex"] = .string(String(statusListIndex))
        object["statusListCredential"] = .string(statusListCredential)
        if statusSize != 1 {
            object["statusSize"] = .number(JSONNumber(statusSize))
            object["statusMessage"] = .array(
                statusMessages.map {
                    ["status": .string("0x" + String($0.status, radix: 16)), "message": .string($0.message)]
                })
        }
        return .object(object)
    }

    /// The most values one `credentialStatus` may hold. Each entry is looked up and reported, and a credential
    /// that verifies still verifies with its entries repeated (RDF has no duplicate triples): 8,000 copies took
    /// 5.2 s to verify on the service (debug build). A credential needs one entry per purpose.
    public static let defaultMaxEntries = 16

    /// All `BitstringStatusListEntry` and `StatusList2021Entry` values of a credential (its `credentialStatus` may
    /// be one or many); entries of other types are left to the caller.
    ///
    /// - Throws: ``StatusListError/Code/malformedValue`` when `credentialStatus` holds more than `maxEntries`
    ///   values (of any type), or for a malformed entry.
    public static func entries(in credential: JSONValue, maxEntries: Int = defaultMaxEntries) throws(StatusListError) -> [StatusListEntry] {
        guard let status = credential["credentialStatus"] else { return [] }
        let count = status.asArray.count
        guard count <= maxEntries else {
            throw StatusListError(.malformedValue, "credentialStatus holds \(count) entries, more than the limit of \(maxEntries)")
        }
        var result: [StatusListEntry] = []
        let many = status.isArray
        for (index, entry) in status.asArray.enumerated() {
            let types = entry["type"]?.asArray.compactMap(\.stringValue) ?? []
            guard Format.allKnown.contains(where: { types.contains($0.rawValue) }) else { continue }
            let path = many ? JSONPath.root.appending("credentialStatus").appending(index) : .root.appending("credentialStatus")
            result.append(try StatusListEntry(json: entry, path: path))
        }
        return result
    }
}

extension StatusListEntry.Format {
    /// Every format, newest first.
    static let allKnown: [Self] = [.bitstring, .statusList2021]

    /// The type a list credential of this format has.
    var listCredentialType: String { self == .bitstring ? "BitstringStatusListCredential" : "StatusList2021Credential" }
    /// The type of the list credential's subject.
    var listType: String { self == .bitstring ? "BitstringStatusList" : "StatusList2021" }
}
