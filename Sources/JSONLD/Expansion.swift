import CredentialJSON

extension Processor {
    @inline(__always)
    func enter() throws(JSONLDError) {
        expansionDepth += 1
        if expansionDepth > repeatedNodes.deepest { repeatedNodes.deepest = expansionDepth }
        if expansionDepth > limits.maxExpansionDepth {
            throw fail(.limitExceeded, "the document nests deeper than the limit of \(limits.maxExpansionDepth)")
        }
    }

    @inline(__always)
    func leave() { expansionDepth -= 1 }

    // MARK: Expansion (spec §5.1)

    /// Expands `element`; nil stands for the spec's null (the element is dropped).
    ///
    /// `definition` is `activeProperty`'s definition in `active` when the caller has already looked it up:
    /// each dictionary lookup hashes the term, and a property's value used to look it up several times.
    func expand(
        _ active: ActiveContext, _ activeProperty: String?, _ element: JSONValue, baseURL: String?,
        fromMap: Bool = false, definition: DefinitionLookup = .unknown
    ) throws(JSONLDError) -> JSONValue? {
        expandedValues += 1
        if expandedValues > limits.maxExpandedValues {
            throw fail(.limitExceeded, "the document has more than \(limits.maxExpandedValues) values to expand")
        }
        switch element {
        case .null:
            return nil
        case .bool, .number, .string:
            guard let activeProperty, activeProperty != "@graph" else {
                try refuseInSafeMode(
                    .safeModeFreeFloatingScalar, "the \(element.kindName) \(Processor.excerpt(element)) is not the value of any property and would be dropped")
                return nil
            }
            let def = definition.resolve(active, activeProperty)
            if let def, let scoped = def.scopedContext {
                let context = try processScoped(active, scoped, baseURL: def.baseURL, overrideProtected: true)
                return try expandValue(context, activeProperty, element)
            }
            return try expandValue(active, activeProperty, element, definition: .known(def))
        case .array(let items):
            try enter()
            defer { leave() }
            var result: [JSONValue] = []
            result.reserveCapacity(items.count)
            let def = definition.resolve(active, activeProperty)
            let isList = def?.container.contains(.list) ?? false
            for (index, item) in items.enumerated() {
                path.append(.index(index))
                defer { path.removeLast() }
                guard
                    let expanded = try expand(
                        active, activeProperty, item, baseURL: baseURL, fromMap: fromMap,
                        definition: .known(def))
                else { continue }
                if case .array(let elements) = expanded {
                    if isList {
                        if mode == .jsonLD10 { throw fail(.listOfLists, "lists of lists need json-ld-1.1") }
                        result.append(.object(["@list": expanded]))
                    } else {
                        result.append(contentsOf: elements)
                    }
                } else {
                    if isList && mode == .jsonLD10, expanded.objectValue?["@list"] != nil {
                        throw fail(.listOfLists, "lists of lists need json-ld-1.1")
                    }
                    result.append(expanded)
                }
            }
            return .array(result)
        case .object(let object):
            try enter()
            defer { leave() }
            return try expandObject(
                active, activeProperty, object, baseURL: baseURL, fromMap: fromMap,
                propertyDefinition: definition.resolve(active, activeProperty))
        }
    }

    /// `Character.isWhitespace` over a string, with a byte scan for ASCII text (typed values' datatype
    /// IRIs), which would otherwise pay for grapheme breaking and a Unicode property lookup per character.
    static func containsWhitespace(_ text: String) -> Bool {
        // On the contiguous bytes: iterating `String.UTF8View` cost some 25 instructions a byte.
        let asciiAnswer = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool? in
            for byte in bytes {
                if byte >= 0x80 { return nil }
                if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) { return true }
            }
            return false
        }
        if let asciiAnswer, let asciiAnswer { return asciiAnswer }
        return text.contains(where: \.isWhitespace)
    }

    static func excerpt(_ value: JSONValue) -> String {
        let text = JSONWriter.string(value)
        return text.count > 40 ? String(text.prefix(40)) + "…" : text
    }

    /// Steps 7 to 12 of node expansion, shared by ``expandObject`` and the streaming conversion
    /// (``streamNode``): the active context after the property-scoped, embedded and type-scoped contexts, and
    /// each key's expansion.
    func prepareNode(
        _ activeIn: ActiveContext, _ element: JSONObject, baseURL: String?, fromMap: Bool,
        propertyDefinition: TermDefinition?
    ) throws(JSONLDError) -> PreparedNode {
        var active = activeIn
        // The member loops index a local copy of the members: iterating the object copied each member out (a retain
        // and a release of its key and of its value; 1.6 % of canonicalizing vc2-large's instructions).
        let members = element.members
        // Step 7: a non-propagated (type-scoped) context does not apply to new node objects.
        if let previous = active.previous, !fromMap {
            var revert = true
            for index in members.indices {
                let expandedKey = keyMemo.lookup(active, members[index].key, mode: .key).keyword
                if expandedKey == "@value" || (element.count == 1 && expandedKey == "@id") {
                    revert = false
                    break
                }
            }
            if revert { active = previous.context }
        }
        if let def = propertyDefinition, let scoped = def.scopedContext {
            active = try processScoped(active, scoped, baseURL: def.baseURL, overrideProtected: true)
        }
        if let local = element.value(forPlainKey: "@context") {
            path.append(.key("@context"))
            active = try processContext(active, local, baseURL: baseURL)
            path.removeLast()
        }
        let typeScoped = active
        // The members whose keys expand to @type; almost always one, which stays out of an array.
        var firstTypeMember: JSONObject.Member?
        var moreTypeMembers: [JSONObject.Member] = []
        // Each key's expansion in this context, in member order: expandEntries reuses them when no
        // type-scoped context changes the context.
        var expandedKeys: [ExpandedKey] = []
        expandedKeys.reserveCapacity(element.count)
        for index in members.indices {
            let expandedKey = keyMemo.lookup(active, members[index].key, mode: .key)
            expandedKeys.append(expandedKey)
            // Lengths first (a keyword equals no other spelling, see `JSONObject.value(forPlainKey:)`): most
            // keys are longer, and comparing unequal strings is a call.
            if (members[index].key.utf8.count == 5 && members[index].key == "@type") || expandedKey.keyword == "@type" {
                if firstTypeMember == nil { firstTypeMember = members[index] } else { moreTypeMembers.append(members[index]) }
            }
        }
        var inputType: String?
        if let firstTypeMember {
            // Type-scoped contexts apply in lexicographic order of the keys, then of the types.
            func applyTypeScopedContext(of term: String, key: String) throws(JSONLDError) {
                if let def = keyMemo.lookup(typeScoped, term, mode: .typeValue).definition, let scoped = def.scopedContext {
                    path.append(.key(key))
                    active = try processScoped(active, scoped, baseURL: def.baseURL, propagate: false)
                    path.removeLast()
                }
            }
            func applyTypeScopedContexts(_ member: JSONObject.Member) throws(JSONLDError) {
                switch member.value {
                case .string(let term):
                    try applyTypeScopedContext(of: term, key: member.key)
                case .array(let items):
                    var terms = items.compactMap(\.stringValue)
                    if terms.count > 1 { terms.sort() }
                    for term in terms { try applyTypeScopedContext(of: term, key: member.key) }
                default:
                    return
                }
            }
            var firstKeyMember = firstTypeMember
            if moreTypeMembers.isEmpty {
                try applyTypeScopedContexts(firstTypeMember)
            } else {
                moreTypeMembers.append(firstTypeMember)
                moreTypeMembers.sort { $0.key < $1.key }
                firstKeyMember = moreTypeMembers[0]
                for member in moreTypeMembers { try applyTypeScopedContexts(member) }
            }
            var lastType: String?
            switch firstKeyMember.value {
            case .string(let type): lastType = type
            case .array(let items): lastType = items.last?.stringValue
            default: break
            }
            if let lastType { inputType = keyMemo.lookup(active, lastType, mode: .key).iri }
        }
        return PreparedNode(
            active: active, typeScoped: typeScoped, keysInTypeScoped: expandedKeys, inputType: inputType,
            typeMembers: firstTypeMember == nil ? 0 : max(1, moreTypeMembers.count))
    }

    func expandObject(
        _ activeIn: ActiveContext, _ activeProperty: String?, _ element: JSONObject,
        baseURL: String?, fromMap: Bool, propertyDefinition: TermDefinition?
    ) throws(JSONLDError) -> JSONValue? {
        let prepared = try prepareNode(activeIn, element, baseURL: baseURL, fromMap: fromMap, propertyDefinition: propertyDefinition)
        return try expandObject(prepared, activeProperty, element, baseURL: baseURL)
    }

    /// Steps 13 to 20 of node expansion, for `element` as ``prepareNode`` prepared it (the streaming conversion
    /// expands a node it does not take from here, without preparing it twice).
    func expandObject(
        _ prepared: PreparedNode, _ activeProperty: String?, _ element: JSONObject, baseURL: String?
    ) throws(JSONLDError) -> JSONValue? {
        var result = JSONObject()
        result.reserveCapacity(element.count)
        var resultKeysASCII = true
        try expandEntries(
            active: prepared.active, typeScoped: prepared.typeScoped, activeProperty: activeProperty, element: element,
            expandedKeys: prepared.keys, inputType: prepared.inputType, baseURL: baseURL, result: &result,
            resultKeysASCII: &resultKeysASCII)

        // One pass over the members finds the keywords the checks below ask about (each lookup by key
        // was a scan of its own).
        let keys = ResultKeywords(result)
        let final: JSONValue
        if let value = keys.value(in: result) {
            if let key = keys.firstNotInValueObject(in: result) {
                throw fail(.invalidValueObject, "a value object cannot contain \"\(key)\"")
            }
            let typeValue = keys.type(in: result)
            if typeValue != nil && (keys.hasLanguage || keys.hasDirection) {
                throw fail(.invalidValueObject, "a value object cannot have both @type and @language or @direction")
            }
            if typeValue == .string("@json") {
                // Any JSON is a valid JSON literal.
            } else if value == .null || value == .array([]) {
                try refuseInSafeMode(.safeModeNullValue, "a value object whose @value is null would be dropped")
                return nil
            } else if !value.isString && keys.hasLanguage {
                throw fail(.invalidLanguageTaggedValue, "only strings can have a language, not \(value.kindName)")
            } else if let typeValue {
                guard case .string(let ts) = typeValue, IRI.isAbsolute(ts), !Processor.containsWhitespace(ts) else {
                    throw fail(.invalidTypedValue, "the @type of a value object must be one absolute IRI, not \(Processor.excerpt(typeValue))")
                }
            }
            final = .object(result)
        } else if let typeValue = keys.type(in: result), !typeValue.isArray {
            result["@type"] = .array([typeValue])
            final = .object(result)
        } else if keys.setPosition != nil || keys.hasList {
            guard result.count == 1 || (result.count == 2 && keys.hasIndex) else {
                throw fail(.invalidSetOrListObject, "a @set or @list object may only have @index besides it")
            }
            if let set = keys.set(in: result) {
                // The @set value replaces the object: the checks below look at it instead.
                return try checkDropped(set, activeProperty: activeProperty)
            }
            final = .object(result)
        } else {
            final = .object(result)
        }
        // `final` is `result`, whose keywords `keys` found (replacing @type's value kept them).
        if result.count == 1, keys.hasLanguage {
            try refuseInSafeMode(.safeModeObjectWithOnlyLanguage, "an object with only @language would be dropped")
            return nil
        }
        if activeProperty == nil || activeProperty == "@graph" {
            if result.isEmpty {
                try refuseInSafeMode(.safeModeEmptyObject, "an empty object outside any property would be dropped")
                return nil
            }
            if keys.valuePosition != nil || keys.hasList {
                try refuseInSafeMode(
                    .safeModeFreeFloatingValue, "a \(keys.valuePosition != nil ? "value" : "list") object outside any property would be dropped")
                return nil
            }
            if result.count == 1, keys.hasID {
                try refuseInSafeMode(.safeModeObjectWithOnlyId, "a node with only @id outside any property would be dropped")
                return nil
            }
        }
        return final
    }

    /// The last checks of step 20 on an expanded `@set` value, which replaces its object: the plain version
    /// of the checks ``expandObject`` makes with ``ResultKeywords``.
    private func checkDropped(_ final: JSONValue, activeProperty: String?) throws(JSONLDError) -> JSONValue? {
        if case .object(let object) = final, object.count == 1, object["@language"] != nil {
            try refuseInSafeMode(.safeModeObjectWithOnlyLanguage, "an object with only @language would be dropped")
            return nil
        }
        if activeProperty == nil || activeProperty == "@graph", case .object(let object) = final {
            if object.isEmpty {
                try refuseInSafeMode(.safeModeEmptyObject, "an empty object outside any property would be dropped")
                return nil
            }
            if object["@value"] != nil || object["@list"] != nil {
                try refuseInSafeMode(.safeModeFreeFloatingValue, "a \(object["@value"] != nil ? "value" : "list") object outside any property would be dropped")
                return nil
            }
            if object.count == 1, object["@id"] != nil {
                try refuseInSafeMode(.safeModeObjectWithOnlyId, "a node with only @id outside any property would be dropped")
                return nil
            }
        }
        return final
    }

    @inline(__always)
    static func isValueOrList(_ value: JSONValue) -> Bool {
        guard case .object(let object) = value else { return false }
        return object["@value"] != nil || object["@list"] != nil
    }

    static func isGraphObject(_ value: JSONValue) -> Bool {
        guard case .object(let object) = value, object["@graph"] != nil else { return false }
        return object.keys.allSatisfy { $0 == "@graph" || $0 == "@id" || $0 == "@index" || $0 == "@context" }
    }

    /// Steps 13 and 14 of the expansion algorithm; recursive for `@nest`.
    ///
    /// `expandedKeys`, when given, holds each member's ``ExpandedKey`` in `active`, in member order.
    /// `resultKeysASCII` stays true while every key of `result` is known to be ASCII (keywords and ASCII
    /// IRIs), which lets a property be merged with a search that compares lengths first.
    private func expandEntries(
        active: ActiveContext, typeScoped: ActiveContext, activeProperty: String?,
        element: JSONObject, expandedKeys: [ExpandedKey]?, inputType: String?, baseURL: String?,
        result: inout JSONObject, resultKeysASCII: inout Bool
    ) throws(JSONLDError) {
        var nests: [String] = []
        for (position, (key, value)) in element.enumerated() {
            if key.utf8.count == 8 && key == "@context" { continue }
            path.append(.key(key))
            defer { path.removeLast() }
            let expandedKey = expandedKeys?[position] ?? keyMemo.lookup(active, key, mode: .key)
            let def = expandedKey.definition
            guard let expandedProperty = expandedKey.iri, expandedKey.hasColon || expandedKey.isKeyword else {
                try refuseInSafeMode(.safeModeDroppedTerm, "\"\(key)\" is not defined by the context and is not an absolute IRI; its value would be dropped")
                continue
            }
            if expandedKey.isKeyword {
                if activeProperty == "@reverse" {
                    throw fail(.invalidReversePropertyMap, "a @reverse map cannot contain the keyword \(expandedProperty)")
                }
                // A keyword has no other canonically equivalent spelling: the search compares lengths first.
                let existing = result.value(forPlainKey: expandedProperty)
                if existing != nil
                    && !(mode != .jsonLD10 && (expandedProperty == "@included" || expandedProperty == "@type"))
                {
                    throw fail(.collidingKeywords, "\(expandedProperty) appears more than once (through aliases)")
                }
                var expandedValue: JSONValue?
                switch expandedProperty {
                case "@id":
                    guard case .string(let id) = value else {
                        throw fail(.invalidIdValue, "@id must be a string, not \(value.kindName)")
                    }
                    if let expandedID = expandIRI(active, id, documentRelative: true) {
                        if !IRI.isAbsolute(expandedID) && !IRI.isBlankNode(expandedID) {
                            try refuseInSafeMode(.safeModeRelativeId, "@id \"\(id)\" stays a relative IRI because there is no base IRI")
                        }
                        expandedValue = .string(expandedID)
                    } else {
                        try refuseInSafeMode(.safeModeReservedId, "@id \"\(id)\" has the form of a keyword and would be dropped")
                        expandedValue = .null
                    }
                case "@type":
                    if case .string(let typeName) = value, existing == nil {
                        // One type, the usual case: no arrays for the names and their expansions.
                        guard let expandedType = try expandTypeName(typeName, typeScoped) else { continue }
                        expandedValue = .string(expandedType)
                        break
                    }
                    var strings: [String] = []
                    let isArray: Bool
                    switch value {
                    case .string(let typeName):
                        strings = [typeName]
                        isArray = false
                    case .array(let items):
                        for item in items {
                            guard case .string(let typeName) = item else {
                                throw fail(.invalidTypeValue, "@type values must be strings, not \(item.kindName)")
                            }
                            strings.append(typeName)
                        }
                        isArray = true
                    default:
                        throw fail(.invalidTypeValue, "@type must be a string or an array of strings, not \(value.kindName)")
                    }
                    var expanded: [JSONValue] = []
                    expanded.reserveCapacity(strings.count)
                    for typeName in strings {
                        guard let expandedType = try expandTypeName(typeName, typeScoped) else { continue }
                        expanded.append(.string(expandedType))
                    }
                    if let existing {
                        expandedValue = .array(existing.asArray + expanded)
                    } else if isArray {
                        expandedValue = .array(expanded)
                    } else {
                        expandedValue = expanded.first
                    }
                case "@graph":
                    let graph = try expand(active, "@graph", value, baseURL: baseURL)
                    expandedValue = .array(graph?.asArray ?? [])
                case "@included":
                    if mode == .jsonLD10 { continue }
                    let included = try expand(active, "@included", value, baseURL: baseURL)?.asArray ?? []
                    for item in included {
                        guard case .object(let object) = item, object["@value"] == nil, object["@list"] == nil, object["@set"] == nil else {
                            throw fail(.invalidIncludedValue, "@included values must be node objects")
                        }
                    }
                    expandedValue = .array((result["@included"]?.asArray ?? []) + included)
                case "@value":
                    if inputType == "@json" {
                        if mode == .jsonLD10 {
                            throw fail(.invalidValueObjectValue, "JSON literals need json-ld-1.1")
                        }
                        expandedValue = value
                    } else {
                        switch value {
                        case .object, .array:
                            throw fail(.invalidValueObjectValue, "@value must be a string, number, boolean or null, not \(value.kindName)")
                        case .null:
                            result["@value"] = .null
                            continue
                        default:
                            expandedValue = value
                        }
                    }
                case "@language":
                    guard case .string(let languageTag) = value else {
                        throw fail(.invalidLanguageTaggedString, "@language must be a string, not \(value.kindName)")
                    }
                    if !Keywords.isWellFormedLanguageTag(languageTag) {
                        try refuseInSafeMode(.safeModeInvalidLanguage, "\"\(languageTag)\" is not a well-formed BCP 47 language tag")
                    }
                    expandedValue = value
                case "@direction":
                    if mode == .jsonLD10 { continue }
                    guard value == .string("ltr") || value == .string("rtl") else {
                        throw fail(.invalidBaseDirection, "@direction must be \"ltr\" or \"rtl\"")
                    }
                    expandedValue = value
                case "@index":
                    guard value.isString else {
                        throw fail(.invalidIndexValue, "@index must be a string, not \(value.kindName)")
                    }
                    expandedValue = value
                case "@list":
                    guard let activeProperty, activeProperty != "@graph" else {
                        try refuseInSafeMode(.safeModeFreeFloatingValue, "a list outside any property would be dropped")
                        continue
                    }
                    let expandedValues = try expand(active, activeProperty, value, baseURL: baseURL)
                    let items = expandedValues?.asArray ?? []
                    if mode == .jsonLD10, items.contains(where: { $0.objectValue?["@list"] != nil }) {
                        throw fail(.listOfLists, "lists of lists need json-ld-1.1")
                    }
                    expandedValue = .array(items)
                case "@set":
                    expandedValue = try expand(active, activeProperty, value, baseURL: baseURL)
                case "@reverse":
                    guard case .object = value else {
                        throw fail(.invalidReverseValue, "@reverse must be an object, not \(value.kindName)")
                    }
                    guard case .object(let expandedValues)? = try expand(active, "@reverse", value, baseURL: baseURL) else { continue }
                    if case .object(let doubleReversed)? = expandedValues["@reverse"] {
                        for (property, items) in doubleReversed {
                            result.append(contentsOf: items.asArray, toArrayAt: property)
                        }
                        // Keys not checked for ASCII: later merges into this node search the plain way.
                        resultKeysASCII = false
                    }
                    if expandedValues.keys.contains(where: { $0 != "@reverse" }) {
                        var reverseMap = result.removeValue(forKey: "@reverse")?.objectValue ?? JSONObject()
                        for (property, items) in expandedValues where property != "@reverse" {
                            let list = items.asArray
                            for item in list where Processor.isValueOrList(item) {
                                throw fail(.invalidReversePropertyValue, "a reverse property value must be a node object")
                            }
                            reverseMap.append(contentsOf: list, toArrayAt: property)
                        }
                        result["@reverse"] = .object(reverseMap)
                    }
                    continue
                case "@nest":
                    nests.append(key)
                    continue
                default:
                    break
                }
                if let expandedValue { result[expandedProperty] = expandedValue }
                continue
            }

            if (safeMode || options.warningHandler != nil) && !expandedKey.isAbsoluteOrBlank {
                try refuseInSafeMode(.safeModeDroppedTerm, "\"\(key)\" expands to \"\(expandedProperty)\", which is not an absolute IRI")
            }
            guard let ev = try expandPropertyValue(active: active, key: key, value: value, definition: def, baseURL: baseURL) else { continue }
            if def?.isReverse == true {
                var reverseMap = result.removeValue(forKey: "@reverse")?.objectValue ?? JSONObject()
                let list = ev.asArray
                for item in list where Processor.isValueOrList(item) {
                    throw fail(.invalidReversePropertyValue, "a reverse property value must be a node object")
                }
                reverseMap.append(contentsOf: list, toArrayAt: expandedProperty)
                result["@reverse"] = .object(reverseMap)
            } else if resultKeysASCII && expandedKey.isASCII {
                result.append(contentsOf: ev.asArray, toArrayAtASCIIKey: expandedProperty)
            } else {
                result.append(contentsOf: ev.asArray, toArrayAt: expandedProperty)
                if !expandedKey.isASCII { resultKeysASCII = false }
            }
        }

        for nestKey in nests {
            path.append(.key(nestKey))
            defer { path.removeLast() }
            for (index, nested) in (element[nestKey] ?? .null).asArray.enumerated() {
                path.append(.index(index))
                defer { path.removeLast() }
                guard case .object(let nestedObject) = nested,
                    !nestedObject.keys.contains(where: { keyMemo.lookup(active, $0, mode: .key).keyword == "@value" })
                else {
                    throw fail(.invalidNestValue, "a @nest value must be an object that is not a value object")
                }
                var nestedActive = active
                if let def = active.definition(nestKey), let scoped = def.scopedContext {
                    nestedActive = try processScoped(active, scoped, baseURL: def.baseURL, overrideProtected: true)
                }
                try expandEntries(
                    active: nestedActive, typeScoped: typeScoped, activeProperty: nestKey,
                    element: nestedObject, expandedKeys: nil, inputType: inputType, baseURL: baseURL, result: &result,
                    resultKeysASCII: &resultKeysASCII)
            }
        }
    }

    /// A property's value expanded as steps 13.7 to 13.12 do for a member that is not a keyword: language,
    /// index, id and type maps, `@json`, and the `@list` and `@graph` containers (nil when it is dropped). Shared
    /// by ``expandEntries`` and the streaming conversion, which takes this path for every property that is not
    /// plain.
    func expandPropertyValue(
        active: ActiveContext, key: String, value: JSONValue, definition def: TermDefinition?, baseURL: String?
    ) throws(JSONLDError) -> JSONValue? {
        let container = def?.container ?? []
        var expandedValue: JSONValue?
        if def?.typeMapping == "@json" {
            expandedValue = .object(["@value": value, "@type": "@json"])
        } else if container.contains(.language), case .object(let map) = value {
            var out: [JSONValue] = []
            let direction = def?.hasDirectionMapping == true ? def?.direction : active.defaultBaseDirection
            for (language, languageValue) in map {
                path.append(.key(language))
                defer { path.removeLast() }
                for item in languageValue.asArray {
                    if item == .null { continue }
                    guard item.isString else {
                        throw fail(.invalidLanguageMapValue, "language map values must be strings, not \(item.kindName)")
                    }
                    var valueObject: JSONObject = ["@value": item]
                    if language != "@none" && expandIRI(active, language, vocab: true) != "@none" {
                        if !Keywords.isWellFormedLanguageTag(language) {
                            try refuseInSafeMode(.safeModeInvalidLanguage, "\"\(language)\" is not a well-formed BCP 47 language tag")
                        }
                        valueObject["@language"] = .string(language)
                    }
                    if let direction { valueObject["@direction"] = .string(direction) }
                    out.append(.object(valueObject))
                }
            }
            expandedValue = .array(out)
        } else if !container.isDisjoint(with: [.index, .type, .id]), case .object(let map) = value {
            expandedValue = .array(
                try expandMap(
                    active: active, key: key, definition: def, container: container,
                    map: map, baseURL: baseURL))
        } else {
            expandedValue = try expand(active, key, value, baseURL: baseURL, definition: .known(def))
        }
        guard var ev = expandedValue else { return nil }
        if container.contains(.list) {
            var isList = false
            if case .object(let object) = ev, object["@list"] != nil { isList = true }
            if !isList { ev = .object(["@list": .array(ev.asArray)]) }
        }
        if container.contains(.graph) && !container.contains(.id) && !container.contains(.index) {
            ev = .array(ev.asArray.map { .object(["@graph": .array($0.asArray)]) })
        }
        return ev
    }

    /// One `@type` value's expansion (step 13.4.4.4), nil when it is dropped.
    @inline(__always)
    func expandTypeName(_ typeName: String, _ typeScoped: ActiveContext) throws(JSONLDError) -> String? {
        let expandedTypeName = keyMemo.lookup(typeScoped, typeName, mode: .typeValue)
        guard let expandedType = expandedTypeName.iri else {
            try refuseInSafeMode(.safeModeReservedType, "@type \"\(typeName)\" has the form of a keyword and would be dropped")
            return nil
        }
        if !expandedTypeName.isAbsoluteOrBlank && !expandedTypeName.isKeyword {
            try refuseInSafeMode(
                .safeModeRelativeType, "@type \"\(typeName)\" is not defined by the context and expands to the relative IRI \"\(expandedType)\""
            )
        }
        return expandedType
    }

    /// Step 13.8: index, id and type maps.
    private func expandMap(
        active: ActiveContext, key: String, definition: TermDefinition?, container: ContainerSet,
        map: JSONObject, baseURL: String?
    ) throws(JSONLDError) -> [JSONValue] {
        var out: [JSONValue] = []
        let indexKey = definition?.indexMapping ?? "@index"
        for (index, indexValue) in map {
            path.append(.key(index))
            defer { path.removeLast() }
            var mapContext = active
            if container.contains(.id) || container.contains(.type) {
                mapContext = active.previousContext ?? active
            }
            if container.contains(.type), let def = mapContext.definition(index), let scoped = def.scopedContext {
                mapContext = try processScoped(mapContext, scoped, baseURL: def.baseURL)
            }
            let expandedIndex = expandIRI(active, index, vocab: true)
            guard let items = try expand(mapContext, key, .array(indexValue.asArray), baseURL: baseURL, fromMap: true) else {
                continue
            }
            for var item in items.asArray {
                if container.contains(.graph) && !Processor.isGraphObject(item) {
                    item = .object(["@graph": .array(item.asArray)])
                }
                guard case .object(var object) = item else {
                    out.append(item)
                    continue
                }
                if container.contains(.index) && indexKey != "@index" && expandedIndex != "@none" {
                    let reExpanded = try expandValue(active, indexKey, .string(index))
                    guard let expandedIndexKey = expandIRI(active, indexKey, vocab: true) else {
                        throw fail(.invalidTermDefinition, "the @index property \"\(indexKey)\" does not expand to an IRI")
                    }
                    let values = [reExpanded] + (object.removeValue(forKey: expandedIndexKey)?.asArray ?? [])
                    object[expandedIndexKey] = .array(values)
                    if object["@value"] != nil {
                        throw fail(.invalidValueObject, "a value in a property-valued index map cannot get the index property")
                    }
                } else if container.contains(.index) && object["@index"] == nil && expandedIndex != "@none" {
                    object["@index"] = .string(index)
                } else if container.contains(.id) && object["@id"] == nil && expandedIndex != "@none" {
                    if let expandedIndex = expandIRI(active, index, documentRelative: true) {
                        if !IRI.isAbsolute(expandedIndex) && !IRI.isBlankNode(expandedIndex) {
                            try refuseInSafeMode(.safeModeRelativeId, "the id map key \"\(index)\" stays a relative IRI because there is no base IRI")
                        }
                        object["@id"] = .string(expandedIndex)
                    } else {
                        try refuseInSafeMode(.safeModeReservedId, "the id map key \"\(index)\" has the form of a keyword and would be dropped")
                    }
                } else if container.contains(.type), let expandedIndex, expandedIndex != "@none" {
                    if !IRI.isAbsolute(expandedIndex) && !IRI.isBlankNode(expandedIndex) {
                        try refuseInSafeMode(.safeModeRelativeType, "the type map key \"\(index)\" expands to the relative IRI \"\(expandedIndex)\"")
                    }
                    let types = [JSONValue.string(expandedIndex)] + (object.removeValue(forKey: "@type")?.asArray ?? [])
                    object["@type"] = .array(types)
                }
                out.append(.object(object))
            }
        }
        return out
    }

    // MARK: Value expansion (spec §5.3)

    func expandValue(
        _ active: ActiveContext, _ property: String, _ value: JSONValue,
        definition: DefinitionLookup = .unknown
    ) throws(JSONLDError) -> JSONValue {
        let def = definition.resolve(active, property)
        if case .string(let reference) = value, let typeMapping = def?.typeMapping,
            typeMapping == "@id" || typeMapping == "@vocab"
        {
            let expandedIRI = expandIRI(active, reference, documentRelative: true, vocab: typeMapping == "@vocab")
            if let expandedIRI {
                if !IRI.isAbsolute(expandedIRI) && !IRI.isBlankNode(expandedIRI) {
                    try refuseInSafeMode(.safeModeRelativeId, "\"\(reference)\" is an IRI reference that stays relative because there is no base IRI")
                }
                return .object(JSONObject(uniqueMembers: [(key: "@id", value: .string(expandedIRI))]))
            }
            try refuseInSafeMode(.safeModeReservedId, "\"\(reference)\" has the form of a keyword and would be dropped")
            return .object(["@id": .null])
        }
        // Built as a member list: the keys are distinct, so no per-key search is needed.
        var members: [JSONObject.Member] = [(key: "@value", value: value)]
        if let typeMapping = def?.typeMapping, typeMapping != "@id", typeMapping != "@vocab", typeMapping != "@none" {
            members.append((key: "@type", value: .string(typeMapping)))
        } else if value.isString {
            let language = def?.hasLanguageMapping == true ? def?.language : active.defaultLanguage
            let direction = def?.hasDirectionMapping == true ? def?.direction : active.defaultBaseDirection
            if let language { members.append((key: "@language", value: .string(language))) }
            if let direction { members.append((key: "@direction", value: .string(direction))) }
        }
        return .object(JSONObject(uniqueMembers: members))
    }
}

/// The keywords among an expanded object's keys, found in one pass: what step 20 of the expansion
/// algorithm checks (value objects, `@set`/`@list` objects, objects that would be dropped).
///
/// It holds positions in the object's members, not values or keys: with only trivial fields, making,
/// copying and dropping one retains and releases nothing.
struct ResultKeywords {
    var valuePosition: Int?
    var typePosition: Int?
    var setPosition: Int?
    var hasList = false
    var hasIndex = false
    var hasLanguage = false
    var hasDirection = false
    var hasID = false
    /// The position of the first key, in member order, that a value object may not have (anything but
    /// `@direction`, `@index`, `@language`, `@type` and `@value`).
    var firstNotInValueObjectPosition: Int?

    init(_ object: JSONObject) {
        object.members.withUnsafeBufferPointer { members in
            for position in members.indices {
                // Keys that are not keywords are IRIs or blank nodes: one byte tells them apart, and the
                // length (no keyword here is longer than 10 bytes) most of them without reading a byte.
                guard members[position].key.utf8.count <= 10, members[position].key.utf8.first == UInt8(ascii: "@") else {
                    if firstNotInValueObjectPosition == nil { firstNotInValueObjectPosition = position }
                    continue
                }
                let key = members[position].key
                // By length first: a keyword compared with a string of another length still costs a call.
                var allowedInValueObject = false
                switch key.utf8.count {
                case 3: if key == "@id" { hasID = true }
                case 4: if key == "@set" { setPosition = position }
                case 5:
                    if key == "@type" {
                        typePosition = position
                        allowedInValueObject = true
                    } else if key == "@list" {
                        hasList = true
                    }
                case 6:
                    if key == "@value" {
                        valuePosition = position
                        allowedInValueObject = true
                    } else if key == "@index" {
                        hasIndex = true
                        allowedInValueObject = true
                    }
                case 9:
                    if key == "@language" {
                        hasLanguage = true
                        allowedInValueObject = true
                    }
                case 10:
                    if key == "@direction" {
                        hasDirection = true
                        allowedInValueObject = true
                    }
                default: break
                }
                if !allowedInValueObject && firstNotInValueObjectPosition == nil { firstNotInValueObjectPosition = position }
            }
        }
    }

    /// The values and key the positions name, in `object` (the one scanned, or a copy whose members only
    /// had values replaced).
    func value(in object: JSONObject) -> JSONValue? { valuePosition.map { object.members[$0].value } }
    func type(in object: JSONObject) -> JSONValue? { typePosition.map { object.members[$0].value } }
    func set(in object: JSONObject) -> JSONValue? { setPosition.map { object.members[$0].value } }
    func firstNotInValueObject(in object: JSONObject) -> String? { firstNotInValueObjectPosition.map { object.members[$0].key } }
}

/// A property's term definition, when the caller already has it (``Processor/expand(_:_:_:baseURL:fromMap:definition:)``).
enum DefinitionLookup {
    case unknown
    /// The definition of the property in the same active context (nil: the term has none).
    case known(TermDefinition?)

    @inline(__always)
    func resolve(_ active: ActiveContext, _ property: String?) -> TermDefinition? {
        switch self {
        case .known(let definition): return definition
        case .unknown: return property.flatMap { active.definition($0) }
        }
    }
}
