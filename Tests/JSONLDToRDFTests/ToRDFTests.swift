import CredentialJSON
import RDF
import RDFCanonicalization
import Testing

@testable import JSONLDToRDF

/// Expanded JSON-LD text to a dataset, rendered as sorted N-Quads-like lines for comparison.
private func quads(_ expandedJSON: String, _ options: ToRDFOptions = ToRDFOptions(safeMode: false)) throws -> [String] {
    let value = try JSONParser.parse(expandedJSON)
    let dataset = try RDFConversion.toRDF(expanded: value.asArray, options: options)
    return dataset.quads.map(render).sorted()
}

private func render(_ q: RDFQuad) -> String {
    var parts = [term(q.subject), term(q.predicate), term(q.object)]
    if let g = q.graph { parts.append(term(g)) }
    return parts.joined(separator: " ")
}

private func term(_ t: RDFTerm) -> String {
    switch t {
    case .iri(let s): return "<\(s)>"
    case .blankNode(let s): return "_:\(s)"
    case .literal(let l):
        if let lang = l.language { return "\"\(l.lexicalForm)\"@\(lang)" }
        if l.datatype == RDFVocabulary.xsdString { return "\"\(l.lexicalForm)\"" }
        return "\"\(l.lexicalForm)\"^^<\(l.datatype)>"
    }
}

private func toRDFError(_ expandedJSON: String, _ options: ToRDFOptions = ToRDFOptions()) throws -> JSONLDToRDFError? {
    let value = try JSONParser.parse(expandedJSON)
    do {
        _ = try RDFConversion.toRDF(expanded: value.asArray, options: options)
        return nil
    } catch {
        return error
    }
}

private let xsd = "http://www.w3.org/2001/XMLSchema#"
private let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

@Suite struct NodeMapAndTriples {
    @Test func plainLiteralAndIRIObjectBecomeTriples() throws {
        let out = try quads(
            #"""
            [{"@id": "http://ex/s", "http://ex/name": [{"@value": "Ann"}], "http://ex/knows": [{"@id": "http://ex/o"}]}]
            """#)
        #expect(
            out == [
                "<http://ex/s> <http://ex/knows> <http://ex/o>",
                "<http://ex/s> <http://ex/name> \"Ann\"",
            ])
    }

    @Test func blankNodesAreRelabelledInDocumentOrder() throws {
        let out = try quads(
            #"""
            [{"@id": "_:x", "@type": ["_:t"], "http://ex/p": [{"@id": "_:y"}, {"http://ex/q": [{"@value": "v"}]}]}]
            """#)
        // _:x → b0, _:t → b1, _:y → b2, the anonymous node → b3.
        #expect(
            out == [
                "_:b0 <http://ex/p> _:b2",
                "_:b0 <http://ex/p> _:b3",
                "_:b0 <\(rdf)type> _:b1",
                "_:b3 <http://ex/q> \"v\"",
            ])
    }

    @Test func sameBlankNodeLabelIsOneNodeAcrossTheDocument() throws {
        let out = try quads(
            #"""
            [{"@id": "_:a", "http://ex/p": [{"@id": "_:b"}]}, {"@id": "_:b", "http://ex/p": [{"@id": "_:a"}]}]
            """#)
        #expect(out == ["_:b0 <http://ex/p> _:b1", "_:b1 <http://ex/p> _:b0"])
    }

    @Test func duplicateValuesCollapseToOneTriple() throws {
        let out = try quads(
            #"""
            [{"@id": "http://ex/s", "http://ex/p": [{"@value": "v"}, {"@value": "v"}]},
             {"@id": "http://ex/s", "http://ex/p": [{"@value": "v"}]}]
            """#)
        #expect(out == ["<http://ex/s> <http://ex/p> \"v\""])
    }

    @Test func namedGraphsGetTheirNodesQuads() throws {
        let out = try quads(
            #"""
            [{"@id": "http://ex/g", "http://ex/p": [{"@value": "outer"}],
              "@graph": [{"@id": "http://ex/s", "http://ex/q": [{"@value": "inner"}]}]},
             {"@id": "_:bg", "@graph": [{"@id": "http://ex/s", "http://ex/q": [{"@value": "blank"}]}]}]
            """#)
        #expect(
            out == [
                "<http://ex/g> <http://ex/p> \"outer\"",
                "<http://ex/s> <http://ex/q> \"blank\" _:b0",
                "<http://ex/s> <http://ex/q> \"inner\" <http://ex/g>",
            ])
    }

    @Test func reversePropertiesPointFromTheReferencingNode() throws {
        let out = try quads(
            #"""
            [{"@id": "http://ex/homer", "@reverse": {"http://ex/parent": [{"@id": "http://ex/bart", "http://ex/name": [{"@value": "Bart"}]}]}}]
            """#)
        #expect(
            out == [
                "<http://ex/bart> <http://ex/name> \"Bart\"",
                "<http://ex/bart> <http://ex/parent> <http://ex/homer>",
            ])
    }

    @Test func includedNodesJoinTheSameGraph() throws {
        let out = try quads(
            #"""
            [{"@id": "http://ex/s", "@included": [{"@id": "http://ex/i", "http://ex/p": [{"@value": "x"}]}]}]
            """#)
        #expect(out == ["<http://ex/i> <http://ex/p> \"x\""])
    }

    @Test func conflictingIndexesAreAnError() throws {
        let error = try toRDFError(
            #"""
            [{"@id": "http://ex/s", "@index": "a", "http://ex/p": [{"@value": "1"}]}, {"@id": "http://ex/s", "@index": "b"}]
            """#, ToRDFOptions(safeMode: false))
        #expect(error?.code == .conflictingIndexes)
    }

    @Test func nonExpandedInputIsRejectedNotTrapped() throws {
        #expect(try toRDFError(#"[{"@id": 5}]"#)?.code == .invalidExpandedInput)
        #expect(try toRDFError(#"["plain"]"#)?.code == .invalidExpandedInput)
        #expect(try toRDFError(#"[{"@id": "http://ex/s", "http://ex/p": [{"@value": {"a": 1}}]}]"#)?.code == .invalidExpandedInput)
    }
}

@Suite struct Lists {
    @Test func emptyListIsRDFNil() throws {
        let out = try quads(#"[{"@id": "http://ex/s", "http://ex/p": [{"@list": []}]}]"#)
        #expect(out == ["<http://ex/s> <http://ex/p> <\(rdf)nil>"])
    }

    @Test func listBecomesFirstRestChainWithFreshBlankNodes() throws {
        let out = try quads(
            #"""
            [{"@id": "http://ex/s", "http://ex/p": [{"@list": [{"@value": "a"}, {"@id": "http://ex/b"}]}]}]
            """#)
        #expect(
            out == [
                "<http://ex/s> <http://ex/p> _:b0",
                "_:b0 <\(rdf)first> \"a\"",
                "_:b0 <\(rdf)rest> _:b1",
                "_:b1 <\(rdf)first> <http://ex/b>",
                "_:b1 <\(rdf)rest> <\(rdf)nil>",
            ])
    }

    @Test func listsAreNeverDeduplicatedAndNestedListsNest() throws {
        let out = try quads(
            #"""
            [{"@id": "http://ex/s", "http://ex/p": [{"@list": [{"@list": [{"@value": "x"}]}]}, {"@list": []}, {"@list": []}]}]
            """#)
        #expect(
            out == [
                "<http://ex/s> <http://ex/p> <\(rdf)nil>",
                "<http://ex/s> <http://ex/p> _:b0",
                "_:b0 <\(rdf)first> _:b1",
                "_:b0 <\(rdf)rest> <\(rdf)nil>",
                "_:b1 <\(rdf)first> \"x\"",
                "_:b1 <\(rdf)rest> <\(rdf)nil>",
            ])
    }
}

@Suite struct Literals {
    private func literal(_ valueObject: String, _ options: ToRDFOptions = ToRDFOptions(safeMode: false)) throws -> String {
        let out = try quads(#"[{"@id": "http://ex/s", "http://ex/p": ["# + valueObject + "]}]", options)
        #expect(out.count == 1)
        return String(out.first?.dropFirst("<http://ex/s> <http://ex/p> ".count) ?? "")
    }

    @Test(arguments: [
        ("1", "\"1\"^^<\(xsd)integer>"),
        ("-0", "\"0\"^^<\(xsd)integer>"),
        ("1.0", "\"1\"^^<\(xsd)integer>"),
        ("-0.0", "\"0\"^^<\(xsd)integer>"),
        ("1E2", "\"100\"^^<\(xsd)integer>"),
        ("1.1", "\"1.1E0\"^^<\(xsd)double>"),
        ("0.1", "\"1.0E-1\"^^<\(xsd)double>"),
        ("-2.5", "\"-2.5E0\"^^<\(xsd)double>"),
        ("1e21", "\"1.0E21\"^^<\(xsd)double>"),
        ("1000000000000000000000", "\"1.0E21\"^^<\(xsd)double>"),
        ("0.30000000000000004", "\"3.0E-1\"^^<\(xsd)double>"),
        ("5e-324", "\"4.940656458412465E-324\"^^<\(xsd)double>"),
        ("123456789012345", "\"123456789012345\"^^<\(xsd)integer>"),
        ("12345678901234567890", "\"12345678901234567168\"^^<\(xsd)integer>"),
    ])
    func numbersUseJSONLDCanonicalForms(lexeme: String, expected: String) throws {
        #expect(try literal(#"{"@value": "# + lexeme + "}") == expected)
    }

    @Test func integralNumberTypedDoubleIsWrittenAsDouble() throws {
        #expect(try literal(#"{"@value": 5, "@type": "http://www.w3.org/2001/XMLSchema#double"}"#) == "\"5.0E0\"^^<\(xsd)double>")
    }

    @Test func numberWithOtherDatatypeKeepsThatDatatype() throws {
        #expect(try literal(#"{"@value": 5, "@type": "http://ex/dt"}"#) == "\"5\"^^<http://ex/dt>")
    }

    @Test func booleansAreXSDBoolean() throws {
        #expect(try literal(#"{"@value": true}"#) == "\"true\"^^<\(xsd)boolean>")
        #expect(try literal(#"{"@value": false}"#) == "\"false\"^^<\(xsd)boolean>")
    }

    @Test func jsonLiteralsAreJCSCanonicalAndTypedRDFJSON() throws {
        let out = try literal(#"{"@value": {"b": [1.0, 1e2, "x"], "a": null}, "@type": "@json"}"#)
        #expect(out == #""{"a":null,"b":[1,100,"x"]}"^^<\#(rdf)JSON>"#)
        #expect(try literal(#"{"@value": true, "@type": "@json"}"#) == "\"true\"^^<\(rdf)JSON>")
    }

    @Test func languageTaggedStringsKeepTheirTag() throws {
        #expect(try literal(#"{"@value": "chat", "@language": "fr-BE"}"#) == "\"chat\"@fr-BE")
    }

    @Test func i18nDatatypeModeLowercasesTheLanguage() throws {
        let o = ToRDFOptions(rdfDirection: .i18nDatatype, safeMode: false)
        #expect(
            try literal(#"{"@value": "x", "@language": "en-US", "@direction": "rtl"}"#, o)
                == "\"x\"^^<https://www.w3.org/ns/i18n#en-us_rtl>")
        #expect(try literal(#"{"@value": "x", "@direction": "ltr"}"#, o) == "\"x\"^^<https://www.w3.org/ns/i18n#_ltr>")
    }

    @Test func compoundLiteralModeMakesABlankNodeWithValueLanguageDirection() throws {
        let out = try quads(
            #"""
            [{"@id": "http://ex/s", "http://ex/p": [{"@value": "x", "@language": "en-US", "@direction": "rtl"}]}]
            """#, ToRDFOptions(rdfDirection: .compoundLiteral, safeMode: false))
        #expect(
            out == [
                "<http://ex/s> <http://ex/p> _:b0",
                "_:b0 <\(rdf)direction> \"rtl\"",
                "_:b0 <\(rdf)language> \"en-us\"",
                "_:b0 <\(rdf)value> \"x\"",
            ])
    }

    @Test func directionWithoutModeIsDroppedOutsideSafeMode() throws {
        #expect(try literal(#"{"@value": "x", "@language": "en", "@direction": "rtl"}"#) == "\"x\"@en")
    }
}

@Suite struct SafeMode {
    @Test func unsafeModeDropsWhatTheSpecDrops() throws {
        let out = try quads(
            #"""
            [{"@id": "rel", "http://ex/p": [{"@value": "1"}]},
             {"@id": "http://ex/s", "@type": ["relType", "http://ex/T"], "relProp": [{"@value": "2"}],
              "_:bp": [{"@value": "3"}], "http://ex/q": [{"@id": "relObj"}, {"@value": "4", "@language": "not a tag"},
              {"@value": "5", "@type": "relDatatype"}, {"@id": "http://ex/a b"}]}]
            """#)
        #expect(out == ["<http://ex/s> <\(rdf)type> <http://ex/T>"])
    }

    @Test func relativeSubjectIsRefusedWithItsExpandedPath() throws {
        let error = try #require(try toRDFError(#"[{"@id": "http://ex/a"}, {"@id": "rel", "http://ex/p": [{"@value": "1"}]}]"#))
        #expect(error.code == .relativeSubjectReference)
        #expect(error.path?.description == "$[1].@id")
        #expect(error.message.contains("\"rel\""))
    }

    @Test func relativePredicateIsRefused() throws {
        let error = try #require(try toRDFError(#"[{"@id": "http://ex/s", "name": [{"@value": "1"}]}]"#))
        #expect(error.code == .relativePredicateReference)
        #expect(error.path?.description == "$[0].name")
    }

    @Test func relativeObjectTypeDatatypeAndGraphAreRefused() throws {
        #expect(try toRDFError(#"[{"@id": "http://ex/s", "http://ex/p": [{"@id": "o"}]}]"#)?.code == .relativeObjectReference)
        let typeError = try toRDFError(#"[{"@id": "http://ex/s", "@type": ["http://ex/A", "T"]}]"#)
        #expect(typeError?.code == .relativeTypeReference)
        #expect(typeError?.path?.description == "$[0].@type[1]")
        #expect(
            try toRDFError(#"[{"@id": "http://ex/s", "http://ex/p": [{"@value": "v", "@type": "dt"}]}]"#)?.code
                == .relativeDatatypeReference)
        #expect(
            try toRDFError(#"[{"@id": "g", "@graph": [{"@id": "http://ex/s", "http://ex/p": [{"@value": "v"}]}]}]"#)?.code
                == .relativeGraphReference)
    }

    @Test func blankNodePredicateIsRefusedNamingTheInputLabel() throws {
        let error = try #require(try toRDFError(#"[{"@id": "http://ex/s", "_:prop": [{"@value": "1"}]}]"#))
        #expect(error.code == .blankNodePredicate)
        #expect(error.message.contains("_:prop"))
        #expect(error.path?.description == "$[0][\"_:prop\"]")
    }

    /// A JAdES-sealed EDC's Format check only asks whether its payload converts (``RDFConversion/check(expanded:options:)``):
    /// it must refuse what the conversion refuses, with the same code and path, and pass what it passes.
    @Test(arguments: [
        #"[{"@id": "http://ex/a"}, {"@id": "rel", "http://ex/p": [{"@value": "1"}]}]"#,
        #"[{"@id": "http://ex/s", "name": [{"@value": "1"}]}]"#,
        #"[{"@id": "http://ex/s", "http://ex/p": [{"@id": "o"}]}]"#,
        #"[{"@id": "http://ex/s", "@type": ["http://ex/A", "T"]}]"#,
        #"[{"@id": "http://ex/s", "http://ex/p": [{"@value": "v", "@type": "dt"}]}]"#,
        #"[{"@id": "g", "@graph": [{"@id": "http://ex/s", "http://ex/p": [{"@value": "v"}]}]}]"#,
        #"[{"@id": "http://ex/s", "_:prop": [{"@value": "1"}]}]"#,
        #"[{"@id": "http://ex/s", "http://ex/p": [{"@value": "4", "@language": "not a tag"}]}]"#,
        #"[{"@id": "http://ex/s", "http://ex/p": [{"@value": "x", "@language": "en"}, {"@list": [{"@id": "_:b"}]}]}]"#,
    ])
    func theCheckWithoutQuadsRefusesWhatTheConversionRefuses(expandedJSON: String) throws {
        let value = try JSONParser.parse(expandedJSON)
        let full = try toRDFError(expandedJSON)
        var checked: JSONLDToRDFError?
        do { try RDFConversion.check(expanded: value.asArray, options: ToRDFOptions()) } catch { checked = error }
        #expect(checked?.code == full?.code)
        #expect(checked?.path?.description == full?.path?.description)
        #expect(checked?.message == full?.message)
    }

    @Test func blankNodePredicateIsKeptWithGeneralizedRDF() throws {
        let out = try quads(#"[{"@id": "http://ex/s", "_:prop": [{"@value": "1"}]}]"#, ToRDFOptions(produceGeneralizedRDF: true))
        #expect(out == ["<http://ex/s> _:b0 \"1\""])
    }

    @Test func malformedIRIAndLanguageTagAreRefused() throws {
        #expect(try toRDFError(#"[{"@id": "http://ex/a b", "http://ex/p": [{"@value": "1"}]}]"#)?.code == .malformedIRI)
        let error = try toRDFError(#"[{"@id": "http://ex/s", "http://ex/p": [{"@value": "1", "@language": "en_US"}]}]"#)
        #expect(error?.code == .invalidLanguageTag)
        #expect(error?.path?.description == "$[0][\"http://ex/p\"][0].@language")
    }

    @Test func directionWithoutRDFDirectionIsRefused() throws {
        let error = try toRDFError(#"[{"@id": "http://ex/s", "http://ex/p": [{"@value": "x", "@direction": "rtl"}]}]"#)
        #expect(error?.code == .rdfDirectionNotSet)
        let ok = try quads(
            #"[{"@id": "http://ex/s", "http://ex/p": [{"@value": "x", "@direction": "rtl"}]}]"#,
            ToRDFOptions(rdfDirection: .i18nDatatype))
        #expect(ok.count == 1)
    }

    @Test func referencedNodeWithoutStatementsNeedsNoAbsoluteSubject() throws {
        // The object reference is absolute, so nothing is dropped even though the node has no properties.
        let out = try quads(#"[{"@id": "http://ex/s", "http://ex/p": [{"@id": "_:o"}]}]"#, ToRDFOptions())
        #expect(out == ["<http://ex/s> <http://ex/p> _:b0"])
    }
}

@Suite struct LexicalChecks {
    @Test(arguments: ["en", "en-US", "zh-Hant-TW", "x-private1", "sgn-BE-FR"])
    func wellFormedLanguageTags(tag: String) { #expect(Lexical.isWellFormedLanguageTag(tag)) }

    @Test(arguments: ["", "en-", "-en", "en--US", "a b", "en_US", "toolongtag", "1en"])
    func malformedLanguageTags(tag: String) { #expect(!Lexical.isWellFormedLanguageTag(tag)) }

    @Test func iriClassification() {
        #expect(Lexical.classify("http://ex/a") == .absolute)
        #expect(Lexical.classify("urn:uuid:1") == .absolute)
        #expect(Lexical.classify("_:b0") == .blankNode)
        #expect(Lexical.classify("rel/path") == .relative)
        #expect(Lexical.classify("#frag") == .relative)
        #expect(Lexical.classify("1http:x") == .relative)
        #expect(Lexical.classify("http://ex/a b") == .malformed)
        #expect(Lexical.classify("http://ex/<a>") == .malformed)
    }
}

@Suite struct IRIWellFormedness {
    @Test(arguments: [
        "http://ex/a", "urn:uuid:1234", "http://[::1]:80/p", "http://ex/p?q=1#frag", "http://ex/%20", "http://ex/é",
        "did:key:z6Mk", "tag:a,b:c", "ex:node1",
    ])
    func absoluteIRIsAreWellFormed(iri: String) { #expect(Lexical.classify(iri) == .absolute) }

    @Test(arguments: [
        "http://ex/a b", "http://ex/<a>", "http://ex/a#b#c", "http://ex/%zz", "http://ex/%2", "http://ex/a[1]",
        "http://ex/\u{85}", "http://ex/a\"b", "http://ex/{x}", "http://ex/a|b", "http://ex/a\\b", "http://ex/^", "http://ex/`",
    ])
    func malformedIRIsAreDetected(iri: String) { #expect(Lexical.classify(iri) == .malformed) }

    @Test(arguments: ["rel", "#frag", "../up", "//host/p", "1http:x", "", "_x", "@null"])
    func relativeReferencesAreNotAbsolute(iri: String) { #expect(Lexical.classify(iri) == .relative) }

    @Test func nodeWithNullIdIsDroppedOrRefused() throws {
        let input = #"[{"@id": "http://ex/s", "http://ex/p": [{"@id": null}], "http://ex/q": [{"@value": "kept"}]}]"#
        #expect(try quads(input) == ["<http://ex/s> <http://ex/q> \"kept\""])
        let error = try toRDFError(input)
        #expect(error?.code == .relativeObjectReference)
        #expect(error?.path?.description == "$[0][\"http://ex/p\"][0].@id")
    }
}

@Suite struct StreamingEdgeCases {
    @Test func droppedListItemKeepsTheChain() throws {
        let input = #"[{"@id": "http://ex/s", "http://ex/p": [{"@list": [{"@id": "rel"}, {"@value": "b"}]}]}]"#
        #expect(
            try quads(input) == [
                "<http://ex/s> <http://ex/p> _:b0",
                "_:b0 <\(rdf)rest> _:b1",
                "_:b1 <\(rdf)first> \"b\"",
                "_:b1 <\(rdf)rest> <\(rdf)nil>",
            ])
        let error = try toRDFError(input)
        #expect(error?.code == .relativeObjectReference)
        #expect(error?.path?.description == "$[0][\"http://ex/p\"][0].@list[0].@id")
    }

    @Test func nestedNodeTriplesSurviveADroppedParentTriple() throws {
        // The parent's subject is relative: its own triple goes, the nested node's triples stay.
        let input = #"[{"@id": "rel", "http://ex/p": [{"@id": "http://ex/o", "http://ex/q": [{"@value": "kept"}]}]}]"#
        #expect(try quads(input) == ["<http://ex/o> <http://ex/q> \"kept\""])
        #expect(try toRDFError(input)?.code == .relativeSubjectReference)
    }

    @Test func reversePropertyWithRelativeIdIsRefusedAtItsPath() throws {
        let input = #"[{"@id": "http://ex/s", "@reverse": {"rel": [{"@id": "http://ex/o"}]}}]"#
        #expect(try quads(input).isEmpty)
        let error = try toRDFError(input)
        #expect(error?.code == .relativePredicateReference)
        #expect(error?.path?.description == "$[0].@reverse.rel")
    }

    @Test func emptyNamedGraphWithRelativeNameLosesNothing() throws {
        #expect(try quads(#"[{"@id": "g", "@graph": []}]"#, ToRDFOptions()).isEmpty)
    }

    @Test func sameNodeInTwoPlacesGivesOneSetOfTriples() throws {
        let out = try quads(
            #"""
            [{"@id": "http://ex/a", "http://ex/p": [{"@id": "http://ex/b", "http://ex/n": [{"@value": 1}]}]},
             {"@id": "http://ex/b", "http://ex/n": [{"@value": 1}], "@type": ["http://ex/T"]}]
            """#)
        #expect(
            out == [
                "<http://ex/a> <http://ex/p> <http://ex/b>",
                "<http://ex/b> <http://ex/n> \"1\"^^<\(xsd)integer>",
                "<http://ex/b> <\(rdf)type> <http://ex/T>",
            ])
    }

    @Test func streamingAndNodeMapAgreeOnTheUnitInputs() throws {
        let input = try JSONParser.parse(
            #"""
            [{"@id": "_:a", "@type": ["_:t"], "http://ex/p": [{"@list": [{"@id": "_:a"}, {"@value": 2.5}]}],
              "@reverse": {"http://ex/r": [{"@id": "http://ex/x"}]},
              "@graph": [{"@id": "_:a", "http://ex/q": [{"@value": "in graph", "@language": "en"}]}],
              "@included": [{"@id": "http://ex/i", "http://ex/j": [{"@value": {"k": [1, 2]}, "@type": "@json"}]}]}]
            """#
        ).asArray
        let streaming = try RDFConversion.toRDF(expanded: input)
        let nodeMap = try RDFConversion.toRDFViaNodeMap(expanded: input)
        #expect(streaming.count == nodeMap.count)
        #expect(try streaming.isIsomorphic(to: nodeMap))
    }
}
