/// N-Quads (RDF 1.1) reading and canonical writing.
///
/// The writer always produces *canonical* N-Quads (RDF 1.2 N-Quads §4, as RDFC-1.0 requires): one space
/// between terms, ` .\n` after each quad, `xsd:string` left implicit, and each character written in its one
/// canonical form, so that two writers agree byte for byte on the same quad.
///
/// The parser is strict: it accepts exactly the W3C N-Quads grammar and reports the first problem with
/// its line and column.
public enum NQuads {
    /// The canonical N-Quads document for `quads`, in the order given (each line ends with `\n`).
    public static func serialize(_ quads: some Sequence<RDFQuad>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        for quad in quads { append(quad, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    /// One quad as a canonical N-Quads line, including its terminating `\n`.
    public static func serialize(_ quad: RDFQuad) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(160)
        append(quad, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// One term in canonical N-Quads form (`<iri>`, `_:label`, or a literal with its tag or datatype).
    public static func serialize(_ term: RDFTerm) -> String {
        var out: [UInt8] = []
        append(term, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends one quad as a canonical N-Quads line (with `\n`) to a UTF-8 buffer.
    ///
    /// Offered so that hot paths (the canonicalizer) can reuse one buffer instead of building strings.
    public static func append(_ quad: RDFQuad, to out: inout [UInt8]) {
        append(quad.subject, to: &out)
        out.append(0x20)
        append(quad.predicate, to: &out)
        out.append(0x20)
        append(quad.object, to: &out)
        if let graph = quad.graph {
            out.append(0x20)
            append(graph, to: &out)
        }
        out.append(contentsOf: [0x20, 0x2E, 0x0A])  // " .\n"
    }

    /// Appends one term in canonical N-Quads form to a UTF-8 buffer.
    public static func append(_ term: RDFTerm, to out: inout [UInt8]) {
        switch term {
        case .iri(let iri):
            appendIRI(iri, to: &out)
        case .blankNode(let label):
            out.append(0x5F); out.append(0x3A)  // "_:"
            out.append(contentsOf: label.utf8)
        case .literal(let literal):
            appendLiteral(literal, to: &out)
        }
    }

    /// Appends `<iri>`; characters IRIREF cannot hold raw (only reachable for IRIs built in code,
    /// since the parser rejects them) are written as UCHAR so the output always parses back.
    public static func appendIRI(_ iri: String, to out: inout [UInt8]) {
        out.append(0x3C)
        for byte in iri.utf8 {
            if byte <= 0x20 || byte == 0x3C || byte == 0x3E || byte == 0x22 || byte == 0x7B || byte == 0x7D
                || byte == 0x7C || byte == 0x5E || byte == 0x60 || byte == 0x5C {
                appendUCHAR(UInt32(byte), to: &out)
            } else {
                out.append(byte)
            }
        }
        out.append(0x3E)
    }

    /// Appends a literal: the quoted lexical form, then `@lang`, or `^^<datatype>` unless it is `xsd:string`.
    public static func appendLiteral(_ literal: RDFLiteral, to out: inout [UInt8]) {
        out.append(0x22)
        appendEscapedString(literal.lexicalForm, to: &out)
        out.append(0x22)
        if let language = literal.language {
            out.append(0x40)
            out.append(contentsOf: language.utf8)
        } else if literal.datatype != RDFVocabulary.xsdString {
            out.append(0x5E); out.append(0x5E)
            appendIRI(literal.datatype, to: &out)
        }
    }

    /// Canonical string escaping (RDF 1.2 N-Triples §4): ECHAR for `\b \t \n \f \r " \`, UCHAR with upper-case
    /// hex for the other C0 controls, DEL, and U+FFFE/U+FFFF (not XML 1.1 `Char`), every other character raw.
    static func appendEscapedString(_ s: String, to out: inout [UInt8]) {
        let utf8 = s.utf8
        var i = utf8.startIndex
        while i != utf8.endIndex {
            let byte = utf8[i]
            switch byte {
            case 0x08: out.append(0x5C); out.append(0x62)  // \b
            case 0x09: out.append(0x5C); out.append(0x74)  // \t
            case 0x0A: out.append(0x5C); out.append(0x6E)  // \n
            case 0x0C: out.append(0x5C); out.append(0x66)  // \f
            case 0x0D: out.append(0x5C); out.append(0x72)  // \r
            case 0x22: out.append(0x5C); out.append(0x22)
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x00...0x1F, 0x7F:
                appendUCHAR(UInt32(byte), to: &out)
            case 0xEF:
                // U+FFFE and U+FFFF are EF BF BE / EF BF BF.
                let j = utf8.index(after: i)
                if j != utf8.endIndex, utf8[j] == 0xBF {
                    let k = utf8.index(after: j)
                    if k != utf8.endIndex, utf8[k] == 0xBE || utf8[k] == 0xBF {
                        appendUCHAR(utf8[k] == 0xBE ? 0xFFFE : 0xFFFF, to: &out)
                        i = utf8.index(after: k)
                        continue
                    }
                }
                out.append(byte)
            default:
                out.append(byte)
            }
            i = utf8.index(after: i)
        }
    }

    static func appendUCHAR(_ value: UInt32, to out: inout [UInt8]) {
        @inline(__always) func digit(_ n: UInt32) -> UInt8 { UInt8(n < 10 ? 0x30 + n : 0x37 + n) }
        out.append(0x5C); out.append(0x75)  // \u
        out.append(digit((value >> 12) & 0xF))
        out.append(digit((value >> 8) & 0xF))
        out.append(digit((value >> 4) & 0xF))
        out.append(digit(value & 0xF))
    }

    /// Parses an N-Quads document into a dataset (duplicate quads collapse, first occurrence order kept).
    ///
    /// Blank node labels are kept as written (without `_:`); they are scoped to this document.
    public static func parse(_ text: String) throws(NQuadsError) -> RDFDataset {
        var text = text
        // withUTF8 only rethrows untyped errors, so the typed error travels out in a Result.
        let result = text.withUTF8 { buffer -> Result<RDFDataset, NQuadsError> in
            var parser = NQuadsParser(buffer: buffer)
            do throws(NQuadsError) { return .success(try parser.parseDocument()) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Parses an N-Quads document given as UTF-8 bytes; invalid UTF-8 is an error with its position.
    public static func parse<Bytes: Collection>(utf8 bytes: Bytes) throws(NQuadsError) -> RDFDataset
    where Bytes.Element == UInt8 {
        let array = Array(bytes)
        return try array.withUnsafeBufferPointer { (buffer) throws(NQuadsError) -> RDFDataset in
            var parser = NQuadsParser(buffer: buffer)
            return try parser.parseDocument()
        }
    }
}
