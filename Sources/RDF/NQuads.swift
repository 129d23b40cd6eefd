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
        return UTF8Text.string(out)
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
        withUTF8Bytes(iri) { utf8 in
            var runStart = 0
            var position = firstIRIEscape(utf8, from: 0)
            while position < utf8.count {
                if runStart < position { out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<position])) }
                appendUCHAR(UInt32(utf8[position]), to: &out)
                runStart = position + 1
                position = firstIRIEscape(utf8, from: runStart)
            }
            if runStart < utf8.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...])) }
        }
        out.append(0x3E)
    }

    /// The index of the first byte at or after `start` that IRIREF cannot hold raw, or the count.
    ///
    /// Eight bytes at a time (SWAR; Swift's SIMD types compile to scalar code here): IRIs are written once
    /// per occurrence in a canonicalization, and a byte at a time this was a tenth of it.
    @inline(__always)
    static func firstIRIEscape(_ utf8: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        let count = utf8.count
        var position = start
        if let base = utf8.baseAddress {
            let raw = UnsafeRawPointer(base)
            while position + 8 <= count {
                let word = raw.loadUnaligned(fromByteOffset: position, as: UInt64.self)
                if wordHasIRIEscape(word) { break }
                position += 8
            }
        }
        while position < count && !iriNeedsEscape(utf8[position]) { position += 1 }
        return position
    }

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Non-zero exactly when some byte of `value` is zero (its high bit is set there; the lowest such byte is exact).
    @inline(__always)
    private static func hasZero(_ value: UInt64) -> UInt64 { (value &- ones) & ~value & highs }

    /// Whether any byte of `word` is below 0x21 or one of `"<>\^`{|}` (the classic "has less than" and
    /// "has zero byte" tests, exact for whether such a byte exists; bytes ≥ 0x80 never match).
    @inline(__always)
    static func wordHasIRIEscape(_ word: UInt64) -> Bool {
        var found = (word &- ones &* 0x21) & ~word & highs
        found |= hasZero(word ^ (ones &* 0x22))
        found |= hasZero(word ^ (ones &* 0x3C))
        found |= hasZero(word ^ (ones &* 0x3E))
        found |= hasZero(word ^ (ones &* 0x5C))
        found |= hasZero(word ^ (ones &* 0x5E))
        found |= hasZero(word ^ (ones &* 0x60))
        found |= hasZero(word ^ (ones &* 0x7B))
        found |= hasZero(word ^ (ones &* 0x7C))
        found |= hasZero(word ^ (ones &* 0x7D))
        return found != 0
    }

    /// Whether IRIREF cannot hold `byte` raw: controls, space, and `<>"{}|^`\`.
    ///
    /// Two bit masks rather than a table: a static table is reached through its lazy initializer on every
    /// byte, which made writing IRIs a twentieth of a whole canonicalization.
    @inline(__always)
    static func iriNeedsEscape(_ byte: UInt8) -> Bool {
        if byte <= 0x20 { return true }
        if byte >= 0x80 { return false }
        let low: UInt64 = (1 << 0x22) | (1 << 0x3C) | (1 << 0x3E)
        let high: UInt64 =
            (1 << (0x5C - 0x40)) | (1 << (0x5E - 0x40)) | (1 << (0x60 - 0x40)) | (1 << (0x7B - 0x40))
            | (1 << (0x7C - 0x40)) | (1 << (0x7D - 0x40))
        return byte < 0x40 ? (low >> UInt64(byte)) & 1 != 0 : (high >> UInt64(byte - 0x40)) & 1 != 0
    }

    /// Whether `byte` starts an escape in a canonical string literal (0xEF may begin U+FFFE/U+FFFF).
    @inline(__always)
    static func stringNeedsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x7F || byte == 0xEF
    }

    /// Whether any byte of `word` starts an escape in a canonical string literal: below 0x20, `"`, `\`, DEL or
    /// 0xEF (exact for whether such a byte exists, as ``wordHasIRIEscape(_:)``).
    @inline(__always)
    static func wordHasStringEscape(_ word: UInt64) -> Bool {
        var found = (word &- ones &* 0x20) & ~word & highs
        found |= hasZero(word ^ (ones &* 0x22))
        found |= hasZero(word ^ (ones &* 0x5C))
        found |= hasZero(word ^ (ones &* 0x7F))
        found |= hasZero(word ^ (ones &* 0xEF))
        return found != 0
    }

    /// Copies `string` to `out` in runs of bytes that need no escaping (one bulk copy each), escaping the rest.
    ///
    /// `escape` writes the escape for the byte at an index and returns the index after what it consumed;
    /// `wordNeedsNoEscape` says of eight bytes that none of them needs `escape`, so plain text is passed over a word
    /// at a time (a byte at a time, literals were a tenth of writing a credential's terms).
    @inline(__always)
    static func appendRuns(
        _ string: String, to out: inout [UInt8], needsEscape: (UInt8) -> Bool, wordNeedsNoEscape: (UInt64) -> Bool,
        escape: (UnsafeBufferPointer<UInt8>, Int, inout [UInt8]) -> Int
    ) {
        withUTF8Bytes(string) { utf8 in
            var runStart = 0
            var position = 0
            let count = utf8.count
            guard let base = utf8.baseAddress else { return }
            let raw = UnsafeRawPointer(base)
            while position < count {
                if position + 8 <= count && wordNeedsNoEscape(raw.loadUnaligned(fromByteOffset: position, as: UInt64.self)) {
                    position += 8
                    continue
                }
                if needsEscape(utf8[position]) {
                    if runStart < position { out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<position])) }
                    position = escape(utf8, position, &out)
                    runStart = position
                } else {
                    position += 1
                }
            }
            if runStart < count { out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<count])) }
        }
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
    static func appendEscapedString(_ string: String, to out: inout [UInt8]) {
        appendRuns(
            string, to: &out, needsEscape: { stringNeedsEscape($0) }, wordNeedsNoEscape: { !wordHasStringEscape($0) },
            escape: { utf8, i, out in
                let byte = utf8[i]
                switch byte {
                case 0x08: out.append(0x5C); out.append(0x62)  // \b
                case 0x09: out.append(0x5C); out.append(0x74)  // \t
                case 0x0A: out.append(0x5C); out.append(0x6E)  // \n
                case 0x0C: out.append(0x5C); out.append(0x66)  // \f
                case 0x0D: out.append(0x5C); out.append(0x72)  // \r
                case 0x22: out.append(0x5C); out.append(0x22)
                case 0x5C: out.append(0x5C); out.append(0x5C)
                case 0xEF:
                    // U+FFFE and U+FFFF are EF BF BE / EF BF BF; other EF sequences are copied as they are.
                    if i + 2 < utf8.count, utf8[i + 1] == 0xBF, utf8[i + 2] == 0xBE || utf8[i + 2] == 0xBF {
                        appendUCHAR(utf8[i + 2] == 0xBE ? 0xFFFE : 0xFFFF, to: &out)
                        return i + 3
                    }
                    out.append(byte)
                default:
                    appendUCHAR(UInt32(byte), to: &out)  // the other C0 controls and DEL
                }
                return i + 1
            })
    }

    static func appendUCHAR(_ value: UInt32, to out: inout [UInt8]) {
        @inline(__always) func digit(_ nibble: UInt32) -> UInt8 { UInt8(nibble < 10 ? 0x30 + nibble : 0x37 + nibble) }
        out.append(0x5C); out.append(0x75)  // \u
        out.append(digit((value >> 12) & 0xF))
        out.append(digit((value >> 8) & 0xF))
        out.append(digit((value >> 4) & 0xF))
        out.append(digit(value & 0xF))
    }

    /// Parses an N-Quads document into a dataset (duplicate quads collapse, first occurrence order kept).
    ///
    /// Blank node labels are kept as written (without `_:`); they are scoped to this document.
    /// `allowBlankNodePredicates` accepts generalized RDF (JSON-LD's `produceGeneralizedRdf` output),
    /// which the N-Quads grammar itself does not.
    public static func parse(_ text: String, allowBlankNodePredicates: Bool = false) throws(NQuadsError) -> RDFDataset {
        var text = text
        // withUTF8 only rethrows untyped errors, so the typed error travels out in a Result.
        let result = text.withUTF8 { buffer -> Result<RDFDataset, NQuadsError> in
            var parser = NQuadsParser(buffer: buffer, allowBlankNodePredicates: allowBlankNodePredicates)
            do throws(NQuadsError) { return .success(try parser.parseDocument()) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Parses an N-Quads document given as UTF-8 bytes; invalid UTF-8 is an error with its position.
    public static func parse<Bytes: Collection>(utf8 bytes: Bytes, allowBlankNodePredicates: Bool = false) throws(NQuadsError) -> RDFDataset
    where Bytes.Element == UInt8 {
        let array = Array(bytes)
        return try array.withUnsafeBufferPointer { (buffer) throws(NQuadsError) -> RDFDataset in
            var parser = NQuadsParser(buffer: buffer, allowBlankNodePredicates: allowBlankNodePredicates)
            return try parser.parseDocument()
        }
    }
}
