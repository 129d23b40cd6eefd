import CredentialJSON

/// One broken data-model rule, located by JSON path.
public struct DataModelViolation: Sendable, Hashable, CustomStringConvertible {
    /// Stable rule identifiers; the VC spec section is in each constant's comment.
    public struct Rule: Sendable, Hashable, CustomStringConvertible {
        public let name: String
        public var description: String { name }
        /// §4.3 `@context` present, base context first, the rest URLs or objects.
        public static let context = Rule(name: "context")
        /// §4.4 `id` is a single URL.
        public static let identifier = Rule(name: "identifier")
        /// §4.5 `type` present, with the required value, made of strings.
        public static let type = Rule(name: "type")
        /// §4.6 `name`/`description` are strings or language value objects.
        public static let nameAndDescription = Rule(name: "name-and-description")
        /// §4.7 `issuer` is a URL or an object whose `id` is a URL.
        public static let issuer = Rule(name: "issuer")
        /// §4.8 `credentialSubject` present, each subject with at least one claim.
        public static let credentialSubject = Rule(name: "credential-subject")
        /// §4.9 `validFrom`/`validUntil` are dateTimeStamps in order; VC 1.1 `issuanceDate`/`expirationDate`.
        public static let validityPeriod = Rule(name: "validity-period")
        /// §4.10 `credentialStatus` objects have a type (VC 1.1: and an id).
        public static let status = Rule(name: "status")
        /// §4.11 `credentialSchema` objects have a type and a URL id.
        public static let dataSchema = Rule(name: "data-schema")
        /// §5.4–5.6 `refreshService`, `termsOfUse`, `evidence` objects have a type.
        public static let typedObject = Rule(name: "typed-object")
        /// §5.3 `relatedResource` entries have an id and a digest, ids unique.
        public static let relatedResource = Rule(name: "related-resource")
        /// §4.12 an embedded `proof` has a type.
        public static let proof = Rule(name: "proof")
        /// §4.13 presentation rules: `verifiableCredential` objects, `holder` a URL or object with id.
        public static let presentation = Rule(name: "presentation")
        /// §4.13.2 enveloped credentials and presentations.
        public static let envelope = Rule(name: "envelope")
        /// The document is not a JSON object or has no recognisable version.
        public static let document = Rule(name: "document")
    }

    public let path: JSONPath
    public let rule: Rule
    public let message: String

    public init(_ rule: Rule, _ path: JSONPath, _ message: String) {
        self.rule = rule
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(rule): \(message)" }
}

/// The data model version a document declares through its first `@context` entry.
public enum DataModelVersion: String, Sendable, Hashable {
    case v1_1 = "https://www.w3.org/2018/credentials/v1"
    case v2_0 = "https://www.w3.org/ns/credentials/v2"

    /// The version named by `document["@context"][0]`, if any.
    public static func of(_ document: JSONValue) -> DataModelVersion? {
        guard let first = document["@context"]?.asArray.first?.stringValue else { return nil }
        return DataModelVersion(rawValue: first)
    }
}

/// Checks the VC data model's structural rules (VC 2.0 §4–5, or VC 1.1 for v1 documents).
///
/// These are the rules that need no JSON-LD processing; whether each context is processable and
/// each term defined is the JSON-LD engine's (safe mode's) job. All violations are reported, not
/// only the first, so that an issuer sees everything wrong with a template at once.
public struct DataModelValidator: Sendable {
    /// Whether `issuer` may be absent (issue requests, where the service fills it in).
    public var issuerOptional: Bool

    public init(issuerOptional: Bool = false) {
        self.issuerOptional = issuerOptional
    }

    /// The violations of a credential; empty when it conforms.
    public func validateCredential(_ document: JSONValue, at path: JSONPath = .root) -> [DataModelViolation] {
        var out: [DataModelViolation] = []
        guard let object = document.objectValue else {
            return [DataModelViolation(.document, path, "a verifiable credential must be a JSON object")]
        }
        let version = checkContext(object, path: path, into: &out) ?? .v2_0
        if isEnveloped(object, kind: "EnvelopedVerifiableCredential") {
            checkEnvelope(object, kind: "EnvelopedVerifiableCredential", path: path, into: &out)
            return out
        }
        checkIdentifier(object["id"], path: path.appending("id"), into: &out)
        checkType(object, required: "VerifiableCredential", path: path, into: &out)
        checkNameAndDescription(object, path: path, into: &out)
        checkIssuer(object, path: path, into: &out)
        checkSubjects(object, path: path, into: &out)
        switch version {
        case .v2_0: checkValidityV2(object, path: path, into: &out)
        case .v1_1: checkValidityV1(object, path: path, into: &out)
        }
        checkTypedObjects(object, path: path, version: version, into: &out)
        checkRelatedResource(object, path: path, into: &out)
        checkProof(object, path: path, into: &out)
        return out
    }

    /// The violations of a presentation, including those of each embedded credential.
    public func validatePresentation(_ document: JSONValue, at path: JSONPath = .root) -> [DataModelViolation] {
        var out: [DataModelViolation] = []
        guard let object = document.objectValue else {
            return [DataModelViolation(.document, path, "a verifiable presentation must be a JSON object")]
        }
        let version = checkContext(object, path: path, into: &out) ?? .v2_0
        if isEnveloped(object, kind: "EnvelopedVerifiablePresentation") {
            checkEnvelope(object, kind: "EnvelopedVerifiablePresentation", path: path, into: &out)
            return out
        }
        checkIdentifier(object["id"], path: path.appending("id"), into: &out)
        checkType(object, required: "VerifiablePresentation", path: path, into: &out)
        if let holder = object["holder"] {
            let hp = path.appending("holder")
            if let holderObject = holder.objectValue {
                if let id = holderObject["id"] {
                    if !(id.stringValue.map(URLSyntax.isAbsoluteURL) ?? false) {
                        out.append(DataModelViolation(.presentation, hp.appending("id"), "holder.id must be a URL"))
                    }
                } else {
                    out.append(DataModelViolation(.presentation, hp, "a holder object must have an id that is a URL"))
                }
            } else if !(holder.stringValue.map(URLSyntax.isAbsoluteURL) ?? false) {
                out.append(DataModelViolation(.presentation, hp, "holder must be a URL or an object with an id"))
            }
        }
        if let vcs = object["verifiableCredential"] {
            let many = vcs.isArray
            for (index, vc) in vcs.asArray.enumerated() {
                let vp = many ? path.appending("verifiableCredential").appending(index) : path.appending("verifiableCredential")
                // VC 1.1 presentations may carry JWT-encoded credentials as compact strings (VC 1.1 §6.3.1).
                if version == .v1_1, let jwt = vc.stringValue, jwt.split(separator: ".", omittingEmptySubsequences: false).count == 3 {
                    continue
                }
                guard vc.isObject else {
                    out.append(
                        DataModelViolation(
                            .presentation, vp,
                            "verifiableCredential entries must be credential objects, not \(vc.kindName)s"))
                    continue
                }
                out += validateCredential(vc, at: vp)
            }
        }
        checkTypedObjects(object, path: path, version: version, into: &out)
        checkProof(object, path: path, into: &out)
        return out
    }

    // MARK: - Rules

    private func checkContext(_ object: JSONObject, path: JSONPath, into out: inout [DataModelViolation]) -> DataModelVersion? {
        let cp = path.appending("@context")
        guard let context = object["@context"] else {
            out.append(DataModelViolation(.context, cp, "@context is required"))
            return nil
        }
        let items = context.asArray
        guard let first = items.first?.stringValue, let version = DataModelVersion(rawValue: first) else {
            out.append(
                DataModelViolation(
                    .context, cp.appending(0),
                    "the first @context entry must be \(DataModelVersion.v2_0.rawValue) (or \(DataModelVersion.v1_1.rawValue) for VC 1.1)"))
            return nil
        }
        for (index, item) in items.enumerated().dropFirst() {
            switch item {
            case .string(let text):
                if !URLSyntax.isAbsoluteURL(text) {
                    out.append(DataModelViolation(.context, cp.appending(index), "context entry \"\(text)\" is not a URL"))
                }
            case .object: break
            default:
                out.append(DataModelViolation(.context, cp.appending(index), "context entries must be URLs or objects, not \(item.kindName)s"))
            }
        }
        return version
    }

    private func checkIdentifier(_ value: JSONValue?, path: JSONPath, into out: inout [DataModelViolation]) {
        guard let value else { return }
        guard let text = value.stringValue else {
            out.append(DataModelViolation(.identifier, path, "id must be a single URL, not \(value.kindName == "array" ? "several values" : value.kindName)"))
            return
        }
        if !URLSyntax.isAbsoluteURL(text) {
            out.append(DataModelViolation(.identifier, path, "id \"\(text)\" is not a URL"))
        }
    }

    private func checkType(_ object: JSONObject, required: String?, path: JSONPath, into out: inout [DataModelViolation]) {
        let tp = path.appending("type")
        guard let type = object["type"] else {
            out.append(DataModelViolation(.type, tp, "type is required"))
            return
        }
        let values = type.asArray
        if values.isEmpty {
            out.append(DataModelViolation(.type, tp, "type must have at least one value"))
        }
        for (index, typeValue) in values.enumerated() {
            guard let text = typeValue.stringValue, !text.isEmpty else {
                out.append(DataModelViolation(.type, type.isArray ? tp.appending(index) : tp, "type values must be terms or URLs, not \(typeValue.kindName)s"))
                continue
            }
        }
        if let required, !values.contains(.string(required)) {
            out.append(DataModelViolation(.type, tp, "type must include \(required)"))
        }
    }

    private func checkNameAndDescription(_ object: JSONObject, path: JSONPath, into out: inout [DataModelViolation]) {
        for key in ["name", "description"] {
            guard let value = object[key] else { continue }
            let itemPath = path.appending(key)
            for (index, entry) in value.asArray.enumerated() {
                let entryPath = value.isArray ? itemPath.appending(index) : itemPath
                switch entry {
                case .string: continue
                case .object(let languageValue):
                    let allowed: Set<String> = ["@value", "@language", "@direction"]
                    if languageValue["@value"]?.stringValue == nil {
                        out.append(DataModelViolation(.nameAndDescription, entryPath, "a language value object needs a string @value"))
                    }
                    for member in languageValue where !allowed.contains(member.key) {
                        out.append(
                            DataModelViolation(
                                .nameAndDescription, entryPath.appending(member.key),
                                "a language value object may only have @value, @language and @direction"))
                    }
                    if let dir = languageValue["@direction"], dir != "ltr", dir != "rtl" {
                        out.append(DataModelViolation(.nameAndDescription, entryPath.appending("@direction"), "@direction must be \"ltr\" or \"rtl\""))
                    }
                default:
                    out.append(DataModelViolation(.nameAndDescription, entryPath, "\(key) must be a string or a language value object"))
                }
            }
        }
    }

    private func checkIssuer(_ object: JSONObject, path: JSONPath, into out: inout [DataModelViolation]) {
        let ip = path.appending("issuer")
        guard let issuer = object["issuer"] else {
            if !issuerOptional { out.append(DataModelViolation(.issuer, ip, "issuer is required")) }
            return
        }
        switch issuer {
        case .string(let text):
            if !URLSyntax.isAbsoluteURL(text) { out.append(DataModelViolation(.issuer, ip, "issuer \"\(text)\" is not a URL")) }
        case .object(let io):
            guard let id = io["id"]?.stringValue else {
                out.append(DataModelViolation(.issuer, ip.appending("id"), "an issuer object must have an id that is a URL"))
                return
            }
            if !URLSyntax.isAbsoluteURL(id) {
                out.append(DataModelViolation(.issuer, ip.appending("id"), "issuer.id \"\(id)\" is not a URL"))
            }
            checkNameAndDescription(io, path: ip, into: &out)
        default:
            out.append(DataModelViolation(.issuer, ip, "issuer must be a URL or an object with an id, not \(issuer.kindName)"))
        }
    }

    private func checkSubjects(_ object: JSONObject, path: JSONPath, into out: inout [DataModelViolation]) {
        let sp = path.appending("credentialSubject")
        guard let subjects = object["credentialSubject"] else {
            out.append(DataModelViolation(.credentialSubject, sp, "credentialSubject is required"))
            return
        }
        let many = subjects.isArray
        if many && subjects.asArray.isEmpty {
            out.append(DataModelViolation(.credentialSubject, sp, "credentialSubject must have at least one subject"))
        }
        for (index, subjectValue) in subjects.asArray.enumerated() {
            let itemPath = many ? sp.appending(index) : sp
            guard let so = subjectValue.objectValue else {
                out.append(DataModelViolation(.credentialSubject, itemPath, "each credentialSubject must be an object, not \(subjectValue.kindName)"))
                continue
            }
            if so.isEmpty {
                out.append(DataModelViolation(.credentialSubject, itemPath, "a credentialSubject must make at least one claim"))
            }
            checkIdentifier(so["id"], path: itemPath.appending("id"), into: &out)
        }
    }

    private func checkValidityV2(_ object: JSONObject, path: JSONPath, into out: inout [DataModelViolation]) {
        var from: XSDDateTime?
        var until: XSDDateTime?
        for key in ["validFrom", "validUntil"] {
            guard let dateValue = object[key] else { continue }
            guard let text = dateValue.stringValue, let time = XSDDateTime(text, syntax: .dateTimeStamp) else {
                out.append(
                    DataModelViolation(
                        .validityPeriod, path.appending(key),
                        "\(key) must be an XML Schema dateTimeStamp such as 2025-01-01T00:00:00Z (with a time zone)"))
                continue
            }
            if key == "validFrom" { from = time } else { until = time }
        }
        if let from, let until, from > until {
            out.append(DataModelViolation(.validityPeriod, path.appending("validUntil"), "validUntil is earlier than validFrom"))
        }
    }

    private func checkValidityV1(_ object: JSONObject, path: JSONPath, into out: inout [DataModelViolation]) {
        var issued: XSDDateTime?
        var expires: XSDDateTime?
        if object["issuanceDate"] == nil {
            out.append(DataModelViolation(.validityPeriod, path.appending("issuanceDate"), "issuanceDate is required in a VC 1.1 credential"))
        }
        for key in ["issuanceDate", "expirationDate", "validFrom", "validUntil"] {
            guard let dateValue = object[key] else { continue }
            guard let text = dateValue.stringValue, let time = XSDDateTime(text, syntax: .dateTimeStamp) else {
                out.append(DataModelViolation(.validityPeriod, path.appending(key), "\(key) must be a single RFC 3339 date-time with a time zone"))
                continue
            }
            if key == "issuanceDate" { issued = time } else if key == "expirationDate" { expires = time }
        }
        if let issued, let expires, issued > expires {
            out.append(DataModelViolation(.validityPeriod, path.appending("expirationDate"), "expirationDate is earlier than issuanceDate"))
        }
    }

    private func checkTypedObjects(_ object: JSONObject, path: JSONPath, version: DataModelVersion, into out: inout [DataModelViolation]) {
        let rules: [(String, DataModelViolation.Rule, needsID: Bool)] = [
            ("credentialStatus", .status, version == .v1_1),
            ("credentialSchema", .dataSchema, true),
            ("refreshService", .typedObject, version == .v1_1),
            ("termsOfUse", .typedObject, false),
            ("evidence", .typedObject, false),
        ]
        for (key, rule, needsID) in rules {
            guard let value = object[key] else { continue }
            let many = value.isArray
            for (index, item) in value.asArray.enumerated() {
                let itemPath = many ? path.appending(key).appending(index) : path.appending(key)
                guard let io = item.objectValue else {
                    out.append(DataModelViolation(rule, itemPath, "\(key) entries must be objects, not \(item.kindName)s"))
                    continue
                }
                if let type = io["type"] {
                    if type.asArray.isEmpty || type.asArray.contains(where: { $0.stringValue?.isEmpty ?? true }) {
                        out.append(DataModelViolation(rule, itemPath.appending("type"), "\(key).type must be one or more terms or URLs"))
                    }
                } else {
                    out.append(DataModelViolation(rule, itemPath.appending("type"), "\(key) objects must have a type"))
                }
                if io["id"] != nil {
                    checkIdentifier(io["id"], path: itemPath.appending("id"), into: &out)
                } else if needsID {
                    out.append(DataModelViolation(rule, itemPath.appending("id"), "\(key) objects must have an id that is a URL"))
                }
            }
        }
    }

    private func checkRelatedResource(_ object: JSONObject, path: JSONPath, into out: inout [DataModelViolation]) {
        guard let value = object["relatedResource"] else { return }
        var seen = Set<String>()
        let many = value.isArray
        for (index, item) in value.asArray.enumerated() {
            let itemPath = many ? path.appending("relatedResource").appending(index) : path.appending("relatedResource")
            guard let io = item.objectValue else {
                out.append(DataModelViolation(.relatedResource, itemPath, "relatedResource entries must be objects"))
                continue
            }
            if let id = io["id"]?.stringValue {
                if !URLSyntax.isAbsoluteURL(id) { out.append(DataModelViolation(.relatedResource, itemPath.appending("id"), "id \"\(id)\" is not a URL")) }
                if !seen.insert(id).inserted {
                    out.append(DataModelViolation(.relatedResource, itemPath.appending("id"), "relatedResource ids must be unique; \(id) repeats"))
                }
            } else {
                out.append(DataModelViolation(.relatedResource, itemPath.appending("id"), "a relatedResource needs an id that is a URL"))
            }
            if io["digestSRI"] == nil && io["digestMultibase"] == nil {
                out.append(DataModelViolation(.relatedResource, itemPath, "a relatedResource needs digestSRI or digestMultibase"))
            }
        }
    }

    private func checkProof(_ object: JSONObject, path: JSONPath, into out: inout [DataModelViolation]) {
        guard let proof = object["proof"] else { return }
        let many = proof.isArray
        for (index, item) in proof.asArray.enumerated() {
            let itemPath = many ? path.appending("proof").appending(index) : path.appending("proof")
            guard let po = item.objectValue else {
                out.append(DataModelViolation(.proof, itemPath, "a proof must be an object"))
                continue
            }
            if po["type"]?.stringValue?.isEmpty ?? true {
                out.append(DataModelViolation(.proof, itemPath.appending("type"), "a proof must have a type"))
            }
        }
    }

    private func isEnveloped(_ object: JSONObject, kind: String) -> Bool {
        object["type"]?.asArray.contains(.string(kind)) ?? false
    }

    private func checkEnvelope(_ object: JSONObject, kind: String, path: JSONPath, into out: inout [DataModelViolation]) {
        guard let id = object["id"]?.stringValue else {
            out.append(DataModelViolation(.envelope, path.appending("id"), "an \(kind) needs an id that is a data: URL"))
            return
        }
        if !id.lowercased().hasPrefix("data:") {
            out.append(DataModelViolation(.envelope, path.appending("id"), "an \(kind)'s id must be a data: URL"))
        }
    }
}
