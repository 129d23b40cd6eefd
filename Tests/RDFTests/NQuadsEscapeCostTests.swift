import RDF
import Testing

/// Escapes in N-Quads literals and IRIs are decoded in linear time: each one used to copy everything decoded
/// before it (a literal of 200,000 `\u00E9` escapes took 29.5 s to canonicalize, debug build; 0.2 s now).
@Suite struct NQuadsEscapeCostTests {
    @Test(.timeLimit(.minutes(1))) func aLiteralOfManyUnicodeEscapesIsReadInLinearTime() throws {
        let count = 400_000
        let text = "<https://example.org/s> <https://example.org/p> \"" + String(repeating: "\\u00E9\\n", count: count) + "\" .\n"
        let dataset = try NQuads.parse(text)
        guard case .literal(let literal) = dataset.quads.first?.object else {
            Issue.record("the object is not a literal")
            return
        }
        #expect(literal.lexicalForm == String(repeating: "é\n", count: count))
    }

    @Test(.timeLimit(.minutes(1))) func anIRIOfManyUnicodeEscapesIsReadInLinearTime() throws {
        let count = 400_000
        let text = "<https://example.org/s> <https://example.org/p> <https://example.org/" + String(repeating: "\\u00E9", count: count) + "> .\n"
        let dataset = try NQuads.parse(text)
        #expect(dataset.quads.first?.object == .iri("https://example.org/" + String(repeating: "é", count: count)))
    }
}
