import Foundation
import RDF
import TestSupport
import Testing

@Suite("N-Quads writer")
struct NQuadsWriterTests {
    let s = RDFTerm.iri("http://example.org/s")
    let p = RDFTerm.iri("http://example.org/p")

    @Test("xsd:string is implicit, other datatypes and language tags are written")
    func literalForms() {
        let quads = [
            RDFQuad(subject: s, predicate: p, object: .literal(RDFLiteral("plain"))),
            RDFQuad(subject: s, predicate: p, object: .literal(RDFLiteral("1", datatype: RDFVocabulary.xsdInteger))),
            RDFQuad(subject: s, predicate: p, object: .literal(RDFLiteral("chat", language: "fr-BE"))),
            RDFQuad(subject: .blankNode("b0"), predicate: p, object: .blankNode("b1"), graph: .iri("urn:g")),
        ]
        #expect(
            NQuads.serialize(quads) == """
                <http://example.org/s> <http://example.org/p> "plain" .
                <http://example.org/s> <http://example.org/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .
                <http://example.org/s> <http://example.org/p> "chat"@fr-BE .
                _:b0 <http://example.org/p> _:b1 <urn:g> .

                """)
    }

    @Test("literal escaping: ECHAR for b t n f r quote backslash, upper-case UCHAR for other controls, DEL and U+FFFE/F")
    func canonicalEscaping() {
        let lexical = "\u{0}\u{7}\u{8}\t\n\u{B}\u{C}\r\u{E}\u{1F} \"'\\\u{7F}\u{80}é∞🌃\u{FFFD}\u{FFFE}\u{FFFF}"
        let line = NQuads.serialize(RDFQuad(subject: s, predicate: p, object: .literal(RDFLiteral(lexical))))
        #expect(
            line == #"<http://example.org/s> <http://example.org/p> "\u0000\u0007\b\t\n\u000B\f\r\u000E\u001F \"'\\\u007F"# + "\u{80}é∞🌃\u{FFFD}"
                + #"\uFFFE\uFFFF" ."# + "\n")
    }

    @Test("characters an IRIREF cannot hold are written as UCHAR so the output parses back")
    func iriEscaping() throws {
        let quad = RDFQuad(subject: s, predicate: p, object: .iri("urn:a b>c"))
        let line = NQuads.serialize(quad)
        #expect(line.contains(#"<urn:a\u0020b\u003Ec>"#))
        // The parser refuses such IRIs, so round-tripping them is not promised; the line must still be one line.
        #expect(line.filter { $0 == "\n" }.count == 1)
    }

    @Test("an empty dataset serializes to the empty document")
    func emptyDocument() {
        #expect(NQuads.serialize([RDFQuad]()) == "")
    }
}

@Suite("N-Quads parser")
struct NQuadsParserTests {
    @Test("parses every term form, comments, blank lines and CR LF line ends")
    func termForms() throws {
        let text =
            "# header\r\n<urn:s> <urn:p> \"x\"@en-GB <urn:g> . # trailing\r\n\r\n"
            + "_:a.b <urn:p> \"1\"^^<urn:dt> .\n"
            + "<urn:s><urn:p>_:c.\n"
            + "\t<urn:s>  <urn:p>\t\"tab\\t\\u00e9\\U0001F303\" ."
        let dataset = try NQuads.parse(text)
        #expect(
            dataset.quads == [
                RDFQuad(subject: .iri("urn:s"), predicate: .iri("urn:p"), object: .literal(RDFLiteral("x", language: "en-GB")), graph: .iri("urn:g")),
                RDFQuad(subject: .blankNode("a.b"), predicate: .iri("urn:p"), object: .literal(RDFLiteral("1", datatype: "urn:dt"))),
                RDFQuad(subject: .iri("urn:s"), predicate: .iri("urn:p"), object: .blankNode("c")),
                RDFQuad(subject: .iri("urn:s"), predicate: .iri("urn:p"), object: .literal(RDFLiteral("tab\té🌃"))),
            ])
    }

    @Test("UCHAR in IRIs is decoded, and duplicates collapse")
    func ucharInIRI() throws {
        let dataset = try NQuads.parse("<urn:ex:\\u221E> <urn:p> <urn:o> .\n<urn:ex:∞> <urn:p> <urn:o> .\n")
        #expect(dataset.quads == [RDFQuad(subject: .iri("urn:ex:∞"), predicate: .iri("urn:p"), object: .iri("urn:o"))])
    }

    @Test("explicit xsd:string equals a plain literal")
    func explicitXSDString() throws {
        let a = try NQuads.parse("<urn:s> <urn:p> \"v\"^^<http://www.w3.org/2001/XMLSchema#string> .")
        let b = try NQuads.parse("<urn:s> <urn:p> \"v\" .")
        #expect(a == b)
        #expect(NQuads.serialize(a.quads) == "<urn:s> <urn:p> \"v\" .\n")
    }

    struct BadCase: Sendable, CustomStringConvertible {
        let text: String
        let code: NQuadsError.Code
        let line: Int
        let column: Int
        var description: String { text.debugDescription }
    }

    static let badCases: [BadCase] = [
        BadCase(text: "<urn:s> <urn:p> <urn:o>", code: .unexpectedEnd, line: 1, column: 24),
        BadCase(text: "<urn:s> <urn:p> <urn:o> .\n<urn:s> <urn:p> \"x .\n", code: .unexpectedCharacter, line: 2, column: 21),
        BadCase(text: "<urn:s> <urn:p> \"x", code: .unexpectedEnd, line: 1, column: 17),
        BadCase(text: "<s> <urn:p> <urn:o> .", code: .invalidIRI, line: 1, column: 1),
        BadCase(text: "<urn:s> <urn:p> <urn:a b> .", code: .invalidIRI, line: 1, column: 23),
        BadCase(text: "<urn:s> _:p <urn:o> .", code: .termNotAllowed, line: 1, column: 9),
        BadCase(text: "\"s\" <urn:p> <urn:o> .", code: .termNotAllowed, line: 1, column: 1),
        BadCase(text: "<urn:s> <urn:p> <urn:o> \"g\" .", code: .termNotAllowed, line: 1, column: 25),
        BadCase(text: "<urn:s> <urn:p> \"\\x\" .", code: .invalidEscape, line: 1, column: 18),
        BadCase(text: "<urn:s> <urn:p> \"\\uD800\" .", code: .invalidEscape, line: 1, column: 18),
        BadCase(text: "<urn:s> <urn:p> \"\\u12\" .", code: .invalidEscape, line: 1, column: 22),
        BadCase(text: "<urn:s> <urn:p> <urn:\\n> .", code: .invalidEscape, line: 1, column: 22),
        BadCase(text: "<urn:s> <urn:p> <urn:\\u0020> .", code: .invalidIRI, line: 1, column: 22),
        BadCase(text: "<urn:s> <urn:p> \"x\"@1a .", code: .invalidLanguageTag, line: 1, column: 21),
        BadCase(text: "<urn:s> <urn:p> \"x\"@en- .", code: .invalidLanguageTag, line: 1, column: 24),
        BadCase(text: "_:-a <urn:p> <urn:o> .", code: .invalidBlankNode, line: 1, column: 3),
        BadCase(text: "<urn:s> <urn:p> <urn:o> . <urn:s>", code: .unexpectedCharacter, line: 1, column: 27),
        BadCase(text: "\n\n  <urn:é> <urn:p> ~ .", code: .unexpectedCharacter, line: 3, column: 19),
        BadCase(text: "<urn:s> <urn:p> \"x\"^<urn:dt> .", code: .unexpectedCharacter, line: 1, column: 20),
    ]

    @Test("malformed input is rejected with a code and the line:column of the problem", arguments: badCases)
    func rejects(_ bad: BadCase) {
        #expect {
            _ = try NQuads.parse(bad.text)
        } throws: { error in
            guard let error = error as? NQuadsError else { return false }
            return error.code == bad.code && error.line == bad.line && error.column == bad.column
        }
    }

    @Test("invalid UTF-8 bytes are reported with their position")
    func invalidUTF8() {
        var bytes = Array("<urn:s> <urn:p> \"".utf8)
        bytes += [0xC3, 0x28]
        bytes += Array("\" .".utf8)
        #expect(throws: NQuadsError.self) { try NQuads.parse(utf8: bytes) }
        do {
            _ = try NQuads.parse(utf8: bytes)
        } catch {
            #expect(error.code == .invalidUTF8)
            #expect(error.column == 18)
            #expect(error.description.hasPrefix("line 1:18:"))
        }
    }
}

@Suite("N-Quads round trips", .needsSharedData)
struct NQuadsRoundTripTests {
    @Test("serialize then parse gives the same dataset, including every escaped character")
    func roundTrip() throws {
        var quads: [RDFQuad] = []
        let p = RDFTerm.iri("urn:p")
        for value in 0..<0x80 {
            let lexical = "a" + String(Character(Unicode.Scalar(UInt8(value)))) + "z"
            quads.append(RDFQuad(subject: .blankNode("n\(value)"), predicate: p, object: .literal(RDFLiteral(lexical))))
        }
        quads.append(
            RDFQuad(subject: .iri("urn:ex:∞"), predicate: p, object: .literal(RDFLiteral("\u{FFFE}\u{FFFF}🌃", language: "en")), graph: .blankNode("g")))
        quads.append(RDFQuad(subject: .iri("urn:s"), predicate: p, object: .literal(RDFLiteral("", datatype: "urn:ex:ὃ"))))
        let dataset = RDFDataset(quads)
        let text = NQuads.serialize(dataset.quads)
        let parsed = try NQuads.parse(text)
        #expect(parsed.quads == dataset.quads)
        #expect(NQuads.serialize(parsed.quads) == text)
    }

    /// Every expected output of the rdf-canon suite is canonical N-Quads, so parsing and writing it back
    /// must reproduce each file byte for byte (test060 covers the escaping rules).
    @Test("rdf-canon expected outputs are reproduced byte for byte")
    func rdfCanonOutputsRoundTrip() throws {
        guard let folder = SharedData.vector("rdf-canon/tests/rdfc10") else { return }
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix("-rdfc10.nq") }.sorted()
        #expect(files.count >= 60)
        for file in files {
            let bytes = try SharedData.data(folder.appendingPathComponent(file))
            let text = String(decoding: bytes, as: UTF8.self)
            let dataset = try NQuads.parse(utf8: bytes)
            #expect(NQuads.serialize(dataset.quads) == text, "\(file)")
        }
    }

    @Test("every rdf-canon input parses")
    func rdfCanonInputsParse() throws {
        guard let folder = SharedData.vector("rdf-canon/tests/rdfc10") else { return }
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix("-in.nq") }
        #expect(files.count >= 60)
        for file in files {
            let bytes = try SharedData.data(folder.appendingPathComponent(file))
            #expect(throws: Never.self, "\(file)") { _ = try NQuads.parse(utf8: bytes) }
        }
    }
}

@Suite("RDF term equality")
struct RDFTermEqualityTests {
    @Test("terms compare by code points: precomposed and decomposed é are different literals")
    func codePointEquality() throws {
        let precomposed = RDFTerm.literal(RDFLiteral("caf\u{E9}"))
        let decomposed = RDFTerm.literal(RDFLiteral("cafe\u{301}"))
        #expect(precomposed != decomposed)
        #expect(RDFTerm.iri("urn:\u{E9}") != RDFTerm.iri("urn:e\u{301}"))
        #expect(Set([precomposed, decomposed]).count == 2)
        let dataset = try NQuads.parse("<urn:s> <urn:p> \"caf\\u00E9\" .\n<urn:s> <urn:p> \"cafe\\u0301\" .\n")
        #expect(dataset.count == 2)
        #expect(RDFLiteral("a", language: "en") == RDFLiteral("a", language: "en"))
        #expect(RDFLiteral("a", language: "en") != RDFLiteral("a"))
    }
}

@Suite("N-Quads parser robustness", .needsSharedData)
struct NQuadsRobustnessTests {
    @Test("mutated inputs either parse and round-trip, or fail with a position inside the input")
    func mutations() throws {
        guard let url = SharedData.vector("rdf-canon/tests/rdfc10/test060-in.nq") else { return }
        let original = Array(try SharedData.data(url))
        let alphabet = Array("<>\"\\_:.@^# \t\n\ruU0aZ-é".utf8) + [0x00, 0xC3, 0xFF, 0xE2]
        var rng = SplitMix(state: 60)
        var parsed = 0, rejected = 0
        for _ in 0..<500 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes[at] = alphabet.randomElement(using: &rng)!
                case 1: bytes.remove(at: at)
                default: bytes.insert(alphabet.randomElement(using: &rng)!, at: at)
                }
            }
            do {
                let dataset = try NQuads.parse(utf8: bytes)
                let again = try NQuads.parse(NQuads.serialize(dataset.quads))
                #expect(again.quads == dataset.quads)
                parsed += 1
            } catch {
                let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).count
                #expect(error.line >= 1 && error.line <= lines + bytes.filter { $0 == 0x0D }.count)
                #expect(error.column >= 1)
                rejected += 1
            }
        }
        #expect(parsed > 0 && rejected > 0)
    }
}
