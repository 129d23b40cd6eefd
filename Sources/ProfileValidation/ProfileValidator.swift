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
        // An EDC has dozens to hundreds of identified nodes: growing the table from empty rehashed it six times.
        walk.nodes.reserveCapacity(128)
        walk.index(credential)
        guard let root = credential.objectValue else {
            return ProfileReport(findings: [ProfileFinding(path: basePath, rule: "credential.object", message: "the credential is not a JSON object")])
        }
        let types = Walk.types(of: root)
        checkContext(root["@context"], at: basePath.appending("@context"), walk: &walk)
        if !types.contains("EuropeanDigitalCredential") {
            walk.add(basePath.appending("type"), "EuropeanDigitalCredential.type", "type must include EuropeanDigitalCredential")
        }
        if !types.contains("VerifiableCredential") {
            walk.add(
                basePath.appending("type"), "VerifiableCredential.type",
                "type must include VerifiableCredential; without it the VC context does not define issuer, credentialSubject, issued or validFrom")
        }
        walk.visit(root, at: basePath, role: .credential)
        return ProfileReport(findings: walk.findings)
    }

    /// The rules are those of the `edc-ap` context on top of VC 1.1: another context gives the terms
    /// other meanings (or, with VC 2.0, cannot be combined with `edc-ap` at all).
    private func checkContext(_ context: JSONValue?, at path: JSONPath, walk: inout Walk) {
        let vc1 = "https://www.w3.org/2018/credentials/v1"
        let vc2 = "https://www.w3.org/ns/credentials/v2"
        let edcAP = "http://data.europa.eu/snb/model/context/edc-ap"
        let entries = context?.asArray ?? []
        let iris = entries.compactMap(\.stringValue)
        if iris.first == vc2 {
            walk.add(
                path, "credential.context",
                "a VC 2.0 credential cannot use the edc-ap context (it redefines the protected term description); EDC uses \(vc1) then \(edcAP)")
        } else if iris.first != vc1 {
            walk.add(path, "credential.context", "the first @context must be \(vc1)")
        }
        if !iris.contains(edcAP) {
            walk.add(path, "credential.context", "@context must include \(edcAP); the profile's terms are defined there")
        } else if entries.count > iris.count {
            walk.add(
                path, "credential.contextExtension",
                "an embedded @context object can redefine EDC terms; the profile rules assume the published contexts only", .warning)
        }
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
func isESCOSkillURI(_ iri: String) -> Bool {
    let prefix = "http://data.europa.eu/esco/skill/"
    guard iri.hasPrefix(prefix) else { return false }
    return isUUID(iri.dropFirst(prefix.count))
}

func isUUID(_ uuid: Substring) -> Bool {
    let bytes = Array(uuid.utf8)
    guard bytes.count == 36 else { return false }
    for (position, byte) in bytes.enumerated() {
        if position == 8 || position == 13 || position == 18 || position == 23 {
            if byte != UInt8(ascii: "-") { return false }
        } else if !((byte >= 48 && byte <= 57) || (byte >= 97 && byte <= 102)) {
            return false
        }
    }
    return true
}

private struct Walk {
    enum Role { case credential, issuer, other }

    let validator: ProfileValidator
    var findings: [ProfileFinding] = []
    /// What the file says about one node id: JSON-LD merges every object with that id into one node.
    struct Node {
        /// The classes the copies declare, without repeats (a node has a handful).
        var types: [String] = []
        /// Every object with the id, in document order.
        var copies: [JSONObject] = []
        /// The union of the copies, built on first use when there are several.
        var merged: JSONObject?
        /// Whether the node was already checked (once, on the merged copies).
        var checked = false
        /// Whether every copy is the first as written (the union is the first copy).
        var copiesIdentical = false
    }

    /// id → its node. One table, so that each object costs one hash of its id in the index and one in the visit
    /// (four tables cost five: the walk's hashing was a third of validating the EU's 147 KB sample).
    var nodes: [String: Node] = [:]
    /// The node being checked, when the file repeats it: said after a finding on it (built only then).
    var repeatedNode: (id: String, copies: Int)?

    /// Said after a finding on a node that the file repeats.
    var mergeNote: String {
        guard let repeatedNode else { return "" }
        return " (\(repeatedNode.id) appears \(repeatedNode.copies) times in the file; JSON-LD merges the copies into one node)"
    }

    init(validator: ProfileValidator) { self.validator = validator }

    static let conceptClass = ["Concept"]

    mutating func add(_ path: JSONPath, _ rule: String, _ message: String, _ severity: ProfileFinding.Severity = .violation) {
        findings.append(ProfileFinding(path: path, rule: rule, message: message, severity: severity))
    }

    static func types(of object: JSONObject) -> [String] { Array(TypeNames(object)) }

    mutating func index(_ value: JSONValue) {
        switch value {
        case .object(let object):
            if let id = object.value(forPlainKey: "id")?.stringValue {
                modify(&nodes[id, default: Node()]) { node in
                    for type in TypeNames(object) where !node.types.contains(type) { node.types.append(type) }
                    node.copies.append(object)
                }
            }
            for member in object where member.key != "@context" { index(member.value) }
        case .array(let elements):
            for element in elements { index(element) }
        default: break
        }
    }

    mutating func visit(_ object: JSONObject, at path: JSONPath, role: Role) {
        let types = TypeNames(object)
        // The root is checked as a credential even when its type is wrong, so every problem shows at once.
        let checkedAsCredential = role == .credential && !types.contains("EuropeanDigitalCredential")
        // EDC files repeat nodes (same id) in several places; in RDF they are one node, so the
        // rules apply once, to the union of the copies.
        let id = object.value(forPlainKey: "id")?.stringValue
        // The index saw every object with an id, so the node is there.
        let position = id.flatMap { nodes.index(forKey: $0) }
        let firstVisit = position.map { !nodes.values[$0].checked } ?? true
        if let position { nodes.values[position].checked = true }
        if let id, firstVisit, !id.hasPrefix("_:"), !isAbsoluteIRI(id) {
            add(
                path.appending("id"), "jsonld.relativeIRI",
                "\"\(id)\" is not an absolute IRI; JSON-LD resolves it against the file's location, so it means different things in different places",
                .warning)
        }
        let node = position.map { merged(at: $0) } ?? object
        let copies = position.map { nodes.values[$0].copies.count } ?? 1
        repeatedNode = copies > 1 ? (id ?? "", copies) : nil
        if firstVisit {
            for type in types { checkShape(of: type, in: node, at: path) }
            if checkedAsCredential { checkShape(of: "EuropeanDigitalCredential", in: node, at: path) }
            if types.contains("DisplayParameter") { checkDisplayLanguages(node, at: path) }
        }
        if role == .issuer {
            for rule in issuerRules { check(rule, in: node, className: "Issuer", at: path) }
        }
        repeatedNode = nil
        // A later copy of a node whose copies are identical holds what the first one held, walked already: the nodes
        // without an id inside it would only give the first copy's findings again at other paths (a third of the
        // EU's 147 KB sample is such copies).
        if !firstVisit, let position, nodes.values[position].copiesIdentical { return }
        for member in object {
            switch member.key {
            case "@context", "id", "type": continue
            default: break
            }
            let kind = TermTable.kinds[member.key]
            if kind == .node {
                let childPath = path.appending(member.key)
                let childRole: Role = (role == .credential && member.key == "issuer") ? .issuer : .other
                if let array = member.value.arrayValue {
                    for (position, element) in array.enumerated() {
                        if let child = element.objectValue { visit(child, at: childPath.appending(position), role: childRole) }
                    }
                } else if let child = member.value.objectValue {
                    visit(child, at: childPath, role: childRole)
                }
            } else if kind == nil && !member.key.utf8.contains(UInt8(ascii: ":")) && !member.key.hasPrefix("@") {
                add(
                    path.appending(member.key), "jsonld.undefinedTerm",
                    "\"\(member.key)\" is not a term of the EDC context; JSON-LD processing drops it, so the profile does not see it",
                    .warning)
            }
        }
    }

    // MARK: - Rules

    /// Every rule of `className`'s shape on `node`.
    mutating func checkShape(of className: String, in node: JSONObject, at path: JSONPath) {
        for rule in profileShapes[className] ?? [] { check(rule, in: node, className: className, at: path) }
    }

    // Every rule is applied to every node of its class, and nearly all values pass: the rule's name and the
    // value's JSON path are built only when a finding needs them (RuleName, Location).
    mutating func check(_ rule: PropertyRule, in object: JSONObject, className: String, at path: JSONPath) {
        let ruleName = RuleName(className: className, term: rule.term)
        // Every term of the profile is plain ASCII (ProfileTermSpellingTests checks), so a search comparing lengths
        // first finds it: `object[term]` compared the term with every member's key in full, for every rule of the
        // node's class (walking the EU's 147 KB sample: 4.37 -> 4.28 M instructions).
        let value = object.value(forPlainKey: rule.term)
        let member = Location(node: path, term: rule.term, member: value, position: nil)
        var count = 0
        if case .langString = rule.kind {
            count = checkLangString(value, at: member, rule: ruleName, uniqueLang: rule.uniqueLang)
        } else if let value, !value.isNull {
            // Most members hold one value: it needs neither the flattened list nor the set of values seen.
            if value.isArray {
                for (position, element) in distinct(elements(value)) {
                    count += 1
                    checkValue(element, rule: rule, at: member.element(position), ruleName: ruleName, className: className)
                }
            } else {
                count = 1
                checkValue(value, rule: rule, at: member.element(0), ruleName: ruleName, className: className)
            }
        }
        if count < rule.min {
            add(value == nil ? path : member.path, ruleName.id(".minCount"), missingMessage(rule, className: className))
        }
        if let max = rule.max, count > max {
            add(
                member.path, ruleName.id(".maxCount"),
                "\(className) may have at most \(max) \(rule.term) value\(max == 1 ? "" : "s"), found \(count)" + mergeNote)
        }
    }

    /// One value of a member, by the rule's kind (language maps are ``checkLangString(_:at:rule:uniqueLang:)``'s).
    mutating func checkValue(_ value: JSONValue, rule: PropertyRule, at location: Location, ruleName: RuleName, className: String) {
        switch rule.kind {
        case .langString: break
        case .literal(let datatype): checkLiteral(value, datatype, at: location, rule: ruleName)
        case .node(let classes): checkNode(value, classes: classes, iri: rule.iri, at: location, rule: ruleName)
        case .concept(let list): checkConcept(value, list: list, at: location, rule: ruleName, term: rule.term, className: className)
        }
    }

    /// The union of all objects with this object's id, as JSON-LD would merge them: values of a
    /// member are collected without duplicates (nodes by id), language maps merge per language.
    mutating func merged(_ object: JSONObject) -> JSONObject {
        guard let id = object.value(forPlainKey: "id")?.stringValue, let position = nodes.index(forKey: id) else { return object }
        return merged(at: position)
    }

    /// ``merged(_:)`` for the node at `position` in ``nodes``.
    mutating func merged(at position: Dictionary<String, Node>.Index) -> JSONObject {
        let copies = nodes.values[position].copies
        guard copies.count > 1 else { return copies[0] }
        if let merged = nodes.values[position].merged { return merged }
        // Files repeat a node verbatim (all 36 repeated nodes of the EU's 147 KB sample): the union of identical
        // copies is the copy, and comparing them costs a fraction of hashing every value into the union (40 % of the
        // walk). Identical as written, not only equal as JSON: `==` compares strings as Unicode, and a later copy
        // that equals the first (a language tag "ko-\u{212A}R", Kelvin sign, equals "ko-KR") is not walked again.
        if copies.dropFirst().allSatisfy({ JSONValue.object($0).isIdentical(to: .object(copies[0])) }) {
            nodes.values[position].copiesIdentical = true
            nodes.values[position].merged = copies[0]
            return copies[0]
        }
        let id = nodes.keys[position]
        var order: [String] = []
        var values: [String: [JSONValue]] = [:]
        for copy in copies {
            for member in copy {
                if values[member.key] == nil { order.append(member.key) }
                values[member.key, default: []].append(contentsOf: member.value.asArray)
            }
        }
        var result = JSONObject()
        for key in order {
            let vs = values[key] ?? []
            if key == "id" { result[key] = .string(id); continue }
            if TermTable.languageTerms.contains(key), vs.allSatisfy(\.isObject) {
                // Languages and texts are found by hashing: searching the lists made n languages or texts cost n².
                var texts: [(String, [JSONValue])] = []
                var languageIndex: [String: Int] = [:]
                var seenTexts: Set<[JSONValue]> = []
                for item in vs {
                    for member in item.objectValue ?? JSONObject() {
                        for text in member.value.asArray where seenTexts.insert([.string(member.key), text]).inserted {
                            if let index = languageIndex[member.key] {
                                texts[index].1.append(text)
                            } else {
                                languageIndex[member.key] = texts.count
                                texts.append((member.key, [text]))
                            }
                        }
                    }
                }
                result[key] = .object(JSONObject(texts.map { (key: $0.0, value: $0.1.count == 1 ? $0.1[0] : .array($0.1)) }))
                continue
            }
            var distinct: [JSONValue] = []
            var seenIDs: Set<String> = []
            // A set beside the list: `distinct.contains` made two copies of n values cost n² (8,000: 11 s, debug build).
            var seenValues: Set<JSONValue> = []
            for value in vs {
                if let nid = value.objectValue?["id"]?.stringValue ?? (TermTable.kinds[key] == .node ? value.stringValue : nil) {
                    if seenIDs.insert(nid).inserted { distinct.append(value) }
                } else if seenValues.insert(value).inserted {
                    distinct.append(value)
                }
            }
            result[key] = distinct.count == 1 ? distinct[0] : .array(distinct)
        }
        nodes.values[position].merged = result
        return result
    }

    /// EDC shows a credential in each of its languages: one individual display per declared language.
    /// The shapes do not require it, so a gap is a warning.
    mutating func checkDisplayLanguages(_ display: JSONObject, at path: JSONPath) {
        func conceptID(_ concept: JSONValue) -> String? { concept.stringValue ?? concept["id"]?.stringValue }
        let declared = (display["language"]?.asArray ?? []).compactMap(conceptID)
        let shown = Set(
            (display["individualDisplay"]?.asArray ?? []).compactMap { d -> String? in
                // A display given by reference is found among the document's objects with that id.
                let object = d.objectValue ?? d.stringValue.flatMap { nodes[$0]?.copies.first }
                return object?["language"].flatMap(conceptID)
            })
        guard display["individualDisplay"] != nil else { return }
        for lang in declared where !shown.contains(lang) {
            add(
                path.appending("individualDisplay"), "DisplayParameter.individualDisplay.perLanguage",
                "the credential declares language \(lang) but has no individual display in it", .warning)
        }
        if let primary = display["primaryLanguage"].flatMap(conceptID), !declared.isEmpty, !declared.contains(primary) {
            add(
                path.appending("primaryLanguage"), "DisplayParameter.primaryLanguage.declared",
                "the primary language \(primary) is not among the credential's languages", .warning)
        }
    }

    func valueCount(_ value: JSONValue?, _ rule: PropertyRule) -> Int {
        guard let value, !value.isNull else { return 0 }
        return value.asArray.filter { !$0.isNull }.count
    }

    func missingMessage(_ rule: PropertyRule, className: String) -> String {
        let who = className == "Issuer" ? "the issuer" : "\(className)"
        var message = "\(who) must have \(rule.term)"
        if rule.min > 1 { message += " (at least \(rule.min))" }
        switch (className, rule.term) {
        case ("EuropeanDigitalCredential", "issued"):
            message += " (the issuing date-time; the EDC sealing step adds it)"
        case ("Issuer", "eIDASIdentifier"):
            message += " (a LegalIdentifier with the organisation identifier of the e-seal certificate)"
        default: break
        }
        return message
    }

    /// The values of a member; nested arrays are flattened, as JSON-LD expansion does (``Location/element(_:)``
    /// finds a value's path again from its position in this list).
    func elements(_ value: JSONValue?) -> [JSONValue] {
        guard let value else { return [] }
        if let array = value.arrayValue { return array.flatMap { elements($0) } }
        return value.isNull ? [] : [value]
    }

    /// Values without repeats, each with its position among `values`: RDF has no duplicate triples (nodes
    /// compare by id).
    func distinct(_ values: [JSONValue]) -> [(Int, JSONValue)] {
        guard values.count > 1 else { return values.map { (0, $0) } }
        var seen: Set<JSONValue> = []
        var result: [(Int, JSONValue)] = []
        for (position, value) in values.enumerated() {
            let key: JSONValue
            switch value {
            case .object(let object): key = object.value(forPlainKey: "id")?.stringValue.map { .string("@id:" + $0) } ?? value
            // A typed term gives "1" and 1 the same literal.
            case .number(let number): key = .string("@lit:" + number.lexeme)
            case .bool(let bool): key = .string("@lit:" + String(bool))
            case .string(let string): key = .string("@lit:" + string)
            default: key = value
            }
            if seen.insert(key).inserted { result.append((position, value)) }
        }
        return result
    }

    mutating func checkLangString(_ value: JSONValue?, at location: Location, rule: RuleName, uniqueLang: Bool) -> Int {
        guard let value, !value.isNull else { return 0 }
        guard let map = value.objectValue else {
            add(location.path, rule.id(".datatype"), "must be a language map such as {\"en\": \"…\"}, found a JSON \(value.kindName)")
            return 0
        }
        var count = 0
        for member in map {
            let texts = member.value.asArray
            for text in texts where !text.isNull {
                if text.isString {
                    count += 1
                } else {
                    add(location.path.appending(member.key), rule.id(".datatype"), "the \(member.key) text must be a string, found a JSON \(text.kindName)")
                }
            }
            if uniqueLang && texts.filter({ $0.isString }).count > 1 {
                add(location.path.appending(member.key), rule.id(".uniqueLang"), "only one \(member.key) text is allowed" + mergeNote)
            }
            if !isLanguageTag(member.key) {
                add(location.path.appending(member.key), rule.id(".languageTag"), "\"\(member.key)\" is not a BCP 47 language tag")
            }
        }
        return count
    }

    mutating func checkLiteral(_ value: JSONValue, _ datatype: Datatype, at location: Location, rule: RuleName) {
        let ok: Bool
        var shown = ""
        switch value {
        case .string(let text):
            shown = text
            switch datatype {
            case .dateTime: ok = (XSDDateTime(text, syntax: .dateTime) != nil)
            case .duration: ok = LexicalForms.isDuration(text)
            case .string, .anyURI, .anyLiteral: ok = true
            case .boolean: ok = text == "true" || text == "false" || text == "1" || text == "0"
            case .integer: ok = LexicalForms.isInteger(text, positive: false)
            case .positiveInteger: ok = LexicalForms.isInteger(text, positive: true)
            case .decimal: ok = LexicalForms.isDecimal(text)
            }
        case .number(let number):
            shown = number.lexeme
            switch datatype {
            case .integer: ok = number.hasIntegralValue
            case .positiveInteger: ok = number.hasIntegralValue && number.doubleValue > 0
            case .decimal: ok = number.doubleValue.isFinite
            case .anyLiteral: ok = true
            default: ok = false
            }
        case .bool(let bool):
            shown = String(bool)
            ok = datatype == .boolean || datatype == .anyLiteral
        default:
            add(location.path, rule.id(".datatype"), "must be a \(datatype.rawValue) value, found a JSON \(value.kindName)")
            return
        }
        if !ok {
            add(location.path, rule.id(".datatype"), "\"\(shown)\" is not a valid \(datatype.rawValue)\(LexicalForms.example(datatype))")
        }
    }

    mutating func checkNode(_ value: JSONValue, classes: [String], iri: Bool, at location: Location, rule: RuleName) {
        let id: String?
        // Whether the node has one of the classes: of every copy when it has an id (the index saw them all, this
        // one included), else of this object, read in place. Its classes are listed only for a finding.
        let hasClass: Bool
        switch value {
        case .string(let reference):
            id = reference
            hasClass = classes.isEmpty || (nodes[reference]?.types ?? []).contains(where: classes.contains)
        case .object(let object):
            id = object.value(forPlainKey: "id")?.stringValue
            if classes.isEmpty {
                hasClass = true
            } else if let known = id.flatMap({ nodes[$0]?.types }) {
                hasClass = known.contains(where: classes.contains)
            } else {
                hasClass = TypeNames(object).contains(where: classes.contains)
            }
        default:
            add(location.path, rule.id(".class"), "must be an object or an IRI, found a JSON \(value.kindName)")
            return
        }
        if iri && !(id.map(isIRIReference) ?? false) {
            add(location.path, rule.id(".nodeKind"), "must be identified by an IRI (an \"id\")")
        }
        if !hasClass {
            let declared = id.flatMap { nodes[$0]?.types } ?? value.objectValue.map(Walk.types(of:)) ?? []
            let expected = classes.sorted().joined(separator: " or ")
            let found = declared.isEmpty ? "no type" : "type " + Set(declared).sorted().joined(separator: ", ")
            add(location.path, rule.id(".class"), "must be a \(expected), found \(found)")
        }
    }

    mutating func checkConcept(_ value: JSONValue, list: ControlledList?, at location: Location, rule: RuleName, term: String, className: String) {
        checkNode(value, classes: Walk.conceptClass, iri: list != nil, at: location, rule: rule)
        let conceptID: String?
        var schemes: [String] = []
        let node: JSONObject?
        switch value {
        case .string(let reference):
            conceptID = reference
            node = nodes.index(forKey: reference).map { merged(at: $0) }
        case .object(let inline):
            conceptID = inline["id"]?.stringValue
            node = merged(inline)
        default: return
        }
        if let conceptObject = node {
            let schemeValue = conceptObject["inScheme"]
            for (position, scheme) in (schemeValue?.asArray ?? []).enumerated() {
                let schemeIndex = schemeValue?.isArray == true ? position : nil
                switch scheme {
                case .string(let iri):
                    schemes.append(iri)
                    checkSchemeClass(iri: iri, object: nil, at: location, schemeIndex: schemeIndex, rule: rule, restricted: list != nil)
                case .object(let schemeObject):
                    if let iri = schemeObject["id"]?.stringValue { schemes.append(iri) }
                    checkSchemeClass(
                        iri: schemeObject["id"]?.stringValue, object: schemeObject, at: location, schemeIndex: schemeIndex, rule: rule, restricted: list != nil)
                default: break
                }
            }
        }
        guard let list else { return }
        let isESCOSkill = list.scheme == ControlledList.escoSkills.scheme
        if !schemes.contains(list.scheme) {
            let found = schemes.isEmpty ? "no inScheme" : "inScheme " + schemes.joined(separator: ", ")
            add(
                location.path.appending("inScheme"), rule.id(".scheme"),
                "\(term) must be a concept of the \(list.name) list (inScheme \(list.scheme)), found \(found)")
        } else if let conceptID, !list.codes.isEmpty, !list.contains(conceptID) {
            let severity: ProfileFinding.Severity = list.completeness == .complete ? .violation : .warning
            add(
                location.path.appending("id"), "vocabulary.unknownCode",
                "\(conceptID) is not a code of the \(list.name) list (snapshot \(list.version))", severity)
        }
        if isESCOSkill, let conceptID {
            if !isESCOSkillURI(conceptID) {
                add(
                    location.path.appending("id"), "esco.skillURI",
                    "an ESCO skill must be identified as http://data.europa.eu/esco/skill/<uuid>, found \(conceptID)")
            } else if let catalog = validator.escoCatalog, catalog.skill(conceptID) == nil {
                add(location.path.appending("id"), "esco.unknownSkill", "\(conceptID) is not a skill of the ESCO export \(catalog.source)")
            }
        }
    }

    /// The restriction's `sh:nodeKind sh:IRI` on `inScheme` (its class is checked by the Concept shape).
    mutating func checkSchemeClass(
        iri: String?, object: JSONObject?, at location: Location, schemeIndex: Int?, rule: RuleName, restricted: Bool
    ) {
        guard restricted else { return }
        if !(iri.map(isIRIReference) ?? false) {
            let schemePath = location.path.appending("inScheme")
            add(
                schemeIndex.map { schemePath.appending($0) } ?? schemePath, rule.id(".schemeNodeKind"),
                "the concept's inScheme must be identified by an IRI")
        }
    }
}

/// The class names of an object's `type` member, read in place: a name or an array of names (other values are not
/// names). A node has one or a few, and an array of them made for every object was a tenth of the walk.
struct TypeNames: Sequence, IteratorProtocol {
    private let single: String?
    private let names: [JSONValue]
    private var position = 0

    init(_ object: JSONObject) {
        switch object.value(forPlainKey: "type") {
        case .string(let name)?:
            single = name
            names = []
        case .array(let items)?:
            single = nil
            names = items
        default:
            single = nil
            names = []
        }
    }

    mutating func next() -> String? {
        if let single {
            if position > 0 { return nil }
            position = 1
            return single
        }
        while position < names.count {
            position += 1
            if case .string(let name) = names[position - 1] { return name }
        }
        return nil
    }
}

/// `body` on `value` in place: on a dictionary's `[key, default:]` it hashes the key once for both reading and writing.
@inline(__always)
private func modify<Value>(_ value: inout Value, _ body: (inout Value) -> Void) { body(&value) }

/// Whether a JSON-LD `id` denotes an IRI: anything but a blank node identifier (`_:…`); a relative
/// reference resolves against the document's location.
func isIRIReference(_ id: String) -> Bool { !id.hasPrefix("_:") }

func isAbsoluteIRI(_ iri: String) -> Bool {
    // On the contiguous UTF-8 bytes: called for every IRI of every credential; `String.contains(" ")` goes through
    // Foundation, and `utf8.contains` through the view's iterator, a few dozen instructions a byte.
    var iri = iri
    return iri.withUTF8 { utf8 in
        guard let colon = utf8.firstIndex(of: UInt8(ascii: ":")), colon != 0 else { return false }
        for index in 0..<colon {
            let byte = utf8[index]
            let isLetter = (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
            if index == 0 {
                guard isLetter else { return false }
            } else {
                guard
                    isLetter || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                        || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
                else { return false }
            }
        }
        return utf8.firstIndex(of: UInt8(ascii: " ")) == nil
    }
}

/// A language tag's shape: 2–8 ASCII letters, then subtags of 1–8 ASCII letters or digits after each `-`. On UTF-8
/// bytes: every language map key of every credential comes here, and splitting into Characters cost 5 % of the walk.
func isLanguageTag(_ tag: String) -> Bool {
    var subtag = 0  // which subtag the byte is in
    var length = 0  // bytes of the current subtag so far
    for byte in tag.utf8 {
        if byte == UInt8(ascii: "-") {
            guard length >= (subtag == 0 ? 2 : 1) else { return false }
            subtag += 1
            length = 0
            continue
        }
        let isLetter = (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
        let isDigit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
        guard isLetter || (subtag > 0 && isDigit) else { return false }
        length += 1
        guard length <= 8 else { return false }
    }
    return length >= (subtag == 0 ? 2 : 1)
}

/// A shape rule's name, `Class.term`, joined with a suffix into a finding's rule id only when there is a finding.
private struct RuleName {
    let className: String
    let term: String

    /// `Class.term` followed by `suffix` (which starts with a dot).
    func id(_ suffix: String) -> String { className + "." + term + suffix }
}

/// Where a checked value is: the node's path, the member, and the value's position among the member's values
/// (arrays flattened). Turned into a ``JSONPath`` only when a finding names it.
private struct Location {
    let node: JSONPath
    let term: String
    /// The position among the member's non-null values, arrays flattened; nil for the member itself.
    let position: Int?
    /// Where each position is inside the member (an array), worked out once per member on the first finding that
    /// needs it: searching the member again for each finding made a member of n bad values cost n² (8,000: 9 s,
    /// debug build). Nil when the member is not an array: its one value is the member itself.
    let positions: MemberPositions?

    init(node: JSONPath, term: String, member: JSONValue?, position: Int?) {
        self.node = node
        self.term = term
        self.position = position
        self.positions = member.flatMap { $0.isArray ? MemberPositions($0) : nil }
    }

    private init(node: JSONPath, term: String, position: Int?, positions: MemberPositions?) {
        self.node = node
        self.term = term
        self.position = position
        self.positions = positions
    }

    /// The value at `position` among this member's values.
    func element(_ position: Int) -> Location { Location(node: node, term: term, position: position, positions: positions) }

    var path: JSONPath {
        let memberPath = node.appending(term)
        guard let position, let positions, let indices = positions.indices(of: position) else { return memberPath }
        return indices.reduce(memberPath) { $0.appending($1) }
    }
}

/// The array indices that lead to each non-null value of a member, counting as ``Walk/elements(_:)`` flattens
/// (a value that is not an array is position 0, with no index). A class so that the ``Location``s of one
/// member share the table, built at most once.
private final class MemberPositions {
    let member: JSONValue
    private var table: [[Int]]?

    init(_ member: JSONValue) { self.member = member }

    func indices(of position: Int) -> [Int]? {
        if table == nil {
            var built: [[Int]] = []
            var trail: [Int] = []
            Self.collect(member, trail: &trail, into: &built)
            table = built
        }
        guard let table, position < table.count else { return nil }
        return table[position]
    }

    private static func collect(_ value: JSONValue, trail: inout [Int], into table: inout [[Int]]) {
        if let array = value.arrayValue {
            for (index, item) in array.enumerated() {
                trail.append(index)
                collect(item, trail: &trail, into: &table)
                trail.removeLast()
            }
        } else if !value.isNull {
            table.append(trail)
        }
    }
}
