import CredentialJSON
import LearningModel

/// One problem found in a credential: where, which rule, and what is wrong in plain words.
public struct ProfileFinding: Sendable, Hashable, CustomStringConvertible {
    /// Whether the finding makes the credential non-conformant.
    public enum Severity: String, Sendable, Hashable {
        /// Breaks a rule of the EDC generic-full profile (or an ESCO check asked for).
        case violation
        /// Worth fixing but allowed by the profile (e.g. a code skillcred's list snapshot does not know).
        case warning
    }

    /// Where the offending value (or the object missing a member) is.
    public let path: JSONPath
    /// A stable rule id, e.g. `EuropeanDigitalCredential.issued.minCount` or `esco.skillURI`.
    public let rule: String
    public let message: String
    public let severity: Severity

    public init(path: JSONPath, rule: String, message: String, severity: Severity = .violation) {
        self.path = path
        self.rule = rule
        self.message = message
        self.severity = severity
    }

    public var description: String { "\(path): \(rule): \(message)" }

    /// The finding as JSON (`path`, `rule`, `message`, `severity`).
    public var jsonValue: JSONValue {
        ["path": .string(path.description), "rule": .string(rule), "message": .string(message), "severity": .string(severity.rawValue)]
    }
}

/// The outcome of validating one credential: every finding, not only the first.
public struct ProfileReport: Sendable, Hashable {
    public var findings: [ProfileFinding]

    public init(findings: [ProfileFinding] = []) { self.findings = findings }

    /// Findings that break the profile.
    public var violations: [ProfileFinding] { findings.filter { $0.severity == .violation } }
    /// Findings that do not.
    public var warnings: [ProfileFinding] { findings.filter { $0.severity == .warning } }
    /// Whether the credential conforms (no violations).
    public var conforms: Bool { !findings.contains { $0.severity == .violation } }
}

/// Validates EDC credentials against the EDC generic-full application profile (ELM 3.2 LTS).
///
/// The rules are those of the profile's SHACL shapes (mandatory members and cardinalities,
/// datatypes, classes of linked objects, controlled-vocabulary schemes), applied to the JSON
/// the way a JSON-LD processor with the `edc-ap` context would see it, plus: codes of the
/// bundled complete lists must exist, ESCO skills must be `http://data.europa.eu/esco/skill/<uuid>`,
/// and with an ``ESCOCatalog`` each skill must be in it.
public struct ProfileValidator: Sendable {
    /// A full ESCO export to check skill URIs against; `nil` checks their form only.
    public var escoCatalog: ESCOCatalog?

    public init(escoCatalog: ESCOCatalog? = nil) {
        self.escoCatalog = escoCatalog
    }

    /// Validates the credential JSON; paths in findings start at `basePath`.
    public func validate(_ credential: JSONValue, basePath: JSONPath = .root) -> ProfileReport {
        var walk = Walk(validator: self)
        walk.index(credential)
        guard let root = credential.objectValue else {
            return ProfileReport(findings: [ProfileFinding(path: basePath, rule: "credential.object", message: "the credential is not a JSON object")])
        }
        let types = Walk.types(of: root)
        if !types.contains("EuropeanDigitalCredential") {
            walk.add(basePath.appending("type"), "EuropeanDigitalCredential.type", "type must include EuropeanDigitalCredential")
        }
        walk.visit(root, at: basePath, role: .credential)
        return ProfileReport(findings: walk.findings)
    }

    /// Validates a document read from a file (the payload of a sealed one).
    public func validate(_ document: EDCDocument) -> ProfileReport {
        validate(document.credentialJSON, basePath: document.credentialPath)
    }

    /// Validates a credential built with the model, as it will be written.
    public func validate(_ credential: EuropeanDigitalCredential, options: EDCEncodingOptions = EDCEncodingOptions()) -> ProfileReport {
        validate(credential.jsonValue(options: options))
    }
}

/// The pattern of ESCO skill IRIs.
func isESCOSkillURI(_ s: String) -> Bool {
    let prefix = "http://data.europa.eu/esco/skill/"
    guard s.hasPrefix(prefix) else { return false }
    return isUUID(s.dropFirst(prefix.count))
}

func isUUID(_ s: Substring) -> Bool {
    let u = Array(s.utf8)
    guard u.count == 36 else { return false }
    for (i, c) in u.enumerated() {
        if i == 8 || i == 13 || i == 18 || i == 23 {
            if c != UInt8(ascii: "-") { return false }
        } else if !((c >= 48 && c <= 57) || (c >= 97 && c <= 102)) {
            return false
        }
    }
    return true
}

private struct Walk {
    enum Role { case credential, issuer, other }

    let validator: ProfileValidator
    var findings: [ProfileFinding] = []
    /// id → the classes every object with that id declares (JSON-LD merges them into one node).
    var typesByID: [String: Set<String>] = [:]
    /// id → the most members any object with that id has; sparser copies are references.
    var fullestByID: [String: Int] = [:]

    init(validator: ProfileValidator) { self.validator = validator }

    mutating func add(_ path: JSONPath, _ rule: String, _ message: String, _ severity: ProfileFinding.Severity = .violation) {
        findings.append(ProfileFinding(path: path, rule: rule, message: message, severity: severity))
    }

    static func types(of object: JSONObject) -> [String] {
        guard let t = object["type"] else { return [] }
        return t.asArray.compactMap(\.stringValue)
    }

    mutating func index(_ value: JSONValue) {
        switch value {
        case .object(let o):
            if let id = o["id"]?.stringValue {
                typesByID[id, default: []].formUnion(Walk.types(of: o))
                fullestByID[id] = max(fullestByID[id] ?? 0, o.count)
            }
            for m in o where m.key != "@context" { index(m.value) }
        case .array(let a):
            for e in a { index(e) }
        default: break
        }
    }

    mutating func visit(_ object: JSONObject, at path: JSONPath, role: Role) {
        var types = Walk.types(of: object)
        // The root is checked as a credential even when its type is wrong, so every problem shows at once.
        if role == .credential && !types.contains("EuropeanDigitalCredential") { types.append("EuropeanDigitalCredential") }
        let isReference = object["id"]?.stringValue.map { object.count < (fullestByID[$0] ?? 0) } ?? false
        if !isReference {
            for t in types {
                for rule in profileShapes[t] ?? [] { check(rule, in: object, className: t, at: path) }
            }
            if role == .issuer {
                for rule in issuerRules { check(rule, in: object, className: "Issuer", at: path) }
            }
        }
        for m in object {
            switch m.key {
            case "@context", "id", "type": continue
            default: break
            }
            let childPath = path.appending(m.key)
            if TermTable.nodeTerms.contains(m.key) {
                let childRole: Role = (role == .credential && m.key == "issuer") ? .issuer : .other
                if let array = m.value.arrayValue {
                    for (i, e) in array.enumerated() {
                        if let o = e.objectValue { visit(o, at: childPath.appending(i), role: childRole) }
                    }
                } else if let o = m.value.objectValue {
                    visit(o, at: childPath, role: childRole)
                }
            } else if !TermTable.literalTerms.contains(m.key) && !m.key.contains(":") && !m.key.hasPrefix("@") {
                add(childPath, "jsonld.undefinedTerm",
                    "\"\(m.key)\" is not a term of the EDC context; JSON-LD processing drops it, so the profile does not see it",
                    .warning)
            }
        }
    }

    // MARK: - Rules

    mutating func check(_ rule: PropertyRule, in object: JSONObject, className: String, at path: JSONPath) {
        let ruleBase = "\(className).\(rule.term)"
        let value = object[rule.term]
        let memberPath = path.appending(rule.term)
        var count = 0
        switch rule.kind {
        case .langString:
            count = checkLangString(value, at: memberPath, rule: ruleBase)
        case .literal(let datatype):
            for (p, v) in elements(value, at: memberPath) {
                count += 1
                checkLiteral(v, datatype, at: p, rule: ruleBase)
            }
        case .node(let classes):
            for (p, v) in elements(value, at: memberPath) {
                count += 1
                checkNode(v, classes: classes, iri: rule.iri, at: p, rule: ruleBase)
            }
        case .concept(let list):
            for (p, v) in elements(value, at: memberPath) {
                count += 1
                checkConcept(v, list: list, at: p, rule: ruleBase, term: rule.term, className: className)
            }
        }
        if count < rule.min {
            add(value == nil ? path : memberPath, ruleBase + ".minCount", missingMessage(rule, className: className))
        }
        if let max = rule.max, count > max {
            add(memberPath, ruleBase + ".maxCount", "\(className) may have at most \(max) \(rule.term) value\(max == 1 ? "" : "s"), found \(count)")
        }
    }

    func missingMessage(_ rule: PropertyRule, className: String) -> String {
        let who = className == "Issuer" ? "the issuer" : "\(className)"
        var m = "\(who) must have \(rule.term)"
        if rule.min > 1 { m += " (at least \(rule.min))" }
        switch (className, rule.term) {
        case ("EuropeanDigitalCredential", "issued"):
            m += " (the issuing date-time; the EDC sealing step adds it)"
        case ("Issuer", "eIDASIdentifier"):
            m += " (a LegalIdentifier with the organisation identifier of the e-seal certificate)"
        default: break
        }
        return m
    }

    func elements(_ value: JSONValue?, at path: JSONPath) -> [(JSONPath, JSONValue)] {
        guard let value else { return [] }
        if let array = value.arrayValue {
            return array.enumerated().compactMap { $1.isNull ? nil : (path.appending($0), $1) }
        }
        return value.isNull ? [] : [(path, value)]
    }

    mutating func checkLangString(_ value: JSONValue?, at path: JSONPath, rule: String) -> Int {
        guard let value, !value.isNull else { return 0 }
        guard let map = value.objectValue else {
            add(path, rule + ".datatype", "must be a language map such as {\"en\": \"…\"}, found a JSON \(value.kindName)")
            return value.isString ? 0 : 0
        }
        var count = 0
        for m in map {
            let texts = m.value.asArray
            for t in texts where !t.isNull {
                if t.isString {
                    count += 1
                } else {
                    add(path.appending(m.key), rule + ".datatype", "the \(m.key) text must be a string, found a JSON \(t.kindName)")
                }
            }
            if !isLanguageTag(m.key) {
                add(path.appending(m.key), rule + ".languageTag", "\"\(m.key)\" is not a BCP 47 language tag")
            }
        }
        return count
    }

    mutating func checkLiteral(_ value: JSONValue, _ datatype: Datatype, at path: JSONPath, rule: String) {
        let ok: Bool
        var shown = ""
        switch value {
        case .string(let s):
            shown = s
            switch datatype {
            case .dateTime: ok = LexicalForms.isDateTime(s)
            case .duration: ok = LexicalForms.isDuration(s)
            case .string, .anyURI: ok = true
            case .boolean: ok = s == "true" || s == "false" || s == "1" || s == "0"
            case .integer: ok = LexicalForms.isInteger(s, positive: false)
            case .positiveInteger: ok = LexicalForms.isInteger(s, positive: true)
            case .decimal: ok = LexicalForms.isDecimal(s)
            }
        case .number(let n):
            shown = n.lexeme
            switch datatype {
            case .integer: ok = n.hasIntegralValue
            case .positiveInteger: ok = n.hasIntegralValue && n.doubleValue > 0
            case .decimal: ok = n.doubleValue.isFinite
            default: ok = false
            }
        case .bool(let b):
            shown = String(b)
            ok = datatype == .boolean
        default:
            add(path, rule + ".datatype", "must be a \(datatype.rawValue) value, found a JSON \(value.kindName)")
            return
        }
        if !ok {
            add(path, rule + ".datatype", "\"\(shown)\" is not a valid \(datatype.rawValue)\(LexicalForms.example(datatype))")
        }
    }

    mutating func checkNode(_ value: JSONValue, classes: Set<String>, iri: Bool, at path: JSONPath, rule: String) {
        let id: String?
        var declared: Set<String> = []
        switch value {
        case .string(let s):
            id = s
        case .object(let o):
            id = o["id"]?.stringValue
            declared.formUnion(Walk.types(of: o))
        default:
            add(path, rule + ".class", "must be an object or an IRI, found a JSON \(value.kindName)")
            return
        }
        if let id { declared.formUnion(typesByID[id] ?? []) }
        if iri && !(id.map(isAbsoluteIRI) ?? false) {
            add(path, rule + ".nodeKind", "must be identified by an IRI (an \"id\")")
        }
        if !classes.isEmpty && declared.isDisjoint(with: classes) {
            let expected = classes.sorted().joined(separator: " or ")
            let found = declared.isEmpty ? "no type" : "type " + declared.sorted().joined(separator: ", ")
            add(path, rule + ".class", "must be a \(expected), found \(found)")
        }
    }

    mutating func checkConcept(_ value: JSONValue, list: ControlledList?, at path: JSONPath, rule: String, term: String, className: String) {
        checkNode(value, classes: ["Concept"], iri: true, at: path, rule: rule)
        let conceptID: String?
        var schemes: [String] = []
        switch value {
        case .string(let s): conceptID = s
        case .object(let o):
            conceptID = o["id"]?.stringValue
            for (i, s) in (o["inScheme"]?.asArray ?? []).enumerated() {
                let schemePath = o["inScheme"]?.isArray == true ? path.appending("inScheme").appending(i) : path.appending("inScheme")
                switch s {
                case .string(let iri): schemes.append(iri); checkSchemeClass(iri: iri, object: nil, at: schemePath, rule: rule, restricted: list != nil)
                case .object(let so):
                    if let iri = so["id"]?.stringValue { schemes.append(iri) }
                    checkSchemeClass(iri: so["id"]?.stringValue, object: so, at: schemePath, rule: rule, restricted: list != nil)
                default: break
                }
            }
        default: return
        }
        guard let list else { return }
        let isESCOSkill = list.scheme == ControlledList.escoSkills.scheme
        if !schemes.contains(list.scheme) {
            let found = schemes.isEmpty ? "no inScheme" : "inScheme " + schemes.joined(separator: ", ")
            add(path.appending("inScheme"), rule + ".scheme",
                "\(term) must be a concept of the \(list.name) list (inScheme \(list.scheme)), found \(found)")
        } else if let conceptID, !list.codes.isEmpty, !list.contains(conceptID) {
            let severity: ProfileFinding.Severity = list.completeness == .complete ? .violation : .warning
            add(path.appending("id"), "vocabulary.unknownCode",
                "\(conceptID) is not a code of the \(list.name) list (snapshot \(list.version))", severity)
        }
        if isESCOSkill, let conceptID {
            if !isESCOSkillURI(conceptID) {
                add(path.appending("id"), "esco.skillURI",
                    "an ESCO skill must be identified as http://data.europa.eu/esco/skill/<uuid>, found \(conceptID)")
            } else if let catalog = validator.escoCatalog, catalog.skill(conceptID) == nil {
                add(path.appending("id"), "esco.unknownSkill", "\(conceptID) is not a skill of the ESCO export \(catalog.source)")
            }
        }
    }

    mutating func checkSchemeClass(iri: String?, object: JSONObject?, at path: JSONPath, rule: String, restricted: Bool) {
        guard restricted else { return }
        var declared = Set(object.map(Walk.types(of:)) ?? [])
        if let iri { declared.formUnion(typesByID[iri] ?? []) }
        if !declared.contains("ConceptScheme") {
            add(path, rule + ".schemeClass", "the concept's inScheme must be a ConceptScheme")
        }
        if !(iri.map(isAbsoluteIRI) ?? false) {
            add(path, rule + ".schemeNodeKind", "the concept's inScheme must be identified by an IRI")
        }
    }
}

func isAbsoluteIRI(_ s: String) -> Bool {
    guard let colon = s.firstIndex(of: ":"), colon != s.startIndex else { return false }
    let scheme = s[..<colon]
    guard let first = scheme.first, first.isASCII, first.isLetter else { return false }
    return scheme.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }
        && !s.contains(" ")
}

func isLanguageTag(_ s: String) -> Bool {
    let parts = s.split(separator: "-", omittingEmptySubsequences: false)
    guard let first = parts.first, (2...8).contains(first.count), first.allSatisfy({ $0.isASCII && $0.isLetter }) else { return false }
    return parts.dropFirst().allSatisfy { (1...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }
}
