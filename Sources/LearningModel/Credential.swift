import CredentialJSON
import Crypto

/// A claim made about the credential's subject: one of ELM's `Claim` subclasses.
///
/// EDC files say which by `type`; a claim of any other type is not modelled and stays in `extra`.
public enum ClaimNode: EDCCodable {
    case achievement(LearningAchievement)
    case activity(LearningActivity)
    case assessment(LearningAssessment)
    case entitlement(LearningEntitlement)
    case generic(GenericClaim)

    public static func decode(_ value: JSONValue) -> ClaimNode? {
        switch value["type"]?.stringValue {
        case LearningAchievement.className: return LearningAchievement.decode(value).map(ClaimNode.achievement)
        case LearningActivity.className: return LearningActivity.decode(value).map(ClaimNode.activity)
        case LearningAssessment.className: return LearningAssessment.decode(value).map(ClaimNode.assessment)
        case LearningEntitlement.className: return LearningEntitlement.decode(value).map(ClaimNode.entitlement)
        case GenericClaim.className: return GenericClaim.decode(value).map(ClaimNode.generic)
        default: return nil
        }
    }

    public func encode(_ context: EncodingContext, at path: JSONPath) -> JSONValue {
        switch self {
        case .achievement(let claim): return claim.encode(context, at: path)
        case .activity(let claim): return claim.encode(context, at: path)
        case .assessment(let claim): return claim.encode(context, at: path)
        case .entitlement(let claim): return claim.encode(context, at: path)
        case .generic(let claim): return claim.encode(context, at: path)
        }
    }

    /// The claim's title.
    public var title: LanguageMap? {
        switch self {
        case .achievement(let claim): return claim.title
        case .activity(let claim): return claim.title
        case .assessment(let claim): return claim.title
        case .entitlement(let claim): return claim.title
        case .generic(let claim): return claim.title
        }
    }
}

/// The credential's subject: the learner.
public struct Person: EDCNode {
    public static let className = "Person"
    public var id: String?
    public var type: String = Person.className
    public var givenName: LanguageMap?
    public var familyName: LanguageMap?
    public var fullName: LanguageMap?
    public var birthName: LanguageMap?
    /// Date-time of birth as written (`xsd:dateTime`, e.g. `2000-12-31T00:00:00Z`).
    public var dateOfBirth: String?
    public var nationalID: LegalIdentifier?
    public var identifier: [Identifier] = []
    public var citizenshipCountry: [Concept] = []
    public var gender: Concept?
    public var placeOfBirth: Location?
    public var contactPoint: [ContactPoint] = []
    /// What the credential says about the person (mandatory, one or more).
    public var hasClaim: [ClaimNode] = []
    public var extra = JSONObject()
    public var arrayKeys: Set<String> = []
    public var omitsID = false

    public init() {}

    public mutating func read(_ reader: inout NodeReader) {
        givenName = reader.languageMap("givenName")
        familyName = reader.languageMap("familyName")
        fullName = reader.languageMap("fullName")
        birthName = reader.languageMap("birthName")
        dateOfBirth = reader.string("dateOfBirth")
        nationalID = reader.one("nationalID")
        identifier = reader.many("identifier")
        citizenshipCountry = reader.many("citizenshipCountry")
        gender = reader.one("gender")
        placeOfBirth = reader.one("placeOfBirth")
        contactPoint = reader.many("contactPoint")
        hasClaim = reader.many("hasClaim")
    }

    public func write(_ writer: inout NodeWriter) {
        writer.languageMap("givenName", givenName)
        writer.languageMap("familyName", familyName)
        writer.languageMap("fullName", fullName)
        writer.languageMap("birthName", birthName)
        writer.string("dateOfBirth", dateOfBirth)
        writer.one("nationalID", nationalID)
        writer.many("identifier", identifier)
        writer.many("citizenshipCountry", citizenshipCountry)
        writer.one("gender", gender)
        writer.one("placeOfBirth", placeOfBirth)
        writer.many("contactPoint", contactPoint)
        writer.many("hasClaim", hasClaim)
    }
}

/// A European Digital Credential (VC 1.1 + `edc-ap` context), the root of the EDC JSON.
public struct EuropeanDigitalCredential: EDCNode {
    public static let className = "EuropeanDigitalCredential"
    /// The `@context` EDC files carry: VC 1.1, then the EDC application profile context.
    public static let defaultContext = [
        "https://www.w3.org/2018/credentials/v1", "http://data.europa.eu/snb/model/context/edc-ap",
    ]
    /// `type` of a new credential.
    public static let defaultTypes = ["VerifiableCredential", "EuropeanDigitalCredential"]
    /// The generic-full SHACL profile, the credential schema of a generic EDC.
    public static let genericFullSchema = "http://data.europa.eu/snb/model/ap/edc-generic-full"

    public var context: [String] = EuropeanDigitalCredential.defaultContext
    public var id: String?
    /// Always `EuropeanDigitalCredential` (the full `type` array is ``types``).
    public var type: String = EuropeanDigitalCredential.className
    public var types: [String] = EuropeanDigitalCredential.defaultTypes
    /// Credential profiles (list `credential`, e.g. Generic `http://data.europa.eu/snb/credential/e34929035b`).
    public var credentialProfiles: [Concept] = []
    public var displayParameter: DisplayParameter?
    public var identifier: [Identifier] = []
    public var credentialSchema: [CredentialSchema] = []
    public var credentialSubject: Person?
    public var issuer: Organisation?
    /// VC 1.1 `issuanceDate`, as written.
    public var issuanceDate: String?
    /// EDC `issued` (mandatory in the generic-full profile; added when sealing).
    public var issued: String?
    public var validFrom: String?
    public var validUntil: String?
    public var expirationDate: String?
    public var evidence: [Evidence] = []
    public var extra = JSONObject()
    public var arrayKeys: Set<String> = []
    public var omitsID = false

    public init() {}

    /// Reads `@context` and the `type` array, which other nodes do not have.
    public static func decode(_ value: JSONValue) -> EuropeanDigitalCredential? {
        guard var object = value.objectValue,
            let types = object["type"]?.arrayValue?.compactMap(\.stringValue),
            types.contains(className)
        else { return nil }
        let contextValue = object["@context"]
        let context = contextValue?.arrayValue?.compactMap(\.stringValue)
        let contextIsStrings = context != nil && context!.count == contextValue!.arrayValue!.count
        if contextIsStrings { object.removeValue(forKey: "@context") }
        let typeCount = object["type"]?.arrayValue?.count ?? 0
        object["type"] = .string(className)
        guard var credential = decodeNode(object) else { return nil }
        credential.context = contextIsStrings ? context! : []
        if typeCount == types.count {
            credential.types = types
        } else {
            credential.extra["type"] = value["type"]
        }
        return credential
    }

    private static func decodeNode(_ object: JSONObject) -> EuropeanDigitalCredential? {
        var reader = NodeReader(object)
        var node = EuropeanDigitalCredential()
        reader.remaining.removeValue(forKey: "type")
        node.id = reader.string("id")
        node.omitsID = node.id == nil && object["id"] == nil
        node.read(&reader)
        node.extra = reader.remaining
        node.arrayKeys = reader.arrayKeys
        return node
    }

    public func encode(_ context: EncodingContext, at path: JSONPath) -> JSONValue {
        var writer = NodeWriter(context: context, path: path, arrayKeys: arrayKeys)
        if !self.context.isEmpty { writer.raw("@context", .array(self.context.map(JSONValue.string))) }
        writer.string("id", id ?? (omitsID ? nil : context.makeID(className: type, path: path)))
        writer.raw("type", .array(types.map(JSONValue.string)))
        write(&writer)
        return .object(writer.finish(extra: extra))
    }

    public mutating func read(_ reader: inout NodeReader) {
        credentialProfiles = reader.many("credentialProfiles")
        displayParameter = reader.one("displayParameter")
        identifier = reader.many("identifier")
        credentialSchema = reader.many("credentialSchema")
        credentialSubject = reader.one("credentialSubject")
        issuer = reader.one("issuer")
        issuanceDate = reader.string("issuanceDate")
        issued = reader.string("issued")
        validFrom = reader.string("validFrom")
        validUntil = reader.string("validUntil")
        expirationDate = reader.string("expirationDate")
        evidence = reader.many("evidence")
    }

    public func write(_ writer: inout NodeWriter) {
        writer.many("credentialProfiles", credentialProfiles)
        writer.one("displayParameter", displayParameter)
        writer.many("identifier", identifier)
        writer.many("credentialSchema", credentialSchema)
        writer.one("credentialSubject", credentialSubject)
        writer.one("issuer", issuer)
        writer.string("issuanceDate", issuanceDate)
        writer.string("issued", issued)
        writer.string("validFrom", validFrom)
        writer.string("validUntil", validUntil)
        writer.string("expirationDate", expirationDate)
        writer.many("evidence", evidence)
    }
}

/// Options for writing a credential as EDC JSON.
public struct EDCEncodingOptions: Sendable, Hashable {
    /// Makes generated ids unique to a credential (e.g. the recipient row id and template digest).
    /// `nil` derives the seed from the credential's content, so equal content gives equal ids.
    public var idSeed: String?
    /// Whether nodes without an id get a generated `urn:epass:<class>:<uuid>` one.
    public var generateMissingIDs: Bool

    public init(idSeed: String? = nil, generateMissingIDs: Bool = true) {
        self.idSeed = idSeed
        self.generateMissingIDs = generateMissingIDs
    }
}

extension EuropeanDigitalCredential {
    /// The credential as EDC JSON. The same credential and options always give the same JSON.
    public func jsonValue(options: EDCEncodingOptions = EDCEncodingOptions()) -> JSONValue {
        guard options.generateMissingIDs else { return encode(EncodingContext(seed: nil), at: .root) }
        let seed: String
        if let given = options.idSeed {
            seed = given
        } else {
            // Seed from the content without generated ids: deterministic and distinct per content.
            let bare = encode(EncodingContext(seed: nil), at: .root)
            let canonical = (try? JCS.canonicalData(bare)) ?? JSONWriter.data(bare)
            seed = SHA256.hash(data: canonical).map { String($0, radix: 16).leftPad(2) }.joined()
        }
        return encode(EncodingContext(seed: seed), at: .root)
    }

    /// The credential as EDC JSON text (UTF-8).
    public func jsonData(options: EDCEncodingOptions = EDCEncodingOptions(), style: JSONWriter.Style = .compact) -> [UInt8] {
        JSONWriter.data(jsonValue(options: options), style: style)
    }

    /// Every learning outcome of the credential's achievement claims, in document order.
    public var learningOutcomes: [LearningOutcome] {
        var result: [LearningOutcome] = []
        for claim in credentialSubject?.hasClaim ?? [] {
            if case .achievement(let achievement) = claim {
                result += achievement.specifiedBy?.learningOutcome ?? []
            }
        }
        return result
    }
}

extension String {
    func leftPad(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
