import CredentialDataModel
import CredentialJSON
import Foundation

/// A local list of issuers the verifier trusts, with the scope of that trust.
///
/// File format (JSON, documented in `docs/trusted-issuers.md`):
/// ```json
/// { "trustedIssuers": [
///   { "id": "did:web:uni.example",                  // the credential's issuer id, or
///     "organizationIdentifier": "VATBE-0123456789",  // the eIDAS organisationIdentifier of the seal certificate
///     "name": "University of Example",
///     "eqfLevels": [5, 6, 7],                         // optional: allowed EQF levels
///     "credentialTypes": ["EuropeanDigitalCredential"], // optional: at least one must be among the credential's types
///     "validFrom": "2024-01-01T00:00:00Z", "validUntil": "2030-01-01T00:00:00Z" } ] }
/// ```
/// An entry needs `id` or `organizationIdentifier` (or both) and a `name`; unknown members are errors, so a
/// typo cannot silently widen trust.
public struct TrustedIssuerList: Sendable, Hashable {
    /// One trusted issuer and its scope.
    public struct Entry: Sendable, Hashable {
        /// The issuer id (DID or URL) as the credential states it.
        public var id: String?
        /// The eIDAS organisation identifier of the seal certificate.
        public var organizationIdentifier: String?
        /// The name shown in reports.
        public var name: String
        /// Allowed EQF levels; `nil` allows any.
        public var eqfLevels: [Int]?
        /// Allowed credential types (at least one must match); `nil` allows any.
        public var credentialTypes: [String]?
        /// When the trust starts.
        public var validFrom: XSDDateTime?
        /// When the trust ends.
        public var validUntil: XSDDateTime?

        /// Creates an entry.
        public init(
            id: String? = nil, organizationIdentifier: String? = nil, name: String, eqfLevels: [Int]? = nil,
            credentialTypes: [String]? = nil, validFrom: XSDDateTime? = nil, validUntil: XSDDateTime? = nil
        ) {
            self.id = id
            self.organizationIdentifier = organizationIdentifier
            self.name = name
            self.eqfLevels = eqfLevels
            self.credentialTypes = credentialTypes
            self.validFrom = validFrom
            self.validUntil = validUntil
        }
    }

    /// A problem reading the list, naming the JSON path.
    public struct ReadError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The JSON path (or file path) of the problem.
        public let path: String
        /// What is wrong.
        public let message: String
        public var description: String { "\(path): \(message)" }
    }

    /// The trusted issuers.
    public var entries: [Entry]

    /// Creates a list in code.
    public init(entries: [Entry]) { self.entries = entries }

    /// Reads the JSON file format above.
    public init(json: JSONValue) throws(ReadError) {
        guard let list = json["trustedIssuers"]?.arrayValue, json.objectValue?.count == 1 else {
            throw ReadError(path: "$", message: "expected an object with one member \"trustedIssuers\" (an array)")
        }
        let known: Set<String> = ["id", "organizationIdentifier", "name", "eqfLevels", "credentialTypes", "validFrom", "validUntil"]
        var entries: [Entry] = []
        for (index, item) in list.enumerated() {
            let at = "$.trustedIssuers[\(index)]"
            guard let object = item.objectValue else { throw ReadError(path: at, message: "expected an object") }
            if let unknown = object.keys.first(where: { !known.contains($0) }) {
                throw ReadError(path: "\(at).\(unknown)", message: "unknown member (allowed: \(known.sorted().joined(separator: ", ")))")
            }
            func string(_ key: String) throws(ReadError) -> String? {
                guard let value = object[key] else { return nil }
                guard let text = value.stringValue, !text.isEmpty else { throw ReadError(path: "\(at).\(key)", message: "expected a non-empty string") }
                return text
            }
            func date(_ key: String) throws(ReadError) -> XSDDateTime? {
                guard let text = try string(key) else { return nil }
                guard let dateTime = XSDDateTime(text, syntax: .dateTimeStamp) else {
                    throw ReadError(path: "\(at).\(key)", message: "expected a date-time with a time zone, e.g. 2030-01-01T00:00:00Z")
                }
                return dateTime
            }
            var entry = Entry(id: try string("id"), organizationIdentifier: try string("organizationIdentifier"), name: "")
            guard let name = try string("name") else { throw ReadError(path: "\(at).name", message: "missing: every trusted issuer needs a name") }
            entry.name = name
            guard entry.id != nil || entry.organizationIdentifier != nil else {
                throw ReadError(path: at, message: "needs \"id\" or \"organizationIdentifier\"")
            }
            if let levels = object["eqfLevels"] {
                guard let items = levels.arrayValue, let ints = Optional(items.compactMap { $0.numberValue?.intValue }), ints.count == items.count,
                    ints.allSatisfy({ (1...8).contains($0) })
                else {
                    throw ReadError(path: "\(at).eqfLevels", message: "expected an array of integers 1–8")
                }
                entry.eqfLevels = ints
            }
            if let types = object["credentialTypes"] {
                guard let items = types.arrayValue, let strings = Optional(items.compactMap(\.stringValue)), strings.count == items.count, !strings.isEmpty
                else {
                    throw ReadError(path: "\(at).credentialTypes", message: "expected a non-empty array of strings")
                }
                entry.credentialTypes = strings
            }
            entry.validFrom = try date("validFrom")
            entry.validUntil = try date("validUntil")
            entries.append(entry)
        }
        self.entries = entries
    }

    /// Reads a trusted-issuer file.
    public init(contentsOf url: URL) throws(ReadError) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ReadError(path: url.path, message: "cannot read: \(error.localizedDescription)")
        }
        let json: JSONValue
        do { json = try JSONParser.parse(Array(data)) } catch {
            throw ReadError(path: "\(url.path):\(error.line):\(error.column)", message: error.message)
        }
        try self.init(json: json)
    }

    /// The entry naming this issuer id or eIDAS organisation identifier.
    public func entry(issuerID: String?, organizationIdentifier: String?) -> Entry? {
        entries.first { e in
            (issuerID != nil && e.id == issuerID) || (organizationIdentifier != nil && e.organizationIdentifier == organizationIdentifier)
        }
    }
}
